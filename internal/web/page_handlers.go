package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/auth"
	"github.com/clawops/clawops/views/pages"
)

// csrfContextKey is where the CSRF middleware leaves the token for forms.
const csrfContextKey = "csrf"

func csrfToken(c echo.Context) string {
	t, _ := c.Get(csrfContextKey).(string)
	return t
}

// requireSession sends anonymous browsers to the sign-in page, remembering where they were.
func requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := principal(c); ok {
			return next(c)
		}
		target := "/login?next=" + url.QueryEscape(c.Request().URL.RequestURI())
		if c.Request().Header.Get("HX-Request") == "true" {
			c.Response().Header().Set("HX-Redirect", target)
			return c.NoContent(http.StatusUnauthorized)
		}
		return c.Redirect(http.StatusSeeOther, target)
	}
}

// localPath keeps a redirect target on this site: a path, never a scheme or another host.
// Control characters and backslashes are refused outright, since browsers drop or reinterpret
// them ("/\t/evil" becomes "//evil").
func localPath(next string) string {
	if next == "" || strings.ContainsFunc(next, func(r rune) bool {
		return r < 0x20 || r == 0x7f || r == '\\'
	}) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") ||
		strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}

func (s *Server) loginPage(c echo.Context) error {
	if _, ok := principal(c); ok {
		return c.Redirect(http.StatusSeeOther, localPath(c.QueryParam("next")))
	}
	return s.render(c, http.StatusOK, pages.Login(pages.LoginPage{
		CSRFToken: csrfToken(c), Next: localPath(c.QueryParam("next")),
	}))
}

func (s *Server) loginSubmit(c echo.Context) error {
	email := strings.TrimSpace(c.FormValue("email"))
	next := localPath(c.FormValue("next"))
	vm := pages.LoginPage{Email: email, CSRFToken: csrfToken(c), Next: next}
	if email == "" || c.FormValue("password") == "" {
		vm.Error = "Enter your email and password."
		return s.render(c, http.StatusUnprocessableEntity, pages.Login(vm))
	}
	u, err := s.signIn(c, email, c.FormValue("password"), "")
	var rl errRateLimited
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		vm.Error = "That email and password do not match an account."
		return s.render(c, http.StatusUnauthorized, pages.Login(vm))
	case errors.As(err, &rl):
		vm.Error = "Too many attempts. Wait a few minutes and try again."
		return s.render(c, http.StatusTooManyRequests, pages.Login(vm))
	case errors.Is(err, errOTPRequired):
		if err := s.awaitCode(c, u); err != nil {
			return err
		}
		return s.render(c, http.StatusOK, pages.Login(pages.LoginPage{CSRFToken: vm.CSRFToken,
			Next: next, CodeStep: true}))
	case err != nil:
		return err
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) logout(c echo.Context) error {
	if p, ok := principal(c); ok && p.TokenID == "" {
		s.recordAudit(c, "auth.logout", http.StatusSeeOther, nil)
	}
	if err := s.sessions.Destroy(c.Request().Context()); err != nil {
		return err
	}
	s.revocations.Add(1)
	return c.Redirect(http.StatusSeeOther, "/login")
}
