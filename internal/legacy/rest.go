package legacy

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/metrics"
)

// maxHistoryDays bounds the metrics rebuilt after an import, counted back from the latest
// imported day, so that one absurd date cannot make the rebuild run for decades.
const maxHistoryDays = 3 * metrics.MaxRange

// recomputeChunk is how many days one recompute covers; each is one write transaction.
const recomputeChunk = 31

// listRest reports the source tables nothing was imported from: tables of the original that
// ClawOps has no place for, and {slug}_ tables of campaigns the source does not have. Every
// row of them counts as skipped.
func (r *run) listRest(ctx context.Context) error {
	for _, t := range r.src.tables {
		if _, done := r.report.Table(t); done {
			continue
		}
		n, err := r.src.count(ctx, t)
		if err != nil {
			return err
		}
		rep := r.report.table(t, "")
		rep.Read, rep.Skipped = n, n
		rep.Note = restNote(t)
	}
	return nil
}

func restNote(table string) string {
	if table == "settings" {
		return "the original's global settings; ClawOps takes its settings from flags and " +
			"the environment"
	}
	return "ClawOps has no counterpart, or it is a {slug}_ table of a campaign the source " +
		"does not have"
}

// index adds the imported records of every campaign to the search index.
func (r *run) index(ctx context.Context) error {
	ids := []string{r.def.id}
	for _, c := range r.campaigns {
		ids = append(ids, c.id)
	}
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		err := r.db.Tx(ctx, func(tx *database.Tx) error { return data.IndexNew(ctx, tx, id) })
		if err != nil {
			return fmt.Errorf("legacy: %w", err)
		}
	}
	return nil
}

// recompute rebuilds the daily metrics of each campaign over its imported history, a month
// at a time so that no transaction holds the writer long.
func (r *run) recompute(ctx context.Context) error {
	for _, id := range slices.Sorted(maps.Keys(r.history)) {
		from, to := r.days(id)
		for start := from; !start.After(to); start = start.AddDate(0, 0, recomputeChunk) {
			end := start.AddDate(0, 0, recomputeChunk-1)
			if end.After(to) {
				end = to
			}
			if _, err := r.metrics.Recompute(ctx, access.System(id), start, end); err != nil {
				return fmt.Errorf("legacy: recompute metrics of %s: %w", id, err)
			}
		}
		r.report.Metrics = append(r.report.Metrics, MetricsRange{CampaignID: id,
			From: from.Format(time.DateOnly), To: to.Format(time.DateOnly)})
	}
	return nil
}

// days is the first and last day of a campaign's imported history, in its time zone.
func (r *run) days(campaignID string) (from, to time.Time) {
	loc := time.UTC
	for _, c := range append(slices.Collect(maps.Values(r.campaigns)), r.def) {
		if l, err := time.LoadLocation(c.timezone); c.id == campaignID && err == nil {
			loc = l
		}
	}
	s := r.history[campaignID]
	from, to = day(s.from.In(loc)), day(s.to.In(loc))
	if earliest := to.AddDate(0, 0, -maxHistoryDays); from.Before(earliest) {
		r.note("Metrics of %s were rebuilt for the last %d days of its history only, from %s.",
			campaignID, maxHistoryDays, earliest.Format(time.DateOnly))
		from = earliest
	}
	return from, to
}

// day is the calendar day of t, as a date.
func day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
