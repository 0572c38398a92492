package campaign_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/testutil/testdb"
)

func TestOverviewPutsCampaignsNeedingAttentionFirst(t *testing.T) {
	ctx := context.Background()
	s, db := newStore(t)
	now := time.Now().UTC()
	at := func(d time.Duration) string { return database.FormatTime(now.Add(d)) }
	for _, c := range []struct{ id, status string }{{"overdue", "active"},
		{"failing", "active"}, {"shaky", "active"}, {"calm", "active"},
		{"held", "paused"}} {
		testdb.Exec(t, db, `INSERT INTO campaigns (id, name, company, slug, status, created_at,
			updated_at) VALUES (?, ?, 'C', ?, ?, 'x', 'x')`, c.id, c.id, c.id, c.status)
		testdb.Exec(t, db, `INSERT INTO agents (id, campaign_id, name, created_at, updated_at)
			VALUES (?, ?, 'bot', 'x', 'x')`, c.id+"-a", c.id)
	}
	schedule := func(id, campaignID string, enabled bool, next string) {
		testdb.Exec(t, db, `INSERT INTO schedules (id, campaign_id, agent_id, name, cron,
			enabled, next_run_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, '0 * * * *', ?, ?, 'x', 'x')`,
			id, campaignID, campaignID+"-a", id, enabled, next)
	}
	schedule("late", "overdue", true, at(-10*time.Minute))
	schedule("just-due", "overdue", true, at(-time.Minute))
	schedule("off", "overdue", false, at(-time.Hour))
	schedule("late-but-paused", "held", true, at(-time.Hour))
	schedule("breaks", "failing", true, at(time.Hour))
	schedule("recovered", "shaky", true, at(time.Hour))
	run := func(id, campaignID, scheduleID, status string, ago time.Duration) {
		testdb.Exec(t, db, `INSERT INTO runs (id, campaign_id, schedule_id, trigger, status,
			created_at, finished_at, updated_at) VALUES (?, ?, ?, 'scheduled', ?, ?, ?, 'x')`,
			id, campaignID, database.NullString(scheduleID), status, at(-ago), at(-ago))
	}
	// Three failures in a row, after an older success, and one still running.
	run("f1", "failing", "breaks", "completed", 4*time.Hour)
	run("f2", "failing", "breaks", "failed", 3*time.Hour)
	run("f3", "failing", "breaks", "timeout", 2*time.Hour)
	run("f4", "failing", "breaks", "failed", time.Hour)
	run("f5", "failing", "breaks", "running", time.Minute)
	// Two failures and then a success: not failing any more.
	run("s1", "shaky", "recovered", "failed", 3*time.Hour)
	run("s2", "shaky", "recovered", "failed", 2*time.Hour)
	run("s3", "shaky", "recovered", "completed", time.Hour)
	run("s4", "shaky", "", "completed", time.Hour)
	// Last week's failures do not count for this week.
	run("c1", "calm", "", "failed", 8*24*time.Hour)

	ov, err := s.Overview(ctx, access.Principal{UserID: "admin",
		PlatformRole: access.PlatformAdmin})
	if err != nil {
		t.Fatal(err)
	}
	type health struct {
		ID                        string
		Overdue, Failing, Failed7 int
		Rate                      float64
		Attention                 bool
	}
	var got []health
	for _, m := range ov.Campaigns {
		if m.ID == "default-hoa-fl" {
			continue
		}
		got = append(got, health{m.ID, m.OverdueSchedules, m.FailingSchedules,
			m.FailedRuns7d, m.FailureRate7d, m.NeedsAttention()})
	}
	want := []health{
		{"failing", 0, 1, 3, 0.6, true},
		{"overdue", 1, 0, 0, 0, true},
		{"shaky", 0, 0, 2, 0.5, true},
		{"calm", 0, 0, 0, 0, false},
		{"held", 0, 0, 0, 0, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("overview health, in order (-want +got):\n%s", diff)
	}
}

// New leads and contacts are counted per campaign for this week and the week before, and only
// for the campaigns the viewer may see.
func TestOverviewCountsNewLeadsAndContacts(t *testing.T) {
	ctx := context.Background()
	s, db := newStore(t)
	now := time.Now().UTC()
	for _, id := range []string{"busy", "quiet", "hidden"} {
		testdb.Exec(t, db, `INSERT INTO campaigns (id, name, company, slug, status, created_at,
			updated_at) VALUES (?, ?, 'C', ?, 'active', 'x', 'x')`, id, id, id)
	}
	n := 0
	add := func(table, campaignID string, ago time.Duration) {
		n++
		testdb.Exec(t, db, `INSERT INTO `+table+` (id, campaign_id, `+map[string]string{
			"leads": "name", "hoa_contacts": "hoa_name"}[table]+`, created_at, updated_at)
			VALUES (?, ?, 'x', ?, 'x')`, fmt.Sprint("r", n), campaignID,
			database.FormatTime(now.Add(-ago)))
	}
	day := 24 * time.Hour
	add("leads", "busy", time.Hour)
	add("leads", "busy", 6*day)
	add("leads", "busy", 8*day)
	add("leads", "busy", 15*day)
	add("hoa_contacts", "busy", 2*day)
	add("hoa_contacts", "busy", 13*day)
	add("hoa_contacts", "quiet", 20*day)
	add("leads", "hidden", time.Hour)
	testdb.Exec(t, db, `INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
		VALUES ('u1', 'u1@example.com', 'U', 'x', 'x', 'x')`)
	for _, id := range []string{"busy", "quiet"} {
		testdb.Exec(t, db, `INSERT INTO campaign_members (campaign_id, user_id, role, created_at,
			updated_at) VALUES (?, 'u1', 'viewer', 'x', 'x')`, id)
	}

	ov, err := s.Overview(ctx, access.Principal{UserID: "u1"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]int{}
	for _, m := range ov.Campaigns {
		got[m.ID] = [2]int{m.Leads7d, m.LeadsPrev7d}
	}
	want := map[string][2]int{"busy": {3, 2}, "quiet": {0, 0}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("new leads and contacts, this week and last (-want +got):\n%s", diff)
	}
	if ov.Totals.Leads7d != 3 {
		t.Errorf("total new this week = %d, want 3", ov.Totals.Leads7d)
	}
}
