package web_test

import (
	"bytes"
	"database/sql"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/clawops/clawops/internal/testutil"
)

// legacyFixture is the original console's database beside the repository.
const legacyFixture = "../../../shared/fixtures/legacy-clawops.db"

// legacyReport is the part of the import report these tests read.
type legacyReport struct {
	Source string `json:"source"`
	Tables []struct {
		Table    string `json:"table"`
		Read     int    `json:"read"`
		Imported int    `json:"imported"`
		Existing int    `json:"existing"`
	} `json:"tables"`
	Totals struct {
		Read, Imported, Merged, Existing, Skipped int
	} `json:"totals"`
}

func (r legacyReport) table(name string) (read, imported, existing int) {
	for _, t := range r.Tables {
		if t.Table == name {
			return t.Read, t.Imported, t.Existing
		}
	}
	return -1, -1, -1
}

func TestLegacyImportAPI(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	_, member := newMember(t, s, admin, "member@example.com")
	fixture, err := filepath.Abs(legacyFixture)
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]string{"path": fixture}

	if res := s.Do("POST", "/api/import/legacy", "", body); res.Status != http.StatusUnauthorized {
		t.Errorf("without credentials: %d, want 401", res.Status)
	}
	if res := s.Do("POST", "/api/import/legacy", member, body); res.Status != http.StatusForbidden {
		t.Errorf("member: %d %s, want 403", res.Status, res.Body)
	}

	res := s.Do("POST", "/api/import/legacy", admin, body)
	if res.Status != http.StatusOK {
		t.Fatalf("admin: %d %s", res.Status, res.Body)
	}
	var rep legacyReport
	res.Decode(t, &rep)
	if read, imported, _ := rep.table("leads"); read != 250 || imported != 250 {
		t.Errorf("leads read %d, imported %d; want 250 and 250", read, imported)
	}
	if read, imported, _ := rep.table("hoa_ca_expansion_content_queue"); read != 20 ||
		imported != 20 {
		t.Errorf("CA content queue read %d, imported %d; want 20 and 20", read, imported)
	}

	t.Run("imported users sign in", func(t *testing.T) {
		s.Login("admin@clawops.local", "changeme123")
		viewer := s.Login("dana.whitfield@example.com", "ViewerPass2026")
		res := s.Do("GET", "/api/campaigns/hoa-ca-expansion", viewer, nil)
		if res.Status != http.StatusOK {
			t.Errorf("viewer reading an imported campaign: %d %s", res.Status, res.Body)
		}
		res = s.Do("POST", "/api/campaigns/hoa-ca-expansion/agents", viewer,
			map[string]any{"templateId": "tpl-hoa-discovery"})
		if res.Status != http.StatusForbidden {
			t.Errorf("viewer assigning an agent: %d, want 403", res.Status)
		}
	})
	t.Run("a second import adds nothing", func(t *testing.T) {
		res := s.Do("POST", "/api/import/legacy", admin, body)
		var again legacyReport
		res.Decode(t, &again)
		if res.Status != http.StatusOK || again.Totals.Imported != 0 || again.Totals.Merged != 0 {
			t.Errorf("second import: %d %+v", res.Status, again.Totals)
		}
	})
	t.Run("the import is audited", func(t *testing.T) {
		res := s.Do("GET", "/api/audit?action=legacy.import", admin, nil)
		if res.Status != http.StatusOK ||
			!strings.Contains(string(res.Body), "/api/import/legacy") {
			t.Errorf("audit: %d %s", res.Status, res.Body)
		}
	})
}

