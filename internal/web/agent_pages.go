package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/agent"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/internal/run"
	"github.com/clawops/clawops/views/pages"
)

// registerOpsPages adds the pages of agents, schedules and runs.
func (s *Server) registerOpsPages(page func(method, path string, h echo.HandlerFunc,
	action string)) {
	page("GET", "/c/:slug/agents", s.agentsPage, "")
	page("GET", "/c/:slug/agents/catalog", s.catalogSearch, "")
	page("POST", "/c/:slug/agents", s.agentAssignPage, "agent.assign")
	page("GET", "/c/:slug/agents/:id", s.agentPage, "")
	page("POST", "/c/:slug/agents/:id", s.agentSavePage, "agent.update")
	page("POST", "/c/:slug/agents/:id/run", s.agentRunPage, "agent.run")
	page("POST", "/c/:slug/agents/:id/remove", s.agentRemovePage, "agent.remove")

	page("GET", "/c/:slug/schedules", s.schedulesPage, "")
	page("GET", "/c/:slug/schedules/preview", s.cronPreview, "")
	page("POST", "/c/:slug/schedules", s.scheduleCreatePage, "schedule.create")
	page("GET", "/c/:slug/schedules/:id", s.schedulePage, "")
	page("POST", "/c/:slug/schedules/:id", s.scheduleSavePage, "schedule.update")
	page("POST", "/c/:slug/schedules/:id/toggle", s.scheduleTogglePage, "schedule.update")
	page("POST", "/c/:slug/schedules/:id/run", s.scheduleRunPage, "schedule.run")
	page("POST", "/c/:slug/schedules/:id/delete", s.scheduleDeletePage, "schedule.delete")

	page("GET", pages.TemplatesPath, requireAdminPage(s.templatesPage), "")
	page("GET", pages.TemplatesPath+"/:id", requireAdminPage(s.templatePage), "")
	page("POST", pages.TemplatesPath+"/:id", requireAdminPage(s.templateSavePage),
		"template.update")

	page("GET", "/c/:slug/runs", s.runsPage, "")
	page("GET", "/c/:slug/runs/:id", s.runPage, "")
	page("POST", "/c/:slug/runs/:id/cancel", s.runCancelPage, "run.cancel")
	page("POST", "/c/:slug/runs/:id/retry", s.runRetryPage, "run.retry")
}

func campaignBase(cur campaign.Campaign) string { return "/c/" + url.PathEscape(cur.Slug) }

// localTime writes an instant in the campaign's zone as a person reads it.
func localTime(t *time.Time, loc *time.Location) string {
	if t == nil {
		return "—"
	}
	return t.In(loc).Format("Mon 2 Jan 15:04")
}

func (s *Server) agentsTable(c echo.Context, sc access.Scope,
	cur campaign.Campaign) (pages.AgentsTable, error) {
	list, err := s.Agents.Agents(c.Request().Context(), sc)
	if err != nil {
		return pages.AgentsTable{}, err
	}
	base := campaignBase(cur)
	t := pages.AgentsTable{RefreshURL: base + "/agents", CSRFToken: csrfToken(c),
		CanEdit: sc.Role().AtLeast(access.RoleOperator)}
	loc := cur.Location()
	for _, a := range list {
		t.Rows = append(t.Rows, agentRow(a, base, loc))
	}
	return t, nil
}

func agentRow(a agent.Agent, base string, loc *time.Location) pages.AgentRow {
	item := base + "/agents/" + url.PathEscape(a.ID)
	tpl := a.TemplateName
	if tpl == "" {
		tpl = "no template"
	}
	return pages.AgentRow{ID: a.ID, Name: a.Name, Template: tpl, Executor: a.Executor.Type,
		Status: a.Status, Runs: a.RunCount, Errors: a.ErrorCount,
		LastRun: localTime(a.LastRunAt, loc), LastRunStatus: a.LastRunStatus,
		URL: templ.SafeURL(item), RunURL: templ.SafeURL(item + "/run")}
}

// catalog groups the templates matching q by category, counting the campaign's agents made
// from each.
func (s *Server) catalog(c echo.Context, sc access.Scope, q string) ([]pages.CatalogGroup,
	error) {
	ctx := c.Request().Context()
	tpls, err := s.Agents.Templates(ctx)
	if err != nil {
		return nil, err
	}
	agents, err := s.Agents.Agents(ctx, sc)
	if err != nil {
		return nil, err
	}
	assigned := map[string]int{}
	for _, a := range agents {
		assigned[a.TemplateID]++
	}
	words := strings.Fields(strings.ToLower(q))
	groups := map[string][]pages.CatalogTemplate{}
	for _, t := range tpls {
		text := strings.ToLower(t.Name + " " + t.Category + " " + t.Description)
		if slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(text, w) }) {
			continue
		}
		cat := t.Category
		if cat == "" {
			cat = "other"
		}
		groups[cat] = append(groups[cat], pages.CatalogTemplate{ID: t.ID, Name: t.Name,
			Description: t.Description, Executor: t.Executor.Type,
			Schedule: t.DefaultSchedule, Assigned: assigned[t.ID]})
	}
	var out []pages.CatalogGroup
	for _, cat := range slices.Sorted(maps.Keys(groups)) {
		out = append(out, pages.CatalogGroup{Category: cat, Templates: groups[cat]})
	}
	return out, nil
}

