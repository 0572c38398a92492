package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// io describes an operation's request body schema and its success answer.
type opIO struct {
	request string // schema name of the JSON body, "" for none
	status  int
	answer  string // schema name of the success body, "" for none
}

// operations gives each route action its body and answer; the route table gives the rest.
var operations = map[string]opIO{
	"auth.login":         {"LoginRequest", 200, "LoginResponse"},
	"auth.logout":        {"", 204, ""},
	"auth.me":            {"", 200, "MeResponse"},
	"token.list":         {"", 200, "TokenList"},
	"token.create":       {"TokenRequest", 201, "TokenCreated"},
	"token.revoke":       {"", 204, ""},
	"campaign.list":      {"", 200, "CampaignList"},
	"campaign.create":    {"CampaignCreate", 201, "Campaign"},
	"campaign.overview":  {"", 200, "Overview"},
	"campaign.get":       {"", 200, "Campaign"},
	"campaign.update":    {"CampaignPatch", 200, "Campaign"},
	"campaign.archive":   {"", 200, "Campaign"},
	"campaign.restore":   {"", 200, "Campaign"},
	"campaign.duplicate": {"DuplicateRequest", 201, "Campaign"},
	"agent.list":         {"", 200, "AgentList"},
	"agent.get":          {"", 200, "Agent"},
	"agent.assign":       {"AgentAssign", 201, "Agent"},
	"agent.update":       {"AgentPatch", 200, "Agent"},
	"agent.remove":       {"", 204, ""},
	"metrics.get":        {"", 200, "MetricsResponse"},
	"metrics.recompute":  {"DateRange", 200, "MetricsResponse"},
	"activity.list":      {"", 200, "ActivityList"},
	"events.stream":      {"", 200, "EventStream"},
	"member.list":        {"", 200, "MemberList"},
	"member.add":         {"MemberRequest", 201, "Member"},
	"member.update":      {"MemberRoleRequest", 200, "Member"},
	"member.remove":      {"", 204, ""},
	"template.list":      {"", 200, "TemplateList"},
	"template.create":    {"TemplateCreate", 201, "Template"},
	"template.get":       {"", 200, "TemplateWithUsage"},
	"template.update":    {"TemplatePatch", 200, "TemplateWithUsage"},
	"template.delete":    {"", 204, ""},
	"user.list":          {"", 200, "UserList"},
	"user.create":        {"UserCreate", 201, "User"},
	"user.update":        {"UserPatch", 200, "User"},
	"user.disable":       {"", 204, ""},
	"audit.list":         {"", 200, "AuditList"},
	"openapi":            {"", 200, "OpenAPIDocument"},
	"import.get":         {"", 200, "Import"},
	"import.start":       {"ImportStart", 202, "Import"},
	"import.rejects":     {"", 200, "CSV"},
	"legacy.import":      {"LegacyImport", 200, "LegacyImportReport"},
}

var paramRE = regexp.MustCompile(`:([A-Za-z]+)`)

var (
	openAPIOnce sync.Once
	openAPIDoc  map[string]any
)

func (s *Server) openAPI(c echo.Context) error {
	openAPIOnce.Do(func() { openAPIDoc = s.OpenAPI() })
	return c.JSON(http.StatusOK, openAPIDoc)
}

// OpenAPI builds the API document from the route table, so that the two cannot drift.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]map[string]any{}
	ids := map[string]bool{}
	for _, r := range s.routes {
		p := paramRE.ReplaceAllString(r.path, "{$1}")
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		op := operation(r)
		// The same action on the legacy and the campaign path needs two operation ids.
		if id := op["operationId"].(string); ids[id] {
			op["operationId"] = id + ".campaign"
		}
		ids[op["operationId"].(string)] = true
		paths[p][strings.ToLower(r.method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "ClawOps API",
			"version": "1.0.0",
			"description": "Operations console for fleets of AI agents. Campaign routes take " +
				"the campaign from the path; legacy routes from X-Campaign-ID, ?campaign_id= " +
				"or the default campaign default-hoa-fl.",
		},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "clawops_session"},
			},
			"schemas": schemas(),
		},
	}
}

func operation(r route) map[string]any {
	io, tag := operations[r.action], strings.SplitN(r.action, ".", 2)[0]
	if r.doc.status != 0 {
		io = r.doc
	}
	if r.tag != "" {
		tag = r.tag
	}
	op := map[string]any{
		"operationId": r.action + "." + strings.ToLower(r.method),
		"summary":     r.summary,
		"tags":        []string{tag},
	}
	if r.public {
		op["security"] = []any{}
	} else {
		op["security"] = []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}}
	}
	var params []any
	for _, m := range paramRE.FindAllStringSubmatch(r.path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true,
			"schema": map[string]any{"type": "string"}})
	}
	if r.context {
		params = append(params,
			map[string]any{"name": "X-Campaign-ID", "in": "header",
				"schema": map[string]any{"type": "string"}},
			map[string]any{"name": "campaign_id", "in": "query",
				"schema": map[string]any{"type": "string"}})
	}
	params = append(params, r.query...)
	if r.method == "GET" && strings.HasSuffix(io.answer, "List") {
		params = append(params,
			map[string]any{"name": "limit", "in": "query",
				"schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 500, "default": 50}},
			map[string]any{"name": "cursor", "in": "query", "schema": map[string]any{"type": "string"}})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if io.request == "LegacyImport" {
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json":    map[string]any{"schema": ref("LegacyImportPath")},
			"multipart/form-data": map[string]any{"schema": ref("LegacyImportUpload")}}}
	} else if io.request == "CSVUpload" {
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"multipart/form-data": map[string]any{"schema": ref("CSVUpload")},
			"text/csv":            map[string]any{"schema": map[string]any{"type": "string"}}}}
	} else if io.request != "" {
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": ref(io.request)}}}
	}
	responses := map[string]any{}
	ok := map[string]any{"description": http.StatusText(io.status)}
	switch {
	case io.answer == "CSV":
		ok["content"] = map[string]any{"text/csv": map[string]any{
			"schema": map[string]any{"type": "string"}}}
	case io.answer == "EventStream":
		ok["content"] = map[string]any{"text/event-stream": map[string]any{
			"schema": map[string]any{"type": "string"}}}
	case io.answer != "":
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(io.answer)}}
	}
	responses[strconv.Itoa(io.status)] = ok
	for _, code := range []int{400, 401, 403, 404, 409, 413, 422, 429} {
		responses[strconv.Itoa(code)] = map[string]any{"description": http.StatusText(code),
			"content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
	}
	op["responses"] = responses
	return op
}

func ref(name string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + name}
}
