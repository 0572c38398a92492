package web

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/auth"
	"github.com/clawops/clawops/internal/derrors"
)

type loginInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	// OTP is the current code of the account's authenticator app, or one of its recovery
	// codes, for accounts with two-factor sign-in.
	OTP string `json:"otp"`
}

type tokenAnswer struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
	ExpiresIn int       `json:"expiresIn"`
}

type userAnswer struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// signIn checks credentials behind the per-account and per-address throttles, and audits the
// attempt whatever its outcome. The answer never tells whether the email exists. An account
// with two-factor sign-in needs otp too; without it the answer is errOTPRequired, and the
// caller asks for the code.
func (s *Server) signIn(c echo.Context, email, password, otp string) (auth.User, error) {
	ctx := c.Request().Context()
	acct, ip, err := s.reserveSignIn(c, email)
	if err != nil {
		return auth.User{}, err
	}
	u, err := s.Users.Authenticate(ctx, email, password)
	if errors.Is(err, auth.ErrInvalidCredentials) {
		s.recordAudit(c, "auth.login", http.StatusUnauthorized,
			map[string]any{"email": auditEmail(email)})
		return auth.User{}, err
	}
	if err != nil {
		s.accountFails.Refund(acct)
		s.ipFails.Refund(ip)
		return auth.User{}, err
	}
	if u.TwoFactor {
		if err := s.secondFactor(c, u, otp, acct, ip); err != nil {
			return u, err
		}
	}
	s.signedIn(c, u, acct, ip)
	return u, nil
}

// reserveSignIn counts a sign-in attempt against the account and the client's address before
// anything is checked, so that parallel guesses cannot all pass the limit while the hashes
// run; a success takes its count back. Over the limit it answers errRateLimited.
func (s *Server) reserveSignIn(c echo.Context, email string) (acct, ip string, err error) {
	acct = "acct:" + strings.ToLower(strings.TrimSpace(email))
	ip = "ip:" + c.RealIP()
	wait := s.accountFails.Reserve(acct)
	if wait == 0 {
		if wait = s.ipFails.Reserve(ip); wait > 0 {
			s.accountFails.Refund(acct)
		}
	}
	if wait > 0 {
		s.recordAudit(c, "auth.login", http.StatusTooManyRequests,
			map[string]any{"email": auditEmail(email), "reason": "throttled"})
		return acct, ip, errRateLimited{retryAfter: wait}
	}
	return acct, ip, nil
}

// signedIn takes a successful sign-in's attempts back from the throttles and audits it.
func (s *Server) signedIn(c echo.Context, u auth.User, acct, ip string) {
	s.accountFails.Reset(acct)
	s.ipFails.Refund(ip)
	c.Set(keyPrincipal, u.Principal())
	s.recordAudit(c, "auth.login", http.StatusOK, map[string]any{"email": u.Email})
}

// secondFactor checks the one-time code of a person whose password was right. Without a code
// the attempt is taken back, since nothing was guessed; a wrong code counts against the
// account like a wrong password, so that codes cannot be guessed faster than passwords.
func (s *Server) secondFactor(c echo.Context, u auth.User, otp, acct, ip string) error {
	if strings.TrimSpace(otp) == "" {
		s.accountFails.Refund(acct)
		s.ipFails.Refund(ip)
		s.recordAudit(c, "auth.login", http.StatusUnauthorized,
			map[string]any{"email": u.Email, "reason": "one-time code required"})
		return errOTPRequired
	}
	recovery, err := s.Users.VerifySecondFactor(c.Request().Context(), u.ID, otp)
	if errors.Is(err, auth.ErrBadCode) {
		s.recordAudit(c, "auth.login", http.StatusUnauthorized,
			map[string]any{"email": u.Email, "reason": "wrong one-time code"})
		return errWrongOTP
	}
	if err != nil {
		s.accountFails.Refund(acct)
		s.ipFails.Refund(ip)
		return err
	}
	if recovery {
		slog.InfoContext(c.Request().Context(), "Recovery code used to sign in",
			"user_id", u.ID)
	}
	return nil
}

// auditEmail keeps what was typed as the email only when it looks like one: a password typed
// into the wrong field must not reach the audit log.
func auditEmail(typed string) string {
	if a, err := mail.ParseAddress(strings.TrimSpace(typed)); err == nil && !strings.ContainsAny(a.Address, " \t") {
		return a.Address
	}
	return "(not an email address)"
}

