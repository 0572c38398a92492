package campaign

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
)

// Store reads and writes campaigns and their memberships.
type Store struct {
	db       *database.DB
	activity *activity.Store
	now      func() time.Time

	// Campaign reads are served from caches that a committed write to any table they are
	// computed from invalidates; see database.Cache.
	byID      *database.Cache[string, Campaign]
	refs      *database.Cache[ref, resolved]
	lists     *database.Cache[listKey, page]
	overviews *database.Cache[string, Overview]
}

// countedTables are the tables a campaign's row and counts are read from.
var countedTables = []string{"campaigns", "agents", "schedules", "leads", "campaign_activity"}

// overviewTables are the tables the overview sums.
var overviewTables = []string{"campaigns", "campaign_members", "agents", "schedules", "leads",
	"hoa_contacts", "runs", "campaign_metrics", "campaign_activity"}

// overviewTTL bounds how long an overview is reused: its windows move with the clock.
const overviewTTL = 5 * time.Second

type ref struct{ idOrSlug, userID string }

type resolved struct {
	id   string
	role access.Role
}

type listKey struct {
	visibility string
	statuses   string
	typ, query string
	limit      int
	cursor     string
}

type page struct {
	items []Campaign
	next  string
}

// NewStore returns a store over db that records campaign changes in the activity feed.
func NewStore(db *database.DB, act *activity.Store) *Store {
	return &Store{
		db: db, activity: act, now: time.Now,
		byID:      database.NewCache[string, Campaign](db, 10_000, 0, countedTables...),
		refs:      database.NewCache[ref, resolved](db, 10_000, 0, "campaigns", "campaign_members"),
		lists:     database.NewCache[listKey, page](db, 1_000, 0, append(countedTables, "campaign_members")...),
		overviews: database.NewCache[string, Overview](db, 1_000, overviewTTL, overviewTables...),
	}
}

// visibilityKey names what a principal may see, for cache keys.
func visibilityKey(p access.Principal) string {
	if p.PlatformRole == access.PlatformAdmin && p.TokenCampaignID == "" {
		return "admin"
	}
	return p.PlatformRole + "\x00" + p.UserID + "\x00" + p.TokenCampaignID
}

// selectCampaign reads a campaign with its counts; callers append WHERE and ORDER clauses.
const selectCampaign = `
	SELECT c.id, c.name, c.company, c.slug, c.type, c.status, c.color, c.icon, c.description,
		c.timezone, c.quiet_start, c.quiet_end, c.daily_budget_usd, c.monthly_budget_usd,
		c.config, c.created_at, c.updated_at, c.archived_at,
		(SELECT COUNT(*) FROM agents a WHERE a.campaign_id = c.id),
		(SELECT COUNT(*) FROM schedules s WHERE s.campaign_id = c.id),
		(SELECT COUNT(*) FROM leads l WHERE l.campaign_id = c.id),
		(SELECT MAX(x.created_at) FROM campaign_activity x WHERE x.campaign_id = c.id)
	FROM campaigns c`

type rowScanner interface{ Scan(dest ...any) error }

func scanCampaign(r rowScanner) (Campaign, error) {
	var c Campaign
	var qStart, qEnd sql.NullString
	var daily, monthly sql.NullFloat64
	var config string
	err := r.Scan(&c.ID, &c.Name, &c.Company, &c.Slug, &c.Type, &c.Status, &c.Color, &c.Icon,
		&c.Description, &c.Timezone, &qStart, &qEnd, &daily, &monthly, &config,
		database.Time(&c.CreatedAt),
		database.Time(&c.UpdatedAt), database.NullTime(&c.ArchivedAt), &c.AgentCount,
		&c.ScheduleCount, &c.LeadCount, database.NullTime(&c.LastActivityAt))
	if err != nil {
		return c, err
	}
	if qStart.Valid && qEnd.Valid {
		c.QuietHours = &QuietHours{Start: qStart.String, End: qEnd.String}
	}
	if daily.Valid || monthly.Valid {
		c.Budget = &Budget{DailyUSD: nullFloat(daily), MonthlyUSD: nullFloat(monthly)}
	}
	c.Config = json.RawMessage(config)
	return c.withEncoding()
}

