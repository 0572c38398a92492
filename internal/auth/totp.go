package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// TOTP parameters (RFC 6238) as authenticator apps assume them when the otpauth URI names
// none: HMAC-SHA-1, 30-second steps, 6 digits.
const (
	totpPeriod = 30
	totpDigits = 6
	// totpSkew is how many steps either side of now a code is still accepted, for clocks
	// that drift and people who type slowly.
	totpSkew = 1
	// totpSecretLen is 160 bits, the HMAC-SHA-1 block-friendly size RFC 4226 recommends.
	totpSecretLen = 20
)

// b32 is the unpadded base 32 alphabet authenticator apps read secrets in.
var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// newTOTPSecret returns a fresh random secret.
func newTOTPSecret() []byte {
	b := make([]byte, totpSecretLen)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("auth: crypto/rand failed: %v", err))
	}
	return b
}

// hotp is the HMAC-based one-time password of RFC 4226 for one counter value, with the given
// number of digits (at most 9).
func hotp(key []byte, counter uint64, digits int) string {
	mac := hmac.New(sha1.New, key)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	// Dynamic truncation: the low nibble of the last byte picks four bytes.
	off := sum[len(sum)-1] & 0x0f
	code := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, code%mod)
}

// totpStep is the time step t falls in.
func totpStep(t time.Time) uint64 { return uint64(t.Unix()) / totpPeriod }

// totpCode is the code an authenticator shows at time t.
func totpCode(key []byte, t time.Time) string {
	return hotp(key, totpStep(t), totpDigits)
}

// matchTOTP finds the step, within the skew around t, whose code is the one given; ok is
// false when none matches. Every candidate is compared, in constant time, so that the
// answer's timing says nothing about which step came close.
func matchTOTP(key []byte, code string, t time.Time) (step uint64, ok bool) {
	code = normaliseCode(code)
	if len(code) != totpDigits {
		return 0, false
	}
	now := totpStep(t)
	for d := -totpSkew; d <= totpSkew; d++ {
		s := now + uint64(int64(d))
		if subtle.ConstantTimeCompare([]byte(hotp(key, s, totpDigits)), []byte(code)) == 1 {
			step, ok = s, true
		}
	}
	return step, ok
}

// normaliseCode drops the spaces and dashes people type into codes.
func normaliseCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, strings.TrimSpace(code))
}

// isTOTPCode reports whether code looks like a six-digit code rather than a recovery code.
func isTOTPCode(code string) bool {
	code = normaliseCode(code)
	if len(code) != totpDigits {
		return false
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// otpauthURI is the enrolment link authenticator apps understand (the Key Uri Format Google
// Authenticator defined and others follow): issuer and account name the entry.
func otpauthURI(issuer, account string, key []byte) string {
	label := url.PathEscape(issuer) + ":" + url.PathEscape(account)
	q := url.Values{}
	q.Set("secret", b32.EncodeToString(key))
	q.Set("issuer", issuer)
	q.Set("algorithm", "SHA1")
	q.Set("digits", fmt.Sprint(totpDigits))
	q.Set("period", fmt.Sprint(totpPeriod))
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// groupSecret writes a base 32 secret in groups of four, easier to type by hand.
func groupSecret(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
