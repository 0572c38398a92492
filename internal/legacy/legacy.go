// Package legacy imports a database of the original ClawOps console (Express + sql.js) into
// this one: campaigns (archived ones too), users, agents, schedules, runs, the ten data tables
// and the per-campaign {slug}_ tables the original created, campaign metrics and activity, and
// the audit log. It ends with a Report of every source table: rows read, and what became of
// each — imported, merged into a row already here, left alone as imported before, or skipped.
//
// The source is opened read-only and immutable and is never changed. Rows whose campaign_id is
// NULL belong to the default campaign, as the original's one-time backfill meant. Bad rows —
// broken JSON, dangling references, unreadable times, duplicates — are brought over as well as
// they can be and listed in the report; they never stop the import.
//
// Idempotency: every source row that becomes a row here, or is merged into one, is recorded in
// legacy_import_rows under its installation (the id of the source's first user), table and id.
// An import finds the rows recorded before and leaves them alone, so importing the same
// database twice adds nothing the second time and never undoes what people changed since.
// Ids of the original are kept where they are free and plain, so that links and scripts naming
// them keep working; the original's integer ids are replaced by new ones.
//
// Times are read in every form the original wrote: SQLite's "YYYY-MM-DD HH:MM:SS", ISO 8601
// with Z or milliseconds, offsets written +0000 or +00:00, bare dates and Unix times. A time
// without an offset is UTC, as both SQLite and the original's JavaScript wrote it.
//
// The original ran every campaign on one clock, so new campaigns take the default campaign's
// time zone. Its metrics rollup never ran: after an import the daily metrics of the imported
// campaigns are recomputed over the imported history, and the figures the original stored are
// kept beside them under custom.legacyRollup.
package legacy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/internal/metrics"
)

// ErrBusy is an import asked for while another one runs.
var ErrBusy = fmt.Errorf("legacy: another import is running: %w", derrors.Conflict)

// batchSize is how many source rows one write transaction carries: enough to import quickly,
// few enough that the server's other writes wait only briefly for the single writer.
const batchSize = 200

// importing lets one import run at a time in this process: two at once would race to merge
// the same rows.
var importing sync.Mutex

// Importer brings databases of the original console into this one.
type Importer struct {
	db      *database.DB
	metrics *metrics.Store
	now     func() time.Time
}

// New returns an importer into db that rebuilds metrics through m.
func New(db *database.DB, m *metrics.Store) *Importer {
	return &Importer{db: db, metrics: m, now: time.Now}
}

// Import reads the database of the original console at path and brings it into this one. A
// file that is not such a database is ErrNotLegacy. On an error that stops the import, the
// report of what was done so far comes with it.
func (im *Importer) Import(ctx context.Context, path string) (*Report, error) {
	if !importing.TryLock() {
		return nil, ErrBusy
	}
	defer importing.Unlock()
	src, err := openSource(ctx, path)
	if err != nil {
		return nil, err
	}
	defer src.close()
	r, err := im.newRun(ctx, src, path)
	if err != nil {
		return nil, err
	}
	err = r.steps(ctx)
	r.report.finish(im.now().UTC())
	if err != nil {
		return r.report, err
	}
	t := r.report.Totals
	slog.InfoContext(ctx, "Imported a legacy database", "source", path, "read", t.Read,
		"imported", t.Imported, "merged", t.Merged, "existing", t.Existing,
		"skipped", t.Skipped, "problems", len(r.report.Problems))
	return r.report, nil
}

// run is one import: the source, the report and what the rows read so far have become.
type run struct {
	db      *database.DB
	metrics *metrics.Store
	src     *source
	now     time.Time
	report  *Report
	// def is the default campaign here, which rows without a campaign belong to.
	def campaignRef
	// campaigns maps source campaign ids to the campaigns here; slugs holds their slugs in
	// the source.
	campaigns map[string]campaignRef
	slugs     map[string]string
	// users maps source user ids to the users here.
	users map[string]string
	// agents and campaignAgents map the source's agents and campaign agents to agents here;
	// agentNames holds every source agent's name, for runs whose agent was not brought over.
	agents, campaignAgents map[string]agentRef
	agentNames             map[string]string
	// history spans the imported times of each campaign here, for the metrics rollup.
	history map[string]*span
}

// campaignRef is a campaign here.
type campaignRef struct{ id, slug, timezone, status string }

// agentRef is an agent here.
type agentRef struct{ id, campaignID, name string }

// span is the earliest and latest time seen.
type span struct{ from, to time.Time }

