package legacy

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/bcrypt"

	"github.com/clawops/clawops/internal/auth"
	"github.com/clawops/clawops/internal/campaign"
)

// originalSchema is the part of the original console's schema the handmade databases use,
// with its column names and loose types.
const originalSchema = `
CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, password TEXT NOT NULL,
	name TEXT NOT NULL DEFAULT 'Admin', role TEXT NOT NULL DEFAULT 'admin',
	created_at TEXT NOT NULL DEFAULT (datetime('now')),
	updated_at TEXT NOT NULL DEFAULT (datetime('now')));
CREATE TABLE campaigns (id TEXT PRIMARY KEY, name TEXT NOT NULL, company TEXT NOT NULL,
	slug TEXT NOT NULL UNIQUE, type TEXT NOT NULL DEFAULT 'marketing',
	status TEXT NOT NULL DEFAULT 'active', color TEXT DEFAULT '#3B82F6', icon TEXT DEFAULT '🎯',
	description TEXT, config TEXT DEFAULT '{}', created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE agents (id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT,
	status TEXT NOT NULL DEFAULT 'idle', config TEXT NOT NULL DEFAULT '{}',
	total_runs INTEGER NOT NULL DEFAULT 0, success_rate REAL DEFAULT 0, last_run_at TEXT,
	created_at TEXT NOT NULL DEFAULT (datetime('now')),
	updated_at TEXT NOT NULL DEFAULT (datetime('now')), campaign_id TEXT);
CREATE TABLE schedules (id TEXT PRIMARY KEY, name TEXT NOT NULL, agent_id TEXT NOT NULL,
	agent_name TEXT, cron_expression TEXT NOT NULL, message TEXT NOT NULL,
	enabled INTEGER NOT NULL DEFAULT 1, last_run_at TEXT, next_run_at TEXT,
	created_at TEXT NOT NULL DEFAULT (datetime('now')),
	updated_at TEXT NOT NULL DEFAULT (datetime('now')), campaign_id TEXT);
CREATE TABLE runs (id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, user_id TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending', trigger TEXT NOT NULL DEFAULT 'manual',
	started_at TEXT, completed_at TEXT, duration_ms INTEGER, tokens_used INTEGER DEFAULT 0,
	cost_usd REAL DEFAULT 0, result_data TEXT DEFAULT '{}', error_msg TEXT,
	created_at TEXT NOT NULL DEFAULT (datetime('now')),
	updated_at TEXT NOT NULL DEFAULT (datetime('now')), campaign_id TEXT);
CREATE TABLE leads (id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, name TEXT,
	email TEXT, phone TEXT, company TEXT, raw_data TEXT, status TEXT DEFAULT 'new',
	score INTEGER DEFAULT 0, created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP, notes TEXT, campaign_id TEXT);
CREATE TABLE content_queue (id TEXT PRIMARY KEY, platform TEXT NOT NULL DEFAULT 'facebook',
	content TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending',
	created_at TEXT NOT NULL DEFAULT (datetime('now')),
	updated_at TEXT NOT NULL DEFAULT (datetime('now')), campaign_id TEXT);
CREATE TABLE quora_questions (id TEXT PRIMARY KEY, question_url TEXT UNIQUE NOT NULL,
	topic_tags TEXT, created_at TEXT DEFAULT (datetime('now')), campaign_id TEXT);
CREATE TABLE lg_engagement_queue (id INTEGER PRIMARY KEY AUTOINCREMENT, platform TEXT NOT NULL,
	post_url TEXT NOT NULL, draft_response TEXT NOT NULL, includes_link BOOLEAN DEFAULT 0,
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP, campaign_id TEXT);
CREATE TABLE campaign_activity_log (id TEXT PRIMARY KEY, campaign_id TEXT NOT NULL,
	agent_id TEXT, event_type TEXT NOT NULL, severity TEXT DEFAULT 'info', title TEXT NOT NULL,
	detail TEXT, created_at DATETIME DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE audit_log (id TEXT PRIMARY KEY, timestamp TEXT NOT NULL DEFAULT (datetime('now')),
	user_id TEXT, action TEXT NOT NULL, resource TEXT, details TEXT DEFAULT '{}',
	ip_address TEXT, outcome TEXT NOT NULL DEFAULT 'success');
CREATE TABLE pilot_leads (id TEXT PRIMARY KEY, company_name TEXT, contact_name TEXT,
	email TEXT, address TEXT, city TEXT, status TEXT DEFAULT 'new',
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP);
`

