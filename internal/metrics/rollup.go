package metrics

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/clawops/clawops/internal/database"
)

// span is a run of consecutive calendar days of one campaign and where they begin and end in
// UTC. bounds holds len(dates)+1 instants in the stored text form: day i is
// [bounds[i], bounds[i+1]). Days are cut at local midnight, so a day of a DST change is 23 or 25
// hours long.
type span struct {
	dates  []string
	bounds []string
}

// newSpan covers the calendar days from..to inclusive (their dates; the clock and zone of
// from and to are ignored) in loc.
func newSpan(loc *time.Location, from, to time.Time) span {
	from, to = dateOf(from), dateOf(to)
	var sp span
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		sp.dates = append(sp.dates, d.Format(time.DateOnly))
		sp.bounds = append(sp.bounds, database.FormatTime(localMidnight(d, loc)))
	}
	sp.bounds = append(sp.bounds, database.FormatTime(localMidnight(to.AddDate(0, 0, 1), loc)))
	return sp
}

// localMidnight is the first instant of the date of d in loc. On the rare zone whose clocks
// skip midnight itself, time.Date moves forward to the first instant that exists.
func localMidnight(d time.Time, loc *time.Location) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
}

// dateOf drops the clock and zone of t, keeping its calendar date.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func (sp span) start() string { return sp.bounds[0] }
func (sp span) end() string   { return sp.bounds[len(sp.bounds)-1] }

// day is the index of the day a stored instant falls on, or -1 outside the span. Stored times
// have a fixed width, so comparing their text compares the instants.
func (sp span) day(at string) int {
	i := sort.SearchStrings(sp.bounds, at)
	if i == len(sp.bounds) || sp.bounds[i] != at {
		i--
	}
	if i < 0 || i >= len(sp.dates) {
		return -1
	}
	return i
}

// tally is a span's figures while they are counted; money is kept in whole micro-dollars so
// that sums carry no floating-point noise.
type tally struct {
	days      []Day
	costMicro []int64
}

// counter is one indexed range read of the rollup: a query over [start, end) of one campaign
// whose first column is the instant that places the row on a day.
type counter struct {
	name string
	sql  string
	add  func(d *Day, cost *int64, vals []sql.RawBytes) error
	// figure, for a counter that only counts rows, is the day's figure it adds one to. A
	// single day is then counted by SQLite instead of row by row here.
	figure func(d *Day) *int
}