func (s *Server) apiLogin(c echo.Context) error {
	var in loginInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	f := derrors.Fields{}
	if strings.TrimSpace(in.Email) == "" {
		f.Add("email", "is required")
	}
	if in.Password == "" {
		f.Add("password", "is required")
	}
	if err := f.Err(); err != nil {
		return err
	}
	u, err := s.signIn(c, in.Email, in.Password, in.OTP)
	if errors.Is(err, auth.ErrInvalidCredentials) {
		return errWrongPassword
	}
	if err != nil {
		return err
	}
	if must, err := s.mustEnrol(c.Request().Context(), u); err != nil || must {
		return cmp.Or(err, errMustEnrol)
	}
	expires := time.Now().Add(auth.LoginTokenTTL)
	secret, tok, err := s.Users.IssueToken(c.Request().Context(), auth.NewToken{
		UserID: u.ID, Kind: auth.KindLogin, Name: "login", ExpiresAt: &expires,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{
		"token": tokenAnswer{Token: secret, ExpiresAt: *tok.ExpiresAt,
			ExpiresIn: int(auth.LoginTokenTTL / time.Second)},
		"user": answerUser(u),
	})
}

func answerUser(u auth.User) userAnswer {
	return userAnswer{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
}

func (s *Server) apiLogout(c echo.Context) error {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	secret := strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	if err := s.Users.RevokeSecret(c.Request().Context(), secret); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiMe(c echo.Context) error {
	p, _ := principal(c)
	u, err := s.Users.User(c.Request().Context(), p.UserID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"user": answerUser(u)})
}

type tokenInput struct {
	Name       string     `json:"name"`
	CampaignID *string    `json:"campaignId"`
	Role       *string    `json:"role"`
	ExpiresAt  *time.Time `json:"expiresAt"`
}

func (s *Server) tokenCreate(c echo.Context) error {
	var in tokenInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, _ := principal(c)
	if p.Capped() {
		return echo.NewHTTPError(http.StatusForbidden,
			"A token limited to a campaign or a role cannot manage tokens.")
	}
	n, err := s.checkTokenInput(c.Request().Context(), p, in)
	if err != nil {
		return err
	}
	secret, tok, err := s.Users.IssueToken(c.Request().Context(), n)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"token": secret, "tokenInfo": tok})
}

func (s *Server) checkTokenInput(ctx context.Context, p access.Principal,
	in tokenInput) (auth.NewToken, error) {
	f := derrors.Fields{}
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		f.Add("name", "is required")
	case len([]rune(name)) > 100 || strings.ContainsRune(name, 0):
		f.Add("name", "must be at most 100 characters without NUL bytes")
	}
	n := auth.NewToken{UserID: p.UserID, Kind: auth.KindAPI, Name: name, ExpiresAt: in.ExpiresAt}
	if in.Role != nil {
		role, err := access.ParseRole(*in.Role)
		if err != nil {
			f.Add("role", "must be owner, operator or viewer")
		}
		n.Role = role
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(time.Now()) {
		f.Add("expiresAt", "must be in the future")
	}
	if in.CampaignID != nil {
		id, role, err := s.Campaigns.Resolve(ctx, *in.CampaignID, p.UserID)
		if err == nil {
			_, err = access.Grant(p, id, role)
		}
		if err != nil {
			f.Add("campaignId", "is not a campaign you can see")
		}
		n.CampaignID = id
	}
	return n, f.Err()
}

func (s *Server) tokenList(c echo.Context) error {
	p, _ := principal(c)
	if p.Capped() {
		return echo.NewHTTPError(http.StatusForbidden,
			"A token limited to a campaign or a role cannot manage tokens.")
	}
	var toks []auth.Token
	var err error
	switch c.QueryParam("all") {
	case "", "false":
		toks, err = s.Users.Tokens(c.Request().Context(), p.UserID)
	case "true":
		if !p.IsAdmin() {
			return echo.NewHTTPError(http.StatusForbidden,
				"Only platform admins may list every person's tokens.")
		}
		toks, err = s.Users.AllTokens(c.Request().Context())
	default:
		return badRequest("query parameter all must be true or false")
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(toks, ""))
}

func (s *Server) tokenDelete(c echo.Context) error {
	p, _ := principal(c)
	if p.Capped() {
		return echo.NewHTTPError(http.StatusForbidden,
			"A token limited to a campaign or a role cannot manage tokens.")
	}
	owner := p.UserID
	if p.IsAdmin() {
		owner = ""
	}
	if err := s.Users.RevokeToken(c.Request().Context(), owner, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) userList(c echo.Context) error {
	users, err := s.Users.Users(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(users, ""))
}

func (s *Server) userCreate(c echo.Context) error {
	var in auth.NewUser
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.Users.CreateUser(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, u)
}

func (s *Server) userUpdate(c echo.Context) error {
	var in auth.UserPatch
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.Users.UpdateUser(c.Request().Context(), c.Param("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

func (s *Server) userDisable(c echo.Context) error {
	p, _ := principal(c)
	if c.Param("id") == p.UserID {
		return derrors.Fields{"id": "you cannot disable yourself"}
	}
	if err := s.Users.DisableUser(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
