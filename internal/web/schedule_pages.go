package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/internal/run"
	"github.com/clawops/clawops/internal/schedule"
	"github.com/clawops/clawops/views/pages"
)

// previewFires is how many fire times the schedule pages show.
const previewFires = 5

func (s *Server) schedulesTable(c echo.Context, sc access.Scope,
	cur campaign.Campaign) (pages.SchedulesTable, error) {
	list, err := s.Schedules.Schedules(c.Request().Context(), sc)
	if err != nil {
		return pages.SchedulesTable{}, err
	}
	t := pages.SchedulesTable{Timezone: cur.Timezone, CSRFToken: csrfToken(c),
		RefreshURL: campaignBase(cur) + "/schedules",
		CanEdit:    sc.Role().AtLeast(access.RoleOperator)}
	now := time.Now()
	for _, sch := range list {
		t.Rows = append(t.Rows, scheduleRow(sch, cur, now))
	}
	return t, nil
}

func scheduleRow(sch schedule.Schedule, cur campaign.Campaign, now time.Time) pages.ScheduleRow {
	item := campaignBase(cur) + "/schedules/" + url.PathEscape(sch.ID)
	loc, err := time.LoadLocation(sch.EffectiveTimezone)
	if err != nil {
		loc = time.UTC
	}
	r := pages.ScheduleRow{ID: sch.ID, Name: sch.Name, Agent: sch.AgentName, Cron: sch.Cron,
		Description: schedule.Describe(sch.Cron), Timezone: sch.EffectiveTimezone,
		Enabled: sch.Enabled, Overdue: sch.Overdue(now), LastRun: localTime(sch.LastRunAt, loc),
		LastRunStatus: sch.LastRunStatus, Note: sch.Note, EditURL: templ.SafeURL(item),
		ToggleURL: templ.SafeURL(item + "/toggle"), RunURL: templ.SafeURL(item + "/run")}
	if sch.Enabled {
		from := now
		if sch.NextRunAt != nil && sch.NextRunAt.Before(now) {
			// An overdue fire is shown first, as the one still to come.
			from = sch.NextRunAt.Add(-time.Second)
		}
		times, _ := schedule.Preview(sch.Cron, sch.EffectiveTimezone, from, previewFires)
		for _, t := range times {
			r.Next = append(r.Next, t.In(loc).Format("Mon 2 Jan 15:04"))
		}
	}
	return r
}

func (s *Server) schedulesPage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	table, err := s.schedulesTable(c, sc, cur)
	if err != nil {
		return err
	}
	if readHTMX(c).Partial() {
		return s.render(c, http.StatusOK, pages.SchedulesTableFragment(table))
	}
	form, err := s.scheduleForm(c, sc, cur, nil)
	if err != nil {
		return err
	}
	return s.renderSchedules(c, http.StatusOK, cur, table, form)
}

func (s *Server) renderSchedules(c echo.Context, status int, cur campaign.Campaign,
	table pages.SchedulesTable, form pages.ScheduleForm) error {
	sh, err := s.shell(c, &cur, "schedules", "Schedules")
	if err != nil {
		return err
	}
	return s.render(c, status, pages.Schedules(pages.SchedulesPage{Shell: sh,
		Campaign: header(cur), Table: table, Form: form, CanEdit: table.CanEdit,
		CSRFToken: csrfToken(c)}))
}

// scheduleForm is the form for a new schedule (sch nil) or for editing sch.
func (s *Server) scheduleForm(c echo.Context, sc access.Scope, cur campaign.Campaign,
	sch *schedule.Schedule) (pages.ScheduleForm, error) {
	agents, err := s.Agents.Agents(c.Request().Context(), sc)
	if err != nil {
		return pages.ScheduleForm{}, err
	}
	base := campaignBase(cur) + "/schedules"
	f := pages.ScheduleForm{Action: templ.SafeURL(base), PreviewURL: base + "/preview",
		CSRFToken: csrfToken(c), Enabled: true, OverlapPolicy: schedule.OverlapSkip,
		CatchUpPolicy: schedule.CatchUpLatest,
		CatchUpCap:    strconv.Itoa(schedule.DefaultCatchUpCap)}
	for _, a := range agents {
		f.Agents = append(f.Agents, pages.Option{Value: a.ID, Label: a.Name})
	}
	if sch != nil {
		item := base + "/" + url.PathEscape(sch.ID)
		f.Action, f.Editing, f.DeleteURL = templ.SafeURL(item), true, templ.SafeURL(item+"/delete")
		f.AgentID, f.Name, f.Cron, f.Timezone = sch.AgentID, sch.Name, sch.Cron, sch.Timezone
		f.Message, f.Enabled = sch.Message, sch.Enabled
		f.OverlapPolicy, f.CatchUpPolicy = sch.OverlapPolicy, sch.CatchUpPolicy
		f.CatchUpCap = strconv.Itoa(sch.CatchUpCap)
	}
	f.Preview = cronPreview(f.Cron, f.Timezone, cur)
	return f, nil
}