func TestLegacyImportValidation(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	notes := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notes, []byte("just words, not a database\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		body   any
		status int
		says   string
	}{
		{"no path", map[string]any{}, 422, `"path":"is required"`},
		{"relative path", map[string]any{"path": "legacy.db"}, 422, `"path":"must be an absolute`},
		{"missing file", map[string]any{"path": "/no/such/legacy.db"}, 422, `"path":"names no file`},
		{"a folder", map[string]any{"path": t.TempDir()}, 422, `"path":"must name a file"`},
		{"own database", map[string]any{"path": s.DBPath}, 422, `"path":"is this server's own`},
		{"not a database", map[string]any{"path": notes}, 422, `"path":"is not a database`},
		{"unknown field", map[string]any{"path": notes, "force": true}, 422, `"force"`},
		{"malformed JSON", `{"path":`, 400, "bad_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := s.Do("POST", "/api/import/legacy", admin, tt.body)
			if res.Status != tt.status || !strings.Contains(string(res.Body), tt.says) {
				t.Errorf("%d %s, want %d saying %s", res.Status, res.Body, tt.status, tt.says)
			}
		})
	}
	res := s.Do("POST", "/api/import/legacy", admin, "path=/x", "Content-Type", "text/plain")
	if res.Status != http.StatusBadRequest {
		t.Errorf("text body: %d %s, want 400", res.Status, res.Body)
	}
	doc := string(s.Do("GET", "/api/openapi.json", "", nil).Body)
	for _, want := range []string{`"LegacyImportPath"`, `"LegacyImportUpload"`,
		`"LegacyImportReport"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("API document lacks %s", want)
		}
	}
}

func TestLegacyImportUpload(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()

	res := uploadLegacy(t, s, admin, "other", []byte("x"))
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body),
		`"file":"is required`) {
		t.Errorf("no file part: %d %s", res.Status, res.Body)
	}
	file, err := os.ReadFile(smallLegacy(t))
	if err != nil {
		t.Fatal(err)
	}
	res = uploadLegacy(t, s, admin, "file", file)
	if res.Status != http.StatusOK {
		t.Fatalf("upload: %d %s", res.Status, res.Body)
	}
	var rep legacyReport
	res.Decode(t, &rep)
	if read, imported, _ := rep.table("leads"); read != 2 || imported != 2 {
		t.Errorf("leads read %d, imported %d; want 2 and 2", read, imported)
	}
	if rep.Source != "clawops.db" {
		t.Errorf("source %q, want the uploaded file's name", rep.Source)
	}
	s.Login("pilot@example.com", "pilot password 1")

	// A real database is larger than the 1 MiB other bodies are held to.
	fixture, err := os.ReadFile(legacyFixture)
	if err != nil {
		t.Fatal(err)
	}
	if len(fixture) <= 1<<20 {
		t.Fatalf("the fixture is only %d bytes", len(fixture))
	}
	res = uploadLegacy(t, s, admin, "file", fixture)
	if res.Status != http.StatusOK {
		t.Fatalf("upload of the fixture: %d %.300s", res.Status, res.Body)
	}
	res.Decode(t, &rep)
	if read, imported, _ := rep.table("hoa_contacts"); read != 400 || imported != 400 {
		t.Errorf("contacts read %d, imported %d; want 400 and 400", read, imported)
	}
}

// uploadLegacy posts content as the multipart part called field.
func uploadLegacy(t *testing.T, s *testutil.Server, tok, field string,
	content []byte) testutil.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, err := w.CreateFormFile(field, "clawops.db")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(content)
	w.Close()
	return s.Do("POST", "/api/import/legacy", tok, buf.Bytes(), "Content-Type",
		w.FormDataContentType())
}

// smallLegacy writes a small database shaped like the original console's: one user whose
// bcrypt password is "pilot password 1", and two leads without a campaign.
func smallLegacy(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "original.db")
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec(`
		CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE,
			password TEXT NOT NULL, name TEXT, role TEXT, created_at TEXT, updated_at TEXT);
		CREATE TABLE agents (id TEXT PRIMARY KEY, name TEXT NOT NULL, campaign_id TEXT);
		CREATE TABLE leads (id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL,
			name TEXT, email TEXT, created_at DATETIME, campaign_id TEXT);
		INSERT INTO leads (source, name, email, created_at) VALUES
			('web', 'Ann', 'ann@example.com', '2026-11-02 10:00:00'),
			('web', 'Bob', 'bob@example.com', '2026-11-03T10:00:00.000Z');`)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte("pilot password 1"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`INSERT INTO users VALUES ('u1', 'pilot@example.com', ?, 'Pilot',
		'admin', '2026-11-01 10:00:00', '2026-11-01 10:00:00')`, string(hash))
	if err != nil {
		t.Fatal(err)
	}
	return path
}
