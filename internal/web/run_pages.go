package web

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/run"
	"github.com/clawops/clawops/views/pages"
)

func runRow(r run.Run, base string, loc *time.Location) pages.RunRow {
	when := r.StartedAt
	if when == nil {
		when = &r.CreatedAt
	}
	return pages.RunRow{ID: r.ID, Agent: r.AgentName, Trigger: r.Trigger, Status: r.Status,
		Started: localTime(when, loc), Duration: duration(r.DurationMs),
		Records: recordsText(r), Cost: fmt.Sprintf("$%.4f", r.CostUSD),
		URL: templ.SafeURL(base + "/runs/" + url.PathEscape(r.ID))}
}

func duration(ms *int64) string {
	if ms == nil {
		return "—"
	}
	d := time.Duration(*ms) * time.Millisecond
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", *ms)
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return d.Round(time.Second).String()
}

func recordsText(r run.Run) string {
	total := 0
	for _, n := range r.RecordsIngested {
		total += n
	}
	if total == 0 {
		return "—"
	}
	return fmt.Sprintf("%d added", total)
}

// runFilters are the drop-downs of the run history, with the current choices selected.
func (s *Server) runFilters(c echo.Context, sc access.Scope,
	f run.Filter) ([]pages.RecordFilter, error) {
	agents, err := s.Agents.Agents(c.Request().Context(), sc)
	if err != nil {
		return nil, err
	}
	opts := func(values []string, chosen func(string) bool) []pages.Option {
		var out []pages.Option
		for _, v := range values {
			out = append(out, pages.Option{Value: v, Label: v, Selected: chosen(v)})
		}
		return out
	}
	agentOpts := make([]pages.Option, 0, len(agents))
	for _, a := range agents {
		agentOpts = append(agentOpts, pages.Option{Value: a.ID, Label: a.Name,
			Selected: a.ID == f.AgentID})
	}
	return []pages.RecordFilter{
		{Name: "status", Label: "Status", Options: opts(run.Statuses,
			func(v string) bool { return slices.Contains(f.Statuses, v) })},
		{Name: "agentId", Label: "Agent", Options: agentOpts},
		{Name: "trigger", Label: "Started by", Options: opts(run.Triggers,
			func(v string) bool { return v == f.Trigger })},
	}, nil
}

func (s *Server) runsPage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	params := url.Values{}
	for _, k := range []string{"status", "agentId", "trigger", "cursor"} {
		if v := strings.TrimSpace(c.QueryParam(k)); v != "" {
			params.Set(k, v)
		}
	}
	f, err := runFilter(c)
	if err != nil {
		return err
	}
	runs, next, err := s.Runs.Runs(c.Request().Context(), sc, f)
	if err != nil {
		return err
	}
	base := campaignBase(cur) + "/runs"
	t := pages.RunsTable{Live: f.Cursor == "", Filtered: len(params) > 0 && f.Cursor == "",
		ClearURL: base}
	filters := withoutPaging(params)
	t.RefreshURL = base + encodeQuery(filters)
	for _, r := range runs {
		t.Rows = append(t.Rows, runRow(r, campaignBase(cur), cur.Location()))
	}
	if next != "" {
		p := withoutPaging(params)
		p.Set("cursor", next)
		t.NextURL = base + encodeQuery(p)
	}
	if f.Cursor != "" {
		t.FirstURL = base + encodeQuery(filters)
	}
	if readHTMX(c).Partial() {
		return s.render(c, http.StatusOK, pages.RunsTableFragment(t))
	}
	vm := pages.RunsPage{Campaign: header(cur), Table: t, Base: base}
	if vm.Filters, err = s.runFilters(c, sc, f); err != nil {
		return err
	}
	if vm.Shell, err = s.shell(c, &cur, "runs", "Runs"); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Runs(vm))
}

