package pages

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/a-h/templ"

	"github.com/clawops/clawops/views/components"
	"github.com/clawops/clawops/views/layout"
)

// OverviewPage is the home page: totals across the visible campaigns and a card per campaign.
type OverviewPage struct {
	Shell  layout.Shell
	Totals OverviewTotals
	Groups []CampaignGroup
	Form   CampaignForm
}

// OverviewTotals add up the visible campaigns.
type OverviewTotals struct {
	Campaigns, ActiveCampaigns, Agents    int
	Runs7d, FailedRuns7d, Leads7d, Sent7d int
	Cost7d                                string
}

// CampaignGroup is the cards of one status, in the order they should be read.
type CampaignGroup struct {
	Status string
	Title  string
	Cards  []CampaignCard
	// Hidden counts the cards left out to keep the page light; ShowAll lists them all.
	Hidden  int
	ShowAll templ.SafeURL
}

// CampaignCard is one campaign on the overview.
type CampaignCard struct {
	Name, Slug, Company, Status, Icon, Color string
	Agents, Schedules                        int
	Leads7d, LeadsPrev7d, Runs7d, Failed7d   int
	Overdue, Failing                         int
	LastActivity                             string
	NeedsAttention                           bool
	// FailureRate is the share of the week's runs that failed, from 0 to 1.
	FailureRate float64
}

// URL is the campaign's dashboard.
func (c CampaignCard) URL() templ.SafeURL { return templ.SafeURL("/c/" + url.PathEscape(c.Slug)) }

// LeadsKPI is the card's leads figure with its change against the week before.
func (c CampaignCard) LeadsKPI() components.KPI {
	return components.KPI{ID: "leads-" + c.Slug, Label: "Leads, 7 days", Current: float64(c.Leads7d),
		Previous: float64(c.LeadsPrev7d), Period: "vs previous 7 days", HigherIsBetter: true}
}

// CampaignForm is the new-campaign form, blank or refilled after a refused submission.
type CampaignForm struct {
	CSRFToken string
	Name      string
	Company   string
	Type      string
	Color     string
	Icon      string
	Timezone  string
	// Slug previews the address the name will get.
	Slug   string
	Errors map[string]string
	// Open shows the form expanded, as after "Create campaign" or a refused submission.
	Open bool
}

func slugPreviewClass(slug string, taken, named bool) string {
	if taken || (slug == "" && named) {
		return "text-red-700 dark:text-red-300"
	}
	return "text-slate-500 dark:text-slate-400"
}

// CampaignFormID is the new-campaign form's element id, the target of its htmx swaps.
const CampaignFormID = "new-campaign-form"

// SlugPreviewID is the element the live slug preview replaces.
const SlugPreviewID = "slug-preview"

// CampaignTypes are the choices of the type field.
var CampaignTypes = []string{"lead-gen", "marketing", "outreach", "content", "social", "trading",
	"other"}

// ColorPresets are the colour choices offered next to the picker.
var ColorPresets = []string{"#3B82F6", "#10B981", "#F59E0B", "#EF4444", "#8B5CF6", "#EC4899",
	"#14B8A6", "#64748B"}

// DashboardPage is a campaign's home: headline numbers, charts, agents, upcoming fires and
// the latest activity.
type DashboardPage struct {
	Shell    layout.Shell
	Campaign CampaignHeader
	KPIs     []components.KPI
	// Range is the charts' span in days: 7 or 30.
	Range    int
	Charts   []components.Chart
	Agents   []DashboardAgent
	Upcoming []UpcomingFire
	Activity []ActivityItem
}

// Regions of the dashboard that htmx swaps on their own: the charts when the range changes,
// and each of them when live events say their figures or entries changed.
const (
	DashboardChartsID   = "dashboard-charts"
	DashboardKPIsID     = "dashboard-kpis"
	DashboardActivityID = "dashboard-activity"
)

// CampaignHeader is the heading of a campaign's pages.
type CampaignHeader struct {
	Name, Slug, Company, Status, Icon, Description, Timezone string
}

// DashboardAgent is one agent in the dashboard's list.
type DashboardAgent struct {
	Name, Status, LastRun string
	Runs, Errors          int
}