// counters read every figure of a span. Each query walks one index range of one campaign; none
// scans a whole table.
var counters = []counter{
	{"leads created", `SELECT created_at FROM leads
		WHERE campaign_id = ? AND created_at >= ? AND created_at < ?`,
		func(d *Day, _ *int64, _ []sql.RawBytes) error { d.LeadsGenerated++; return nil },
		func(d *Day) *int { return &d.LeadsGenerated }},
	{"contacts created", `SELECT created_at FROM hoa_contacts
		WHERE campaign_id = ? AND created_at >= ? AND created_at < ?`,
		func(d *Day, _ *int64, _ []sql.RawBytes) error { d.LeadsGenerated++; return nil },
		func(d *Day) *int { return &d.LeadsGenerated }},
	{"leads contacted", `SELECT last_contacted_at FROM leads
		WHERE campaign_id = ? AND last_contacted_at >= ? AND last_contacted_at < ?`,
		func(d *Day, _ *int64, _ []sql.RawBytes) error { d.LeadsContacted++; return nil },
		func(d *Day) *int { return &d.LeadsContacted }},
	{"contacts contacted", `SELECT last_contacted_at FROM hoa_contacts
		WHERE campaign_id = ? AND last_contacted_at >= ? AND last_contacted_at < ?`,
		func(d *Day, _ *int64, _ []sql.RawBytes) error { d.LeadsContacted++; return nil },
		func(d *Day) *int { return &d.LeadsContacted }},
	{"prospects emailed", `SELECT first_email_sent_at FROM email_prospects
		WHERE campaign_id = ? AND first_email_sent_at >= ? AND first_email_sent_at < ?`,
		func(d *Day, _ *int64, _ []sql.RawBytes) error { d.EmailsSent++; return nil },
		func(d *Day) *int { return &d.EmailsSent }},
	{"email content posted", `SELECT posted_at FROM content_queue
		WHERE campaign_id = ? AND posted_at >= ? AND posted_at < ?
			AND status = 'posted' AND lower(platform) = 'email'`,
		func(d *Day, _ *int64, _ []sql.RawBytes) error { d.EmailsSent++; return nil },
		func(d *Day) *int { return &d.EmailsSent }},
	// The status list and the COALESCE repeat runs_campaign_ended_idx word for word, which is
	// what lets the planner use that partial expression index. A run cancelled before it
	// started never ran, so it is not counted. json_extract is SQLite's JSON
	// reader; a result without valid JSON, or with a count that is not a number, adds nothing.
	{"runs", `SELECT COALESCE(finished_at, created_at), status, cost_usd,
			CASE WHEN metrics = '{}' OR NOT json_valid(metrics) THEN 0 ELSE
				MAX(0, COALESCE(CAST(json_extract(metrics, '$.emailsSent') AS INTEGER), 0)) END,
			CASE WHEN metrics = '{}' OR NOT json_valid(metrics) THEN 0 ELSE
				MAX(0, COALESCE(CAST(json_extract(metrics, '$.emailsOpened') AS INTEGER), 0)) END,
			CASE WHEN metrics = '{}' OR NOT json_valid(metrics) THEN 0 ELSE
				MAX(0, COALESCE(CAST(json_extract(metrics, '$.repliesReceived') AS INTEGER), 0))
			END
		FROM runs
		WHERE campaign_id = ? AND status IN ('completed', 'failed', 'timeout', 'cancelled')
			AND COALESCE(finished_at, created_at) >= ? AND COALESCE(finished_at, created_at) < ?
			AND NOT (status = 'cancelled' AND started_at IS NULL)`,
		addRun, nil},
}

// addRun counts one ended run: its outcome, its cost and the increments its agent reported.
func addRun(d *Day, cost *int64, vals []sql.RawBytes) error {
	d.AgentRuns++
	if s := string(vals[1]); s == "failed" || s == "timeout" {
		d.AgentErrors++
	}
	var usd float64
	var sent, opened, replies int
	for i, dst := range []any{&usd, &sent, &opened, &replies} {
		if err := convert(vals[i+2], dst); err != nil {
			return err
		}
	}
	*cost += toMicro(usd)
	d.EmailsSent += sent
	d.EmailsOpened += opened
	d.RepliesReceived += replies
	return nil
}

// convert reads a number column read as raw bytes into a *float64 or an *int.
func convert(b sql.RawBytes, dst any) error {
	if len(b) == 0 {
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("read %q: %w", b, err)
	}
	switch p := dst.(type) {
	case *float64:
		*p = f
	case *int:
		*p = int(f)
	}
	return nil
}

// toMicro turns dollars into whole micro-dollars, rounding away float noise.
func toMicro(usd float64) int64 {
	if math.IsNaN(usd) || math.IsInf(usd, 0) {
		return 0
	}
	return int64(math.Round(usd * 1e6))
}

// querier is what the rollup reads through: a write transaction, or a read-only one.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// count computes every day of sp for one campaign from the tables.
func count(ctx context.Context, q querier, campaignID string, sp span) ([]Day, error) {
	t := tally{days: make([]Day, len(sp.dates)), costMicro: make([]int64, len(sp.dates))}
	for i := range t.days {
		t.days[i].Date = sp.dates[i]
	}
	for _, c := range counters {
		if err := c.read(ctx, q, campaignID, sp, &t); err != nil {
			return nil, fmt.Errorf("metrics: count %s of %s from %s: %w", c.name, campaignID,
				sp.dates[0], err)
		}
	}
	for i := range t.days {
		t.days[i].CostUSD = float64(t.costMicro[i]) / 1e6
	}
	return t.days, nil
}

