package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/argon2"

	"github.com/clawops/clawops/internal/testutil/testdb"
)

// countDerivations makes every argon2id derivation record its parameters until the test ends.
func countDerivations(t *testing.T) func() []string {
	var mu sync.Mutex
	var calls []string
	deriveKey = func(pw, salt []byte, time, memory uint32, threads uint8, n uint32) []byte {
		mu.Lock()
		calls = append(calls, fmt.Sprintf("t=%d m=%d p=%d len=%d", time, memory, threads, n))
		mu.Unlock()
		return argon2.IDKey(pw, salt, time, memory, threads, n)
	}
	t.Cleanup(func() { deriveKey = argon2.IDKey })
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := calls
		calls = nil
		return out
	}
}

// TestSignInDoesTheSameWorkForUnknownEmails counts the hashing a sign-in does, rather than
// timing it: an unknown email, a wrong password and a disabled account must each cost exactly
// one derivation with the parameters of a real account, from the very first attempt on.
func TestSignInDoesTheSameWorkForUnknownEmails(t *testing.T) {
	ctx := context.Background()
	s := NewStore(testdb.New(t))
	taken := countDerivations(t)
	const pw = "a rather long passphrase here"
	u, err := s.CreateUser(ctx, NewUser{Email: "known@example.com", Name: "Known",
		Password: pw, Role: "member"})
	if err != nil {
		t.Fatal(err)
	}
	off, err := s.CreateUser(ctx, NewUser{Email: "off@example.com", Name: "Off",
		Password: pw, Role: "member"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DisableUser(ctx, off.ID); err != nil {
		t.Fatal(err)
	}
	taken()

	one := []string{fmt.Sprintf("t=%d m=%d p=%d len=%d", argonTime, argonMemory, argonThreads,
		argonKeyLen)}
	tests := []struct{ name, email, password string }{
		{"unknown email first", "nobody@example.com", pw},
		{"unknown email again", "someone-else@example.com", "another guess entirely"},
		{"wrong password", u.Email, "not the passphrase at all"},
		{"disabled account", off.Email, pw},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Authenticate(ctx, tt.email, tt.password)
			if !errors.Is(err, ErrInvalidCredentials) {
				t.Fatalf("error %v, want invalid credentials", err)
			}
			if diff := cmp.Diff(one, taken()); diff != "" {
				t.Errorf("derivations (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := s.Authenticate(ctx, u.Email, pw); err != nil {
		t.Fatalf("right password: %v", err)
	}
	if diff := cmp.Diff(one, taken()); diff != "" {
		t.Errorf("derivations of a successful sign-in (-want +got):\n%s", diff)
	}
}

// TestTimingHashMatchesTheCurrentParameters keeps the fixed hash of unknown emails as costly as
// a real one when the argon2id parameters change.
func TestTimingHashMatchesTheCurrentParameters(t *testing.T) {
	want := fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$", argon2.Version, argonMemory,
		argonTime, argonThreads)
	if got := timingHash[:len(want)]; got != want {
		t.Errorf("timing hash starts %q, want %q", got, want)
	}
	h, err := HashPassword(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != len(timingHash) {
		t.Errorf("timing hash is %d characters, a real one %d", len(timingHash), len(h))
	}
}
