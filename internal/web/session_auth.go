package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/auth"
	"github.com/clawops/clawops/views/pages"
)

// Session keys of a signed-in browser, beside sessionUser.
const (
	// sessionSignedInAt is when the session was signed in (Unix nanoseconds); the session
	// ends its lifetime after it, however often its token is renewed.
	sessionSignedInAt = "signed_in_at"
	// sessionStamp is compared with the user's "sign out everywhere" time.
	sessionStamp = "stamp"
	// sessionAccess is the user's access version the session last saw; when the user's
	// role changes, the session gets a new token.
	sessionAccess = "access_version"
	// sessionPendingUser and sessionPendingAt hold a sign-in whose password was right and
	// whose one-time code is still to come.
	sessionPendingUser = "pending_user"
	sessionPendingAt   = "pending_at"
)

// pendingSignInTTL is how long the code step of a sign-in waits for its code.
const pendingSignInTTL = 5 * time.Minute

// enrolPath is where admins without two-factor sign-in are sent when it is required.
const enrolPath = "/account?enrol=1"

// sessionPrincipal finds the person signed in with the browser session, if any, and keeps the
// session honest: it ends the sessions of disabled users, sessions past their lifetime and
// sessions signed in before their owner signed out everywhere; it renews the token of a
// session whose owner's role changed; and it records the visit for the owner's list of
// sessions. An admin who must enrol in two-factor sign-in first is sent to do so, which
// answers the request.
func (s *Server) sessionPrincipal(c echo.Context) error {
	ctx := c.Request().Context()
	id := s.sessions.GetString(ctx, sessionUser)
	if id == "" {
		return nil
	}
	u, err := s.Users.User(ctx, id)
	if err != nil && !errors.Is(err, auth.ErrNotFound) {
		return err
	}
	if err != nil || u.Disabled || s.sessionOver(ctx, u) {
		return s.sessions.Destroy(ctx)
	}
	if s.sessions.GetInt64(ctx, sessionAccess) != u.AccessVersion {
		if err := s.sessions.RenewToken(ctx); err != nil {
			return err
		}
		s.sessions.Put(ctx, sessionAccess, u.AccessVersion)
		s.visit(c, u.ID, true)
	} else {
		s.visit(c, u.ID, false)
	}
	c.Set(keyPrincipal, u.Principal())
	return s.holdForEnrolment(c, u)
}

// sessionOver reports whether the session of u has lived too long or was ended by a "sign
// out everywhere" after it started.
func (s *Server) sessionOver(ctx context.Context, u auth.User) bool {
	signedIn := s.sessions.GetInt64(ctx, sessionSignedInAt)
	if signedIn > 0 && time.Since(time.Unix(0, signedIn)) > s.sessions.Lifetime {
		return true
	}
	after := u.SessionsValidAfter
	return after != nil && s.sessions.GetInt64(ctx, sessionStamp) < after.UnixNano()
}

// visit records the use of the session for its owner's list; a failure is logged, since the
// request itself does not depend on it.
func (s *Server) visit(c echo.Context, userID string, force bool) {
	ctx := c.Request().Context()
	v := auth.SessionVisit{Token: s.sessions.Token(ctx), UserID: userID, IP: c.RealIP(),
		UserAgent: c.Request().UserAgent(), Force: force}
	if at := s.sessions.GetInt64(ctx, sessionSignedInAt); at > 0 {
		v.SignedInAt = time.Unix(0, at)
	}
	if v.Token == "" {
		return
	}
	if err := s.sessionStore.Visit(context.WithoutCancel(ctx), v); err != nil {
		slog.ErrorContext(ctx, "Recording a session visit failed", "err", err)
	}
}

// startSession signs u in to this browser under a new session token, which defeats session
// fixation.
func (s *Server) startSession(c echo.Context, u auth.User) error {
	ctx := c.Request().Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	now := time.Now().UnixNano()
	s.sessions.Remove(ctx, sessionPendingUser)
	s.sessions.Remove(ctx, sessionPendingAt)
	s.sessions.Put(ctx, sessionUser, u.ID)
	s.sessions.Put(ctx, sessionSignedInAt, now)
	s.sessions.Put(ctx, sessionStamp, now)
	s.sessions.Put(ctx, sessionAccess, u.AccessVersion)
	c.Set(keyPrincipal, u.Principal())
	s.visit(c, u.ID, true)
	return nil
}

// mustEnrol reports whether u is an admin who has to turn two-factor sign-in on first.
func (s *Server) mustEnrol(ctx context.Context, u auth.User) (bool, error) {
	if u.Role != access.PlatformAdmin || u.TwoFactor {
		return false, nil
	}
	return s.Users.RequireAdminTwoFactor(ctx)
}