func (s *Server) agentsPage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	table, err := s.agentsTable(c, sc, cur)
	if err != nil {
		return err
	}
	if readHTMX(c).Partial() {
		return s.render(c, http.StatusOK, pages.AgentsTableFragment(table))
	}
	q := strings.TrimSpace(c.QueryParam("q"))
	groups, err := s.catalog(c, sc, q)
	if err != nil {
		return err
	}
	sh, err := s.shell(c, &cur, "agents", "Agents")
	if err != nil {
		return err
	}
	base := campaignBase(cur)
	return s.render(c, http.StatusOK, pages.Agents(pages.AgentsPage{Shell: sh,
		Campaign: header(cur), Table: table, Catalog: groups, Query: q,
		CanEdit: table.CanEdit, CSRFToken: csrfToken(c),
		AssignURL: templ.SafeURL(base + "/agents"), CatalogURL: base + "/agents/catalog"}))
}

// catalogSearch answers a search of the catalog: the list alone for htmx, else the page.
func (s *Server) catalogSearch(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	if !readHTMX(c).Partial() {
		return c.Redirect(http.StatusSeeOther, campaignBase(cur)+"/agents?q="+
			url.QueryEscape(c.QueryParam("q")))
	}
	groups, err := s.catalog(c, sc, c.QueryParam("q"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.CatalogFragment(groups,
		templ.SafeURL(campaignBase(cur)+"/agents"), csrfToken(c)))
}

func (s *Server) agentAssignPage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	a, err := s.Agents.AssignAgent(c.Request().Context(), sc, agent.NewAgent{
		TemplateID: c.FormValue("templateId"), Name: strings.TrimSpace(c.FormValue("name"))})
	if problem := formProblem(err); problem != "" {
		s.flash(c, "error", "The agent was not assigned: "+problem)
		return redirectAfter(c, campaignBase(cur)+"/agents")
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", a.Name+" was assigned.")
	return redirectAfter(c, campaignBase(cur)+"/agents/"+url.PathEscape(a.ID))
}

// formProblem says in a sentence why a change was refused, or "" when err is not a refusal a
// person can act on.
func formProblem(err error) string {
	if err == nil {
		return ""
	}
	if fs, ok := derrors.AsFields(err); ok {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(fs)) {
			parts = append(parts, k+" "+fs[k])
		}
		return strings.Join(parts, "; ") + "."
	}
	if errors.Is(err, derrors.Conflict) {
		return publicConflict(err)
	}
	return ""
}

func (s *Server) agentPage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	a, err := s.Agents.Agent(c.Request().Context(), sc, c.Param("id"))
	if err != nil {
		return err
	}
	return s.renderAgent(c, http.StatusOK, sc, cur, a, agentForm(c, cur, sc, a))
}

func agentForm(c echo.Context, cur campaign.Campaign, sc access.Scope,
	a agent.Agent) pages.AgentForm {
	exec, _ := json.MarshalIndent(a.Executor, "", "  ")
	return pages.AgentForm{
		Action:    templ.SafeURL(campaignBase(cur) + "/agents/" + url.PathEscape(a.ID)),
		CSRFToken: csrfToken(c), Name: a.Name, Status: a.Status,
		Statuses:      agent.SettableStatuses,
		MaxConcurrent: strconv.Itoa(a.MaxConcurrentRuns), Config: indentJSON(a.Config),
		Executor: string(exec), CanEdit: sc.Role().AtLeast(access.RoleOperator),
		CanSetExecutor: sc.PlatformAdmin(),
	}
}

func indentJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Indent(&b, raw, "", "  ") != nil {
		return string(raw)
	}
	return b.String()
}

func (s *Server) renderAgent(c echo.Context, status int, sc access.Scope,
	cur campaign.Campaign, a agent.Agent, form pages.AgentForm) error {
	ctx := c.Request().Context()
	runs, _, err := s.Runs.Runs(ctx, sc, run.Filter{AgentID: a.ID, Limit: 10})
	if err != nil {
		return err
	}
	sh, err := s.shell(c, &cur, "agents", a.Name)
	if err != nil {
		return err
	}
	base := campaignBase(cur)
	item := base + "/agents/" + url.PathEscape(a.ID)
	vm := pages.AgentPage{Shell: sh, Campaign: header(cur),
		Agent: agentRow(a, base, cur.Location()), Config: configRows(a),
		Effective: indentJSON(a.EffectiveConfig), Form: form,
		CanEdit: sc.Role().AtLeast(access.RoleOperator), CSRFToken: csrfToken(c),
		RunURL: templ.SafeURL(item + "/run"), RemoveURL: templ.SafeURL(item + "/remove"),
		RunsURL: templ.SafeURL(base + "/agents")}
	for _, r := range runs {
		vm.Runs = append(vm.Runs, runRow(r, base, cur.Location()))
	}
	return s.render(c, status, pages.Agent(vm))
}

