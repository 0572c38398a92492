package campaign

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/database"
)

// overdueGrace is how late an enabled schedule may be before it counts as overdue.
const overdueGrace = 5 * time.Minute

// Overview is the cross-campaign summary of the home page.
type Overview struct {
	Totals    Totals    `json:"totals"`
	Campaigns []Summary `json:"campaigns"`
}

// Totals add up the visible campaigns.
type Totals struct {
	Campaigns       int     `json:"campaigns"`
	ActiveCampaigns int     `json:"activeCampaigns"`
	Agents          int     `json:"agents"`
	Runs7d          int     `json:"runs7d"`
	FailedRuns7d    int     `json:"failedRuns7d"`
	Leads7d         int     `json:"leads7d"`
	EmailsSent7d    int     `json:"emailsSent7d"`
	CostUSD7d       float64 `json:"costUsd7d"`
}

// Summary is one campaign's card on the overview.
type Summary struct {
	ID               string     `json:"id"`
	Slug             string     `json:"slug"`
	Name             string     `json:"name"`
	Company          string     `json:"company"`
	Type             string     `json:"type"`
	Status           string     `json:"status"`
	Color            string     `json:"color"`
	Icon             string     `json:"icon"`
	AgentCount       int        `json:"agentCount"`
	ScheduleCount    int        `json:"scheduleCount"`
	Leads7d          int        `json:"leads7d"`
	LeadsPrev7d      int        `json:"leadsPrev7d"`
	Runs7d           int        `json:"runs7d"`
	FailedRuns7d     int        `json:"failedRuns7d"`
	OverdueSchedules int        `json:"overdueSchedules"`
	EmailsSent7d     int        `json:"emailsSent7d"`
	CostUSD7d        float64    `json:"costUsd7d"`
	LastActivityAt   *time.Time `json:"lastActivityAt"`
}

// NeedsAttention reports whether the card should be looked at first.
func (s Summary) NeedsAttention() bool { return s.FailedRuns7d > 0 || s.OverdueSchedules > 0 }

// Overview summarises every campaign p may see, archived ones included, ordered by status
// (active, paused, archived), then those needing attention, then name.
func (s *Store) Overview(ctx context.Context, p access.Principal) (Overview, error) {
	now := s.now().UTC()
	weekAgo := database.FormatTime(now.Add(-7 * 24 * time.Hour))
	twoWeeksAgo := database.FormatTime(now.Add(-14 * 24 * time.Hour))
	overdue := database.FormatTime(now.Add(-overdueGrace))
	weekAgoDate := now.Add(-7 * 24 * time.Hour).Format(time.DateOnly)

	vis, visArgs := visibility(p)
	args := []any{weekAgo, weekAgo, twoWeeksAgo, weekAgo, twoWeeksAgo, weekAgo, weekAgo, weekAgo,
		overdue, weekAgoDate, weekAgo}
	args = append(args, visArgs...)
	// Every subquery walks an index that starts with campaign_id, so the cost grows with the
	// rows of the last two weeks, not with the tables.
	rows, err := s.db.R.QueryContext(ctx, `
		SELECT c.id, c.slug, c.name, c.company, c.type, c.status, c.color, c.icon,
			(SELECT COUNT(*) FROM agents a WHERE a.campaign_id = c.id),
			(SELECT COUNT(*) FROM schedules s WHERE s.campaign_id = c.id),
			(SELECT COUNT(*) FROM leads l WHERE l.campaign_id = c.id AND l.created_at >= ?)
			+ (SELECT COUNT(*) FROM hoa_contacts h
				WHERE h.campaign_id = c.id AND h.created_at >= ?),
			(SELECT COUNT(*) FROM leads l
				WHERE l.campaign_id = c.id AND l.created_at >= ? AND l.created_at < ?)
			+ (SELECT COUNT(*) FROM hoa_contacts h
				WHERE h.campaign_id = c.id AND h.created_at >= ? AND h.created_at < ?),
			(SELECT COUNT(*) FROM runs r WHERE r.campaign_id = c.id AND r.created_at >= ?),
			(SELECT COUNT(*) FROM runs r WHERE r.campaign_id = c.id
				AND r.status IN ('failed', 'timeout') AND r.created_at >= ?),
			(SELECT COUNT(*) FROM schedules s WHERE s.campaign_id = c.id AND s.enabled = 1
				AND c.status = 'active' AND s.next_run_at < ?),
			(SELECT COALESCE(SUM(m.emails_sent), 0) FROM campaign_metrics m
				WHERE m.campaign_id = c.id AND m.date > ?),
			(SELECT COALESCE(SUM(r.cost_usd), 0) FROM runs r
				WHERE r.campaign_id = c.id AND r.created_at >= ?),
			(SELECT MAX(x.created_at) FROM campaign_activity x WHERE x.campaign_id = c.id)
		FROM campaigns c
		WHERE `+vis, args...)
	if err != nil {
		return Overview{}, fmt.Errorf("campaign: overview: %w", err)
	}
	defer rows.Close()
	ov := Overview{Campaigns: []Summary{}}
	for rows.Next() {
		var m Summary
		if err := rows.Scan(&m.ID, &m.Slug, &m.Name, &m.Company, &m.Type, &m.Status, &m.Color,
			&m.Icon, &m.AgentCount, &m.ScheduleCount, &m.Leads7d, &m.LeadsPrev7d, &m.Runs7d,
			&m.FailedRuns7d, &m.OverdueSchedules, &m.EmailsSent7d, &m.CostUSD7d,
			database.NullTime(&m.LastActivityAt)); err != nil {
			return Overview{}, fmt.Errorf("campaign: overview: %w", err)
		}
		ov.Campaigns = append(ov.Campaigns, m)
		ov.Totals.add(m)
	}
	if err := rows.Err(); err != nil {
		return Overview{}, fmt.Errorf("campaign: overview: %w", err)
	}
	slices.SortFunc(ov.Campaigns, compareSummaries)
	return ov, nil
}

func (t *Totals) add(m Summary) {
	t.Campaigns++
	if m.Status == StatusActive {
		t.ActiveCampaigns++
	}
	t.Agents += m.AgentCount
	t.Runs7d += m.Runs7d
	t.FailedRuns7d += m.FailedRuns7d
	t.Leads7d += m.Leads7d
	t.EmailsSent7d += m.EmailsSent7d
	t.CostUSD7d += m.CostUSD7d
}

func statusRank(s string) int {
	switch s {
	case StatusActive:
		return 0
	case StatusPaused:
		return 1
	}
	return 2
}

func compareSummaries(a, b Summary) int {
	if c := cmp.Compare(statusRank(a.Status), statusRank(b.Status)); c != 0 {
		return c
	}
	if a.NeedsAttention() != b.NeedsAttention() {
		if a.NeedsAttention() {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(b.FailedRuns7d+b.OverdueSchedules,
		a.FailedRuns7d+a.OverdueSchedules); c != 0 {
		return c
	}
	return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
}
