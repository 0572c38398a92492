package auth

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
)

// ErrSessionNotFound is returned for a session id that is unknown, ended or not the caller's.
var ErrSessionNotFound = fmt.Errorf("auth: session %w", derrors.NotFound)

// userAgentMax bounds the user agent kept for a session; longer ones are cut.
const userAgentMax = 300

// SessionInfo is one live browser session as its owner sees it. Its token is never part of
// it: ID names the session on pages and in forms.
type SessionInfo struct {
	ID         string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	IP         string
	UserAgent  string
	// Current marks the session the list was asked from.
	Current bool
}

// SessionVisit is one use of a browser session by its user.
type SessionVisit struct {
	Token, UserID, IP, UserAgent string
	// SignedInAt is when the session was signed in, shown as its start.
	SignedInAt time.Time
	// Force records the visit even when the session was recorded less than a minute ago.
	Force bool
}

// touchClock keeps session visits to one write a minute per session.
type touchClock struct {
	mu   sync.Mutex
	last map[string]time.Time
}

func (c *touchClock) due(token string, now time.Time, force bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last == nil || len(c.last) > 100_000 {
		c.last = map[string]time.Time{}
	}
	if !force && now.Sub(c.last[token]) < time.Minute {
		return false
	}
	c.last[token] = now
	return true
}

// Visit records that a session was used now, creating its entry on first use. Visits within
// a minute of the last recorded one are not written again unless forced.
func (s *SessionStore) Visit(ctx context.Context, v SessionVisit) error {
	now := time.Now()
	if !s.touched.due(v.Token, now, v.Force) {
		return nil
	}
	ua := strings.ToValidUTF8(v.UserAgent, "")
	if len(ua) > userAgentMax {
		ua = ua[:userAgentMax]
	}
	signedIn := v.SignedInAt
	if signedIn.IsZero() {
		signedIn = now
	}
	_, err := s.db.Exec(ctx, `
		INSERT INTO session_meta (token, id, user_id, created_at, last_seen_at, ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET last_seen_at = excluded.last_seen_at,
			ip = excluded.ip, user_agent = excluded.user_agent`,
		v.Token, database.NewID(), v.UserID, database.FormatTime(signedIn),
		database.FormatTime(now), v.IP, ua)
	if err != nil {
		return fmt.Errorf("auth: record session visit: %w", err)
	}
	return nil
}

// Sessions lists the live browser sessions of userID, most recently used first; current is
// the token of the session asking, which the list marks.
func (s *SessionStore) Sessions(ctx context.Context, userID, current string) ([]SessionInfo,
	error) {
	rows, err := s.db.R.QueryContext(ctx, `
		SELECT m.token, m.id, m.created_at, m.last_seen_at, s.expiry, m.ip, m.user_agent
		FROM session_meta m JOIN sessions s ON s.token = m.token
		WHERE m.user_id = ? AND s.expiry > ?
		ORDER BY m.last_seen_at DESC, m.id`, userID, database.FormatTime(time.Now()))
	if err != nil {
		return nil, fmt.Errorf("auth: sessions of %s: %w", userID, err)
	}
	defer rows.Close()
	out := []SessionInfo{}
	for rows.Next() {
		var token string
		var si SessionInfo
		if err := rows.Scan(&token, &si.ID, database.Time(&si.CreatedAt),
			database.Time(&si.LastSeenAt), database.Time(&si.ExpiresAt), &si.IP,
			&si.UserAgent); err != nil {
			return nil, fmt.Errorf("auth: sessions of %s: %w", userID, err)
		}
		si.Current = token == current
		out = append(out, si)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("auth: sessions of %s: %w", userID, err)
	}
	return out, nil
}

// EndSession ends one browser session of userID, named by its id.
func (s *SessionStore) EndSession(ctx context.Context, userID, id string) error {
	var found bool
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		var token string
		err := tx.QueryRowContext(ctx, `SELECT token FROM session_meta
			WHERE id = ? AND user_id = ?`, id, userID).Scan(&token)
		if database.IsNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		for _, q := range []string{`DELETE FROM sessions WHERE token = ?`,
			`DELETE FROM session_meta WHERE token = ?`} {
			if _, err := tx.ExecContext(ctx, q, token); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("auth: end session %s: %w", id, err)
	}
	if !found {
		return ErrSessionNotFound
	}
	return nil
}

// EndOtherSessions ends every browser session of userID except the one whose token is keep.
func (s *SessionStore) EndOtherSessions(ctx context.Context, userID, keep string) error {
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		return endSessions(ctx, tx, userID, keep)
	})
	if err != nil {
		return fmt.Errorf("auth: end sessions of %s: %w", userID, err)
	}
	return nil
}

// endSessions deletes the browser sessions of userID known to session_meta, except keep.
func endSessions(ctx context.Context, tx *database.Tx, userID, keep string) error {
	for _, q := range []string{
		`DELETE FROM sessions WHERE token IN
			(SELECT token FROM session_meta WHERE user_id = ? AND token <> ?)`,
		`DELETE FROM session_meta WHERE user_id = ? AND token <> ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, userID, keep); err != nil {
			return fmt.Errorf("auth: end sessions of %s: %w", userID, err)
		}
	}
	return nil
}

// signOutEverywhere ends every browser session and sign-in token of userID. Sessions that
// session_meta does not know are ended too, by their sign-in time, on their next request.
func signOutEverywhere(ctx context.Context, tx *database.Tx, userID, now string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET sessions_valid_after = ? WHERE id = ?`,
		now, userID); err != nil {
		return fmt.Errorf("auth: sign out %s everywhere: %w", userID, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?)
		WHERE user_id = ? AND kind = 'login'`, now, userID); err != nil {
		return fmt.Errorf("auth: sign out %s everywhere: %w", userID, err)
	}
	return endSessions(ctx, tx, userID, "")
}

// SignOutEverywhere ends every browser session and sign-in token of userID; API tokens stay.
func (s *Store) SignOutEverywhere(ctx context.Context, userID string) error {
	now := database.FormatTime(s.now())
	return s.db.Tx(ctx, func(tx *database.Tx) error {
		return signOutEverywhere(ctx, tx, userID, now)
	})
}

// CountLoginTokens counts userID's sign-in tokens from POST /api/auth/login that still work.
func (s *Store) CountLoginTokens(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_tokens
		WHERE user_id = ? AND kind = 'login' AND revoked_at IS NULL
			AND (expires_at IS NULL OR expires_at > ?)`,
		userID, database.FormatTime(s.now())).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("auth: count sign-in tokens of %s: %w", userID, err)
	}
	return n, nil
}