func (s *Server) runSummary(c echo.Context, sc access.Scope, cur campaign.Campaign,
	r run.Run) pages.RunSummary {
	loc := cur.Location()
	base := campaignBase(cur)
	item := base + "/runs/" + url.PathEscape(r.ID)
	who := "the scheduler"
	if r.RequestedBy != "" {
		who = "a person"
		if u, err := s.Users.User(c.Request().Context(), r.RequestedBy); err == nil {
			who = u.Email
		}
	}
	sum := pages.RunSummary{ID: r.ID, Agent: r.AgentName, Trigger: r.Trigger,
		Status: r.Status, Message: r.Message, Created: localTime(&r.CreatedAt, loc),
		Started: localTime(r.StartedAt, loc), Finished: localTime(r.FinishedAt, loc),
		Duration: duration(r.DurationMs), Tokens: fmt.Sprintf("%d tokens", r.TokensUsed),
		Cost: fmt.Sprintf("$%.4f", r.CostUSD), Output: r.Output, Error: r.Error, Who: who,
		Done: r.Finished(), CancelURL: templ.SafeURL(item + "/cancel"),
		RetryURL:   templ.SafeURL(item + "/retry"),
		AgentURL:   templ.SafeURL(base + "/agents/" + url.PathEscape(r.AgentID)),
		DataURL:    templ.SafeURL(base + "/leads?sourceRunId=" + url.QueryEscape(r.ID)),
		RefreshURL: item, CanEdit: sc.Role().AtLeast(access.RoleOperator),
		CSRFToken: csrfToken(c)}
	if r.RetryOf != "" {
		sum.RetryOf = templ.SafeURL(base + "/runs/" + url.PathEscape(r.RetryOf))
	}
	for _, k := range slices.Sorted(maps.Keys(r.RecordsIngested)) {
		v := fmt.Sprintf("%d added", r.RecordsIngested[k])
		if n := r.RecordsSkipped[k]; n > 0 {
			v += ", " + plural(n, "duplicate") + " skipped"
		}
		sum.Records = append(sum.Records, pages.Fact{Label: k, Value: v})
	}
	for _, x := range r.RejectedRecords {
		sum.Rejected = append(sum.Rejected, pages.Fact{
			Label: fmt.Sprintf("%s #%d", x.Collection, x.Index+1), Value: x.Reason})
	}
	for _, k := range slices.Sorted(maps.Keys(r.Metrics)) {
		sum.Metrics = append(sum.Metrics, pages.Fact{Label: k,
			Value: fmt.Sprint(r.Metrics[k])})
	}
	return sum
}

// runPage shows one run; htmx refreshes its summary as the run goes.
func (s *Server) runPage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	r, err := s.Runs.Run(ctx, sc, c.Param("id"))
	if err != nil {
		return err
	}
	sum := s.runSummary(c, sc, cur, r)
	hx := readHTMX(c)
	if hx.Partial() && hx.Target != pages.RunLogID {
		return s.render(c, http.StatusOK, pages.RunSummaryFragment(sum))
	}
	vm := pages.RunPage{Campaign: header(cur), Summary: sum}
	for {
		lines, err := s.Runs.Logs(ctx, sc, r.ID, vm.LogSeq, 0)
		if err != nil {
			return err
		}
		if len(lines) == 0 {
			break
		}
		for _, l := range lines {
			vm.Log = append(vm.Log, l.Line)
			vm.LogSeq = l.Seq
		}
	}
	if hx.Partial() {
		return s.render(c, http.StatusOK, pages.RunLogFragment(r.ID, vm.Log, vm.LogSeq,
			sum.Done, sum.RefreshURL))
	}
	if vm.Shell, err = s.shell(c, &cur, "runs", "Run of "+r.AgentName); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Run(vm))
}

func (s *Server) runCancelPage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	item := campaignBase(cur) + "/runs/" + url.PathEscape(c.Param("id"))
	_, err = s.Engine.Cancel(c.Request().Context(), sc, c.Param("id"))
	if problem := formProblem(err); problem != "" {
		s.flash(c, "error", "The run was not cancelled: "+problem)
		return redirectAfter(c, item)
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "The run is being cancelled.")
	return redirectAfter(c, item)
}

func (s *Server) runRetryPage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	r, err := s.Runs.Retry(c.Request().Context(), sc, c.Param("id"), sc.UserID())
	return s.afterRunStart(c, cur, r, err, "/runs/"+url.PathEscape(c.Param("id")))
}
