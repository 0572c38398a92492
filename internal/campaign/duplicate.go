package campaign

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
)

// DuplicateParts are the parts of a campaign that a duplicate can take along.
var DuplicateParts = []string{"agents", "schedules", "config", "members"}

// DuplicateRequest says what to call the copy and what to copy.
type DuplicateRequest struct {
	Name    *string  `json:"name"`
	Company *string  `json:"company"`
	Include []string `json:"include"`
}

// DuplicateCampaign copies the scope's campaign. The copy is paused, its schedules are disabled
// and its data tables are empty; p becomes its owner.
func (s *Store) DuplicateCampaign(ctx context.Context, sc access.Scope, p access.Principal,
	req DuplicateRequest) (Campaign, error) {
	if err := sc.Require(access.RoleOwner); err != nil {
		return Campaign{}, err
	}
	if p.Capped() {
		return Campaign{}, fmt.Errorf("campaign: duplicate with a capped token: %w",
			derrors.Forbidden)
	}
	src, err := s.Campaign(ctx, sc)
	if err != nil {
		return Campaign{}, err
	}
	include := req.Include
	if include == nil {
		include = DuplicateParts
	}
	for i, part := range include {
		if !slices.Contains(DuplicateParts, part) {
			return Campaign{}, derrors.Fields{"include[" + strconv.Itoa(i) + "]": "must be one of agents, schedules, config, members"}
		}
	}
	if slices.Contains(include, "schedules") && !slices.Contains(include, "agents") {
		return Campaign{}, derrors.Fields{"include": "schedules can only be copied with agents"}
	}

	n := NewCampaign{
		Name: src.Name + " (copy)", Company: src.Company, Type: src.Type, Status: StatusPaused,
		Color: src.Color, Icon: src.Icon, Description: src.Description, Timezone: src.Timezone,
		QuietHours: src.QuietHours, Budget: src.Budget,
	}
	if req.Name != nil {
		n.Name = *req.Name
	}
	if req.Company != nil {
		n.Company = *req.Company
	}
	if slices.Contains(include, "config") {
		n.Config = src.Config
	}
	slug, err := n.normalize()
	if err != nil {
		return Campaign{}, err
	}
	if req.Name == nil {
		// An automatic name must not fail on a taken slug; pick the next free one.
		if slug, n.Name, err = s.freeSlug(ctx, slug, n.Name); err != nil {
			return Campaign{}, err
		}
	}
	id := database.NewID()
	now := database.FormatTime(s.now())
	err = s.db.Tx(ctx, func(tx *database.Tx) error {
		if err := insertCampaign(ctx, tx, id, slug, n, now); err != nil {
			return err
		}
		if err := copyParts(ctx, tx, src.ID, id, include, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO campaign_members (campaign_id, user_id, role, created_at, updated_at)
			VALUES (?, ?, 'owner', ?, ?)
			ON CONFLICT (campaign_id, user_id) DO UPDATE SET role = 'owner'`,
			id, p.UserID, now, now); err != nil {
			return fmt.Errorf("campaign: duplicate %s: add owner: %w", src.ID, err)
		}
		if err := s.activity.Record(ctx, tx, sc, activity.Entry{
			Type: "campaign.duplicated", Title: "Campaign duplicated",
			Detail: fmt.Sprintf("Copied to %s.", n.Name),
		}); err != nil {
			return err
		}
		return s.activity.Record(ctx, tx, access.System(id), activity.Entry{
			Type: "campaign.created", Severity: activity.Success, UserID: p.UserID,
			Title:  "Campaign created",
			Detail: fmt.Sprintf("Duplicated from %s; paused with schedules disabled.", src.Name),
		})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.Campaign(ctx, access.System(id))
}

func (s *Store) freeSlug(ctx context.Context, slug, name string) (string, string, error) {
	for i := 1; i < 1000; i++ {
		candSlug, candName := slug, name
		if i > 1 {
			candSlug = slug + "-" + strconv.Itoa(i)
			candName = name + " " + strconv.Itoa(i)
		}
		var n int
		err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM campaigns WHERE slug = ?`,
			candSlug).Scan(&n)
		if err != nil {
			return "", "", fmt.Errorf("campaign: free slug %s: %w", slug, err)
		}
		if n == 0 {
			return candSlug, candName, nil
		}
	}
	return "", "", ErrSlugTaken
}

// copyParts copies agents, schedules and members in the duplicate's transaction. The statements
// touch other domains' tables because the copy must be all-or-nothing.
func copyParts(ctx context.Context, tx *database.Tx, from, to string, include []string,
	now string) error {
	agentIDs := map[string]string{}
	if slices.Contains(include, "agents") {
		ids, err := idsOf(ctx, tx, `SELECT id FROM agents WHERE campaign_id = ?`, from)
		if err != nil {
			return fmt.Errorf("campaign: duplicate %s: agents: %w", from, err)
		}
		for _, old := range ids {
			agentIDs[old] = database.NewID()
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO agents (id, campaign_id, template_id, name, executor, config, status,
					created_at, updated_at)
				SELECT ?, ?, template_id, name, executor, config,
					CASE status WHEN 'disabled' THEN 'disabled' ELSE 'idle' END, ?, ?
				FROM agents WHERE id = ? AND campaign_id = ?`,
				agentIDs[old], to, now, now, old, from); err != nil {
				return fmt.Errorf("campaign: duplicate %s: agent %s: %w", from, old, err)
			}
		}
	}
	if slices.Contains(include, "schedules") {
		pairs, err := idsOf(ctx, tx, `SELECT id || ' ' || agent_id FROM schedules
			WHERE campaign_id = ?`, from)
		if err != nil {
			return fmt.Errorf("campaign: duplicate %s: schedules: %w", from, err)
		}
		for _, pair := range pairs {
			old, agentID, _ := strings.Cut(pair, " ")
			// Copies start disabled: a duplicate must not fire until someone means it to.
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO schedules (id, campaign_id, agent_id, name, cron, timezone, message,
					enabled, overlap_policy, catch_up_policy, catch_up_cap, created_at, updated_at)
				SELECT ?, ?, ?, name, cron, timezone, message, 0, overlap_policy,
					catch_up_policy, catch_up_cap, ?, ?
				FROM schedules WHERE id = ? AND campaign_id = ?`,
				database.NewID(), to, agentIDs[agentID], now, now, old, from); err != nil {
				return fmt.Errorf("campaign: duplicate %s: schedule %s: %w", from, old, err)
			}
		}
	}
	if slices.Contains(include, "members") {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO campaign_members (campaign_id, user_id, role, created_at, updated_at)
			SELECT ?, user_id, role, ?, ? FROM campaign_members WHERE campaign_id = ?`,
			to, now, now, from); err != nil {
			return fmt.Errorf("campaign: duplicate %s: members: %w", from, err)
		}
	}
	return nil
}

func idsOf(ctx context.Context, tx *database.Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
