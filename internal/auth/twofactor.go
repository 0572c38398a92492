package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
)

// Errors of two-factor sign-in.
var (
	// ErrBadCode is a one-time code that is wrong, too old or already used.
	ErrBadCode = errors.New("auth: wrong or used one-time code")
	// ErrTwoFactorOn is returned when enrolling a user who already has two-factor sign-in.
	ErrTwoFactorOn = fmt.Errorf("auth: two-factor sign-in is already on: %w", derrors.Conflict)
	// ErrNoEnrolment is returned when confirming without a started enrolment.
	ErrNoEnrolment = fmt.Errorf("auth: no two-factor enrolment in progress: %w",
		derrors.Conflict)
)

// Issuer names ClawOps in authenticator apps.
const Issuer = "ClawOps"

// recoveryCodeCount is how many recovery codes a person gets at enrolment.
const recoveryCodeCount = 10

// recoveryAlphabet leaves out letters and digits that are easily confused when read aloud or
// copied by hand.
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// TwoFactorSetup is what a person needs to add ClawOps to an authenticator app.
type TwoFactorSetup struct {
	// Secret is the key in base 32, grouped by four characters, for typing in by hand.
	Secret string
	// URI is the otpauth:// link that apps read from a QR code or a paste.
	URI string
}

// SetSecretKey gives the store the 32-byte key that seals two-factor secrets.
func (s *Store) SetSecretKey(key []byte) error {
	sl, err := newSealer(key)
	if err != nil {
		return err
	}
	s.seal = sl
	return nil
}

func totpAAD(userID string) string { return "totp:" + userID }

// StartTwoFactor makes a new secret for userID that waits for its first code; an enrolment
// left unfinished is replaced.
func (s *Store) StartTwoFactor(ctx context.Context, userID string) (TwoFactorSetup, error) {
	if s.seal == nil {
		return TwoFactorSetup{}, ErrNoKey
	}
	u, err := s.User(ctx, userID)
	if err != nil {
		return TwoFactorSetup{}, err
	}
	if u.TwoFactor {
		return TwoFactorSetup{}, ErrTwoFactorOn
	}
	key := newTOTPSecret()
	_, err = s.db.Exec(ctx, `UPDATE users SET totp_secret = ?, totp_last_step = 0
		WHERE id = ? AND totp_enabled_at IS NULL`, s.seal.seal(key, totpAAD(userID)), userID)
	if err != nil {
		return TwoFactorSetup{}, fmt.Errorf("auth: start two-factor for %s: %w", userID, err)
	}
	return setupFor(u.Email, key), nil
}

func setupFor(email string, key []byte) TwoFactorSetup {
	return TwoFactorSetup{Secret: groupSecret(b32.EncodeToString(key)),
		URI: otpauthURI(Issuer, email, key)}
}

// PendingTwoFactor returns the enrolment of userID waiting for its first code.
func (s *Store) PendingTwoFactor(ctx context.Context, userID string) (TwoFactorSetup, error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return TwoFactorSetup{}, err
	}
	if u.TwoFactor {
		return TwoFactorSetup{}, ErrTwoFactorOn
	}
	key, _, err := s.totpKey(ctx, userID)
	if err != nil {
		return TwoFactorSetup{}, err
	}
	return setupFor(u.Email, key), nil
}

// totpKey opens the stored secret of userID; ErrNoEnrolment when there is none.
func (s *Store) totpKey(ctx context.Context, userID string) ([]byte, uint64, error) {
	var sealed sql.NullString
	var last uint64
	err := s.db.W.QueryRowContext(ctx, `SELECT totp_secret, totp_last_step FROM users
		WHERE id = ?`, userID).Scan(&sealed, &last)
	if database.IsNoRows(err) {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("auth: two-factor secret of %s: %w", userID, err)
	}
	if !sealed.Valid || sealed.String == "" {
		return nil, 0, ErrNoEnrolment
	}
	if s.seal == nil {
		return nil, 0, ErrNoKey
	}
	key, err := s.seal.open(sealed.String, totpAAD(userID))
	if err != nil {
		return nil, 0, fmt.Errorf("auth: two-factor secret of %s: %w", userID, err)
	}
	return key, last, nil
}

