package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
)

// LoginTokenTTL is how long a token from POST /api/auth/login lives.
const LoginTokenTTL = 24 * time.Hour

// tokenPrefix marks ClawOps tokens so that leaked ones are easy to recognise and scan for.
const tokenPrefix = "cwo_"

// Token kinds.
const (
	KindLogin = "login"
	KindAPI   = "api"
)

// ErrTokenNotFound is returned for a token id that is unknown or not the caller's.
var ErrTokenNotFound = fmt.Errorf("auth: token %w", derrors.NotFound)

// ErrBadToken is returned for a presented bearer token that is unknown, revoked or expired.
var ErrBadToken = fmt.Errorf("auth: invalid or expired token")

// Token describes a bearer token; the secret itself is never stored.
type Token struct {
	ID         string      `json:"id"`
	UserID     string      `json:"userId"`
	Kind       string      `json:"kind"`
	Name       string      `json:"name"`
	CampaignID *string     `json:"campaignId"`
	Role       access.Role `json:"role,omitempty"`
	ExpiresAt  *time.Time  `json:"expiresAt"`
	LastUsedAt *time.Time  `json:"lastUsedAt"`
	RevokedAt  *time.Time  `json:"revokedAt"`
	CreatedAt  time.Time   `json:"createdAt"`
}

// NewToken describes a token to issue.
type NewToken struct {
	UserID     string
	Kind       string
	Name       string
	CampaignID string
	Role       access.Role
	ExpiresAt  *time.Time
}

func hashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// IssueToken stores a new token and returns its secret, which is shown once and never again.
func (s *Store) IssueToken(ctx context.Context, n NewToken) (string, Token, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", Token{}, fmt.Errorf("auth: token: %w", err)
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	id := database.NewID()
	var role any
	if n.Role != "" {
		role = string(n.Role)
	}
	_, err := s.db.Exec(ctx, `
		INSERT INTO api_tokens (id, user_id, kind, name, token_hash, campaign_id, role,
			expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, n.UserID, n.Kind, n.Name, hashToken(secret), database.NullString(n.CampaignID), role,
		database.NullableTime(n.ExpiresAt), database.FormatTime(s.now()))
	if err != nil {
		return "", Token{}, fmt.Errorf("auth: issue token for %s: %w", n.UserID, err)
	}
	t, err := s.token(ctx, id)
	return secret, t, err
}

const selectToken = `SELECT id, user_id, kind, name, campaign_id, COALESCE(role, ''), expires_at,
	last_used_at, revoked_at, created_at FROM api_tokens`

func scanToken(r interface{ Scan(...any) error }) (Token, error) {
	var t Token
	var campaign sql.NullString
	err := r.Scan(&t.ID, &t.UserID, &t.Kind, &t.Name, &campaign, &t.Role,
		database.NullTime(&t.ExpiresAt), database.NullTime(&t.LastUsedAt),
		database.NullTime(&t.RevokedAt), database.Time(&t.CreatedAt))
	if campaign.Valid {
		t.CampaignID = &campaign.String
	}
	return t, err
}

func (s *Store) token(ctx context.Context, id string) (Token, error) {
	t, err := scanToken(s.db.W.QueryRowContext(ctx, selectToken+` WHERE id = ?`, id))
	if database.IsNoRows(err) {
		return Token{}, ErrTokenNotFound
	}
	if err != nil {
		return Token{}, fmt.Errorf("auth: token %s: %w", id, err)
	}
	return t, nil
}

// Tokens lists a user's API tokens, newest first; login tokens are left out.
func (s *Store) Tokens(ctx context.Context, userID string) ([]Token, error) {
	rows, err := s.db.R.QueryContext(ctx, selectToken+`
		WHERE user_id = ? AND kind = 'api' ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("auth: tokens of %s: %w", userID, err)
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("auth: tokens of %s: %w", userID, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// AllTokens lists the API tokens of every user, newest first, for admins.
func (s *Store) AllTokens(ctx context.Context) ([]Token, error) {
	rows, err := s.db.R.QueryContext(ctx, selectToken+`
		WHERE kind = 'api' ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("auth: all tokens: %w", err)
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("auth: all tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken ends a token of userID's (any user's when userID is empty, for admins).
func (s *Store) RevokeToken(ctx context.Context, userID, id string) error {
	q := `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`
	args := []any{database.FormatTime(s.now()), id}
	if userID != "" {
		q += ` AND user_id = ?`
		args = append(args, userID)
	}
	res, err := s.db.Exec(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("auth: revoke token %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrTokenNotFound
	}
	return nil
}

// RevokeSecret ends the token whose secret is presented (logout).
func (s *Store) RevokeSecret(ctx context.Context, secret string) error {
	_, err := s.db.Exec(ctx, `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?)
		WHERE token_hash = ?`, database.FormatTime(s.now()), hashToken(secret))
	if err != nil {
		return fmt.Errorf("auth: revoke presented token: %w", err)
	}
	return nil
}

// tokenRow is what a presented token resolves to.
type tokenRow struct {
	p        access.Principal
	expires  *time.Time
	rejected bool
}

// PrincipalForToken checks a presented bearer token and returns who it acts for.
func (s *Store) PrincipalForToken(ctx context.Context, secret string) (access.Principal, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return access.Principal{}, ErrBadToken
	}
	row, err := s.tokens.Get(hashToken(secret), func() (tokenRow, error) {
		return s.lookupToken(ctx, hashToken(secret))
	})
	if err != nil {
		return access.Principal{}, err
	}
	now := s.now()
	if row.rejected || (row.expires != nil && !now.Before(*row.expires)) {
		return access.Principal{}, ErrBadToken
	}
	if s.lastUsed.due(row.p.TokenID, now) {
		if _, err := s.db.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`,
			database.FormatTime(now), row.p.TokenID); err != nil {
			return access.Principal{}, fmt.Errorf("auth: touch token: %w", err)
		}
	}
	return row.p, nil
}

// lookupToken reads a token by its hash; unknown, revoked and disabled-user tokens come back
// rejected, so that they are cached as such too.
func (s *Store) lookupToken(ctx context.Context, hash string) (tokenRow, error) {
	var row tokenRow
	var campaign sql.NullString
	var revoked, disabled bool
	p := &row.p
	err := s.db.R.QueryRowContext(ctx, `
		SELECT t.id, t.user_id, u.email, u.name, u.role, t.campaign_id, COALESCE(t.role, ''),
			t.expires_at, t.revoked_at IS NOT NULL, u.disabled_at IS NOT NULL
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ?`, hash).Scan(&p.TokenID, &p.UserID, &p.Email,
		&p.Name, &p.PlatformRole, &campaign, &p.TokenRole, database.NullTime(&row.expires),
		&revoked, &disabled)
	if database.IsNoRows(err) {
		return tokenRow{rejected: true}, nil
	}
	if err != nil {
		return tokenRow{}, fmt.Errorf("auth: check token: %w", err)
	}
	p.TokenCampaignID = campaign.String
	row.rejected = revoked || disabled
	return row, nil
}

// usageClock throttles last-used writes to one a minute per token, so that reads authenticated
// by a token do not each cost a write.
type usageClock struct {
	mu   sync.Mutex
	last map[string]time.Time
}

func newUsageClock() *usageClock { return &usageClock{last: map[string]time.Time{}} }

func (c *usageClock) due(id string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Sub(c.last[id]) < time.Minute {
		return false
	}
	if len(c.last) > 100_000 {
		clear(c.last)
	}
	c.last[id] = now
	return true
}

// DeleteExpiredTokens removes login tokens that expired or were revoked before cutoff; API
// tokens stay listed so that their owners see what ended.
func (s *Store) DeleteExpiredTokens(ctx context.Context, cutoff time.Time) (int64, error) {
	c := database.FormatTime(cutoff)
	res, err := s.db.Exec(ctx, `DELETE FROM api_tokens WHERE kind = 'login'
		AND (expires_at < ? OR revoked_at < ?)`, c, c)
	if err != nil {
		return 0, fmt.Errorf("auth: delete expired tokens: %w", err)
	}
	return res.RowsAffected()
}
