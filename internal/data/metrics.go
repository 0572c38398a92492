package data

import (
	"context"
	"slices"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/database"
)

// Counted says which rows of a collection the daily metrics count and by which times, so
// that a change refreshes exactly the days it moved.
type Counted struct {
	// Created counts every row on the day it was created.
	Created bool
	// Times are the time fields whose day counts the row ("lastContactedAt").
	Times []string
	// Depends are other fields that decide whether the row counts at all ("platform").
	Depends []string
}

// counted maps each collection the metrics read to how they read it.
var counted = map[*Collection]Counted{
	Leads:          {Created: true, Times: []string{"lastContactedAt"}},
	HOAContacts:    {Created: true, Times: []string{"lastContactedAt"}},
	EmailProspects: {Times: []string{"firstEmailSentAt"}},
	ContentQueue:   {Times: []string{"postedAt"}, Depends: []string{"platform", "status"}},
}

// touched gathers, over one transaction, the instants whose days the metrics must recount.
type touched struct {
	at []time.Time
}

// row adds the days a whole row counts on: when it is created or deleted.
func (t *touched) row(r Record) {
	t.creation(r)
	t.fields(r)
}

// creation adds the day a row counts on by its creation, for collections counted so.
func (t *touched) creation(r Record) {
	if counted[r.Collection].Created {
		t.at = append(t.at, r.CreatedAt)
	}
}

// fields adds the days a new row counts on by its time fields. Its creation is counted apart,
// by Store.created, which adds to the day's figure rather than counting the day again.
func (t *touched) fields(r Record) {
	if use, ok := counted[r.Collection]; ok {
		t.times(use, r.Values)
	}
}

// change adds the days a patch moves the row between: before and after, when the patch
// touches a field the metrics read.
func (t *touched) change(before Record, patch Values) {
	use, ok := counted[before.Collection]
	if !ok {
		return
	}
	relevant := false
	for _, name := range append(slices.Clone(use.Times), use.Depends...) {
		if _, ok := patch[name]; ok {
			relevant = true
		}
	}
	if !relevant {
		return
	}
	t.times(use, before.Values)
	t.times(use, patch)
}

func (t *touched) times(use Counted, v Values) {
	for _, name := range use.Times {
		if at, ok := v[name].(time.Time); ok && !at.IsZero() {
			t.at = append(t.at, at)
		}
	}
}

// created adds n rows of c, all created at the instant at, to the day's metrics inside tx.
func (s *Store) created(ctx context.Context, tx *database.Tx, sc access.Scope, c *Collection,
	at time.Time, n int) error {
	if s.metrics == nil || !counted[c].Created {
		return nil
	}
	return s.metrics.Created(ctx, tx, sc.CampaignID(), at, n)
}

// refresh recounts the touched days inside tx, once for the whole transaction.
func (s *Store) refresh(ctx context.Context, tx *database.Tx, sc access.Scope, t *touched) error {
	if s.metrics == nil || len(t.at) == 0 {
		return nil
	}
	return s.metrics.Refresh(ctx, tx, sc.CampaignID(), t.at...)
}
