// Package metrics keeps the daily rollup of each campaign — leads, emails, replies, runs,
// errors and cost — counted by day in the campaign's own timezone.
package metrics

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/event"
)

// MaxRange is the longest span a listing or recompute may cover.
const MaxRange = 366

// Day is one campaign's numbers for one calendar day.
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
}

// NewStore returns a store over db; broker may be nil.
func NewStore(db *database.DB, broker *event.Broker) *Store {
	return &Store{db: db, broker: broker, now: time.Now}
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

// Recompute rebuilds the rollup of from..to inclusive from the campaign's runs and records,
// cutting days at midnight in the campaign's timezone. Recomputing twice gives the same rows.
func (s *Store) Recompute(ctx context.Context, sc access.Scope, from, to time.Time) ([]Day, error) {
	var tz string
	err := s.db.R.QueryRowContext(ctx, `SELECT timezone FROM campaigns WHERE id = ?`,
		sc.CampaignID()).Scan(&tz)
	if err != nil {
		return nil, fmt.Errorf("metrics: recompute %s: %w", sc.CampaignID(), err)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	now := database.FormatTime(s.now())
	var days []Day
	err = s.db.Tx(ctx, func(tx *database.Tx) error {
		for day := from; !day.After(to); day = day.AddDate(0, 0, 1) {
			start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
			end := start.AddDate(0, 0, 1)
			d, err := count(ctx, tx, sc.CampaignID(), start, end)
			if err != nil {
				return err
			}
			d.Date = day.Format(time.DateOnly)
			if err := upsert(ctx, tx, sc.CampaignID(), d, now); err != nil {
				return err
			}
			days = append(days, d)
		}
		if s.broker != nil {
			tx.OnCommit(func() {
				s.broker.Publish(event.Event{Type: "metrics.updated", CampaignID: sc.CampaignID(),
					Data: map[string]any{"campaignId": sc.CampaignID(),
						"from": from.Format(time.DateOnly), "to": to.Format(time.DateOnly)}})
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return days, nil
}

// count computes one day's numbers; [start, end) are the day's bounds in UTC.
func count(ctx context.Context, tx *database.Tx, campaignID string, start, end time.Time) (Day, error) {
	a, b := database.FormatTime(start), database.FormatTime(end)
	var d Day
	err := tx.QueryRowContext(ctx, `
		SELECT
			(SELECT COUNT(*) FROM leads WHERE campaign_id = ? AND created_at >= ? AND created_at < ?)
			+ (SELECT COUNT(*) FROM hoa_contacts
				WHERE campaign_id = ? AND created_at >= ? AND created_at < ?),
			(SELECT COUNT(*) FROM leads
				WHERE campaign_id = ? AND last_contacted_at >= ? AND last_contacted_at < ?)
			+ (SELECT COUNT(*) FROM hoa_contacts
				WHERE campaign_id = ? AND last_contacted_at >= ? AND last_contacted_at < ?),
			(SELECT COUNT(*) FROM email_prospects
				WHERE campaign_id = ? AND first_email_sent_at >= ? AND first_email_sent_at < ?)
			+ (SELECT COUNT(*) FROM content_queue WHERE campaign_id = ? AND platform = 'email'
				AND status = 'posted' AND posted_at >= ? AND posted_at < ?),
			(SELECT COUNT(*) FROM runs WHERE campaign_id = ? AND created_at >= ? AND created_at < ?),
			(SELECT COUNT(*) FROM runs WHERE campaign_id = ? AND status IN ('failed', 'timeout')
				AND created_at >= ? AND created_at < ?),
			(SELECT COALESCE(SUM(cost_usd), 0) FROM runs
				WHERE campaign_id = ? AND created_at >= ? AND created_at < ?)`,
		campaignID, a, b, campaignID, a, b, campaignID, a, b, campaignID, a, b,
		campaignID, a, b, campaignID, a, b, campaignID, a, b, campaignID, a, b,
		campaignID, a, b).Scan(&d.LeadsGenerated, &d.LeadsContacted, &d.EmailsSent,
		&d.AgentRuns, &d.AgentErrors, &d.CostUSD)
	if err != nil {
		return Day{}, fmt.Errorf("metrics: count %s %s: %w", campaignID, a, err)
	}
	// Opens, replies and extra sends are the increments agents report in their results.
	rows, err := tx.QueryContext(ctx, `
		SELECT metrics FROM runs
		WHERE campaign_id = ? AND created_at >= ? AND created_at < ? AND metrics <> '{}'`,
		campaignID, a, b)
	if err != nil {
		return Day{}, fmt.Errorf("metrics: run increments %s %s: %w", campaignID, a, err)
	}
	defer rows.Close()
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return Day{}, fmt.Errorf("metrics: run increments %s %s: %w", campaignID, a, err)
		}
		var inc struct{ EmailsOpened, RepliesReceived, EmailsSent int }
		if json.Unmarshal([]byte(raw), &inc) == nil {
			d.EmailsOpened += inc.EmailsOpened
			d.RepliesReceived += inc.RepliesReceived
			d.EmailsSent += inc.EmailsSent
		}
	}
	return d, rows.Err()
}

func upsert(ctx context.Context, tx *database.Tx, campaignID string, d Day, now string) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO campaign_metrics (campaign_id, date, leads_generated, leads_contacted,
			emails_sent, emails_opened, replies_received, agent_runs, agent_errors, cost_usd,
			updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (campaign_id, date) DO UPDATE SET
			leads_generated = excluded.leads_generated, leads_contacted = excluded.leads_contacted,
			emails_sent = excluded.emails_sent, emails_opened = excluded.emails_opened,
			replies_received = excluded.replies_received, agent_runs = excluded.agent_runs,
			agent_errors = excluded.agent_errors, cost_usd = excluded.cost_usd,
			updated_at = excluded.updated_at`,
		campaignID, d.Date, d.LeadsGenerated, d.LeadsContacted, d.EmailsSent, d.EmailsOpened,
		d.RepliesReceived, d.AgentRuns, d.AgentErrors, d.CostUSD, now)
	if err != nil {
		return fmt.Errorf("metrics: store %s %s: %w", campaignID, d.Date, err)
	}
	return nil
}
