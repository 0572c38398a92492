package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/agent"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/views/pages"
)

// templatesPage lists the catalog with how many agents each template has made.
func (s *Server) templatesPage(c echo.Context) error {
	ctx := c.Request().Context()
	tpls, err := s.Agents.Templates(ctx)
	if err != nil {
		return err
	}
	vm := pages.TemplatesPage{}
	for _, t := range tpls {
		usage, err := s.Agents.TemplateUsage(ctx, t.ID)
		if err != nil {
			return err
		}
		n := 0
		for _, u := range usage {
			n += len(u.Agents)
		}
		vm.Rows = append(vm.Rows, pages.TemplateRow{Name: t.Name, Category: t.Category,
			Executor: t.Executor.Type, Agents: n,
			URL: templ.SafeURL(pages.TemplatesPath + "/" + url.PathEscape(t.ID))})
	}
	if vm.Shell, err = s.shell(c, nil, "", "Agent templates"); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Templates(vm))
}

func templateForm(c echo.Context, t agent.Template) pages.TemplateForm {
	exec, _ := json.MarshalIndent(t.Executor, "", "  ")
	return pages.TemplateForm{
		Action:    templ.SafeURL(pages.TemplatesPath + "/" + url.PathEscape(t.ID)),
		CSRFToken: csrfToken(c), Name: t.Name, Category: t.Category,
		Description: t.Description, Schedule: t.DefaultSchedule,
		Config: indentJSON(t.DefaultConfig), Executor: string(exec)}
}

func (s *Server) templatePage(c echo.Context) error {
	t, err := s.Agents.Template(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return s.renderTemplate(c, http.StatusOK, t, templateForm(c, t))
}

func (s *Server) renderTemplate(c echo.Context, status int, t agent.Template,
	form pages.TemplateForm) error {
	usage, err := s.Agents.TemplateUsage(c.Request().Context(), t.ID)
	if err != nil {
		return err
	}
	vm := pages.TemplatePage{Form: form}
	agents := 0
	for _, u := range usage {
		agents += len(u.Agents)
		vm.Usage = append(vm.Usage, pages.TemplateUse{Campaign: u.CampaignName,
			Agents: strings.Join(u.Agents, ", "),
			URL:    templ.SafeURL("/c/" + url.PathEscape(u.CampaignSlug) + "/agents")})
	}
	vm.UsageTitle = "No agent is made from this template yet."
	if agents > 0 {
		vm.UsageTitle = fmt.Sprintf("A change reaches %s in %s:",
			plural(agents, "agent"), plural(len(usage), "campaign"))
	}
	if vm.Shell, err = s.shell(c, nil, "", t.Name); err != nil {
		return err
	}
	return s.render(c, status, pages.Template(vm))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// templateSavePage applies the template form; refused fields come back with 422.
func (s *Server) templateSavePage(c echo.Context) error {
	ctx := c.Request().Context()
	t, err := s.Agents.Template(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	fields := derrors.Fields{}
	str := func(name string) *string {
		v := strings.TrimSpace(c.FormValue(name))
		return &v
	}
	p := agent.TemplatePatch{Name: str("name"), Category: str("category"),
		Description: str("description"), DefaultSchedule: str("defaultSchedule")}
	if raw := strings.TrimSpace(c.FormValue("defaultConfig")); raw != "" {
		if p.DefaultConfig = json.RawMessage(raw); !json.Valid(p.DefaultConfig) {
			fields.Add("defaultConfig", "must be a JSON object")
		}
	}
	var e agent.Executor
	dec := json.NewDecoder(strings.NewReader(c.FormValue("executor")))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		fields.Add("executor", "must be a JSON object with type and its fields")
	} else {
		p.Executor = &e
	}
	if len(fields) == 0 {
		_, err = s.Agents.UpdateTemplate(ctx, t.ID, p)
		if fields, err = splitFields(err); err != nil {
			if problem := formProblem(err); problem != "" {
				fields = derrors.Fields{"name": problem}
			} else {
				return err
			}
		}
	}
	if len(fields) > 0 {
		form := templateForm(c, t)
		form.Name, form.Category = c.FormValue("name"), c.FormValue("category")
		form.Description, form.Schedule = c.FormValue("description"), c.FormValue("defaultSchedule")
		form.Config, form.Executor = c.FormValue("defaultConfig"), c.FormValue("executor")
		form.Errors = fields
		return s.renderTemplate(c, http.StatusUnprocessableEntity, t, form)
	}
	s.flash(c, "success", "The template was saved.")
	return redirectAfter(c, pages.TemplatesPath+"/"+url.PathEscape(t.ID))
}
