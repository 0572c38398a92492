package campaign

import (
	"context"
	"fmt"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/database"
)

// Member is a person's role in a campaign.
type Member struct {
	UserID    string      `json:"userId"`
	Email     string      `json:"email"`
	Name      string      `json:"name"`
	Role      access.Role `json:"role"`
	CreatedAt time.Time   `json:"createdAt"`
	UpdatedAt time.Time   `json:"updatedAt"`
}

// Members lists the scope's members by email.
func (s *Store) Members(ctx context.Context, sc access.Scope) ([]Member, error) {
	rows, err := s.db.R.QueryContext(ctx, `
		SELECT m.user_id, u.email, u.name, m.role, m.created_at, m.updated_at
		FROM campaign_members m JOIN users u ON u.id = m.user_id
		WHERE m.campaign_id = ?
		ORDER BY lower(u.email)`, sc.CampaignID())
	if err != nil {
		return nil, fmt.Errorf("campaign: members of %s: %w", sc.CampaignID(), err)
	}
	defer rows.Close()
	out := []Member{}
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.UserID, &m.Email, &m.Name, &m.Role, database.Time(&m.CreatedAt),
			database.Time(&m.UpdatedAt)); err != nil {
			return nil, fmt.Errorf("campaign: members of %s: %w", sc.CampaignID(), err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaign: members of %s: %w", sc.CampaignID(), err)
	}
	return out, nil
}

// Member returns one member of the scope's campaign.
func (s *Store) Member(ctx context.Context, sc access.Scope, userID string) (Member, error) {
	var m Member
	err := s.db.R.QueryRowContext(ctx, `
		SELECT m.user_id, u.email, u.name, m.role, m.created_at, m.updated_at
		FROM campaign_members m JOIN users u ON u.id = m.user_id
		WHERE m.campaign_id = ? AND m.user_id = ?`, sc.CampaignID(), userID).Scan(
		&m.UserID, &m.Email, &m.Name, &m.Role, database.Time(&m.CreatedAt),
		database.Time(&m.UpdatedAt))
	if database.IsNoRows(err) {
		return Member{}, fmt.Errorf("campaign: member %s: %w", userID, ErrNotFound)
	}
	if err != nil {
		return Member{}, fmt.Errorf("campaign: member %s of %s: %w", userID, sc.CampaignID(), err)
	}
	return m, nil
}

// SetMember adds a person to the campaign or changes their role. It needs the owner role, and
// refuses to demote the last owner.
func (s *Store) SetMember(ctx context.Context, sc access.Scope, userID string,
	role access.Role) (Member, error) {
	if err := sc.Require(access.RoleOwner); err != nil {
		return Member{}, err
	}
	now := database.FormatTime(s.now())
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		var email string
		err := tx.QueryRowContext(ctx, `SELECT email FROM users WHERE id = ?`, userID).Scan(&email)
		if database.IsNoRows(err) {
			return ErrUserNotFound
		}
		if err != nil {
			return fmt.Errorf("campaign: set member %s: %w", userID, err)
		}
		if role != access.RoleOwner {
			if err := s.keepOwner(ctx, tx, sc, userID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO campaign_members (campaign_id, user_id, role, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (campaign_id, user_id) DO UPDATE SET role = excluded.role,
				updated_at = excluded.updated_at`,
			sc.CampaignID(), userID, role, now, now); err != nil {
			return fmt.Errorf("campaign: set member %s: %w", userID, err)
		}
		if err := bumpAccess(ctx, tx, userID); err != nil {
			return err
		}
		return s.activity.Record(ctx, tx, sc, activity.Entry{
			Type: "member.changed", Title: "Member role set",
			Detail: fmt.Sprintf("%s is now %s.", email, role),
		})
	})
	if err != nil {
		return Member{}, err
	}
	return s.Member(ctx, sc, userID)
}

// RemoveMember takes a person out of the campaign; the last owner stays.
func (s *Store) RemoveMember(ctx context.Context, sc access.Scope, userID string) error {
	if err := sc.Require(access.RoleOwner); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *database.Tx) error {
		if err := s.keepOwner(ctx, tx, sc, userID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			DELETE FROM campaign_members WHERE campaign_id = ? AND user_id = ?`,
			sc.CampaignID(), userID)
		if err != nil {
			return fmt.Errorf("campaign: remove member %s: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("campaign: member %s: %w", userID, ErrNotFound)
		}
		if err := bumpAccess(ctx, tx, userID); err != nil {
			return err
		}
		return s.activity.Record(ctx, tx, sc, activity.Entry{
			Type: "member.removed", Title: "Member removed",
			Detail: "A member was removed from the campaign.",
		})
	})
}

// bumpAccess moves the person's access version, so that their browser sessions get new
// tokens now that their role changed.
func bumpAccess(ctx context.Context, tx *database.Tx, userID string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET access_version = access_version + 1
		WHERE id = ?`, userID); err != nil {
		return fmt.Errorf("campaign: note role change of %s: %w", userID, err)
	}
	return nil
}

// keepOwner fails when userID is the campaign's only owner.
func (s *Store) keepOwner(ctx context.Context, tx *database.Tx, sc access.Scope,
	userID string) error {
	var owners, isOwner int
	err := tx.QueryRowContext(ctx, `
		SELECT COUNT(*), COALESCE(SUM(user_id = ?), 0)
		FROM campaign_members WHERE campaign_id = ? AND role = 'owner'`,
		userID, sc.CampaignID()).Scan(&owners, &isOwner)
	if err != nil {
		return fmt.Errorf("campaign: count owners of %s: %w", sc.CampaignID(), err)
	}
	if isOwner == 1 && owners == 1 {
		return ErrLastOwner
	}
	return nil
}

// Membership is a person's role in one campaign, seen from the person.
type Membership struct {
	CampaignID string      `json:"campaignId"`
	Name       string      `json:"name"`
	Slug       string      `json:"slug"`
	Role       access.Role `json:"role"`
}

// MembershipsOf lists the campaigns userID is a member of, by name. Only platform admins and
// the person themselves may ask.
func (s *Store) MembershipsOf(ctx context.Context, p access.Principal,
	userID string) ([]Membership, error) {
	if !p.IsAdmin() && p.UserID != userID {
		return nil, access.ErrForbidden
	}
	rows, err := s.db.R.QueryContext(ctx, `
		SELECT c.id, c.name, c.slug, m.role
		FROM campaign_members m JOIN campaigns c ON c.id = m.campaign_id
		WHERE m.user_id = ?
		ORDER BY lower(c.name), c.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("campaign: memberships of %s: %w", userID, err)
	}
	defer rows.Close()
	out := []Membership{}
	for rows.Next() {
		var m Membership
		if err := rows.Scan(&m.CampaignID, &m.Name, &m.Slug, &m.Role); err != nil {
			return nil, fmt.Errorf("campaign: memberships of %s: %w", userID, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaign: memberships of %s: %w", userID, err)
	}
	return out, nil
}
