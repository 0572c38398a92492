package auth_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/auth"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
)

func TestPasswordRules(t *testing.T) {
	tests := []struct {
		name, pw string
		want     string
	}{
		{"eleven characters", "elevenchars", "must be at least 12 characters"},
		{"twelve characters", "twelve chars", ""},
		{"passphrase of 256 bytes", strings.Repeat("correct horse ", 19)[:256], ""},
		{"longer than 256 bytes", strings.Repeat("x", 257), "must be at most 256 bytes"},
		{"no composition rules", "all lower case words", ""},
		{"common", "password1234", "is too common: choose a less predictable password or a passphrase"},
		{"common in capitals", "PassWord1234", "is too common: choose a less predictable password or a passphrase"},
		{"common with spaces", "i love you 12345", "is too common: choose a less predictable password or a passphrase"},
		{"common with symbols for letters", "p@$$word1234", "is too common: choose a less predictable password or a passphrase"},
		{"keyboard walk", "qwertyuiop123", "is too common: choose a less predictable password or a passphrase"},
		{"digits", "123456789012", "is too common: choose a less predictable password or a passphrase"},
		{"word and year", "Liverpool2019", "is too common: choose a less predictable password or a passphrase"},
		{"the product's name", "clawops12345", "is too common: choose a less predictable password or a passphrase"},
		{"NUL byte", "twelve\x00chars!", "must not contain NUL bytes"},
		{"broken UTF-8", "twelve chars\xff", "must be valid Unicode text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := auth.CheckPasswordRules(tt.pw); got != tt.want {
				t.Errorf("rules(%q) = %q, want %q", tt.pw, got, tt.want)
			}
		})
	}
}

func TestCommonPasswordListIsLargeAndLongEnough(t *testing.T) {
	// The list is built from patterns; a sample of entries must each be refused and the
	// list must hold enough of them to matter.
	for _, pw := range []string{"superman2000", "dragondragon", "sunshine12345",
		"iloveyou1234", "monkey123456", "welcome12345", "football2024"} {
		if !auth.IsCommonPassword(pw) {
			t.Errorf("%s is not on the list", pw)
		}
	}
	if auth.IsCommonPassword("violet parsnip orbit lantern") {
		t.Error("a four-word passphrase counted as common")
	}
	if got := auth.CommonPasswordCount(); got < 10_000 {
		t.Errorf("%d common passwords, want at least 10 000", got)
	}
}

