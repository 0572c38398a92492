package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/auth"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/views/pages"
)

// tokenExpiries are the lifetimes the token form offers, in days; 0 is no expiry.
var tokenExpiries = []struct {
	days  int
	label string
}{{30, "In 30 days"}, {90, "In 90 days"}, {365, "In a year"}, {0, "Never"}}

// defaultTokenExpiry is what the form offers first: tokens that end on their own are safer.
const defaultTokenExpiry = "90"

// tokenForm is what the token form was filled with.
type tokenForm struct {
	name, campaignID, role, expiry string
}

func readTokenForm(c echo.Context) tokenForm {
	return tokenForm{name: c.FormValue("name"), campaignID: c.FormValue("campaignId"),
		role: c.FormValue("role"), expiry: c.FormValue("expiry")}
}

// input turns the form into the API's token request, which checkTokenInput validates.
func (f tokenForm) input(now time.Time) (tokenInput, error) {
	in := tokenInput{Name: f.name}
	if f.campaignID != "" {
		in.CampaignID = &f.campaignID
	}
	if f.role != "" {
		in.Role = &f.role
	}
	days, err := strconv.Atoi(f.expiry)
	if err != nil || days < 0 || days > 3650 {
		return in, derrors.Fields{"expiry": "must be one of the offered choices"}
	}
	if days > 0 {
		at := now.AddDate(0, 0, days)
		in.ExpiresAt = &at
	}
	return in, nil
}

func tokensPath(all bool) string {
	if all {
		return pages.TokensPath
	}
	return pages.MyTokensPath
}

// tokensMain builds the list and form; filled and errs refill a refused form.
func (s *Server) tokensMain(c echo.Context, all bool, filled tokenForm,
	errs derrors.Fields) (pages.TokensMain, error) {
	ctx := c.Request().Context()
	p, _ := principal(c)
	m := pages.TokensMain{Title: "Your API tokens", All: all, CSRFToken: csrfToken(c),
		OtherURL: pages.TokensPath, OtherLabel: "Every person's tokens"}
	var toks []auth.Token
	var err error
	if all {
		m.Title, m.OtherURL, m.OtherLabel = "API tokens", pages.MyTokensPath, "Your own tokens"
		toks, err = s.Users.AllTokens(ctx)
	} else {
		toks, err = s.Users.Tokens(ctx, p.UserID)
	}
	if err != nil {
		return m, err
	}
	if !p.IsAdmin() {
		m.OtherURL = ""
	}
	list, _, err := s.Campaigns.Campaigns(ctx, p, campaign.ListFilter{Limit: 500,
		Statuses: campaign.Statuses})
	if err != nil {
		return m, err
	}
	names := map[string]string{}
	for _, x := range list {
		names[x.ID] = x.Name
	}
	emails := map[string]string{}
	if all {
		users, err := s.Users.Users(ctx)
		if err != nil {
			return m, err
		}
		for _, u := range users {
			emails[u.ID] = u.Email
		}
	}
	now := time.Now()
	for _, t := range toks {
		m.Rows = append(m.Rows, tokenRow(t, all, names, emails, now))
	}
	m.Form = tokenFormView(c, all, filled, errs, list)
	return m, nil
}

func tokenRow(t auth.Token, all bool, campaigns, emails map[string]string,
	now time.Time) pages.TokenRow {
	r := pages.TokenRow{ID: t.ID, Name: t.Name, Owner: orDash(emails[t.UserID], t.UserID),
		Campaign: "Any of theirs", Role: "Their own", Created: shownTime(&t.CreatedAt),
		Expires: "Never", LastUsed: ago(t.LastUsedAt, now), Status: "active",
		RevokeAction: templ.SafeURL(tokensPath(all) + "/" + url.PathEscape(t.ID) + "/revoke")}
	if t.CampaignID != nil {
		r.Campaign = orDash(campaigns[*t.CampaignID], *t.CampaignID)
	}
	if t.Role != "" {
		r.Role = string(t.Role)
	}
	if t.ExpiresAt != nil {
		r.Expires = shownTime(t.ExpiresAt)
		if !now.Before(*t.ExpiresAt) {
			r.Status = "expired"
		}
	}
	if t.RevokedAt != nil {
		r.Status = "revoked"
	}
	return r
}

func tokenFormView(c echo.Context, all bool, f tokenForm, errs derrors.Fields,
	list []campaign.Campaign) pages.TokenForm {
	if f.expiry == "" {
		f.expiry = defaultTokenExpiry
	}
	v := pages.TokenForm{Action: templ.SafeURL(tokensPath(all)), Name: f.name,
		CSRFToken: csrfToken(c), Errors: errs,
		Campaigns: []pages.Option{{Value: "", Label: "Every campaign I can see"}},
		Roles:     []pages.Option{{Value: "", Label: "My own role"}}}
	for _, x := range list {
		v.Campaigns = append(v.Campaigns, pages.Option{Value: x.ID, Label: x.Name,
			Selected: x.ID == f.campaignID})
	}
	for _, r := range pages.CampaignRoles {
		v.Roles = append(v.Roles, pages.Option{Value: r, Label: r, Selected: r == f.role})
	}
	for _, e := range tokenExpiries {
		days := strconv.Itoa(e.days)
		v.Expiries = append(v.Expiries, pages.Option{Value: days, Label: e.label,
			Selected: days == f.expiry})
	}
	return v
}

// tokensPage lists tokens: every person's for admins (all), otherwise the caller's own.
func (s *Server) tokensPage(all bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		m, err := s.tokensMain(c, all, tokenForm{}, nil)
		if err != nil {
			return err
		}
		return s.answerTokens(c, http.StatusOK, m)
	}
}

func (s *Server) answerTokens(c echo.Context, status int, m pages.TokensMain) error {
	return s.answerPage(c, status, pages.TokensMainFragment(m), func() (templ.Component,
		error) {
		sh, err := s.shell(c, nil, "", m.Title)
		if err != nil {
			return nil, err
		}
		return pages.Tokens(pages.TokensPage{Shell: sh, Main: m}), nil
	})
}

// tokenCreatePage makes a token for the caller and shows its secret once, in the answer.
func (s *Server) tokenCreatePage(all bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		p, _ := principal(c)
		f := readTokenForm(c)
		in, err := f.input(time.Now())
		var n auth.NewToken
		if err == nil {
			n, err = s.checkTokenInput(ctx, p, in)
		}
		if fields, ok := derrors.AsFields(err); ok {
			m, err := s.tokensMain(c, all, f, fields)
			if err != nil {
				return err
			}
			return s.answerTokens(c, http.StatusUnprocessableEntity, m)
		}
		if err != nil {
			return err
		}
		secret, tok, err := s.Users.IssueToken(ctx, n)
		if err != nil {
			return err
		}
		m, err := s.tokensMain(c, all, tokenForm{}, nil)
		if err != nil {
			return err
		}
		m.Created = &pages.CreatedToken{Name: tok.Name, Secret: secret}
		return s.answerTokens(c, http.StatusCreated, m)
	}
}

// tokenRevokePage ends a token: one of the caller's own, or any person's for admins, as
// through the API.
func (s *Server) tokenRevokePage(all bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, _ := principal(c)
		owner := p.UserID
		if p.IsAdmin() {
			owner = ""
		}
		if err := s.Users.RevokeToken(c.Request().Context(), owner, c.Param("id")); err != nil {
			return err
		}
		return s.done(c, "Token revoked.", tokensPath(all), func() (templ.Component, error) {
			m, err := s.tokensMain(c, all, tokenForm{}, nil)
			return pages.TokensMainFragment(m), err
		})
	}
}
