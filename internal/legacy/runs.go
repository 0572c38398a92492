package legacy

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/clawops/clawops/internal/database"
)

// slugTable is a per-campaign table the original made: {slug}_runs, {slug}_leads and so on.
type slugTable struct {
	table string
	// campaign is the source id of the campaign whose slug names the table.
	campaign string
}

// slugTables lists the source's {slug}_kind tables of the campaigns brought over.
func (r *run) slugTables(kind string) []slugTable {
	var out []slugTable
	for _, c := range r.report.Campaigns {
		slug := r.slugs[c.SourceID]
		if slug == "" {
			continue
		}
		name := strings.ReplaceAll(slug, "-", "_") + "_" + kind
		if r.src.has(name) {
			out = append(out, slugTable{table: name, campaign: c.SourceID})
		}
	}
	return out
}

// importRuns brings the source's runs over, and those of each campaign's {slug}_runs table.
func (r *run) importRuns(ctx context.Context) error {
	err := r.importTable(ctx, tableSpec{table: "runs", target: "runs",
		scope: r.campaignScope, write: r.writeRun})
	if err != nil {
		return err
	}
	for _, st := range r.slugTables("runs") {
		err := r.importTable(ctx, tableSpec{table: st.table, target: "runs",
			scope: r.fixedScope(st.campaign), write: r.writeRun})
		if err != nil {
			return err
		}
	}
	return nil
}

// runRow is a run of the source made to fit this system's rules.
type runRow struct {
	agentID                    any
	agentName                  string
	trigger, status            string
	message, output, errorText string
	started, finished          *time.Time
	duration                   any
	tokens                     int64
	cost                       float64
	requestedBy                any
	created, updated           time.Time
}

func (r *run) writeRun(ctx context.Context, tx *database.Tx, rw row, sc *scope,
	is *issues) (string, string, error) {
	x, err := r.runFields(ctx, tx, rw, sc, is)
	if err != nil {
		return "", "", err
	}
	id, err := newID(ctx, tx, "runs", rw)
	if err != nil {
		return "", "", err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO runs (id, campaign_id, agent_id, agent_name, trigger, status, message,
			started_at, finished_at, duration_ms, tokens_used, cost_usd, output, error,
			requested_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, sc.campaign.id, x.agentID, x.agentName, x.trigger, x.status, x.message,
		database.NullableTime(x.started), database.NullableTime(x.finished), x.duration,
		x.tokens, x.cost, x.output, x.errorText, x.requestedBy,
		database.FormatTime(x.created), database.FormatTime(x.updated))
	if err != nil {
		return "", "", fmt.Errorf("insert run %s: %w", id, err)
	}
	// The rollup counts a run on the day it ended, or was created when its end is unknown.
	r.touch(sc.campaign.id, &x.created, x.finished)
	return Imported, id, nil
}

func (r *run) runFields(ctx context.Context, tx *database.Tx, rw row, sc *scope,
	is *issues) (runRow, error) {
	x := runRow{
		trigger:   runTrigger(rw.text("trigger"), is),
		errorText: clean(rw.text("error_msg", "error"), true),
		started:   timeField(rw, is, "started_at", "started_at"),
		finished:  timeField(rw, is, "completed_at", "completed_at", "finished_at"),
		tokens:    intField(rw, is, "tokens_used", "tokens_used"),
		cost:      floatField(rw, is, "cost_usd", "cost_usd"),
	}
	x.status = runStatus(rw.text("status"), &x.errorText, is)
	x.message, x.output = runResult(rw.get("result_data"), is)
	x.created = stampField(rw, is, "created_at", firstTime(r.now, x.started, x.finished),
		"created_at")
	x.updated = stampField(rw, is, "updated_at", firstTime(x.created, x.finished),
		"updated_at")
	x.duration = runDuration(rw, x.started, x.finished, is)
	if x.trigger != "scheduled" {
		x.requestedBy = r.requester(rw.text("user_id"), is)
	}
	err := r.runAgent(ctx, tx, rw, sc, &x, is)
	return x, err
}

// runAgent links the run to its agent here, or keeps the agent's name when there is none in
// the run's campaign.
func (r *run) runAgent(ctx context.Context, tx *database.Tx, rw row, sc *scope, x *runRow,
	is *issues) error {
	srcID := rw.text("agent_id")
	a, ok, err := r.agentFor(ctx, tx, srcID, "", sc.campaign.id)
	if err != nil {
		return err
	}
	if ok {
		x.agentID, x.agentName = a.id, a.name
		return nil
	}
	x.agentName = r.agentNames[srcID]
	switch {
	case srcID == "":
		is.add("no agent")
	case x.agentName == "":
		x.agentName = srcID
		is.add("agent %s does not exist in the source; kept by name only", srcID)
	default:
		is.add("agent %s (%s) is not an agent of the run's campaign; kept by name only", srcID,
			x.agentName)
	}
	return nil
}

// requester is the user here who started a run, when the source names one.
func (r *run) requester(userID string, is *issues) any {
	if userID == "" {
		return nil
	}
	if id, ok := r.users[userID]; ok {
		return id
	}
	is.add("user %s does not exist in the source; left out", userID)
	return nil
}

// runTrigger maps the original's triggers; a chat command was a person asking.
func runTrigger(v string, is *issues) string {
	switch v = strings.ToLower(v); v {
	case "manual", "scheduled", "api", "retry":
		return v
	case "", "chat-command", "chat":
		return "manual"
	case "webhook":
		return "api"
	}
	is.add("trigger %q is unknown; manual used", v)
	return "manual"
}

// runStatus maps the original's run statuses. A run still pending or running in a copy of the
// original will never finish here, so it is imported as cancelled, saying so in its error.
func runStatus(v string, errorText *string, is *issues) string {
	switch v = strings.ToLower(v); v {
	case "completed", "success", "succeeded", "done":
		return "completed"
	case "failed", "error":
		return "failed"
	case "cancelled", "canceled":
		return "cancelled"
	case "timeout", "timed_out":
		return "timeout"
	case "pending", "running", "queued":
		if *errorText == "" {
			*errorText = "Still " + v + " in the original console when it was imported."
		}
		is.add("status %q: imported as cancelled", v)
		return "cancelled"
	}
	is.add("status %q is unknown; imported as failed", v)
	return "failed"
}

// runResult reads the message and the output text from the original's result_data. Text that
// is not JSON is kept whole as the output.
func runResult(v any, is *issues) (message, output string) {
	raw := strings.TrimSpace(asText(v))
	if raw == "" {
		return "", ""
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		is.add("result_data: broken JSON; kept whole as the output")
		return "", clean(raw, true)
	}
	message, _ = m["message"].(string)
	output, _ = m["outputText"].(string)
	if output == "" && m["output"] != nil {
		if s, ok := m["output"].(string); ok {
			output = s
		} else {
			output = string(mustJSON(m["output"]))
		}
	}
	return clean(message, true), clean(output, true)
}

// runDuration is the stored duration, or the time between start and finish.
func runDuration(rw row, started, finished *time.Time, is *issues) any {
	if v := rw.get("duration_ms"); v != nil {
		if n, ok := toInt(v); ok && n >= 0 {
			return n
		}
		is.add("duration_ms: %q is not a duration; left empty", asText(v))
		return nil
	}
	if started != nil && finished != nil && !finished.Before(*started) {
		return finished.Sub(*started).Milliseconds()
	}
	return nil
}
