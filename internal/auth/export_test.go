package auth

import "time"

// Test hooks into the package's internals.
var (
	HOTP         = hotp
	TOTPCode     = totpCode
	MatchTOTP    = matchTOTP
	B32          = b32
	NewSealerFor = newSealer
)

// SetNow sets the store's clock.
func SetNow(s *Store, now func() time.Time) { s.now = now }

// Seal and Open expose the sealer's two halves.
func (s *sealer) Seal(plain []byte, what string) string    { return s.seal(plain, what) }
func (s *sealer) Open(sealed, what string) ([]byte, error) { return s.open(sealed, what) }

// CommonPasswordCount is how many passwords the shipped list holds.
func CommonPasswordCount() int { return len(commonSet()) }
