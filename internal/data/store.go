package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/internal/event"
	"github.com/clawops/clawops/internal/metrics"
)

// Errors of the data store.
var (
	ErrNotFound = fmt.Errorf("data: record %w", derrors.NotFound)
	// ErrDuplicate is a row whose natural key another row of the campaign already has.
	ErrDuplicate = fmt.Errorf("a record with the same key already exists: %w", derrors.Conflict)
)

// MaxBatch is the most records one bulk create may carry.
const MaxBatch = 10000

// Store reads and writes every collection, always within one campaign.
type Store struct {
	db       *database.DB
	activity *activity.Store
	broker   *event.Broker
	// metrics recounts the days a change touched, in the change's own transaction.
	metrics *metrics.Store
	now     func() time.Time
	// jobs counts the imports running in the background.
	jobs sync.WaitGroup
}

// NewStore returns a store over db; broker may be nil when nothing listens live.
func NewStore(db *database.DB, act *activity.Store, broker *event.Broker) *Store {
	return &Store{db: db, activity: act, broker: broker, metrics: metrics.NewStore(db, broker),
		now: time.Now}
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

type rowScanner interface{ Scan(dest ...any) error }

func (c *Collection) scan(r rowScanner) (Record, error) {
	rec := Record{Collection: c, Values: make(Values, len(c.Fields))}
	raw := make([]any, len(c.Fields))
	dest := make([]any, 0, len(c.Fields)+5)
	dest = append(dest, &rec.ID, &rec.CampaignID, &rec.SourceRunID)
	for i := range raw {
		dest = append(dest, &raw[i])
	}
	dest = append(dest, database.Time(&rec.CreatedAt), database.Time(&rec.UpdatedAt))
	if err := r.Scan(dest...); err != nil {
		return rec, err
	}
	for i := range c.Fields {
		v, err := c.Fields[i].fromSQL(raw[i])
		if err != nil {
			return rec, err
		}
		rec.Values[c.Fields[i].Name] = v
	}
	return rec, nil
}

// Records returns one page of the collection in the scope's campaign and the cursor of the
// next page ("" on the last).
func (s *Store) Records(ctx context.Context, sc access.Scope, c *Collection,
	q Query) ([]Record, string, error) {
	plan, err := s.planSearch(ctx, c, sc.CampaignID(), q)
	if err != nil {
		return nil, "", err
	}
	src, args := c.from(sc.CampaignID(), q, plan)
	order, after, afterArgs, err := c.order(q)
	if err != nil {
		return nil, "", err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	args = append(append(args, afterArgs...), limit+1)
	rows, err := s.db.R.QueryContext(ctx,
		"SELECT "+c.selectList()+src+after+order+" LIMIT ?", args...)
	if err != nil {
		return nil, "", fmt.Errorf("data: list %s of %s: %w", c.Path, sc.CampaignID(), err)
	}
	defer rows.Close()
	out := make([]Record, 0, min(limit, 64))
	for rows.Next() {
		r, err := c.scan(rows)
		if err != nil {
			return nil, "", fmt.Errorf("data: list %s of %s: %w", c.Path, sc.CampaignID(), err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("data: list %s of %s: %w", c.Path, sc.CampaignID(), err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = c.cursorAfter(out[limit-1], q)
	}
	return out, next, nil
}

// Tally is how many rows a listing holds: N, or more than N when More is set.
type Tally struct {
	N    int
	More bool
}

// walkCountLimit caps counting a search whose words are common: its rows are found by
// testing each row in turn, and past five hundred matches the exact number is not worth the
// wait.
const walkCountLimit = 500

// Count says how many rows of the campaign match q's filters and search, counting no further
// than limit (less for a search of common words), which keeps it cheap on large campaigns.
func (s *Store) Count(ctx context.Context, sc access.Scope, c *Collection, q Query,
	limit int) (Tally, error) {
	plan, err := s.planSearch(ctx, c, sc.CampaignID(), q)
	if err != nil {
		return Tally{}, err
	}
	if plan.mode == searchWalk {
		limit = min(limit, walkCountLimit)
	}
	src, args := c.from(sc.CampaignID(), q, plan)
	n, err := s.cappedCount(ctx, "SELECT 1"+src, limit, args...)
	if err != nil {
		return Tally{}, fmt.Errorf("data: count %s of %s: %w", c.Path, sc.CampaignID(), err)
	}
	if n > limit {
		return Tally{N: limit, More: true}, nil
	}
	return Tally{N: n}, nil
}

// Each calls fn for every row that q selects, in q's order, without holding them all in
// memory. It stops at the first error fn returns.
func (s *Store) Each(ctx context.Context, sc access.Scope, c *Collection, q Query,
	fn func(Record) error) error {
	plan, err := s.planSearch(ctx, c, sc.CampaignID(), q)
	if err != nil {
		return err
	}
	src, args := c.from(sc.CampaignID(), q, plan)
	order, _, _, err := c.order(Query{Sort: q.Sort, Desc: q.Desc})
	if err != nil {
		return err
	}
	rows, err := s.db.R.QueryContext(ctx,
		"SELECT "+c.selectList()+src+order, args...)
	if err != nil {
		return fmt.Errorf("data: read %s of %s: %w", c.Path, sc.CampaignID(), err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := c.scan(rows)
		if err != nil {
			return fmt.Errorf("data: read %s of %s: %w", c.Path, sc.CampaignID(), err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("data: read %s of %s: %w", c.Path, sc.CampaignID(), err)
	}
	return nil
}

// Distinct returns up to 50 values the field takes in the scope's campaign, in order, for
// filters over free-text fields such as a status without a fixed list.
func (s *Store) Distinct(ctx context.Context, sc access.Scope, c *Collection,
	field string) ([]string, error) {
	f, ok := c.Field(field)
	if !ok {
		return nil, fmt.Errorf("data: %s has no field %q", c.Path, field)
	}
	rows, err := s.db.R.QueryContext(ctx, "SELECT DISTINCT "+f.Column+" FROM "+c.Table+
		" WHERE campaign_id = ? AND "+f.Column+" IS NOT NULL ORDER BY 1 LIMIT 50",
		sc.CampaignID())
	if err != nil {
		return nil, fmt.Errorf("data: distinct %s.%s: %w", c.Path, field, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v any
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("data: distinct %s.%s: %w", c.Path, field, err)
		}
		val, err := f.fromSQL(v)
		if err != nil {
			return nil, err
		}
		if t := f.text(val); t != "" {
			out = append(out, t)
		}
	}
	return out, rows.Err()
}

// Record returns one row of the scope's campaign; a row of any other campaign is ErrNotFound.
func (s *Store) Record(ctx context.Context, sc access.Scope, c *Collection,
	id string) (Record, error) {
	return c.get(ctx, s.db.R, sc.CampaignID(), id)
}

func (c *Collection) get(ctx context.Context, q querier, campaignID, id string) (Record, error) {
	r, err := c.scan(q.QueryRowContext(ctx,
		"SELECT "+c.selectList()+" FROM "+c.Table+" WHERE campaign_id = ? AND id = ?",
		campaignID, id))
	if database.IsNoRows(err) {
		return Record{}, fmt.Errorf("data: get %s %s: %w", c.Path, id, ErrNotFound)
	}
	if err != nil {
		return Record{}, fmt.Errorf("data: get %s %s: %w", c.Path, id, err)
	}
	return r, nil
}

// CreateRecord validates in and adds it to the scope's campaign. A row whose natural key is
// already there is ErrDuplicate.
func (s *Store) CreateRecord(ctx context.Context, sc access.Scope, c *Collection,
	in Input) (Record, error) {
	if err := sc.Require(access.RoleOperator); err != nil {
		return Record{}, err
	}
	fs := derrors.Fields{}
	vals := c.decode(in, true, fs, "")
	if err := fs.Err(); err != nil {
		return Record{}, err
	}
	return s.create(ctx, sc, c, vals)
}

// CreateRecordText is CreateRecord for fields given as text, as forms send them.
func (s *Store) CreateRecordText(ctx context.Context, sc access.Scope, c *Collection,
	in map[string]string) (Record, error) {
	if err := sc.Require(access.RoleOperator); err != nil {
		return Record{}, err
	}
	fs := derrors.Fields{}
	vals := c.parse(in, true, fs, "")
	if err := fs.Err(); err != nil {
		return Record{}, err
	}
	return s.create(ctx, sc, c, vals)
}

func (s *Store) create(ctx context.Context, sc access.Scope, c *Collection,
	vals Values) (Record, error) {
	var rec Record
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		ins, err := c.prepareInsert(ctx, tx, false)
		if err != nil {
			return err
		}
		defer ins.Close()
		rec = c.newRecord(sc.CampaignID(), "", vals, s.now())
		created, err := c.insert(ctx, ins, rec)
		if err != nil {
			return err
		}
		if created {
			if err := c.index(ctx, tx, sc.CampaignID(), c.searchDocs([]Record{rec})); err != nil {
				return err
			}
		}
		if !created {
			return ErrDuplicate
		}
		days := &touched{}
		days.row(rec)
		if err := s.refresh(ctx, tx, sc, days); err != nil {
			return err
		}
		s.changed(tx, sc, c, "created", rec.ID)
		return s.recordActivity(ctx, tx, sc, c, activity.Entry{
			Type:  c.ActivityType + ".created",
			Title: capitalise(c.Singular) + " added: " + rec.Summary(),
		})
	})
	if err != nil {
		return Record{}, fmt.Errorf("data: create %s in %s: %w", c.Path, sc.CampaignID(), err)
	}
	return rec, nil
}

// BulkResult counts what a bulk create did.
type BulkResult struct {
	Created int `json:"created"`
	// Skipped rows matched the natural key of a row already stored, or of an earlier row of
	// the same batch.
	Skipped int `json:"skipped"`
}

// CreateRecords validates every item and adds them in one transaction, skipping duplicates.
// One invalid item rejects the whole batch, its problems named "[i].field", so nothing is half
// imported.
func (s *Store) CreateRecords(ctx context.Context, sc access.Scope, c *Collection,
	items []Input) (BulkResult, error) {
	if err := sc.Require(access.RoleOperator); err != nil {
		return BulkResult{}, err
	}
	if len(items) > MaxBatch {
		return BulkResult{}, derrors.Fields{"body": fmt.Sprintf(
			"must hold at most %d records; split larger batches or import a CSV file", MaxBatch)}
	}
	fs := derrors.Fields{}
	vals := make([]Values, len(items))
	for i, in := range items {
		vals[i] = c.decode(in, true, fs, fmt.Sprintf("[%d].", i))
		if len(fs) >= 20 {
			break
		}
	}
	if err := fs.Err(); err != nil {
		return BulkResult{}, err
	}
	res, err := s.insertMany(ctx, sc, c, vals, "", false)
	if err != nil {
		return BulkResult{}, fmt.Errorf("data: bulk create %s in %s: %w", c.Path,
			sc.CampaignID(), err)
	}
	return res, nil
}

// insertMany stores already validated rows in one transaction, skipping duplicates. Unless
// quiet, the feed and live listeners hear of it.
func (s *Store) insertMany(ctx context.Context, sc access.Scope, c *Collection, vals []Values,
	runID string, quiet bool) (BulkResult, error) {
	var res BulkResult
	// The records and their words are made before the transaction, which holds the writer.
	now := s.now()
	recs := make([]Record, len(vals))
	for i, v := range vals {
		recs[i] = c.newRecord(sc.CampaignID(), runID, v, now)
	}
	docs := c.searchDocs(recs)
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		ins, err := c.prepareInsert(ctx, tx, true)
		if err != nil {
			return err
		}
		defer ins.Close()
		added := make([]Record, 0, len(recs))
		addedDocs := make([]searchDoc, 0, len(recs))
		rowCtx := rowContext(ctx)
		for i, r := range recs {
			if err := checkEvery(ctx, i); err != nil {
				return err
			}
			created, err := c.insert(rowCtx, ins, r)
			if err != nil {
				return err
			}
			if created {
				added = append(added, r)
				addedDocs = append(addedDocs, docs[i])
			}
		}
		res.Created, res.Skipped = len(added), len(recs)-len(added)
		if err := c.index(ctx, tx, sc.CampaignID(), addedDocs); err != nil {
			return err
		}
		// When the new rows count only by their creation, which is one instant for all of
		// them, they are added to that day's figure; rows that also carry a counted time,
		// such as a contact date, have every day they touch counted again.
		days := &touched{}
		for _, r := range added {
			days.fields(r)
		}
		if len(days.at) == 0 && len(added) > 0 {
			err = s.created(ctx, tx, sc, c, added[0].CreatedAt, len(added))
		} else {
			for _, r := range added {
				days.creation(r)
			}
			err = s.refresh(ctx, tx, sc, days)
		}
		if err != nil {
			return err
		}
		if res.Created == 0 || quiet {
			return nil
		}
		s.changed(tx, sc, c, "created", "")
		return s.recordActivity(ctx, tx, sc, c, activity.Entry{
			Type:   c.ActivityType + ".created",
			Title:  fmt.Sprintf("%s added", plural(res.Created, c.Singular)),
			Detail: skippedDetail(res.Skipped),
			RunID:  runID,
		})
	})
	return res, err
}

// rowContext is the context for the statements of a loop over many rows. The driver watches
// every statement run under a cancellable context with a goroutine of its own, which costs
// more than inserting a row, so the rows run without the caller's cancellation and the loop
// asks checkEvery instead.
func rowContext(ctx context.Context) context.Context {
	return context.WithoutCancel(ctx)
}

// checkEvery reports the caller's cancellation once every 256 rows of a loop.
func checkEvery(ctx context.Context, i int) error {
	if i%256 != 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("stopped after %d rows: %w", i, err)
	}
	return nil
}

func skippedDetail(n int) string {
	if n == 0 {
		return ""
	}
	return plural(n, "duplicate") + " skipped."
}

func (c *Collection) newRecord(campaignID, runID string, v Values, now time.Time) Record {
	now = now.UTC().Truncate(time.Millisecond)
	return Record{Collection: c, ID: database.NewID(), CampaignID: campaignID,
		SourceRunID: runID, Values: v, CreatedAt: now, UpdatedAt: now}
}

// prepareInsert prepares the collection's INSERT. With skipDuplicates a row whose natural key
// exists is left out instead of failing.
func (c *Collection) prepareInsert(ctx context.Context, tx *database.Tx,
	skipDuplicates bool) (*sql.Stmt, error) {
	cols := []string{"id", "campaign_id", "source_run_id", "natural_key"}
	for _, f := range c.Fields {
		cols = append(cols, f.Column)
	}
	cols = append(cols, "created_at", "updated_at")
	q := "INSERT INTO " + c.Table + " (" + strings.Join(cols, ", ") + ") VALUES (?" +
		strings.Repeat(", ?", len(cols)-1) + ")"
	if skipDuplicates {
		q += " ON CONFLICT (campaign_id, natural_key) WHERE natural_key IS NOT NULL DO NOTHING"
	}
	st, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("prepare insert: %w", err)
	}
	return st, nil
}

// insert writes r, reporting false when it was a duplicate left out.
func (c *Collection) insert(ctx context.Context, st *sql.Stmt, r Record) (bool, error) {
	args := make([]any, 0, len(c.Fields)+6)
	args = append(args, r.ID, r.CampaignID, database.NullString(r.SourceRunID),
		database.NullString(c.naturalKey(r.Values)))
	for i := range c.Fields {
		args = append(args, c.Fields[i].sqlValue(r.Values[c.Fields[i].Name]))
	}
	args = append(args, database.FormatTime(r.CreatedAt), database.FormatTime(r.UpdatedAt))
	res, err := st.ExecContext(ctx, args...)
	if database.IsUniqueViolation(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("insert: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("insert: %w", err)
	}
	return n == 1, nil
}

func (c *Collection) naturalKey(v Values) string {
	if c.Key == nil {
		return ""
	}
	return c.Key(v)
}

// UpdateRecord changes the fields given in in. A change that gives the row the natural key of
// another row is ErrDuplicate.
func (s *Store) UpdateRecord(ctx context.Context, sc access.Scope, c *Collection, id string,
	in Input) (Record, error) {
	if err := sc.Require(access.RoleOperator); err != nil {
		return Record{}, err
	}
	fs := derrors.Fields{}
	patch := c.decode(in, false, fs, "")
	if err := fs.Err(); err != nil {
		return Record{}, err
	}
	return s.updateRecord(ctx, sc, c, id, patch)
}

// UpdateRecordText is UpdateRecord for fields given as text, as forms send them.
func (s *Store) UpdateRecordText(ctx context.Context, sc access.Scope, c *Collection, id string,
	in map[string]string) (Record, error) {
	if err := sc.Require(access.RoleOperator); err != nil {
		return Record{}, err
	}
	fs := derrors.Fields{}
	patch := c.parse(in, false, fs, "")
	if err := fs.Err(); err != nil {
		return Record{}, err
	}
	return s.updateRecord(ctx, sc, c, id, patch)
}

func (s *Store) updateRecord(ctx context.Context, sc access.Scope, c *Collection, id string,
	patch Values) (Record, error) {
	var rec Record
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		if _, sets := patch[c.Status]; sets && len(c.Actions) > 0 {
			cur, err := c.get(ctx, tx, sc.CampaignID(), id)
			if err != nil {
				return err
			}
			if a, ok := c.StepTo(patch[c.Status]); ok && cur.Text(c.Status) != a.To {
				rec, err = s.step(ctx, tx, sc, c, cur, a, patch)
				return err
			}
			c.requeue(cur, patch)
		}
		days := &touched{}
		var err error
		if rec, err = s.update(ctx, tx, sc, c, id, patch, days); err != nil {
			return err
		}
		return s.refresh(ctx, tx, sc, days)
	})
	if err != nil {
		return Record{}, fmt.Errorf("data: update %s %s: %w", c.Path, id, err)
	}
	return rec, nil
}

// update applies patch to one row inside tx, adding the days the change moves the metrics at
// to days.
func (s *Store) update(ctx context.Context, tx *database.Tx, sc access.Scope, c *Collection,
	id string, patch Values, days *touched) (Record, error) {
	rec, err := c.get(ctx, tx, sc.CampaignID(), id)
	if err != nil {
		return Record{}, err
	}
	if len(patch) == 0 {
		return rec, nil
	}
	days.change(rec, patch)
	for k, v := range patch {
		rec.Values[k] = v
	}
	if c.touchesOneOf(patch) {
		fs := derrors.Fields{}
		if c.checkOneOf(rec.Values, fs, ""); len(fs) > 0 {
			return Record{}, fs.Err()
		}
	}
	rec.UpdatedAt = s.now().UTC().Truncate(time.Millisecond)
	sets := make([]string, 0, len(patch)+2)
	args := make([]any, 0, len(patch)+4)
	for i := range c.Fields {
		f := &c.Fields[i]
		if v, ok := patch[f.Name]; ok {
			sets = append(sets, f.Column+" = ?")
			args = append(args, f.sqlValue(v))
		}
	}
	sets = append(sets, "natural_key = ?", "updated_at = ?")
	args = append(args, database.NullString(c.naturalKey(rec.Values)),
		database.FormatTime(rec.UpdatedAt), sc.CampaignID(), id)
	_, err = tx.ExecContext(ctx, "UPDATE "+c.Table+" SET "+strings.Join(sets, ", ")+
		" WHERE campaign_id = ? AND id = ?", args...)
	if database.IsUniqueViolation(err) {
		return Record{}, ErrDuplicate
	}
	if err != nil {
		return Record{}, err
	}
	s.changed(tx, sc, c, "updated", id)
	return rec, nil
}

// DeleteRecord removes one row of the scope's campaign.
func (s *Store) DeleteRecord(ctx context.Context, sc access.Scope, c *Collection,
	id string) error {
	if err := sc.Require(access.RoleOperator); err != nil {
		return err
	}
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		days := &touched{}
		if _, ok := counted[c]; ok {
			cur, err := c.get(ctx, tx, sc.CampaignID(), id)
			if err != nil {
				return err
			}
			days.row(cur)
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM "+c.Table+" WHERE campaign_id = ? AND id = ?",
			sc.CampaignID(), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(ErrNotFound, err)
		}
		s.changed(tx, sc, c, "deleted", id)
		return s.refresh(ctx, tx, sc, days)
	})
	if err != nil {
		return fmt.Errorf("data: delete %s %s: %w", c.Path, id, err)
	}
	return nil
}

