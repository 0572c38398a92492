package agent

import (
	"context"
	"fmt"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/database"
)

// ActiveBetween counts the scope's agents that started at least one run in [from, to).
func (s *Store) ActiveBetween(ctx context.Context, sc access.Scope, from, to time.Time) (int, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, `
		SELECT COUNT(DISTINCT agent_id) FROM runs
		WHERE campaign_id = ? AND agent_id IS NOT NULL AND created_at >= ? AND created_at < ?`,
		sc.CampaignID(), database.FormatTime(from), database.FormatTime(to)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("agent: active agents of %s: %w", sc.CampaignID(), err)
	}
	return n, nil
}
