package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
)

// selectAgent reads agents with their template; callers add conditions after the campaign
// filter.
const selectAgent = `
	SELECT a.id, a.campaign_id, COALESCE(a.template_id, ''), COALESCE(t.name, ''),
		COALESCE(t.default_config, '{}'), a.name, a.executor, a.config, a.status, a.run_count,
		a.error_count, a.last_run_at, COALESCE(a.last_run_status, ''), a.max_concurrent_runs,
		a.created_at, a.updated_at
	FROM agents a
	LEFT JOIN agent_templates t ON t.id = a.template_id
	WHERE a.campaign_id = ?`

func scanAgent(r rowScanner) (Agent, error) {
	var a Agent
	var tplConfig, executor, config string
	err := r.Scan(&a.ID, &a.CampaignID, &a.TemplateID, &a.TemplateName, &tplConfig, &a.Name,
		&executor, &config, &a.Status, &a.RunCount, &a.ErrorCount, database.NullTime(&a.LastRunAt),
		&a.LastRunStatus, &a.MaxConcurrentRuns, database.Time(&a.CreatedAt),
		database.Time(&a.UpdatedAt))
	if err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(executor), &a.Executor); err != nil {
		return a, fmt.Errorf("agent %s executor: %w", a.ID, err)
	}
	a.TemplateConfig = json.RawMessage(tplConfig)
	a.Config = json.RawMessage(config)
	a.EffectiveConfig = mergeConfig(a.TemplateConfig, a.Config)
	return a, nil
}