// ErrWrongState is a workflow step asked of a row whose status does not allow it.
var ErrWrongState = fmt.Errorf("data: step not allowed from this status: %w", derrors.Conflict)

// Step moves one row through its collection's workflow (approve, reject, posted), applying the
// optional extra fields of in in the same change, and records it in the activity feed.
func (s *Store) Step(ctx context.Context, sc access.Scope, c *Collection, id, action string,
	in Input) (Record, error) {
	if err := sc.Require(access.RoleOperator); err != nil {
		return Record{}, err
	}
	a, ok := c.Action(action)
	if !ok {
		return Record{}, fmt.Errorf("data: %s has no step %q: %w", c.Path, action, ErrNotFound)
	}
	fs := derrors.Fields{}
	patch := c.decode(in, false, fs, "")
	if _, ok := patch[c.Status]; ok {
		fs.Add(c.Status, "is set by the step itself")
	}
	if err := fs.Err(); err != nil {
		return Record{}, err
	}
	var rec Record
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		cur, err := c.get(ctx, tx, sc.CampaignID(), id)
		if err != nil {
			return err
		}
		rec, err = s.step(ctx, tx, sc, c, cur, a, patch)
		return err
	})
	if err != nil {
		return Record{}, fmt.Errorf("data: %s %s %s: %w", action, c.Path, id, err)
	}
	return rec, nil
}

