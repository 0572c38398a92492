package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/views/pages"
)

// overviewPage is the home page: every visible campaign, grouped by status.
func (s *Server) overviewPage(c echo.Context) error {
	form := pages.CampaignForm{Color: campaign.DefaultColor, Type: campaign.DefaultType,
		Icon: campaign.DefaultIcon, Timezone: campaign.DefaultTimezone,
		Open: c.QueryParam("new") != ""}
	return s.renderOverview(c, http.StatusOK, form)
}

func (s *Server) renderOverview(c echo.Context, status int, form pages.CampaignForm) error {
	p, _ := principal(c)
	ov, err := s.Campaigns.Overview(c.Request().Context(), p)
	if err != nil {
		return err
	}
	sh, err := s.shell(c, nil, "", "Campaigns")
	if err != nil {
		return err
	}
	form.CSRFToken = csrfToken(c)
	vm := pages.OverviewPage{Shell: sh, Form: form, Totals: pages.OverviewTotals{
		Campaigns: ov.Totals.Campaigns, ActiveCampaigns: ov.Totals.ActiveCampaigns,
		Agents: ov.Totals.Agents, Runs7d: ov.Totals.Runs7d, FailedRuns7d: ov.Totals.FailedRuns7d,
		Leads7d: ov.Totals.Leads7d, Sent7d: ov.Totals.EmailsSent7d,
		Cost7d: fmt.Sprintf("$%.2f", ov.Totals.CostUSD7d),
	}}
	vm.Groups = groupCards(ov.Campaigns, time.Now(), c.QueryParam("all"))
	return s.render(c, status, pages.Overview(vm))
}

// cardsPerGroup caps the cards a group shows unless all of them are asked for; the
// attention order puts the ones to look at first.
const cardsPerGroup = 24

// groupCards sorts the overview's summaries into Active, Paused and Archived, keeping the
// store's order (those needing attention first) within each group. showAll names the group
// whose every card is shown.
func groupCards(list []campaign.Summary, now time.Time, showAll string) []pages.CampaignGroup {
	groups := []pages.CampaignGroup{
		{Status: campaign.StatusActive, Title: "Active"},
		{Status: campaign.StatusPaused, Title: "Paused"},
		{Status: campaign.StatusArchived, Title: "Archived"},
	}
	for _, m := range list {
		card := pages.CampaignCard{
			Name: m.Name, Slug: m.Slug, Company: m.Company, Status: m.Status, Icon: m.Icon,
			Color: m.Color, Agents: m.AgentCount, Schedules: m.ScheduleCount,
			Leads7d: m.Leads7d, LeadsPrev7d: m.LeadsPrev7d, Runs7d: m.Runs7d,
			Failed7d: m.FailedRuns7d, Overdue: m.OverdueSchedules,
			Failing: m.FailingSchedules, FailureRate: m.FailureRate7d,
			LastActivity: ago(m.LastActivityAt, now), NeedsAttention: m.NeedsAttention(),
		}
		for i := range groups {
			g := &groups[i]
			switch {
			case g.Status != m.Status:
			case len(g.Cards) < cardsPerGroup || showAll == g.Status:
				g.Cards = append(g.Cards, card)
			default:
				g.Hidden++
				g.ShowAll = templ.SafeURL("/?all=" + g.Status + "#group-" + g.Status)
			}
		}
	}
	return groups
}

// campaignFormInput reads the new-campaign form. The colour comes from the preset radios, or
// from the picker when "custom" is chosen.
func campaignFormInput(c echo.Context) pages.CampaignForm {
	f := pages.CampaignForm{
		Name: c.FormValue("name"), Company: c.FormValue("company"), Type: c.FormValue("type"),
		Color: c.FormValue("color"), Icon: strings.TrimSpace(c.FormValue("icon")),
		Timezone: strings.TrimSpace(c.FormValue("timezone")), Open: true,
	}
	if f.Color == "custom" {
		f.Color = c.FormValue("color_custom")
	}
	f.Slug = campaign.Slugify(f.Name)
	return f
}

// campaignCreate handles the new-campaign form: back to the form with 422 and the problems
// marked, or on to the new campaign's dashboard.
func (s *Server) campaignCreatePage(c echo.Context) error {
	f := campaignFormInput(c)
	p, _ := principal(c)
	created, err := s.Campaigns.CreateCampaign(c.Request().Context(), p, campaign.NewCampaign{
		Name: f.Name, Company: f.Company, Type: f.Type, Color: f.Color, Icon: f.Icon,
		Timezone: f.Timezone,
	})
	if fields, ok := derrors.AsFields(err); ok {
		f.Errors = fields
		return s.campaignFormAgain(c, f)
	}
	if errors.Is(err, campaign.ErrSlugTaken) {
		f.Errors = map[string]string{"name": "a campaign with this address already exists"}
		return s.campaignFormAgain(c, f)
	}
	if err != nil {
		return err
	}
	c.Set(keyAuditCampaign, created.ID)
	s.flash(c, "success", "Campaign "+created.Name+" created.")
	return redirectAfter(c, "/c/"+url.PathEscape(created.Slug))
}

func (s *Server) campaignFormAgain(c echo.Context, f pages.CampaignForm) error {
	if readHTMX(c).Partial() {
		f.CSRFToken = csrfToken(c)
		return s.render(c, http.StatusUnprocessableEntity, pages.NewCampaignForm(f))
	}
	return s.renderOverview(c, http.StatusUnprocessableEntity, f)
}

// slugPreview answers the live preview of the address a name will get.
func (s *Server) slugPreview(c echo.Context) error {
	slug := campaign.Slugify(c.QueryParam("name"))
	taken := false
	if slug != "" {
		var err error
		if taken, err = s.Campaigns.SlugExists(c.Request().Context(), slug); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, pages.SlugPreview(slug, taken,
		strings.TrimSpace(c.QueryParam("name")) != ""))
}
