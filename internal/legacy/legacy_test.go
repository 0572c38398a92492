package legacy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/auth"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/data"
)

// Campaign ids of the fixture.
const (
	caID = "69c232b4-14c4-4d2e-9272-457085b80014"
	txID = "e2fb8444-d9e1-4a11-88d4-33ebba7f5dce"
)

// TestImportFixture imports the original console's database into a fresh install and checks
// what people rely on afterwards; the subtests share the import and run in order.
func TestImportFixture(t *testing.T) {
	tg := newTarget(t)
	rep := tg.importFile(t, fixturePath)
	m := readManifest(t)

	t.Run("rows read match the manifest", func(t *testing.T) { checkRead(t, rep, m) })
	t.Run("rows per source campaign match the manifest", func(t *testing.T) {
		checkCampaignCounts(t, rep, m)
	})
	t.Run("every row lands", func(t *testing.T) { checkOutcomes(t, rep) })
	t.Run("rows are in their campaigns", func(t *testing.T) { checkPlacement(t, tg) })
	t.Run("records can be searched", func(t *testing.T) { checkSearchable(t, tg) })
	t.Run("archived campaign stays archived", func(t *testing.T) { checkArchived(t, tg) })
	t.Run("users sign in and are rehashed", func(t *testing.T) { checkSignIn(t, tg) })
	t.Run("viewer sees every imported campaign", func(t *testing.T) { checkViewer(t, tg) })
	t.Run("HOA fleet is updated, not duplicated", func(t *testing.T) { checkFleet(t, tg) })
	t.Run("history feeds the metrics", func(t *testing.T) { checkMetrics(t, tg, rep) })
	t.Run("second import adds nothing", func(t *testing.T) { checkSecondImport(t, tg) })
}

func checkRead(t *testing.T, rep *Report, m manifest) {
	want := map[string]int{}
	for table, n := range m.RowCounts {
		// SQLite's own bookkeeping of AUTOINCREMENT, not a table of the original.
		if table != "sqlite_sequence" {
			want[table] = n
		}
	}
	got := map[string]int{}
	for _, tr := range rep.Tables {
		got[tr.Table] = tr.Read
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows read per table (-want +got):\n%s", diff)
	}
}

func checkCampaignCounts(t *testing.T, rep *Report, m manifest) {
	for table, want := range m.CampaignIDCounts {
		tr, ok := rep.Table(table)
		if !ok {
			t.Errorf("%s: not in the report", table)
			continue
		}
		got := map[string]int{}
		for _, c := range tr.Campaigns {
			got[sourceKey(c.SourceCampaignID)] += c.Read
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: rows per source campaign (-want +got):\n%s", table, diff)
		}
	}
	for _, c := range m.Campaigns {
		for table, n := range c.SlugTables {
			tr, ok := rep.Table(table)
			if !ok || tr.Read != n || tr.Target == "" {
				t.Errorf("%s: report %+v, want %d rows read", table, tr, n)
				continue
			}
			for _, cc := range tr.Campaigns {
				if sourceKey(cc.SourceCampaignID) != c.ID {
					t.Errorf("%s: rows of %s, want %s", table, sourceKey(cc.SourceCampaignID), c.ID)
				}
			}
		}
	}
}

func sourceKey(id *string) string {
	if id == nil {
		return "null"
	}
	return *id
}

func checkOutcomes(t *testing.T, rep *Report) {
	want := map[string]Counts{
		"campaigns":       {Read: 3, Imported: 2, Merged: 1},
		"users":           {Read: 2, Imported: 2},
		"agents":          {Read: 13, Imported: 1, Merged: 12},
		"campaign_agents": {Read: 10, Imported: 4, Merged: 6},
		"schedules":       {Read: 10, Imported: 2, Merged: 8},
		"settings":        {Read: 9, Skipped: 9},
	}
	for _, tr := range rep.Tables {
		w, named := want[tr.Table]
		if !named {
			w = Counts{Read: tr.Read, Imported: tr.Read}
		}
		if diff := cmp.Diff(w, tr.Counts); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tr.Table, diff)
		}
	}
	for _, p := range rep.Problems {
		if p.Outcome == Skipped {
			t.Errorf("problem that skipped a row: %+v", p)
		}
	}
}

func checkPlacement(t *testing.T, tg target) {
	tests := []struct {
		table, campaign string
		want            int
	}{
		{"runs", campaign.DefaultID, 294},
		{"runs", caID, 6},
		{"leads", campaign.DefaultID, 245},
		{"content_queue", campaign.DefaultID, 38 + 19 + 6},
		{"content_queue", caID, 3 + 20},
		{"content_queue", txID, 4},
		{"campaign_activity", txID, 3},
		{"agents", txID, 2},
	}
	for _, tt := range tests {
		if got := tg.count(t, tt.table, "campaign_id = ?", tt.campaign); got != tt.want {
			t.Errorf("%s of %s = %d, want %d", tt.table, tt.campaign, got, tt.want)
		}
	}
}