// step moves cur through workflow step a inside tx, with the other fields of patch, and
// records it in the activity feed.
func (s *Store) step(ctx context.Context, tx *database.Tx, sc access.Scope, c *Collection,
	cur Record, a Action, patch Values) (Record, error) {
	if from := cur.Text(c.Status); !slices.Contains(a.From, from) {
		return Record{}, fmt.Errorf("only %s %s can be %s; this one is %s: %w",
			strings.ReplaceAll(strings.Join(a.From, " or "), "_", " "),
			c.Plural(), a.Past, strings.ReplaceAll(from, "_", " "), derrors.Conflict)
	}
	a.apply(patch, s.now())
	patch[c.Status] = a.To
	days := &touched{}
	rec, err := s.update(ctx, tx, sc, c, cur.ID, patch, days)
	if err != nil {
		return Record{}, err
	}
	if err := s.refresh(ctx, tx, sc, days); err != nil {
		return Record{}, err
	}
	return rec, s.recordActivity(ctx, tx, sc, c, activity.Entry{
		Type:     c.ActivityType + "." + a.Past,
		Severity: stepSeverity(a),
		Title:    capitalise(c.Singular) + " " + a.Past + ": " + rec.Summary(),
	})
}

func (a Action) apply(patch Values, now time.Time) {
	if a.Stamp != "" {
		if _, given := patch[a.Stamp]; !given {
			patch[a.Stamp] = now.UTC().Truncate(time.Millisecond)
		}
	}
}

