package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/run"
)

// runRoutes are the routes of runs and of starting them, on the legacy path (campaign from
// the context) and on the campaign path.
func (s *Server) runRoutes() []route {
	var out []route
	for _, campaignPath := range []bool{false, true} {
		base, agents := "/api", "/api/agents/:id"
		runItem := "/api/runs/:id"
		if campaignPath {
			base, agents = "/api/campaigns/:id", "/api/campaigns/:id/agents/:agentId"
			runItem = "/api/campaigns/:id/runs/:runId"
		}
		r := func(method, path, action, summary string, h echo.HandlerFunc, doc opIO,
			query ...any) route {
			return route{method: method, path: path, action: action, summary: summary,
				handler: h, campaign: campaignPath, context: !campaignPath, doc: doc,
				tag: "runs", query: query}
		}
		out = append(out,
			r("POST", agents+"/run", "agent.run", "Start a run of the agent now",
				s.agentRun, opIO{"RunRequest", 202, "Run"}),
			r("GET", base+"/runs", "run.list", "Runs, newest first, with filters",
				s.runList, opIO{"", 200, "RunList"}, runQuery()...),
			r("GET", runItem, "run.get", "One run", s.runGet, opIO{"", 200, "Run"}),
			r("GET", runItem+"/log", "run.log", "A run's log lines after a line number",
				s.runLog, opIO{"", 200, "RunLog"}, queryParam("after",
					"return the lines after this line number", integer()),
				queryParam("limit", "at most this many lines (5000 at most)", integer())),
			r("POST", runItem+"/cancel", "run.cancel",
				"Cancel a queued or running run; its process is stopped", s.runCancel,
				opIO{"", 200, "Run"}),
			r("POST", runItem+"/retry", "run.retry",
				"Start a new run of a finished run's agent and task", s.runRetry,
				opIO{"", 202, "Run"}),
		)
	}
	return out
}

func queryParam(name, desc string, sch schema) any {
	return map[string]any{"name": name, "in": "query", "description": desc, "schema": sch}
}

func runQuery() []any {
	return []any{
		queryParam("status", "comma-separated statuses", str()),
		queryParam("agentId", "runs of this agent", str()),
		queryParam("scheduleId", "runs of this schedule", str()),
		queryParam("trigger", "manual, scheduled, api or retry", strEnum(run.Triggers...)),
		queryParam("from", "created at or after this date or time", str()),
		queryParam("to", "created before this date or time", str()),
	}
}

// runID is the run named by the route: :runId on campaign routes, :id on legacy ones.
func runID(c echo.Context) string {
	if id := c.Param("runId"); id != "" {
		return id
	}
	return c.Param("id")
}

// runRequest is the body of starting a run by hand; every field is optional.
type runRequest struct {
	Message        string `json:"message"`
	IdempotencyKey string `json:"idempotencyKey"`
	OverrideBudget bool   `json:"overrideBudget"`
}

func (s *Server) agentRun(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	// The body may be left out: the run then has no message.
	var in runRequest
	body, err := readBody(c)
	if err != nil {
		return err
	}
	if len(body) > 0 {
		if err := decodeObject(body, &in); err != nil {
			return err
		}
	}
	trigger := run.TriggerAPI
	if viaSession(c) {
		trigger = run.TriggerManual
	}
	r, _, err := s.Runs.CreateRun(c.Request().Context(), sc, run.NewRun{AgentID: agentID(c),
		Message: in.Message, Trigger: trigger, IdempotencyKey: in.IdempotencyKey,
		OverrideBudget: in.OverrideBudget}, sc.UserID())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, r)
}

func (s *Server) runList(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	f, err := runFilter(c)
	if err != nil {
		return err
	}
	runs, next, err := s.Runs.Runs(c.Request().Context(), sc, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(runs, next))
}

// runFilter reads a run listing's filters and page from the URL.
func runFilter(c echo.Context) (run.Filter, error) {
	f := run.Filter{AgentID: c.QueryParam("agentId"), ScheduleID: c.QueryParam("scheduleId"),
		Trigger: c.QueryParam("trigger"), Cursor: c.QueryParam("cursor")}
	var err error
	if f.Limit, err = pageLimit(c); err != nil {
		return f, err
	}
	if v := c.QueryParam("status"); v != "" {
		for _, st := range strings.Split(v, ",") {
			if !validOne(st, run.Statuses) {
				return f, badRequest("query parameter status must be among %s",
					strings.Join(run.Statuses, ", "))
			}
			f.Statuses = append(f.Statuses, st)
		}
	}
	if f.Trigger != "" && !validOne(f.Trigger, run.Triggers) {
		return f, badRequest("query parameter trigger must be one of %s",
			strings.Join(run.Triggers, ", "))
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := c.QueryParam(p.name); v != "" {
			t, err := parseWhen(v)
			if err != nil {
				return f, badRequest("query parameter %s must be a date or an RFC 3339 time",
					p.name)
			}
			*p.dst = t
		}
	}
	return f, nil
}

func validOne(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// parseWhen reads a date (midnight UTC) or an RFC 3339 time.
func parseWhen(v string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, v)
}

func (s *Server) runGet(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	r, err := s.Runs.Run(c.Request().Context(), sc, runID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (s *Server) runLog(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	after, err := queryInt(c, "after", 0, 0, 1<<31-1)
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", 5000, 1, 5000)
	if err != nil {
		return err
	}
	lines, err := s.Runs.Logs(c.Request().Context(), sc, runID(c), after, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"data": lines})
}

func (s *Server) runCancel(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	r, err := s.Engine.Cancel(c.Request().Context(), sc, runID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (s *Server) runRetry(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	r, err := s.Runs.Retry(c.Request().Context(), sc, runID(c), sc.UserID())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, r)
}
