package schedule

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
)

// Store reads and writes the schedules of campaigns.
type Store struct {
	db       *database.DB
	activity *activity.Store
	now      func() time.Time
}

// NewStore returns a store over db that records schedule changes in the activity feed.
func NewStore(db *database.DB, act *activity.Store) *Store {
	return &Store{db: db, activity: act, now: time.Now}
}

// querier is what reads need: the reader pool, or a write transaction that must see its own
// changes.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// selectSchedule reads schedules with their agent's name and campaign's zone; callers add
// conditions after the campaign filter.
const selectSchedule = `
	SELECT s.id, s.campaign_id, s.agent_id, a.name, s.name, s.cron, COALESCE(s.timezone, ''),
		c.timezone, s.message, s.enabled, s.overlap_policy, s.catch_up_policy, s.catch_up_cap,
		s.next_run_at, s.last_run_at, COALESCE(s.last_run_status, ''),
		COALESCE(s.last_run_id, ''), s.note, s.created_at, s.updated_at
	FROM schedules s
	JOIN agents a ON a.id = s.agent_id AND a.campaign_id = s.campaign_id
	JOIN campaigns c ON c.id = s.campaign_id
	WHERE s.campaign_id = ?`

type rowScanner interface{ Scan(dest ...any) error }

func scanSchedule(r rowScanner) (Schedule, error) {
	var s Schedule
	var campaignZone string
	err := r.Scan(&s.ID, &s.CampaignID, &s.AgentID, &s.AgentName, &s.Name, &s.Cron,
		&s.Timezone, &campaignZone, &s.Message, &s.Enabled, &s.OverlapPolicy, &s.CatchUpPolicy,
		&s.CatchUpCap, database.NullTime(&s.NextRunAt), database.NullTime(&s.LastRunAt),
		&s.LastRunStatus, &s.LastRunID, &s.Note, database.Time(&s.CreatedAt),
		database.Time(&s.UpdatedAt))
	s.EffectiveTimezone = s.Timezone
	if s.EffectiveTimezone == "" {
		s.EffectiveTimezone = campaignZone
	}
	return s, err
}

// Schedules lists the scope's schedules by name.
func (s *Store) Schedules(ctx context.Context, sc access.Scope) ([]Schedule, error) {
	rows, err := s.db.R.QueryContext(ctx, selectSchedule+` ORDER BY s.name, s.id`,
		sc.CampaignID())
	if err != nil {
		return nil, fmt.Errorf("schedule: list %s: %w", sc.CampaignID(), err)
	}
	defer rows.Close()
	out := []Schedule{}
	for rows.Next() {
		sch, err := scanSchedule(rows)
		if err != nil {
			return nil, fmt.Errorf("schedule: list %s: %w", sc.CampaignID(), err)
		}
		out = append(out, sch)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("schedule: list %s: %w", sc.CampaignID(), err)
	}
	return out, nil
}

// Schedule returns one schedule of the scope's campaign; a schedule of any other campaign is
// ErrNotFound.
func (s *Store) Schedule(ctx context.Context, sc access.Scope, id string) (Schedule, error) {
	return getSchedule(ctx, s.db.R, sc, id)
}

func getSchedule(ctx context.Context, q querier, sc access.Scope, id string) (Schedule, error) {
	sch, err := scanSchedule(q.QueryRowContext(ctx, selectSchedule+` AND s.id = ?`,
		sc.CampaignID(), id))
	if database.IsNoRows(err) {
		return Schedule{}, fmt.Errorf("schedule: get %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Schedule{}, fmt.Errorf("schedule: get %s: %w", id, err)
	}
	return sch, nil
}

// CreateSchedule adds a schedule to the scope's campaign. It needs the operator role. An
// enabled schedule gets its first fire time; a disabled one has none.
func (s *Store) CreateSchedule(ctx context.Context, sc access.Scope,
	n NewSchedule) (Schedule, error) {
	var out Schedule
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		var err error
		out, err = s.CreateScheduleTx(ctx, tx, sc, n)
		return err
	})
	return out, err
}

