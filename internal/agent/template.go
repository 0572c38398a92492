package agent

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/database"
)

// Store reads and writes the template catalog and the agents of campaigns.
type Store struct {
	db       *database.DB
	activity *activity.Store
	now      func() time.Time
}

// NewStore returns a store over db that records agent changes in the activity feed.
func NewStore(db *database.DB, act *activity.Store) *Store {
	return &Store{db: db, activity: act, now: time.Now}
}

// querier is what reads need: the reader pool, or a write transaction that must see its own
// changes.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

type rowScanner interface{ Scan(dest ...any) error }

// Templates are a catalog shared by all campaigns, so their statements carry no campaign
// filter; who may change them is decided by the caller (platform admins).
const selectTemplate = `
	SELECT id, name, description, category, executor, default_config, default_schedule,
		created_at, updated_at
	FROM agent_templates`

func scanTemplate(r rowScanner) (Template, error) {
	var t Template
	var executor, config string
	err := r.Scan(&t.ID, &t.Name, &t.Description, &t.Category, &executor, &config,
		&t.DefaultSchedule, database.Time(&t.CreatedAt), database.Time(&t.UpdatedAt))
	if err != nil {
		return t, err
	}
	t.DefaultConfig = json.RawMessage(config)
	if err := json.Unmarshal([]byte(executor), &t.Executor); err != nil {
		return t, fmt.Errorf("template %s executor: %w", t.ID, err)
	}
	return t, nil
}

// Templates lists the catalog by name.
func (s *Store) Templates(ctx context.Context) ([]Template, error) {
	rows, err := s.db.R.QueryContext(ctx, selectTemplate+` ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("agent: list templates: %w", err)
	}
	defer rows.Close()
	out := []Template{}
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, fmt.Errorf("agent: list templates: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("agent: list templates: %w", err)
	}
	return out, nil
}

// Template returns one template of the catalog.
func (s *Store) Template(ctx context.Context, id string) (Template, error) {
	return getTemplate(ctx, s.db.R, id)
}

func getTemplate(ctx context.Context, q querier, id string) (Template, error) {
	t, err := scanTemplate(q.QueryRowContext(ctx, selectTemplate+` WHERE id = ?`, id))
	if database.IsNoRows(err) {
		return Template{}, fmt.Errorf("agent: template %s: %w", id, ErrTemplateNotFound)
	}
	if err != nil {
		return Template{}, fmt.Errorf("agent: template %s: %w", id, err)
	}
	return t, nil
}

// CreateTemplate adds a template to the catalog.
func (s *Store) CreateTemplate(ctx context.Context, n NewTemplate) (Template, error) {
	var out Template
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		var err error
		out, err = s.CreateTemplateTx(ctx, tx, n)
		return err
	})
	return out, err
}

// CreateTemplateTx is CreateTemplate inside the caller's transaction, for seeding and import.
func (s *Store) CreateTemplateTx(ctx context.Context, tx *database.Tx,
	n NewTemplate) (Template, error) {
	if err := n.normalize(); err != nil {
		return Template{}, err
	}
	id := n.ID
	if id == "" {
		id = database.NewID()
	} else if err := templateIDFree(ctx, tx, id); err != nil {
		return Template{}, err
	}
	executor, err := json.Marshal(n.Executor)
	if err != nil {
		return Template{}, fmt.Errorf("agent: create template %q: %w", n.Name, err)
	}
	now := database.FormatTime(s.now())
	_, err = tx.ExecContext(ctx, `
		INSERT INTO agent_templates (id, name, description, category, executor, default_config,
			default_schedule, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, n.Name, n.Description, n.Category, string(executor), string(n.DefaultConfig),
		n.DefaultSchedule, now, now)
	if database.IsUniqueViolation(err) {
		return Template{}, fmt.Errorf("agent: create template %q: %w", n.Name, ErrTemplateNameTaken)
	}
	if err != nil {
		return Template{}, fmt.Errorf("agent: create template %q: %w", n.Name, err)
	}
	return getTemplate(ctx, tx, id)
}

func templateIDFree(ctx context.Context, tx *database.Tx, id string) error {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM agent_templates WHERE id = ?`, id).Scan(&n)
	if err != nil {
		return fmt.Errorf("agent: create template %s: %w", id, err)
	}
	if n > 0 {
		return fmt.Errorf("agent: create template %s: %w", id, ErrTemplateIDTaken)
	}
	return nil
}

// UpdateTemplate applies a partial update to a template. Agents already assigned keep their
// own executor; they see a changed default config through their effective config.
func (s *Store) UpdateTemplate(ctx context.Context, id string, p TemplatePatch) (Template, error) {
	var out Template
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		t, err := getTemplate(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := p.apply(&t); err != nil {
			return err
		}
		executor, err := json.Marshal(t.Executor)
		if err != nil {
			return fmt.Errorf("agent: update template %s: %w", id, err)
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE agent_templates SET name = ?, description = ?, category = ?, executor = ?,
				default_config = ?, default_schedule = ?, updated_at = ?
			WHERE id = ?`,
			t.Name, t.Description, t.Category, string(executor), string(t.DefaultConfig),
			t.DefaultSchedule, database.FormatTime(s.now()), id)
		if database.IsUniqueViolation(err) {
			return fmt.Errorf("agent: update template %s: %w", id, ErrTemplateNameTaken)
		}
		if err != nil {
			return fmt.Errorf("agent: update template %s: %w", id, err)
		}
		out, err = getTemplate(ctx, tx, id)
		return err
	})
	return out, err
}

