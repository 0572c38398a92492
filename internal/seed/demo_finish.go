package seed

import (
	"context"
	"fmt"

	"github.com/clawops/clawops/internal/database"
)

// lastRuns keeps, per agent or schedule, how many runs it had and which was the latest.
type lastRuns struct {
	order []string
	runs  map[string]int
	fails map[string]int
	last  map[string]runRow
}

func tally(h *history, key func(runRow) string) lastRuns {
	t := lastRuns{runs: map[string]int{}, fails: map[string]int{}, last: map[string]runRow{}}
	for _, r := range h.runs {
		k := key(r)
		if k == "" {
			continue
		}
		if _, ok := t.last[k]; !ok {
			t.order = append(t.order, k)
		}
		t.runs[k]++
		if r.status != "completed" {
			t.fails[k]++
		}
		if prev, ok := t.last[k]; !ok || !r.startedAt.Before(prev.startedAt) {
			t.last[k] = r
		}
	}
	return t
}

// updateAgents adds the history to the agents' counters. Their last run only moves when the
// demo's is newer than one they already had.
func updateAgents(ctx context.Context, tx *database.Tx, h *history) error {
	t := tally(h, func(r runRow) string { return r.agentID })
	for _, id := range t.order {
		last := t.last[id]
		status := "idle"
		if last.status != "completed" {
			status = "error"
		}
		at := ts(last.startedAt)
		if _, err := tx.ExecContext(ctx, `
			UPDATE agents SET run_count = run_count + ?, error_count = error_count + ?,
				last_run_status = CASE WHEN last_run_at IS NULL OR last_run_at < ?
					THEN ? ELSE last_run_status END,
				status = CASE WHEN (last_run_at IS NULL OR last_run_at < ?)
					AND status IN ('idle', 'error') THEN ? ELSE status END,
				last_run_at = CASE WHEN last_run_at IS NULL OR last_run_at < ?
					THEN ? ELSE last_run_at END
			WHERE campaign_id = ? AND id = ?`,
			t.runs[id], t.fails[id], at, last.status, at, status, at, at,
			last.campaignID, id); err != nil {
			return fmt.Errorf("agent %s counters: %w", id, err)
		}
	}
	return nil
}

// updateSchedules records each schedule's latest scheduled run, unless it has a newer one.
func updateSchedules(ctx context.Context, tx *database.Tx, h *history) error {
	t := tally(h, func(r runRow) string { return r.scheduleID })
	for _, id := range t.order {
		last := t.last[id]
		at := ts(last.startedAt)
		if _, err := tx.ExecContext(ctx, `
			UPDATE schedules SET
				last_run_status = CASE WHEN last_run_at IS NULL OR last_run_at < ?
					THEN ? ELSE last_run_status END,
				last_run_id = CASE WHEN last_run_at IS NULL OR last_run_at < ?
					THEN ? ELSE last_run_id END,
				last_run_at = CASE WHEN last_run_at IS NULL OR last_run_at < ?
					THEN ? ELSE last_run_at END
			WHERE campaign_id = ? AND id = ?`,
			at, last.status, at, last.id, at, at, last.campaignID, id); err != nil {
			return fmt.Errorf("schedule %s last run: %w", id, err)
		}
	}
	return nil
}

// backdateSetup moves the creation of the demo campaigns, their agents and schedules and the
// feed entries about them to before their history begins.
func backdateSetup(ctx context.Context, tx *database.Tx, h *history) error {
	at := ts(h.now.Add(-(demoDays + 1) * day))
	for _, dc := range demoCampaigns {
		for _, q := range []string{
			`UPDATE campaigns SET created_at = ?, updated_at = ? WHERE id = ?`,
			`UPDATE agents SET created_at = ?, updated_at = ? WHERE campaign_id = ?`,
			`UPDATE schedules SET created_at = ?, updated_at = ? WHERE campaign_id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, at, at, dc.ID); err != nil {
				return fmt.Errorf("backdate %s: %w", dc.ID, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE campaign_activity SET created_at = ?
			WHERE campaign_id = ?
				AND type IN ('campaign.created', 'agent.assigned', 'schedule.created')`,
			at, dc.ID); err != nil {
			return fmt.Errorf("backdate %s: %w", dc.ID, err)
		}
	}
	return nil
}

// markLoaded writes the entry that tells the next start the demo is in.
func markLoaded(ctx context.Context, tx *database.Tx, h *history) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO campaign_activity (id, campaign_id, type, severity, title, detail,
			created_at)
		VALUES (?, ?, 'demo.loaded', 'info', 'Demo data loaded', ?, ?)`,
		"act-demo-loaded", DemoMarkerCampaign,
		"Thirty days of invented history were added to the demo campaigns.", ts(h.now))
	if err != nil {
		return fmt.Errorf("demo marker: %w", err)
	}
	return nil
}
