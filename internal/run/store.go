package run

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
	"github.com/clawops/clawops/internal/event"
)

// Store reads and writes runs and their logs. Every statement is scoped by campaign.
type Store struct {
	db       *database.DB
	activity *activity.Store
	broker   *event.Broker
	now      func() time.Time
	// wake tells the engine that a run is waiting; nil when no engine runs.
	wake func()
}

// NewStore returns a store over db; broker may be nil.
func NewStore(db *database.DB, act *activity.Store, broker *event.Broker) *Store {
	return &Store{db: db, activity: act, broker: broker, now: time.Now}
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const selectRun = `
	SELECT id, campaign_id, COALESCE(agent_id, ''), agent_name, COALESCE(schedule_id, ''),
		trigger, status, message, fire_at, started_at, finished_at, duration_ms, tokens_used,
		cost_usd, output, error, records_ingested, rejected_records, metrics,
		COALESCE(requested_by, ''), COALESCE(retry_of, ''), created_at, updated_at
	FROM runs`

type rowScanner interface{ Scan(dest ...any) error }

func scanRun(r rowScanner) (Run, error) {
	var x Run
	var duration sql.NullInt64
	var ingested, rejected, metrics string
	err := r.Scan(&x.ID, &x.CampaignID, &x.AgentID, &x.AgentName, &x.ScheduleID, &x.Trigger,
		&x.Status, &x.Message, database.NullTime(&x.FireAt), database.NullTime(&x.StartedAt),
		database.NullTime(&x.FinishedAt), &duration, &x.TokensUsed, &x.CostUSD, &x.Output,
		&x.Error, &ingested, &rejected, &metrics, &x.RequestedBy, &x.RetryOf,
		database.Time(&x.CreatedAt), database.Time(&x.UpdatedAt))
	if err != nil {
		return x, err
	}
	if duration.Valid {
		x.DurationMs = &duration.Int64
	}
	var counts struct {
		Created map[string]int `json:"created"`
		Skipped map[string]int `json:"skipped"`
	}
	// Older rows hold the created counts alone; both shapes are read.
	if json.Unmarshal([]byte(ingested), &counts) != nil || counts.Created == nil {
		counts.Created = map[string]int{}
		json.Unmarshal([]byte(ingested), &counts.Created)
	}
	x.RecordsIngested, x.RecordsSkipped = counts.Created, counts.Skipped
	if x.RecordsSkipped == nil {
		x.RecordsSkipped = map[string]int{}
	}
	json.Unmarshal([]byte(rejected), &x.RejectedRecords)
	if x.RejectedRecords == nil {
		x.RejectedRecords = []Rejected{}
	}
	json.Unmarshal([]byte(metrics), &x.Metrics)
	if x.Metrics == nil {
		x.Metrics = map[string]int64{}
	}
	return x, nil
}

// Run returns one run of the scope's campaign.
func (s *Store) Run(ctx context.Context, sc access.Scope, id string) (Run, error) {
	return getRun(ctx, s.db.R, sc.CampaignID(), id)
}

func getRun(ctx context.Context, q querier, campaignID, id string) (Run, error) {
	r, err := scanRun(q.QueryRowContext(ctx, selectRun+` WHERE campaign_id = ? AND id = ?`,
		campaignID, id))
	if database.IsNoRows(err) {
		return Run{}, ErrNotFound
	}
	if err != nil {
		return Run{}, fmt.Errorf("run: read %s: %w", id, err)
	}
	return r, nil
}

// Filter narrows a listing of runs. Zero fields do not filter.
type Filter struct {
	Statuses   []string
	AgentID    string
	ScheduleID string
	Trigger    string
	// From and To bound the creation time; To is exclusive.
	From, To time.Time
	Limit    int
	Cursor   string
}

// Runs lists the scope's runs, newest first, a page at a time, and the cursor of the next
// page ("" on the last).
func (s *Store) Runs(ctx context.Context, sc access.Scope, f Filter) ([]Run, string, error) {
	where, args, err := f.where(sc.CampaignID())
	if err != nil {
		return nil, "", err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.R.QueryContext(ctx, selectRun+where+
		` ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("run: list %s: %w", sc.CampaignID(), err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, "", fmt.Errorf("run: list %s: %w", sc.CampaignID(), err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("run: list %s: %w", sc.CampaignID(), err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = database.EncodeCursor(database.FormatTime(last.CreatedAt), last.ID)
	}
	return out, next, nil
}

func (f Filter) where(campaignID string) (string, []any, error) {
	var b strings.Builder
	args := []any{campaignID}
	b.WriteString(" WHERE campaign_id = ?")
	if len(f.Statuses) > 0 {
		b.WriteString(" AND status IN (?" + strings.Repeat(", ?", len(f.Statuses)-1) + ")")
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	for _, c := range []struct{ col, v string }{{"agent_id", f.AgentID},
		{"schedule_id", f.ScheduleID}, {"trigger", f.Trigger}} {
		if c.v != "" {
			b.WriteString(" AND " + c.col + " = ?")
			args = append(args, c.v)
		}
	}
	if !f.From.IsZero() {
		b.WriteString(" AND created_at >= ?")
		args = append(args, database.FormatTime(f.From))
	}
	if !f.To.IsZero() {
		b.WriteString(" AND created_at < ?")
		args = append(args, database.FormatTime(f.To))
	}
	if f.Cursor != "" {
		key, err := database.DecodeCursor(f.Cursor, 2)
		if err != nil {
			return "", nil, err
		}
		b.WriteString(" AND (created_at, id) < (?, ?)")
		args = append(args, key[0], key[1])
	}
	return b.String(), args, nil
}

// Logs returns up to limit lines of a run's log after line number after.
func (s *Store) Logs(ctx context.Context, sc access.Scope, id string, after,
	limit int) ([]LogLine, error) {
	if _, err := s.Run(ctx, sc, id); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 5000 {
		limit = 5000
	}
	rows, err := s.db.R.QueryContext(ctx, `
		SELECT seq, line, created_at FROM run_logs
		WHERE campaign_id = ? AND run_id = ? AND seq > ?
		ORDER BY seq LIMIT ?`, sc.CampaignID(), id, after, limit)
	if err != nil {
		return nil, fmt.Errorf("run: log of %s: %w", id, err)
	}
	defer rows.Close()
	out := []LogLine{}
	for rows.Next() {
		var l LogLine
		if err := rows.Scan(&l.Seq, &l.Line, database.Time(&l.At)); err != nil {
			return nil, fmt.Errorf("run: log of %s: %w", id, err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// agentRow is what starting a run needs to know of its agent.
type agentRow struct {
	id, name, status string
}

func getAgent(ctx context.Context, q querier, campaignID, id string) (agentRow, error) {
	var a agentRow
	err := q.QueryRowContext(ctx, `SELECT id, name, status FROM agents
		WHERE campaign_id = ? AND id = ?`, campaignID, id).Scan(&a.id, &a.name, &a.status)
	if database.IsNoRows(err) {
		return a, fmt.Errorf("run: agent %s: %w", id, derrors.NotFound)
	}
	if err != nil {
		return a, fmt.Errorf("run: agent %s: %w", id, err)
	}
	return a, nil
}

// CreateRun queues a run. A manual run whose idempotency key was used in the last 24 hours
// returns that run instead, with created false. A scheduled run whose fire was already
// claimed is ErrClaimed.
func (s *Store) CreateRun(ctx context.Context, sc access.Scope, n NewRun,
	requestedBy string) (r Run, created bool, err error) {
	err = s.db.Tx(ctx, func(tx *database.Tx) error {
		r, created, err = s.CreateRunTx(ctx, tx, sc, n, requestedBy)
		return err
	})
	if err != nil {
		return Run{}, false, err
	}
	return r, created, nil
}

// CreateRunTx is CreateRun inside the caller's transaction, for the scheduler, which queues
// the runs of a whole pass in one transaction. The engine is woken once tx commits.
func (s *Store) CreateRunTx(ctx context.Context, tx *database.Tx, sc access.Scope, n NewRun,
	requestedBy string) (Run, bool, error) {
	if err := sc.Require(access.RoleOperator); err != nil {
		return Run{}, false, err
	}
	if err := n.check(); err != nil {
		return Run{}, false, err
	}
	r, created, err := s.createRun(ctx, tx, sc, n, requestedBy)
	if err != nil {
		return Run{}, false, err
	}
	if created && s.wake != nil {
		tx.OnCommit(s.wake)
	}
	return r, created, nil
}

// ErrClaimed is a scheduled fire that has already been turned into a run.
var ErrClaimed = fmt.Errorf("run: the scheduled fire was already claimed: %w", derrors.Conflict)

func (s *Store) createRun(ctx context.Context, tx *database.Tx, sc access.Scope, n NewRun,
	requestedBy string) (Run, bool, error) {
	if n.IdempotencyKey != "" {
		if r, ok, err := s.byKey(ctx, tx, sc.CampaignID(), n.IdempotencyKey); err != nil || ok {
			return r, false, err
		}
	}
	if err := s.checkCampaign(ctx, tx, sc.CampaignID(), n); err != nil {
		return Run{}, false, err
	}
	a, err := getAgent(ctx, tx, sc.CampaignID(), n.AgentID)
	if err != nil {
		return Run{}, false, err
	}
	if a.status == "paused" || a.status == "disabled" {
		return Run{}, false, ErrAgentUnavailable
	}
	id, now := database.NewID(), database.FormatTime(s.now())
	var fireAt any
	if n.FireAt != nil {
		fireAt = database.FormatTime(*n.FireAt)
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO runs (id, campaign_id, agent_id, agent_name, schedule_id, trigger, status,
			message, idempotency_key, retry_of, fire_at, requested_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)`,
		id, sc.CampaignID(), a.id, a.name, database.NullString(n.ScheduleID), n.Trigger,
		n.Message, database.NullString(n.IdempotencyKey), database.NullString(n.RetryOf),
		fireAt, database.NullString(requestedBy), now, now)
	if database.IsUniqueViolation(err) && n.FireAt != nil {
		return Run{}, false, ErrClaimed
	}
	if err != nil {
		return Run{}, false, fmt.Errorf("run: create for %s: %w", a.name, err)
	}
	r, err := getRun(ctx, tx, sc.CampaignID(), id)
	return r, true, err
}

// byKey finds the run an idempotency key made in the last 24 hours. An older use of the key
// is released so that the key can start a new run.
func (s *Store) byKey(ctx context.Context, tx *database.Tx, campaignID, key string) (Run,
	bool, error) {
	r, err := scanRun(tx.QueryRowContext(ctx, selectRun+
		` WHERE campaign_id = ? AND idempotency_key = ?`, campaignID, key))
	if database.IsNoRows(err) {
		return Run{}, false, nil
	}
	if err != nil {
		return Run{}, false, fmt.Errorf("run: idempotency key: %w", err)
	}
	if s.now().Sub(r.CreatedAt) < idempotencyWindow {
		return r, true, nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE runs SET idempotency_key = NULL
		WHERE campaign_id = ? AND id = ?`, campaignID, r.ID)
	if err != nil {
		return Run{}, false, fmt.Errorf("run: release idempotency key: %w", err)
	}
	return Run{}, false, nil
}

// checkCampaign refuses runs in archived campaigns, and manual runs once a budget is spent
// unless they override it.
func (s *Store) checkCampaign(ctx context.Context, tx *database.Tx, campaignID string,
	n NewRun) error {
	c, err := loadCampaign(ctx, tx, campaignID)
	if err != nil {
		return err
	}
	if c.status == "archived" {
		return ErrArchived
	}
	if n.Trigger == TriggerScheduled || n.OverrideBudget {
		return nil
	}
	spend, err := spending(ctx, tx, c, s.now())
	if err != nil {
		return err
	}
	if over := spend.over(); over != "" {
		return fmt.Errorf("run: %s; send overrideBudget to run anyway: %w", over,
			derrors.Conflict)
	}
	return nil
}

// Retry queues a new run of a finished run's agent and task, marked as its retry.
func (s *Store) Retry(ctx context.Context, sc access.Scope, id,
	requestedBy string) (Run, error) {
	old, err := s.Run(ctx, sc, id)
	if err != nil {
		return Run{}, err
	}
	if !old.Finished() {
		return Run{}, ErrNotFinished
	}
	if old.AgentID == "" {
		return Run{}, fmt.Errorf("run: the agent of run %s was removed: %w", id,
			derrors.Conflict)
	}
	r, _, err := s.CreateRun(ctx, sc, NewRun{AgentID: old.AgentID, Message: old.Message,
		Trigger: TriggerRetry, RetryOf: old.ID, ScheduleID: old.ScheduleID,
		OverrideBudget: true}, requestedBy)
	return r, err
}
