package auth

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
)

// Errors of this package.
var (
	ErrNotFound           = fmt.Errorf("auth: user %w", derrors.NotFound)
	ErrEmailTaken         = fmt.Errorf("auth: email already in use: %w", derrors.Conflict)
	ErrInvalidCredentials = fmt.Errorf("auth: invalid email or password")
	ErrDisabled           = fmt.Errorf("auth: user disabled")
)

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 12

// maxPasswordLen bounds the work a password hash can be made to do.
const maxPasswordLen = 256

// User is a person who can sign in.
type User struct {
	ID       string `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Disabled bool   `json:"disabled"`
	// TwoFactor is true once the user signs in with a code from an authenticator app too.
	TwoFactor   bool       `json:"twoFactor"`
	LastLoginAt *time.Time `json:"lastLoginAt"`
	CreatedAt   time.Time  `json:"createdAt"`
	UpdatedAt   time.Time  `json:"updatedAt"`
	// AccessVersion moves whenever the user's platform role or a campaign role changes.
	AccessVersion int64 `json:"-"`
	// SessionsValidAfter ends every browser session signed in before it.
	SessionsValidAfter *time.Time `json:"-"`
}

// Principal is the caller this user is when acting without a token.
func (u User) Principal() access.Principal {
	return access.Principal{UserID: u.ID, Email: u.Email, Name: u.Name, PlatformRole: u.Role}
}

// NewUser is what creating a user takes.
type NewUser struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
	Role     string `json:"role"`
	// PasswordHash, when set, is stored as is instead of hashing Password (used by import).
	PasswordHash string `json:"-"`
}

// Store keeps users and tokens.
type Store struct {
	db  *database.DB
	now func() time.Time
	// lastUsed remembers when a token's last_used_at was written, to write it at most once a
	// minute instead of on every request.
	lastUsed *usageClock
	// tokens caches token lookups until a token or user changes.
	tokens *database.Cache[string, tokenRow]
	// settings caches the installation's settings until one changes.
	settings *database.Cache[string, map[string]string]
	// seal keeps two-factor secrets encrypted at rest; nil until SetSecretKey.
	seal *sealer
}

// NewStore returns a store over db.
func NewStore(db *database.DB) *Store {
	return &Store{db: db, now: time.Now, lastUsed: newUsageClock(),
		tokens:   database.NewCache[string, tokenRow](db, 10_000, 0, "api_tokens", "users"),
		settings: database.NewCache[string, map[string]string](db, 1, 0, "settings")}
}

func validateUser(n *NewUser) error {
	f := derrors.Fields{}
	n.Email = strings.TrimSpace(n.Email)
	n.Name = strings.TrimSpace(n.Name)
	if n.Role == "" {
		n.Role = access.PlatformMember
	}
	if a, err := mail.ParseAddress(n.Email); err != nil || a.Address != n.Email ||
		len(n.Email) > 254 {
		f.Add("email", "must be a valid email address")
	}
	switch {
	case strings.ContainsRune(n.Name, 0):
		f.Add("name", "must not contain NUL bytes")
	case utf8.RuneCountInString(n.Name) > 100:
		f.Add("name", "must be at most 100 characters")
	}
	if n.Role != access.PlatformAdmin && n.Role != access.PlatformMember {
		f.Add("role", "must be admin or member")
	}
	if n.PasswordHash == "" {
		if msg := CheckPasswordRules(n.Password); msg != "" {
			f.Add("password", msg)
		}
	}
	return f.Err()
}

// CheckPasswordRules returns why a new password is unacceptable, or "" when it is fine. The
// rules follow current guidance (NIST SP 800-63B): a minimum length, room for long
// passphrases, no composition rules, and no password that is known to be common.
func CheckPasswordRules(pw string) string {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		return fmt.Sprintf("must be at least %d characters", MinPasswordLen)
	case len(pw) > maxPasswordLen:
		return fmt.Sprintf("must be at most %d bytes", maxPasswordLen)
	case strings.ContainsRune(pw, 0):
		return "must not contain NUL bytes"
	case !utf8.ValidString(pw):
		return "must be valid Unicode text"
	case IsCommonPassword(pw):
		return "is too common: choose a less predictable password or a passphrase"
	}
	return ""
}

// CreateUser adds a user.
func (s *Store) CreateUser(ctx context.Context, n NewUser) (User, error) {
	if err := validateUser(&n); err != nil {
		return User{}, err
	}
	hash := n.PasswordHash
	if hash == "" {
		var err error
		if hash, err = HashPassword(ctx, n.Password); err != nil {
			return User{}, err
		}
	}
	id := database.NewID()
	now := database.FormatTime(s.now())
	_, err := s.db.Exec(ctx, `
		INSERT INTO users (id, email, name, password_hash, role, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, n.Email, n.Name, hash, n.Role, now, now)
	if database.IsUniqueViolation(err) {
		return User{}, ErrEmailTaken
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: create user %s: %w", n.Email, err)
	}
	return s.User(ctx, id)
}