func stepSeverity(a Action) string {
	if a.To == "rejected" {
		return activity.Warning
	}
	return activity.Success
}

// BulkChange is one change applied to many rows: a workflow step, a new status, or deletion.
type BulkChange struct {
	IDs []string `json:"ids"`
	// Action is a workflow step name, "status" or "delete".
	Action string `json:"action"`
	// Status is the new status of the "status" action.
	Status string `json:"status,omitempty"`
}

// BulkOutcome says what a bulk change did to each row it could not change.
type BulkOutcome struct {
	Changed int           `json:"changed"`
	Skipped []SkippedItem `json:"skipped"`
}

// SkippedItem is a row a bulk change left alone, and why.
type SkippedItem struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// ChangeRecords applies one change to many rows of the scope's campaign in one transaction.
// Rows that do not exist or cannot take the change are skipped with a reason, and one feed
// entry sums up the rest.
func (s *Store) ChangeRecords(ctx context.Context, sc access.Scope, c *Collection,
	ch BulkChange) (BulkOutcome, error) {
	if err := sc.Require(access.RoleOperator); err != nil {
		return BulkOutcome{}, err
	}
	if err := c.checkBulk(&ch); err != nil {
		return BulkOutcome{}, err
	}
	out := BulkOutcome{Skipped: []SkippedItem{}}
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		days := &touched{}
		rowCtx := rowContext(ctx)
		for i, id := range ch.IDs {
			if err := checkEvery(ctx, i); err != nil {
				return err
			}
			reason, err := s.changeOne(rowCtx, tx, sc, c, id, ch, days)
			if err != nil {
				return err
			}
			if reason != "" {
				out.Skipped = append(out.Skipped, SkippedItem{ID: id, Reason: reason})
				continue
			}
			out.Changed++
		}
		if out.Changed == 0 {
			return nil
		}
		if err := s.refresh(ctx, tx, sc, days); err != nil {
			return err
		}
		return s.recordActivity(ctx, tx, sc, c, bulkEntry(c, ch, out))
	})
	if err != nil {
		return BulkOutcome{}, fmt.Errorf("data: bulk %s %s: %w", ch.Action, c.Path, err)
	}
	return out, nil
}

