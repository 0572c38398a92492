package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/auth"
)

// The test vectors of RFC 6238, appendix B, for HMAC-SHA-1 with its 20-byte seed.
func TestTOTPMatchesRFC6238(t *testing.T) {
	seed := []byte("12345678901234567890")
	tests := []struct {
		unix int64
		want string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	}
	for _, tt := range tests {
		got := auth.HOTP(seed, uint64(tt.unix/30), 8)
		if got != tt.want {
			t.Errorf("T=%d: 8 digits %s, want %s", tt.unix, got, tt.want)
		}
		// Six digits are the low six of the eight.
		six := auth.TOTPCode(seed, time.Unix(tt.unix, 0))
		if six != tt.want[2:] {
			t.Errorf("T=%d: 6 digits %s, want %s", tt.unix, six, tt.want[2:])
		}
	}
}

// The counter-based vectors of RFC 4226, appendix D, which TOTP is built on.
func TestHOTPMatchesRFC4226(t *testing.T) {
	seed := []byte("12345678901234567890")
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922",
		"162583", "399871", "520489"}
	for i, w := range want {
		if got := auth.HOTP(seed, uint64(i), 6); got != w {
			t.Errorf("count %d: %s, want %s", i, got, w)
		}
	}
}

func TestMatchTOTPAcceptsOneStepEitherSide(t *testing.T) {
	seed := []byte("12345678901234567890")
	at := time.Unix(1111111111, 0)
	step := uint64(1111111111 / 30)
	tests := []struct {
		name     string
		code     string
		wantOK   bool
		wantStep uint64
	}{
		{"now", auth.HOTP(seed, step, 6), true, step},
		{"one step late", auth.HOTP(seed, step-1, 6), true, step - 1},
		{"one step early", auth.HOTP(seed, step+1, 6), true, step + 1},
		{"two steps late", auth.HOTP(seed, step-2, 6), false, 0},
		{"two steps early", auth.HOTP(seed, step+2, 6), false, 0},
		{"typed with a space", auth.HOTP(seed, step, 6)[:3] + " " + auth.HOTP(seed, step, 6)[3:],
			true, step},
		{"too short", "12345", false, 0},
		{"letters", "abcdef", false, 0},
		{"empty", "", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := auth.MatchTOTP(seed, tt.code, at)
			if ok != tt.wantOK || got != tt.wantStep {
				t.Errorf("match %q = %d, %v; want %d, %v", tt.code, got, ok, tt.wantStep,
					tt.wantOK)
			}
		})
	}
}

func TestSealer(t *testing.T) {
	key := make([]byte, 32)
	sl, err := auth.NewSealerFor(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed := sl.Seal([]byte("top secret"), "totp:u1")
	if strings.Contains(sealed, "top secret") {
		t.Fatalf("sealed value shows the plain text: %s", sealed)
	}
	if got, err := sl.Open(sealed, "totp:u1"); err != nil || string(got) != "top secret" {
		t.Errorf("open = %q, %v", got, err)
	}
	if _, err := sl.Open(sealed, "totp:u2"); err == nil {
		t.Error("a value sealed for one user opened for another")
	}
	other, _ := auth.NewSealerFor(append(make([]byte, 31), 1))
	if _, err := other.Open(sealed, "totp:u1"); err == nil {
		t.Error("a value opened with the wrong key")
	}
	if _, err := auth.NewSealerFor(make([]byte, 16)); err == nil {
		t.Error("a 16-byte key was accepted")
	}
}

func TestLoadKeyFileCreatesThenReads(t *testing.T) {
	path := t.TempDir() + "/sub/clawops.db.key"
	first, err := auth.LoadKeyFile(path)
	if err != nil || len(first) != 32 {
		t.Fatalf("create: %d bytes, %v", len(first), err)
	}
	again, err := auth.LoadKeyFile(path)
	if err != nil || string(again) != string(first) {
		t.Errorf("read back a different key (%v)", err)
	}
}