// UpcomingFire is one scheduled run to come.
type UpcomingFire struct {
	Schedule, Agent, When, In string
}

// ActivityItem is one entry of the feed.
type ActivityItem struct {
	Title, Detail, Severity, When string
}

// SettingsPage is a campaign's settings: its fields, duplicating, archiving and restoring.
type SettingsPage struct {
	Shell    layout.Shell
	Campaign CampaignHeader
	Form     SettingsForm
	// CanEdit is false for roles below owner; the form is shown read-only.
	CanEdit  bool
	Archived bool
	// ArchiveError explains a refused archive confirmation.
	ArchiveError string
	IsDefault    bool
	Members      MembersSection
}

// SettingsForm is the campaign's editable fields.
type SettingsForm struct {
	CSRFToken   string
	Slug        string
	Name        string
	Company     string
	Type        string
	Description string
	Color       string
	Icon        string
	Timezone    string
	Status      string
	// QuietStart and QuietEnd bound the daily window when schedules wait; both empty for none.
	QuietStart, QuietEnd string
	// DailyBudget and MonthlyBudget cap what runs cost, in US dollars; empty for no limit.
	DailyBudget, MonthlyBudget string
	Errors                     map[string]string
	CanEdit                    bool
	Archived                   bool
}

// SettingsFormID is the settings form's element id.
const SettingsFormID = "settings-form"

// Action is the form's address.
func (f SettingsForm) Action() templ.SafeURL {
	return templ.SafeURL("/c/" + url.PathEscape(f.Slug) + "/settings")
}

// ArchiveAction, RestoreAction and DuplicateAction are the addresses of the settings actions.
func (p SettingsPage) ArchiveAction() templ.SafeURL {
	return templ.SafeURL("/c/" + url.PathEscape(p.Campaign.Slug) + "/archive")
}

// RestoreAction restores an archived campaign.
func (p SettingsPage) RestoreAction() templ.SafeURL {
	return templ.SafeURL("/c/" + url.PathEscape(p.Campaign.Slug) + "/restore")
}

// DuplicateAction copies the campaign.
func (p SettingsPage) DuplicateAction() templ.SafeURL {
	return templ.SafeURL("/c/" + url.PathEscape(p.Campaign.Slug) + "/duplicate")
}

// deltaText is the change of a count against the previous period, e.g. "+12%", written as
// the dashboard's tiles write it.
func deltaText(cur, prev int) string {
	d := components.KPI{Current: float64(cur), Previous: float64(prev), HigherIsBetter: true}.Delta()
	if d.Direction == 0 {
		return "±0"
	}
	return d.Text
}

func deltaClass(cur, prev int) string {
	switch {
	case cur > prev:
		return "text-emerald-700 dark:text-emerald-400"
	case cur < prev:
		return "text-red-700 dark:text-red-400"
	}
	return "text-slate-500 dark:text-slate-400"
}

// colorOr is the colour input's value: the chosen colour, or the default blue.
func colorOr(c string) string {
	if len(c) == 7 && c[0] == '#' {
		return c
	}
	return "#3B82F6"
}

func isPreset(c string) bool {
	for _, p := range ColorPresets {
		if strings.EqualFold(p, c) {
			return true
		}
	}
	return false
}

func rangeURL(slug string, days int) templ.SafeURL {
	return templ.SafeURL(fmt.Sprintf("/c/%s?range=%d", url.PathEscape(slug), days))
}

func severityDot(s string) string {
	switch s {
	case "success":
		return "bg-emerald-500"
	case "warning":
		return "bg-amber-500"
	case "error":
		return "bg-red-500"
	}
	return "bg-slate-400"
}

// attention says why a card needs a look.
func (c CampaignCard) attention() string {
	var parts []string
	if c.Overdue > 0 {
		parts = append(parts, plural(c.Overdue, "overdue schedule", "overdue schedules"))
	}
	if c.Failing > 0 {
		parts = append(parts, plural(c.Failing, "schedule", "schedules")+
			" failing three times in a row")
	}
	if c.Failed7d > 0 {
		parts = append(parts, fmt.Sprintf("%s this week (%.0f%% of runs)",
			plural(c.Failed7d, "failed run", "failed runs"), c.FailureRate*100))
	}
	return strings.Join(parts, " · ")
}
