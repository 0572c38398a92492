package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/auth"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/views/pages"
)

// Addresses of the account page's actions.
const (
	accountPasswordPath = "/account/password"
	accountEndPath      = "/account/sessions/end"
	accountEndAllPath   = "/account/sessions/end-all"
	twoFactorStartPath  = "/account/two-factor/start"
	twoFactorConfirm    = "/account/two-factor/confirm"
	twoFactorDisable    = "/account/two-factor/disable"
	twoFactorCodesPath  = "/account/two-factor/recovery-codes"
)

// accountExtras are what one answer of the account page adds to what is stored: a form's
// errors, an enrolment in progress, codes shown once.
type accountExtras struct {
	passwordErrors derrors.Fields
	setup          *auth.TwoFactorSetup
	recoveryCodes  []string
	twoFactorError string
}

// accountMain builds the account page for the signed-in person.
func (s *Server) accountMain(c echo.Context, x accountExtras) (pages.AccountMain, error) {
	ctx := c.Request().Context()
	p, _ := principal(c)
	u, err := s.Users.User(ctx, p.UserID)
	if err != nil {
		return pages.AccountMain{}, err
	}
	must, err := s.mustEnrol(ctx, u)
	if err != nil {
		return pages.AccountMain{}, err
	}
	m := pages.AccountMain{Name: u.Name, Email: u.Email, Role: u.Role, EnrolRequired: must,
		EndAction: accountEndPath, EndAllAction: accountEndAllPath, TokensURL: templ.SafeURL(pages.MyTokensPath),
		CSRFToken: csrfToken(c),
		Password:  pages.PasswordForm{Action: accountPasswordPath, Errors: x.passwordErrors}}
	if err := s.accountSessions(c, &m); err != nil {
		return m, err
	}
	m.TwoFactor, err = s.twoFactorPanel(c, u, x)
	return m, err
}

func (s *Server) accountSessions(c echo.Context, m *pages.AccountMain) error {
	ctx := c.Request().Context()
	p, _ := principal(c)
	list, err := s.sessionStore.Sessions(ctx, p.UserID, s.sessions.Token(ctx))
	if err != nil {
		return err
	}
	now := time.Now()
	for _, si := range list {
		m.Sessions = append(m.Sessions, pages.SessionRow{ID: si.ID,
			Started: shownTime(&si.CreatedAt), LastSeen: ago(&si.LastSeenAt, now), IP: si.IP,
			Device: device(si.UserAgent), UserAgent: si.UserAgent, Current: si.Current})
	}
	m.LoginTokens, err = s.Users.CountLoginTokens(ctx, p.UserID)
	return err
}

func (s *Server) twoFactorPanel(c echo.Context, u auth.User,
	x accountExtras) (pages.TwoFactorPanel, error) {
	ctx := c.Request().Context()
	required := false
	if u.Role == "admin" {
		var err error
		if required, err = s.Users.RequireAdminTwoFactor(ctx); err != nil {
			return pages.TwoFactorPanel{}, err
		}
	}
	tf := pages.TwoFactorPanel{On: u.TwoFactor, Required: required,
		RecoveryCodes: x.recoveryCodes, Error: x.twoFactorError,
		StartAction: twoFactorStartPath, ConfirmAction: twoFactorConfirm,
		DisableAction: twoFactorDisable, CodesAction: twoFactorCodesPath}
	if x.setup != nil {
		tf.Setup = &pages.TwoFactorSetupView{Secret: x.setup.Secret, URI: x.setup.URI}
	}
	if u.TwoFactor {
		n, err := s.Users.RecoveryCodesLeft(ctx, u.ID)
		if err != nil {
			return tf, err
		}
		tf.RecoveryLeft = n
	}
	return tf, nil
}

// accountPage is the signed-in person's own account; htmx asks for its content alone.
func (s *Server) accountPage(c echo.Context) error {
	return s.answerAccount(c, http.StatusOK, accountExtras{})
}

func (s *Server) answerAccount(c echo.Context, status int, x accountExtras) error {
	m, err := s.accountMain(c, x)
	if err != nil {
		return err
	}
	return s.answerPage(c, status, pages.AccountMainFragment(m), func() (templ.Component,
		error) {
		sh, err := s.shell(c, nil, "", "Your account")
		if err != nil {
			return nil, err
		}
		return pages.Account(pages.AccountPage{Shell: sh, Main: m}), nil
	})
}

// accountDone answers a change of the account that worked.
func (s *Server) accountDone(c echo.Context, msg string) error {
	return s.done(c, msg, pages.AccountPath, func() (templ.Component, error) {
		m, err := s.accountMain(c, accountExtras{})
		return pages.AccountMainFragment(m), err
	})
}

