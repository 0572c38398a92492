package seed

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/clawops/clawops/internal/agent"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/database"
)

// fleet is what the history generator needs to know of one campaign.
type fleet struct {
	campaignID string
	loc        *time.Location
	region     *region
	// maxManual is the most runs a day that people start by hand.
	maxManual int
	// quietDays is how many recent days have no runs: a paused campaign stopped a while ago.
	quietDays int
	members   []member
}

// member is one agent of a fleet.
type member struct {
	id, name, kind string
	timeout        time.Duration
	// scheduleID, cron and message describe the agent's schedule, if it has one.
	scheduleID, cron, message string
}

// fleetShape is the generator's settings for one campaign.
type fleetShape struct {
	campaignID string
	region     *region
	maxManual  int
	quietDays  int
}

var fleetShapes = []fleetShape{
	{campaign.DefaultID, &florida, 3, 0},
	{DemoMarkerCampaign, &saas, 3, 0},
	{"demo-hoa-ca-expansion", &california, 3, 0},
	{"demo-crypto-monitor", &markets, 2, 6},
}

// readFleets reads the agents and schedules of the four campaigns back from the database, so
// that the history links to whatever ids they have (an imported default campaign keeps its own).
func readFleets(ctx context.Context, tx *database.Tx) ([]fleet, error) {
	var out []fleet
	for _, shape := range fleetShapes {
		f := fleet{campaignID: shape.campaignID, region: shape.region,
			maxManual: shape.maxManual, quietDays: shape.quietDays}
		var tz string
		err := tx.QueryRowContext(ctx, `SELECT timezone FROM campaigns WHERE id = ?`,
			shape.campaignID).Scan(&tz)
		if err != nil {
			return nil, fmt.Errorf("campaign %s: %w", shape.campaignID, err)
		}
		if f.loc, err = time.LoadLocation(tz); err != nil {
			f.loc = time.UTC
		}
		if f.members, err = readMembers(ctx, tx, shape.campaignID); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func readMembers(ctx context.Context, tx *database.Tx, campaignID string) ([]member, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT a.id, a.name, a.executor, COALESCE(s.id, ''), COALESCE(s.cron, ''),
			COALESCE(s.message, '')
		FROM agents a
		LEFT JOIN schedules s ON s.campaign_id = a.campaign_id AND s.agent_id = a.id
		WHERE a.campaign_id = ?
		ORDER BY a.name, a.id, s.id`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("agents of %s: %w", campaignID, err)
	}
	defer rows.Close()
	var out []member
	seen := map[string]bool{}
	for rows.Next() {
		var m member
		var executor string
		if err := rows.Scan(&m.id, &m.name, &executor, &m.scheduleID, &m.cron,
			&m.message); err != nil {
			return nil, fmt.Errorf("agents of %s: %w", campaignID, err)
		}
		// An agent with several schedules is listed once, with its first.
		if seen[m.id] {
			continue
		}
		seen[m.id] = true
		m.kind = kindOf(campaignID, m.name)
		m.timeout = timeoutOf(executor)
		out = append(out, m)
	}
	return out, rows.Err()
}

func kindOf(campaignID, name string) string {
	if k, ok := hoaKinds[name]; ok && campaignID == campaign.DefaultID {
		return k
	}
	for _, dc := range demoCampaigns {
		if dc.ID != campaignID {
			continue
		}
		for _, da := range dc.agents {
			if da.name == name {
				return da.kind
			}
		}
	}
	return kindReport
}

func timeoutOf(executor string) time.Duration {
	var e agent.Executor
	if json.Unmarshal([]byte(executor), &e) != nil || e.TimeoutSeconds <= 0 {
		return agent.DefaultTimeoutSeconds * time.Second
	}
	return time.Duration(e.TimeoutSeconds) * time.Second
}