func (c *Collection) checkBulk(ch *BulkChange) error {
	fs := derrors.Fields{}
	switch {
	case len(ch.IDs) == 0:
		fs.Add("ids", "must name at least one record")
	case len(ch.IDs) > 1000:
		fs.Add("ids", "must name at most 1000 records")
	}
	ch.IDs = slices.Compact(slices.Sorted(slices.Values(ch.IDs)))
	if a, ok := c.StepTo(ch.Status); ok && ch.Action == "status" {
		// A status that a workflow step leaves rows at is reached only through that step.
		ch.Action, ch.Status = a.Name, ""
	}
	_, isStep := c.Action(ch.Action)
	switch {
	case ch.Action == "delete" || isStep:
	case ch.Action == "status":
		f, _ := c.Field(c.Status)
		if strings.TrimSpace(ch.Status) == "" {
			fs.Add("status", "is required")
		} else if _, msg := f.parseText(ch.Status); msg != "" {
			fs.Add("status", msg)
		}
	default:
		names := []string{"delete", "status"}
		for _, a := range c.Actions {
			names = append(names, a.Name)
		}
		fs.Add("action", "must be one of "+strings.Join(names, ", "))
	}
	return fs.Err()
}

// changeOne applies a bulk change to one row and returns why it was skipped, if it was. The
// days the change moves the metrics at are added to days.
func (s *Store) changeOne(ctx context.Context, tx *database.Tx, sc access.Scope, c *Collection,
	id string, ch BulkChange, days *touched) (string, error) {
	cur, err := c.get(ctx, tx, sc.CampaignID(), id)
	if errors.Is(err, ErrNotFound) {
		return "not found", nil
	}
	if err != nil {
		return "", err
	}
	switch ch.Action {
	case "delete":
		_, err := tx.ExecContext(ctx, "DELETE FROM "+c.Table+" WHERE campaign_id = ? AND id = ?",
			sc.CampaignID(), id)
		if err == nil {
			s.changed(tx, sc, c, "deleted", id)
			days.row(cur)
		}
		return "", err
	case "status":
		if cur.Text(c.Status) == ch.Status {
			return "already " + ch.Status, nil
		}
		patch := Values{c.Status: ch.Status}
		c.requeue(cur, patch)
		_, err := s.update(ctx, tx, sc, c, id, patch, days)
		return "", err
	}
	a, _ := c.Action(ch.Action)
	if from := cur.Text(c.Status); !slices.Contains(a.From, from) {
		return "is " + strings.ReplaceAll(from, "_", " "), nil
	}
	patch := Values{c.Status: a.To}
	a.apply(patch, s.now())
	_, err = s.update(ctx, tx, sc, c, id, patch, days)
	return "", err
}

