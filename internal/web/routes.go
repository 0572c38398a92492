package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/clawops/clawops/static"
)

// route is one API endpoint: how it is reached, what it is called in the audit log and the API
// document, and who may call it.
type route struct {
	method  string
	path    string
	action  string
	summary string
	handler echo.HandlerFunc
	// public routes need no credentials; admin routes need a platform admin; campaign routes
	// take the campaign from their :id parameter.
	public, admin, campaign bool
	// context routes take the campaign from X-Campaign-ID, ?campaign_id= or the default.
	context bool
	// doc gives the route's body and answer in the API document when the operations table
	// has no entry for its action; tag groups it there.
	doc opIO
	tag string
	// query documents the route's query parameters beyond paging.
	query []any
}

// apiRoutes is every JSON route, in one place.
func (s *Server) apiRoutes() []route {
	return []route{
		{method: "POST", path: "/api/auth/login", action: "auth.login", public: true,
			summary: "Sign in with email, password and, with two-factor sign-in, otp; " +
				"answers a bearer token (401 otp_required when otp is missing)",
			handler: s.apiLogin},
		{method: "POST", path: "/api/auth/logout", action: "auth.logout",
			summary: "Revoke the presented token", handler: s.apiLogout},
		{method: "GET", path: "/api/auth/me", action: "auth.me",
			summary: "The signed-in user", handler: s.apiMe},

		{method: "GET", path: "/api/tokens", action: "token.list",
			summary: "The caller's API tokens; every person's for admins asking all=true",
			handler: s.tokenList, query: []any{queryParam("all",
				"true lists every person's API tokens (admins only)", boolean())}},
		{method: "POST", path: "/api/tokens", action: "token.create",
			summary: "Create an API token; its secret is shown once", handler: s.tokenCreate},
		{method: "DELETE", path: "/api/tokens/:id", action: "token.revoke",
			summary: "Revoke an API token", handler: s.tokenDelete},

		{method: "GET", path: "/api/campaigns", action: "campaign.list",
			summary: "Campaigns the caller can see", handler: s.campaignList},
		{method: "POST", path: "/api/campaigns", action: "campaign.create",
			summary: "Create a campaign", handler: s.campaignCreate},
		{method: "GET", path: "/api/campaigns/overview", action: "campaign.overview",
			summary: "Cross-campaign totals and one summary per campaign",
			handler: s.campaignOverview},
		{method: "GET", path: "/api/campaigns/:id", action: "campaign.get", campaign: true,
			summary: "One campaign, by id or slug", handler: s.campaignGet},
		{method: "PUT", path: "/api/campaigns/:id", action: "campaign.update", campaign: true,
			summary: "Partially update a campaign", handler: s.campaignUpdate},
		{method: "DELETE", path: "/api/campaigns/:id", action: "campaign.archive", campaign: true,
			summary: "Archive a campaign (soft delete)", handler: s.campaignArchive},
		{method: "POST", path: "/api/campaigns/:id/restore", action: "campaign.restore",
			campaign: true, summary: "Restore an archived campaign as paused",
			handler: s.campaignRestore},
		{method: "POST", path: "/api/campaigns/:id/duplicate", action: "campaign.duplicate",
			campaign: true, summary: "Copy a campaign's agents, schedules, config and members",
			handler: s.campaignDuplicate},

		{method: "GET", path: "/api/campaigns/:id/agents", action: "agent.list", campaign: true,
			summary: "The campaign's agents", handler: s.agentList},
		{method: "POST", path: "/api/campaigns/:id/agents", action: "agent.assign",
			campaign: true, summary: "Assign an agent, from a template or from scratch",
			handler: s.agentAssign},
		{method: "PUT", path: "/api/campaigns/:id/agents/:agentId", action: "agent.update",
			campaign: true, summary: "Update an agent", handler: s.agentUpdate},
		{method: "DELETE", path: "/api/campaigns/:id/agents/:agentId", action: "agent.remove",
			campaign: true, summary: "Remove an agent; its runs stay", handler: s.agentRemove},

		{method: "GET", path: "/api/campaigns/:id/metrics", action: "metrics.get",
			campaign: true, summary: "Daily metrics, one row per day", handler: s.metricsGet},
		{method: "POST", path: "/api/campaigns/:id/metrics/recompute",
			action: "metrics.recompute", campaign: true,
			summary: "Rebuild the daily metrics of a date range", handler: s.metricsRecompute},
		{method: "GET", path: "/api/campaigns/:id/activity", action: "activity.list",
			campaign: true, summary: "The campaign's activity feed, newest first",
			handler: s.activityList, query: activityQueryDoc()},
		{method: "GET", path: "/api/campaigns/:id/events", action: "events.stream",
			campaign: true, summary: "Server-Sent Events of the campaign",
			handler: s.campaignEvents},

		{method: "GET", path: "/api/campaigns/:id/members", action: "member.list",
			campaign: true, summary: "The campaign's members", handler: s.memberList},
		{method: "POST", path: "/api/campaigns/:id/members", action: "member.add",
			campaign: true, summary: "Add a member with a role", handler: s.memberAdd},
		{method: "PUT", path: "/api/campaigns/:id/members/:userId", action: "member.update",
			campaign: true, summary: "Change a member's role", handler: s.memberUpdate},
		{method: "DELETE", path: "/api/campaigns/:id/members/:userId", action: "member.remove",
			campaign: true, summary: "Remove a member", handler: s.memberRemove},

		{method: "GET", path: "/api/agent-templates", action: "template.list",
			summary: "The agent template catalog", handler: s.templateList},
		{method: "POST", path: "/api/agent-templates", action: "template.create", admin: true,
			summary: "Add a template", handler: s.templateCreate},
		{method: "GET", path: "/api/agent-templates/:id", action: "template.get",
			summary: "One template, with the campaigns whose agents were made from it",
			handler: s.templateGet, admin: true},
		{method: "PUT", path: "/api/agent-templates/:id", action: "template.update",
			admin: true, summary: "Update a template", handler: s.templateUpdate},
		{method: "DELETE", path: "/api/agent-templates/:id", action: "template.delete",
			admin: true, summary: "Delete a template", handler: s.templateDelete},
		{method: "GET", path: "/api/agents", action: "agent.list", context: true,
			summary: "The context campaign's agents", handler: s.agentList},
		{method: "GET", path: "/api/agents/:id", action: "agent.get", context: true,
			summary: "One agent of the context campaign", handler: s.agentGet},

		{method: "GET", path: "/api/users", action: "user.list", admin: true,
			summary: "Every user", handler: s.userList},
		{method: "POST", path: "/api/users", action: "user.create", admin: true,
			summary: "Create a user", handler: s.userCreate},
		{method: "PUT", path: "/api/users/:id", action: "user.update", admin: true,
			summary: "Update a user", handler: s.userUpdate},
		{method: "DELETE", path: "/api/users/:id", action: "user.disable", admin: true,
			summary: "Disable a user; their tokens stop working at once", handler: s.userDisable},
		{method: "GET", path: "/api/audit", action: "audit.list", admin: true,
			summary: "The audit log, newest first", handler: s.auditList},
		{method: "POST", path: "/api/import/legacy", action: "legacy.import", admin: true,
			summary: "Import a database of the original console; answers what came over",
			handler: s.legacyImport},

		{method: "GET", path: "/api/imports/:id", action: "import.get",
			summary: "A CSV import job and its progress", handler: s.importGet},
		{method: "POST", path: "/api/imports/:id/start", action: "import.start",
			summary: "Map the columns an import could not match and start it",
			handler: s.importStart},
		{method: "GET", path: "/api/imports/:id/rejected.csv", action: "import.rejects",
			summary: "The rows an import rejected, with line numbers and reasons",
			handler: s.importRejects},

		{method: "GET", path: "/api/openapi.json", action: "openapi", public: true,
			summary: "This API as an OpenAPI 3.1 document", handler: s.openAPI},
	}
}