// CreateScheduleTx is CreateSchedule inside the caller's transaction, for seeding and import,
// where a campaign is set up all at once.
func (s *Store) CreateScheduleTx(ctx context.Context, tx *database.Tx, sc access.Scope,
	n NewSchedule) (Schedule, error) {
	if err := sc.Require(access.RoleOperator); err != nil {
		return Schedule{}, err
	}
	if err := n.normalize(); err != nil {
		return Schedule{}, err
	}
	agentName, err := agentName(ctx, tx, sc, n.AgentID)
	if err != nil {
		return Schedule{}, err
	}
	if n.Name == "" {
		n.Name = agentName
	}
	next, err := s.nextRun(ctx, tx, sc, n.Cron, n.Timezone, *n.Enabled)
	if err != nil {
		return Schedule{}, err
	}
	id := n.ID
	if id == "" {
		id = database.NewID()
	}
	now := database.FormatTime(s.now())
	_, err = tx.ExecContext(ctx, `
		INSERT INTO schedules (id, campaign_id, agent_id, name, cron, timezone, message, enabled,
			overlap_policy, catch_up_policy, catch_up_cap, next_run_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, sc.CampaignID(), n.AgentID, n.Name, n.Cron, database.NullString(n.Timezone),
		n.Message, *n.Enabled, n.OverlapPolicy, n.CatchUpPolicy, n.CatchUpCap,
		database.NullableTime(next), now, now)
	if database.IsUniqueViolation(err) {
		return Schedule{}, fmt.Errorf("schedule: create %s: id already in use: %w", id,
			derrors.Conflict)
	}
	if err != nil {
		return Schedule{}, fmt.Errorf("schedule: create %q in %s: %w", n.Name, sc.CampaignID(), err)
	}
	if err := s.activity.Record(ctx, tx, sc, activity.Entry{
		Type: "schedule.created", Title: "Schedule created", AgentID: n.AgentID,
		Detail: fmt.Sprintf("%s runs %s at %q (%s).", n.Name, agentName, n.Cron,
			enabledWord(*n.Enabled)),
	}); err != nil {
		return Schedule{}, err
	}
	return getSchedule(ctx, tx, sc, id)
}

// agentName checks that the agent belongs to the scope's campaign and returns its name.
func agentName(ctx context.Context, tx *database.Tx, sc access.Scope,
	agentID string) (string, error) {
	var name string
	err := tx.QueryRowContext(ctx, `SELECT name FROM agents WHERE campaign_id = ? AND id = ?`,
		sc.CampaignID(), agentID).Scan(&name)
	if database.IsNoRows(err) {
		return "", derrors.Fields{"agentId": "unknown agent"}
	}
	if err != nil {
		return "", fmt.Errorf("schedule: agent %s: %w", agentID, err)
	}
	return name, nil
}

// nextRun is the first fire time after now of an enabled schedule, read in its own zone or
// else the campaign's; nil when disabled.
func (s *Store) nextRun(ctx context.Context, q querier, sc access.Scope, cronExpr, tz string,
	enabled bool) (*time.Time, error) {
	if !enabled {
		return nil, nil
	}
	if tz == "" {
		err := q.QueryRowContext(ctx, `SELECT timezone FROM campaigns WHERE id = ?`,
			sc.CampaignID()).Scan(&tz)
		if err != nil {
			return nil, fmt.Errorf("schedule: campaign %s time zone: %w", sc.CampaignID(), err)
		}
	}
	next, err := NextRun(cronExpr, tz, s.now())
	if err != nil || next.IsZero() {
		return nil, err
	}
	return &next, nil
}

// NextRun is the first fire time of a cron expression strictly after t, read in the zone tz
// ("" means UTC), or the zero time when it does not fire within five years.
func NextRun(cronExpr, tz string, after time.Time) (time.Time, error) {
	c, err := ParseCron(cronExpr)
	if err != nil {
		return time.Time{}, err
	}
	loc, err := loadLocation(tz)
	if err != nil {
		return time.Time{}, err
	}
	return c.Next(after, loc).UTC(), nil
}

// Next is the schedule's first fire time strictly after t, in its effective zone.
func (sch Schedule) Next(after time.Time) (time.Time, error) {
	return NextRun(sch.Cron, sch.EffectiveTimezone, after)
}

// UpdateSchedule applies a partial update to a schedule of the scope's campaign. It needs the
// operator role. The next fire time is recomputed only when the cron, the zone or the enabled
// flag changes, so that a pending fire is not lost to an unrelated edit.
func (s *Store) UpdateSchedule(ctx context.Context, sc access.Scope, id string,
	p Patch) (Schedule, error) {
	if err := sc.Require(access.RoleOperator); err != nil {
		return Schedule{}, err
	}
	var out Schedule
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		before, err := getSchedule(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		after := before
		if err := p.apply(&after); err != nil {
			return err
		}
		out, err = s.saveSchedule(ctx, tx, sc, before, after)
		return err
	})
	return out, err
}

func (s *Store) saveSchedule(ctx context.Context, tx *database.Tx, sc access.Scope,
	before, after Schedule) (Schedule, error) {
	changed := changedFields(before, after)
	if len(changed) == 0 {
		return before, nil
	}
	if after.AgentID != before.AgentID {
		if _, err := agentName(ctx, tx, sc, after.AgentID); err != nil {
			return Schedule{}, err
		}
	}
	next := before.NextRunAt
	if after.Cron != before.Cron || after.Timezone != before.Timezone ||
		after.Enabled != before.Enabled {
		var err error
		if next, err = s.nextRun(ctx, tx, sc, after.Cron, after.Timezone, after.Enabled); err != nil {
			return Schedule{}, err
		}
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE schedules SET agent_id = ?, name = ?, cron = ?, timezone = ?, message = ?,
			enabled = ?, overlap_policy = ?, catch_up_policy = ?, catch_up_cap = ?,
			next_run_at = ?, updated_at = ?
		WHERE campaign_id = ? AND id = ?`,
		after.AgentID, after.Name, after.Cron, database.NullString(after.Timezone),
		after.Message, after.Enabled, after.OverlapPolicy, after.CatchUpPolicy,
		after.CatchUpCap, database.NullableTime(next), database.FormatTime(s.now()),
		sc.CampaignID(), after.ID)
	if err != nil {
		return Schedule{}, fmt.Errorf("schedule: update %s: %w", after.ID, err)
	}
	if err := s.activity.Record(ctx, tx, sc, activity.Entry{
		Type: "schedule.updated", Title: updateTitle(before, after), AgentID: after.AgentID,
		Detail: fmt.Sprintf("%s: changed %s.", after.Name, strings.Join(changed, ", ")),
	}); err != nil {
		return Schedule{}, err
	}
	return getSchedule(ctx, tx, sc, after.ID)
}

