// Package audit records who changed what, where and with which outcome: every mutation of the
// API and the console, and every sign-in attempt. Secrets never reach it.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/clawops/clawops/internal/database"
)

// Outcomes of an audited action.
const (
	Success = "success"
	Failure = "failure"
	Denied  = "denied"
)

// Entry is one audited action.
type Entry struct {
	ID         string         `json:"id"`
	CreatedAt  time.Time      `json:"createdAt"`
	UserID     string         `json:"userId,omitempty"`
	TokenID    string         `json:"tokenId,omitempty"`
	Action     string         `json:"action"`
	Resource   string         `json:"resource"`
	CampaignID string         `json:"campaignId,omitempty"`
	Method     string         `json:"method"`
	Path       string         `json:"path"`
	Status     int            `json:"status"`
	Outcome    string         `json:"outcome"`
	IP         string         `json:"ip"`
	RequestID  string         `json:"requestId"`
	Detail     map[string]any `json:"detail"`
}

// Store writes and reads the audit log.
type Store struct {
	db  *database.DB
	now func() time.Time
}

// NewStore returns a store over db.
func NewStore(db *database.DB) *Store { return &Store{db: db, now: time.Now} }

// secretKeys are detail keys whose values are replaced before storing.
var secretKeys = []string{"password", "token", "secret", "authorization", "cookie", "csrf"}

// Redact replaces the value of every key that looks secret, at any depth, in objects and in
// the lists they hold.
func Redact(detail map[string]any) map[string]any {
	out := make(map[string]any, len(detail))
	for k, v := range detail {
		lk := strings.ToLower(k)
		secret := false
		for _, s := range secretKeys {
			if strings.Contains(lk, s) {
				secret = true
				break
			}
		}
		if secret {
			out[k] = "[redacted]"
			continue
		}
		out[k] = redactValue(v)
	}
	return out
}

// redactValue redacts the objects inside v, however deep in lists they are.
func redactValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return Redact(x)
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = redactValue(item)
		}
		return out
	}
	return v
}

// Record stores an entry, redacting secrets from its detail.
func (s *Store) Record(ctx context.Context, e Entry) error {
	if e.ID == "" {
		e.ID = database.NewID()
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = s.now()
	}
	detail, err := json.Marshal(Redact(e.Detail))
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	_, err = s.db.Exec(ctx, `
		INSERT INTO audit_log (id, created_at, user_id, token_id, action, resource, campaign_id,
			method, path, status, outcome, ip, request_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, database.FormatTime(e.CreatedAt), database.NullString(e.UserID),
		database.NullString(e.TokenID), e.Action, e.Resource, database.NullString(e.CampaignID),
		e.Method, e.Path, e.Status, e.Outcome, e.IP, e.RequestID, string(detail))
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	return nil
}

// Filter narrows an audit listing.
type Filter struct {
	UserID     string
	CampaignID string
	Action     string
	Outcome    string
	From, To   *time.Time
	Limit      int
	Cursor     string
}

// Entries lists audit entries, newest first, with the next page's cursor.
func (s *Store) Entries(ctx context.Context, f Filter) ([]Entry, string, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.UserID != "" {
		add("user_id = ?", f.UserID)
	}
	if f.CampaignID != "" {
		add("campaign_id = ?", f.CampaignID)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.Outcome != "" {
		add("outcome = ?", f.Outcome)
	}
	if f.From != nil {
		add("created_at >= ?", database.FormatTime(*f.From))
	}
	if f.To != nil {
		add("created_at < ?", database.FormatTime(*f.To))
	}
	if f.Cursor != "" {
		key, err := database.DecodeCursor(f.Cursor, 2)
		if err != nil {
			return nil, "", err
		}
		where = append(where, "(created_at < ? OR (created_at = ? AND id < ?))")
		args = append(args, key[0], key[0], key[1])
	}
	q := `SELECT id, created_at, COALESCE(user_id, ''), COALESCE(token_id, ''), action, resource,
		COALESCE(campaign_id, ''), method, path, status, outcome, ip, request_id, detail
		FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY created_at DESC, id DESC LIMIT ?"
	args = append(args, f.Limit+1)
	rows, err := s.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		var e Entry
		var detail string
		if err := rows.Scan(&e.ID, database.Time(&e.CreatedAt), &e.UserID, &e.TokenID, &e.Action,
			&e.Resource, &e.CampaignID, &e.Method, &e.Path, &e.Status, &e.Outcome, &e.IP,
			&e.RequestID, &detail); err != nil {
			return nil, "", fmt.Errorf("audit: list: %w", err)
		}
		if err := json.Unmarshal([]byte(detail), &e.Detail); err != nil {
			e.Detail = map[string]any{"raw": detail}
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("audit: list: %w", err)
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		last := out[len(out)-1]
		next = database.EncodeCursor(database.FormatTime(last.CreatedAt), last.ID)
	}
	return out, next, nil
}

// pruneBatch is how many entries one pruning transaction removes, so that pruning a large log
// never holds the writer for long.
const pruneBatch = 5000

// Prune removes the entries older than before and reports how many it removed.
func (s *Store) Prune(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		res, err := s.db.Exec(ctx, `
			DELETE FROM audit_log WHERE id IN (
				SELECT id FROM audit_log WHERE created_at < ? ORDER BY created_at LIMIT ?)`,
			database.FormatTime(before), pruneBatch)
		if err != nil {
			return total, fmt.Errorf("audit: prune before %s: %w", before.Format(time.DateOnly),
				err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("audit: prune: %w", err)
		}
		total += n
		if n < pruneBatch {
			return total, nil
		}
	}
}

// Actions lists the actions the log holds, in order. It seeks from one action to the next in
// the action index rather than reading every entry.
func (s *Store) Actions(ctx context.Context) ([]string, error) {
	rows, err := s.db.R.QueryContext(ctx, `
		WITH RECURSIVE seen(action) AS (
			SELECT MIN(action) FROM audit_log
			UNION ALL
			SELECT (SELECT MIN(a.action) FROM audit_log a WHERE a.action > seen.action)
			FROM seen WHERE seen.action IS NOT NULL)
		SELECT action FROM seen WHERE action IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("audit: actions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("audit: actions: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: actions: %w", err)
	}
	return out, nil
}

// exportPage is how many entries Each reads at a time.
const exportPage = 1000

// Each calls fn for every entry the filter selects, newest first, a page at a time, so that
// exporting a large log never holds it all in memory. It stops at fn's first error.
func (s *Store) Each(ctx context.Context, f Filter, fn func(Entry) error) error {
	f.Limit = exportPage
	for {
		page, next, err := s.Entries(ctx, f)
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		f.Cursor = next
	}
}
