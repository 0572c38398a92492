package legacy

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/audit"
	"github.com/clawops/clawops/internal/database"
)

// importMetrics brings the original's daily campaign metrics over. The recompute at the end
// of the import rebuilds their figures from the imported history; the original's own figures
// stay beside them in custom.legacyRollup.
func (r *run) importMetrics(ctx context.Context) error {
	return r.importTable(ctx, tableSpec{table: "campaign_metrics", target: "campaign_metrics",
		scope: r.campaignScope, write: r.writeMetricsDay})
}

func (r *run) writeMetricsDay(ctx context.Context, tx *database.Tx, rw row, sc *scope,
	is *issues) (string, string, error) {
	day, err := readTime(rw.get("date"))
	if err != nil || day == nil {
		is.add("date %q is not a day", rw.text("date"))
		return Skipped, "", nil
	}
	date := day.Format(time.DateOnly)
	figures := map[string]any{}
	for _, f := range metricsColumns {
		figures[f.name] = intField(rw, is, f.column, f.column)
	}
	figures["costUsd"] = floatField(rw, is, "cost_estimate", "cost_estimate", "cost_usd")
	custom := mergeObjects(jsonObject(rw.get("custom_metrics"), is, "custom_metrics"),
		mustJSON(map[string]any{"legacyRollup": figures}))
	outcome, err := r.saveMetricsDay(ctx, tx, sc.campaign.id, date, figures, custom)
	if err != nil {
		return "", "", err
	}
	r.touch(sc.campaign.id, day)
	return outcome, sc.campaign.id + "/" + date, nil
}

// metricsColumns are the original's daily counters and their names here.
var metricsColumns = []struct{ name, column string }{
	{"leadsGenerated", "leads_generated"}, {"leadsContacted", "leads_contacted"},
	{"emailsSent", "emails_sent"}, {"emailsOpened", "emails_opened"},
	{"repliesReceived", "replies_received"}, {"agentRuns", "agent_runs"},
	{"agentErrors", "agent_errors"},
}

