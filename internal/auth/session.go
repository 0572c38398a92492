package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/clawops/clawops/internal/database"
)

// SessionStore keeps browser sessions in the database so that they survive restarts. It
// implements scs.CtxStore.
type SessionStore struct {
	db *database.DB
	// touched spares a write per request: visits are recorded once a minute.
	touched touchClock
}

// NewSessionStore returns a session store over db.
func NewSessionStore(db *database.DB) *SessionStore { return &SessionStore{db: db} }

// FindCtx returns a live session's data.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := s.db.R.QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = ? AND expiry > ?`,
		token, database.FormatTime(time.Now())).Scan(&data)
	if database.IsNoRows(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("auth: find session: %w", err)
	}
	return data, true, nil
}

// CommitCtx stores a session.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
		token, b, database.FormatTime(expiry))
	if err != nil {
		return fmt.Errorf("auth: commit session: %w", err)
	}
	return nil
}

// DeleteCtx removes a session and what is known about it.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		for _, q := range []string{`DELETE FROM sessions WHERE token = ?`,
			`DELETE FROM session_meta WHERE token = ?`} {
			if _, err := tx.ExecContext(ctx, q, token); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("auth: delete session: %w", err)
	}
	return nil
}

// Find is the context-free form scs also requires.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit is the context-free form scs also requires.
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is the context-free form scs also requires.
func (s *SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// DeleteExpired removes sessions past their expiry, and what is known about sessions that
// are gone, and reports how many sessions it removed.
func (s *SessionStore) DeleteExpired(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= ?`,
			database.FormatTime(time.Now()))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		// A session whose first request failed before the store committed it leaves an
		// entry without a session.
		_, err = tx.ExecContext(ctx, `DELETE FROM session_meta
			WHERE token NOT IN (SELECT token FROM sessions)`)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("auth: delete expired sessions: %w", err)
	}
	return n, nil
}
