package web

import (
	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/campaign"
)

// campaignRef is where a request names its campaign: the :slug of console pages or the :id
// path parameter of campaign API routes; otherwise the X-Campaign-ID header, then ?campaign_id=, then the default campaign,
// so that clients written before campaigns existed keep working.
func campaignRef(c echo.Context) string {
	if slug := c.Param("slug"); slug != "" {
		return slug
	}
	if id := c.Param("id"); id != "" && c.Get(keyPathCampaign) == true {
		return id
	}
	if id := c.Request().Header.Get("X-Campaign-ID"); id != "" {
		return id
	}
	if id := c.QueryParam("campaign_id"); id != "" {
		return id
	}
	return campaign.DefaultID
}

// keyPathCampaign marks routes whose :id parameter is the campaign.
const keyPathCampaign = "path_campaign"

// pathCampaign is the middleware of /api/campaigns/:id/... routes.
func pathCampaign(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(keyPathCampaign, true)
		return next(c)
	}
}

// scope resolves the request's campaign and checks that the caller may see it. A campaign that
// does not exist and one the caller may not see both answer not found.
func (s *Server) scope(c echo.Context) (access.Scope, error) {
	if sc, ok := c.Get(keyScope).(access.Scope); ok {
		return sc, nil
	}
	p, ok := principal(c)
	if !ok {
		return access.Scope{}, errUnauthorized
	}
	id, role, err := s.Campaigns.Resolve(c.Request().Context(), campaignRef(c), p.UserID)
	if err != nil {
		return access.Scope{}, err
	}
	sc, err := access.Grant(p, id, role)
	if err != nil {
		return access.Scope{}, err
	}
	c.Set(keyScope, sc)
	return sc, nil
}