func changedFields(a, b Schedule) []string {
	var out []string
	add := func(name string, changed bool) {
		if changed {
			out = append(out, name)
		}
	}
	add("agent", a.AgentID != b.AgentID)
	add("name", a.Name != b.Name)
	add("cron", a.Cron != b.Cron)
	add("time zone", a.Timezone != b.Timezone)
	add("message", a.Message != b.Message)
	add("enabled", a.Enabled != b.Enabled)
	add("overlap policy", a.OverlapPolicy != b.OverlapPolicy)
	add("catch-up policy", a.CatchUpPolicy != b.CatchUpPolicy)
	add("catch-up cap", a.CatchUpCap != b.CatchUpCap)
	return out
}

func updateTitle(before, after Schedule) string {
	switch {
	case after.Enabled && !before.Enabled:
		return "Schedule enabled"
	case !after.Enabled && before.Enabled:
		return "Schedule disabled"
	}
	return "Schedule changed"
}

func enabledWord(enabled bool) string {
	if enabled {
		return "enabled"
	}
	return "disabled"
}

// DeleteSchedule removes a schedule of the scope's campaign. It needs the operator role. Runs
// it started stay, no longer linked to it.
func (s *Store) DeleteSchedule(ctx context.Context, sc access.Scope, id string) error {
	if err := sc.Require(access.RoleOperator); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *database.Tx) error {
		sch, err := getSchedule(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM schedules WHERE campaign_id = ? AND id = ?`,
			sc.CampaignID(), id); err != nil {
			return fmt.Errorf("schedule: delete %s: %w", id, err)
		}
		return s.activity.Record(ctx, tx, sc, activity.Entry{
			Type: "schedule.deleted", Title: "Schedule deleted", AgentID: sch.AgentID,
			Detail: fmt.Sprintf("%s (%s at %q) was deleted.", sch.Name, sch.AgentName, sch.Cron),
		})
	})
}

// Reschedule recomputes the next fire time of the scope's enabled schedules that follow the
// campaign's time zone. Call it after the campaign's zone changes; it needs the operator role.
func (s *Store) Reschedule(ctx context.Context, sc access.Scope) error {
	if err := sc.Require(access.RoleOperator); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *database.Tx) error {
		rows, err := tx.QueryContext(ctx, selectSchedule+` AND s.enabled = 1
			AND s.timezone IS NULL`, sc.CampaignID())
		if err != nil {
			return fmt.Errorf("schedule: reschedule %s: %w", sc.CampaignID(), err)
		}
		var list []Schedule
		for rows.Next() {
			sch, err := scanSchedule(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("schedule: reschedule %s: %w", sc.CampaignID(), err)
			}
			list = append(list, sch)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("schedule: reschedule %s: %w", sc.CampaignID(), err)
		}
		return s.setNextRuns(ctx, tx, sc, list)
	})
}

func (s *Store) setNextRuns(ctx context.Context, tx *database.Tx, sc access.Scope,
	list []Schedule) error {
	for _, sch := range list {
		next, err := sch.Next(s.now())
		if err != nil {
			return fmt.Errorf("schedule: reschedule %s: %w", sch.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE schedules SET next_run_at = ? WHERE campaign_id = ? AND id = ?`,
			database.NullableTime(&next), sc.CampaignID(), sch.ID); err != nil {
			return fmt.Errorf("schedule: reschedule %s: %w", sch.ID, err)
		}
	}
	return nil
}