// register installs the middleware and every route.
func (s *Server) register() {
	e := s.echo
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{
		Skipper: func(c echo.Context) bool { return c.Request().URL.Path == "/" },
	}))
	e.Use(s.secureHeaders)
	e.Use(middleware.RequestID())
	e.Use(s.logRequests)
	e.Use(middleware.Recover())
	// CSV uploads carry their own, larger limit.
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "1M",
		Skipper: isUpload}))
	e.Use(echo.WrapMiddleware(s.sessions.LoadAndSave))
	e.Use(s.authenticate)
	e.Use(s.longUploads)

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.StaticFS("/static", static.FS)
	e.GET("/favicon.ico", func(c echo.Context) error {
		return c.Redirect(http.StatusMovedPermanently, "/static/favicon.svg")
	})

	s.routes = slices.Concat(s.apiRoutes(), s.dataRoutes(), s.runRoutes(),
		s.scheduleRoutes())
	for _, r := range s.routes {
		var mws []echo.MiddlewareFunc
		if !r.public {
			mws = append(mws, requireAPIUser)
		}
		if r.admin {
			mws = append(mws, requireAdmin)
		}
		if r.campaign {
			mws = append(mws, pathCampaign)
		}
		// Login audits itself, outcome by outcome, including throttled attempts.
		if r.action != "auth.login" {
			mws = append(mws, s.auditChanges(r.action))
		}
		e.Add(r.method, r.path, r.handler, mws...)
	}

	// Per-route middleware rather than groups: an Echo group with middleware answers every
	// unknown path below it, which would turn 404s into sign-in redirects.
	csrf := middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "header:X-CSRF-Token,form:csrf_token",
		ContextKey:     csrfContextKey,
		CookieName:     "clawops_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   s.SecureCookies,
		CookieSameSite: http.SameSiteLaxMode,
	})
	e.GET("/login", s.loginPage, csrf)
	e.POST("/login", s.loginSubmit, csrf)
	e.POST("/login/code", s.loginCodeSubmit, csrf)
	e.POST("/logout", s.logout, csrf)

	page := func(method, path string, h echo.HandlerFunc, action string) {
		mws := []echo.MiddlewareFunc{csrf, requireSession}
		if action != "" {
			mws = append(mws, s.auditChanges(action))
		}
		if action != "" && strings.Contains(path, "/:slug") {
			mws = append(mws, s.requirePageRole(pageRole(action)))
		}
		e.Add(method, path, h, mws...)
	}
	page("GET", "/", s.overviewPage, "")
	page("POST", "/campaigns", s.campaignCreatePage, "campaign.create")
	page("GET", "/campaigns/slug", s.slugPreview, "")
	page("GET", "/campaigns/switch", s.switcherSearch, "")
	page("GET", "/c", s.lastCampaign, "")
	page("GET", "/c/:slug", s.campaignDashboard, "")
	page("GET", "/c/:slug/favicon.svg", s.campaignFavicon, "")
	page("GET", "/c/:slug/settings", s.settingsPage, "")
	page("POST", "/c/:slug/settings", s.settingsSave, "campaign.update")
	page("POST", "/c/:slug/archive", s.campaignArchivePage, "campaign.archive")
	page("POST", "/c/:slug/restore", s.campaignRestorePage, "campaign.restore")
	page("POST", "/c/:slug/duplicate", s.campaignDuplicatePage, "campaign.duplicate")
	s.registerOpsPages(page)
	s.registerDataPages(page)
	s.registerInsightPages(page)
	s.registerPeoplePages(page)
}
