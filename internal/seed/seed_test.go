package seed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/testutil/testdb"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/agent"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/metrics"
	"github.com/clawops/clawops/internal/schedule"
)

// demoNow is the moment the demo history in these tests ends.
var demoNow = time.Date(2026, 3, 20, 14, 30, 0, 0, time.UTC)

// dataTables are the tables that hold campaign-owned rows.
var dataTables = []string{
	"agents", "schedules", "runs", "run_logs", "leads", "hoa_contacts", "content_queue",
	"lg_engagement_queue", "lg_community_accounts", "linkedin_prospects", "email_prospects",
	"quora_questions", "webinars", "referral_partners", "campaign_metrics", "campaign_activity",
	"campaign_members",
}

type stores struct {
	db        *database.DB
	campaigns *campaign.Store
	agents    *agent.Store
	schedules *schedule.Store
}

func newStores(t *testing.T) stores {
	t.Helper()
	db := testdb.New(t)
	act := activity.NewStore(db, nil)
	return stores{db: db, campaigns: campaign.NewStore(db, act),
		agents: agent.NewStore(db, act), schedules: schedule.NewStore(db, act)}
}

func (s stores) defaults(t *testing.T) {
	t.Helper()
	if err := Defaults(context.Background(), s.db, s.campaigns, s.agents, s.schedules); err != nil {
		t.Fatal(err)
	}
}

func (s stores) demo(t *testing.T) time.Duration {
	t.Helper()
	start := time.Now()
	err := Demo(context.Background(), s.db, s.campaigns, s.agents, s.schedules, demoNow)
	if err != nil {
		t.Fatal(err)
	}
	return time.Since(start)
}

