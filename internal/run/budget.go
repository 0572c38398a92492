package run

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
)

// campaignRow is what running an agent needs to know of its campaign.
type campaignRow struct {
	id, slug, name, company, timezone, status string
	config                                    json.RawMessage
	daily, monthly                            sql.NullFloat64
	warnedDay, warnedMonth                    string
}

func (c campaignRow) location() *time.Location {
	loc, err := time.LoadLocation(c.timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

func loadCampaign(ctx context.Context, q querier, id string) (campaignRow, error) {
	var c campaignRow
	var config string
	err := q.QueryRowContext(ctx, `
		SELECT id, slug, name, company, timezone, status, config, daily_budget_usd,
			monthly_budget_usd, COALESCE(budget_warned_day, ''),
			COALESCE(budget_warned_month, '')
		FROM campaigns WHERE id = ?`, id).Scan(&c.id, &c.slug, &c.name, &c.company,
		&c.timezone, &c.status, &config, &c.daily, &c.monthly, &c.warnedDay, &c.warnedMonth)
	if database.IsNoRows(err) {
		return c, fmt.Errorf("run: campaign %s: %w", id, derrors.NotFound)
	}
	if err != nil {
		return c, fmt.Errorf("run: campaign %s: %w", id, err)
	}
	c.config = json.RawMessage(config)
	return c, nil
}

// spend is what a campaign's runs have cost today and this month, in its own time zone,
// against its budget.
type spend struct {
	day, month         float64
	dailyCap, monthCap sql.NullFloat64
	dayKey, monthKey   string
}

// spending sums the cost of the campaign's runs since the start of its day and its month.
func spending(ctx context.Context, q querier, c campaignRow, now time.Time) (spend, error) {
	local := now.In(c.location())
	dayStart := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, local.Location())
	monthStart := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, local.Location())
	s := spend{dailyCap: c.daily, monthCap: c.monthly, dayKey: local.Format(time.DateOnly),
		monthKey: local.Format("2006-01")}
	if !c.daily.Valid && !c.monthly.Valid {
		return s, nil
	}
	err := q.QueryRowContext(ctx, `
		SELECT COALESCE(SUM(CASE WHEN created_at >= ? THEN cost_usd END), 0),
			COALESCE(SUM(cost_usd), 0)
		FROM runs WHERE campaign_id = ? AND created_at >= ?`,
		database.FormatTime(dayStart), c.id, database.FormatTime(monthStart)).Scan(&s.day,
		&s.month)
	if err != nil {
		return s, fmt.Errorf("run: spending of %s: %w", c.id, err)
	}
	return s, nil
}

// over says which budget is spent, or "" when none is.
func (s spend) over() string {
	switch {
	case s.dailyCap.Valid && s.day >= s.dailyCap.Float64:
		return fmt.Sprintf("the daily budget of $%.2f is spent ($%.2f today)",
			s.dailyCap.Float64, s.day)
	case s.monthCap.Valid && s.month >= s.monthCap.Float64:
		return fmt.Sprintf("the monthly budget of $%.2f is spent ($%.2f this month)",
			s.monthCap.Float64, s.month)
	}
	return ""
}

// Over says whether scheduled runs of the campaign must be skipped for its budget, and why.
func (s *Store) Over(ctx context.Context, campaignID string, now time.Time) (string, error) {
	c, err := loadCampaign(ctx, s.db.R, campaignID)
	if err != nil {
		return "", err
	}
	sp, err := spending(ctx, s.db.R, c, now)
	if err != nil {
		return "", err
	}
	return sp.over(), nil
}

// warnBudget writes one feed warning per day and per month when a campaign's spending passes
// 80 % of a budget, and remembers it so that the warning is not repeated.
func (s *Store) warnBudget(ctx context.Context, tx *database.Tx, c campaignRow) error {
	sp, err := spending(ctx, tx, c, s.now())
	if err != nil {
		return err
	}
	type check struct {
		cap       sql.NullFloat64
		spent     float64
		key, seen string
		column    string
		period    string
	}
	for _, ch := range []check{
		{sp.dailyCap, sp.day, sp.dayKey, c.warnedDay, "budget_warned_day", "daily"},
		{sp.monthCap, sp.month, sp.monthKey, c.warnedMonth, "budget_warned_month", "monthly"},
	} {
		if !ch.cap.Valid || ch.spent < 0.8*ch.cap.Float64 {
			continue
		}
		// Each period is warned once at 80 % and once more when the budget is spent.
		level := "80"
		if ch.spent >= ch.cap.Float64 {
			level = "100"
		}
		mark := ch.key + ":" + level
		if ch.seen == mark || ch.seen == ch.key+":100" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE campaigns SET `+ch.column+` = ?
			WHERE id = ?`, mark, c.id); err != nil {
			return fmt.Errorf("run: note budget warning: %w", err)
		}
		title := fmt.Sprintf("%.0f %% of the %s budget spent", 100*ch.spent/ch.cap.Float64,
			ch.period)
		detail := fmt.Sprintf("Runs have cost $%.2f of $%.2f.", ch.spent, ch.cap.Float64)
		if level == "100" {
			title = "The " + ch.period + " budget is spent"
			detail += " Scheduled runs are skipped until it renews; manual runs need an override."
		}
		if err := s.activity.Record(ctx, tx, access.System(c.id), activity.Entry{
			Type: "budget.warning", Severity: activity.Warning, Title: title,
			Detail: detail}); err != nil {
			return err
		}
	}
	return nil
}
