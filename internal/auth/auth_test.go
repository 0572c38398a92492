package auth_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/testutil/testdb"

	"golang.org/x/crypto/bcrypt"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/auth"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
)

func newStore(t *testing.T) (*auth.Store, *database.DB) {
	t.Helper()
	db := testdb.New(t)
	return auth.NewStore(db), db
}

func TestPasswords(t *testing.T) {
	ctx := context.Background()
	h, err := auth.HashPassword(ctx, "a long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if ok, rehash, err := auth.CheckPassword(ctx, h, "a long passphrase"); !ok || rehash || err != nil {
		t.Errorf("argon2id right password: %v %v %v", ok, rehash, err)
	}
	if ok, _, _ := auth.CheckPassword(ctx, h, "a long passphrasE"); ok {
		t.Error("argon2id accepted a wrong password")
	}
	legacy, _ := bcrypt.GenerateFromPassword([]byte("changeme123"), bcrypt.MinCost)
	if ok, rehash, err := auth.CheckPassword(ctx, string(legacy), "changeme123"); !ok || !rehash || err != nil {
		t.Errorf("bcrypt right password: %v %v %v", ok, rehash, err)
	}
	if ok, _, _ := auth.CheckPassword(ctx, string(legacy), "changeme124"); ok {
		t.Error("bcrypt accepted a wrong password")
	}
	for _, tt := range []struct {
		pw   string
		okay bool
	}{{"short", false}, {"twelve chars", true}, {"correct horse battery staple", true},
		{"with\x00nul byte", false}} {
		if got := auth.CheckPasswordRules(tt.pw) == ""; got != tt.okay {
			t.Errorf("rules(%q) acceptable = %v", tt.pw, got)
		}
	}
}

func TestAuthenticateAndRehash(t *testing.T) {
	s, db := newStore(t)
	ctx := context.Background()
	legacy, _ := bcrypt.GenerateFromPassword([]byte("changeme123"), bcrypt.MinCost)
	u, err := s.CreateUser(ctx, auth.NewUser{Email: "Old@Example.com", Name: "Old",
		PasswordHash: string(legacy), Role: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Authenticate(ctx, "old@example.com", "changeme123")
	if err != nil || got.ID != u.ID || got.LastLoginAt == nil {
		t.Fatalf("authenticate: %+v, %v", got, err)
	}
	var hash string
	db.R.QueryRow(`SELECT password_hash FROM users WHERE id = ?`, u.ID).Scan(&hash)
	if hash[:10] != "$argon2id$" {
		t.Errorf("hash after sign-in %q, want argon2id", hash[:10])
	}
	if _, err := s.Authenticate(ctx, "old@example.com", "changeme123"); err != nil {
		t.Errorf("sign-in after rehash: %v", err)
	}
	for _, tt := range []struct{ email, pw string }{
		{"old@example.com", "wrong password"}, {"nobody@example.com", "changeme123"},
	} {
		if _, err := s.Authenticate(ctx, tt.email, tt.pw); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Errorf("%s: %v, want invalid credentials", tt.email, err)
		}
	}
	if _, err := s.CreateUser(ctx, auth.NewUser{Email: "old@example.com",
		Password: "another long one"}); !errors.Is(err, auth.ErrEmailTaken) {
		t.Errorf("duplicate email (case-insensitive): %v", err)
	}
	if _, err := s.CreateUser(ctx, auth.NewUser{Email: "bad", Password: "x"}); err == nil {
		t.Error("bad user accepted")
	} else if f, _ := derrors.AsFields(err); f["email"] == "" || f["password"] == "" {
		t.Errorf("fields = %v", f)
	}
}

func TestTokens(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, auth.NewUser{Email: "t@example.com", Password: "long enough pw"})
	if err != nil {
		t.Fatal(err)
	}
	secret, tok, err := s.IssueToken(ctx, auth.NewToken{UserID: u.ID, Kind: auth.KindAPI,
		Name: "ci", Role: access.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.PrincipalForToken(ctx, secret)
	if err != nil || p.UserID != u.ID || p.TokenID != tok.ID || p.TokenRole != access.RoleViewer {
		t.Fatalf("principal %+v, %v", p, err)
	}
	listed, _ := s.Tokens(ctx, u.ID)
	if len(listed) != 1 || listed[0].LastUsedAt == nil {
		t.Errorf("tokens %+v, want one, used", listed)
	}

	past := time.Now().Add(-time.Minute)
	expired, _, _ := s.IssueToken(ctx, auth.NewToken{UserID: u.ID, Kind: auth.KindLogin,
		ExpiresAt: &past})
	for name, sec := range map[string]string{"expired": expired, "unknown": "cwo_nope",
		"not ours": "Bearer x"} {
		if _, err := s.PrincipalForToken(ctx, sec); !errors.Is(err, auth.ErrBadToken) {
			t.Errorf("%s token: %v", name, err)
		}
	}

	if err := s.RevokeToken(ctx, "someone-else", tok.ID); !errors.Is(err, auth.ErrTokenNotFound) {
		t.Errorf("revoking another user's token: %v", err)
	}
	if err := s.DisableUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PrincipalForToken(ctx, secret); !errors.Is(err, auth.ErrBadToken) {
		t.Errorf("token of a disabled user: %v", err)
	}
	if _, err := s.Authenticate(ctx, "t@example.com", "long enough pw"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Errorf("disabled user signs in: %v", err)
	}
}

func TestThrottle(t *testing.T) {
	th := auth.NewThrottle(3, time.Minute)
	for i := 0; i < 3; i++ {
		if w := th.Reserve("k"); w != 0 {
			t.Fatalf("attempt %d refused for %v", i, w)
		}
	}
	if w := th.Reserve("k"); w <= 0 || w > time.Minute {
		t.Errorf("fourth attempt: wait %v, want up to a minute", w)
	}
	if w := th.Reserve("other"); w != 0 {
		t.Errorf("another key waits %v", w)
	}
	th.Refund("k")
	if w := th.Reserve("k"); w != 0 {
		t.Errorf("after a refund: wait %v", w)
	}
	th.Reset("k")
	for i := 0; i < 3; i++ {
		if w := th.Reserve("k"); w != 0 {
			t.Errorf("after reset, attempt %d waits %v", i, w)
		}
	}
}

func TestDeleteExpiredTokens(t *testing.T) {
	s, db := newStore(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, auth.NewUser{Email: "sweep@example.com", Password: "long enough pw"})
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-48 * time.Hour)
	future := time.Now().Add(time.Hour)
	s.IssueToken(ctx, auth.NewToken{UserID: u.ID, Kind: auth.KindLogin, ExpiresAt: &past})
	_, live, _ := s.IssueToken(ctx, auth.NewToken{UserID: u.ID, Kind: auth.KindLogin, ExpiresAt: &future})
	_, api, _ := s.IssueToken(ctx, auth.NewToken{UserID: u.ID, Kind: auth.KindAPI, Name: "ci",
		ExpiresAt: &past})
	n, err := s.DeleteExpiredTokens(ctx, time.Now().Add(-24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("deleted %d (%v), want the one expired login token", n, err)
	}
	var left []string
	rows, _ := db.R.Query(`SELECT id FROM api_tokens ORDER BY id`)
	for rows.Next() {
		var id string
		rows.Scan(&id)
		left = append(left, id)
	}
	rows.Close()
	if len(left) != 2 || !slices.Contains(left, live.ID) || !slices.Contains(left, api.ID) {
		t.Errorf("tokens left %v, want the live login token and the API token", left)
	}
}
