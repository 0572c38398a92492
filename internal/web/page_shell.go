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
	for _, item := range list {
		sh.Switcher.Items = append(sh.Switcher.Items, components.SwitcherItem{
			Name: item.Name, Slug: item.Slug, Icon: item.Icon, Color: item.Color,
			Company: item.Company, Status: item.Status, Agents: item.AgentCount,
			Schedules: item.ScheduleCount, Current: cur != nil && cur.ID == item.ID,
			Href: "/c/" + url.PathEscape(item.Slug) + suffix,
		})
	}
	if cur != nil {
		for i := range sh.Switcher.Items {
			if sh.Switcher.Items[i].Current {
				sh.Switcher.Current = &sh.Switcher.Items[i]
			}
		}
		sh.Page.Title = title + " · " + cur.Name + " · ClawOps"
		sh.Page.CampaignColor = cur.Color
		sh.Page.FaviconHref = "/c/" + url.PathEscape(cur.Slug) + "/favicon.svg"
		sh.Campaign = &layout.NavCampaign{Slug: cur.Slug, Name: cur.Name, Icon: cur.Icon}
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
