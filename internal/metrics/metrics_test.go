package metrics_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/event"
	"github.com/clawops/clawops/internal/metrics"
	"github.com/clawops/clawops/internal/testutil/testdb"
)

// row is one hand-made record of the data set, with the instants a writer would refresh.
type row struct {
	sql  string
	args []any
}

const (
	insCampaign = `INSERT INTO campaigns (id, name, company, slug, timezone, created_at,
		updated_at) VALUES (?, ?, 'C', ?, ?, 'x', 'x')`
	insLead = `INSERT INTO leads (id, campaign_id, email, created_at, updated_at,
		last_contacted_at) VALUES (?, ?, ?, ?, 'x', ?)`
	insContact = `INSERT INTO hoa_contacts (id, campaign_id, hoa_name, created_at, updated_at,
		last_contacted_at) VALUES (?, ?, 'Palm HOA', ?, 'x', ?)`
	insProspect = `INSERT INTO email_prospects (id, campaign_id, email, first_email_sent_at,
		created_at, updated_at) VALUES (?, ?, ?, ?, '2026-01-01T00:00:00.000Z', 'x')`
	insContent = `INSERT INTO content_queue (id, campaign_id, platform, content, status,
		posted_at, created_at, updated_at) VALUES (?, ?, ?, 'Hello', ?, ?,
		'2026-01-01T00:00:00.000Z', 'x')`
	// The last argument says the run never started.
	insRun = `INSERT INTO runs (id, campaign_id, trigger, status, cost_usd, metrics, created_at,
		finished_at, started_at, updated_at) VALUES (?1, ?2, 'manual', ?3, ?4, ?5, ?6, ?7,
		CASE WHEN ?8 THEN NULL ELSE ?6 END, 'x')`
)

// dataSet is a hand-made set of records around New York's two DST changes of 2026: clocks
// spring forward at 02:00 on Sunday 8 March (a 23-hour day, 05:00Z to 04:00Z the next day)
// and fall back at 02:00 on Sunday 1 November (a 25-hour day, 04:00Z to 05:00Z).
var dataSet = []row{
	{insLead, []any{"l1", "ny", "a@x.org", "2026-03-08T04:59:59.999Z", nil}}, // 7 Mar 23:59:59
	{insLead, []any{"l2", "ny", "b@x.org", "2026-03-08T05:00:00.000Z", nil}}, // 8 Mar 00:00
	// Created 8 Mar 23:59:59 EDT; contacted 9 Mar 00:00 EDT.
	{insLead, []any{"l3", "ny", "c@x.org", "2026-03-09T03:59:59.999Z", "2026-03-09T04:00:00.000Z"}},
	// Created 8 Mar 07:00 EDT; contacted 8 Mar 01:30 EST.
	{insContact, []any{"h1", "ny", "2026-03-08T12:00:00.000Z", "2026-03-08T06:30:00.000Z"}},
	{insProspect, []any{"p1", "ny", "p1@x.org", "2026-03-08T20:00:00.000Z"}},
	{insProspect, []any{"p2", "ny", "p2@x.org", nil}},
	{insContent, []any{"c1", "ny", "email", "posted", "2026-03-08T15:00:00.000Z"}},
	{insContent, []any{"c2", "ny", "facebook", "posted", "2026-03-08T15:00:00.000Z"}},
	{insContent, []any{"c3", "ny", "Email", "approved", "2026-03-08T15:00:00.000Z"}},
	// Ended 8 Mar 23:30 EDT, which is 9 Mar in UTC.
	{insRun, []any{"r1", "ny", "completed", 0.1,
		`{"emailsOpened":3,"repliesReceived":1,"emailsSent":2}`,
		"2026-03-09T03:00:00.000Z", "2026-03-09T03:30:00.000Z", false}},
	{insRun, []any{"r2", "ny", "failed", 0.2, `{}`,
		"2026-03-08T05:59:00.000Z", "2026-03-08T06:00:00.000Z", false}}, // 8 Mar 01:00 EST
	// Started 8 Mar 23:50 EDT, timed out 9 Mar 00:10 EDT: it counts on the day it ended.
	{insRun, []any{"r3", "ny", "timeout", 0.3, `{}`,
		"2026-03-09T03:50:00.000Z", "2026-03-09T04:10:00.000Z", false}},
	{insRun, []any{"r4", "ny", "running", 0.0, `{}`, "2026-03-08T15:00:00.000Z", nil, false}},
	// Imported without an end time: it counts on the day it was created. Its result is not
	// JSON, so it reports nothing.
	{insRun, []any{"r5", "ny", "completed", 0.7, `not json`, "2026-03-08T10:00:00.000Z", nil,
		false}},
	{insRun, []any{"r6", "ny", "cancelled", 0.0, `{"emailsSent":"many","emailsOpened":-4}`,
		"2026-03-08T16:00:00.000Z", "2026-03-08T16:00:01.000Z", false}},
	// Cancelled while it waited in the queue: it never ran, so it is no agent run.
	{insRun, []any{"r9", "ny", "cancelled", 0.0, `{}`,
		"2026-03-08T17:00:00.000Z", "2026-03-08T17:05:00.000Z", true}},

	{insLead, []any{"l5", "ny", "e@x.org", "2026-11-01T03:59:00.000Z", nil}}, // 31 Oct 23:59 EDT
	{insLead, []any{"l4", "ny", "d@x.org", "2026-11-02T04:30:00.000Z", nil}}, // 1 Nov 23:30 EST
	{insLead, []any{"l6", "ny", "f@x.org", "2026-11-02T05:00:00.000Z", nil}}, // 2 Nov 00:00 EST
	// The two 01:30s of 1 November, before and after the clocks go back.
	{insRun, []any{"r7", "ny", "completed", 0.25, `{"repliesReceived":2}`,
		"2026-11-01T05:00:00.000Z", "2026-11-01T05:30:00.000Z", false}},
	{insRun, []any{"r8", "ny", "completed", 0.5, `{}`,
		"2026-11-01T06:00:00.000Z", "2026-11-01T06:30:00.000Z", false}},

	// Another campaign, counted in UTC, whose records fall on the same instants.
	{insLead, []any{"u1", "utc", "a@x.org", "2026-03-08T04:30:00.000Z", nil}},
	{insRun, []any{"u2", "utc", "failed", 9.0, `{"emailsOpened":50}`,
		"2026-03-09T03:00:00.000Z", "2026-03-09T03:30:00.000Z", false}},
}

