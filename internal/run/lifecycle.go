package run

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/event"
)

// start moves queued runs to running and marks their agents busy, all in one transaction:
// one at a time, each start waited for the writer behind the runs already finishing, and
// the last of 100 runs queued by the same scheduled minute started most of a second late.
// It returns the runs it started; a run no longer queued (cancelled meanwhile, or started by
// another engine) is left out.
func (s *Store) start(ctx context.Context, qs []queued) (map[string]Run, error) {
	started := make(map[string]Run, len(qs))
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		for _, q := range qs {
			r, ok, err := s.startOne(ctx, tx, access.System(q.campaignID), q.id)
			if err != nil {
				return fmt.Errorf("run: start %s: %w", q.id, err)
			}
			if ok {
				started[q.id] = r
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return started, nil
}

// startOne starts one run inside tx, reporting false when it was no longer queued.
func (s *Store) startOne(ctx context.Context, tx *database.Tx, sc access.Scope,
	id string) (Run, bool, error) {
	now := database.FormatTime(s.now())
	res, err := tx.ExecContext(ctx, `UPDATE runs SET status = 'running', started_at = ?,
		updated_at = ? WHERE campaign_id = ? AND id = ? AND status = 'pending'`,
		now, now, sc.CampaignID(), id)
	if err != nil {
		return Run{}, false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Run{}, false, nil
	}
	r, err := getRun(ctx, tx, sc.CampaignID(), id)
	if err != nil {
		return Run{}, false, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE agents SET status = 'running', updated_at = ?
		WHERE campaign_id = ? AND id = ? AND status IN ('idle', 'error')`,
		now, sc.CampaignID(), r.AgentID)
	if err != nil {
		return Run{}, false, err
	}
	s.publish(tx, "run.started", r)
	err = s.activity.Record(ctx, tx, sc, activity.Entry{Type: "run.started",
		Title: "Run started", Detail: runDetail(r), AgentID: r.AgentID, RunID: r.ID,
		UserID: r.RequestedBy})
	if err != nil {
		return Run{}, false, err
	}
	return r, true, nil
}

// cancelPending cancels a run that has not started, reporting false if it had.
func (s *Store) cancelPending(ctx context.Context, sc access.Scope, id string) (bool, error) {
	done := false
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		now := database.FormatTime(s.now())
		res, err := tx.ExecContext(ctx, `UPDATE runs SET status = 'cancelled', finished_at = ?,
			error = 'cancelled before it started', updated_at = ?
			WHERE campaign_id = ? AND id = ? AND status = 'pending'`,
			now, now, sc.CampaignID(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		done = true
		r, err := getRun(ctx, tx, sc.CampaignID(), id)
		if err != nil {
			return err
		}
		s.publish(tx, "run.finished", r)
		return s.activity.Record(ctx, tx, sc, activity.Entry{Type: "run.cancelled",
			Severity: activity.Warning, Title: "Run cancelled", Detail: runDetail(r),
			AgentID: r.AgentID, RunID: r.ID})
	})
	if err != nil {
		return false, fmt.Errorf("run: cancel %s: %w", id, err)
	}
	return done, nil
}

// finish records how a run ended, and what follows from it: the agent's counters and status,
// its schedule's last outcome, the feed, the campaign's budget warnings and daily metrics.
func (s *Store) finish(ctx context.Context, sc access.Scope, o outcome, m Refresher) error {
	status, errText := o.status()
	now := s.now()
	return s.db.Tx(ctx, func(tx *database.Tx) error {
		r, err := getRun(ctx, tx, sc.CampaignID(), o.run.ID)
		if err != nil {
			return err
		}
		var duration any
		if r.StartedAt != nil {
			duration = now.Sub(*r.StartedAt).Milliseconds()
		}
		counts, _ := json.Marshal(map[string]map[string]int{"created": o.ingested.Created,
			"skipped": o.ingested.Skipped})
		rejected := make([]Rejected, 0, len(o.ingested.Rejected))
		for _, x := range o.ingested.Rejected {
			rejected = append(rejected, Rejected{Collection: x.Collection, Index: x.Index,
				Reason: x.Reason})
		}
		rejectedJSON, _ := json.Marshal(rejected)
		metrics, _ := json.Marshal(o.result.Metrics)
		if o.result.Metrics == nil {
			metrics = []byte("{}")
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE runs SET status = ?, finished_at = ?, duration_ms = ?, tokens_used = ?,
				cost_usd = ?, output = ?, error = ?, records_ingested = ?,
				rejected_records = ?, metrics = ?, updated_at = ?
			WHERE campaign_id = ? AND id = ?`,
			status, database.FormatTime(now), duration, o.result.TokensUsed,
			o.result.CostUSD, clip(o.result.Output, MaxOutputBytes), errText, string(counts),
			string(rejectedJSON), string(metrics), database.FormatTime(now),
			sc.CampaignID(), r.ID)
		if err != nil {
			return err
		}
		if r, err = getRun(ctx, tx, sc.CampaignID(), r.ID); err != nil {
			return err
		}
		if err := s.followRun(ctx, tx, sc, r); err != nil {
			return err
		}
		if m != nil {
			if err := m.Refresh(ctx, tx, sc.CampaignID(), now); err != nil {
				return err
			}
		}
		s.publish(tx, "run.finished", r)
		return nil
	})
}

