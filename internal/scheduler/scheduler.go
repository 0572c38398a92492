// Package scheduler fires the schedules of every campaign: it finds the schedules that are
// due, decides which fires to run (catch-up after downtime, overlap, quiet hours, budgets,
// paused campaigns and agents), claims each fire once and queues its run.
package scheduler

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/run"
	"github.com/clawops/clawops/internal/schedule"
)

// Timing of the scheduler.
const (
	// Tick is how often the scheduler looks for due schedules.
	Tick = time.Second
	// onTime is how late a fire may be found and still count as on time rather than missed
	// while the server was down.
	onTime = time.Minute
	// maxDue is how many due schedules one pass takes; the next pass takes the rest.
	maxDue = 500
	// maxWalk bounds the missed fire times counted for one schedule: a cron firing every
	// minute during a week of downtime need not be walked to the end.
	maxWalk = 10000
)

// Scheduler turns due schedules into queued runs.
type Scheduler struct {
	db   *database.DB
	runs *run.Store
	now  func() time.Time
}

// New returns a scheduler over the database and the run store.
func New(db *database.DB, runs *run.Store) *Scheduler {
	return &Scheduler{db: db, runs: runs, now: time.Now}
}

// SetClock replaces the clock; for tests that move time by hand.
func (s *Scheduler) SetClock(now func() time.Time) { s.now = now }

// Run makes a pass at the start of every Tick until ctx ends. Passes keep to whole seconds
// because fire times are whole minutes: a free-running ticker found each fire up to a second
// late, depending on the instant the server started.
func (s *Scheduler) Run(ctx context.Context) {
	t := time.NewTimer(untilNextTick(time.Now()))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sum, err := s.Pass(ctx)
		if err != nil && ctx.Err() == nil {
			slog.Error("Scheduler pass failed", "err", err)
		}
		if sum.Queued+sum.Skipped > 0 {
			slog.Info("Scheduler pass", "due", sum.Due, "queued", sum.Queued,
				"skipped", sum.Skipped)
		}
		t.Reset(untilNextTick(time.Now()))
	}
}

// tickSlack puts each pass a little after the whole second, so that a wall clock slewed
// slower than the timer's clock has still reached the fire time.
const tickSlack = 10 * time.Millisecond

// untilNextTick is how long from now until the next pass is due.
func untilNextTick(now time.Time) time.Duration {
	return now.Truncate(Tick).Add(Tick + tickSlack).Sub(now)
}

// Summary counts what a pass did.
type Summary struct {
	Due, Queued, Skipped int
}

// due is a schedule whose next fire time has come, with what deciding its fires needs.
type due struct {
	id, campaignID, agentID, cron, zone, message string
	overlap, catchUp                             string
	catchUpCap                                   int
	next                                         time.Time
	campaignStatus, agentStatus                  string
	quietStart, quietEnd                         sql.NullString
}

// Pass fires every due schedule once.
func (s *Scheduler) Pass(ctx context.Context) (Summary, error) {
	now := s.now()
	list, err := s.dueSchedules(ctx, now)
	if err != nil {
		return Summary{}, err
	}
	if len(list) == 0 {
		return Summary{}, nil
	}
	sum := Summary{Due: len(list)}
	// The pass is one transaction: written one by one, each fire cost two commits, and a
	// pass of 100 fires spent most of its time committing and checkpointing the log.
	err = s.db.Tx(ctx, func(tx *database.Tx) error {
		for _, d := range list {
			queued, skipped, err := s.fire(ctx, tx, d, now)
			if err != nil {
				return fmt.Errorf("scheduler: schedule %s: %w", d.id, err)
			}
			sum.Queued += queued
			sum.Skipped += skipped
		}
		return nil
	})
	if err != nil {
		return Summary{Due: len(list)}, err
	}
	return sum, nil
}