func newPerson(t *testing.T, s *auth.Store, email string) auth.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), auth.NewUser{Email: email, Name: "P",
		Password: "violet parsnip orbit"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func keyedStore(t *testing.T) (*auth.Store, *database.DB) {
	t.Helper()
	s, db := newStore(t)
	if err := s.SetSecretKey(make([]byte, 32)); err != nil {
		t.Fatal(err)
	}
	return s, db
}

// secretOf reads the raw key back from a setup's grouped base 32 text.
func secretOf(t *testing.T, setup auth.TwoFactorSetup) []byte {
	t.Helper()
	key, err := auth.B32.DecodeString(strings.ReplaceAll(setup.Secret, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func TestTwoFactorEnrolmentAndSignIn(t *testing.T) {
	s, db := keyedStore(t)
	ctx := context.Background()
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	auth.SetNow(s, func() time.Time { return now })
	u := newPerson(t, s, "two@example.com")

	setup, err := s.StartTwoFactor(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(setup.URI, "otpauth://totp/ClawOps:two@example.com?") ||
		!strings.Contains(setup.URI, "secret="+strings.ReplaceAll(setup.Secret, " ", "")) {
		t.Errorf("uri %s", setup.URI)
	}
	var stored string
	db.R.QueryRow(`SELECT totp_secret FROM users WHERE id = ?`, u.ID).Scan(&stored)
	if strings.Contains(stored, strings.ReplaceAll(setup.Secret, " ", "")) {
		t.Error("the secret is stored in the clear")
	}
	key := secretOf(t, setup)
	again, err := s.PendingTwoFactor(ctx, u.ID)
	if err != nil || again != setup {
		t.Errorf("pending %+v, %v; want the same setup", again, err)
	}

	if _, err := s.ConfirmTwoFactor(ctx, u.ID, "000000"); !errors.Is(err, auth.ErrBadCode) {
		t.Errorf("confirm with a wrong code: %v", err)
	}
	codes, err := s.ConfirmTwoFactor(ctx, u.ID, auth.TOTPCode(key, now))
	if err != nil || len(codes) != 10 {
		t.Fatalf("confirm: %d codes, %v", len(codes), err)
	}
	if got, _ := s.User(ctx, u.ID); !got.TwoFactor {
		t.Error("two-factor is not on after confirming")
	}
	if _, err := s.StartTwoFactor(ctx, u.ID); !errors.Is(err, auth.ErrTwoFactorOn) {
		t.Errorf("starting again while on: %v", err)
	}

	// The code used to confirm cannot sign in; the next step's can, once.
	if _, err := s.VerifySecondFactor(ctx, u.ID, auth.TOTPCode(key, now)); !errors.Is(err, auth.ErrBadCode) {
		t.Errorf("the enrolment code signed in: %v", err)
	}
	now = now.Add(30 * time.Second)
	if rec, err := s.VerifySecondFactor(ctx, u.ID, auth.TOTPCode(key, now)); err != nil || rec {
		t.Errorf("a fresh code: recovery %v, %v", rec, err)
	}
	if _, err := s.VerifySecondFactor(ctx, u.ID, auth.TOTPCode(key, now)); !errors.Is(err, auth.ErrBadCode) {
		t.Errorf("a code used twice: %v", err)
	}
	now = now.Add(5 * time.Minute)
	if _, err := s.VerifySecondFactor(ctx, u.ID, auth.TOTPCode(key, now.Add(-2*time.Minute))); !errors.Is(err, auth.ErrBadCode) {
		t.Errorf("a two-minute-old code: %v", err)
	}

	// A recovery code works once, in any case and with or without its dash.
	typed := strings.ToUpper(strings.ReplaceAll(codes[3], "-", ""))
	if rec, err := s.VerifySecondFactor(ctx, u.ID, typed); err != nil || !rec {
		t.Errorf("recovery code: recovery %v, %v", rec, err)
	}
	if _, err := s.VerifySecondFactor(ctx, u.ID, codes[3]); !errors.Is(err, auth.ErrBadCode) {
		t.Errorf("a recovery code used twice: %v", err)
	}
	if n, _ := s.RecoveryCodesLeft(ctx, u.ID); n != 9 {
		t.Errorf("%d recovery codes left, want 9", n)
	}

	if err := s.DisableTwoFactor(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, u.ID); got.TwoFactor {
		t.Error("two-factor still on after turning it off")
	}
	if n, _ := s.RecoveryCodesLeft(ctx, u.ID); n != 0 {
		t.Errorf("%d recovery codes left after turning off", n)
	}
}

func TestTwoFactorNeedsAKey(t *testing.T) {
	s, _ := newStore(t)
	u := newPerson(t, s, "nokey@example.com")
	if _, err := s.StartTwoFactor(context.Background(), u.ID); !errors.Is(err, auth.ErrNoKey) {
		t.Errorf("start without a key: %v", err)
	}
}

func TestRoleChangeMovesAccessVersion(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	u := newPerson(t, s, "v@example.com")
	name := "New name"
	got, err := s.UpdateUser(ctx, u.ID, auth.UserPatch{Name: &name})
	if err != nil || got.AccessVersion != u.AccessVersion {
		t.Fatalf("renaming moved the version: %d → %d (%v)", u.AccessVersion, got.AccessVersion, err)
	}
	admin := "admin"
	got, err = s.UpdateUser(ctx, u.ID, auth.UserPatch{Role: &admin})
	if err != nil || got.AccessVersion != u.AccessVersion+1 {
		t.Errorf("a new role: version %d → %d (%v)", u.AccessVersion, got.AccessVersion, err)
	}
}

func TestUserPatchRefusesCommonPassword(t *testing.T) {
	s, _ := newStore(t)
	u := newPerson(t, s, "p@example.com")
	pw := "Password1234"
	_, err := s.UpdateUser(context.Background(), u.ID, auth.UserPatch{Password: &pw})
	if f, _ := derrors.AsFields(err); f["password"] == "" {
		t.Errorf("common password accepted: %v", err)
	}
}

// session makes a stored browser session of userID and records a visit to it.
func session(t *testing.T, ss *auth.SessionStore, token, userID, ip string) {
	t.Helper()
	ctx := context.Background()
	if err := ss.CommitCtx(ctx, token, []byte("x"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := ss.Visit(ctx, auth.SessionVisit{Token: token, UserID: userID, IP: ip,
		UserAgent: "Firefox", Force: true}); err != nil {
		t.Fatal(err)
	}
}

func TestSessionsListAndEnd(t *testing.T) {
	s, db := newStore(t)
	ss := auth.NewSessionStore(db)
	ctx := context.Background()
	a := newPerson(t, s, "a@example.com")
	b := newPerson(t, s, "b@example.com")
	session(t, ss, "tok-a1", a.ID, "10.0.0.1")
	session(t, ss, "tok-a2", a.ID, "10.0.0.2")
	session(t, ss, "tok-b1", b.ID, "10.0.0.3")

	list, err := ss.Sessions(ctx, a.ID, "tok-a1")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		IP      string
		Current bool
	}
	var got []row
	for _, si := range list {
		got = append(got, row{si.IP, si.Current})
		if si.ID == "" || si.UserAgent != "Firefox" || si.CreatedAt.IsZero() {
			t.Errorf("session %+v", si)
		}
	}
	slices.SortFunc(got, func(x, y row) int { return strings.Compare(x.IP, y.IP) })
	want := []row{{"10.0.0.1", true}, {"10.0.0.2", false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("a's sessions (-want +got):\n%s", diff)
	}

	// Another person's session cannot be ended by id.
	bList, _ := ss.Sessions(ctx, b.ID, "")
	if err := ss.EndSession(ctx, a.ID, bList[0].ID); !errors.Is(err, auth.ErrSessionNotFound) {
		t.Errorf("ending b's session as a: %v", err)
	}
	for _, si := range list {
		if !si.Current {
			if err := ss.EndSession(ctx, a.ID, si.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, found, _ := ss.FindCtx(ctx, "tok-a2"); found {
		t.Error("an ended session is still found")
	}
	if _, found, _ := ss.FindCtx(ctx, "tok-a1"); !found {
		t.Error("the current session ended too")
	}

	// Signing out everywhere ends a's sessions and sign-in tokens, not b's or a's API tokens.
	login, _, _ := s.IssueToken(ctx, auth.NewToken{UserID: a.ID, Kind: auth.KindLogin})
	api, _, _ := s.IssueToken(ctx, auth.NewToken{UserID: a.ID, Kind: auth.KindAPI, Name: "ci"})
	if err := s.SignOutEverywhere(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := ss.FindCtx(ctx, "tok-a1"); found {
		t.Error("a session survived signing out everywhere")
	}
	if _, found, _ := ss.FindCtx(ctx, "tok-b1"); !found {
		t.Error("another person's session ended")
	}
	if _, err := s.PrincipalForToken(ctx, login); !errors.Is(err, auth.ErrBadToken) {
		t.Errorf("sign-in token after signing out everywhere: %v", err)
	}
	if _, err := s.PrincipalForToken(ctx, api); err != nil {
		t.Errorf("API token after signing out everywhere: %v", err)
	}
	if u, _ := s.User(ctx, a.ID); u.SessionsValidAfter == nil {
		t.Error("no sign-out time recorded")
	}
}

func TestDisableEndsSessions(t *testing.T) {
	s, db := newStore(t)
	ss := auth.NewSessionStore(db)
	u := newPerson(t, s, "off@example.com")
	session(t, ss, "tok-off", u.ID, "10.0.0.9")
	if err := s.DisableUser(context.Background(), u.ID); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := ss.FindCtx(context.Background(), "tok-off"); found {
		t.Error("a disabled user's session is still found")
	}
}

func TestChangePassword(t *testing.T) {
	s, db := newStore(t)
	ss := auth.NewSessionStore(db)
	ctx := context.Background()
	u := newPerson(t, s, "change@example.com")
	session(t, ss, "tok-here", u.ID, "10.0.0.1")
	session(t, ss, "tok-there", u.ID, "10.0.0.2")

	tests := []struct {
		name, current, next string
		wantFields          derrors.Fields
	}{
		{"wrong current password", "not it at all", "new passphrase here",
			derrors.Fields{"currentPassword": "is not your current password"}},
		{"too short", "violet parsnip orbit", "short",
			derrors.Fields{"newPassword": "must be at least 12 characters"}},
		{"common", "violet parsnip orbit", "welcome12345",
			derrors.Fields{"newPassword": "is too common: choose a less predictable password or a passphrase"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.ChangePassword(ctx, u.ID, tt.current, tt.next, "tok-here")
			got, _ := derrors.AsFields(err)
			if diff := cmp.Diff(tt.wantFields, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
	if err := s.ChangePassword(ctx, u.ID, "violet parsnip orbit", "new passphrase here",
		"tok-here"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, u.Email, "new passphrase here"); err != nil {
		t.Errorf("sign in with the new password: %v", err)
	}
	if _, found, _ := ss.FindCtx(ctx, "tok-there"); found {
		t.Error("another session survived the change")
	}
	if _, found, _ := ss.FindCtx(ctx, "tok-here"); !found {
		t.Error("the session that changed the password ended")
	}
}

func TestRequireAdminTwoFactorSetting(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if on, err := s.RequireAdminTwoFactor(ctx); on || err != nil {
		t.Fatalf("default %v, %v; want off", on, err)
	}
	if err := s.SetRequireAdminTwoFactor(ctx, true); err != nil {
		t.Fatal(err)
	}
	if on, _ := s.RequireAdminTwoFactor(ctx); !on {
		t.Error("still off after turning it on")
	}
}

func TestAllTokensAndUserByEmail(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	a := newPerson(t, s, "one@example.com")
	b := newPerson(t, s, "two@example.com")
	s.IssueToken(ctx, auth.NewToken{UserID: a.ID, Kind: auth.KindAPI, Name: "a"})
	s.IssueToken(ctx, auth.NewToken{UserID: b.ID, Kind: auth.KindAPI, Name: "b"})
	s.IssueToken(ctx, auth.NewToken{UserID: b.ID, Kind: auth.KindLogin, Name: "login"})
	all, err := s.AllTokens(ctx)
	if err != nil || len(all) != 2 {
		t.Errorf("all tokens: %d, %v; want the two API tokens", len(all), err)
	}
	if got, err := s.UserByEmail(ctx, " TWO@example.com "); err != nil || got.ID != b.ID {
		t.Errorf("by email: %+v, %v", got, err)
	}
	if _, err := s.UserByEmail(ctx, "none@example.com"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("unknown email: %v", err)
	}
}