// Agents lists the scope's agents by name.
func (s *Store) Agents(ctx context.Context, sc access.Scope) ([]Agent, error) {
	rows, err := s.db.R.QueryContext(ctx, selectAgent+` ORDER BY a.name, a.id`, sc.CampaignID())
	if err != nil {
		return nil, fmt.Errorf("agent: list %s: %w", sc.CampaignID(), err)
	}
	defer rows.Close()
	out := []Agent{}
	for rows.Next() {
		a, err := scanAgent(rows)
		if err != nil {
			return nil, fmt.Errorf("agent: list %s: %w", sc.CampaignID(), err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("agent: list %s: %w", sc.CampaignID(), err)
	}
	return out, nil
}

// Agent returns one agent of the scope's campaign; an agent of any other campaign is
// ErrNotFound.
func (s *Store) Agent(ctx context.Context, sc access.Scope, id string) (Agent, error) {
	return getAgent(ctx, s.db.R, sc, id)
}

func getAgent(ctx context.Context, q querier, sc access.Scope, id string) (Agent, error) {
	a, err := scanAgent(q.QueryRowContext(ctx, selectAgent+` AND a.id = ?`, sc.CampaignID(), id))
	if database.IsNoRows(err) {
		return Agent{}, fmt.Errorf("agent: get %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Agent{}, fmt.Errorf("agent: get %s: %w", id, err)
	}
	return a, nil
}

// AssignAgent adds an agent to the scope's campaign, from a template or from scratch. It needs
// the operator role.
func (s *Store) AssignAgent(ctx context.Context, sc access.Scope, n NewAgent) (Agent, error) {
	var out Agent
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		var err error
		out, err = s.AssignAgentTx(ctx, tx, sc, n)
		return err
	})
	return out, err
}

// AssignAgentTx is AssignAgent inside the caller's transaction, for seeding and import, where
// a campaign is set up all at once.
func (s *Store) AssignAgentTx(ctx context.Context, tx *database.Tx, sc access.Scope,
	n NewAgent) (Agent, error) {
	if err := sc.Require(access.RoleOperator); err != nil {
		return Agent{}, err
	}
	if err := mayRun(sc, n.Executor); err != nil {
		return Agent{}, err
	}
	tpl, err := resolveNew(ctx, tx, &n)
	if err != nil {
		return Agent{}, err
	}
	id := n.ID
	if id == "" {
		id = database.NewID()
	} else if err := agentIDFree(ctx, tx, id); err != nil {
		return Agent{}, err
	}
	executor, err := json.Marshal(n.Executor)
	if err != nil {
		return Agent{}, fmt.Errorf("agent: assign %q: %w", n.Name, err)
	}
	now := database.FormatTime(s.now())
	_, err = tx.ExecContext(ctx, `
		INSERT INTO agents (id, campaign_id, template_id, name, executor, config, status,
			created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 'idle', ?, ?)`,
		id, sc.CampaignID(), database.NullString(n.TemplateID), n.Name, string(executor),
		string(n.Config), now, now)
	if database.IsUniqueViolation(err) {
		return Agent{}, fmt.Errorf("agent: assign %q: %w", n.Name, ErrNameTaken)
	}
	if err != nil {
		return Agent{}, fmt.Errorf("agent: assign %q in %s: %w", n.Name, sc.CampaignID(), err)
	}
	if err := s.activity.Record(ctx, tx, sc, activity.Entry{
		Type: "agent.assigned", Severity: activity.Success, Title: "Agent assigned",
		Detail: assignedDetail(n, tpl), AgentID: id,
	}); err != nil {
		return Agent{}, err
	}
	return getAgent(ctx, tx, sc, id)
}

// resolveNew fills a new agent's name and executor from its template and validates it. It
// returns the template's name, "" without one.
func resolveNew(ctx context.Context, tx *database.Tx, n *NewAgent) (string, error) {
	f := derrors.Fields{}
	n.Name = strings.TrimSpace(n.Name)
	n.TemplateID = strings.TrimSpace(n.TemplateID)
	tplName := ""
	if n.TemplateID != "" {
		t, err := getTemplate(ctx, tx, n.TemplateID)
		switch {
		case errors.Is(err, ErrTemplateNotFound):
			f.Add("templateId", "unknown template")
		case err != nil:
			return "", err
		default:
			tplName = t.Name
			if n.Name == "" {
				n.Name = t.Name
			}
			if n.Executor == nil {
				n.Executor = &t.Executor
			}
		}
	}
	if n.ID != "" {
		checkID(f, n.ID)
	}
	checkName(f, "name", n.Name)
	if n.Executor == nil {
		f.Add("executor", "is required without a template")
	} else {
		n.Executor.check(f, "executor")
	}
	n.Config = checkConfig(f, "config", orEmptyObject(n.Config))
	return tplName, f.Err()
}

func agentIDFree(ctx context.Context, tx *database.Tx, id string) error {
	// Ids are global, so this one check looks past the campaign: it only reports a clash.
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM agents WHERE id = ?`, id).Scan(&n)
	if err != nil {
		return fmt.Errorf("agent: assign %s: %w", id, err)
	}
	if n > 0 {
		return fmt.Errorf("agent: assign %s: %w", id, ErrIDTaken)
	}
	return nil
}

func assignedDetail(n NewAgent, tplName string) string {
	if tplName != "" {
		return fmt.Sprintf("%s was assigned from the %s template.", n.Name, tplName)
	}
	return fmt.Sprintf("%s was assigned with a %s executor.", n.Name, n.Executor.Type)
}

// UpdateAgent applies a partial update to an agent of the scope's campaign. It needs the
// operator role.
func (s *Store) UpdateAgent(ctx context.Context, sc access.Scope, id string,
	p AgentPatch) (Agent, error) {
	if err := sc.Require(access.RoleOperator); err != nil {
		return Agent{}, err
	}
	if err := mayRun(sc, p.Executor); err != nil {
		return Agent{}, err
	}
	var out Agent
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		before, err := getAgent(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		after := before
		if err := p.apply(&after); err != nil {
			return err
		}
		out, err = s.saveAgent(ctx, tx, sc, before, after)
		return err
	})
	return out, err
}

func (s *Store) saveAgent(ctx context.Context, tx *database.Tx, sc access.Scope,
	before, after Agent) (Agent, error) {
	changed := changedFields(before, after)
	if len(changed) == 0 {
		return before, nil
	}
	executor, err := json.Marshal(after.Executor)
	if err != nil {
		return Agent{}, fmt.Errorf("agent: update %s: %w", after.ID, err)
	}
	_, err = tx.ExecContext(ctx, `
		UPDATE agents SET name = ?, status = ?, executor = ?, config = ?,
			max_concurrent_runs = ?, updated_at = ?
		WHERE campaign_id = ? AND id = ?`,
		after.Name, after.Status, string(executor), string(after.Config),
		after.MaxConcurrentRuns, database.FormatTime(s.now()), sc.CampaignID(), after.ID)
	if database.IsUniqueViolation(err) {
		return Agent{}, fmt.Errorf("agent: rename %s to %q: %w", after.ID, after.Name, ErrNameTaken)
	}
	if err != nil {
		return Agent{}, fmt.Errorf("agent: update %s: %w", after.ID, err)
	}
	if err := s.activity.Record(ctx, tx, sc, activity.Entry{
		Type: "agent.updated", Title: "Agent changed", AgentID: after.ID,
		Detail: fmt.Sprintf("%s: changed %s.", after.Name, strings.Join(changed, ", ")),
	}); err != nil {
		return Agent{}, err
	}
	return getAgent(ctx, tx, sc, after.ID)
}

func changedFields(a, b Agent) []string {
	var out []string
	if a.Name != b.Name {
		out = append(out, "name")
	}
	if a.Status != b.Status {
		out = append(out, "status")
	}
	ea, _ := json.Marshal(a.Executor)
	eb, _ := json.Marshal(b.Executor)
	if string(ea) != string(eb) {
		out = append(out, "executor")
	}
	if string(a.Config) != string(b.Config) {
		out = append(out, "config")
	}
	if a.MaxConcurrentRuns != b.MaxConcurrentRuns {
		out = append(out, "concurrent runs")
	}
	return out
}

// RemoveAgent removes an agent from the scope's campaign. It needs the operator role. Its
// schedules go with it (by the foreign key); its runs stay, keeping the agent's name.
func (s *Store) RemoveAgent(ctx context.Context, sc access.Scope, id string) error {
	if err := sc.Require(access.RoleOperator); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *database.Tx) error {
		a, err := getAgent(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		var schedules int
		if err := tx.QueryRowContext(ctx, `
			SELECT COUNT(*) FROM schedules WHERE campaign_id = ? AND agent_id = ?`,
			sc.CampaignID(), id).Scan(&schedules); err != nil {
			return fmt.Errorf("agent: remove %s: %w", id, err)
		}
		// The foreign key clears runs.agent_id; the name must already be on every run.
		if _, err := tx.ExecContext(ctx, `
			UPDATE runs SET agent_name = ?
			WHERE campaign_id = ? AND agent_id = ? AND agent_name = ''`,
			a.Name, sc.CampaignID(), id); err != nil {
			return fmt.Errorf("agent: remove %s: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM agents WHERE campaign_id = ? AND id = ?`,
			sc.CampaignID(), id); err != nil {
			return fmt.Errorf("agent: remove %s: %w", id, err)
		}
		return s.activity.Record(ctx, tx, sc, activity.Entry{
			Type: "agent.removed", Severity: activity.Warning, Title: "Agent removed",
			Detail: removedDetail(a.Name, schedules), AgentID: id,
		})
	})
}

func removedDetail(name string, schedules int) string {
	switch schedules {
	case 0:
		return name + " was removed; its runs are kept."
	case 1:
		return name + " was removed with its schedule; its runs are kept."
	}
	return fmt.Sprintf("%s was removed with its %d schedules; its runs are kept.", name, schedules)
}

// ErrExecutorNotAllowed refuses a command or HTTP executor from someone who is not a platform
// admin: either runs programs or reaches addresses on the host, beyond any one campaign.
var ErrExecutorNotAllowed = fmt.Errorf(
	"agent: only platform admins may set command or http executors: %w", derrors.Forbidden)

// mayRun checks that the scope may give an agent this executor; nil means the template's.
func mayRun(sc access.Scope, e *Executor) error {
	if e == nil || e.Type == ExecutorOpenClaw || sc.PlatformAdmin() {
		return nil
	}
	return ErrExecutorNotAllowed
}