const selectUser = `SELECT id, email, name, role, disabled_at IS NOT NULL,
	totp_enabled_at IS NOT NULL, last_login_at, created_at, updated_at, access_version,
	sessions_valid_after FROM users`

func scanUser(r interface{ Scan(...any) error }) (User, error) {
	var u User
	err := r.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Disabled, &u.TwoFactor,
		database.NullTime(&u.LastLoginAt), database.Time(&u.CreatedAt), database.Time(&u.UpdatedAt),
		&u.AccessVersion, database.NullTime(&u.SessionsValidAfter))
	return u, err
}

// User returns one user.
func (s *Store) User(ctx context.Context, id string) (User, error) {
	u, err := scanUser(s.db.R.QueryRowContext(ctx, selectUser+` WHERE id = ?`, id))
	if database.IsNoRows(err) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: user %s: %w", id, err)
	}
	return u, nil
}

// UserByEmail returns the user with this email, compared without regard to case.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.db.R.QueryRowContext(ctx, selectUser+` WHERE lower(email) = lower(?)`,
		strings.TrimSpace(email)))
	if database.IsNoRows(err) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: user by email: %w", err)
	}
	return u, nil
}

// Users lists every user by email.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.db.R.QueryContext(ctx, selectUser+` ORDER BY lower(email)`)
	if err != nil {
		return nil, fmt.Errorf("auth: users: %w", err)
	}
	defer rows.Close()
	out := []User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("auth: users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountUsers counts every user, disabled ones included.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("auth: count users: %w", err)
	}
	return n, nil
}

// Authenticate checks an email and password. Unknown emails, wrong passwords and disabled users
// all answer ErrInvalidCredentials after the same amount of work.
func (s *Store) Authenticate(ctx context.Context, email, password string) (User, error) {
	// Refused before any lookup, so that the answer's timing says nothing about the email.
	if len(password) > maxPasswordLen {
		return User{}, ErrInvalidCredentials
	}
	var id, hash string
	var disabled bool
	err := s.db.R.QueryRowContext(ctx, `
		SELECT id, password_hash, disabled_at IS NOT NULL FROM users WHERE lower(email) = lower(?)`,
		strings.TrimSpace(email)).Scan(&id, &hash, &disabled)
	if database.IsNoRows(err) {
		if _, _, err := CheckPassword(ctx, dummyHash(), password); err != nil {
			return User{}, err
		}
		return User{}, ErrInvalidCredentials
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: authenticate: %w", err)
	}
	ok, rehash, err := CheckPassword(ctx, hash, password)
	if err != nil {
		return User{}, err
	}
	if !ok || disabled {
		return User{}, ErrInvalidCredentials
	}
	now := database.FormatTime(s.now())
	if _, err := s.db.Exec(ctx, `UPDATE users SET last_login_at = ? WHERE id = ?`,
		now, id); err != nil {
		return User{}, fmt.Errorf("auth: record login of %s: %w", id, err)
	}
	if rehash {
		if err := s.SetPassword(ctx, id, password); err != nil {
			return User{}, err
		}
	}
	return s.User(ctx, id)
}