// badRows fill the handmade database with what real installations of the original hold:
// broken JSON, dangling references, odd times, invalid crons and duplicates.
const badRows = `
INSERT INTO campaigns (id, name, company, slug, type, color, icon, config, created_at)
VALUES ('pilot-id', 'Pilot', 'Acme', 'pilot', 'weird-type', 'red', 'x', '{broken',
	'2026-11-01 10:00:00');
INSERT INTO users (id, email, password, name, role) VALUES
	('u1', 'owner@example.com', :hash, 'Owner', 'admin'),
	('u2', 'not-an-email', :hash, 'Bad', 'viewer'),
	('u3', 'plain@example.com', 'plaintext', 'Plain', 'viewer');
INSERT INTO agents (id, name, config, campaign_id) VALUES
	('a1', 'hoa-discovery', '{}', NULL),
	('a2', 'Pilot Scout', '{"openclaw_id":"bad id!"}', 'pilot-id');
INSERT INTO schedules (id, name, agent_id, cron_expression, message, enabled, campaign_id)
VALUES ('s1', 'Bad cron', 'a2', 'every day at 9', 'go', 1, 'pilot-id'),
	('s2', 'Ghost', 'ghost-agent', '0 9 * * *', 'go', 1, NULL);
INSERT INTO runs (id, agent_id, user_id, status, trigger, started_at, completed_at,
	result_data, created_at, campaign_id) VALUES
	('r1', 'ghost-agent', 'u1', 'running', 'manual', NULL, NULL, '{not json',
	 '2026-11-02 09:00:00', 'pilot-id'),
	('r2', 'a1', 'u1', 'success', 'chat-command', '2026-11-03T12:00:00.123Z',
	 '2026-11-03 12:01:00', '{"message":"hi","outputText":"done"}',
	 '2026-11-03T11:59:59+0000', NULL);
INSERT INTO leads (id, source, name, email, raw_data, status, score, created_at, campaign_id)
VALUES (1, 'facebook', 'Ann', 'ann@example.com', '{broken', 'lost', 10, '03/12/2026', NULL),
	(2, 'facebook', 'Ann again', 'ANN@example.com', '{}', 'new', 10, '2026-11-05', NULL),
	(3, 'web', 'Bob', 'bob@example.com', '{}', 'new', 10, '2026-11-05 08:00:00',
	 'deleted-campaign'),
	(4, 'web', 'Cy', 'cy@example.com', '{}', 'new', 150, '2026-11-04T08:00:00Z', NULL);
INSERT INTO content_queue (id, content, created_at) VALUES ('c1', '', '2026-11-05 08:00:00');
INSERT INTO quora_questions (id, question_url, topic_tags)
VALUES ('q1', 'https://quora.example.com/q1', 'HOA, Loans');
INSERT INTO lg_engagement_queue (platform, post_url, draft_response, includes_link)
VALUES ('reddit', 'https://reddit.example.com/r/HOA/1', 'Hi', 'yes');
INSERT INTO campaign_activity_log (id, campaign_id, agent_id, event_type, severity, title,
	detail, created_at)
VALUES ('e1', 'pilot-id', 'missing-ca', 'agent_run', 'loud', 'Scout ran', '{"found":2}',
	'2026-11-03 12:01:00');
INSERT INTO audit_log (id, timestamp, user_id, action, details, outcome) VALUES
	('l1', 'yesterday', 'u1', 'POST /api/campaigns/pilot-id/agents', '{broken', 'weird');
INSERT INTO pilot_leads (id, company_name, contact_name, email, address, city)
VALUES ('pl1', 'Acme HOA', 'Carla', 'carla@example.com', '1 Main St', 'Miami');
`

