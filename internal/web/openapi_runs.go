package web

import "github.com/clawops/clawops/internal/run"

// runSchemas document runs and schedules.
func runSchemas() schema {
	rejected := obj(schema{"collection": str(), "index": integer(), "reason": str()},
		"collection", "index", "reason")
	counts := schema{"type": "object", "additionalProperties": integer()}
	schedule := schema{"agentId": str(), "name": str(),
		"cron": schema{"type": "string", "description": "five fields: minute hour " +
			"day-of-month month day-of-week, read in the timezone"},
		"timezone": schema{"type": "string", "description": "IANA zone; empty follows " +
			"the campaign's"},
		"message": str(), "enabled": boolean(), "overlapPolicy": strEnum("skip", "allow"),
		"catchUpPolicy": strEnum("skip", "latest", "all"), "catchUpCap": integer()}
	full := schema{"id": str(), "campaignId": str(), "agentName": str(),
		"effectiveTimezone": str(), "nextRunAt": nullable(dateTime()),
		"lastRunAt": nullable(dateTime()), "lastRunStatus": str(), "lastRunId": str(),
		"note": str(), "description": str(), "overdue": boolean(), "createdAt": dateTime(),
		"updatedAt": dateTime()}
	for k, v := range schedule {
		full[k] = v
	}
	return schema{
		"Run": obj(schema{"id": str(), "campaignId": str(), "agentId": nullable(str()),
			"agentName": str(), "scheduleId": nullable(str()),
			"trigger": strEnum(run.Triggers...), "status": strEnum(run.Statuses...),
			"message": str(), "fireAt": nullable(dateTime()),
			"startedAt": nullable(dateTime()), "finishedAt": nullable(dateTime()),
			"durationMs": nullable(integer()), "tokensUsed": integer(), "costUsd": number(),
			"output": str(), "error": str(), "recordsIngested": counts,
			"recordsSkipped": counts, "rejectedRecords": arrayOf(rejected),
			"metrics": counts, "requestedBy": nullable(str()), "retryOf": nullable(str()),
			"createdAt": dateTime(), "updatedAt": dateTime()}),
		"RunList": listSchema("Run"),
		"RunLog": obj(schema{"data": arrayOf(obj(schema{"seq": integer(), "line": str(),
			"at": dateTime()}, "seq", "line", "at"))}, "data"),
		"RunRequest": obj(schema{"message": str(),
			"idempotencyKey": schema{"type": "string", "description": "the same key " +
				"within 24 hours returns the same run"},
			"overrideBudget": schema{"type": "boolean", "description": "start even when " +
				"the campaign's budget is spent"}}),
		"Schedule":       obj(full),
		"ScheduleList":   listSchema("Schedule"),
		"ScheduleCreate": obj(schedule, "agentId", "cron"),
		"SchedulePatch":  obj(schedule),
		"TemplateWithUsage": schema{"allOf": []any{ref("Template"), obj(schema{
			"usage": arrayOf(obj(schema{"campaignId": str(), "campaignName": str(),
				"campaignSlug": str(), "agents": arrayOf(str())}))})},
			"description": "the template and, campaign by campaign, the agents made from " +
				"it: what a change to its defaults reaches"},
		"SchedulePreview": obj(schema{"cron": str(), "timezone": str(), "description": str(),
			"data": arrayOf(dateTime()), "local": arrayOf(str())}),
	}
}