// saveMetricsDay stores a day of the original's figures, or adds them to the custom figures
// of the day already here.
func (r *run) saveMetricsDay(ctx context.Context, tx *database.Tx, campaignID, date string,
	figures map[string]any, custom json.RawMessage) (string, error) {
	var cur string
	err := tx.QueryRowContext(ctx, `SELECT custom FROM campaign_metrics
		WHERE campaign_id = ? AND date = ?`, campaignID, date).Scan(&cur)
	if err == nil {
		_, err = tx.ExecContext(ctx, `UPDATE campaign_metrics SET custom = ?, updated_at = ?
			WHERE campaign_id = ? AND date = ?`, string(mergeObjects(json.RawMessage(cur),
			custom)), database.FormatTime(r.now), campaignID, date)
		if err != nil {
			return "", fmt.Errorf("update metrics %s %s: %w", campaignID, date, err)
		}
		return Merged, nil
	}
	if !database.IsNoRows(err) {
		return "", fmt.Errorf("metrics %s %s: %w", campaignID, date, err)
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO campaign_metrics (campaign_id, date, leads_generated, leads_contacted,
			emails_sent, emails_opened, replies_received, agent_runs, agent_errors, cost_usd,
			custom, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		campaignID, date, figures["leadsGenerated"], figures["leadsContacted"],
		figures["emailsSent"], figures["emailsOpened"], figures["repliesReceived"],
		figures["agentRuns"], figures["agentErrors"], figures["costUsd"], string(custom),
		database.FormatTime(r.now))
	if err != nil {
		return "", fmt.Errorf("insert metrics %s %s: %w", campaignID, date, err)
	}
	return Imported, nil
}

// importActivity brings each campaign's activity log over into its feed.
func (r *run) importActivity(ctx context.Context) error {
	return r.importTable(ctx, tableSpec{table: "campaign_activity_log",
		target: "campaign_activity", scope: r.campaignScope, write: r.writeActivity})
}

func (r *run) writeActivity(ctx context.Context, tx *database.Tx, rw row, sc *scope,
	is *issues) (string, string, error) {
	kind := rw.text("event_type")
	title := limit(clean(rw.text("title"), false), maxText, is, "title")
	if title == "" {
		title = strings.ReplaceAll(kind, "_", " ")
	}
	severity := oneOf(strings.ToLower(rw.text("severity")), []string{activity.Info,
		activity.Success, activity.Warning, activity.Error}, activity.Info, is, "severity")
	if rw.get("created_at") == nil {
		is.add("created_at: missing; the time of the import used")
	}
	created := stampField(rw, is, "created_at", r.now, "created_at")
	id, err := newID(ctx, tx, "campaign_activity", rw)
	if err != nil {
		return "", "", err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO campaign_activity (id, campaign_id, type, severity, title, detail,
			agent_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, sc.campaign.id, activityType(kind), severity, title,
		activityDetail(rw.get("detail")), r.activityAgent(rw.text("agent_id"), sc, is),
		database.FormatTime(created))
	if err != nil {
		return "", "", fmt.Errorf("insert activity %s: %w", id, err)
	}
	return Imported, id, nil
}

// activityTypes are the original's event types whose meaning has another name here; others
// become dotted, campaign_paused as campaign.paused.
var activityTypes = map[string]string{
	"agent_run":      "run.completed",
	"agent_error":    "run.failed",
	"lead_generated": "lead.created",
}

func activityType(kind string) string {
	if t, ok := activityTypes[kind]; ok {
		return t
	}
	if kind == "" {
		return "legacy.event"
	}
	return strings.Replace(strings.ToLower(kind), "_", ".", 1)
}

// activityDetail renders the original's JSON detail as the text a feed shows:
// "found: 23, inserted: 14". Text that is not a JSON object is kept as it is.
func activityDetail(v any) string {
	s := strings.TrimSpace(asText(v))
	m := decodeObject(s)
	if m == nil {
		return clean(s, true)
	}
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		val, ok := m[k].(string)
		if !ok {
			val = string(mustJSON(m[k]))
		}
		parts = append(parts, k+": "+val)
	}
	return clean(strings.Join(parts, ", "), true)
}

// activityAgent is the agent here that a feed entry's campaign agent became, when it is in
// the entry's campaign.
func (r *run) activityAgent(srcID string, sc *scope, is *issues) any {
	if srcID == "" {
		return nil
	}
	for _, refs := range []map[string]agentRef{r.campaignAgents, r.agents} {
		if ref, ok := refs[srcID]; ok && ref.campaignID == sc.campaign.id {
			return ref.id
		}
	}
	is.add("agent %s is not an agent of the entry's campaign; left out", srcID)
	return nil
}

// importAudit brings the original's audit log over. Its secrets were already redacted; the
// detail is redacted again by this system's rules.
func (r *run) importAudit(ctx context.Context) error {
	return r.importTable(ctx, tableSpec{table: "audit_log", target: "audit_log",
		write: r.writeAudit})
}

func (r *run) writeAudit(ctx context.Context, tx *database.Tx, rw row, _ *scope,
	is *issues) (string, string, error) {
	details := auditDetails(rw, is)
	method, path := auditRequest(rw.text("action"), details)
	status, _ := toInt(details["statusCode"])
	if rw.get("timestamp", "created_at") == nil {
		is.add("timestamp: missing; the time of the import used")
	}
	created := stampField(rw, is, "timestamp", r.now, "timestamp", "created_at")
	id, err := newID(ctx, tx, "audit_log", rw)
	if err != nil {
		return "", "", err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO audit_log (id, created_at, user_id, action, resource, campaign_id, method,
			path, status, outcome, ip, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, database.FormatTime(created), r.requester(rw.text("user_id"), is),
		limit(clean(rw.text("action"), false), maxText, is, "action"),
		limit(clean(rw.text("resource"), false), maxText, is, "resource"),
		r.pathCampaign(path), method, path, status,
		oneOf(strings.ToLower(rw.text("outcome")), []string{audit.Success, audit.Failure,
			audit.Denied}, audit.Failure, is, "outcome"),
		clean(rw.text("ip_address"), false), string(mustJSON(audit.Redact(details))))
	if err != nil {
		return "", "", fmt.Errorf("insert audit entry %s: %w", id, err)
	}
	return Imported, id, nil
}

// auditDetails reads the original's JSON details, marked as imported.
func auditDetails(rw row, is *issues) map[string]any {
	raw := rw.text("details")
	m := decodeObject(raw)
	if m == nil {
		m = map[string]any{}
		if raw != "" {
			is.add("details: broken JSON; kept as text under legacyText")
			m["legacyText"] = raw
		}
	}
	m["importedFrom"] = "legacy"
	return m
}

// auditRequest finds the method and path of an audited request: in the details, or in an
// action written "POST /api/campaigns".
func auditRequest(action string, details map[string]any) (method, path string) {
	method, _ = details["method"].(string)
	path, _ = details["path"].(string)
	if m, p, ok := strings.Cut(action, " "); ok && method == "" && strings.HasPrefix(p, "/") {
		method, path = m, p
	}
	return clean(method, false), clean(path, false)
}

// pathCampaign is the campaign here that a request path of the original names, if any.
func (r *run) pathCampaign(path string) any {
	rest, ok := strings.CutPrefix(path, "/api/campaigns/")
	if !ok {
		return nil
	}
	id, _, _ := strings.Cut(rest, "/")
	id, _, _ = strings.Cut(id, "?")
	if c, ok := r.campaigns[id]; ok {
		return c.id
	}
	return nil
}