// DeleteTemplate removes a template from the catalog. Agents assigned from it keep working:
// their executor is their own, the template's default config is folded into their overrides
// so that their effective config does not change, and the foreign key clears their template.
func (s *Store) DeleteTemplate(ctx context.Context, id string) error {
	return s.db.Tx(ctx, func(tx *database.Tx) error {
		t, err := getTemplate(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := foldDefaults(ctx, tx, t); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM agent_templates WHERE id = ?`,
			id); err != nil {
			return fmt.Errorf("agent: delete template %s: %w", id, err)
		}
		return nil
	})
}

// foldDefaults writes t's default config into the overrides of every agent assigned from it.
// The catalog spans campaigns, so this walks the agents of all of them; each update is still
// pinned to the agent's own campaign.
func foldDefaults(ctx context.Context, tx *database.Tx, t Template) error {
	rows, err := tx.QueryContext(ctx, `
		SELECT campaign_id, id, config FROM agents WHERE template_id = ?`, t.ID)
	if err != nil {
		return fmt.Errorf("agent: delete template %s: %w", t.ID, err)
	}
	type row struct{ campaignID, id, config string }
	var list []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.campaignID, &r.id, &r.config); err != nil {
			rows.Close()
			return fmt.Errorf("agent: delete template %s: %w", t.ID, err)
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("agent: delete template %s: %w", t.ID, err)
	}
	for _, r := range list {
		merged := mergeConfig(t.DefaultConfig, json.RawMessage(r.config))
		if _, err := tx.ExecContext(ctx, `
			UPDATE agents SET config = ? WHERE campaign_id = ? AND id = ?`,
			string(merged), r.campaignID, r.id); err != nil {
			return fmt.Errorf("agent: delete template %s: agent %s: %w", t.ID, r.id, err)
		}
	}
	return nil
}

// TemplateUsage is a campaign whose agents were made from a template: what editing the
// template touches.
type TemplateUsage struct {
	CampaignID   string   `json:"campaignId"`
	CampaignName string   `json:"campaignName"`
	CampaignSlug string   `json:"campaignSlug"`
	Agents       []string `json:"agents"`
}

// TemplateUsage lists, campaign by campaign, the agents made from the template. The catalog
// is shared by every campaign, so this reads across campaigns: it is for the platform admins
// who edit the catalog.
func (s *Store) TemplateUsage(ctx context.Context, id string) ([]TemplateUsage, error) {
	if _, err := getTemplate(ctx, s.db.R, id); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, `
		SELECT c.id, c.name, c.slug, a.name
		FROM agents a JOIN campaigns c ON c.id = a.campaign_id
		WHERE a.template_id = ?
		ORDER BY c.name, c.id, a.name`, id)
	if err != nil {
		return nil, fmt.Errorf("agent: usage of template %s: %w", id, err)
	}
	defer rows.Close()
	out := []TemplateUsage{}
	for rows.Next() {
		var u TemplateUsage
		var name string
		if err := rows.Scan(&u.CampaignID, &u.CampaignName, &u.CampaignSlug, &name); err != nil {
			return nil, fmt.Errorf("agent: usage of template %s: %w", id, err)
		}
		if n := len(out); n > 0 && out[n-1].CampaignID == u.CampaignID {
			out[n-1].Agents = append(out[n-1].Agents, name)
			continue
		}
		u.Agents = []string{name}
		out = append(out, u)
	}
	return out, rows.Err()
}