// want are the New York campaign's days, worked out by hand from dataSet.
var (
	wantMarch = []metrics.Day{
		{Date: "2026-03-07", LeadsGenerated: 1},
		// l2, l3, h1; h1 contacted; p1, c1 and r1's two emails; r1, r2, r5, r6 ended.
		{Date: "2026-03-08", LeadsGenerated: 3, LeadsContacted: 1, EmailsSent: 4,
			EmailsOpened: 3, RepliesReceived: 1, AgentRuns: 4, AgentErrors: 1, CostUSD: 1},
		{Date: "2026-03-09", LeadsContacted: 1, AgentRuns: 1, AgentErrors: 1, CostUSD: 0.3},
	}
	wantNovember = []metrics.Day{
		{Date: "2026-10-31", LeadsGenerated: 1},
		{Date: "2026-11-01", LeadsGenerated: 1, RepliesReceived: 2, AgentRuns: 2,
			CostUSD: 0.75},
		{Date: "2026-11-02", LeadsGenerated: 1},
	}
	wantUTC = []metrics.Day{
		{Date: "2026-03-07"},
		{Date: "2026-03-08", LeadsGenerated: 1},
		{Date: "2026-03-09", EmailsOpened: 50, AgentRuns: 1, AgentErrors: 1, CostUSD: 9},
	}
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func load(t *testing.T) *database.DB {
	t.Helper()
	db := testdb.New(t)
	for _, c := range [][2]string{{"ny", "America/New_York"}, {"utc", "UTC"}} {
		testdb.Exec(t, db, insCampaign, c[0], c[0], c[0], c[1])
	}
	for _, r := range dataSet {
		testdb.Exec(t, db, r.sql, r.args...)
	}
	return db
}

// instants are the times a writer would refresh for a row of the data set: every time column
// it was given.
func instants(r row) []time.Time {
	var out []time.Time
	for _, a := range r.args {
		if s, ok := a.(string); ok {
			if t, err := time.Parse(database.TimeLayout, s); err == nil {
				out = append(out, t)
			}
		}
	}
	return out
}

func TestRecomputeCountsEachCampaignDayInItsTimezone(t *testing.T) {
	ctx := context.Background()
	db := load(t)
	s := metrics.NewStore(db, nil)
	tests := []struct {
		name     string
		campaign string
		from, to string
		want     []metrics.Day
	}{
		{"spring forward in New York", "ny", "2026-03-07", "2026-03-09", wantMarch},
		{"fall back in New York", "ny", "2026-10-31", "2026-11-02", wantNovember},
		{"the same instants in UTC", "utc", "2026-03-07", "2026-03-09", wantUTC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := access.System(tt.campaign)
			got, err := s.Recompute(ctx, sc, date(tt.from), date(tt.to))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("recompute (-want +got):\n%s", diff)
			}
			stored, err := s.Days(ctx, sc, date(tt.from), date(tt.to))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, stored); diff != "" {
				t.Errorf("stored (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRecomputingTwiceChangesNoRow(t *testing.T) {
	ctx := context.Background()
	db := load(t)
	s := metrics.NewStore(db, nil)
	sc := access.System("ny")
	dump := func() string {
		t.Helper()
		var out string
		rows, err := db.R.Query(`SELECT date, leads_generated, agent_runs, cost_usd, updated_at
			FROM campaign_metrics WHERE campaign_id = 'ny' ORDER BY date`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var d, at string
			var leads, runs int
			var cost float64
			rows.Scan(&d, &leads, &runs, &cost, &at)
			out += d + " " + at + "\n"
		}
		return out
	}
	if _, err := s.Recompute(ctx, sc, date("2026-03-01"), date("2026-03-31")); err != nil {
		t.Fatal(err)
	}
	first := dump()
	time.Sleep(5 * time.Millisecond)
	if _, err := s.Recompute(ctx, sc, date("2026-03-01"), date("2026-03-31")); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, dump()); diff != "" {
		t.Errorf("a second recompute rewrote rows (-first +second):\n%s", diff)
	}
	var rows int
	db.R.QueryRow(`SELECT COUNT(*) FROM campaign_metrics WHERE campaign_id = 'ny'`).Scan(&rows)
	if rows != 3 {
		t.Errorf("%d rows stored for March, want one for each of the 3 days with figures", rows)
	}
}

func TestRefreshAgreesWithRecompute(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	for _, c := range [][2]string{{"ny", "America/New_York"}, {"utc", "UTC"}} {
		testdb.Exec(t, db, insCampaign, c[0], c[0], c[0], c[1])
	}
	s := metrics.NewStore(db, nil)
	// Each row arrives in its own transaction, which refreshes the days of the row's times.
	for _, r := range dataSet {
		err := db.Tx(ctx, func(tx *database.Tx) error {
			if _, err := tx.ExecContext(ctx, r.sql, r.args...); err != nil {
				return err
			}
			return s.Refresh(ctx, tx, r.args[1].(string), instants(r)...)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		campaign, from, to string
		want               []metrics.Day
	}{
		{"ny", "2026-03-07", "2026-03-09", wantMarch},
		{"ny", "2026-10-31", "2026-11-02", wantNovember},
		{"utc", "2026-03-07", "2026-03-09", wantUTC},
	} {
		got, err := s.Days(ctx, access.System(tt.campaign), date(tt.from), date(tt.to))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s from %s after refreshes (-want +got):\n%s", tt.campaign, tt.from, diff)
		}
	}
}

func TestRefreshFollowsItsTransaction(t *testing.T) {
	ctx := context.Background()
	db := load(t)
	broker := event.NewBroker()
	sub := broker.Subscribe("ny")
	defer sub.Close()
	other := broker.Subscribe("utc")
	defer other.Close()
	s := metrics.NewStore(db, broker)
	ended := time.Date(2026, 3, 9, 3, 30, 0, 0, time.UTC) // 8 Mar 23:30 in New York

	// A rolled-back change leaves neither figures nor an event behind.
	errBoom := context.Canceled
	err := db.Tx(ctx, func(tx *database.Tx) error {
		if err := s.Refresh(ctx, tx, "ny", ended); err != nil {
			return err
		}
		return errBoom
	})
	if err != errBoom {
		t.Fatalf("rolled back transaction: %v", err)
	}
	if n := len(sub.C); n != 0 {
		t.Errorf("%d events after a rollback, want none", n)
	}
	var rows int
	db.R.QueryRow(`SELECT COUNT(*) FROM campaign_metrics`).Scan(&rows)
	if rows != 0 {
		t.Errorf("%d metrics rows after a rollback, want none", rows)
	}

	err = db.Tx(ctx, func(tx *database.Tx) error {
		err := s.Refresh(ctx, tx, "ny", ended, ended.Add(-time.Minute), time.Time{})
		if err != nil {
			return err
		}
		if n := len(sub.C); n != 0 {
			t.Errorf("%d events before the commit, want none", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-sub.C:
		got, _ := json.Marshal(e.Data)
		want := `{"campaignId":"ny","from":"2026-03-08","to":"2026-03-08"}`
		if e.Type != "metrics.updated" || string(got) != want {
			t.Errorf("event %s %s, want metrics.updated %s", e.Type, got, want)
		}
	default:
		t.Fatal("no metrics.updated after the commit")
	}
	if n := len(other.C); n != 0 {
		t.Errorf("another campaign heard %d events", n)
	}
	got, err := s.Days(ctx, access.System("ny"), date("2026-03-08"), date("2026-03-08"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantMarch[1:2], got); diff != "" {
		t.Errorf("refreshed day (-want +got):\n%s", diff)
	}

	err = db.Tx(ctx, func(tx *database.Tx) error { return s.Refresh(ctx, tx, "missing", ended) })
	if err == nil {
		t.Error("refreshing a campaign that does not exist succeeded")
	}
}

func TestRepairFixesTheLastTwoDaysOfActiveCampaigns(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	testdb.Exec(t, db, insCampaign, "ny", "ny", "ny", "America/New_York")
	testdb.Exec(t, db, insCampaign, "off", "off", "off", "UTC")
	testdb.Exec(t, db, `UPDATE campaigns SET status = 'paused' WHERE id = 'off'`)
	now := time.Now()
	for _, id := range []string{"ny", "off"} {
		testdb.Exec(t, db, insLead, id+"-today", id, id+"@x.org", database.FormatTime(now), nil)
		testdb.Exec(t, db, insLead, id+"-old", id, id+"-old@x.org",
			database.FormatTime(now.AddDate(0, 0, -5)), nil)
	}
	s := metrics.NewStore(db, nil)
	fixed, err := s.Repair(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fixed != 1 {
		t.Errorf("repair fixed %d campaigns, want the one active campaign", fixed)
	}
	var total int
	db.R.QueryRow(`SELECT COALESCE(SUM(leads_generated), 0) FROM campaign_metrics
		WHERE campaign_id = 'ny'`).Scan(&total)
	if total != 1 {
		t.Errorf("repair counted %d leads, want today's one (older days are left alone)", total)
	}
	db.R.QueryRow(`SELECT COUNT(*) FROM campaign_metrics WHERE campaign_id = 'off'`).Scan(&total)
	if total != 0 {
		t.Errorf("repair wrote %d rows for a paused campaign", total)
	}
	if fixed, _ := s.Repair(ctx); fixed != 0 {
		t.Errorf("a second repair fixed %d campaigns, want none", fixed)
	}
}

func TestRecomputeHistoryMovesDaysToANewTimezone(t *testing.T) {
	ctx := context.Background()
	db := load(t)
	s := metrics.NewStore(db, nil)
	sc := access.System("utc")
	if _, err := s.Recompute(ctx, sc, date("2026-03-07"), date("2026-03-09")); err != nil {
		t.Fatal(err)
	}
	// The campaign moves from UTC to New York: its lead of 04:30Z on 8 March was made at 23:30
	// on the 7th there, and its run that ended at 03:30Z on the 9th ended on the 8th.
	testdb.Exec(t, db, `UPDATE campaigns SET timezone = 'America/New_York' WHERE id = 'utc'`)
	if err := s.RecomputeHistory(ctx, sc); err != nil {
		t.Fatal(err)
	}
	got, err := s.Days(ctx, sc, date("2026-03-06"), date("2026-03-10"))
	if err != nil {
		t.Fatal(err)
	}
	want := []metrics.Day{
		{Date: "2026-03-06"},
		{Date: "2026-03-07", LeadsGenerated: 1},
		{Date: "2026-03-08", EmailsOpened: 50, AgentRuns: 1, AgentErrors: 1, CostUSD: 9},
		{Date: "2026-03-09"},
		{Date: "2026-03-10"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("days after the move (-want +got):\n%s", diff)
	}
	// A campaign without any rollup rows has nothing to move.
	if err := s.RecomputeHistory(ctx, access.System("ny")); err != nil {
		t.Fatal(err)
	}
	var rows int
	db.R.QueryRow(`SELECT COUNT(*) FROM campaign_metrics WHERE campaign_id = 'ny'`).Scan(&rows)
	if rows != 0 {
		t.Errorf("%d rows written for a campaign that had none", rows)
	}
}
