// Package metrics keeps the daily rollup of each campaign — leads, emails, replies, runs,
// errors and cost — counted by day in the campaign's own timezone.
package metrics

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/internal/event"
)

// MaxRange is the longest span a listing or recompute may cover.
const MaxRange = 366

// ErrNotFound is a campaign that does not exist.
var ErrNotFound = fmt.Errorf("metrics: campaign %w", derrors.NotFound)

// Day is one campaign's numbers for one calendar day in the campaign's timezone:
//   - LeadsGenerated: leads and HOA contacts created that day;
//   - LeadsContacted: leads and HOA contacts whose last contact falls on the day;
//   - EmailsSent: email prospects first emailed that day, email-platform content posted that
//     day, and the emailsSent increments of the runs that ended that day;
//   - EmailsOpened, RepliesReceived: the increments agents reported in the results of the
//     runs that ended that day;
//   - AgentRuns: runs that ended that day, whatever their outcome, except runs cancelled before
//     they started (a run imported without an end time counts on the day it was created);
//     AgentErrors: those that failed or timed out;
//   - CostUSD: what those runs cost, rounded to a millionth of a dollar.
type Day struct {
	Date            string  `json:"date"`
	LeadsGenerated  int     `json:"leadsGenerated"`
	LeadsContacted  int     `json:"leadsContacted"`
	EmailsSent      int     `json:"emailsSent"`
	EmailsOpened    int     `json:"emailsOpened"`
	RepliesReceived int     `json:"repliesReceived"`
	AgentRuns       int     `json:"agentRuns"`
	AgentErrors     int     `json:"agentErrors"`
	CostUSD         float64 `json:"costUsd"`
}

// Store reads and rebuilds the rollup.
type Store struct {
	db     *database.DB
	broker *event.Broker
	now    func() time.Time

	mu    sync.Mutex
	zones map[string]*time.Location
}

// NewStore returns a store over db; broker may be nil.
func NewStore(db *database.DB, broker *event.Broker) *Store {
	return &Store{db: db, broker: broker, now: time.Now, zones: map[string]*time.Location{}}
}

// Days lists the rollup from..to inclusive (dates as YYYY-MM-DD), one row per day, days without
// a row as zeros.
func (s *Store) Days(ctx context.Context, sc access.Scope, from, to time.Time) ([]Day, error) {
	rows, err := s.db.R.QueryContext(ctx, `
		SELECT date, leads_generated, leads_contacted, emails_sent, emails_opened,
			replies_received, agent_runs, agent_errors, cost_usd
		FROM campaign_metrics
		WHERE campaign_id = ? AND date >= ? AND date <= ?
		ORDER BY date`, sc.CampaignID(), from.Format(time.DateOnly), to.Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("metrics: days of %s: %w", sc.CampaignID(), err)
	}
	defer rows.Close()
	stored := map[string]Day{}
	for rows.Next() {
		var d Day
		if err := rows.Scan(&d.Date, &d.LeadsGenerated, &d.LeadsContacted, &d.EmailsSent,
			&d.EmailsOpened, &d.RepliesReceived, &d.AgentRuns, &d.AgentErrors,
			&d.CostUSD); err != nil {
			return nil, fmt.Errorf("metrics: days of %s: %w", sc.CampaignID(), err)
		}
		stored[d.Date] = d
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: days of %s: %w", sc.CampaignID(), err)
	}
	out := []Day{}
	for day := from; !day.After(to); day = day.AddDate(0, 0, 1) {
		key := day.Format(time.DateOnly)
		d, ok := stored[key]
		if !ok {
			d = Day{Date: key}
		}
		out = append(out, d)
	}
	return out, nil
}

// Updated is the payload of a metrics.updated event: the campaign and the dates whose
// figures were rebuilt.
type Updated struct {
	CampaignID string `json:"campaignId"`
	From       string `json:"from"`
	To         string `json:"to"`
}

// recomputeChunk is how many days one transaction of Recompute rebuilds, so that a long
// range never holds the writer for long.
const recomputeChunk = 92

