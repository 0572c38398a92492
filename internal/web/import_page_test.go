package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/testutil"
)

// uploadForm posts a CSV file through the import form, as a browser without JavaScript does.
func (b *session) uploadForm(path, csv string, fields map[string]string) (*http.Response, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", b.token)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "leads.csv")
	io.WriteString(fw, csv)
	mw.Close()
	req, _ := http.NewRequest("POST", b.s.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

var importStatus = regexp.MustCompile(`data-status="([a-z_]+)"`)

// waitImportPage polls an import's progress region, as htmx does, until the job ends.
func waitImportPage(t *testing.T, b *session, path string) string {
	t.Helper()
	for i := 0; i < 200; i++ {
		res, part := b.do("GET", path, nil, true)
		if res.StatusCode != http.StatusOK || strings.Contains(part, "<html") {
			t.Fatalf("progress region: %d, whole page %v", res.StatusCode,
				strings.Contains(part, "<html"))
		}
		m := importStatus.FindStringSubmatch(part)
		if m != nil && (m[1] == "completed" || m[1] == "failed") {
			return part
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("import at %s did not end", path)
	return ""
}

func TestImportPagesMapAndFollowAnUpload(t *testing.T) {
	s := testutil.NewServer(t, true)
	admin := s.AdminToken()
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
	base := "/c/saas-cold-outreach/leads/import"

	if res, page := b.do("GET", base, nil, false); res.StatusCode != http.StatusOK ||
		!strings.Contains(page, `data-testid="import-form"`) {
		t.Fatalf("upload form: %d", res.StatusCode)
	}
	res, page := b.uploadForm(base, "", nil)
	if res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(page, `data-testid="error-file"`) {
		t.Errorf("empty file: %d, error shown %v", res.StatusCode,
			strings.Contains(page, `data-testid="error-file"`))
	}

	csv := "Full Name,E-mail,Score,Favourite colour\n" +
		"Page Ann,page-ann@example.com,10,blue\n" +
		"Page Bob,page-bob@example.com,lots,green\n"
	res, _ = b.uploadForm(base, csv, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	job := res.Header.Get("Location")
	res, page = b.do("GET", job, nil, false)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, `data-testid="import-mapping"`) ||
		!strings.Contains(page, "Favourite colour") || !strings.Contains(page, "“E-mail” → Email") {
		t.Fatalf("mapping step: %d, form shown %v", res.StatusCode,
			strings.Contains(page, `data-testid="import-mapping"`))
	}

	// A column mapped to a field that does not exist is refused, naming the column.
	res, page = b.do("POST", job, url.Values{"column": {"Favourite colour"},
		"field": {"shoeSize"}}, false)
	if res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(page, `data-testid="import-mapping"`) {
		t.Errorf("bad mapping: %d", res.StatusCode)
	}

	res, _ = b.do("POST", job, url.Values{"column": {"Favourite colour"}, "field": {""},
		"keepValid": {"true"}}, false)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("start: %d", res.StatusCode)
	}
	part := waitImportPage(t, b, job)
	for _, want := range []string{`data-status="completed"`, `data-testid="import-created">1<`,
		`data-testid="import-rejected">1<`, `data-testid="import-rejects"`} {
		if !strings.Contains(part, want) {
			t.Errorf("finished import lacks %s", want)
		}
	}
	res, report := b.do("GET", job+"/rejected.csv", nil, false)
	if res.StatusCode != http.StatusOK || !strings.Contains(report, "Page Bob") ||
		!strings.Contains(report, "score") {
		t.Errorf("rejected rows: %d %q", res.StatusCode, report)
	}
	leads := s.Do("GET", "/api/campaigns/saas-cold-outreach/leads?q=page-ann", admin, nil)
	if !strings.Contains(string(leads.Body), "page-ann@example.com") {
		t.Errorf("the valid row is not in the campaign: %s", leads.Body)
	}

	// The job belongs to its campaign and collection: other URLs do not find it.
	id := job[strings.LastIndex(job, "/")+1:]
	for _, other := range []string{"/c/hoa-fl-lead-gen/leads/import/" + id,
		"/c/saas-cold-outreach/hoa-contacts/import/" + id} {
		if res, _ := b.do("GET", other, nil, false); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", other, res.StatusCode)
		}
	}
}