func (c counter) read(ctx context.Context, q querier, campaignID string, sp span,
	t *tally) error {
	if c.figure != nil && len(sp.dates) == 1 {
		var n int
		err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM ("+c.sql+")", campaignID,
			sp.start(), sp.end()).Scan(&n)
		*c.figure(&t.days[0]) += n
		return err
	}
	rows, err := q.QueryContext(ctx, c.sql, campaignID, sp.start(), sp.end())
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]sql.RawBytes, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		i := sp.day(string(vals[0]))
		if i < 0 {
			continue
		}
		if err := c.add(&t.days[i], &t.costMicro[i], vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

// execer is what the rollup writes through.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// store writes the days of one campaign and reports how many rows changed. A day without
// anything to count gets no row unless it had one, which is then zeroed; a row whose figures
// are already right is left alone, so recomputing twice changes nothing.
func store(ctx context.Context, tx execer, campaignID string, days []Day, now string) (int, error) {
	changed := 0
	for _, d := range days {
		q := upsertDay
		if d.zero() {
			q = zeroDay
		}
		args := []any{campaignID, d.Date, d.LeadsGenerated, d.LeadsContacted, d.EmailsSent,
			d.EmailsOpened, d.RepliesReceived, d.AgentRuns, d.AgentErrors, d.CostUSD, now}
		if d.zero() {
			args = []any{now, campaignID, d.Date}
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return changed, fmt.Errorf("metrics: store %s %s: %w", campaignID, d.Date, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return changed, fmt.Errorf("metrics: store %s %s: %w", campaignID, d.Date, err)
		}
		changed += int(n)
	}
	return changed, nil
}

// upsertDay writes a day's figures unless the row already holds them. The conditional
// DO UPDATE is shared by SQLite and PostgreSQL.
const upsertDay = `
	INSERT INTO campaign_metrics (campaign_id, date, leads_generated, leads_contacted,
		emails_sent, emails_opened, replies_received, agent_runs, agent_errors, cost_usd,
		updated_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (campaign_id, date) DO UPDATE SET
		leads_generated = excluded.leads_generated, leads_contacted = excluded.leads_contacted,
		emails_sent = excluded.emails_sent, emails_opened = excluded.emails_opened,
		replies_received = excluded.replies_received, agent_runs = excluded.agent_runs,
		agent_errors = excluded.agent_errors, cost_usd = excluded.cost_usd,
		updated_at = excluded.updated_at
	WHERE campaign_metrics.leads_generated <> excluded.leads_generated
		OR campaign_metrics.leads_contacted <> excluded.leads_contacted
		OR campaign_metrics.emails_sent <> excluded.emails_sent
		OR campaign_metrics.emails_opened <> excluded.emails_opened
		OR campaign_metrics.replies_received <> excluded.replies_received
		OR campaign_metrics.agent_runs <> excluded.agent_runs
		OR campaign_metrics.agent_errors <> excluded.agent_errors
		OR campaign_metrics.cost_usd <> excluded.cost_usd`

// zeroDay empties a day that no longer has anything to count. The row stays: it may carry
// figures of the original console in its custom column.
const zeroDay = `
	UPDATE campaign_metrics SET leads_generated = 0, leads_contacted = 0, emails_sent = 0,
		emails_opened = 0, replies_received = 0, agent_runs = 0, agent_errors = 0, cost_usd = 0,
		updated_at = ?
	WHERE campaign_id = ? AND date = ? AND (leads_generated <> 0 OR leads_contacted <> 0
		OR emails_sent <> 0 OR emails_opened <> 0 OR replies_received <> 0 OR agent_runs <> 0
		OR agent_errors <> 0 OR cost_usd <> 0)`

func (d Day) zero() bool { return d == Day{Date: d.Date} }
