package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/views/components"
	"github.com/clawops/clawops/views/layout"
)

// Session keys of the console.
const (
	sessionFlash        = "flash"
	sessionLastCampaign = "last_campaign"
)

// shell builds the frame of a signed-in page. cur is the campaign on screen, nil on pages
// outside a campaign; page is the kind of page ("" for the dashboard, "settings", ...), used
// both for the title and to keep the switcher on the same kind of page.
func (s *Server) shell(c echo.Context, cur *campaign.Campaign, active, title string) (layout.Shell, error) {
	p, _ := principal(c)
	ctx := c.Request().Context()
	list, _, err := s.Campaigns.Campaigns(ctx, p, campaign.ListFilter{Limit: 500,
		Statuses: []string{campaign.StatusActive, campaign.StatusPaused, campaign.StatusArchived}})
	if err != nil {
		return layout.Shell{}, err
	}
	sh := layout.Shell{
		Page:      layout.Page{Title: title + " · ClawOps", CSRFToken: csrfToken(c)},
		UserName:  p.Name,
		UserEmail: p.Email,
		IsAdmin:   p.IsAdmin(),
		Active:    active,
		Switcher:  components.Switcher{CreateHref: "/?new=1#new-campaign"},
	}
	suffix := ""
	if active != "" && active != "dashboard" {
		suffix = "/" + active
	}
	sh.Switcher.Items = switcherItems(list, cur, suffix, switcherShown)
	sh.Switcher.Total = len(list)
	sh.Switcher.SearchURL = "/campaigns/switch?page=" + url.QueryEscape(active)
	if cur != nil {
		for i := range sh.Switcher.Items {
			if sh.Switcher.Items[i].Current {
				sh.Switcher.Current = &sh.Switcher.Items[i]
			}
		}
		sh.Page.Title = title + " · " + cur.Name + " · ClawOps"
		sh.Page.CampaignColor = cur.Color
		sh.Page.FaviconHref = "/c/" + url.PathEscape(cur.Slug) + "/favicon.svg"
		sh.Page.EventsURL = "/api/campaigns/" + url.PathEscape(cur.ID) + "/events"
		sh.Campaign = &layout.NavCampaign{Slug: cur.Slug, Name: cur.Name, Icon: cur.Icon}
		sh.DataPages = dataNav()
		if s.sessions.GetString(ctx, sessionLastCampaign) != cur.Slug {
			s.sessions.Put(ctx, sessionLastCampaign, cur.Slug)
		}
	}
	if flash := s.sessions.PopString(ctx, sessionFlash); flash != "" {
		kind, msg, _ := strings.Cut(flash, "|")
		sh.Flash = &layout.Toast{Kind: kind, Message: msg}
	}
	return sh, nil
}

// switcherShown is how many campaigns the switcher lists on every page; the rest are found
// by searching, so that pages stay small with hundreds of campaigns.
const switcherShown = 12

// switcherItems turns campaigns into switcher options leading to the same kind of page
// (suffix), the current campaign first, at most max of them.
func switcherItems(list []campaign.Campaign, cur *campaign.Campaign, suffix string,
	max int) []components.SwitcherItem {
	items := make([]components.SwitcherItem, 0, min(max, len(list)))
	add := func(c campaign.Campaign, current bool) {
		items = append(items, components.SwitcherItem{
			Name: c.Name, Slug: c.Slug, Icon: c.Icon, Color: c.Color, Company: c.Company,
			Status: c.Status, Agents: c.AgentCount, Schedules: c.ScheduleCount,
			Current: current, Href: "/c/" + url.PathEscape(c.Slug) + suffix,
		})
	}
	if cur != nil {
		add(*cur, true)
	}
	for _, c := range list {
		if len(items) >= max {
			break
		}
		if cur == nil || c.ID != cur.ID {
			add(c, false)
		}
	}
	return items
}

// switcherSearch answers the switcher's search box with the matching options.
func (s *Server) switcherSearch(c echo.Context) error {
	p, _ := principal(c)
	list, _, err := s.Campaigns.Campaigns(c.Request().Context(), p, campaign.ListFilter{
		Limit: switcherShown, Query: c.QueryParam("q"),
		Statuses: []string{campaign.StatusActive, campaign.StatusPaused, campaign.StatusArchived}})
	if err != nil {
		return err
	}
	suffix := ""
	if page := c.QueryParam("page"); page != "" && page != "dashboard" && validPageKind(page) {
		suffix = "/" + page
	}
	return s.render(c, http.StatusOK,
		components.SwitcherOptions(switcherItems(list, nil, suffix, switcherShown)))
}

// validPageKind accepts the campaign page names the switcher can carry over.
func validPageKind(page string) bool {
	for _, r := range page {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return len(page) <= 20
}

// flash leaves a toast for the next page the browser loads.
func (s *Server) flash(c echo.Context, kind, msg string) {
	s.sessions.Put(c.Request().Context(), sessionFlash, kind+"|"+msg)
}

// pageCampaign resolves the :slug of a campaign page into a scope and the campaign.
func (s *Server) pageCampaign(c echo.Context) (access.Scope, campaign.Campaign, error) {
	sc, err := s.scope(c)
	if err != nil {
		return access.Scope{}, campaign.Campaign{}, err
	}
	cur, err := s.Campaigns.Campaign(c.Request().Context(), sc)
	return sc, cur, err
}

// redirectAfter answers a successful form: HX-Redirect for htmx, 303 otherwise.
func redirectAfter(c echo.Context, to string) error {
	if readHTMX(c).Request {
		c.Response().Header().Set("HX-Redirect", to)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// lastCampaign sends /c to the campaign used last, or to the overview.
func (s *Server) lastCampaign(c echo.Context) error {
	slug := s.sessions.GetString(c.Request().Context(), sessionLastCampaign)
	if slug == "" {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return c.Redirect(http.StatusSeeOther, "/c/"+url.PathEscape(slug))
}

// ago says how long before now t was, coarsely: "just now", "5 min ago", "3 h ago", "2 d ago".
func ago(t *time.Time, now time.Time) string {
	if t == nil {
		return "never"
	}
	d := now.Sub(*t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d d ago", int(d.Hours()/24))
}

// until says how long from now t is: "in 5 min", "in 3 h", "in 2 d".
func until(t time.Time, now time.Time) string {
	d := t.Sub(now)
	switch {
	case d < time.Minute:
		return "due now"
	case d < time.Hour:
		return fmt.Sprintf("in %d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("in %d h", int(d.Hours()))
	}
	return fmt.Sprintf("in %d d", int(d.Hours()/24))
}