// cronPreview describes a cron as typed, in its zone or else the campaign's.
func cronPreview(cron, tz string, cur campaign.Campaign) pages.CronPreview {
	if strings.TrimSpace(cron) == "" {
		return pages.CronPreview{}
	}
	zone := strings.TrimSpace(tz)
	if zone == "" {
		zone = cur.Timezone
	}
	times, err := schedule.Preview(cron, zone, time.Now(), previewFires)
	if err != nil {
		msg := "This schedule cannot be read."
		if fs, ok := derrors.AsFields(err); ok {
			for k, v := range fs {
				msg = "The " + k + " " + v + "."
			}
		}
		return pages.CronPreview{Error: msg}
	}
	loc, _ := time.LoadLocation(zone)
	p := pages.CronPreview{Description: schedule.Describe(cron), Timezone: zone}
	for _, t := range times {
		p.Next = append(p.Next, t.In(loc).Format("Mon 2 Jan 2006, 15:04"))
	}
	return p
}

// cronPreview answers the live preview of the schedule form.
func (s *Server) cronPreview(c echo.Context) error {
	_, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.CronPreviewFragment(
		cronPreview(c.QueryParam("cron"), c.QueryParam("timezone"), cur)))
}

// scheduleInput reads the schedule form.
func scheduleInput(c echo.Context) (schedule.Patch, derrors.Fields) {
	f := derrors.Fields{}
	str := func(name string) *string {
		v := c.FormValue(name)
		return &v
	}
	enabled := c.FormValue("enabled") == "true"
	p := schedule.Patch{AgentID: str("agentId"), Name: str("name"), Cron: str("cron"),
		Timezone: str("timezone"), Message: str("message"), Enabled: &enabled,
		OverlapPolicy: str("overlapPolicy"), CatchUpPolicy: str("catchUpPolicy")}
	if n, err := strconv.Atoi(strings.TrimSpace(c.FormValue("catchUpCap"))); err != nil {
		f.Add("catchUpCap", "must be a whole number")
	} else {
		p.CatchUpCap = &n
	}
	return p, f
}

func (s *Server) scheduleCreatePage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	p, fields := scheduleInput(c)
	if len(fields) == 0 {
		_, err = s.Schedules.CreateSchedule(c.Request().Context(), sc, schedule.NewSchedule{
			AgentID: *p.AgentID, Name: *p.Name, Cron: *p.Cron, Timezone: *p.Timezone,
			Message: *p.Message, Enabled: p.Enabled, OverlapPolicy: *p.OverlapPolicy,
			CatchUpPolicy: *p.CatchUpPolicy, CatchUpCap: *p.CatchUpCap})
		fields, err = splitFields(err)
		if err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		form, err := s.scheduleForm(c, sc, cur, nil)
		if err != nil {
			return err
		}
		refillSchedule(&form, p, cur)
		form.Errors = fields
		if readHTMX(c).Partial() {
			return s.render(c, http.StatusUnprocessableEntity, pages.ScheduleFormFragment(form))
		}
		table, err := s.schedulesTable(c, sc, cur)
		if err != nil {
			return err
		}
		return s.renderSchedules(c, http.StatusUnprocessableEntity, cur, table, form)
	}
	s.flash(c, "success", "The schedule was added.")
	return redirectAfter(c, campaignBase(cur)+"/schedules")
}

// splitFields separates a refusal naming fields from other errors.
func splitFields(err error) (derrors.Fields, error) {
	if fs, ok := derrors.AsFields(err); ok {
		return fs, nil
	}
	return nil, err
}

