package legacy

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/clawops/clawops/internal/agent"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/database"
)

// maxAgentName is the longest agent name, as the agent package keeps it.
const maxAgentName = 100

// agentRow is an agent of the source, from its agents or campaign_agents table.
type agentRow struct {
	name string
	// openclaw is the agent's id in the openclaw runtime.
	openclaw         string
	status           string
	config           json.RawMessage
	runs, errors     int64
	lastRun          *time.Time
	created, updated time.Time
}

// importAgents brings the source's agents over. An agent of the same name in the same
// campaign here, such as the HOA fleet that first start creates, is updated instead of
// duplicated.
func (r *run) importAgents(ctx context.Context) error {
	if r.src.has("agents") {
		err := r.src.each(ctx, "agents", map[string]bool{}, func(rw row) error {
			r.agentNames[rw.id()] = rw.text("name")
			return nil
		})
		if err != nil {
			return err
		}
	}
	return r.importTable(ctx, tableSpec{table: "agents", target: "agents",
		scope: r.campaignScope, known: r.knownAgent(r.agents),
		write: func(ctx context.Context, tx *database.Tx, rw row, sc *scope,
			is *issues) (string, string, error) {
			return r.saveAgent(ctx, tx, rw, sc, r.agentFields(rw, is), r.agents, is)
		}})
}

// importCampaignAgents brings over the original's per-campaign agent assignments. Each is
// the agent of its type (its openclaw agent) in its campaign: merged into the agent of that
// name when there is one, created otherwise.
func (r *run) importCampaignAgents(ctx context.Context) error {
	return r.importTable(ctx, tableSpec{table: "campaign_agents", target: "agents",
		scope: r.campaignScope, known: r.knownAgent(r.campaignAgents),
		write: func(ctx context.Context, tx *database.Tx, rw row, sc *scope,
			is *issues) (string, string, error) {
			a := r.campaignAgentFields(rw, is)
			return r.saveAgent(ctx, tx, rw, sc, a, r.campaignAgents, is)
		}})
}

// knownAgent maps an agent an earlier import brought over, unless it was removed since.
func (r *run) knownAgent(refs map[string]agentRef) func(context.Context, *database.Tx, row,
	*scope, string) error {
	return func(ctx context.Context, tx *database.Tx, rw row, _ *scope, id string) error {
		ref := agentRef{id: id}
		err := tx.QueryRowContext(ctx, `SELECT campaign_id, name FROM agents WHERE id = ?`,
			id).Scan(&ref.campaignID, &ref.name)
		if database.IsNoRows(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("agent %s: %w", id, err)
		}
		refs[rw.id()] = ref
		return nil
	}
}

func (r *run) agentFields(rw row, is *issues) agentRow {
	a := r.commonAgentFields(rw, rw.text("name"), is)
	cfg := decodeObject(a.config)
	if oc, ok := cfg["openclaw_id"].(string); ok {
		a.openclaw = oc
	}
	a.runs = intField(rw, is, "total_runs", "total_runs")
	// The original kept a success rate in percent rather than a count of failures.
	if rate, ok := toFloat(rw.get("success_rate")); ok && rate >= 0 && rate <= 100 {
		a.errors = a.runs - int64(math.Round(float64(a.runs)*rate/100))
	}
	return a
}

func (r *run) campaignAgentFields(rw row, is *issues) agentRow {
	a := r.commonAgentFields(rw, rw.text("agent_type", "agent_name"), is)
	a.runs = intField(rw, is, "run_count", "run_count")
	a.errors = intField(rw, is, "error_count", "error_count")
	return a
}

func (r *run) commonAgentFields(rw row, name string, is *issues) agentRow {
	a := agentRow{
		name:    limit(clean(name, false), maxAgentName, is, "name"),
		status:  agentStatus(rw.text("status"), is),
		config:  jsonObject(rw.get("config"), is, "config"),
		lastRun: timeField(rw, is, "last_run_at", "last_run_at"),
	}
	a.openclaw = a.name
	a.created = stampField(rw, is, "created_at", r.now, "created_at")
	a.updated = stampField(rw, is, "updated_at", a.created, "updated_at")
	if len(a.config) > maxConfigBytes {
		a.config = json.RawMessage(`{}`)
		is.add("config: larger than 64 KiB; left empty")
	}
	return a
}

// agentStatus maps the original's agent statuses. A run in progress there is not one here,
// and "active" meant ready to run.
func agentStatus(v string, is *issues) string {
	switch v = strings.ToLower(v); v {
	case agent.StatusIdle, agent.StatusPaused, agent.StatusError, agent.StatusDisabled:
		return v
	case "", agent.StatusRunning, "active":
		return agent.StatusIdle
	}
	is.add("status: %q is not an agent status; idle used", v)
	return agent.StatusIdle
}

// saveAgent merges a source agent into the agent of the same name in its campaign, or
// creates it, and maps the source id to it.
func (r *run) saveAgent(ctx context.Context, tx *database.Tx, rw row, sc *scope, a agentRow,
	refs map[string]agentRef, is *issues) (string, string, error) {
	if a.name == "" {
		is.add("no name")
		return Skipped, "", nil
	}
	cur, err := findAgent(ctx, tx, sc.campaign.id, a.name)
	outcome := Merged
	switch {
	case err == nil:
		err = r.mergeAgent(ctx, tx, cur, a)
	case database.IsNoRows(err):
		outcome = Imported
		cur.ref, err = r.insertAgent(ctx, tx, rw, sc.campaign.id, a, is)
	}
	if err != nil {
		return "", "", err
	}
	refs[rw.id()] = cur.ref
	return outcome, cur.ref.id, nil
}