func checkSearchable(t *testing.T, tg target) {
	for _, col := range data.All {
		missing := tg.count(t, col.Table, `NOT EXISTS (SELECT 1 FROM search_docs d
			WHERE d.collection = ? AND d.record_id = `+col.Table+`.id)`, col.Path)
		if missing != 0 {
			t.Errorf("%d imported %s are missing from the search index", missing, col.Path)
		}
	}
	if n := tg.count(t, "search_docs", "collection = 'leads'"); n != 250 {
		t.Errorf("search index holds %d leads, want the 250 imported", n)
	}
}

func checkArchived(t *testing.T, tg target) {
	var status, slug string
	var archivedAt *string
	err := tg.db.R.QueryRow(`SELECT status, slug, archived_at FROM campaigns WHERE id = ?`,
		txID).Scan(&status, &slug, &archivedAt)
	if err != nil {
		t.Fatal(err)
	}
	if status != campaign.StatusArchived || slug != "hoa-tx-pilot" || archivedAt == nil {
		t.Errorf("TX pilot: status %q, slug %q, archived at %v", status, slug, archivedAt)
	}
}

func checkSignIn(t *testing.T, tg target) {
	users := auth.NewStore(tg.db)
	tests := []struct{ email, password, role string }{
		{"admin@clawops.local", "changeme123", "admin"},
		{"dana.whitfield@example.com", "ViewerPass2026", "member"},
	}
	for _, tt := range tests {
		u, err := users.Authenticate(context.Background(), tt.email, tt.password)
		if err != nil {
			t.Errorf("%s: %v", tt.email, err)
			continue
		}
		if u.Role != tt.role {
			t.Errorf("%s: role %q, want %q", tt.email, u.Role, tt.role)
		}
		var hash string
		tg.db.R.QueryRow(`SELECT password_hash FROM users WHERE id = ?`, u.ID).Scan(&hash)
		if !strings.HasPrefix(hash, "$argon2id$") {
			t.Errorf("%s: hash after sign-in %.10q, want argon2id", tt.email, hash)
		}
		if _, err := users.Authenticate(context.Background(), tt.email, "wrong"); err == nil {
			t.Errorf("%s: a wrong password signed in", tt.email)
		}
	}
}

func checkViewer(t *testing.T, tg target) {
	rows, err := tg.db.R.Query(`SELECT m.campaign_id, m.role FROM campaign_members m
		JOIN users u ON u.id = m.user_id WHERE u.email = ? ORDER BY m.campaign_id`,
		"dana.whitfield@example.com")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var c, role string
		rows.Scan(&c, &role)
		got[c] = role
	}
	want := map[string]string{caID: "viewer", campaign.DefaultID: "viewer", txID: "viewer"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("viewer memberships (-want +got):\n%s", diff)
	}
}

func checkFleet(t *testing.T, tg target) {
	def := campaign.DefaultID
	if n := tg.count(t, "agents", "campaign_id = ?", def); n != 13 {
		t.Errorf("default campaign has %d agents, want the 13 of the fleet", n)
	}
	if n := tg.count(t, "schedules", "campaign_id = ?", def); n != 11 {
		t.Errorf("default campaign has %d schedules, want the fleet's 10 and the poster's", n)
	}
	var cron, name string
	var enabled bool
	err := tg.db.R.QueryRow(`SELECT cron, name, enabled FROM schedules WHERE id = ?`,
		"sch-hoa-discovery").Scan(&cron, &name, &enabled)
	if err != nil {
		t.Fatal(err)
	}
	if cron != "0 6 * * *" || name != "HOA Discovery — Morning Run" || !enabled {
		t.Errorf("seeded discovery schedule: %q %q enabled %v; want the original's", cron,
			name, enabled)
	}
	if n := tg.count(t, "schedules", "id = ? AND enabled = 0",
		"sch-hoa-email-campaigns"); n != 1 {
		t.Error("the original's disabled email schedule is not disabled")
	}
	var status string
	tg.db.R.QueryRow(`SELECT status FROM agents WHERE id = 'agt-hoa-minutes-monitor'`).Scan(&status)
	if status != "error" {
		t.Errorf("minutes monitor status %q, want the original's error", status)
	}
}

func checkMetrics(t *testing.T, tg target, rep *Report) {
	var runs, rolled int
	tg.db.R.QueryRow(`SELECT COUNT(*) FROM runs WHERE campaign_id = ?`, caID).Scan(&runs)
	tg.db.R.QueryRow(`SELECT COALESCE(SUM(agent_runs), 0) FROM campaign_metrics
		WHERE campaign_id = ?`, caID).Scan(&rolled)
	if runs == 0 || rolled != runs {
		t.Errorf("CA metrics count %d runs, the campaign has %d", rolled, runs)
	}
	if n := tg.count(t, "campaign_metrics", "custom LIKE '%legacyRollup%'"); n != 15 {
		t.Errorf("%d days keep the original's figures, want 15", n)
	}
	if len(rep.Metrics) != 3 {
		t.Errorf("metrics rebuilt for %+v, want the 3 campaigns", rep.Metrics)
	}
}

