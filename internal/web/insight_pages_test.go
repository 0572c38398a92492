package web_test

import (
	"encoding/csv"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/clawops/clawops/internal/testutil"
)

// getAs sends a GET as the signed-in browser, as htmx does when target is set: with
// HX-Request and the HX-Target of the element asking.
func (b *session) getAs(path, target string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.s.URL+path, nil)
	if target != "" {
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Target", target)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res, sb.String()
}

func TestInsightPagesAnswerBothShapes(t *testing.T) {
	s := testutil.NewServer(t, true)
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
	tests := []struct {
		name, path    string
		full          []string
		partial       []string
		notInPartial  string
		partialTarget string
	}{
		{"metrics", "/c/saas-cold-outreach/metrics",
			[]string{`data-testid="nav-metrics"`, `aria-current="page"`,
				`data-testid="metrics-kpis"`, `data-testid="chart-cost"`,
				`data-events-url="/api/campaigns/`},
			[]string{`id="metrics-body"`, `Last 30 days`, `data-refresh-on="metrics.updated"`},
			`data-testid="top-bar"`, "metrics-body"},
		{"metrics over 90 days", "/c/saas-cold-outreach/metrics?range=90",
			[]string{`Last 90 days`}, []string{`Last 90 days`, `data-testid="range-90"`},
			`<html`, "metrics-body"},
		{"activity", "/c/saas-cold-outreach/activity",
			[]string{`data-testid="activity-filters"`, `data-testid="nav-activity"`,
				`data-testid="activity-entry"`},
			[]string{`id="activity-list"`, `hx-trigger="clawops:activity-created from:body"`},
			`activity-filters`, "activity-list"},
		{"activity filtered", "/c/saas-cold-outreach/activity?type=run&severity=error",
			[]string{`<option value="run" selected>`},
			[]string{`data-type="run.failed"`}, `data-type="run.completed"`, "activity-list"},
		{"audit log", "/admin/audit",
			[]string{`data-testid="audit-filters"`, `data-testid="audit-row"`,
				`data-testid="admin-audit-link"`},
			[]string{`id="audit-list"`, `data-testid="audit-export"`}, `audit-filters`,
			"audit-list"},
		{"dashboard figures", "/c/saas-cold-outreach",
			[]string{`id="dashboard-kpis"`, `id="dashboard-activity"`},
			[]string{`id="dashboard-kpis"`}, `id="dashboard-charts"`, "dashboard-kpis"},
		{"dashboard feed", "/c/saas-cold-outreach",
			[]string{`id="dashboard-activity"`},
			[]string{`id="dashboard-activity"`, `data-testid="activity-row"`},
			`id="dashboard-kpis"`, "dashboard-activity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, full := b.getAs(tt.path, "")
			if res.StatusCode != http.StatusOK || !strings.Contains(full, "<html") {
				t.Fatalf("full page: %d", res.StatusCode)
			}
			for _, want := range tt.full {
				if !strings.Contains(full, want) {
					t.Errorf("full page lacks %s", want)
				}
			}
			res, part := b.getAs(tt.path, tt.partialTarget)
			if res.StatusCode != http.StatusOK || strings.Contains(part, "<html") {
				t.Fatalf("partial: %d, whole page: %v", res.StatusCode,
					strings.Contains(part, "<html"))
			}
			for _, want := range tt.partial {
				if !strings.Contains(part, want) {
					t.Errorf("partial lacks %s", want)
				}
			}
			if strings.Contains(part, tt.notInPartial) {
				t.Errorf("partial holds %s", tt.notInPartial)
			}
			if vary := strings.Join(res.Header.Values("Vary"), ", "); !strings.Contains(vary,
				"HX-Request") {
				t.Errorf("Vary = %q", vary)
			}
		})
	}
}

func TestInsightPagesRefuseBadInput(t *testing.T) {
	s := testutil.NewServer(t, true)
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
	tests := []struct{ path, field string }{
		{"/c/saas-cold-outreach/metrics?range=8", "range"},
		{"/c/saas-cold-outreach/metrics/export.csv?range=365", "range"},
		{"/c/saas-cold-outreach/metrics/export.csv?from=2026-01-02&to=2026-01-01", "to"},
		{"/c/saas-cold-outreach/activity?severity=loud", "severity"},
		{"/c/saas-cold-outreach/activity?type=Run%21", "type"},
		{"/c/saas-cold-outreach/activity?from=yesterday", "from"},
		{"/c/saas-cold-outreach/activity?from=2026-02-02&to=2026-02-01", "to"},
		{"/c/saas-cold-outreach/activity?cursor=garbage", "cursor"},
		{"/admin/audit?outcome=maybe", "outcome"},
		{"/admin/audit?to=soon", "to"},
	}
	for _, tt := range tests {
		for _, target := range []string{"", "x"} {
			res, body := b.getAs(tt.path, target)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, tt.field) {
				t.Errorf("%s (htmx %v): %d, want 400 naming %s", tt.path, target != "",
					res.StatusCode, tt.field)
			}
		}
	}
	if res, _ := b.getAs("/c/no-such-campaign/metrics", ""); res.StatusCode != http.StatusNotFound {
		t.Errorf("metrics of an unknown campaign: %d, want 404", res.StatusCode)
	}
}

