package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// keyLen is the AES-256 key size.
const keyLen = 32

// sealPrefix marks the format of sealed values, so that a later format can be told apart.
const sealPrefix = "v1:"

// ErrNoKey is returned when a secret must be sealed or opened and the store has no key.
var ErrNoKey = errors.New("auth: no secret key configured")

// sealer encrypts small secrets (TOTP keys) with AES-256-GCM, so that a copy of the database
// alone does not give them away.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	if len(key) != keyLen {
		return nil, fmt.Errorf("auth: secret key must be %d bytes, not %d", keyLen, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("auth: secret key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("auth: secret key: %w", err)
	}
	return &sealer{aead: aead}, nil
}

// seal encrypts plain; what names the value and is bound to it, so that a sealed value cannot
// be moved to another user's row.
func (s *sealer) seal(plain []byte, what string) string {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(fmt.Sprintf("auth: crypto/rand failed: %v", err))
	}
	out := s.aead.Seal(nonce, nonce, plain, []byte(what))
	return sealPrefix + base64.RawStdEncoding.EncodeToString(out)
}

// open decrypts a value seal made for the same what.
func (s *sealer) open(sealed, what string) ([]byte, error) {
	b64, ok := strings.CutPrefix(sealed, sealPrefix)
	if !ok {
		return nil, errors.New("auth: sealed value in an unknown format")
	}
	raw, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return nil, errors.New("auth: sealed value is damaged")
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(what))
	if err != nil {
		return nil, errors.New("auth: sealed value does not open with this key")
	}
	return plain, nil
}

// LoadKeyFile reads the server's secret key from path, creating the file with a new random key
// (readable by the owner alone) when it does not exist yet.
func LoadKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("auth: read key file: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != keyLen {
		return nil, fmt.Errorf("auth: key file %s must hold %d bytes in base64", path, keyLen)
	}
	return key, nil
}

func createKeyFile(path string) ([]byte, error) {
	key := make([]byte, keyLen)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("auth: new key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("auth: create key file: %w", err)
	}
	// O_EXCL: when two processes start at once, the second reads the first one's key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("auth: create key file: %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("auth: write key file: %w", err)
	}
	return key, nil
}
