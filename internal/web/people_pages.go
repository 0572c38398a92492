package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/views/layout"
	"github.com/clawops/clawops/views/pages"
)

// registerPeoplePages adds the pages about people and their access: the admins' lists of
// people and tokens, each person's account and tokens, and the members of a campaign.
//
// Everyone makes and revokes their own API tokens, here and through /api/tokens: a token acts
// for its person with at most their rights, so handing one out needs no admin. Admins see and
// revoke every person's tokens at /admin/tokens (and with GET /api/tokens?all=true), so that a
// leaked or forgotten token can be ended without its owner.
func (s *Server) registerPeoplePages(page func(method, path string, h echo.HandlerFunc,
	action string)) {
	users := pages.UsersPath
	page("GET", users, requireAdminPage(s.usersPage), "")
	page("POST", users, requireAdminPage(s.userCreatePage), "user.create")
	page("GET", users+"/:id", requireAdminPage(s.userPage), "")
	page("POST", users+"/:id", requireAdminPage(s.userSavePage), "user.update")
	page("POST", users+"/:id/disable", requireAdminPage(s.userDisablePage), "user.disable")
	page("POST", users+"/:id/enable", requireAdminPage(s.userEnablePage), "user.enable")
	page("POST", users+"/:id/two-factor/reset", requireAdminPage(s.userResetTwoFactorPage),
		"user.resetTwoFactor")
	page("POST", adminTwoFactorPath, requireAdminPage(s.requireTwoFactorPage), "setting.update")

	page("GET", pages.TokensPath, requireAdminPage(s.tokensPage(true)), "")
	page("POST", pages.TokensPath, requireAdminPage(s.tokenCreatePage(true)), "token.create")
	page("POST", pages.TokensPath+"/:id/revoke", requireAdminPage(s.tokenRevokePage(true)),
		"token.revoke")
	// A person's own pages act for them beyond any one campaign: a token bound to a campaign
	// or capped at a role may not use them, as it may not manage tokens through the API.
	page("GET", pages.MyTokensPath, requireUncapped(s.tokensPage(false)), "")
	page("POST", pages.MyTokensPath, requireUncapped(s.tokenCreatePage(false)), "token.create")
	page("POST", pages.MyTokensPath+"/:id/revoke", requireUncapped(s.tokenRevokePage(false)),
		"token.revoke")
	page("GET", pages.AccountPath, requireUncapped(s.accountPage), "")
	page("POST", accountPasswordPath, requireUncapped(s.passwordChangePage), "account.password")
	page("POST", accountEndPath, requireUncapped(s.sessionEndPage), "session.revoke")
	page("POST", accountEndAllPath, requireUncapped(s.signOutEverywherePage),
		"session.revokeAll")
	page("POST", twoFactorStartPath, requireUncapped(s.twoFactorStartPage),
		"account.twoFactorStart")
	page("POST", twoFactorConfirm, requireUncapped(s.twoFactorConfirmPage),
		"account.twoFactorEnable")
	page("POST", twoFactorDisable, requireUncapped(s.twoFactorDisablePage),
		"account.twoFactorDisable")
	page("POST", twoFactorCodesPath, requireUncapped(s.recoveryCodesPage),
		"account.recoveryCodes")

	page("POST", "/c/:slug/members", s.memberAddPage, "member.add")
	page("POST", "/c/:slug/members/:userId", s.memberRolePage, "member.update")
	page("POST", "/c/:slug/members/:userId/remove", s.memberRemovePage, "member.remove")
}

// requireUncapped refuses a caller acting through a token bound to a campaign or capped at a
// role.
func requireUncapped(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if p, _ := principal(c); p.Capped() {
			return echo.NewHTTPError(http.StatusForbidden,
				"A token limited to a campaign or a role cannot do this.")
		}
		return next(c)
	}
}

// adminTwoFactorPath sets whether admins must use two-factor sign-in.
const adminTwoFactorPath = "/admin/settings/two-factor"

// shownTime shows a time to the minute in UTC, or a dash for none.
func shownTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04") + " UTC"
}

// answerPage renders the fragment for an htmx request that wants only the part it swaps, and
// the whole page otherwise.
func (s *Server) answerPage(c echo.Context, status int, fragment templ.Component,
	full func() (templ.Component, error)) error {
	if readHTMX(c).Partial() {
		return s.render(c, status, fragment)
	}
	comp, err := full()
	if err != nil {
		return err
	}
	return s.render(c, status, comp)
}

// toastWith adds a toast to an htmx answer, as an out-of-band swap after the fragment.
func toastWith(fragment templ.Component, kind, msg string) templ.Component {
	return templ.Join(fragment, layout.OOBToast(layout.Toast{Kind: kind, Message: msg}))
}

// done answers a change that worked: for htmx the refreshed fragment with a toast, for a
// plain form a toast on the next page and a redirect to path, as forms expect.
func (s *Server) done(c echo.Context, msg, path string, fragment func() (templ.Component,
	error)) error {
	if readHTMX(c).Partial() {
		frag, err := fragment()
		if err != nil {
			return err
		}
		return s.render(c, http.StatusOK, toastWith(frag, "success", msg))
	}
	s.flash(c, "success", msg)
	return c.Redirect(http.StatusSeeOther, path)
}

// device names the browser and system of a user agent in a few words, e.g. "Firefox on
// Linux"; the full string is kept for a tooltip.
func device(ua string) string {
	browser := "Unknown browser"
	for _, b := range []struct{ marker, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"},
		{"HeadlessChrome/", "Headless Chrome"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"},
		{"curl/", "curl"},
	} {
		if strings.Contains(ua, b.marker) {
			browser = b.name
			break
		}
	}
	for _, o := range []struct{ marker, name string }{
		{"Windows", "Windows"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"},
		{"Mac OS X", "macOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.marker) {
			return browser + " on " + o.name
		}
	}
	return browser
}
