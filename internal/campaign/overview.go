package campaign

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
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

	// FailingSchedules counts the schedules whose last three ended runs all failed or timed
	// out.
	FailingSchedules int `json:"failingSchedules"`
	// FailureRate7d is the share of the week's runs that failed or timed out, from 0 to 1.
	FailureRate7d float64 `json:"failureRate7d"`
}

// NeedsAttention reports whether the card should be looked at first: a schedule is overdue
// or keeps failing, or runs failed this week.
func (s Summary) NeedsAttention() bool {
	return s.OverdueSchedules > 0 || s.FailingSchedules > 0 || s.FailedRuns7d > 0
}

// stuck counts the schedules that need a person: overdue ones and failing ones.
func (s Summary) stuck() int { return s.OverdueSchedules + s.FailingSchedules }

// Overview summarises every campaign p may see, archived ones included, ordered by status
// (active, paused, archived), then those needing attention, then name.
func (s *Store) Overview(ctx context.Context, p access.Principal) (Overview, error) {
	return s.overviews.Get(visibilityKey(p), func() (Overview, error) {
		return s.overview(ctx, p)
	})
}

func (s *Store) overview(ctx context.Context, p access.Principal) (Overview, error) {
	// One read transaction, so that every figure comes from the same snapshot.
	tx, err := s.db.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Overview{}, fmt.Errorf("campaign: overview: %w", err)
	}
	defer tx.Rollback()

	vis, visArgs := visibility(p)
	byID, order, err := overviewCampaigns(ctx, tx, vis, visArgs)
	if err != nil {
		return Overview{}, err
	}
	if err := overviewFigures(ctx, tx, byID, s.now().UTC(), vis, visArgs); err != nil {
		return Overview{}, err
	}

	ov := Overview{Campaigns: make([]Summary, 0, len(order))}
	for _, id := range order {
		m := *byID[id]
		if m.Runs7d > 0 {
			m.FailureRate7d = math.Round(float64(m.FailedRuns7d)/float64(m.Runs7d)*1000) / 1000
		}
		ov.Campaigns = append(ov.Campaigns, m)
		ov.Totals.add(m)
	}
	slices.SortFunc(ov.Campaigns, compareSummaries)
	return ov, nil
}