// holdForEnrolment keeps an admin who must enrol on their account page: pages redirect there
// and the API refuses, until two-factor sign-in is on.
func (s *Server) holdForEnrolment(c echo.Context, u auth.User) error {
	path := c.Request().URL.Path
	if path == "/logout" || path == "/account" || strings.HasPrefix(path, "/account/") ||
		strings.HasPrefix(path, "/static/") {
		return nil
	}
	must, err := s.mustEnrol(c.Request().Context(), u)
	if err != nil || !must {
		return err
	}
	if isAPI(c) {
		return errMustEnrol
	}
	return redirectAfter(c, enrolPath)
}

// pendingSignIn is the user whose password was right and whose code is awaited, if the wait
// has not run out.
func (s *Server) pendingSignIn(ctx context.Context) (auth.User, bool, error) {
	id := s.sessions.GetString(ctx, sessionPendingUser)
	at := s.sessions.GetInt64(ctx, sessionPendingAt)
	if id == "" || time.Since(time.Unix(0, at)) > pendingSignInTTL {
		return auth.User{}, false, nil
	}
	u, err := s.Users.User(ctx, id)
	if errors.Is(err, auth.ErrNotFound) {
		return auth.User{}, false, nil
	}
	if err != nil {
		return auth.User{}, false, err
	}
	return u, !u.Disabled, nil
}

// awaitCode remembers, under a new session token, that u gave the right password and owes a
// one-time code.
func (s *Server) awaitCode(c echo.Context, u auth.User) error {
	ctx := c.Request().Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionPendingUser, u.ID)
	s.sessions.Put(ctx, sessionPendingAt, time.Now().UnixNano())
	return nil
}

// errOTPRequired answers a right password of an account with two-factor sign-in when no
// one-time code came with it.
var errOTPRequired = errors.New("one-time code required")

// errWrongOTP is a one-time code that is wrong, too old or already used.
var errWrongOTP = errors.New("wrong one-time code")

// errMustEnrol refuses an admin who has to turn two-factor sign-in on first.
var errMustEnrol = errors.New("two-factor enrolment required")

// classifySignIn maps the errors of two-factor sign-in to their status and body.
func classifySignIn(err error) (int, apiError, bool) {
	switch {
	case errors.Is(err, errOTPRequired):
		return http.StatusUnauthorized, apiError{Code: "otp_required",
			Message: "This account signs in with a one-time code too: send it as otp."}, true
	case errors.Is(err, errWrongOTP):
		return http.StatusUnauthorized, apiError{Code: "unauthorized",
			Message: "The one-time code is wrong or was already used."}, true
	case errors.Is(err, errMustEnrol):
		return http.StatusForbidden, apiError{Code: "otp_enrolment_required",
			Message: "Admins must turn on two-factor sign-in: do so on your account page " +
				"in the console first."}, true
	}
	return 0, apiError{}, false
}

// loginCodeSubmit is the second step of signing in to an account with two-factor sign-in: the
// code of the authenticator app, or one of the account's recovery codes.
func (s *Server) loginCodeSubmit(c echo.Context) error {
	next := localPath(c.FormValue("next"))
	vm := pages.LoginPage{CSRFToken: csrfToken(c), Next: next, CodeStep: true}
	code := strings.TrimSpace(c.FormValue("code"))
	if code == "" {
		s.recordAudit(c, "auth.login", http.StatusUnprocessableEntity,
			map[string]any{"reason": "no one-time code given"})
		vm.Error = "Enter the code from your authenticator app."
		return s.render(c, http.StatusUnprocessableEntity, pages.Login(vm))
	}
	u, ok, err := s.pendingSignIn(c.Request().Context())
	if err != nil {
		return err
	}
	if !ok {
		s.recordAudit(c, "auth.login", http.StatusUnauthorized,
			map[string]any{"reason": "no sign-in waiting for a code"})
		return s.render(c, http.StatusUnauthorized, pages.Login(pages.LoginPage{
			CSRFToken: vm.CSRFToken, Next: next,
			Error: "Your sign-in timed out. Enter your email and password again."}))
	}
	acct, ip, err := s.reserveSignIn(c, u.Email)
	var rl errRateLimited
	if errors.As(err, &rl) {
		vm.Error = "Too many attempts. Wait a few minutes and try again."
		return s.render(c, http.StatusTooManyRequests, pages.Login(vm))
	}
	err = s.secondFactor(c, u, code, acct, ip)
	if errors.Is(err, errWrongOTP) {
		vm.Error = "That code is wrong or was already used. Codes change every 30 seconds."
		return s.render(c, http.StatusUnauthorized, pages.Login(vm))
	}
	if err != nil {
		return err
	}
	s.signedIn(c, u, acct, ip)
	if err := s.startSession(c, u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, next)
}
