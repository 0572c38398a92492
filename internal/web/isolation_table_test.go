package web_test

// The expected access of every route, written out by hand. The isolation test walks the
// router's own list of routes and fails on any route missing here, so that a new route cannot
// be added without saying who may call it.

// Access classes: who may call a route.
const (
	// clsPublic routes answer anyone, signed in or not.
	clsPublic = "public"
	// clsUser routes answer any signed-in caller, tokens bound to a campaign included.
	clsUser = "user"
	// clsUncapped routes answer people signed in without a token limited to a campaign or a
	// role: they act beyond one campaign.
	clsUncapped = "uncapped"
	// clsAdmin routes answer platform admins only.
	clsAdmin = "admin"
	// clsRead, clsOperate and clsOwn routes act in one campaign and need at least the viewer,
	// operator or owner role there; anyone who may not see the campaign gets 404.
	clsRead    = "read"
	clsOperate = "operate"
	clsOwn     = "own"
	// clsTokenOwner routes act on one API token: its owner and admins may, capped tokens get
	// 403 and anyone else 404.
	clsTokenOwner = "token-owner"
)

// routeCase is what the isolation test expects of one route.
type routeCase struct {
	class string
	// consumes marks routes that delete or disable the thing they name: every call that
	// succeeds gets a new one to act on.
	consumes bool
	// endsCredential marks sign-outs: they are called with a throwaway credential.
	endsCredential bool
	// archives marks routes that archive their campaign; the test restores it afterwards.
	archives bool
	// signsOutEverywhere marks routes that end every session and sign-in token of the
	// caller: a caller who got through signs in again.
	signsOutEverywhere bool
}

func rc(class string) routeCase { return routeCase{class: class} }

// isoCollection is one data collection, by its API path and console page, with the review
// steps it has and the body of a record that carries a campaign's sentinel.
type isoCollection struct {
	api, page string
	steps     []string
	record    func(sentinel, uniq string) map[string]any
}

var isoCollections = []isoCollection{
	{"leads", "leads", nil, func(s, u string) map[string]any {
		return map[string]any{"name": s + " harbor lead", "email": u + "@example.com",
			"notes": s}
	}},
	{"hoa-contacts", "contacts", nil, func(s, u string) map[string]any {
		return map[string]any{"hoaName": s + " harbor HOA", "city": u}
	}},
	{"content-queue", "content", []string{"approve", "reject", "posted"},
		func(s, u string) map[string]any {
			return map[string]any{"content": s + " harbor post " + u}
		}},
	{"engagement-queue", "engagement", []string{"approve", "reject", "posted"},
		func(s, u string) map[string]any {
			return map[string]any{"platform": "reddit", "postUrl": "https://example.com/" + u,
				"postTitle": s + " harbor thread"}
		}},
	{"community-accounts", "communities", nil, func(s, u string) map[string]any {
		return map[string]any{"platform": "reddit", "communityName": s + " harbor " + u}
	}},
	{"linkedin-prospects", "linkedin", nil, func(s, u string) map[string]any {
		return map[string]any{"linkedinUrl": "https://www.linkedin.com/in/" + u,
			"fullName": s + " harbor"}
	}},
	{"email-prospects", "prospects", nil, func(s, u string) map[string]any {
		return map[string]any{"email": u + "@example.com", "companyName": s + " harbor"}
	}},
	{"quora-questions", "quora", nil, func(s, u string) map[string]any {
		return map[string]any{"questionUrl": "https://www.quora.com/" + u,
			"questionText": s + " harbor question"}
	}},
	{"webinars", "webinars", nil, func(s, u string) map[string]any {
		return map[string]any{"title": s + " harbor webinar " + u}
	}},
	{"referral-partners", "partners", nil, func(s, u string) map[string]any {
		return map[string]any{"partnerName": s + " harbor " + u}
	}},
}