// makeLegacy writes a database shaped like the original's with the given rows.
func makeLegacy(t *testing.T, rows string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "original.db")
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hash, err := bcrypt.GenerateFromPassword([]byte("pilot password 1"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	rows = strings.ReplaceAll(rows, ":hash", "'"+string(hash)+"'")
	if _, err := db.Exec(originalSchema + rows); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBadRows(t *testing.T) {
	tg := newTarget(t)
	rep := tg.importFile(t, makeLegacy(t, badRows))

	t.Run("problems are listed", func(t *testing.T) { checkProblems(t, rep) })
	t.Run("rows are brought over as well as they can be", func(t *testing.T) {
		checkBadRowsStored(t, tg)
	})
	t.Run("second import adds nothing", func(t *testing.T) {
		again := tg.importFile(t, makeLegacy(t, badRows))
		if again.Totals.Imported != 0 || again.Totals.Merged != 0 {
			t.Errorf("second import: %+v", again.Totals)
		}
	})
}

func checkProblems(t *testing.T, rep *Report) {
	tests := []struct{ table, id, outcome, says string }{
		{"campaigns", "pilot-id", Imported, `config: broken JSON`},
		{"campaigns", "pilot-id", Imported, `color: "red"`},
		{"users", "u2", Skipped, `email "not-an-email" is not an address`},
		{"users", "u3", Imported, "password is not a bcrypt hash"},
		{"agents", "a2", Imported, `openclaw agent id "bad id!"`},
		{"schedules", "s1", Imported, `cron "every day at 9"`},
		{"schedules", "s2", Skipped, "agent ghost-agent"},
		{"runs", "r1", Imported, "agent ghost-agent does not exist"},
		{"runs", "r1", Imported, `status "running": imported as cancelled`},
		{"runs", "r1", Imported, "result_data: broken JSON"},
		{"leads", "1", Imported, `created_at: unreadable time "03/12/2026"`},
		{"leads", "1", Imported, "raw_data: broken JSON"},
		{"leads", "1", Imported, `status: "lost"`},
		{"leads", "2", Skipped, "duplicate"},
		{"leads", "3", Imported, "campaign deleted-campaign is not in the source"},
		{"leads", "4", Imported, "score: 150 is outside 0 to 100"},
		{"content_queue", "c1", Skipped, "content: empty, and required"},
		{"quora_questions", "q1", Imported, "topic_tags: not a JSON list"},
		{"campaign_activity_log", "e1", Imported, "agent missing-ca"},
		{"campaign_activity_log", "e1", Imported, `severity: "loud"`},
		{"audit_log", "l1", Imported, `unreadable time "yesterday"`},
		{"audit_log", "l1", Imported, "details: broken JSON"},
	}
	for _, tt := range tests {
		p, ok := findProblem(rep, tt.table, tt.id)
		if !ok || p.Outcome != tt.outcome || !strings.Contains(p.Message, tt.says) {
			t.Errorf("%s %s: %+v, want %s saying %q", tt.table, tt.id, p, tt.outcome, tt.says)
		}
	}
	if _, ok := findProblem(rep, "runs", "r2"); ok {
		t.Error("a run with times in the original's usual forms was listed as a problem")
	}
}

func findProblem(rep *Report, table, id string) (Problem, bool) {
	for _, p := range rep.Problems {
		if p.Table == table && p.SourceID == id {
			return p, true
		}
	}
	return Problem{}, false
}

func checkBadRowsStored(t *testing.T, tg target) {
	var enabled bool
	var note string
	tg.db.R.QueryRow(`SELECT enabled, note FROM schedules WHERE id = 's1'`).Scan(&enabled, &note)
	if enabled || !strings.Contains(note, "every day at 9") {
		t.Errorf("invalid cron: enabled %v, note %q", enabled, note)
	}
	type run struct {
		Status, Trigger, Agent, Output, Started string
		AgentID                                 *string
	}
	got := map[string]run{}
	rows, err := tg.db.R.Query(`SELECT id, status, trigger, agent_name, output,
		COALESCE(started_at, ''), agent_id FROM runs`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var r run
		rows.Scan(&id, &r.Status, &r.Trigger, &r.Agent, &r.Output, &r.Started, &r.AgentID)
		got[id] = r
	}
	rows.Close()
	discovery := "agt-hoa-discovery"
	want := map[string]run{
		"r1": {Status: "cancelled", Trigger: "manual", Agent: "ghost-agent",
			Output: "{not json"},
		"r2": {Status: "completed", Trigger: "manual", Agent: "hoa-discovery",
			Output: "done", Started: "2026-11-03T12:00:00.123Z", AgentID: &discovery},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runs (-want +got):\n%s", diff)
	}
	checkLeads(t, tg)
	if n := tg.count(t, "content_queue", ""); n != 0 {
		t.Errorf("%d posts, want the empty one skipped", n)
	}
	if _, err := auth.NewStore(tg.db).Authenticate(context.Background(), "owner@example.com",
		"pilot password 1"); err != nil {
		t.Errorf("owner cannot sign in: %v", err)
	}
}

func checkLeads(t *testing.T, tg target) {
	tests := []struct {
		where    string
		args     []any
		campaign string
	}{
		{"email = ? AND status = 'new' AND raw_data LIKE '%legacyText%'",
			[]any{"ann@example.com"}, campaign.DefaultID},
		{"email = ?", []any{"bob@example.com"}, campaign.DefaultID},
		{"email = ? AND score = 100 AND created_at = '2026-11-04T08:00:00.000Z'",
			[]any{"cy@example.com"}, campaign.DefaultID},
		{"email = ? AND name = 'Carla' AND company = 'Acme HOA' AND raw_data LIKE '%1 Main St%'",
			[]any{"carla@example.com"}, "pilot-id"},
	}
	for _, tt := range tests {
		args := append([]any{tt.campaign}, tt.args...)
		if n := tg.count(t, "leads", "campaign_id = ? AND "+tt.where, args...); n != 1 {
			t.Errorf("leads where %s: %d, want 1", tt.where, n)
		}
	}
	if n := tg.count(t, "leads", ""); n != 4 {
		t.Errorf("%d leads, want 4 (the duplicate skipped)", n)
	}
	if n := tg.count(t, "lg_engagement_queue", "includes_link = 1"); n != 1 {
		t.Errorf("engagement with a link: %d, want 1", n)
	}
}

func TestReadTime(t *testing.T) {
	at := func(s string) *time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	tests := []struct {
		name string
		in   any
		want *time.Time
		bad  bool
	}{
		{"sqlite", "2026-11-03 12:13:32", at("2026-11-03T12:13:32Z"), false},
		{"iso with ms and Z", "2026-11-03T12:14:52.379Z", at("2026-11-03T12:14:52.379Z"), false},
		{"iso with Z", "2026-11-03T12:14:52Z", at("2026-11-03T12:14:52Z"), false},
		{"offset +0000", "2026-12-03T11:41:05+0000", at("2026-12-03T11:41:05Z"), false},
		{"offset -0500", "2026-12-03T06:41:05-0500", at("2026-12-03T11:41:05Z"), false},
		{"offset +00:00", "2026-12-03 11:41:05+00:00", at("2026-12-03T11:41:05Z"), false},
		{"no seconds", "2026-12-03T11:41", at("2026-12-03T11:41:00Z"), false},
		{"date", "2026-11-26", at("2026-11-26T00:00:00Z"), false},
		{"unix seconds", int64(1764762065), at("2025-12-03T11:41:05Z"), false},
		{"unix milliseconds", "1764762065123", at("2025-12-03T11:41:05.123Z"), false},
		{"null", nil, nil, false},
		{"empty", "  ", nil, false},
		{"words", "yesterday", nil, true},
		{"american", "03/12/2026", nil, true},
		{"zero", int64(0), nil, true},
		{"year one", "0001-01-01 00:00:00", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readTime(tt.in)
			if (err != nil) != tt.bad {
				t.Fatalf("error %v, want bad %v", err, tt.bad)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestWriteAheadLogIsRead imports a copy of a live original, whose latest rows are still in
// its write-ahead log beside the file.
func TestWriteAheadLogIsRead(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	db, err := sql.Open("sqlite3", live+"?_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`PRAGMA wal_autocheckpoint = 0;` + originalSchema + `
		INSERT INTO leads (source, email, created_at) VALUES ('web', 'wal@example.com',
			'2026-11-05 08:00:00');`); err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(t.TempDir(), "copy.db")
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(live + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(copied+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tg := newTarget(t)
	tg.importFile(t, copied)
	if n := tg.count(t, "leads", "email = 'wal@example.com'"); n != 1 {
		t.Errorf("lead from the write-ahead log: %d, want 1", n)
	}
}