func bulkEntry(c *Collection, ch BulkChange, out BulkOutcome) activity.Entry {
	e := activity.Entry{Type: c.ActivityType + ".bulk", Detail: skippedBulk(len(out.Skipped))}
	n := plural(out.Changed, c.Singular)
	switch ch.Action {
	case "delete":
		e.Type, e.Title, e.Severity = c.ActivityType+".deleted", n+" deleted", activity.Warning
	case "status":
		e.Type, e.Title = c.ActivityType+".status", n+" set to "+ch.Status
	default:
		a, _ := c.Action(ch.Action)
		e.Type, e.Title, e.Severity = c.ActivityType+"."+a.Past, n+" "+a.Past, stepSeverity(a)
	}
	return e
}

func skippedBulk(n int) string {
	if n == 0 {
		return ""
	}
	return plural(n, "record") + " left unchanged."
}

// recordActivity writes a feed entry when the store has a feed.
func (s *Store) recordActivity(ctx context.Context, tx *database.Tx, sc access.Scope,
	c *Collection, e activity.Entry) error {
	if s.activity == nil {
		return nil
	}
	return s.activity.Record(ctx, tx, sc, e)
}

// Change is the payload of a data.changed event.
type Change struct {
	CampaignID string `json:"campaignId"`
	Collection string `json:"collection"`
	Op         string `json:"op"`
	ID         string `json:"id,omitempty"`
}

