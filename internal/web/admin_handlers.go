package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/audit"
)

func (s *Server) auditList(c echo.Context) error {
	limit, err := pageLimit(c)
	if err != nil {
		return err
	}
	f := audit.Filter{
		UserID: c.QueryParam("userId"), CampaignID: c.QueryParam("campaignId"),
		Action: c.QueryParam("action"), Outcome: c.QueryParam("outcome"),
		Limit: limit, Cursor: c.QueryParam("cursor"),
	}
	if f.From, err = queryTime(c, "from"); err != nil {
		return err
	}
	if f.To, err = queryTime(c, "to"); err != nil {
		return err
	}
	items, next, err := s.Audit.Entries(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(items, next))
}

// queryTime reads an RFC 3339 time or a YYYY-MM-DD date (midnight UTC) from the query.
func queryTime(c echo.Context, name string) (*time.Time, error) {
	v := c.QueryParam(name)
	if v == "" {
		return nil, nil
	}
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(layout, v); err == nil {
			return &t, nil
		}
	}
	return nil, badRequest("query parameter %s must be an RFC 3339 time or YYYY-MM-DD", name)
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only when the database answers and every migration is applied. The
// migrations cannot change under a running server, so they are checked once.
func (s *Server) readyz(c echo.Context) error {
	ctx := c.Request().Context()
	if err := s.DB.R.PingContext(ctx); err != nil {
		return c.JSON(http.StatusServiceUnavailable,
			map[string]string{"status": "unavailable", "reason": "database unreachable"})
	}
	if pending, err := s.migrationsPending(); err != nil || pending {
		return c.JSON(http.StatusServiceUnavailable,
			map[string]string{"status": "unavailable", "reason": "migrations pending"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