// Recompute rebuilds the rollup of from..to inclusive (their calendar dates) from the
// campaign's runs and records, cutting days at midnight in the campaign's timezone, and
// returns the days. Recomputing twice gives the same rows.
func (s *Store) Recompute(ctx context.Context, sc access.Scope, from, to time.Time) ([]Day, error) {
	from, to = dateOf(from), dateOf(to)
	if to.Before(from) {
		return nil, fmt.Errorf("metrics: recompute %s: the range ends before it starts",
			sc.CampaignID())
	}
	var days []Day
	for start := from; !start.After(to); start = start.AddDate(0, 0, recomputeChunk) {
		end := start.AddDate(0, 0, recomputeChunk-1)
		if end.After(to) {
			end = to
		}
		err := s.db.Tx(ctx, func(tx *database.Tx) error {
			loc, err := s.location(ctx, tx, sc.CampaignID())
			if err != nil {
				return err
			}
			chunk, err := count(ctx, tx, sc.CampaignID(), newSpan(loc, start, end))
			if err != nil {
				return err
			}
			if _, err := store(ctx, tx, sc.CampaignID(), chunk, s.stamp()); err != nil {
				return err
			}
			s.announce(tx, sc.CampaignID(), chunk[0].Date, chunk[len(chunk)-1].Date)
			days = append(days, chunk...)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("metrics: recompute %s: %w", sc.CampaignID(), err)
		}
	}
	return days, nil
}

// RecomputeHistory rebuilds every day the campaign's rollup holds, and two days either side,
// after the campaign's timezone changed: the new midnight moves rows onto other days, by two at
// the most. A campaign without any rollup rows has nothing to move.
func (s *Store) RecomputeHistory(ctx context.Context, sc access.Scope) error {
	var first sql.NullString
	err := s.db.R.QueryRowContext(ctx, `SELECT MIN(date) FROM campaign_metrics
		WHERE campaign_id = ?`, sc.CampaignID()).Scan(&first)
	if err != nil {
		return fmt.Errorf("metrics: history of %s: %w", sc.CampaignID(), err)
	}
	if !first.Valid {
		return nil
	}
	from, err := time.Parse(time.DateOnly, first.String)
	if err != nil {
		return fmt.Errorf("metrics: history of %s: %w", sc.CampaignID(), err)
	}
	_, err = s.Recompute(ctx, sc, from.AddDate(0, 0, -2), s.now().AddDate(0, 0, 2))
	return err
}

// Refresh recomputes, inside the caller's write transaction, the days of one campaign that
// contain the given instants, so that a change and its figures commit together. Listeners of
// the campaign hear metrics.updated once tx commits. Writers call it for the days their change
// touched: a run that ended, a lead created or contacted, a prospect first emailed, an email
// posted. Zero instants are ignored.
func (s *Store) Refresh(ctx context.Context, tx *database.Tx, campaignID string,
	at ...time.Time) error {
	_, dates, err := s.refresh(ctx, tx, campaignID, at...)
	if err != nil {
		return err
	}
	if len(dates) > 0 {
		s.announce(tx, campaignID, dates[0], dates[len(dates)-1])
	}
	return nil
}

// Created adds n leads or contacts created at the instant at to the leads generated on its
// day, inside the caller's write transaction, instead of counting the day again as Refresh
// does: a bulk write into a campaign that has already gained a million leads that day would
// otherwise read all of them once more. The stored figure is exact because every write of
// leads and contacts refreshes or adds to it in its own transaction; a day without stored
// figures yet is counted whole.
func (s *Store) Created(ctx context.Context, tx *database.Tx, campaignID string,
	at time.Time, n int) error {
	if n <= 0 || at.IsZero() {
		return nil
	}
	loc, err := s.location(ctx, tx, campaignID)
	if err != nil {
		return fmt.Errorf("metrics: created %s: %w", campaignID, err)
	}
	date := dateOf(at.In(loc)).Format(time.DateOnly)
	res, err := tx.ExecContext(ctx, `UPDATE campaign_metrics
		SET leads_generated = leads_generated + ?, updated_at = ?
		WHERE campaign_id = ? AND date = ?`, n, s.stamp(), campaignID, date)
	if err != nil {
		return fmt.Errorf("metrics: created %s %s: %w", campaignID, date, err)
	}
	stored, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("metrics: created %s %s: %w", campaignID, date, err)
	}
	if stored == 0 {
		return s.Refresh(ctx, tx, campaignID, at)
	}
	s.announce(tx, campaignID, date, date)
	return nil
}

