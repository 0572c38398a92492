package data_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/metrics"
)

// TestChangesKeepTheDailyMetricsTrue makes every kind of change the metrics count, then
// compares the figures kept up to date along the way with a full recompute and with the
// numbers worked out by hand.
func TestChangesKeepTheDailyMetricsTrue(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return today.AddDate(0, 0, -n).Add(10 * time.Hour) }
	stamp := func(n int) string { return day(n).Format(time.RFC3339) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	lead, err := f.store.CreateRecord(ctx, f.a, data.Leads, input(t, map[string]any{
		"email": "ada@example.com", "lastContactedAt": stamp(5)}))
	must(err)
	// Contacted again later: the contact moves from five days ago to three.
	_, err = f.store.UpdateRecord(ctx, f.a, data.Leads, lead.ID, input(t, map[string]any{
		"lastContactedAt": stamp(3)}))
	must(err)
	_, err = f.store.CreateRecords(ctx, f.a, data.HOAContacts, []data.Input{
		input(t, map[string]any{"hoaName": "Palm HOA", "lastContactedAt": stamp(3)}),
		input(t, map[string]any{"hoaName": "Oak HOA"}),
	})
	must(err)
	_, err = f.store.CreateRecord(ctx, f.a, data.EmailProspects, input(t, map[string]any{
		"email": "board@mgmt.example", "firstEmailSentAt": stamp(4)}))
	must(err)
	post, err := f.store.CreateRecord(ctx, f.a, data.ContentQueue, input(t, map[string]any{
		"content": "Newsletter", "platform": "email"}))
	must(err)
	for _, step := range []string{"approve", "posted"} {
		_, err = f.store.Step(ctx, f.a, data.ContentQueue, post.ID, step, nil)
		must(err)
	}
	_, err = f.store.ChangeRecords(ctx, f.a, data.Leads, data.BulkChange{
		IDs: []string{lead.ID}, Action: "delete"})
	must(err)
	palms, _, err := f.store.Records(ctx, f.a, data.HOAContacts, data.Query{Search: "Palm"})
	must(err)
	must(f.store.DeleteRecord(ctx, f.a, data.HOAContacts, palms[0].ID))
	im := importCSV(t, f, f.a, data.Leads, "email,lastContactedAt\n"+
		"a@example.com,"+stamp(3)+"\nb@example.com,\n", data.ImportOptions{})
	if im.Status != data.ImportCompleted {
		t.Fatalf("import %+v", im)
	}
	// Leads that count only by their creation are added to the day's stored figure.
	_, err = f.store.CreateRecords(ctx, f.a, data.Leads, []data.Input{
		input(t, map[string]any{"email": "c@example.com"}),
		input(t, map[string]any{"email": "d@example.com"}),
		input(t, map[string]any{"email": "a@example.com"}), // a duplicate adds nothing
	})
	must(err)
	// Another campaign's record must not move this campaign's figures, whether its day is
	// counted (a contact date) or added to.
	_, err = f.store.CreateRecord(ctx, f.b, data.Leads, input(t, map[string]any{
		"email": "b@example.com", "lastContactedAt": stamp(3)}))
	must(err)
	_, err = f.store.CreateRecord(ctx, f.b, data.Leads, input(t, map[string]any{
		"email": "e@example.com"}))
	must(err)

	rollup := metrics.NewStore(f.db, nil)
	kept, err := rollup.Days(ctx, f.a, today.AddDate(0, 0, -6), today)
	must(err)
	want := []metrics.Day{
		{Date: today.AddDate(0, 0, -6).Format(time.DateOnly)},
		{Date: today.AddDate(0, 0, -5).Format(time.DateOnly)},
		{Date: today.AddDate(0, 0, -4).Format(time.DateOnly), EmailsSent: 1},
		{Date: today.AddDate(0, 0, -3).Format(time.DateOnly), LeadsContacted: 1},
		{Date: today.AddDate(0, 0, -2).Format(time.DateOnly)},
		{Date: today.AddDate(0, 0, -1).Format(time.DateOnly)},
		// Oak HOA, the two imported leads and the two added after; the posted newsletter.
		{Date: today.Format(time.DateOnly), LeadsGenerated: 5, EmailsSent: 1},
	}
	if diff := cmp.Diff(want, kept); diff != "" {
		t.Errorf("figures kept along the way (-want +got):\n%s", diff)
	}
	full, err := rollup.Recompute(ctx, f.a, today.AddDate(0, 0, -6), today)
	must(err)
	if diff := cmp.Diff(full, kept); diff != "" {
		t.Errorf("kept figures differ from a full recompute (-recompute +kept):\n%s", diff)
	}
}

// The first leads of a day that count only by their creation find no stored figure to add
// to, and have their day counted.
func TestFirstLeadsOfADayAreCounted(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for round := 1; round <= 3; round++ {
		batch := make([]data.Input, 4)
		for i := range batch {
			batch[i] = input(t, map[string]any{"name": fmt.Sprintf("Lead %d.%d", round, i)})
		}
		if _, err := f.store.CreateRecords(ctx, f.a, data.Leads, batch); err != nil {
			t.Fatal(err)
		}
	}
	rollup := metrics.NewStore(f.db, nil)
	kept, err := rollup.Days(ctx, f.a, today, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != 1 || kept[0].LeadsGenerated != 12 {
		t.Errorf("figures kept = %+v, want 12 leads generated today", kept)
	}
	other, err := rollup.Days(ctx, f.b, today, today)
	if err != nil || len(other) != 1 || other[0].LeadsGenerated != 0 {
		t.Errorf("the other campaign's figures = %+v (%v), want none", other, err)
	}
}

func TestChangesOutsideTheMetricsLeaveThemAlone(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.store.CreateRecord(ctx, f.a, data.Webinars, input(t, map[string]any{
		"title": "Reserves 101"}))
	if err != nil {
		t.Fatal(err)
	}
	var rows int
	f.db.R.QueryRow(`SELECT COUNT(*) FROM campaign_metrics`).Scan(&rows)
	if rows != 0 {
		t.Errorf("a webinar wrote %d metrics rows", rows)
	}
}