// snapshot counts the rows of every table and hashes the rows of the given tables.
func snapshot(t *testing.T, db *database.DB, hashed ...string) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := db.R.QueryContext(ctx, `
		SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	out := map[string]string{}
	for _, table := range tables {
		var n int
		if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = fmt.Sprint(n)
	}
	for _, table := range hashed {
		out[table+" hash"] = tableHash(t, db, `SELECT * FROM `+table+` ORDER BY 1, 2`)
	}
	return out
}

// tableHash digests every row a query returns.
func tableHash(t *testing.T, db *database.DB, query string) string {
	t.Helper()
	rows, err := db.R.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			fmt.Fprintf(h, "%v\x1f", v)
		}
		h.Write([]byte{'\n'})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func count(t *testing.T, db *database.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.R.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestDefaultsCreatesTheDefaultCampaign(t *testing.T) {
	ctx := context.Background()
	s := newStores(t)
	s.defaults(t)

	got, err := s.campaigns.Campaign(ctx, access.System("default-hoa-fl"))
	if err != nil {
		t.Fatal(err)
	}
	want := campaign.Campaign{
		ID: "default-hoa-fl", Name: "HOA FL Lead Gen (Legacy)", Company: "HOA Project Funding",
		Slug: "hoa-fl-lead-gen", Type: "lead-gen", Status: "active", Color: "#3B82F6",
		Icon: "🏠", Timezone: "America/New_York", Config: json.RawMessage(`{}`),
		AgentCount: 13, ScheduleCount: 10,
	}
	ignore := cmpopts.IgnoreFields(campaign.Campaign{}, "CreatedAt", "UpdatedAt",
		"LastActivityAt")
	if diff := cmp.Diff(want, got, ignore, cmpopts.IgnoreUnexported(campaign.Campaign{})); diff != "" {
		t.Errorf("default campaign (-want +got):\n%s", diff)
	}
}

// fleetCrons is the HOA fleet table of the product specification.
var fleetCrons = map[string]string{
	"hoa-content-writer":    "0 8 * * 1",
	"hoa-cms-publisher":     "30 8 * * 1",
	"hoa-social-media":      "0 10 * * 1,3,5",
	"hoa-social-engagement": "0 9 * * 1-5",
	"hoa-networker":         "0 14 * * 2,4",
	"hoa-email-campaigns":   "0 10 * * 5",
	"hoa-facebook-poster":   "",
	"hoa-website-publisher": "",
	"hoa-discovery":         "0 6 * * 1",
	"hoa-contact-finder":    "0 8 * * 2",
	"hoa-contact-enricher":  "",
	"hoa-outreach-drafter":  "0 9 * * 4",
	"hoa-minutes-monitor":   "0 7 * * 1,4",
}

func TestDefaultsInstallsTheFleet(t *testing.T) {
	ctx := context.Background()
	s := newStores(t)
	s.defaults(t)
	sc := access.System("default-hoa-fl")

	templates, err := s.agents.Templates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gotTemplates := map[string]string{}
	for _, tpl := range templates {
		if tpl.ID == ExampleTemplateID {
			continue
		}
		if tpl.Executor.Type != agent.ExecutorOpenClaw || tpl.Executor.AgentID != tpl.Name ||
			tpl.Executor.TimeoutSeconds != 600 || tpl.ID != "tpl-"+tpl.Name {
			t.Errorf("template %s = %+v, want openclaw agent %s with 600 s", tpl.ID,
				tpl.Executor, tpl.Name)
		}
		gotTemplates[tpl.Name] = tpl.DefaultSchedule
	}
	if diff := cmp.Diff(fleetCrons, gotTemplates); diff != "" {
		t.Errorf("fleet templates and their default schedules (-want +got):\n%s", diff)
	}
	if _, err := s.agents.Template(ctx, ExampleTemplateID); err != nil {
		t.Errorf("example template: %v", err)
	}

	agents, err := s.agents.Agents(ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]string{}
	for _, a := range agents {
		byID[a.ID] = a.Name
		if a.TemplateID != "tpl-"+a.Name || a.Executor.AgentID != a.Name || a.Status != "idle" {
			t.Errorf("agent %s: template %s, executor %+v, status %s", a.Name, a.TemplateID,
				a.Executor, a.Status)
		}
	}
	if len(agents) != 13 {
		t.Errorf("agents = %d, want 13", len(agents))
	}

	schedules, err := s.schedules.Schedules(ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	gotCrons := map[string]string{}
	for _, sch := range schedules {
		if sch.Enabled || sch.NextRunAt != nil || sch.Message == "" || sch.Name == sch.AgentName {
			t.Errorf("schedule %q: enabled %v, next %v, message %q; want disabled, no next "+
				"fire, a message and its own name", sch.Name, sch.Enabled, sch.NextRunAt,
				sch.Message)
		}
		if sch.EffectiveTimezone != "America/New_York" {
			t.Errorf("schedule %q zone = %s, want the campaign's", sch.Name, sch.EffectiveTimezone)
		}
		gotCrons[byID[sch.AgentID]] = sch.Cron
	}
	wantCrons := map[string]string{}
	for name, c := range fleetCrons {
		if c != "" {
			wantCrons[name] = c
		}
	}
	if diff := cmp.Diff(wantCrons, gotCrons); diff != "" {
		t.Errorf("schedules by agent (-want +got):\n%s", diff)
	}
}

func TestDefaultsTwiceChangesNothing(t *testing.T) {
	s := newStores(t)
	s.defaults(t)
	before := snapshot(t, s.db, "campaigns", "agents", "schedules", "agent_templates")
	s.defaults(t)
	after := snapshot(t, s.db, "campaigns", "agents", "schedules", "agent_templates")
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("second Defaults changed the database (-before +after):\n%s", diff)
	}
}

func TestDefaultsKeepsChanges(t *testing.T) {
	ctx := context.Background()
	s := newStores(t)
	s.defaults(t)
	sc := access.System("default-hoa-fl")
	if err := s.agents.RemoveAgent(ctx, sc, "agt-hoa-networker"); err != nil {
		t.Fatal(err)
	}
	s.defaults(t)
	if n := count(t, s.db, `SELECT COUNT(*) FROM agents WHERE campaign_id = ?`,
		"default-hoa-fl"); n != 12 {
		t.Errorf("agents after a removal and a restart = %d, want 12", n)
	}
}

func TestDemo(t *testing.T) {
	ctx := context.Background()
	s := newStores(t)
	s.defaults(t)
	took := s.demo(t)
	t.Logf("Demo took %v", took)

	list, _, err := s.campaigns.Campaigns(ctx, access.Principal{PlatformRole: "admin"},
		campaign.ListFilter{Statuses: campaign.Statuses, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) < 4 {
		t.Fatalf("campaigns = %d, want the default one and at least three more", len(list))
	}
	var paused int
	for _, c := range list {
		if c.Status == campaign.StatusPaused {
			paused++
		}
		for _, q := range []string{
			`SELECT COUNT(*) FROM runs WHERE campaign_id = ?`,
			`SELECT COUNT(*) FROM campaign_activity WHERE campaign_id = ?`,
			`SELECT COUNT(*) FROM agents WHERE campaign_id = ?`,
			`SELECT COUNT(*) FROM schedules WHERE campaign_id = ?`,
			`SELECT (SELECT COUNT(*) FROM leads WHERE campaign_id = ?1)
				+ (SELECT COUNT(*) FROM hoa_contacts WHERE campaign_id = ?1)
				+ (SELECT COUNT(*) FROM content_queue WHERE campaign_id = ?1)`,
		} {
			if n := count(t, s.db, q, c.ID); n == 0 {
				t.Errorf("%s has no rows for %s", c.ID, q)
			}
		}
		if n := count(t, s.db, `SELECT COUNT(*) FROM campaign_metrics WHERE campaign_id = ?`,
			c.ID); n < demoDays {
			t.Errorf("%s has %d days of metrics, want at least %d", c.ID, n, demoDays)
		}
	}
	if paused == 0 {
		t.Error("no demo campaign is paused")
	}
	for _, col := range data.All {
		if n := count(t, s.db, `SELECT COUNT(*) FROM `+col.Table+` t WHERE NOT EXISTS
			(SELECT 1 FROM search_docs d WHERE d.collection = ? AND d.record_id = t.id)`,
			col.Path); n != 0 {
			t.Errorf("%d demo %s are missing from the search index", n, col.Path)
		}
	}
	if n := count(t, s.db, `SELECT COUNT(*) FROM schedules WHERE enabled = 1`); n == 0 {
		t.Error("the demo has no enabled schedule")
	}
	if n := count(t, s.db, `SELECT COUNT(*) FROM email_prospects
		WHERE first_email_sent_at IS NOT NULL`); n == 0 {
		t.Error("no prospect was emailed")
	}
	if n := count(t, s.db, `SELECT COUNT(*) FROM runs
		WHERE status IN ('failed', 'timeout')`); n == 0 {
		t.Error("no run failed")
	}
	if n := count(t, s.db, `SELECT COUNT(*) FROM runs WHERE created_at > ?
		OR finished_at > ? OR created_at < ?`, database.FormatTime(demoNow),
		database.FormatTime(demoNow),
		database.FormatTime(demoNow.Add(-demoDays*24*time.Hour))); n != 0 {
		t.Errorf("%d runs lie outside the last %d days", n, demoDays)
	}
}

func TestDemoRowsBelongToTheirCampaign(t *testing.T) {
	s := newStores(t)
	s.demo(t)
	for _, table := range dataTables {
		q := `SELECT COUNT(*) FROM ` + table + ` WHERE campaign_id NOT IN (SELECT id FROM campaigns)`
		if n := count(t, s.db, q); n != 0 {
			t.Errorf("%s has %d rows of no campaign", table, n)
		}
	}
	links := []string{
		`SELECT COUNT(*) FROM runs r JOIN agents a ON a.id = r.agent_id
			WHERE a.campaign_id <> r.campaign_id`,
		`SELECT COUNT(*) FROM runs r JOIN schedules s ON s.id = r.schedule_id
			WHERE s.campaign_id <> r.campaign_id`,
		`SELECT COUNT(*) FROM schedules s JOIN agents a ON a.id = s.agent_id
			WHERE a.campaign_id <> s.campaign_id`,
	}
	for _, table := range []string{"leads", "hoa_contacts", "content_queue",
		"lg_engagement_queue", "email_prospects"} {
		links = append(links, `SELECT COUNT(*) FROM `+table+` x JOIN runs r
			ON r.id = x.source_run_id WHERE r.campaign_id <> x.campaign_id`)
	}
	for _, q := range links {
		if n := count(t, s.db, q); n != 0 {
			t.Errorf("%d rows link across campaigns: %s", n, q)
		}
	}
}

func TestDemoTwiceChangesNothing(t *testing.T) {
	s := newStores(t)
	s.demo(t)
	hashed := append([]string{"campaigns", "agent_templates"}, dataTables...)
	before := snapshot(t, s.db, hashed...)
	s.demo(t)
	after := snapshot(t, s.db, hashed...)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("second Demo changed the database (-before +after):\n%s", diff)
	}
}

func TestDemoIsDeterministic(t *testing.T) {
	queries := []string{
		`SELECT * FROM runs ORDER BY id`,
		`SELECT * FROM leads ORDER BY id`,
		`SELECT * FROM hoa_contacts ORDER BY id`,
		`SELECT * FROM content_queue ORDER BY id`,
		`SELECT * FROM lg_engagement_queue ORDER BY id`,
		`SELECT * FROM email_prospects ORDER BY id`,
		`SELECT * FROM campaign_metrics ORDER BY campaign_id, date`,
		`SELECT * FROM campaign_activity WHERE run_id IS NOT NULL ORDER BY id`,
		`SELECT id, campaign_id, name, run_count, error_count, last_run_at, last_run_status
			FROM agents ORDER BY id`,
	}
	var hashes [2][]string
	for i := range hashes {
		s := newStores(t)
		s.demo(t)
		for _, q := range queries {
			hashes[i] = append(hashes[i], tableHash(t, s.db, q))
		}
	}
	if diff := cmp.Diff(hashes[0], hashes[1]); diff != "" {
		t.Errorf("two demos with the same now differ (-first +second):\n%s", diff)
	}
}

// TestDemoMetricsMatchTheRollup recomputes the demo's days with the metrics package: the
// dashboard must not change when the rollup runs again.
func TestDemoMetricsMatchTheRollup(t *testing.T) {
	ctx := context.Background()
	s := newStores(t)
	s.demo(t)
	rollup := metrics.NewStore(s.db, nil)
	for _, f := range fleetShapes {
		sc := access.System(f.campaignID)
		from := demoNow.AddDate(0, 0, -demoDays-1)
		before, err := rollup.Days(ctx, sc, from, demoNow)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rollup.Recompute(ctx, sc, from, demoNow.AddDate(0, 0, 1)); err != nil {
			t.Fatal(err)
		}
		after, err := rollup.Days(ctx, sc, from, demoNow)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, after, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
			t.Errorf("%s: demo metrics and the rollup differ (-demo +rollup):\n%s",
				f.campaignID, diff)
		}
		if !slices.ContainsFunc(before, func(d metrics.Day) bool { return d.AgentRuns > 0 }) {
			t.Errorf("%s: no day with runs", f.campaignID)
		}
	}
}
