package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/run"
	"github.com/clawops/clawops/internal/schedule"
)

// scheduleRoutes are the routes of schedules, on the legacy path (campaign from the context)
// and on the campaign path.
func (s *Server) scheduleRoutes() []route {
	var out []route
	for _, campaignPath := range []bool{false, true} {
		base, item := "/api/schedules", "/api/schedules/:id"
		if campaignPath {
			base, item = "/api/campaigns/:id/schedules", "/api/campaigns/:id/schedules/:scheduleId"
		}
		r := func(method, path, action, summary string, h echo.HandlerFunc, doc opIO,
			query ...any) route {
			return route{method: method, path: path, action: action, summary: summary,
				handler: h, campaign: campaignPath, context: !campaignPath, doc: doc,
				tag: "schedules", query: query}
		}
		out = append(out,
			r("GET", base, "schedule.list", "The campaign's schedules", s.scheduleList,
				opIO{"", 200, "ScheduleList"}),
			r("POST", base, "schedule.create", "Add a schedule", s.scheduleCreate,
				opIO{"ScheduleCreate", 201, "Schedule"}),
			r("GET", item, "schedule.get", "One schedule", s.scheduleGet,
				opIO{"", 200, "Schedule"}),
			r("PUT", item, "schedule.update", "Partially update a schedule",
				s.scheduleUpdate, opIO{"SchedulePatch", 200, "Schedule"}),
			r("DELETE", item, "schedule.delete", "Delete a schedule; its runs stay",
				s.scheduleDelete, opIO{"", 204, ""}),
			r("GET", item+"/preview", "schedule.preview", "The schedule's next fire times",
				s.schedulePreview, opIO{"", 200, "SchedulePreview"},
				queryParam("count", "how many fire times (5 by default, 100 at most)",
					integer())),
			r("POST", item+"/run", "schedule.run",
				"Fire the schedule now, as a manual run of its agent and task",
				s.scheduleRun, opIO{"RunRequest", 202, "Run"}),
		)
	}
	return out
}

// scheduleID is the schedule named by the route: :scheduleId on campaign routes, :id on
// legacy ones.
func scheduleID(c echo.Context) string {
	if id := c.Param("scheduleId"); id != "" {
		return id
	}
	return c.Param("id")
}

// scheduleView is a schedule as the API shows it, with its plain-language description and
// whether it is overdue.
type scheduleView struct {
	schedule.Schedule
	Description string `json:"description"`
	// Overdue is set when an enabled schedule should have fired more than five minutes ago.
	Overdue bool `json:"overdue"`
}

func viewSchedule(sch schedule.Schedule, now time.Time) scheduleView {
	return scheduleView{Schedule: sch, Description: schedule.Describe(sch.Cron),
		Overdue: sch.Overdue(now)}
}

func (s *Server) scheduleList(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	list, err := s.Schedules.Schedules(c.Request().Context(), sc)
	if err != nil {
		return err
	}
	now := time.Now()
	out := make([]scheduleView, len(list))
	for i, sch := range list {
		out[i] = viewSchedule(sch, now)
	}
	return c.JSON(http.StatusOK, listOf(out, ""))
}

func (s *Server) scheduleCreate(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	var in schedule.NewSchedule
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	sch, err := s.Schedules.CreateSchedule(c.Request().Context(), sc, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, viewSchedule(sch, time.Now()))
}

func (s *Server) scheduleGet(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	sch, err := s.Schedules.Schedule(c.Request().Context(), sc, scheduleID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewSchedule(sch, time.Now()))
}

func (s *Server) scheduleUpdate(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	var p schedule.Patch
	if err := decodeJSON(c, &p); err != nil {
		return err
	}
	sch, err := s.Schedules.UpdateSchedule(c.Request().Context(), sc, scheduleID(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewSchedule(sch, time.Now()))
}

func (s *Server) scheduleDelete(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	if err := s.Schedules.DeleteSchedule(c.Request().Context(), sc, scheduleID(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) schedulePreview(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	count, err := queryInt(c, "count", 5, 1, 100)
	if err != nil {
		return err
	}
	sch, err := s.Schedules.Schedule(c.Request().Context(), sc, scheduleID(c))
	if err != nil {
		return err
	}
	times, err := schedule.Preview(sch.Cron, sch.EffectiveTimezone, time.Now(), count)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, previewAnswer(sch.Cron, sch.EffectiveTimezone, times))
}

// previewAnswer lists fire times in UTC and in the schedule's zone.
func previewAnswer(cron, zone string, times []time.Time) map[string]any {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	local := make([]string, len(times))
	utc := make([]time.Time, len(times))
	for i, t := range times {
		utc[i] = t.UTC()
		local[i] = t.In(loc).Format("2006-01-02T15:04:05-07:00")
	}
	return map[string]any{"cron": cron, "timezone": zone,
		"description": schedule.Describe(cron), "data": utc, "local": local}
}

func (s *Server) scheduleRun(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
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
	sch, err := s.Schedules.Schedule(c.Request().Context(), sc, scheduleID(c))
	if err != nil {
		return err
	}
	msg := sch.Message
	if in.Message != "" {
		msg = in.Message
	}
	r, _, err := s.Runs.CreateRun(c.Request().Context(), sc, run.NewRun{AgentID: sch.AgentID,
		Message: msg, Trigger: run.TriggerManual, ScheduleID: sch.ID,
		IdempotencyKey: in.IdempotencyKey, OverrideBudget: in.OverrideBudget}, sc.UserID())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, r)
}