// passwordChangePage changes the person's password once their current one checks out; their
// other sessions and their sign-ins through the API end.
func (s *Server) passwordChangePage(c echo.Context) error {
	ctx := c.Request().Context()
	p, _ := principal(c)
	// Guesses at the current password count against the account like sign-ins do.
	acct, ip, err := s.reserveSignIn(c, p.Email)
	if err != nil {
		return err
	}
	err = s.Users.ChangePassword(ctx, p.UserID, c.FormValue("currentPassword"),
		c.FormValue("newPassword"), s.sessions.Token(ctx))
	if fields, ok := derrors.AsFields(err); ok {
		if fields["currentPassword"] == "" {
			s.accountFails.Refund(acct)
		}
		s.ipFails.Refund(ip)
		return s.answerAccount(c, http.StatusUnprocessableEntity,
			accountExtras{passwordErrors: fields})
	}
	s.accountFails.Refund(acct)
	s.ipFails.Refund(ip)
	if err != nil {
		return err
	}
	return s.accountDone(c, "Password changed. You are signed out everywhere else.")
}

// sessionEndPage signs one of the person's other browsers out; the form names it by its
// public id.
func (s *Server) sessionEndPage(c echo.Context) error {
	p, _ := principal(c)
	id := c.FormValue("session")
	if id == "" {
		return derrors.Fields{"session": "is required"}
	}
	err := s.sessionStore.EndSession(c.Request().Context(), p.UserID, id)
	if err != nil {
		return err
	}
	return s.accountDone(c, "That browser is signed out.")
}

// signOutEverywherePage ends every session and sign-in token of the person, this browser's
// included.
func (s *Server) signOutEverywherePage(c echo.Context) error {
	p, _ := principal(c)
	if err := s.Users.SignOutEverywhere(c.Request().Context(), p.UserID); err != nil {
		return err
	}
	if err := s.sessions.Destroy(c.Request().Context()); err != nil {
		return err
	}
	return redirectAfter(c, "/login")
}

// twoFactorStartPage begins enrolment: a new secret, shown with its otpauth link until the
// first code confirms it.
func (s *Server) twoFactorStartPage(c echo.Context) error {
	p, _ := principal(c)
	setup, err := s.Users.StartTwoFactor(c.Request().Context(), p.UserID)
	if errors.Is(err, auth.ErrTwoFactorOn) {
		return s.accountDone(c, "Two-factor sign-in is already on.")
	}
	if err != nil {
		return err
	}
	return s.answerAccount(c, http.StatusOK, accountExtras{setup: &setup})
}

// twoFactorConfirmPage turns two-factor sign-in on with the first code from the app, and
// shows the recovery codes once.
func (s *Server) twoFactorConfirmPage(c echo.Context) error {
	ctx := c.Request().Context()
	p, _ := principal(c)
	codes, err := s.Users.ConfirmTwoFactor(ctx, p.UserID, c.FormValue("code"))
	if errors.Is(err, auth.ErrBadCode) {
		setup, err := s.Users.PendingTwoFactor(ctx, p.UserID)
		if err != nil {
			return err
		}
		return s.answerAccount(c, http.StatusUnprocessableEntity, accountExtras{
			setup: &setup, twoFactorError: "That code does not match. Enter the code the " +
				"app shows now; it changes every 30 seconds."})
	}
	if errors.Is(err, auth.ErrNoEnrolment) || errors.Is(err, auth.ErrTwoFactorOn) {
		return s.accountDone(c, "Start the setup again.")
	}
	if err != nil {
		return err
	}
	return s.answerAccount(c, http.StatusOK, accountExtras{recoveryCodes: codes})
}

// twoFactorDisablePage turns two-factor sign-in off after the person's password checks out,
// unless admins are required to keep it.
func (s *Server) twoFactorDisablePage(c echo.Context) error {
	ctx := c.Request().Context()
	p, _ := principal(c)
	u, err := s.Users.User(ctx, p.UserID)
	if err != nil {
		return err
	}
	if u.Role == "admin" {
		required, err := s.Users.RequireAdminTwoFactor(ctx)
		if err != nil {
			return err
		}
		if required {
			return echo.NewHTTPError(http.StatusForbidden,
				"Admins must keep two-factor sign-in on.")
		}
	}
	acct, ip, err := s.reserveSignIn(c, u.Email)
	if err != nil {
		return err
	}
	ok, err := s.Users.PasswordMatches(ctx, u.ID, c.FormValue("password"))
	s.ipFails.Refund(ip)
	if ok || err != nil {
		s.accountFails.Refund(acct)
	}
	if err != nil {
		return err
	}
	if !ok {
		return s.answerAccount(c, http.StatusUnprocessableEntity,
			accountExtras{twoFactorError: "That is not your password."})
	}
	if err := s.Users.DisableTwoFactor(ctx, u.ID); err != nil {
		return err
	}
	return s.accountDone(c, "Two-factor sign-in is off.")
}

// recoveryCodesPage replaces the person's recovery codes and shows the new ones once.
func (s *Server) recoveryCodesPage(c echo.Context) error {
	p, _ := principal(c)
	codes, err := s.Users.NewRecoveryCodes(c.Request().Context(), p.UserID)
	if errors.Is(err, auth.ErrNoEnrolment) {
		return s.accountDone(c, "Turn two-factor sign-in on first.")
	}
	if err != nil {
		return err
	}
	return s.answerAccount(c, http.StatusOK, accountExtras{recoveryCodes: codes})
}