func (im *Importer) newRun(ctx context.Context, src *source, path string) (*run, error) {
	inst, err := src.installation(ctx)
	if err != nil {
		return nil, err
	}
	now := im.now().UTC().Truncate(time.Millisecond)
	r := &run{
		db:             im.db,
		metrics:        im.metrics,
		src:            src,
		now:            now,
		report:         newReport(path, inst, now),
		campaigns:      map[string]campaignRef{},
		slugs:          map[string]string{},
		users:          map[string]string{},
		agents:         map[string]agentRef{},
		campaignAgents: map[string]agentRef{},
		agentNames:     map[string]string{},
		history:        map[string]*span{},
	}
	r.def, err = findCampaign(ctx, im.db.R, campaign.DefaultID, "")
	if database.IsNoRows(err) {
		return nil, errors.New("legacy: the default campaign is missing; start the server " +
			"once, or import with the clawops command, which creates it")
	}
	if err != nil {
		return nil, fmt.Errorf("legacy: default campaign: %w", err)
	}
	return r, nil
}

// steps imports the tables in the order their references need.
func (r *run) steps(ctx context.Context) error {
	steps := []func(context.Context) error{
		r.importCampaigns, r.importUsers, r.importAgents, r.importCampaignAgents,
		r.importSchedules, r.importRuns, r.importRecords, r.importMetrics,
		r.importActivity, r.importAudit, r.listRest, r.index, r.recompute,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// scope is where a row belongs: its campaign_id in the source (nil for NULL) and the campaign
// here it goes to.
type scope struct {
	source   *string
	campaign campaignRef
}

// tableSpec says how the rows of one source table are brought over.
type tableSpec struct {
	table, target string
	// scope finds a row's campaign; nil for tables without campaigns.
	scope func(row, *issues) scope
	// known is told about a row an earlier import brought over, with its id here.
	known func(ctx context.Context, tx *database.Tx, rw row, sc *scope, id string) error
	// write brings one row over inside tx and returns its outcome and its id here.
	write func(ctx context.Context, tx *database.Tx, rw row, sc *scope,
		is *issues) (string, string, error)
}

// importTable brings a source table over in batches, each in one short write transaction.
func (r *run) importTable(ctx context.Context, spec tableSpec) error {
	if !r.src.has(spec.table) {
		return nil
	}
	rep := r.report.table(spec.table, spec.target)
	mapped, err := r.mapped(ctx, spec.table)
	if err != nil {
		return err
	}
	var batch []row
	used := map[string]bool{}
	flush := func() error {
		err := r.db.Tx(ctx, func(tx *database.Tx) error {
			for _, rw := range batch {
				if err := r.importRow(ctx, tx, spec, rep, mapped, rw); err != nil {
					return err
				}
			}
			return nil
		})
		batch = batch[:0]
		return err
	}
	err = r.src.each(ctx, spec.table, used, func(rw row) error {
		if batch = append(batch, rw); len(batch) < batchSize {
			return nil
		}
		return flush()
	})
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	// Rows left alone as imported before say nothing about the columns carried.
	if rep.Imported+rep.Merged > 0 {
		rep.Dropped = r.src.unused(spec.table, used)
	}
	if err != nil {
		return fmt.Errorf("legacy: import %s: %w", spec.table, err)
	}
	return nil
}

// importRow brings one row over, unless an earlier import did, and counts its outcome.
func (r *run) importRow(ctx context.Context, tx *database.Tx, spec tableSpec, rep *TableReport,
	mapped map[string]string, rw row) error {
	var is issues
	var sc *scope
	if spec.scope != nil {
		s := spec.scope(rw, &is)
		sc = &s
	}
	id := rw.id()
	if target, ok := mapped[id]; ok && id != "" {
		if spec.known != nil {
			if err := spec.known(ctx, tx, rw, sc, target); err != nil {
				return err
			}
		}
		rep.count(Existing, sc)
		return nil
	}
	outcome, target, err := inSavepoint(ctx, tx, &is, func() (string, string, error) {
		outcome, target, err := spec.write(ctx, tx, rw, sc, &is)
		if err == nil && id != "" && (outcome == Imported || outcome == Merged) {
			err = r.remember(ctx, tx, spec, id, target, outcome)
		}
		return outcome, target, err
	})
	if err != nil {
		return err
	}
	if outcome != Skipped && id != "" {
		mapped[id] = target
	}
	rep.count(outcome, sc)
	if outcome == Skipped || len(is) > 0 {
		r.problem(spec.table, id, outcome, is)
	}
	return nil
}

// inSavepoint runs fn so that a row it fails to store leaves nothing behind. A constraint the
// row breaks skips the row with the reason; any other error ends the import.
func inSavepoint(ctx context.Context, tx *database.Tx, is *issues,
	fn func() (string, string, error)) (string, string, error) {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT legacy_row"); err != nil {
		return "", "", fmt.Errorf("savepoint: %w", err)
	}
	outcome, target, err := fn()
	if err != nil && !isConstraint(err) {
		return "", "", err
	}
	if err != nil {
		is.add("could not be stored: %v", err)
		outcome = Skipped
	}
	stmts := []string{"RELEASE SAVEPOINT legacy_row"}
	if outcome == Skipped {
		stmts = append([]string{"ROLLBACK TO SAVEPOINT legacy_row"}, stmts...)
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return "", "", fmt.Errorf("savepoint: %w", err)
		}
	}
	return outcome, target, nil
}