func TestAuditPageIsForAdminsOnly(t *testing.T) {
	s := testutil.NewServer(t, true)
	admin := s.AdminToken()
	newMember(t, s, admin, "member@example.com")
	m := signInAs(t, s, "member@example.com", "a long enough passphrase")
	for _, path := range []string{"/admin/audit", "/admin/audit/export.csv"} {
		if res, _ := m.getAs(path, ""); res.StatusCode != http.StatusForbidden {
			t.Errorf("a member opens %s: %d, want 403", path, res.StatusCode)
		}
	}
	if res, page := m.getAs("/", ""); res.StatusCode != http.StatusOK ||
		strings.Contains(page, "admin-audit-link") {
		t.Errorf("a member's top bar links to the audit log")
	}
}

func TestExportsAreCSV(t *testing.T) {
	s := testutil.NewServer(t, true)
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)

	res, body := b.getAs("/c/saas-cold-outreach/metrics/export.csv?range=7", "")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || res.StatusCode != http.StatusOK || len(rows) != 8 {
		t.Fatalf("metrics export: %d, %d rows, %v", res.StatusCode, len(rows), err)
	}
	if got := strings.Join(rows[0], ","); got != "date,leadsGenerated,leadsContacted,"+
		"emailsSent,emailsOpened,repliesReceived,agentRuns,agentErrors,costUsd" {
		t.Errorf("metrics header %s", got)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "saas-cold-outreach-metrics") {
		t.Errorf("metrics export headers %v", res.Header)
	}
	res, body = b.getAs("/c/saas-cold-outreach/metrics/export.csv?from=2026-01-01&to=2026-01-31",
		"")
	if rows, _ := csv.NewReader(strings.NewReader(body)).ReadAll(); len(rows) != 32 {
		t.Errorf("a month's export has %d rows, want 31 days and a header", len(rows))
	}

	// A sign-in and a failed one give the log rows to export.
	s.Login(testutil.AdminEmail, testutil.AdminPassword)
	s.Do("POST", "/api/auth/login", "", map[string]string{"email": testutil.AdminEmail,
		"password": "not the password at all"})
	res, body = b.getAs("/admin/audit/export.csv?action=auth.login", "")
	rows, err = csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || res.StatusCode != http.StatusOK || len(rows) < 3 {
		t.Fatalf("audit export: %d, %d rows, %v", res.StatusCode, len(rows), err)
	}
	for _, r := range rows[1:] {
		if r[4] != "auth.login" {
			t.Errorf("the action filter let %s through", r[4])
		}
	}
	for _, secret := range []string{testutil.AdminPassword, "not the password at all"} {
		if strings.Contains(body, secret) {
			t.Errorf("the audit export holds a secret %q", secret)
		}
	}
}

func TestActivityPagesBackByKey(t *testing.T) {
	s := testutil.NewServer(t, true)
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
	ids := func(part string) map[string]bool {
		out := map[string]bool{}
		for _, m := range entryID.FindAllStringSubmatch(part, -1) {
			out[m[1]] = true
		}
		return out
	}
	_, first := b.getAs("/c/saas-cold-outreach/activity", "activity-list")
	older := olderLink.FindStringSubmatch(first)
	if older == nil || !strings.Contains(first, `data-live="true"`) {
		t.Fatalf("the first page has no older link or is not live")
	}
	res, second := b.getAs(strings.ReplaceAll(older[1], "&amp;", "&"), "activity-list")
	if res.StatusCode != http.StatusOK || !strings.Contains(second, "activity-newest") ||
		strings.Contains(second, `data-live="true"`) {
		t.Fatalf("older page: %d, newest link %v, live %v", res.StatusCode,
			strings.Contains(second, "activity-newest"), strings.Contains(second, "data-live"))
	}
	a, c := ids(first), ids(second)
	if len(a) != 50 || len(c) == 0 {
		t.Fatalf("pages of %d and %d entries", len(a), len(c))
	}
	for id := range c {
		if a[id] {
			t.Errorf("entry %s is on both pages", id)
		}
	}
}

var (
	entryID   = regexp.MustCompile(`data-testid="activity-entry" data-id="([^"]+)"`)
	olderLink = regexp.MustCompile(`href="([^"]+)"[^>]*data-testid="activity-older"`)
)