// refresh is Refresh without the announcement. It reports how many stored rows changed and
// the first and last date it rebuilt.
func (s *Store) refresh(ctx context.Context, tx *database.Tx, campaignID string,
	at ...time.Time) (int, []string, error) {
	at = slices.DeleteFunc(slices.Clone(at), time.Time.IsZero)
	if len(at) == 0 {
		return 0, nil, nil
	}
	loc, err := s.location(ctx, tx, campaignID)
	if err != nil {
		return 0, nil, fmt.Errorf("metrics: refresh %s: %w", campaignID, err)
	}
	dates := make([]time.Time, len(at))
	for i, t := range at {
		dates[i] = dateOf(t.In(loc))
	}
	slices.SortFunc(dates, time.Time.Compare)
	dates = slices.Compact(dates)
	changed := 0
	for _, run := range consecutive(dates) {
		days, err := count(ctx, tx, campaignID, newSpan(loc, run[0], run[1]))
		if err != nil {
			return changed, nil, err
		}
		n, err := store(ctx, tx, campaignID, days, s.stamp())
		changed += n
		if err != nil {
			return changed, nil, err
		}
	}
	return changed, []string{dates[0].Format(time.DateOnly),
		dates[len(dates)-1].Format(time.DateOnly)}, nil
}

// consecutive groups sorted, distinct dates into runs of consecutive days, each given as its
// first and last date, so that neighbouring days are counted by one read per table.
func consecutive(dates []time.Time) [][2]time.Time {
	var out [][2]time.Time
	for _, d := range dates {
		if n := len(out); n > 0 && out[n-1][1].AddDate(0, 0, 1).Equal(d) {
			out[n-1][1] = d
			continue
		}
		out = append(out, [2]time.Time{d, d})
	}
	return out
}

// Repair recomputes today and yesterday, in each campaign's own timezone, of every active
// campaign, catching whatever a writer did not refresh. It returns how many campaigns had
// figures that changed; those campaigns' listeners hear metrics.updated.
func (s *Store) Repair(ctx context.Context) (int, error) {
	ids, err := s.CampaignIDs(ctx, true)
	if err != nil {
		return 0, err
	}
	now := s.now()
	fixed := 0
	for _, id := range ids {
		var changed int
		err := s.db.Tx(ctx, func(tx *database.Tx) error {
			n, dates, err := s.refresh(ctx, tx, id, now.Add(-24*time.Hour), now)
			if n > 0 {
				s.announce(tx, id, dates[0], dates[1])
			}
			changed = n
			return err
		})
		if err != nil {
			return fixed, fmt.Errorf("metrics: repair %s: %w", id, err)
		}
		if changed > 0 {
			slog.Info("Repaired daily metrics", "campaign_id", id, "rows", changed)
			fixed++
		}
	}
	return fixed, nil
}

// CampaignIDs lists every campaign, or only the active ones, for work done across campaigns
// by the server itself.
func (s *Store) CampaignIDs(ctx context.Context, activeOnly bool) ([]string, error) {
	q := `SELECT id FROM campaigns ORDER BY id`
	if activeOnly {
		q = `SELECT id FROM campaigns WHERE status = 'active' ORDER BY id`
	}
	rows, err := s.db.R.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("metrics: list campaigns: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("metrics: list campaigns: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: list campaigns: %w", err)
	}
	return ids, nil
}

// location is the campaign's timezone, read in tx so that it is the one the change sees. An
// unknown zone counts in UTC. Loaded zones are kept, since loading one reads the zone database.
func (s *Store) location(ctx context.Context, tx *database.Tx,
	campaignID string) (*time.Location, error) {
	var tz string
	err := tx.QueryRowContext(ctx, `SELECT timezone FROM campaigns WHERE id = ?`,
		campaignID).Scan(&tz)
	if database.IsNoRows(err) {
		return nil, fmt.Errorf("metrics: campaign %s: %w", campaignID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("metrics: timezone of %s: %w", campaignID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if loc, ok := s.zones[tz]; ok {
		return loc, nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	s.zones[tz] = loc
	return loc, nil
}

// announce tells the campaign's listeners, once tx commits, which days were rebuilt.
func (s *Store) announce(tx *database.Tx, campaignID, from, to string) {
	if s.broker == nil {
		return
	}
	u := Updated{CampaignID: campaignID, From: from, To: to}
	tx.OnCommit(func() {
		s.broker.Publish(event.Event{Type: "metrics.updated", CampaignID: campaignID, Data: u})
	})
}

func (s *Store) stamp() string { return database.FormatTime(s.now()) }
