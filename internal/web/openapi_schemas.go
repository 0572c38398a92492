package web

type schema = map[string]any

func obj(props schema, required ...string) schema {
	s := schema{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func str() schema                { return schema{"type": "string"} }
func strEnum(v ...string) schema { return schema{"type": "string", "enum": v} }
func integer() schema            { return schema{"type": "integer"} }
func number() schema             { return schema{"type": "number"} }
func boolean() schema            { return schema{"type": "boolean"} }
func dateTime() schema           { return schema{"type": "string", "format": "date-time"} }
func nullable(s schema) schema   { return schema{"oneOf": []any{s, schema{"type": "null"}}} }
func arrayOf(s schema) schema    { return schema{"type": "array", "items": s} }
func anyObject() schema          { return schema{"type": "object"} }

func listSchema(item string) schema {
	return obj(schema{"data": arrayOf(ref(item)), "nextCursor": nullable(str())},
		"data", "nextCursor")
}

var campaignTypes = []string{"lead-gen", "marketing", "outreach", "content", "social", "trading",
	"other"}

func executorSchema() schema {
	return obj(schema{
		"type":           strEnum("command", "http", "openclaw"),
		"command":        arrayOf(str()),
		"url":            str(),
		"agentId":        str(),
		"timeoutSeconds": integer(),
	}, "type")
}

func schemas() schema {
	quiet := nullable(obj(schema{"start": str(), "end": str()}, "start", "end"))
	budget := nullable(obj(schema{"dailyUsd": nullable(number()),
		"monthlyUsd": nullable(number())}))
	budget["description"] = "limits on what runs cost per day and per month in the " +
		"campaign's time zone; at 80 % the feed is warned, at 100 % scheduled runs are " +
		"skipped and manual runs need overrideBudget"
	campaignInput := schema{
		"name": str(), "company": str(), "type": strEnum(campaignTypes...),
		"status": strEnum("active", "paused"), "color": schema{"type": "string",
			"pattern": "^#[0-9A-Fa-f]{6}$"}, "icon": str(), "description": str(),
		"timezone": str(), "quietHours": quiet, "budget": budget, "config": anyObject(),
	}
	patch := schema{}
	for k, v := range campaignInput {
		patch[k] = v
	}
	patch["id"] = schema{"description": "immutable: any value is refused with 422"}
	patch["slug"] = schema{"description": "immutable: any value is refused with 422"}
	summary := obj(schema{"id": str(), "slug": str(), "name": str(), "company": str(),
		"type": str(), "status": str(), "color": str(), "icon": str(), "agentCount": integer(),
		"scheduleCount": integer(), "leads7d": integer(), "leadsPrev7d": integer(),
		"runs7d": integer(), "failedRuns7d": integer(), "overdueSchedules": integer(),
		"emailsSent7d": integer(), "costUsd7d": number(), "lastActivityAt": nullable(dateTime()),
		"failingSchedules": integer(), "failureRate7d": number()})
	user := obj(schema{"id": str(), "email": str(), "name": str(),
		"role": strEnum("admin", "member"), "disabled": boolean(), "twoFactor": boolean(),
		"lastLoginAt": nullable(dateTime()), "createdAt": dateTime(), "updatedAt": dateTime()})
	brief := obj(schema{"id": str(), "email": str(), "name": str(), "role": str()})
	token := obj(schema{"id": str(), "userId": str(), "kind": strEnum("login", "api"),
		"name": str(), "campaignId": nullable(str()), "role": str(),
		"expiresAt": nullable(dateTime()), "lastUsedAt": nullable(dateTime()),
		"revokedAt": nullable(dateTime()), "createdAt": dateTime()})
	day := obj(schema{"date": schema{"type": "string", "format": "date"},
		"leadsGenerated": integer(), "leadsContacted": integer(), "emailsSent": integer(),
		"emailsOpened": integer(), "repliesReceived": integer(), "agentRuns": integer(),
		"agentErrors": integer(), "costUsd": number()})
	out := schema{
		"Error": obj(schema{"error": obj(schema{
			"code": strEnum("bad_request", "unauthorized", "forbidden", "not_found",
				"conflict", "payload_too_large", "validation_failed", "rate_limited",
				"internal", "method_not_allowed", "otp_required", "otp_enrolment_required"),
			"message": str(),
			"fields":  schema{"type": "object", "additionalProperties": str()},
		}, "code", "message")}, "error"),
		"LoginRequest": obj(schema{"email": str(), "password": str(), "otp": schema{
			"type": "string", "description": "for accounts with two-factor sign-in: the " +
				"current 6-digit code of the authenticator app, or an unused recovery code. " +
				"Without it such an account answers 401 with code otp_required; a wrong or " +
				"reused code answers 401 unauthorized. An admin who must turn two-factor " +
				"sign-in on and has not answers 403 otp_enrolment_required."}},
			"email", "password"),
		"LoginResponse": obj(schema{
			"token": obj(schema{"token": str(), "expiresAt": dateTime(), "expiresIn": integer()},
				"token", "expiresAt", "expiresIn"),
			"user": brief}, "token", "user"),
		"MeResponse": obj(schema{"user": brief}, "user"),
		"TokenRequest": obj(schema{"name": str(), "campaignId": str(),
			"role": strEnum("owner", "operator", "viewer"), "expiresAt": dateTime()}, "name"),
		"Token":          token,
		"TokenList":      listSchema("Token"),
		"TokenCreated":   obj(schema{"token": str(), "tokenInfo": ref("Token")}),
		"CampaignCreate": obj(campaignInput, "name", "company"),
		"CampaignPatch":  obj(patch),
		"Campaign": obj(schema{"id": str(), "name": str(), "company": str(), "slug": str(),
			"type": strEnum(campaignTypes...), "status": strEnum("active", "paused", "archived"),
			"color": str(), "icon": str(), "description": str(), "timezone": str(),
			"quietHours": quiet, "budget": budget, "config": anyObject(),
			"agentCount": integer(), "scheduleCount": integer(), "leadCount": integer(),
			"lastActivityAt": nullable(dateTime()), "createdAt": dateTime(),
			"updatedAt": dateTime(), "archivedAt": nullable(dateTime())}),
		"CampaignList": listSchema("Campaign"),
		"Overview": obj(schema{"totals": obj(schema{"campaigns": integer(),
			"activeCampaigns": integer(), "agents": integer(), "runs7d": integer(),
			"failedRuns7d": integer(), "leads7d": integer(), "emailsSent7d": integer(),
			"costUsd7d": number()}), "campaigns": arrayOf(summary)}),
		"DuplicateRequest": obj(schema{"name": str(), "company": str(),
			"include": arrayOf(strEnum("agents", "schedules", "config", "members"))}),
		"Executor": executorSchema(),
		"Agent": obj(schema{"id": str(), "campaignId": str(), "templateId": nullable(str()),
			"name": str(), "executor": ref("Executor"), "config": anyObject(),
			"effectiveConfig": anyObject(),
			"status":          strEnum("idle", "running", "paused", "error", "disabled"),
			"runCount":        integer(), "errorCount": integer(),
			"lastRunAt": nullable(dateTime()), "lastRunStatus": str(),
			"createdAt": dateTime(), "updatedAt": dateTime()}),
		"AgentList": listSchema("Agent"),
		"AgentAssign": obj(schema{"templateId": str(), "name": str(),
			"executor": ref("Executor"), "config": anyObject()}),
		"AgentPatch": obj(schema{"name": str(),
			"status":   strEnum("idle", "running", "paused", "error", "disabled"),
			"executor": ref("Executor"), "config": anyObject()}),
		"Template": obj(schema{"id": str(), "name": str(), "description": str(),
			"category": str(), "executor": ref("Executor"), "defaultConfig": anyObject(),
			"defaultSchedule": str(), "createdAt": dateTime(), "updatedAt": dateTime()}),
		"TemplateList": listSchema("Template"),
		"TemplateCreate": obj(schema{"id": str(), "name": str(), "description": str(),
			"category": str(), "executor": ref("Executor"), "defaultConfig": anyObject(),
			"defaultSchedule": str()}, "name", "executor"),
		"TemplatePatch": obj(schema{"name": str(), "description": str(), "category": str(),
			"executor": ref("Executor"), "defaultConfig": anyObject(),
			"defaultSchedule": str()}),
		"MetricsDay":      day,
		"MetricsResponse": obj(schema{"data": arrayOf(ref("MetricsDay"))}, "data"),
		"DateRange": obj(schema{"from": schema{"type": "string", "format": "date"},
			"to": schema{"type": "string", "format": "date"}}, "from", "to"),
		"ActivityEntry": obj(schema{"id": str(), "campaignId": str(), "type": str(),
			"severity": strEnum("info", "success", "warning", "error"), "title": str(),
			"detail": str(), "agentId": str(), "runId": str(), "userId": str(),
			"createdAt": dateTime()}),
		"ActivityList": listSchema("ActivityEntry"),
		"Member": obj(schema{"userId": str(), "email": str(), "name": str(),
			"role": strEnum("owner", "operator", "viewer"), "createdAt": dateTime(),
			"updatedAt": dateTime()}),
		"MemberList": listSchema("Member"),
		"MemberRequest": obj(schema{"userId": str(),
			"role": strEnum("owner", "operator", "viewer")}, "userId", "role"),
		"MemberRoleRequest": obj(schema{"role": strEnum("owner", "operator", "viewer")}, "role"),
		"User":              user,
		"UserList":          listSchema("User"),
		"UserCreate": obj(schema{"email": str(), "name": str(), "password": str(),
			"role": strEnum("admin", "member")}, "email", "password"),
		"UserPatch": obj(schema{"name": str(), "role": strEnum("admin", "member"),
			"password": str(), "disabled": boolean()}),
		"AuditEntry": obj(schema{"id": str(), "createdAt": dateTime(), "userId": str(),
			"tokenId": str(), "action": str(), "resource": str(), "campaignId": str(),
			"method": str(), "path": str(), "status": integer(),
			"outcome": strEnum("success", "failure", "denied"), "ip": str(),
			"requestId": str(), "detail": anyObject()}),
		"AuditList":       listSchema("AuditEntry"),
		"OpenAPIDocument": anyObject(),
	}
	for k, v := range dataSchemas() {
		out[k] = v
	}
	for k, v := range legacySchemas() {
		out[k] = v
	}
	for k, v := range runSchemas() {
		out[k] = v
	}
	return out
}

// legacySchemas describe the import of a database of the original console.
func legacySchemas() schema {
	counts := schema{"read": integer(), "imported": integer(), "merged": integer(),
		"existing": integer(), "skipped": integer()}
	with := func(extra schema) schema {
		out := schema{}
		for k, v := range counts {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return obj(out)
	}
	return schema{
		"LegacyImportPath": obj(schema{"path": schema{"type": "string",
			"description": "absolute path of the original console's database file on the " +
				"server's disk; it is opened read-only and never changed"}}, "path"),
		"LegacyImportUpload": obj(schema{"file": schema{
			"description": "the original console's database file; uploads are held to the " +
				"API's 1 MiB body limit for now, so import larger files by path",
			"type": "string", "contentMediaType": "application/vnd.sqlite3"}}, "file"),
		"LegacyImportReport": obj(schema{
			"source": str(), "installation": str(), "startedAt": dateTime(),
			"finishedAt": dateTime(),
			"campaigns": arrayOf(obj(schema{"sourceId": str(), "campaignId": str(),
				"slug": str(), "status": str(),
				"outcome": strEnum("imported", "merged", "existing")})),
			"tables": arrayOf(with(schema{"table": str(), "target": str(),
				"campaigns": arrayOf(with(schema{"sourceCampaignId": nullable(str()),
					"campaignId": str()})),
				"droppedColumns": arrayOf(str()), "note": str()})),
			"totals": with(schema{}),
			"problems": arrayOf(obj(schema{"table": str(), "sourceId": str(),
				"outcome": strEnum("imported", "merged", "skipped"), "message": str()})),
			"notes": arrayOf(str()),
			"metrics": arrayOf(obj(schema{"campaignId": str(),
				"from": schema{"type": "string", "format": "date"},
				"to":   schema{"type": "string", "format": "date"}})),
		}),
	}
}

// described adds a description to s.
func described(s schema, desc string) schema {
	s["description"] = desc
	return s
}