func isConstraint(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.Code == sqlite3.ErrConstraint
}

// problem lists a row that was skipped or changed to fit.
func (r *run) problem(table, id, outcome string, is issues) {
	msg := strings.Join(is, "; ")
	if msg == "" {
		msg = "skipped"
	}
	r.report.Problems = append(r.report.Problems, Problem{Table: table, SourceID: id,
		Outcome: outcome, Message: msg})
	slog.Debug("Legacy row changed or skipped", "table", table, "source_id", id,
		"outcome", outcome, "problem", msg)
}

// note adds a remark on the import as a whole.
func (r *run) note(format string, args ...any) {
	r.report.Notes = append(r.report.Notes, fmt.Sprintf(format, args...))
}

// mapped returns the rows of a source table that earlier imports brought over: source id to
// id here.
func (r *run) mapped(ctx context.Context, table string) (map[string]string, error) {
	rows, err := r.db.R.QueryContext(ctx, `
		SELECT source_id, target_id FROM legacy_import_rows
		WHERE installation = ? AND source_table = ?`, r.report.Installation, table)
	if err != nil {
		return nil, fmt.Errorf("legacy: rows imported from %s: %w", table, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var src, target string
		if err := rows.Scan(&src, &target); err != nil {
			return nil, fmt.Errorf("legacy: rows imported from %s: %w", table, err)
		}
		out[src] = target
	}
	return out, rows.Err()
}

// remember records that a source row was brought over.
func (r *run) remember(ctx context.Context, tx *database.Tx, spec tableSpec, id, target,
	outcome string) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO legacy_import_rows (installation, source_table, source_id, target_table,
			target_id, outcome, imported_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.report.Installation, spec.table, id, spec.target, target, outcome,
		database.FormatTime(r.now))
	if err != nil {
		return fmt.Errorf("remember %s %s: %w", spec.table, id, err)
	}
	return nil
}

// campaignScope finds a row's campaign here from its campaign_id. NULL is the default
// campaign, as the original's backfill meant; so is a campaign the source does not have, which
// is noted.
func (r *run) campaignScope(rw row, is *issues) scope {
	v := rw.text("campaign_id")
	if v == "" {
		return scope{campaign: r.def}
	}
	if c, ok := r.campaigns[v]; ok {
		return scope{source: &v, campaign: c}
	}
	is.add("campaign %s is not in the source; put in the default campaign", v)
	return scope{source: &v, campaign: r.def}
}

// fixedScope puts every row in the campaign of a {slug}_ table.
func (r *run) fixedScope(sourceID string) func(row, *issues) scope {
	return func(row, *issues) scope {
		return scope{source: &sourceID, campaign: r.campaigns[sourceID]}
	}
}

// touch widens a campaign's imported history to the given times.
func (r *run) touch(campaignID string, ts ...*time.Time) {
	for _, t := range ts {
		if t == nil || t.After(r.now) {
			continue
		}
		s, ok := r.history[campaignID]
		if !ok {
			r.history[campaignID] = &span{from: *t, to: *t}
			continue
		}
		if t.Before(s.from) {
			s.from = *t
		}
		if t.After(s.to) {
			s.to = *t
		}
	}
}

// newID keeps a source id when it is plain and free in table, and makes a new one otherwise.
func newID(ctx context.Context, tx *database.Tx, table string, rw row) (string, error) {
	id := rw.id()
	if rw.integerID() || !keepable(id) {
		return database.NewID(), nil
	}
	var n int
	err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+" WHERE id = ?", id).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("id %s in %s: %w", id, table, err)
	}
	if n > 0 {
		return database.NewID(), nil
	}
	return id, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
