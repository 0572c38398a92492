package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/agent"
)

// agentID is the agent named by the route: :agentId on campaign routes, :id on legacy ones.
func agentID(c echo.Context) string {
	if id := c.Param("agentId"); id != "" {
		return id
	}
	return c.Param("id")
}

func (s *Server) agentList(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	agents, err := s.Agents.Agents(c.Request().Context(), sc)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(agents, ""))
}

func (s *Server) agentGet(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	a, err := s.Agents.Agent(c.Request().Context(), sc, agentID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

func (s *Server) agentAssign(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	var in agent.NewAgent
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, err := s.Agents.AssignAgent(c.Request().Context(), sc, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, a)
}

func (s *Server) agentUpdate(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	var in agent.AgentPatch
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, err := s.Agents.UpdateAgent(c.Request().Context(), sc, agentID(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

func (s *Server) agentRemove(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	if err := s.Agents.RemoveAgent(c.Request().Context(), sc, agentID(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) templateList(c echo.Context) error {
	ts, err := s.Agents.Templates(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(ts, ""))
}

func (s *Server) templateCreate(c echo.Context) error {
	var in agent.NewTemplate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := s.Agents.CreateTemplate(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, t)
}

func (s *Server) templateUpdate(c echo.Context) error {
	var in agent.TemplatePatch
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := s.Agents.UpdateTemplate(c.Request().Context(), c.Param("id"), in)
	if err != nil {
		return err
	}
	return s.templateWithUsage(c, t)
}

func (s *Server) templateGet(c echo.Context) error {
	t, err := s.Agents.Template(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return s.templateWithUsage(c, t)
}

// templateWithUsage answers a template with the campaigns whose agents it shapes.
func (s *Server) templateWithUsage(c echo.Context, t agent.Template) error {
	usage, err := s.Agents.TemplateUsage(c.Request().Context(), t.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		agent.Template
		Usage []agent.TemplateUsage `json:"usage"`
	}{t, usage})
}

func (s *Server) templateDelete(c echo.Context) error {
	if err := s.Agents.DeleteTemplate(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