func overviewCampaigns(ctx context.Context, tx *sql.Tx, vis string,
	args []any) (map[string]*Summary, []string, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT c.id, c.slug, c.name, c.company, c.type, c.status, c.color, c.icon,
			(SELECT MAX(x.created_at) FROM campaign_activity x WHERE x.campaign_id = c.id)
		FROM campaigns c WHERE `+vis, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("campaign: overview: %w", err)
	}
	defer rows.Close()
	byID := map[string]*Summary{}
	var order []string
	for rows.Next() {
		m := &Summary{}
		if err := rows.Scan(&m.ID, &m.Slug, &m.Name, &m.Company, &m.Type, &m.Status, &m.Color,
			&m.Icon, database.NullTime(&m.LastActivityAt)); err != nil {
			return nil, nil, fmt.Errorf("campaign: overview: %w", err)
		}
		byID[m.ID] = m
		order = append(order, m.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("campaign: overview: %w", err)
	}
	return byID, order, nil
}

// overviewFigures adds each table's figures to the campaigns in byID. Each query makes one
// pass over a time-ordered index range (or a small table) and groups by campaign; rows of
// campaigns the caller may not see are filtered out in SQL and would be ignored anyway.
func overviewFigures(ctx context.Context, tx *sql.Tx, byID map[string]*Summary, now time.Time,
	vis string, visArgs []any) error {
	weekAgo := database.FormatTime(now.Add(-7 * 24 * time.Hour))
	twoWeeksAgo := database.FormatTime(now.Add(-14 * 24 * time.Hour))
	overdue := database.FormatTime(now.Add(-overdueGrace))
	weekAgoDate := now.Add(-7 * 24 * time.Hour).Format(time.DateOnly)
	scoped := ` AND campaign_id IN (SELECT c.id FROM campaigns c WHERE ` + vis + `)
		GROUP BY campaign_id`
	queries := []struct {
		sql  string
		args []any
		add  func(m *Summary, a, b, c float64)
	}{
		{`SELECT campaign_id, COUNT(*), 0, 0 FROM agents WHERE 1 = 1`, nil,
			func(m *Summary, a, _, _ float64) { m.AgentCount = int(a) }},
		{`SELECT s.campaign_id, COUNT(*), COALESCE(SUM(s.enabled = 1 AND s.next_run_at < ?
				AND (SELECT status FROM campaigns WHERE id = s.campaign_id) = 'active'), 0), 0
			FROM schedules s WHERE 1 = 1`, []any{overdue},
			func(m *Summary, a, b, _ float64) { m.ScheduleCount, m.OverdueSchedules = int(a), int(b) }},
		// New leads and contacts are counted per campaign through each table's
		// (campaign_id, created_at) index, which the data listings need anyway, so that no
		// index by time alone costs every stored lead a b-tree.
		{`SELECT campaign_id, SUM(a), SUM(b), 0 FROM (SELECT c.id AS campaign_id,
				(SELECT COUNT(*) FROM leads t WHERE t.campaign_id = c.id AND t.created_at >= ?) +
				(SELECT COUNT(*) FROM hoa_contacts t WHERE t.campaign_id = c.id
					AND t.created_at >= ?) AS a,
				(SELECT COUNT(*) FROM leads t WHERE t.campaign_id = c.id AND t.created_at >= ?
					AND t.created_at < ?) +
				(SELECT COUNT(*) FROM hoa_contacts t WHERE t.campaign_id = c.id
					AND t.created_at >= ? AND t.created_at < ?) AS b
				FROM campaigns c) WHERE 1 = 1`,
			[]any{weekAgo, weekAgo, twoWeeksAgo, weekAgo, twoWeeksAgo, weekAgo},
			func(m *Summary, a, b, _ float64) { m.Leads7d += int(a); m.LeadsPrev7d += int(b) }},
		{`SELECT campaign_id, COUNT(*), SUM(status IN ('failed', 'timeout')), SUM(cost_usd)
			FROM runs WHERE created_at >= ?`, []any{weekAgo},
			func(m *Summary, a, b, c float64) {
				m.Runs7d, m.FailedRuns7d, m.CostUSD7d = int(a), int(b), roundUSD(c)
			}},
		{`SELECT campaign_id, SUM(emails_sent), 0, 0 FROM campaign_metrics WHERE date > ?`,
			[]any{weekAgoDate},
			func(m *Summary, a, _, _ float64) { m.EmailsSent7d = int(a) }},
		// Each schedule's last three ended runs, newest first, through the runs' schedule
		// index: three failures in a row make it failing.
		{`SELECT s.campaign_id, COUNT(*), 0, 0 FROM schedules s
			WHERE (SELECT COUNT(*) FROM runs r WHERE r.campaign_id = s.campaign_id
				AND r.status IN ('failed', 'timeout') AND r.id IN (SELECT x.id FROM runs x
					WHERE x.campaign_id = s.campaign_id AND x.schedule_id = s.id
						AND x.status IN ('completed', 'failed', 'timeout', 'cancelled')
					ORDER BY x.created_at DESC, x.id DESC LIMIT 3)) = 3`, nil,
			func(m *Summary, a, _, _ float64) { m.FailingSchedules = int(a) }},
	}
	for _, q := range queries {
		args := append(append([]any{}, q.args...), visArgs...)
		rows, err := tx.QueryContext(ctx, q.sql+scoped, args...)
		if err != nil {
			return fmt.Errorf("campaign: overview figures: %w", err)
		}
		for rows.Next() {
			var id string
			var a, b, c float64
			if err := rows.Scan(&id, &a, &b, &c); err != nil {
				rows.Close()
				return fmt.Errorf("campaign: overview figures: %w", err)
			}
			if m := byID[id]; m != nil {
				q.add(m, a, b, c)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("campaign: overview figures: %w", err)
		}
	}
	return nil
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
	t.CostUSD7d = roundUSD(t.CostUSD7d + m.CostUSD7d)
}

// roundUSD rounds a sum of dollar amounts to a millionth of a dollar, finer than any price
// and coarse enough to drop the noise that adding binary fractions leaves (0.5902999999999999).
func roundUSD(x float64) float64 { return math.Round(x*1e6) / 1e6 }

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
	// Stuck schedules first, then the worst week, then the most failures.
	return cmp.Or(cmp.Compare(b.stuck(), a.stuck()),
		cmp.Compare(b.FailureRate7d, a.FailureRate7d),
		cmp.Compare(b.FailedRuns7d, a.FailedRuns7d),
		cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
}