// followRun brings the agent, the schedule and the feed in line with a finished run.
func (s *Store) followRun(ctx context.Context, tx *database.Tx, sc access.Scope,
	r Run) error {
	failed := 0
	if r.Status == StatusFailed || r.Status == StatusTimeout {
		failed = 1
	}
	after := "idle"
	if failed == 1 {
		after = "error"
	}
	finished := database.FormatTime(*r.FinishedAt)
	_, err := tx.ExecContext(ctx, `
		UPDATE agents SET run_count = run_count + 1, error_count = error_count + ?,
			last_run_at = ?, last_run_status = ?, updated_at = ?,
			status = CASE WHEN status != 'running' THEN status
				WHEN EXISTS (SELECT 1 FROM runs o WHERE o.campaign_id = agents.campaign_id
					AND o.agent_id = agents.id AND o.status = 'running') THEN 'running'
				ELSE ? END
		WHERE campaign_id = ? AND id = ?`,
		failed, finished, r.Status, finished, after, sc.CampaignID(), r.AgentID)
	if err != nil {
		return fmt.Errorf("update agent: %w", err)
	}
	if r.ScheduleID != "" {
		_, err := tx.ExecContext(ctx, `UPDATE schedules SET last_run_at = ?,
			last_run_status = ?, last_run_id = ? WHERE campaign_id = ? AND id = ?`,
			finished, r.Status, r.ID, sc.CampaignID(), r.ScheduleID)
		if err != nil {
			return fmt.Errorf("update schedule: %w", err)
		}
	}
	if err := s.recordOutcome(ctx, tx, sc, r); err != nil {
		return err
	}
	if r.CostUSD > 0 {
		c, err := loadCampaign(ctx, tx, sc.CampaignID())
		if err != nil {
			return err
		}
		return s.warnBudget(ctx, tx, c)
	}
	return nil
}

// recordOutcome writes the run's ending to the feed, and one entry for the records it added.
func (s *Store) recordOutcome(ctx context.Context, tx *database.Tx, sc access.Scope,
	r Run) error {
	e := activity.Entry{Type: "run." + r.Status, AgentID: r.AgentID, RunID: r.ID,
		Detail: runDetail(r)}
	switch r.Status {
	case StatusCompleted:
		e.Severity, e.Title = activity.Success, "Run completed"
	case StatusCancelled:
		e.Severity, e.Title = activity.Warning, "Run cancelled"
	case StatusTimeout:
		e.Type, e.Severity, e.Title = "run.failed", activity.Error, "Run timed out"
	default:
		e.Severity, e.Title = activity.Error, "Run failed"
	}
	if r.Error != "" {
		e.Detail += ": " + r.Error
	}
	if err := s.activity.Record(ctx, tx, sc, e); err != nil {
		return err
	}
	total := 0
	for _, n := range r.RecordsIngested {
		total += n
	}
	if total == 0 && len(r.RejectedRecords) == 0 {
		return nil
	}
	sev := activity.Success
	if len(r.RejectedRecords) > 0 {
		sev = activity.Warning
	}
	return s.activity.Record(ctx, tx, sc, activity.Entry{Type: "records.ingested",
		Severity: sev, Title: ingestedTitle(r), Detail: ingestedDetail(r), AgentID: r.AgentID,
		RunID: r.ID})
}

func runDetail(r Run) string {
	d := r.AgentName
	if r.Trigger != TriggerManual {
		d += " (" + r.Trigger + ")"
	}
	return d
}

func ingestedTitle(r Run) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(r.RecordsIngested)) {
		if n := r.RecordsIngested[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	if len(parts) == 0 {
		return "No records added"
	}
	return "Added " + strings.Join(parts, ", ")
}

func ingestedDetail(r Run) string {
	d := "From a run of " + r.AgentName + "."
	skipped := 0
	for _, n := range r.RecordsSkipped {
		skipped += n
	}
	if skipped > 0 {
		d += " " + data.CountOf(skipped, "duplicate") + " skipped."
	}
	if n := len(r.RejectedRecords); n > 0 {
		d += " " + data.CountOf(n, "record") + " rejected; the run lists why."
	}
	return d
}

// publish announces a run's change on the campaign's stream once tx commits.
func (s *Store) publish(tx *database.Tx, typ string, r Run) {
	if s.broker == nil {
		return
	}
	tx.OnCommit(func() {
		s.broker.Publish(event.Event{Type: typ, CampaignID: r.CampaignID, Data: r})
	})
}

// FailInterrupted records the runs a stopped server left running as failed, so that they can
// be retried, and frees their agents. Queued runs stay queued.
func (s *Store) FailInterrupted(ctx context.Context) (int, error) {
	n := 0
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		now := database.FormatTime(s.now())
		res, err := tx.ExecContext(ctx, `UPDATE runs SET status = 'failed',
			error = 'interrupted: the server stopped during the run; retry it',
			finished_at = ?, updated_at = ? WHERE status = 'running'`, now, now)
		if err != nil {
			return err
		}
		affected, _ := res.RowsAffected()
		n = int(affected)
		_, err = tx.ExecContext(ctx, `UPDATE agents SET status = 'idle', updated_at = ?
			WHERE status = 'running'`, now)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("run: fail interrupted runs: %w", err)
	}
	return n, nil
}

// clip keeps at most n bytes of s, cut at a character boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "\n…[output truncated]"
}