// isolationTable is every route the server must have, keyed "METHOD /path".
func isolationTable() map[string]routeCase {
	t := map[string]routeCase{
		"GET /healthz":          rc(clsPublic),
		"GET /readyz":           rc(clsPublic),
		"GET /static*":          rc(clsPublic),
		"GET /favicon.ico":      rc(clsPublic),
		"GET /api/openapi.json": rc(clsPublic),
		"POST /api/auth/login":  rc(clsPublic),
		"GET /login":            rc(clsPublic),
		"POST /login":           rc(clsPublic),

		"POST /api/auth/logout":  {class: clsUser, endsCredential: true},
		"POST /logout":           {class: clsPublic, endsCredential: true},
		"GET /api/auth/me":       rc(clsUser),
		"GET /api/tokens":        rc(clsUncapped),
		"POST /api/tokens":       rc(clsUncapped),
		"DELETE /api/tokens/:id": {class: clsTokenOwner, consumes: true},

		"GET /api/campaigns":                        rc(clsUser),
		"POST /api/campaigns":                       rc(clsUncapped),
		"GET /api/campaigns/overview":               rc(clsUser),
		"GET /api/campaigns/:id":                    rc(clsRead),
		"PUT /api/campaigns/:id":                    rc(clsOwn),
		"DELETE /api/campaigns/:id":                 {class: clsOwn, archives: true},
		"POST /api/campaigns/:id/restore":           rc(clsOwn),
		"POST /api/campaigns/:id/duplicate":         rc(clsOwn),
		"GET /api/campaigns/:id/metrics":            rc(clsRead),
		"POST /api/campaigns/:id/metrics/recompute": rc(clsOperate),
		"GET /api/campaigns/:id/activity":           rc(clsRead),
		"GET /api/campaigns/:id/events":             rc(clsRead),

		"GET /api/campaigns/:id/agents":               rc(clsRead),
		"POST /api/campaigns/:id/agents":              rc(clsOperate),
		"PUT /api/campaigns/:id/agents/:agentId":      rc(clsOperate),
		"DELETE /api/campaigns/:id/agents/:agentId":   {class: clsOperate, consumes: true},
		"POST /api/campaigns/:id/agents/:agentId/run": rc(clsOperate),
		"GET /api/agents":                             rc(clsRead),
		"GET /api/agents/:id":                         rc(clsRead),
		"POST /api/agents/:id/run":                    rc(clsOperate),
		"GET /api/campaigns/:id/members":              rc(clsRead),
		"POST /api/campaigns/:id/members":             rc(clsOwn),
		"PUT /api/campaigns/:id/members/:userId":      rc(clsOwn),
		"DELETE /api/campaigns/:id/members/:userId":   {class: clsOwn, consumes: true},

		"GET /api/agent-templates":        rc(clsUser),
		"POST /api/agent-templates":       rc(clsAdmin),
		"GET /api/agent-templates/:id":    rc(clsAdmin),
		"PUT /api/agent-templates/:id":    rc(clsAdmin),
		"DELETE /api/agent-templates/:id": {class: clsAdmin, consumes: true},
		"GET /api/users":                  rc(clsAdmin),
		"POST /api/users":                 rc(clsAdmin),
		"PUT /api/users/:id":              rc(clsAdmin),
		"DELETE /api/users/:id":           {class: clsAdmin, consumes: true},
		"GET /api/audit":                  rc(clsAdmin),
		"POST /api/import/legacy":         rc(clsAdmin),

		"GET /api/imports/:id":              rc(clsRead),
		"POST /api/imports/:id/start":       rc(clsOperate),
		"GET /api/imports/:id/rejected.csv": rc(clsRead),

		"GET /":                 rc(clsUser),
		"POST /campaigns":       rc(clsUncapped),
		"GET /campaigns/slug":   rc(clsUser),
		"GET /campaigns/switch": rc(clsUser),
		"GET /c":                rc(clsUser),

		"GET /c/:slug":                       rc(clsRead),
		"GET /c/:slug/favicon.svg":           rc(clsRead),
		"GET /c/:slug/settings":              rc(clsRead),
		"POST /c/:slug/settings":             rc(clsOwn),
		"POST /c/:slug/archive":              {class: clsOwn, archives: true},
		"POST /c/:slug/restore":              rc(clsOwn),
		"POST /c/:slug/duplicate":            rc(clsOwn),
		"GET /c/:slug/agents":                rc(clsRead),
		"GET /c/:slug/agents/catalog":        rc(clsRead),
		"POST /c/:slug/agents":               rc(clsOperate),
		"GET /c/:slug/agents/:id":            rc(clsRead),
		"POST /c/:slug/agents/:id":           rc(clsOperate),
		"POST /c/:slug/agents/:id/run":       rc(clsOperate),
		"POST /c/:slug/agents/:id/remove":    {class: clsOperate, consumes: true},
		"GET /c/:slug/schedules":             rc(clsRead),
		"GET /c/:slug/schedules/preview":     rc(clsRead),
		"POST /c/:slug/schedules":            rc(clsOperate),
		"GET /c/:slug/schedules/:id":         rc(clsRead),
		"POST /c/:slug/schedules/:id":        rc(clsOperate),
		"POST /c/:slug/schedules/:id/toggle": rc(clsOperate),
		"POST /c/:slug/schedules/:id/run":    rc(clsOperate),
		"POST /c/:slug/schedules/:id/delete": {class: clsOperate, consumes: true},
		"GET /c/:slug/runs":                  rc(clsRead),
		"GET /c/:slug/runs/:id":              rc(clsRead),
		"POST /c/:slug/runs/:id/cancel":      rc(clsOperate),
		"POST /c/:slug/runs/:id/retry":       rc(clsOperate),
		"GET /c/:slug/metrics":               rc(clsRead),
		"GET /c/:slug/metrics/export.csv":    rc(clsRead),
		"GET /c/:slug/activity":              rc(clsRead),

		"GET /admin/templates":        rc(clsAdmin),
		"GET /admin/templates/:id":    rc(clsAdmin),
		"POST /admin/templates/:id":   rc(clsAdmin),
		"GET /admin/audit":            rc(clsAdmin),
		"GET /admin/audit/export.csv": rc(clsAdmin),

		"POST /login/code":                       rc(clsPublic),
		"GET /admin/users":                       rc(clsAdmin),
		"POST /admin/users":                      rc(clsAdmin),
		"GET /admin/users/:id":                   rc(clsAdmin),
		"POST /admin/users/:id":                  rc(clsAdmin),
		"POST /admin/users/:id/disable":          {class: clsAdmin, consumes: true},
		"POST /admin/users/:id/enable":           rc(clsAdmin),
		"POST /admin/users/:id/two-factor/reset": rc(clsAdmin),
		"POST /admin/settings/two-factor":        rc(clsAdmin),
		"GET /admin/tokens":                      rc(clsAdmin),
		"POST /admin/tokens":                     rc(clsAdmin),
		"POST /admin/tokens/:id/revoke":          {class: clsAdmin, consumes: true},
		"GET /account":                           rc(clsUncapped),
		"POST /account/password":                 rc(clsUncapped),
		"POST /account/sessions/end":             rc(clsUncapped),
		"POST /account/sessions/end-all": {class: clsUncapped,
			signsOutEverywhere: true},
		"POST /account/two-factor/start":          rc(clsUncapped),
		"POST /account/two-factor/confirm":        rc(clsUncapped),
		"POST /account/two-factor/disable":        rc(clsUncapped),
		"POST /account/two-factor/recovery-codes": rc(clsUncapped),
		"GET /account/tokens":                     rc(clsUncapped),
		"POST /account/tokens":                    rc(clsUncapped),
		"POST /account/tokens/:id/revoke":         {class: clsTokenOwner, consumes: true},
		"POST /c/:slug/members":                   rc(clsOwn),
		"POST /c/:slug/members/:userId":           rc(clsOwn),
		"POST /c/:slug/members/:userId/remove":    {class: clsOwn, consumes: true},
	}
	// Runs and schedules answer on the legacy paths, in the context campaign, and under the
	// campaign's own path.
	for _, p := range []struct{ base, run, sched string }{
		{"/api", "/api/runs/:id", "/api/schedules/:id"},
		{"/api/campaigns/:id", "/api/campaigns/:id/runs/:runId",
			"/api/campaigns/:id/schedules/:scheduleId"},
	} {
		t["GET "+p.base+"/runs"] = rc(clsRead)
		t["GET "+p.run] = rc(clsRead)
		t["GET "+p.run+"/log"] = rc(clsRead)
		t["POST "+p.run+"/cancel"] = rc(clsOperate)
		t["POST "+p.run+"/retry"] = rc(clsOperate)
		t["GET "+p.base+"/schedules"] = rc(clsRead)
		t["POST "+p.base+"/schedules"] = rc(clsOperate)
		t["GET "+p.sched] = rc(clsRead)
		t["PUT "+p.sched] = rc(clsOperate)
		t["DELETE "+p.sched] = routeCase{class: clsOperate, consumes: true}
		t["GET "+p.sched+"/preview"] = rc(clsRead)
		t["POST "+p.sched+"/run"] = rc(clsOperate)
	}
	for _, col := range isoCollections {
		for _, p := range []struct{ base, item string }{
			{"/api/" + col.api, "/api/" + col.api + "/:id"},
			{"/api/campaigns/:id/" + col.api, "/api/campaigns/:id/" + col.api + "/:recordId"},
		} {
			t["GET "+p.base] = rc(clsRead)
			t["POST "+p.base] = rc(clsOperate)
			t["POST "+p.base+"/bulk"] = rc(clsOperate)
			t["GET "+p.base+"/export.csv"] = rc(clsRead)
			t["POST "+p.base+"/import.csv"] = rc(clsOperate)
			t["GET "+p.item] = rc(clsRead)
			t["PUT "+p.item] = rc(clsOperate)
			t["DELETE "+p.item] = routeCase{class: clsOperate, consumes: true}
			for _, step := range col.steps {
				t["POST "+p.item+"/"+step] = rc(clsOperate)
			}
		}
		base := "/c/:slug/" + col.page
		t["GET "+base] = rc(clsRead)
		t["GET "+base+"/new"] = rc(clsOperate)
		t["POST "+base] = rc(clsOperate)
		t["POST "+base+"/bulk"] = rc(clsOperate)
		t["GET "+base+"/:id"] = rc(clsRead)
		t["POST "+base+"/:id"] = rc(clsOperate)
		t["POST "+base+"/:id/delete"] = routeCase{class: clsOperate, consumes: true}
		for _, step := range col.steps {
			t["POST "+base+"/:id/"+step] = rc(clsOperate)
		}
		t["GET "+base+"/import"] = rc(clsOperate)
		t["POST "+base+"/import"] = rc(clsOperate)
		t["GET "+base+"/import/:id"] = rc(clsRead)
		t["POST "+base+"/import/:id"] = rc(clsOperate)
		t["GET "+base+"/import/:id/rejected.csv"] = rc(clsRead)
	}
	return t
}
