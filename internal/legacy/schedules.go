package legacy

import (
	"context"
	"fmt"
	"time"

	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/internal/schedule"
)

// Limits of schedule fields, as the schedule package keeps them.
const (
	maxScheduleName    = 100
	maxScheduleMessage = 10000
)

// scheduleRow is a schedule of the source made to fit this system's rules.
type scheduleRow struct {
	agent            agentRef
	name, cron, note string
	message          string
	enabled          bool
	lastRun          *time.Time
	created, updated time.Time
}

// importSchedules brings the source's schedules over with their enabled state. A cron this
// system cannot read is imported disabled, with a note saying why. The schedule of the same
// agent here, such as the HOA fleet's, is updated instead of duplicated.
func (r *run) importSchedules(ctx context.Context) error {
	mapped, err := r.mapped(ctx, "schedules")
	if err != nil {
		return err
	}
	// Schedules here that earlier rows were merged into are not merged into again.
	claimed := map[string]bool{}
	for _, id := range mapped {
		claimed[id] = true
	}
	return r.importTable(ctx, tableSpec{table: "schedules", target: "schedules",
		scope: r.campaignScope,
		write: func(ctx context.Context, tx *database.Tx, rw row, sc *scope,
			is *issues) (string, string, error) {
			return r.writeSchedule(ctx, tx, rw, sc, claimed, is)
		}})
}

func (r *run) writeSchedule(ctx context.Context, tx *database.Tx, rw row, sc *scope,
	claimed map[string]bool, is *issues) (string, string, error) {
	s, ok, err := r.scheduleFields(ctx, tx, rw, sc, is)
	if err != nil || !ok {
		return Skipped, "", err
	}
	next, err := r.nextRun(s, sc.campaign)
	if err != nil {
		return "", "", err
	}
	id, err := mergeableSchedule(ctx, tx, sc.campaign.id, s, claimed)
	if err != nil {
		return "", "", err
	}
	outcome := Merged
	if id != "" {
		err = r.updateSchedule(ctx, tx, sc.campaign.id, id, s, next)
	} else {
		outcome = Imported
		id, err = r.insertSchedule(ctx, tx, rw, sc.campaign.id, s, next)
	}
	if err != nil {
		return "", "", err
	}
	claimed[id] = true
	return outcome, id, nil
}

// scheduleFields reads a source schedule; ok is false when its agent cannot be found in the
// schedule's campaign.
func (r *run) scheduleFields(ctx context.Context, tx *database.Tx, rw row, sc *scope,
	is *issues) (scheduleRow, bool, error) {
	agentID, agentName := rw.text("agent_id"), rw.text("agent_name")
	a, ok, err := r.agentFor(ctx, tx, agentID, agentName, sc.campaign.id)
	if err != nil || !ok {
		is.add("agent %s (%s) is not an agent of the schedule's campaign", agentID, agentName)
		return scheduleRow{}, false, err
	}
	s := scheduleRow{
		agent:   a,
		name:    limit(clean(rw.text("name"), false), maxScheduleName, is, "name"),
		cron:    clean(rw.text("cron_expression", "cron"), false),
		message: limit(clean(rw.text("message"), true), maxScheduleMessage, is, "message"),
		lastRun: timeField(rw, is, "last_run_at", "last_run_at"),
	}
	if s.name == "" {
		s.name = a.name
	}
	enabled, _ := toBool(rw.get("enabled"))
	s.enabled = enabled
	if _, err := schedule.ParseCron(s.cron); err != nil {
		reason := err.Error()
		if f, ok := derrors.AsFields(err); ok {
			reason = f["cron"]
		}
		s.enabled = false
		s.note = fmt.Sprintf("Imported disabled: the original's cron %q %s.", s.cron, reason)
		is.add("cron %q %s; imported disabled", s.cron, reason)
	}
	s.created = stampField(rw, is, "created_at", r.now, "created_at")
	s.updated = stampField(rw, is, "updated_at", s.created, "updated_at")
	return s, true, nil
}

// nextRun is an enabled schedule's next fire time in its campaign's zone.
func (r *run) nextRun(s scheduleRow, c campaignRef) (any, error) {
	if !s.enabled {
		return nil, nil
	}
	next, err := schedule.NextRun(s.cron, c.timezone, r.now)
	if err != nil {
		return nil, fmt.Errorf("next run of %s: %w", s.name, err)
	}
	return database.NullableTime(&next), nil
}

// mergeableSchedule finds the schedule here that a source schedule stands for: one of the
// same agent, in the same campaign, that no other source schedule was merged into; the one
// of the same name first. It returns "" when there is none.
func mergeableSchedule(ctx context.Context, tx *database.Tx, campaignID string, s scheduleRow,
	claimed map[string]bool) (string, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT id FROM schedules WHERE campaign_id = ? AND agent_id = ?
		ORDER BY name = ? DESC, created_at, id`, campaignID, s.agent.id, s.name)
	if err != nil {
		return "", fmt.Errorf("schedules of agent %s: %w", s.agent.id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", fmt.Errorf("schedules of agent %s: %w", s.agent.id, err)
		}
		if !claimed[id] {
			return id, nil
		}
	}
	return "", rows.Err()
}

// updateSchedule lays a source schedule over a schedule here: its name, cron, message,
// enabled state and last fire. The time zone and policies stay.
func (r *run) updateSchedule(ctx context.Context, tx *database.Tx, campaignID, id string,
	s scheduleRow, next any) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE schedules SET name = ?, cron = ?, message = ?, enabled = ?, next_run_at = ?,
			last_run_at = ?, note = ?, updated_at = ?
		WHERE campaign_id = ? AND id = ?`,
		s.name, s.cron, s.message, s.enabled, next, database.NullableTime(s.lastRun), s.note,
		database.FormatTime(r.now), campaignID, id)
	if err != nil {
		return fmt.Errorf("update schedule %s: %w", id, err)
	}
	return nil
}

func (r *run) insertSchedule(ctx context.Context, tx *database.Tx, rw row, campaignID string,
	s scheduleRow, next any) (string, error) {
	id, err := newID(ctx, tx, "schedules", rw)
	if err != nil {
		return "", err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO schedules (id, campaign_id, agent_id, name, cron, message, enabled,
			next_run_at, last_run_at, note, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, campaignID, s.agent.id, s.name, s.cron, s.message, s.enabled, next,
		database.NullableTime(s.lastRun), s.note, database.FormatTime(s.created),
		database.FormatTime(s.updated))
	if err != nil {
		return "", fmt.Errorf("insert schedule %s: %w", s.name, err)
	}
	return id, nil
}