func refillSchedule(f *pages.ScheduleForm, p schedule.Patch, cur campaign.Campaign) {
	f.AgentID, f.Name, f.Cron = *p.AgentID, *p.Name, *p.Cron
	f.Timezone, f.Message, f.Enabled = *p.Timezone, *p.Message, *p.Enabled
	f.OverlapPolicy, f.CatchUpPolicy = *p.OverlapPolicy, *p.CatchUpPolicy
	if p.CatchUpCap != nil {
		f.CatchUpCap = strconv.Itoa(*p.CatchUpCap)
	}
	f.Preview = cronPreview(f.Cron, f.Timezone, cur)
}

func (s *Server) schedulePage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	sch, err := s.Schedules.Schedule(c.Request().Context(), sc, c.Param("id"))
	if err != nil {
		return err
	}
	form, err := s.scheduleForm(c, sc, cur, &sch)
	if err != nil {
		return err
	}
	return s.renderSchedule(c, http.StatusOK, sc, cur, sch, form)
}

func (s *Server) renderSchedule(c echo.Context, status int, sc access.Scope,
	cur campaign.Campaign, sch schedule.Schedule, form pages.ScheduleForm) error {
	runs, _, err := s.Runs.Runs(c.Request().Context(), sc, run.Filter{ScheduleID: sch.ID,
		Limit: 10})
	if err != nil {
		return err
	}
	sh, err := s.shell(c, &cur, "schedules", sch.Name)
	if err != nil {
		return err
	}
	vm := pages.SchedulePage{Shell: sh, Campaign: header(cur),
		Row: scheduleRow(sch, cur, time.Now()), Form: form,
		CanEdit: sc.Role().AtLeast(access.RoleOperator)}
	for _, r := range runs {
		vm.Runs = append(vm.Runs, runRow(r, campaignBase(cur), cur.Location()))
	}
	return s.render(c, status, pages.Schedule(vm))
}

func (s *Server) scheduleSavePage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	sch, err := s.Schedules.Schedule(ctx, sc, c.Param("id"))
	if err != nil {
		return err
	}
	p, fields := scheduleInput(c)
	if len(fields) == 0 {
		_, err = s.Schedules.UpdateSchedule(ctx, sc, sch.ID, p)
		if fields, err = splitFields(err); err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		form, err := s.scheduleForm(c, sc, cur, &sch)
		if err != nil {
			return err
		}
		refillSchedule(&form, p, cur)
		form.Errors = fields
		if readHTMX(c).Partial() {
			return s.render(c, http.StatusUnprocessableEntity, pages.ScheduleFormFragment(form))
		}
		return s.renderSchedule(c, http.StatusUnprocessableEntity, sc, cur, sch, form)
	}
	s.flash(c, "success", "The schedule was saved.")
	return redirectAfter(c, campaignBase(cur)+"/schedules")
}

// scheduleTogglePage switches a schedule on or off: the row for htmx, else back to the list.
func (s *Server) scheduleTogglePage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	enabled := c.FormValue("enabled") == "true"
	sch, err := s.Schedules.UpdateSchedule(c.Request().Context(), sc, c.Param("id"),
		schedule.Patch{Enabled: &enabled})
	if err != nil {
		return err
	}
	if readHTMX(c).Request {
		return s.render(c, http.StatusOK, pages.ScheduleRowFragment(
			scheduleRow(sch, cur, time.Now()), true, csrfToken(c)))
	}
	s.flash(c, "success", sch.Name+" is now "+strings.ToLower(onOff(enabled))+".")
	return c.Redirect(http.StatusSeeOther, campaignBase(cur)+"/schedules")
}

func onOff(on bool) string {
	if on {
		return "On"
	}
	return "Off"
}

func (s *Server) scheduleRunPage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	sch, err := s.Schedules.Schedule(ctx, sc, c.Param("id"))
	if err != nil {
		return err
	}
	r, _, err := s.Runs.CreateRun(ctx, sc, run.NewRun{AgentID: sch.AgentID,
		Message: sch.Message, Trigger: run.TriggerManual, ScheduleID: sch.ID}, sc.UserID())
	return s.afterRunStart(c, cur, r, err, "/schedules")
}

func (s *Server) scheduleDeletePage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		s.flash(c, "error", "Tick the box to confirm the deletion.")
		return redirectAfter(c, campaignBase(cur)+"/schedules/"+url.PathEscape(c.Param("id")))
	}
	if err := s.Schedules.DeleteSchedule(c.Request().Context(), sc, c.Param("id")); err != nil {
		return err
	}
	s.flash(c, "success", "The schedule was deleted.")
	return redirectAfter(c, campaignBase(cur)+"/schedules")
}