func (s *Scheduler) dueSchedules(ctx context.Context, now time.Time) ([]due, error) {
	rows, err := s.db.R.QueryContext(ctx, `
		SELECT s.id, s.campaign_id, s.agent_id, s.cron, COALESCE(s.timezone, c.timezone),
			s.message, s.overlap_policy, s.catch_up_policy, s.catch_up_cap, s.next_run_at,
			c.status, a.status, c.quiet_start, c.quiet_end
		FROM schedules s
		JOIN campaigns c ON c.id = s.campaign_id
		JOIN agents a ON a.id = s.agent_id AND a.campaign_id = s.campaign_id
		WHERE s.enabled = 1 AND s.next_run_at <= ?
		ORDER BY s.next_run_at LIMIT ?`, database.FormatTime(now), maxDue)
	if err != nil {
		return nil, fmt.Errorf("scheduler: due schedules: %w", err)
	}
	defer rows.Close()
	var out []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.campaignID, &d.agentID, &d.cron, &d.zone, &d.message,
			&d.overlap, &d.catchUp, &d.catchUpCap, database.Time(&d.next), &d.campaignStatus,
			&d.agentStatus, &d.quietStart, &d.quietEnd); err != nil {
			return nil, fmt.Errorf("scheduler: due schedules: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// fire decides and queues the runs of one due schedule, then moves it to its next fire.
func (s *Scheduler) fire(ctx context.Context, tx *database.Tx, d due, now time.Time) (int, int,
	error) {
	c, err := schedule.ParseCron(d.cron)
	if err != nil {
		return 0, 0, s.advance(ctx, tx, d, time.Time{}, "not fired: "+err.Error())
	}
	loc, err := time.LoadLocation(d.zone)
	if err != nil {
		loc = time.UTC
	}
	fires := missed(c, loc, d.next, now)
	next := c.Next(now, loc)
	chosen, note := choose(d, fires, now)
	if len(chosen) == 0 {
		return 0, len(fires), s.advance(ctx, tx, d, next, note)
	}
	if reason := s.held(ctx, d, now); reason != "" {
		return 0, len(fires), s.advance(ctx, tx, d, next, "skipped: "+reason)
	}
	if end, quiet := quietUntil(d, loc, chosen[len(chosen)-1]); quiet {
		return 0, 0, s.advance(ctx, tx, d, end, "waiting for the end of the quiet hours")
	}
	queued := 0
	for _, f := range chosen {
		at := f
		_, _, err := s.runs.CreateRunTx(ctx, tx, access.System(d.campaignID), run.NewRun{
			AgentID: d.agentID, Message: d.message, Trigger: run.TriggerScheduled,
			ScheduleID: d.id, FireAt: &at}, "")
		switch {
		case errors.Is(err, run.ErrClaimed):
			// Another pass, before a restart perhaps, already queued this fire.
		case err != nil:
			return queued, len(fires) - queued, s.advance(ctx, tx, d, next, "not fired: "+
				strings.TrimPrefix(err.Error(), "run: "))
		default:
			queued++
		}
	}
	return queued, len(fires) - queued, s.advance(ctx, tx, d, next, note)
}

// missed lists the fire times from first up to now, oldest first, at most maxWalk of them
// (the newest kept).
func missed(c schedule.Cron, loc *time.Location, first, now time.Time) []time.Time {
	fires := []time.Time{first}
	for t := first; len(fires) < maxWalk; {
		t = c.Next(t, loc)
		if t.IsZero() || t.After(now) {
			break
		}
		fires = append(fires, t)
	}
	return fires
}

// choose picks the fires to run: the newest when it is on time, and the missed ones as the
// catch-up policy says; note explains what was left out.
func choose(d due, fires []time.Time, now time.Time) ([]time.Time, string) {
	newest := fires[len(fires)-1]
	onTimeFire := now.Sub(newest) <= onTime
	older := fires[:len(fires)-1]
	if !onTimeFire {
		older = fires
	}
	var chosen []time.Time
	switch d.catchUp {
	case schedule.CatchUpAll:
		limit := d.catchUpCap
		if onTimeFire {
			limit--
		}
		if limit < len(older) {
			older = older[len(older)-max(limit, 0):]
		}
		chosen = append(chosen, older...)
	case schedule.CatchUpLatest:
		if !onTimeFire && len(older) > 0 {
			chosen = append(chosen, older[len(older)-1])
		}
	}
	if onTimeFire {
		chosen = append(chosen, newest)
	}
	note := ""
	if left := len(fires) - len(chosen); left > 0 {
		note = fmt.Sprintf("%d missed fires were skipped (catch-up: %s)", left, d.catchUp)
	}
	return chosen, note
}

// held says why the schedule's runs may not start now, or "".
func (s *Scheduler) held(ctx context.Context, d due, now time.Time) string {
	switch {
	case d.campaignStatus != "active":
		return "the campaign is " + d.campaignStatus
	case d.agentStatus == "paused" || d.agentStatus == "disabled":
		return "the agent is " + d.agentStatus
	}
	if d.overlap == schedule.OverlapSkip {
		var busy int
		err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM runs
			WHERE campaign_id = ? AND schedule_id = ? AND status IN ('pending', 'running')`,
			d.campaignID, d.id).Scan(&busy)
		if err == nil && busy > 0 {
			return "the previous run is still going"
		}
	}
	over, err := s.runs.Over(ctx, d.campaignID, now)
	if err == nil && over != "" {
		return over
	}
	return ""
}

// quietUntil reports whether t falls in the campaign's quiet hours and, if so, when they end.
func quietUntil(d due, loc *time.Location, t time.Time) (time.Time, bool) {
	if !d.quietStart.Valid || !d.quietEnd.Valid {
		return time.Time{}, false
	}
	start, err1 := time.Parse("15:04", d.quietStart.String)
	end, err2 := time.Parse("15:04", d.quietEnd.String)
	if err1 != nil || err2 != nil {
		return time.Time{}, false
	}
	local := t.In(loc)
	clock := func(day time.Time, c time.Time) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), c.Hour(), c.Minute(), 0, 0, loc)
	}
	s, e := clock(local, start), clock(local, end)
	switch {
	case !e.After(s) && !local.Before(s):
		// The window spans midnight and t is in its evening part.
		return e.AddDate(0, 0, 1), true
	case !e.After(s) && local.Before(e):
		// The window spans midnight and t is in its morning part.
		return e, true
	case e.After(s) && !local.Before(s) && local.Before(e):
		return e, true
	}
	return time.Time{}, false
}

// advance moves the schedule to its next fire time and records the note, unless another
// pass has moved it already.
func (s *Scheduler) advance(ctx context.Context, tx *database.Tx, d due, next time.Time,
	note string) error {
	var nextAt any
	if !next.IsZero() {
		nextAt = database.FormatTime(next)
	}
	_, err := tx.ExecContext(ctx, `UPDATE schedules SET next_run_at = ?, note = ?
		WHERE campaign_id = ? AND id = ? AND next_run_at = ?`,
		nextAt, note, d.campaignID, d.id, database.FormatTime(d.next))
	if err != nil {
		return fmt.Errorf("advance: %w", err)
	}
	return nil
}
