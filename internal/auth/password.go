// Package auth signs people and API clients in: users and their passwords, bearer tokens,
// sign-in throttling and the browser session store.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// argon2id parameters: OWASP's recommended minimum of 19 MiB, two passes, one lane.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// deriveKey is argon2.IDKey. Tests replace it to count the hashing work a sign-in does, which
// must be the same whether or not the email belongs to an account.
var deriveKey = argon2.IDKey

// hashSlots bounds how many password hashes run at once: each takes ~19 MiB and a core, and a
// burst of sign-ins must not starve the server.
var hashSlots = make(chan struct{}, max(1, runtime.NumCPU()))

func acquire(ctx context.Context) error {
	select {
	case hashSlots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("auth: waiting to hash: %w", ctx.Err())
	}
}

func release() { <-hashSlots }

// HashPassword derives an argon2id hash in the PHC string form.
func HashPassword(ctx context.Context, password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	if err := acquire(ctx); err != nil {
		return "", err
	}
	key := deriveKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	release()
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory,
		argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches encoded, an argon2id hash or a bcrypt hash
// carried over from the original console. rehash is true when the hash should be replaced by
// a current argon2id one.
func CheckPassword(ctx context.Context, encoded, password string) (ok, rehash bool, err error) {
	if err := acquire(ctx); err != nil {
		return false, false, err
	}
	defer release()
	switch {
	case strings.HasPrefix(encoded, "$argon2id$"):
		ok, err := checkArgon2(encoded, password)
		return ok, false, err
	case strings.HasPrefix(encoded, "$2a$"), strings.HasPrefix(encoded, "$2b$"),
		strings.HasPrefix(encoded, "$2y$"):
		err := bcrypt.CompareHashAndPassword([]byte(encoded), []byte(password))
		if errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
			return false, false, nil
		}
		if err != nil {
			return false, false, fmt.Errorf("auth: bcrypt: %w", err)
		}
		return true, true, nil
	}
	return false, false, errors.New("auth: unknown password hash format")
}

func checkArgon2(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 {
		return false, errors.New("auth: malformed argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errors.New("auth: unsupported argon2 version")
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, fmt.Errorf("auth: argon2id parameters: %w", err)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("auth: argon2id salt: %w", err)
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false, fmt.Errorf("auth: argon2id key: %w", err)
	}
	got := deriveKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// timingHash is checked against when the email is unknown, so that the answer takes as long as
// for a real account and does not reveal which emails exist. It is a fixed hash, with the
// current parameters, of a random password nobody kept: deriving it at run time would make the
// first unknown email after a start answer twice as slowly as any known one.
const timingHash = "$argon2id$v=19$m=19456,t=2,p=1$nY5ZyI/2SdtHrp2Uwj56fQ$" +
	"tWGFUkEUbuDMMBU+5rv9ZnNncEGS0YAY/CWk394RKvE"

func dummyHash() string { return timingHash }

// GeneratePassword returns a random password of 24 URL-safe characters (144 bits).
func GeneratePassword() string {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("auth: crypto/rand failed: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
