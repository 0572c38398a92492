// Package seed installs what a fresh ClawOps database starts with — the default campaign and
// its HOA fleet, the template catalog — and, on request, a demo data set that makes every page
// of a new install look lived in.
package seed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/agent"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/internal/schedule"
)

// The example agent: a small program shipped with ClawOps that answers runs offline.
const (
	ExampleTemplateID = "tpl-example-lead-finder"
	ExampleProgram    = "clawops-example-agent"
	// ExampleFallback is where `make build` puts the program, relative to the repository.
	ExampleFallback = "bin/" + ExampleProgram
)

// DefaultCampaign is the campaign every install starts with. Its slug is set by the seed, not
// derived from its name.
var DefaultCampaign = campaign.Campaign{
	ID:       campaign.DefaultID,
	Name:     "HOA FL Lead Gen (Legacy)",
	Company:  "HOA Project Funding",
	Slug:     "hoa-fl-lead-gen",
	Type:     "lead-gen",
	Status:   campaign.StatusActive,
	Color:    "#3B82F6",
	Icon:     "🏠",
	Timezone: "America/New_York",
	Config:   json.RawMessage(`{}`),
}

// Defaults installs the default campaign with its 13 agents and 10 schedules (all disabled,
// since the openclaw runtime is rarely installed yet) and the template catalog, in one
// transaction. It does nothing when the default campaign exists, so it is safe on every start
// and never undoes what people changed.
func Defaults(ctx context.Context, db *database.DB, campaigns *campaign.Store,
	agents *agent.Store, schedules *schedule.Store) error {
	// The usual case, a campaign already there, is answered from a reader without taking the
	// write lock.
	_, err := campaigns.Campaign(ctx, access.System(campaign.DefaultID))
	if err == nil {
		return nil
	}
	if !errors.Is(err, derrors.NotFound) {
		return fmt.Errorf("seed: defaults: %w", err)
	}
	err = db.Tx(ctx, func(tx *database.Tx) error {
		// Checked again under the write lock: another process may have seeded meanwhile.
		if exists, err := campaignExists(ctx, tx, campaign.DefaultID); err != nil || exists {
			return err
		}
		if err := insertDefaultCampaign(ctx, tx); err != nil {
			return err
		}
		return installFleet(ctx, tx, agents, schedules)
	})
	if err != nil {
		return fmt.Errorf("seed: defaults: %w", err)
	}
	return nil
}

func campaignExists(ctx context.Context, tx *database.Tx, id string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM campaigns WHERE id = ?`, id).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("campaign %s: %w", id, err)
	}
	return n > 0, nil
}

// insertDefaultCampaign writes the campaign row itself, because campaign.Store derives slugs
// from names and the default campaign's slug is fixed by the specification.
func insertDefaultCampaign(ctx context.Context, tx *database.Tx) error {
	c := DefaultCampaign
	now := database.FormatTime(time.Now())
	_, err := tx.ExecContext(ctx, `
		INSERT INTO campaigns (id, name, company, slug, type, status, color, icon, description,
			timezone, config, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Name, c.Company, c.Slug, c.Type, c.Status, c.Color, c.Icon, c.Description,
		c.Timezone, string(c.Config), now, now)
	if err != nil {
		return fmt.Errorf("create default campaign: %w", err)
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO campaign_activity (id, campaign_id, type, severity, title, detail, created_at)
		VALUES (?, ?, 'campaign.created', 'success', 'Campaign created', ?, ?)`,
		database.NewID(), c.ID, fmt.Sprintf("%s (%s) was created.", c.Name, c.Company), now)
	if err != nil {
		return fmt.Errorf("create default campaign: %w", err)
	}
	return nil
}

// installFleet creates the fleet's templates, agents and schedules in the default campaign.
func installFleet(ctx context.Context, tx *database.Tx, agents *agent.Store,
	schedules *schedule.Store) error {
	if _, err := ensureTemplate(ctx, tx, agents, ExampleTemplate()); err != nil {
		return err
	}
	sc := access.System(campaign.DefaultID)
	disabled := false
	for _, fa := range HOAFleet {
		tplID, err := ensureTemplate(ctx, tx, agents, fa.template())
		if err != nil {
			return err
		}
		a, err := agents.AssignAgentTx(ctx, tx, sc, agent.NewAgent{
			ID: fa.AgentID(), TemplateID: tplID, Name: fa.Name,
		})
		if err != nil {
			return fmt.Errorf("agent %s: %w", fa.Name, err)
		}
		if fa.Cron == "" {
			continue
		}
		if _, err := schedules.CreateScheduleTx(ctx, tx, sc, schedule.NewSchedule{
			ID: fa.ScheduleID(), AgentID: a.ID, Name: fa.Schedule, Cron: fa.Cron,
			Message: fa.Message, Enabled: &disabled,
		}); err != nil {
			return fmt.Errorf("schedule of %s: %w", fa.Name, err)
		}
	}
	return nil
}

// ensureTemplate returns the id of the catalog template with n's id or name, creating it when
// there is none, so that a catalog edited or imported earlier is kept as it is.
func ensureTemplate(ctx context.Context, tx *database.Tx, agents *agent.Store,
	n agent.NewTemplate) (string, error) {
	var id string
	err := tx.QueryRowContext(ctx, `
		SELECT id FROM agent_templates WHERE id = ? OR name = ?
		ORDER BY id = ? DESC LIMIT 1`, n.ID, n.Name, n.ID).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !database.IsNoRows(err) {
		return "", fmt.Errorf("template %s: %w", n.ID, err)
	}
	t, err := agents.CreateTemplateTx(ctx, tx, n)
	if err != nil {
		return "", fmt.Errorf("template %s: %w", n.ID, err)
	}
	return t.ID, nil
}

func (a FleetAgent) template() agent.NewTemplate {
	return agent.NewTemplate{
		ID: a.TemplateID(), Name: a.Name, Description: a.Description, Category: a.Category,
		Executor: agent.Executor{
			Type: agent.ExecutorOpenClaw, AgentID: a.Name,
			TimeoutSeconds: agent.DefaultTimeoutSeconds,
		},
		DefaultSchedule: a.Cron,
	}
}

// ExampleTemplate is the catalog entry of the example agent. Its command is the program on
// PATH when it is installed there, else the copy that `make build` leaves in bin/.
func ExampleTemplate() agent.NewTemplate {
	return agent.NewTemplate{
		ID:   ExampleTemplateID,
		Name: "example-lead-finder",
		Description: "Example agent shipped with ClawOps. It runs offline and answers every " +
			"run with a few invented sample leads, so that runs can be tried without any " +
			"agent runtime.",
		Category: "example",
		Executor: agent.Executor{
			Type: agent.ExecutorCommand, Command: []string{exampleCommand()},
			TimeoutSeconds: 60,
		},
		DefaultConfig: json.RawMessage(`{"leadsPerRun":3}`),
	}
}

// exampleCommand finds the example agent: beside the running binary, where `make build` puts
// both, so that the demo works whatever directory the server starts in; then on PATH; then
// where `make build` puts it, relative to the repository.
func exampleCommand() string {
	if self, err := os.Executable(); err == nil {
		beside := filepath.Join(filepath.Dir(self), ExampleProgram)
		if st, err := os.Stat(beside); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return beside
		}
	}
	if _, err := exec.LookPath(ExampleProgram); err == nil {
		return ExampleProgram
	}
	return ExampleFallback
}