// changed tells live listeners of the campaign about a change once tx commits.
func (s *Store) changed(tx *database.Tx, sc access.Scope, c *Collection, op, id string) {
	if s.broker == nil {
		return
	}
	ch := Change{CampaignID: sc.CampaignID(), Collection: c.Path, Op: op, ID: id}
	tx.OnCommit(func() {
		s.broker.Publish(event.Event{Type: "data.changed", CampaignID: ch.CampaignID, Data: ch})
	})
}

// Summary names the record in a line: its summary fields joined, or its id when they are
// empty.
func (r Record) Summary() string {
	var parts []string
	for _, name := range r.Collection.Summary {
		if at, ok := r.Get(name).(time.Time); ok {
			parts = append(parts, at.UTC().Format("Mon 2 Jan 2006, 15:04 UTC"))
			continue
		}
		if t := strings.TrimSpace(r.Text(name)); t != "" {
			parts = append(parts, t)
		}
	}
	s := strings.Join(parts, " · ")
	if s == "" {
		return r.ID
	}
	if runes := []rune(s); len(runes) > 80 {
		return string(runes[:79]) + "…"
	}
	return s
}

// CountOf says how many of noun there are in words: "1 duplicate", "3 records".
func CountOf(n int, noun string) string { return plural(n, noun) }

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	switch {
	case strings.HasSuffix(noun, "s"):
		return fmt.Sprintf("%d %ses", n, noun)
	case strings.HasSuffix(noun, "y") && !strings.HasSuffix(noun, "ey"):
		return fmt.Sprintf("%d %sies", n, noun[:len(noun)-1])
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