// configRows sets the agent's settings beside its template's, key by key.
func configRows(a agent.Agent) []pages.ConfigRow {
	var defaults, overrides map[string]json.RawMessage
	json.Unmarshal(a.TemplateConfig, &defaults)
	json.Unmarshal(a.Config, &overrides)
	keys := map[string]bool{}
	for k := range defaults {
		keys[k] = true
	}
	for k := range overrides {
		keys[k] = true
	}
	var out []pages.ConfigRow
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		d, o := defaults[k], overrides[k]
		row := pages.ConfigRow{Key: k, Default: string(d), Override: string(o)}
		if row.Default == "" {
			row.Default = "—"
		}
		row.Overridden = o != nil && !bytes.Equal(d, o)
		out = append(out, row)
	}
	return out
}

// agentSavePage applies the agent form; refused fields come back with 422.
func (s *Server) agentSavePage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a, err := s.Agents.Agent(ctx, sc, c.Param("id"))
	if err != nil {
		return err
	}
	p, fields := agentPatch(c)
	var updated agent.Agent
	if len(fields) == 0 {
		updated, err = s.Agents.UpdateAgent(ctx, sc, a.ID, p)
		if fs, ok := derrors.AsFields(err); ok {
			fields, err = fs, nil
		}
		if errors.Is(err, agent.ErrNameTaken) {
			fields, err = derrors.Fields{"name": "is already the name of another agent"}, nil
		}
		if err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		form := agentForm(c, cur, sc, a)
		form.Name, form.Status = c.FormValue("name"), c.FormValue("status")
		form.MaxConcurrent = c.FormValue("maxConcurrentRuns")
		form.Config = c.FormValue("config")
		if form.CanSetExecutor {
			form.Executor = c.FormValue("executor")
		}
		form.Errors = fields
		if readHTMX(c).Partial() {
			return s.render(c, http.StatusUnprocessableEntity, pages.AgentFormFragment(form))
		}
		return s.renderAgent(c, http.StatusUnprocessableEntity, sc, cur, a, form)
	}
	s.flash(c, "success", "Changes to "+updated.Name+" saved.")
	return redirectAfter(c, campaignBase(cur)+"/agents/"+url.PathEscape(a.ID))
}

// agentPatch reads the agent form, with the problems of fields that are not even readable.
func agentPatch(c echo.Context) (agent.AgentPatch, derrors.Fields) {
	f := derrors.Fields{}
	name, status := strings.TrimSpace(c.FormValue("name")), c.FormValue("status")
	p := agent.AgentPatch{Name: &name, Status: &status}
	if n, err := strconv.Atoi(strings.TrimSpace(c.FormValue("maxConcurrentRuns"))); err != nil {
		f.Add("maxConcurrentRuns", "must be a whole number")
	} else {
		p.MaxConcurrentRuns = &n
	}
	if cfg := strings.TrimSpace(c.FormValue("config")); cfg != "" {
		p.Config = json.RawMessage(cfg)
		if !json.Valid(p.Config) {
			f.Add("config", "must be a JSON object")
		}
	}
	if raw := strings.TrimSpace(c.FormValue("executor")); raw != "" {
		var e agent.Executor
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			f.Add("executor", "must be a JSON object with type and its fields")
		} else {
			p.Executor = &e
		}
	}
	return p, f
}

// agentRunPage starts a run now and opens its page.
func (s *Server) agentRunPage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	r, _, err := s.Runs.CreateRun(c.Request().Context(), sc, run.NewRun{
		AgentID: c.Param("id"), Message: c.FormValue("message"), Trigger: run.TriggerManual,
		OverrideBudget: c.FormValue("overrideBudget") == "true"}, sc.UserID())
	return s.afterRunStart(c, cur, r, err, "/agents/"+url.PathEscape(c.Param("id")))
}

// afterRunStart opens a started run's page, or goes back to from with the reason it could
// not start.
func (s *Server) afterRunStart(c echo.Context, cur campaign.Campaign, r run.Run, err error,
	from string) error {
	if problem := formProblem(err); problem != "" {
		s.flash(c, "error", "The run did not start: "+problem)
		return redirectAfter(c, campaignBase(cur)+from)
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", fmt.Sprintf("%s is running.", r.AgentName))
	return redirectAfter(c, campaignBase(cur)+"/runs/"+url.PathEscape(r.ID))
}

func (s *Server) agentRemovePage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	item := "/agents/" + url.PathEscape(c.Param("id"))
	if c.FormValue("confirm") != "yes" {
		s.flash(c, "error", "Tick the box to confirm the removal.")
		return redirectAfter(c, campaignBase(cur)+item)
	}
	if err := s.Agents.RemoveAgent(c.Request().Context(), sc, c.Param("id")); err != nil {
		return err
	}
	s.flash(c, "success", "The agent was removed; its runs stay.")
	return redirectAfter(c, campaignBase(cur)+"/agents")
}