// ConfirmTwoFactor turns two-factor sign-in on once code matches the waiting secret, and
// returns new recovery codes, which are shown once and stored only as hashes.
func (s *Store) ConfirmTwoFactor(ctx context.Context, userID, code string) ([]string, error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.TwoFactor {
		return nil, ErrTwoFactorOn
	}
	key, _, err := s.totpKey(ctx, userID)
	if err != nil {
		return nil, err
	}
	step, ok := matchTOTP(key, code, s.now())
	if !ok {
		return nil, ErrBadCode
	}
	codes := newRecoveryCodes()
	now := database.FormatTime(s.now())
	err = s.db.Tx(ctx, func(tx *database.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_enabled_at = ?,
			totp_last_step = ?, updated_at = ? WHERE id = ?`, now, step, now, userID); err != nil {
			return fmt.Errorf("auth: confirm two-factor for %s: %w", userID, err)
		}
		return replaceRecoveryCodes(ctx, tx, userID, codes, now)
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// DisableTwoFactor turns two-factor sign-in off for userID and forgets its secret and
// recovery codes.
func (s *Store) DisableTwoFactor(ctx context.Context, userID string) error {
	now := database.FormatTime(s.now())
	return s.db.Tx(ctx, func(tx *database.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = NULL,
			totp_enabled_at = NULL, totp_last_step = 0, updated_at = ? WHERE id = ?`, now, userID)
		if err != nil {
			return fmt.Errorf("auth: turn off two-factor for %s: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return replaceRecoveryCodes(ctx, tx, userID, nil, now)
	})
}

// VerifySecondFactor checks the code a person signing in typed: the current code of their
// authenticator, which cannot be used twice, or one of their unused recovery codes, which is
// then spent. recovery reports which of the two it was.
func (s *Store) VerifySecondFactor(ctx context.Context, userID, code string) (recovery bool,
	err error) {
	if !isTOTPCode(code) {
		return true, s.spendRecoveryCode(ctx, userID, code)
	}
	key, last, err := s.totpKey(ctx, userID)
	if err != nil {
		return false, err
	}
	step, ok := matchTOTP(key, code, s.now())
	if !ok || step <= last {
		return false, ErrBadCode
	}
	// The condition keeps two requests racing with the same code from both passing.
	res, err := s.db.Exec(ctx, `UPDATE users SET totp_last_step = ?
		WHERE id = ? AND totp_last_step < ? AND totp_enabled_at IS NOT NULL`, step, userID, step)
	if err != nil {
		return false, fmt.Errorf("auth: record code of %s: %w", userID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, ErrBadCode
	}
	return false, nil
}

func (s *Store) spendRecoveryCode(ctx context.Context, userID, code string) error {
	norm := strings.ToLower(normaliseCode(code))
	if len(norm) != 10 {
		return ErrBadCode
	}
	res, err := s.db.Exec(ctx, `UPDATE recovery_codes SET used_at = ?
		WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
		database.FormatTime(s.now()), userID, hashRecoveryCode(norm))
	if err != nil {
		return fmt.Errorf("auth: spend recovery code of %s: %w", userID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrBadCode
	}
	return nil
}

// RecoveryCodesLeft counts the unused recovery codes of userID.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes
		WHERE user_id = ? AND used_at IS NULL`, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("auth: recovery codes of %s: %w", userID, err)
	}
	return n, nil
}

// NewRecoveryCodes replaces the recovery codes of a user who has two-factor sign-in and
// returns the new ones, shown once.
func (s *Store) NewRecoveryCodes(ctx context.Context, userID string) ([]string, error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	if !u.TwoFactor {
		return nil, ErrNoEnrolment
	}
	codes := newRecoveryCodes()
	err = s.db.Tx(ctx, func(tx *database.Tx) error {
		return replaceRecoveryCodes(ctx, tx, userID, codes, database.FormatTime(s.now()))
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

func replaceRecoveryCodes(ctx context.Context, tx *database.Tx, userID string, codes []string,
	now string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`,
		userID); err != nil {
		return fmt.Errorf("auth: replace recovery codes of %s: %w", userID, err)
	}
	for _, c := range codes {
		norm := strings.ReplaceAll(c, "-", "")
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash,
			created_at) VALUES (?, ?, ?)`, userID, hashRecoveryCode(norm), now); err != nil {
			return fmt.Errorf("auth: store recovery codes of %s: %w", userID, err)
		}
	}
	return nil
}

// hashRecoveryCode needs no salt or slow hash: a code carries about 50 random bits and is
// good for one use.
func hashRecoveryCode(norm string) string {
	sum := sha256.Sum256([]byte("clawops-recovery:" + norm))
	return hex.EncodeToString(sum[:])
}

// newRecoveryCodes returns fresh codes written as two groups of five, e.g. "k7mq2-x9ptr".
func newRecoveryCodes() []string {
	codes := make([]string, recoveryCodeCount)
	buf := make([]byte, 10)
	for i := range codes {
		if _, err := rand.Read(buf); err != nil {
			panic(fmt.Sprintf("auth: crypto/rand failed: %v", err))
		}
		var b strings.Builder
		for j, x := range buf {
			if j == 5 {
				b.WriteByte('-')
			}
			// 256 is not a multiple of the alphabet's 31 letters; the slight bias costs a
			// fraction of a bit.
			b.WriteByte(recoveryAlphabet[int(x)%len(recoveryAlphabet)])
		}
		codes[i] = b.String()
	}
	return codes
}
