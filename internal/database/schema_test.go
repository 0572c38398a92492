package database_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/database"
)

// campaignTables are every table whose rows belong to one campaign.
var campaignTables = []string{
	"campaign_members", "campaign_metrics", "campaign_activity", "agents", "schedules", "runs",
	"run_logs", "leads", "hoa_contacts", "content_queue", "lg_engagement_queue",
	"lg_community_accounts", "linkedin_prospects", "email_prospects", "quora_questions",
	"webinars", "referral_partners", "imports", "import_rejects",
}

func open(t *testing.T) *database.DB {
	t.Helper()
	db, err := database.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func migrated(t *testing.T) *database.DB {
	t.Helper()
	db := open(t)
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestPragmas(t *testing.T) {
	db := open(t)
	for _, pool := range []struct {
		name string
		q    func(string) string
	}{
		{"writer", func(p string) string { var v string; db.W.QueryRow("PRAGMA " + p).Scan(&v); return v }},
		{"reader", func(p string) string { var v string; db.R.QueryRow("PRAGMA " + p).Scan(&v); return v }},
	} {
		if got := pool.q("journal_mode"); got != "wal" {
			t.Errorf("%s journal_mode = %q", pool.name, got)
		}
		if got := pool.q("foreign_keys"); got != "1" {
			t.Errorf("%s foreign_keys = %q", pool.name, got)
		}
		if got := pool.q("busy_timeout"); got != "5000" {
			t.Errorf("%s busy_timeout = %q", pool.name, got)
		}
	}
	if _, err := db.R.Exec(`CREATE TABLE nope (x)`); err == nil {
		t.Error("the reader pool accepted a write")
	}
	if got := db.W.Stats().MaxOpenConnections; got != 1 {
		t.Errorf("writer pool allows %d connections, want 1", got)
	}
}

func TestSchema(t *testing.T) {
	db := migrated(t)
	ctx := context.Background()

	tables := map[string]bool{}
	rows, err := db.R.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables[n] = true
	}
	rows.Close()
	for _, want := range append([]string{"users", "campaigns", "sessions", "api_tokens",
		"audit_log", "agent_templates", "goose_db_version"}, campaignTables...) {
		if !tables[want] {
			t.Errorf("table %s missing", want)
		}
	}

	for _, table := range campaignTables {
		t.Run(table, func(t *testing.T) {
			var notNull int
			err := db.R.QueryRow(`SELECT "notnull" FROM pragma_table_info(?) WHERE name = 'campaign_id'`,
				table).Scan(&notNull)
			if err != nil || notNull != 1 {
				t.Errorf("campaign_id NOT NULL = %d (%v)", notNull, err)
			}
			var onDelete string
			err = db.R.QueryRow(`SELECT on_delete FROM pragma_foreign_key_list(?)
				WHERE "table" = 'campaigns' AND "from" = 'campaign_id'`, table).Scan(&onDelete)
			if err != nil || onDelete != "CASCADE" {
				t.Errorf("campaign_id foreign key on delete = %q (%v)", onDelete, err)
			}
			// Some index must lead with campaign_id so that scoped listings never scan the table.
			idx, err := db.R.Query(`SELECT name FROM pragma_index_list(?)`, table)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for idx.Next() {
				var n string
				idx.Scan(&n)
				names = append(names, n)
			}
			idx.Close()
			leads := false
			for _, n := range names {
				var first string
				db.R.QueryRow(`SELECT name FROM pragma_index_info(?) WHERE seqno = 0`, n).Scan(&first)
				leads = leads || first == "campaign_id"
			}
			if !leads {
				t.Errorf("no index leads with campaign_id among %v", names)
			}
		})
	}

	if v, err := db.SchemaVersion(ctx); err != nil || v < 1 {
		t.Errorf("schema version %d, %v", v, err)
	}
	var fkViolations int
	db.R.QueryRow(`SELECT COUNT(*) FROM pragma_foreign_key_check`).Scan(&fkViolations)
	if fkViolations != 0 {
		t.Errorf("%d foreign key violations", fkViolations)
	}
}

func TestMigrateTwiceChangesNothing(t *testing.T) {
	db := migrated(t)
	dump := func() string {
		rows, err := db.R.Query(`SELECT type, name, COALESCE(sql, '') FROM sqlite_master ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var typ, name, sql string
			rows.Scan(&typ, &name, &sql)
			b.WriteString(typ + " " + name + " " + sql + "\n")
		}
		var versions int
		db.R.QueryRow(`SELECT COUNT(*) FROM goose_db_version`).Scan(&versions)
		b.WriteString(strings.Repeat("v", versions))
		return b.String()
	}
	before := dump()
	n, err := db.Migrate(context.Background())
	if err != nil || n != 0 {
		t.Fatalf("second migrate applied %d (%v)", n, err)
	}
	if diff := cmp.Diff(before, dump()); diff != "" {
		t.Errorf("second migrate changed the schema (-before +after):\n%s", diff)
	}
}

func TestSlugAndCampaignConstraints(t *testing.T) {
	db := migrated(t)
	insert := `INSERT INTO campaigns (id, name, company, slug, created_at, updated_at)
		VALUES (?, 'N', 'C', ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`
	if _, err := db.W.Exec(insert, "a", "same"); err != nil {
		t.Fatal(err)
	}
	_, err := db.W.Exec(insert, "b", "same")
	if !database.IsUniqueViolation(err) {
		t.Errorf("duplicate slug: %v, want a unique violation", err)
	}
	_, err = db.W.Exec(`INSERT INTO leads (id, campaign_id, created_at, updated_at)
		VALUES ('l', 'missing', 'x', 'x')`)
	if err == nil {
		t.Error("a lead of a missing campaign was accepted")
	}
	_, err = db.W.Exec(`INSERT INTO campaigns (id, name, company, slug, status, created_at,
		updated_at) VALUES ('c', 'N', 'C', 'c', 'deleted', 'x', 'x')`)
	if err == nil {
		t.Error("an unknown campaign status was accepted")
	}
	// Deleting a campaign takes every owned row with it.
	db.W.Exec(`INSERT INTO leads (id, campaign_id, created_at, updated_at) VALUES ('l1', 'a', 'x', 'x')`)
	db.W.Exec(`DELETE FROM campaigns WHERE id = 'a'`)
	var n int
	db.R.QueryRow(`SELECT COUNT(*) FROM leads WHERE campaign_id = 'a'`).Scan(&n)
	if n != 0 {
		t.Errorf("%d leads outlived their campaign", n)
	}
}

func TestFailedMigrationLeavesDatabaseAsItWas(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	good, err := os.ReadFile("../../migrations/00001_schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"00001_schema.sql": {Data: good},
		"00002_broken.sql": {Data: []byte("-- +goose Up\nCREATE TABLE half (x INTEGER);\n" +
			"INSERT INTO no_such_table VALUES (1);\n")},
	}
	_, err = database.MigrateFS(ctx, db, fsys)
	if err == nil || !strings.Contains(err.Error(), "00002_broken.sql") {
		t.Fatalf("error %v, want one naming 00002_broken.sql", err)
	}
	var half int
	db.R.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'`).Scan(&half)
	if half != 0 {
		t.Error("the failed migration left its table behind")
	}
	var versions []int
	rows, _ := db.R.Query(`SELECT version_id FROM goose_db_version WHERE version_id > 0`)
	for rows.Next() {
		var v int
		rows.Scan(&v)
		versions = append(versions, v)
	}
	rows.Close()
	if !slices.Equal(versions, []int{1}) {
		t.Errorf("recorded versions %v, want [1]", versions)
	}
}

func TestPathsWithURICharacters(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, name := range []string{"a#b.db", "a?b.db", "100%.db", "a.db"} {
		db, err := database.Open(ctx, filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := db.Exec(ctx, `CREATE TABLE marker (name TEXT)`); err != nil {
			t.Errorf("%s shares its file with another database: %v", name, err)
		}
		db.Close()
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was not created under its own name: %v", name, err)
		}
	}
}