func checkSecondImport(t *testing.T, tg target) {
	before := tableCounts(t, tg)
	rep := tg.importFile(t, fixturePath)
	if diff := cmp.Diff(before, tableCounts(t, tg)); diff != "" {
		t.Errorf("rows per table after a second import (-before +after):\n%s", diff)
	}
	if rep.Totals.Imported != 0 || rep.Totals.Merged != 0 {
		t.Errorf("second import: %+v, want nothing imported or merged", rep.Totals)
	}
	for _, tr := range rep.Tables {
		if tr.Target != "" && tr.Existing != tr.Read {
			t.Errorf("%s: %+v, want every row existing", tr.Table, tr.Counts)
		}
	}
}

// tableCounts counts the rows of every table here.
func tableCounts(t *testing.T, tg target) map[string]int {
	rows, err := tg.db.R.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	out := map[string]int{}
	for _, n := range names {
		out[n] = tg.count(t, `"`+n+`"`, "")
	}
	return out
}

// TestSourceUnchanged imports a copy of the fixture and the fixture itself, and checks that
// neither file changed and that nothing was written beside them.
func TestSourceUnchanged(t *testing.T) {
	m := readManifest(t)
	path := copyFixture(t)
	tg := newTarget(t)
	tg.importFile(t, path)
	tg.importFile(t, fixturePath)
	for _, p := range []string{path, fixturePath} {
		if got := fileSum(t, p); got != m.SHA256 {
			t.Errorf("%s: sha256 %s, want %s", p, got, m.SHA256)
		}
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("files beside the source after import: %v", entries)
	}
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestSourceIsReadOnly proves that the connection the import reads through cannot write.
func TestSourceIsReadOnly(t *testing.T) {
	path := copyFixture(t)
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := openSource(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.close()
	for _, q := range []string{`CREATE TABLE intruder (x)`, `DELETE FROM users`,
		`UPDATE settings SET value = 'x'`} {
		if _, err := src.db.Exec(q); err == nil {
			t.Errorf("%s succeeded on the source", q)
		}
	}
	if n, err := src.count(context.Background(), "users"); err != nil || n != 2 {
		t.Errorf("users = %d, %v", n, err)
	}
}

func TestNotLegacy(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("not a database at all, just some words\n"), 0o600)
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o600)
	tg := newTarget(t)
	for _, path := range []string{text, empty, tg.db.Path()} {
		_, err := tg.importer.Import(context.Background(), path)
		if !errors.Is(err, ErrNotLegacy) {
			t.Errorf("%s: %v, want ErrNotLegacy", filepath.Base(path), err)
		}
	}
}

func TestOneImportAtATime(t *testing.T) {
	tg := newTarget(t)
	importing.Lock()
	_, err := tg.importer.Import(context.Background(), fixturePath)
	importing.Unlock()
	if !errors.Is(err, ErrBusy) {
		t.Errorf("import during another: %v, want ErrBusy", err)
	}
}

// TestExistingAccountKept imports over an install whose admin has the original admin's email:
// that person keeps this system's account, and the report says so.
func TestExistingAccountKept(t *testing.T) {
	tg := newTarget(t)
	users := auth.NewStore(tg.db)
	ctx := context.Background()
	here, err := users.CreateUser(ctx, auth.NewUser{Email: "Admin@ClawOps.local", Name: "Here",
		Password: "this system's own password", Role: "member"})
	if err != nil {
		t.Fatal(err)
	}
	rep := tg.importFile(t, fixturePath)

	tr, _ := rep.Table("users")
	if diff := cmp.Diff(Counts{Read: 2, Imported: 1, Merged: 1}, tr.Counts); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	said := false
	for _, n := range rep.Notes {
		said = said || strings.Contains(n, "admin@clawops.local already had an account here")
	}
	if !said {
		t.Errorf("notes %q do not say the account was kept", rep.Notes)
	}
	u, err := users.Authenticate(ctx, "admin@clawops.local", "this system's own password")
	if err != nil || u.ID != here.ID || u.Role != "member" || u.Name != "Here" {
		t.Errorf("kept account: %+v, %v", u, err)
	}
	if _, err := users.Authenticate(ctx, "admin@clawops.local", "changeme123"); err == nil {
		t.Error("the original's password replaced this system's")
	}
	var requested int
	tg.db.R.QueryRow(`SELECT COUNT(*) FROM runs WHERE requested_by = ?`, here.ID).Scan(&requested)
	if requested == 0 {
		t.Error("runs the original admin started are not linked to the kept account")
	}
}