// SetPassword replaces a user's password with a fresh argon2id hash.
func (s *Store) SetPassword(ctx context.Context, id, password string) error {
	hash, err := HashPassword(ctx, password)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE users SET password_hash = ?, updated_at = ?
		WHERE id = ?`, hash, database.FormatTime(s.now()), id)
	if err != nil {
		return fmt.Errorf("auth: set password of %s: %w", id, err)
	}
	return nil
}

// UserPatch changes a user; nil fields stay.
type UserPatch struct {
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	Password *string `json:"password"`
	Disabled *bool   `json:"disabled"`
}

// UpdateUser applies a patch. Disabling a user revokes their tokens and ends their sessions at
// once; a new password ends their sessions and sign-in tokens too, since a reset usually
// follows a leak. A change of role moves the user's access version, so that their browser
// sessions get new tokens.
func (s *Store) UpdateUser(ctx context.Context, id string, p UserPatch) (User, error) {
	u, err := s.User(ctx, id)
	if err != nil {
		return User{}, err
	}
	n := NewUser{Email: u.Email, Name: u.Name, Role: u.Role, PasswordHash: "unchanged"}
	if p.Name != nil {
		n.Name = *p.Name
	}
	if p.Role != nil {
		n.Role = *p.Role
		if n.Role == "" {
			n.Role = "invalid"
		}
	}
	f := derrors.Fields{}
	if err := validateUser(&n); err != nil {
		f, _ = derrors.AsFields(err)
	}
	if p.Password != nil {
		if msg := CheckPasswordRules(*p.Password); msg != "" {
			f.Add("password", msg)
		}
	}
	if err := f.Err(); err != nil {
		return User{}, err
	}
	now := database.FormatTime(s.now())
	var hash string
	if p.Password != nil {
		if hash, err = HashPassword(ctx, *p.Password); err != nil {
			return User{}, err
		}
	}
	bump := 0
	if n.Role != u.Role {
		bump = 1
	}
	err = s.db.Tx(ctx, func(tx *database.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, role = ?, updated_at = ?,
			access_version = access_version + ? WHERE id = ?`,
			n.Name, n.Role, now, bump, id); err != nil {
			return fmt.Errorf("auth: update user %s: %w", id, err)
		}
		if hash != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`,
				hash, id); err != nil {
				return fmt.Errorf("auth: reset password of %s: %w", id, err)
			}
			if err := signOutEverywhere(ctx, tx, id, now); err != nil {
				return err
			}
		}
		if p.Disabled != nil {
			return setDisabled(ctx, tx, id, *p.Disabled, now)
		}
		return nil
	})
	if err != nil {
		return User{}, err
	}
	return s.User(ctx, id)
}

// DisableUser stops a user from signing in, revokes their tokens and ends their browser
// sessions.
func (s *Store) DisableUser(ctx context.Context, id string) error {
	if _, err := s.User(ctx, id); err != nil {
		return err
	}
	now := database.FormatTime(s.now())
	return s.db.Tx(ctx, func(tx *database.Tx) error {
		return setDisabled(ctx, tx, id, true, now)
	})
}

func setDisabled(ctx context.Context, tx *database.Tx, id string, disabled bool, now string) error {
	if !disabled {
		_, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = NULL WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("auth: enable user %s: %w", id, err)
		}
		return nil
	}
	stmts := []string{
		`UPDATE users SET disabled_at = COALESCE(disabled_at, ?) WHERE id = ?`,
		`UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE user_id = ?`,
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q, now, id); err != nil {
			return fmt.Errorf("auth: disable user %s: %w", id, err)
		}
	}
	return signOutEverywhere(ctx, tx, id, now)
}

// ChangePassword replaces the password of userID once current proves it is them, and ends
// their other browser sessions and their sign-in tokens; the session whose token is keep
// stays signed in. Problems come back as field errors named after the form's fields.
func (s *Store) ChangePassword(ctx context.Context, userID, current, next, keep string) error {
	ok, err := s.PasswordMatches(ctx, userID, current)
	if err != nil {
		return err
	}
	f := derrors.Fields{}
	if !ok {
		f.Add("currentPassword", "is not your current password")
	}
	if msg := CheckPasswordRules(next); msg != "" {
		f.Add("newPassword", msg)
	}
	if err := f.Err(); err != nil {
		return err
	}
	newHash, err := HashPassword(ctx, next)
	if err != nil {
		return err
	}
	now := database.FormatTime(s.now())
	return s.db.Tx(ctx, func(tx *database.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ?
			WHERE id = ?`, newHash, now, userID); err != nil {
			return fmt.Errorf("auth: change password of %s: %w", userID, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?)
			WHERE user_id = ? AND kind = 'login'`, now, userID); err != nil {
			return fmt.Errorf("auth: change password of %s: %w", userID, err)
		}
		return endSessions(ctx, tx, userID, keep)
	})
}

// PasswordMatches reports whether password is the current password of userID, for changes
// that a person confirms with it. Unlike Authenticate it records no sign-in.
func (s *Store) PasswordMatches(ctx context.Context, userID, password string) (bool, error) {
	if len(password) > maxPasswordLen {
		return false, nil
	}
	var hash string
	err := s.db.R.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`,
		userID).Scan(&hash)
	if database.IsNoRows(err) {
		return false, ErrNotFound
	}
	if err != nil {
		return false, fmt.Errorf("auth: check password of %s: %w", userID, err)
	}
	ok, _, err := CheckPassword(ctx, hash, password)
	return ok, err
}
