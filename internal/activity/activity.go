// Package activity keeps each campaign's feed of what happened: campaign changes, agents
// assigned, runs, records, approvals. Every entry belongs to exactly one campaign.
package activity

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/event"
)

// Severities an entry may carry.
const (
	Info    = "info"
	Success = "success"
	Warning = "warning"
	Error   = "error"
)

// Entry is one item of a campaign's feed.
type Entry struct {
	ID         string    `json:"id"`
	CampaignID string    `json:"campaignId"`
	Type       string    `json:"type"`
	Severity   string    `json:"severity"`
	Title      string    `json:"title"`
	Detail     string    `json:"detail"`
	AgentID    string    `json:"agentId,omitempty"`
	RunID      string    `json:"runId,omitempty"`
	UserID     string    `json:"userId,omitempty"`
	CreatedAt  time.Time `json:"createdAt"`
}

// Store reads and writes the feed, and announces new entries on the event broker.
type Store struct {
	db     *database.DB
	broker *event.Broker
	now    func() time.Time
}

// NewStore returns a store over db; broker may be nil when nothing listens live.
func NewStore(db *database.DB, broker *event.Broker) *Store {
	return &Store{db: db, broker: broker, now: time.Now}
}

// Record adds an entry to the scope's campaign inside tx; listeners hear of it once tx commits.
func (s *Store) Record(ctx context.Context, tx *database.Tx, sc access.Scope, e Entry) error {
	e.ID = database.NewID()
	e.CampaignID = sc.CampaignID()
	if e.Severity == "" {
		e.Severity = Info
	}
	if e.UserID == "" {
		e.UserID = sc.UserID()
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = s.now()
	}
	e.CreatedAt = e.CreatedAt.UTC().Truncate(time.Millisecond)
	_, err := tx.ExecContext(ctx, `
		INSERT INTO campaign_activity
			(id, campaign_id, type, severity, title, detail, agent_id, run_id, user_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.CampaignID, e.Type, e.Severity, e.Title, e.Detail,
		database.NullString(e.AgentID), database.NullString(e.RunID),
		database.NullString(e.UserID), database.FormatTime(e.CreatedAt))
	if err != nil {
		return fmt.Errorf("activity: record %s in %s: %w", e.Type, e.CampaignID, err)
	}
	if s.broker != nil {
		tx.OnCommit(func() {
			s.broker.Publish(event.Event{Type: "activity.created", CampaignID: e.CampaignID, Data: e})
		})
	}
	return nil
}

// Filter narrows a feed listing.
type Filter struct {
	// Type is a full type ("run.failed") or a category ("run") standing for all its types.
	Type     string
	Severity string
	// From and To bound the entries' times: From included, To excluded.
	From, To *time.Time
	Limit    int
	Cursor   string
}

// Entries lists the scope's feed, newest first, and the cursor of the next page ("" at the end).
func (s *Store) Entries(ctx context.Context, sc access.Scope, f Filter) ([]Entry, string, error) {
	where := []string{"campaign_id = ?"}
	args := []any{sc.CampaignID()}
	switch {
	case strings.Contains(f.Type, "."):
		where = append(where, "type = ?")
		args = append(args, f.Type)
	case f.Type != "":
		// Every type of the category: they sort between "run." and "run/".
		where = append(where, "type >= ? AND type < ?")
		args = append(args, f.Type+".", f.Type+"/")
	}
	if f.Severity != "" {
		where = append(where, "severity = ?")
		args = append(args, f.Severity)
	}
	if f.From != nil {
		where = append(where, "created_at >= ?")
		args = append(args, database.FormatTime(*f.From))
	}
	if f.To != nil {
		where = append(where, "created_at < ?")
		args = append(args, database.FormatTime(*f.To))
	}
	if f.Cursor != "" {
		key, err := database.DecodeCursor(f.Cursor, 2)
		if err != nil {
			return nil, "", err
		}
		where = append(where, "(created_at < ? OR (created_at = ? AND id < ?))")
		args = append(args, key[0], key[0], key[1])
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	args = append(args, limit+1)
	rows, err := s.db.R.QueryContext(ctx, `
		SELECT id, campaign_id, type, severity, title, detail, COALESCE(agent_id, ''),
			COALESCE(run_id, ''), COALESCE(user_id, ''), created_at
		FROM campaign_activity
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY created_at DESC, id DESC
		LIMIT ?`, args...)
	if err != nil {
		return nil, "", fmt.Errorf("activity: list %s: %w", sc.CampaignID(), err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.CampaignID, &e.Type, &e.Severity, &e.Title, &e.Detail,
			&e.AgentID, &e.RunID, &e.UserID, database.Time(&e.CreatedAt)); err != nil {
			return nil, "", fmt.Errorf("activity: list %s: %w", sc.CampaignID(), err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("activity: list %s: %w", sc.CampaignID(), err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[len(out)-1]
		next = database.EncodeCursor(database.FormatTime(last.CreatedAt), last.ID)
	}
	return out, next, nil
}
