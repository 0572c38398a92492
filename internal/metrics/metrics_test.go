package metrics_test

import (
	"context"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/testutil/testdb"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/metrics"
)

func TestRecomputeCountsByCampaignDay(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.W.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, c := range [][2]string{{"ny", "America/New_York"}, {"other", "UTC"}} {
		exec(`INSERT INTO campaigns (id, name, company, slug, timezone, created_at, updated_at)
			VALUES (?, ?, 'C', ?, ?, 'x', 'x')`, c[0], c[0], c[0], c[1])
	}
	// New York switches to daylight time at 02:00 on 2026-03-08.
	lead := `INSERT INTO leads (id, campaign_id, email, created_at, updated_at, last_contacted_at)
		VALUES (?, ?, ?, ?, ?, ?)`
	exec(lead, "l1", "ny", "a@example.com", "2026-03-08T04:30:00.000Z", "x", nil) // Mar 7, 23:30 EST
	exec(lead, "l2", "ny", "b@example.com", "2026-03-08T05:30:00.000Z", "x",
		"2026-03-09T03:59:00.000Z") // created Mar 8 00:30 EST; contacted Mar 8 23:59 EDT
	exec(lead, "l3", "other", "c@example.com", "2026-03-08T12:00:00.000Z", "x", nil)
	exec(`INSERT INTO hoa_contacts (id, campaign_id, hoa_name, created_at, updated_at)
		VALUES ('h1', 'ny', 'Palm HOA', '2026-03-08T15:00:00.000Z', 'x')`)
	run := `INSERT INTO runs (id, campaign_id, trigger, status, cost_usd, metrics, created_at,
		updated_at) VALUES (?, ?, 'manual', ?, ?, ?, ?, 'x')`
	exec(run, "r1", "ny", "completed", 0.5, `{"emailsOpened":3,"repliesReceived":1}`,
		"2026-03-09T03:30:00.000Z") // Mar 8, 23:30 EDT
	exec(run, "r2", "ny", "failed", 0.25, `{}`, "2026-03-08T06:00:00.000Z")
	exec(run, "r3", "ny", "timeout", 0, `{}`, "2026-03-09T05:00:00.000Z") // Mar 9, 01:00 EDT
	exec(run, "r4", "other", "failed", 9, `{}`, "2026-03-08T12:00:00.000Z")
	exec(`INSERT INTO email_prospects (id, campaign_id, email, first_email_sent_at, created_at,
		updated_at) VALUES ('e1', 'ny', 'p@example.org', '2026-03-08T20:00:00.000Z', 'x', 'x')`)

	s := metrics.NewStore(db, nil)
	from := time.Date(2026, 3, 7, 0, 0, 0, 0, time.UTC)
	to := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	want := []metrics.Day{
		{Date: "2026-03-07", LeadsGenerated: 1},
		{Date: "2026-03-08", LeadsGenerated: 2, LeadsContacted: 1, EmailsSent: 1,
			EmailsOpened: 3, RepliesReceived: 1, AgentRuns: 2, AgentErrors: 1, CostUSD: 0.75},
		{Date: "2026-03-09", AgentRuns: 1, AgentErrors: 1},
	}
	got, err := s.Recompute(ctx, access.System("ny"), from, to)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("recompute (-want +got):\n%s", diff)
	}
	if _, err := s.Recompute(ctx, access.System("ny"), from, to); err != nil {
		t.Fatal(err)
	}
	stored, err := s.Days(ctx, access.System("ny"), from, to)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, stored); diff != "" {
		t.Errorf("stored after a second recompute (-want +got):\n%s", diff)
	}
	other, _ := s.Days(ctx, access.System("other"), from, to)
	for _, d := range other {
		if d != (metrics.Day{Date: d.Date}) {
			t.Errorf("the other campaign has numbers it never computed: %+v", d)
		}
	}
}