// SlugExists reports whether a campaign, archived ones included, already has the address slug.
// Slugs are unique across the deployment, so the answer is the same for every caller.
func (s *Store) SlugExists(ctx context.Context, slug string) (bool, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM campaigns WHERE slug = ?`,
		slug).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("campaign: slug exists %s: %w", slug, err)
	}
	return n > 0, nil
}

// Resolve finds the campaign named by id or slug and the membership role of userID in it
// ("" when not a member). It does not decide visibility: access.Grant does.
func (s *Store) Resolve(ctx context.Context, idOrSlug, userID string) (string, access.Role, error) {
	r, err := s.refs.Get(ref{idOrSlug, userID}, func() (resolved, error) {
		id, role, err := s.resolve(ctx, idOrSlug, userID)
		return resolved{id, role}, err
	})
	return r.id, r.role, err
}

func (s *Store) resolve(ctx context.Context, idOrSlug, userID string) (string, access.Role, error) {
	var id string
	var role sql.NullString
	err := s.db.R.QueryRowContext(ctx, `
		SELECT c.id, m.role
		FROM campaigns c
		LEFT JOIN campaign_members m ON m.campaign_id = c.id AND m.user_id = ?
		WHERE c.id = ? OR c.slug = ?
		ORDER BY c.id = ? DESC
		LIMIT 1`, userID, idOrSlug, idOrSlug, idOrSlug).Scan(&id, &role)
	if database.IsNoRows(err) {
		return "", "", ErrNotFound
	}
	if err != nil {
		return "", "", fmt.Errorf("campaign: resolve %q: %w", idOrSlug, err)
	}
	return id, access.Role(role.String), nil
}

// Campaign returns the scope's campaign.
func (s *Store) Campaign(ctx context.Context, sc access.Scope) (Campaign, error) {
	return s.byID.Get(sc.CampaignID(), func() (Campaign, error) {
		return s.campaign(ctx, sc.CampaignID())
	})
}

func (s *Store) campaign(ctx context.Context, id string) (Campaign, error) {
	c, err := scanCampaign(s.db.R.QueryRowContext(ctx, selectCampaign+` WHERE c.id = ?`, id))
	if database.IsNoRows(err) {
		return Campaign{}, ErrNotFound
	}
	if err != nil {
		return Campaign{}, fmt.Errorf("campaign: get %s: %w", id, err)
	}
	return c, nil
}

// ListFilter narrows a campaign listing.
type ListFilter struct {
	// Statuses to include; empty means every status but archived.
	Statuses []string
	Type     string
	Query    string
	Limit    int
	Cursor   string
}

// visibility restricts a query on campaigns c to what p may see.
func visibility(p access.Principal) (string, []any) {
	var where []string
	var args []any
	if p.TokenCampaignID != "" {
		where = append(where, "c.id = ?")
		args = append(args, p.TokenCampaignID)
	}
	if p.PlatformRole != access.PlatformAdmin {
		where = append(where,
			"c.id IN (SELECT campaign_id FROM campaign_members WHERE user_id = ?)")
		args = append(args, p.UserID)
	}
	if len(where) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(where, " AND "), args
}

// Campaigns lists the campaigns p may see, ordered by name, with the next page's cursor.
func (s *Store) Campaigns(ctx context.Context, p access.Principal, f ListFilter) ([]Campaign, string, error) {
	key := listKey{visibility: visibilityKey(p), statuses: strings.Join(f.Statuses, ","),
		typ: f.Type, query: f.Query, limit: f.Limit, cursor: f.Cursor}
	pg, err := s.lists.Get(key, func() (page, error) {
		items, next, err := s.campaigns(ctx, p, f)
		return page{items, next}, err
	})
	return pg.items, pg.next, err
}

func (s *Store) campaigns(ctx context.Context, p access.Principal, f ListFilter) ([]Campaign, string, error) {
	vis, args := visibility(p)
	where := []string{vis}
	if len(f.Statuses) == 0 {
		// Written as an exclusion so that the planner walks the name index and stops at the
		// page's end instead of sorting every campaign.
		where = append(where, "c.status <> 'archived'")
	} else {
		where = append(where, "c.status IN ("+placeholders(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	if f.Type != "" {
		where = append(where, "c.type = ?")
		args = append(args, f.Type)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(strings.ToLower(q)) + "%"
		where = append(where, `(lower(c.name) LIKE ? ESCAPE '\' OR lower(c.company) LIKE ? ESCAPE '\'
			OR c.slug LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	if f.Cursor != "" {
		key, err := database.DecodeCursor(f.Cursor, 2)
		if err != nil {
			return nil, "", err
		}
		where = append(where, "(c.name > ? OR (c.name = ? AND c.id > ?))")
		args = append(args, key[0], key[0], key[1])
	}
	args = append(args, f.Limit+1)
	// The page is cut first and materialised, so that the counts are computed for its rows
	// only, not for every campaign that matches before sorting.
	rows, err := s.db.R.QueryContext(ctx, `WITH page AS MATERIALIZED (
			SELECT c.id FROM campaigns c WHERE `+strings.Join(where, " AND ")+`
			ORDER BY c.name, c.id LIMIT ?)`+
		selectCampaign+` JOIN page p ON p.id = c.id ORDER BY c.name, c.id`, args...)
	if err != nil {
		return nil, "", fmt.Errorf("campaign: list: %w", err)
	}
	defer rows.Close()
	out := make([]Campaign, 0, f.Limit)
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, "", fmt.Errorf("campaign: list: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("campaign: list: %w", err)
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		last := out[len(out)-1]
		next = database.EncodeCursor(last.Name, last.ID)
	}
	return out, next, nil
}

// CreateCampaign creates a campaign and makes its creator an owner. Only people acting without
// a campaign-bound token may create campaigns.
func (s *Store) CreateCampaign(ctx context.Context, p access.Principal, n NewCampaign) (Campaign, error) {
	if p.Capped() {
		return Campaign{}, fmt.Errorf("campaign: create with a capped token: %w",
			derrors.Forbidden)
	}
	slug, err := n.normalize()
	if err != nil {
		return Campaign{}, err
	}
	id := n.ID
	if id == "" {
		id = database.NewID()
	}
	now := database.FormatTime(s.now())
	err = s.db.Tx(ctx, func(tx *database.Tx) error {
		if err := insertCampaign(ctx, tx, id, slug, n, now); err != nil {
			return err
		}
		if p.UserID != "" {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO campaign_members (campaign_id, user_id, role, created_at, updated_at)
				VALUES (?, ?, 'owner', ?, ?)`, id, p.UserID, now, now); err != nil {
				return fmt.Errorf("campaign: create %s: add owner: %w", slug, err)
			}
		}
		return s.activity.Record(ctx, tx, access.System(id), activity.Entry{
			Type: "campaign.created", Severity: activity.Success, UserID: p.UserID,
			Title:  "Campaign created",
			Detail: fmt.Sprintf("%s (%s) was created.", n.Name, n.Company),
		})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.Campaign(ctx, access.System(id))
}

func insertCampaign(ctx context.Context, tx *database.Tx, id, slug string, n NewCampaign,
	now string) error {
	var qStart, qEnd any
	if n.QuietHours != nil {
		qStart, qEnd = n.QuietHours.Start, n.QuietHours.End
	}
	daily, monthly := budgetArgs(n.Budget)
	_, err := tx.ExecContext(ctx, `
		INSERT INTO campaigns (id, name, company, slug, type, status, color, icon, description,
			timezone, quiet_start, quiet_end, daily_budget_usd, monthly_budget_usd, config,
			created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, n.Name, n.Company, slug, n.Type, n.Status, n.Color, n.Icon, n.Description,
		n.Timezone, qStart, qEnd, daily, monthly, string(n.Config), now, now)
	if database.IsUniqueViolation(err) {
		return ErrSlugTaken
	}
	if err != nil {
		return fmt.Errorf("campaign: create %s: %w", slug, err)
	}
	return nil
}

// UpdateCampaign applies a partial update. It needs the owner role. The campaign is read
// inside the write transaction, so that concurrent updates never undo each other.
func (s *Store) UpdateCampaign(ctx context.Context, sc access.Scope, p Patch) (Campaign, error) {
	if err := sc.Require(access.RoleOwner); err != nil {
		return Campaign{}, err
	}
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		c, err := scanCampaign(tx.QueryRowContext(ctx, selectCampaign+` WHERE c.id = ?`,
			sc.CampaignID()))
		if database.IsNoRows(err) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("campaign: update %s: %w", sc.CampaignID(), err)
		}
		// Only restoring leaves the archived state.
		if c.Status == StatusArchived {
			return ErrArchived
		}
		before := c
		if err := p.apply(&c); err != nil {
			return err
		}
		changed := changedFields(before, c)
		if len(changed) == 0 {
			return nil
		}
		if err := writeCampaign(ctx, tx, c, database.FormatTime(s.now())); err != nil {
			return err
		}
		return s.activity.Record(ctx, tx, sc, activity.Entry{
			Type: "campaign.updated", Title: "Campaign settings changed",
			Detail: "Changed " + strings.Join(changed, ", ") + ".",
		})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.Campaign(ctx, sc)
}

func writeCampaign(ctx context.Context, tx *database.Tx, c Campaign, now string) error {
	var qStart, qEnd any
	if c.QuietHours != nil {
		qStart, qEnd = c.QuietHours.Start, c.QuietHours.End
	}
	daily, monthly := budgetArgs(c.Budget)
	_, err := tx.ExecContext(ctx, `
		UPDATE campaigns SET name = ?, company = ?, type = ?, status = ?, color = ?, icon = ?,
			description = ?, timezone = ?, quiet_start = ?, quiet_end = ?,
			daily_budget_usd = ?, monthly_budget_usd = ?, config = ?, updated_at = ?
		WHERE id = ?`,
		c.Name, c.Company, c.Type, c.Status, c.Color, c.Icon, c.Description, c.Timezone,
		qStart, qEnd, daily, monthly, string(c.Config), now, c.ID)
	if err != nil {
		return fmt.Errorf("campaign: update %s: %w", c.ID, err)
	}
	return nil
}

func changedFields(a, b Campaign) []string {
	var out []string
	add := func(name string, changed bool) {
		if changed {
			out = append(out, name)
		}
	}
	add("name", a.Name != b.Name)
	add("company", a.Company != b.Company)
	add("type", a.Type != b.Type)
	add("status", a.Status != b.Status)
	add("color", a.Color != b.Color)
	add("icon", a.Icon != b.Icon)
	add("description", a.Description != b.Description)
	add("timezone", a.Timezone != b.Timezone)
	add("quiet hours", fmt.Sprint(a.QuietHours) != fmt.Sprint(b.QuietHours) &&
		!(a.QuietHours != nil && b.QuietHours != nil && *a.QuietHours == *b.QuietHours))
	add("budget", budgetText(a.Budget) != budgetText(b.Budget))
	add("config", string(a.Config) != string(b.Config))
	return out
}

// budgetArgs are a budget's two limits as SQL values, NULL for none.
func budgetArgs(b *Budget) (daily, monthly any) {
	if b == nil {
		return nil, nil
	}
	if b.DailyUSD != nil {
		daily = *b.DailyUSD
	}
	if b.MonthlyUSD != nil {
		monthly = *b.MonthlyUSD
	}
	return daily, monthly
}

func budgetText(b *Budget) string {
	daily, monthly := budgetArgs(b)
	return fmt.Sprint(daily, monthly)
}

func nullFloat(v sql.NullFloat64) *float64 {
	if !v.Valid {
		return nil
	}
	return &v.Float64
}

// ArchiveCampaign soft-deletes the campaign: its schedules stop firing, its data stays. The
// default campaign cannot be archived.
func (s *Store) ArchiveCampaign(ctx context.Context, sc access.Scope) (Campaign, error) {
	if err := sc.Require(access.RoleOwner); err != nil {
		return Campaign{}, err
	}
	if sc.CampaignID() == DefaultID {
		return Campaign{}, ErrDefault
	}
	c, err := s.Campaign(ctx, sc)
	if err != nil {
		return Campaign{}, err
	}
	if c.Status == StatusArchived {
		return c, nil
	}
	now := database.FormatTime(s.now())
	err = s.db.Tx(ctx, func(tx *database.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			UPDATE campaigns SET status = 'archived', archived_at = ?, updated_at = ?
			WHERE id = ?`, now, now, sc.CampaignID()); err != nil {
			return fmt.Errorf("campaign: archive %s: %w", sc.CampaignID(), err)
		}
		return s.activity.Record(ctx, tx, sc, activity.Entry{
			Type: "campaign.archived", Severity: activity.Warning, Title: "Campaign archived",
			Detail: "Schedules stopped firing; all data is kept and the campaign can be restored.",
		})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.Campaign(ctx, sc)
}

// RestoreCampaign brings an archived campaign back as paused.
func (s *Store) RestoreCampaign(ctx context.Context, sc access.Scope) (Campaign, error) {
	if err := sc.Require(access.RoleOwner); err != nil {
		return Campaign{}, err
	}
	now := database.FormatTime(s.now())
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE campaigns SET status = 'paused', archived_at = NULL, updated_at = ?
			WHERE id = ? AND status = 'archived'`, now, sc.CampaignID())
		if err != nil {
			return fmt.Errorf("campaign: restore %s: %w", sc.CampaignID(), err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotArchived
		}
		return s.activity.Record(ctx, tx, sc, activity.Entry{
			Type: "campaign.restored", Severity: activity.Success, Title: "Campaign restored",
			Detail: "The campaign is back, paused until someone resumes it.",
		})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.Campaign(ctx, sc)
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