// currentAgent is an agent here with what a merge combines.
type currentAgent struct {
	ref          agentRef
	config       string
	runs, errors int64
	lastRun      *time.Time
}

func findAgent(ctx context.Context, tx *database.Tx, campaignID,
	name string) (currentAgent, error) {
	a := currentAgent{ref: agentRef{campaignID: campaignID, name: name}}
	err := tx.QueryRowContext(ctx, `
		SELECT id, config, run_count, error_count, last_run_at FROM agents
		WHERE campaign_id = ? AND name = ?`, campaignID, name).Scan(&a.ref.id, &a.config,
		&a.runs, &a.errors, database.NullTime(&a.lastRun))
	return a, err
}

// mergeAgent updates an agent here from the source: the source's status, its config keys laid
// over the agent's, the larger counters and the later last run. Its name, template and
// executor stay.
func (r *run) mergeAgent(ctx context.Context, tx *database.Tx, cur currentAgent,
	a agentRow) error {
	last := cur.lastRun
	if a.lastRun != nil && (last == nil || a.lastRun.After(*last)) {
		last = a.lastRun
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE agents SET status = ?, config = ?, run_count = ?, error_count = ?,
			last_run_at = ?, updated_at = ?
		WHERE campaign_id = ? AND id = ?`,
		a.status, string(mergeObjects(json.RawMessage(cur.config), a.config)),
		max(cur.runs, a.runs), max(cur.errors, a.errors), database.NullableTime(last),
		database.FormatTime(r.now), cur.ref.campaignID, cur.ref.id)
	if err != nil {
		return fmt.Errorf("update agent %s: %w", cur.ref.id, err)
	}
	return nil
}

func (r *run) insertAgent(ctx context.Context, tx *database.Tx, rw row, campaignID string,
	a agentRow, is *issues) (agentRef, error) {
	id, err := newID(ctx, tx, "agents", rw)
	if err != nil {
		return agentRef{}, err
	}
	executor, err := json.Marshal(openclawExecutor(a, is))
	if err != nil {
		return agentRef{}, fmt.Errorf("agent %s executor: %w", a.name, err)
	}
	var template any
	err = tx.QueryRowContext(ctx, `SELECT id FROM agent_templates WHERE name IN (?, ?)
		ORDER BY name = ? DESC LIMIT 1`, a.name, a.openclaw, a.name).Scan(&template)
	if err != nil && !database.IsNoRows(err) {
		return agentRef{}, fmt.Errorf("template of agent %s: %w", a.name, err)
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO agents (id, campaign_id, template_id, name, executor, config, status,
			run_count, error_count, last_run_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, campaignID, template, a.name, string(executor), string(a.config), a.status,
		a.runs, a.errors, database.NullableTime(a.lastRun), database.FormatTime(a.created),
		database.FormatTime(a.updated))
	if err != nil {
		return agentRef{}, fmt.Errorf("insert agent %s: %w", a.name, err)
	}
	return agentRef{id: id, campaignID: campaignID, name: a.name}, nil
}

// openclawExecutor runs the agent through the openclaw runtime, as the original did.
func openclawExecutor(a agentRow, is *issues) agent.Executor {
	e := agent.Executor{Type: agent.ExecutorOpenClaw, AgentID: a.openclaw,
		TimeoutSeconds: agent.DefaultTimeoutSeconds}
	if e.Validate() == nil {
		return e
	}
	e.AgentID = campaign.Slugify(a.openclaw)
	if e.AgentID == "" || e.Validate() != nil {
		e.AgentID = "agent"
	}
	is.add("openclaw agent id %q is not usable; %q used", a.openclaw, e.AgentID)
	return e
}

// mergeObjects lays the keys of over onto base; a value that is not an object counts as {}.
func mergeObjects(base, over json.RawMessage) json.RawMessage {
	merged := map[string]json.RawMessage{}
	if json.Unmarshal(base, &merged) != nil || merged == nil {
		merged = map[string]json.RawMessage{}
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(over, &top) == nil {
		for k, v := range top {
			merged[k] = v
		}
	}
	return mustJSON(merged)
}

// agentFor finds the agent here that a source row's agent reference stands for, in the
// campaign the row went to: the agent the source id was mapped to when it is in that
// campaign, else the agent of the same name there.
func (r *run) agentFor(ctx context.Context, tx *database.Tx, sourceID, name string,
	campaignID string) (agentRef, bool, error) {
	ref, ok := r.agents[sourceID]
	if ok && ref.campaignID == campaignID {
		return ref, true, nil
	}
	if ok {
		name = ref.name
	} else if n, known := r.agentNames[sourceID]; known {
		name = n
	}
	if name == "" {
		return agentRef{}, false, nil
	}
	cur, err := findAgent(ctx, tx, campaignID, clean(name, false))
	if database.IsNoRows(err) {
		return agentRef{}, false, nil
	}
	if err != nil {
		return agentRef{}, false, fmt.Errorf("agent %s: %w", name, err)
	}
	return cur.ref, true, nil
}
