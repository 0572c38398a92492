package web

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/metrics"
	"github.com/clawops/clawops/internal/schedule"
	"github.com/clawops/clawops/views/components"
	"github.com/clawops/clawops/views/pages"
)

// campaignDashboard is a campaign's home page. With htmx and a range change it answers the
// charts region alone.
func (s *Server) campaignDashboard(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	days := 7
	if c.QueryParam("range") == "30" {
		days = 30
	}
	vm, err := s.dashboardModel(c, sc, cur, days)
	if err != nil {
		return err
	}
	if h := readHTMX(c); h.Partial() {
		// Each live region asks for itself by its id; the range switch asks for the charts.
		switch h.Target {
		case pages.DashboardKPIsID:
			return s.render(c, http.StatusOK, pages.DashboardKPIs(vm))
		case pages.DashboardActivityID:
			return s.render(c, http.StatusOK, pages.DashboardActivity(vm))
		}
		return s.render(c, http.StatusOK, pages.DashboardCharts(vm))
	}
	vm.Shell, err = s.shell(c, &cur, "dashboard", "Dashboard")
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Dashboard(vm))
}

func (s *Server) dashboardModel(c echo.Context, sc access.Scope, cur campaign.Campaign,
	days int) (pages.DashboardPage, error) {
	ctx := c.Request().Context()
	loc := cur.Location()
	now := time.Now()
	y, m, d := now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	span := max(days, 14)
	rows, err := s.Metrics.Days(ctx, sc, today.AddDate(0, 0, -(span-1)), today)
	if err != nil {
		return pages.DashboardPage{}, err
	}
	vm := pages.DashboardPage{Campaign: header(cur), Range: days,
		Charts: dashboardCharts(rows[len(rows)-days:])}
	weekStart := now.Add(-7 * 24 * time.Hour)
	active, err := s.Agents.ActiveBetween(ctx, sc, weekStart, now)
	if err != nil {
		return vm, err
	}
	activePrev, err := s.Agents.ActiveBetween(ctx, sc, weekStart.Add(-7*24*time.Hour), weekStart)
	if err != nil {
		return vm, err
	}
	vm.KPIs = dashboardKPIs(rows[len(rows)-14:], active, activePrev)
	if err := s.dashboardLists(c, sc, &vm, loc, now); err != nil {
		return vm, err
	}
	return vm, nil
}

func header(c campaign.Campaign) pages.CampaignHeader {
	return pages.CampaignHeader{Name: c.Name, Slug: c.Slug, Company: c.Company,
		Status: c.Status, Icon: c.Icon, Description: c.Description, Timezone: c.Timezone}
}

// dashboardKPIs sums the last 7 of 14 days against the 7 before.
func dashboardKPIs(days []metrics.Day, active, activePrev int) []components.KPI {
	var cur, prev metrics.Day
	for i, d := range days {
		t := &prev
		if i >= 7 {
			t = &cur
		}
		t.LeadsGenerated += d.LeadsGenerated
		t.EmailsSent += d.EmailsSent
		t.RepliesReceived += d.RepliesReceived
	}
	kpi := func(id, label string, c, p int) components.KPI {
		return components.KPI{ID: id, Label: label, Value: fmt.Sprint(c), Current: float64(c),
			Previous: float64(p), Period: "vs previous 7 days", HigherIsBetter: true}
	}
	return []components.KPI{
		kpi("leads", "Leads generated", cur.LeadsGenerated, prev.LeadsGenerated),
		kpi("emails", "Emails sent", cur.EmailsSent, prev.EmailsSent),
		kpi("agents", "Active agents", active, activePrev),
		kpi("replies", "Replies", cur.RepliesReceived, prev.RepliesReceived),
	}
}

func dashboardCharts(days []metrics.Day) []components.Chart {
	n := len(days)
	labels := make([]string, n)
	leads := make([]float64, n)
	ok := make([]float64, n)
	failed := make([]float64, n)
	cost := make([]float64, n)
	for i, d := range days {
		labels[i] = d.Date
		leads[i] = float64(d.LeadsGenerated)
		ok[i] = float64(d.AgentRuns - d.AgentErrors)
		failed[i] = float64(d.AgentErrors)
		cost[i] = d.CostUSD
	}
	span := fmt.Sprintf("last %d days", n)
	return []components.Chart{
		{ID: "leads", Title: "Leads", Description: "Leads and contacts found per day, " + span,
			Labels: labels, Series: []components.Series{{Name: "Leads", Values: leads, Tone: components.ToneCampaign}}},
		{ID: "runs", Title: "Runs", Description: "Agent runs per day by outcome, " + span,
			Labels: labels, Series: []components.Series{
				{Name: "Succeeded", Values: ok, Tone: components.ToneCampaign},
				{Name: "Failed", Values: failed, Tone: components.ToneDanger}}},
		{ID: "cost", Title: "Cost", Description: "Agent cost in US dollars per day, " + span,
			Labels: labels, Unit: "$",
			Series: []components.Series{{Name: "Cost", Values: cost,
				Tone: components.ToneCampaign}}},
	}
}

// dashboardLists fills the agents, the next schedule fires and the latest activity.
func (s *Server) dashboardLists(c echo.Context, sc access.Scope, vm *pages.DashboardPage,
	loc *time.Location, now time.Time) error {
	ctx := c.Request().Context()
	agents, err := s.Agents.Agents(ctx, sc)
	if err != nil {
		return err
	}
	for _, a := range agents {
		vm.Agents = append(vm.Agents, pages.DashboardAgent{Name: a.Name, Status: a.Status,
			LastRun: ago(a.LastRunAt, now), Runs: a.RunCount, Errors: a.ErrorCount})
	}
	schedules, err := s.Schedules.Schedules(ctx, sc)
	if err != nil {
		return err
	}
	schedules = slices.DeleteFunc(schedules, func(x schedule.Schedule) bool {
		return !x.Enabled || x.NextRunAt == nil
	})
	slices.SortFunc(schedules, func(a, b schedule.Schedule) int { return a.NextRunAt.Compare(*b.NextRunAt) })
	for _, x := range schedules[:min(5, len(schedules))] {
		vm.Upcoming = append(vm.Upcoming, pages.UpcomingFire{Schedule: x.Name, Agent: x.AgentName,
			When: x.NextRunAt.In(loc).Format("Mon 2 Jan 15:04"), In: until(*x.NextRunAt, now)})
	}
	entries, _, err := s.Activity.Entries(ctx, sc, activity.Filter{Limit: 8})
	if err != nil {
		return err
	}
	for _, e := range entries {
		vm.Activity = append(vm.Activity, pages.ActivityItem{Title: e.Title, Detail: e.Detail,
			Severity: e.Severity, When: ago(&e.CreatedAt, now)})
	}
	return nil
}
