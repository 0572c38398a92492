package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/clawops/clawops/internal/testutil"
)

// session is a signed-in browser without JavaScript: a cookie jar and the CSRF token.
type session struct {
	t      *testing.T
	s      *testutil.Server
	c      *http.Client
	token  string
	header http.Header
}

func signInAs(t *testing.T, s *testutil.Server, email, password string) *session {
	t.Helper()
	c := browserClient(t)
	_, page := get(t, c, s.URL+"/login")
	token := csrfField.FindStringSubmatch(page)[1]
	res, _ := postForm(t, c, s.URL+"/login", url.Values{"email": {email},
		"password": {password}, "csrf_token": {token}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", email, res.StatusCode)
	}
	return &session{t: t, s: s, c: c, token: token}
}

// do sends a request as the browser; htmx adds the HX-Request header.
func (b *session) do(method, path string, form url.Values, htmx bool) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		form.Set("csrf_token", b.token)
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.s.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if htmx {
		req.Header.Set("HX-Request", "true")
		req.Header.Set("X-CSRF-Token", b.token)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res, string(data)
}

func TestPagesAnswerBothShapes(t *testing.T) {
	s := testutil.NewServer(t, true)
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)

	tests := []struct {
		name, path    string
		fullMarker    string
		partialMarker string
	}{
		{"dashboard", "/c/saas-cold-outreach", `data-testid="kpis"`, `id="dashboard-charts"`},
		{"dashboard 30 days", "/c/saas-cold-outreach?range=30", `data-testid="kpis"`,
			`Last 30 days`},
		{"slug preview", "/campaigns/slug?name=Hello+World", `/c/hello-world`, `/c/hello-world`},
		{"slug preview of a taken address", "/campaigns/slug?name=SaaS+Cold+Outreach",
			`is taken: choose another name`, `is taken: choose another name`},
		{"slug preview of a name without letters", "/campaigns/slug?name=%21%21",
			`This name makes no address`, `This name makes no address`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, full := b.do("GET", tt.path, nil, false)
			if res.StatusCode != http.StatusOK || !strings.Contains(full, tt.fullMarker) {
				t.Errorf("full page: %d, marker %q found %v", res.StatusCode, tt.fullMarker,
					strings.Contains(full, tt.fullMarker))
			}
			if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "HX-Request") {
				t.Errorf("Vary = %q", res.Header.Values("Vary"))
			}
			res, part := b.do("GET", tt.path, nil, true)
			if res.StatusCode != http.StatusOK || !strings.Contains(part, tt.partialMarker) {
				t.Errorf("partial: %d, marker %q found %v", res.StatusCode, tt.partialMarker,
					strings.Contains(part, tt.partialMarker))
			}
			if strings.Contains(part, "<html") {
				t.Error("the htmx answer is a whole page")
			}
		})
	}
}

func TestCreateCampaignForm(t *testing.T) {
	s := testutil.NewServer(t, false)
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)

	res, page := b.do("POST", "/campaigns", url.Values{"name": {""}, "company": {"X"},
		"color": {"#3B82F6"}}, true)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "nc-name-error") ||
		strings.Contains(page, "<html") {
		t.Errorf("htmx refusal: %d", res.StatusCode)
	}
	res, page = b.do("POST", "/campaigns", url.Values{"name": {"No JS"}, "company": {""},
		"color": {"#3B82F6"}}, false)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "<html") ||
		!strings.Contains(page, `value="No JS"`) {
		t.Errorf("plain refusal: %d", res.StatusCode)
	}
	res, _ = b.do("POST", "/campaigns", url.Values{"name": {"Form Made"}, "company": {"F"},
		"color": {"custom"}, "color_custom": {"#123456"}, "icon": {"🧪"}, "type": {"content"},
		"timezone": {"Europe/Paris"}}, true)
	if res.StatusCode != http.StatusNoContent || res.Header.Get("HX-Redirect") != "/c/form-made" {
		t.Fatalf("htmx create: %d to %q", res.StatusCode, res.Header.Get("HX-Redirect"))
	}
	got := s.Do("GET", "/api/campaigns/form-made", s.AdminToken(), nil).JSON(t)
	if got["color"] != "#123456" || got["timezone"] != "Europe/Paris" || got["icon"] != "🧪" {
		t.Errorf("created %v", got)
	}
	res, _ = b.do("POST", "/campaigns", url.Values{"name": {"Plain Made"}, "company": {"P"},
		"color": {"#10B981"}}, false)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/c/plain-made" {
		t.Errorf("plain create: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	// The flash from the create shows once on the next page.
	_, page = b.do("GET", "/c/plain-made", nil, false)
	if !strings.Contains(page, "Campaign Plain Made created.") {
		t.Error("no toast after creating")
	}
	if _, page = b.do("GET", "/c/plain-made", nil, false); strings.Contains(page, "Plain Made created.") {
		t.Error("the toast shows twice")
	}
}

func TestSettingsForm(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	createCampaign(t, s, admin, map[string]any{"name": "Tuned", "company": "T"})
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)

	res, page := b.do("POST", "/c/tuned/settings", url.Values{"name": {"Tuned"},
		"color": {"custom"}, "color_custom": {"not-a-colour"}, "timezone": {"Nowhere/City"}}, true)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "st-timezone-error") {
		t.Errorf("refused save: %d", res.StatusCode)
	}
	res, _ = b.do("POST", "/c/tuned/settings", url.Values{"name": {"Tuned Up"},
		"company": {"T2"}, "color": {"#EF4444"}, "description": {"<b>bold</b>"}}, false)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("save: %d", res.StatusCode)
	}
	got := s.Do("GET", "/api/campaigns/tuned", admin, nil).JSON(t)
	if got["name"] != "Tuned Up" || got["color"] != "#EF4444" || got["description"] != "<b>bold</b>" {
		t.Errorf("after save %v", got)
	}
	_, page = b.do("GET", "/c/tuned/settings", nil, false)
	if strings.Contains(page, "<b>bold</b>") {
		t.Error("the description is rendered as HTML")
	}

	res, page = b.do("POST", "/c/tuned/archive", url.Values{"confirm": {"Tuned"}}, false)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "archive-confirm-error") {
		t.Errorf("archive with the wrong name: %d", res.StatusCode)
	}
	res, _ = b.do("POST", "/c/tuned/archive", url.Values{"confirm": {"Tuned Up"}}, false)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("archive: %d", res.StatusCode)
	}
	if got := s.Do("GET", "/api/campaigns/tuned", admin, nil).JSON(t)["status"]; got != "archived" {
		t.Errorf("status %v, want archived", got)
	}
	b.do("POST", "/c/tuned/restore", url.Values{}, false)
	if got := s.Do("GET", "/api/campaigns/tuned", admin, nil).JSON(t)["status"]; got != "paused" {
		t.Errorf("status %v, want paused", got)
	}
	res, _ = b.do("POST", "/c/tuned/duplicate", url.Values{"name": {"Tuned Twin"},
		"include": {"config"}}, false)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/c/tuned-twin/settings" {
		t.Errorf("duplicate: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	audit := string(s.Do("GET", "/api/audit?limit=500", admin, nil).Body)
	for _, action := range []string{"campaign.update", "campaign.archive", "campaign.restore",
		"campaign.duplicate"} {
		if !strings.Contains(audit, `"action":"`+action+`"`) {
			t.Errorf("no audit row for %s from the console", action)
		}
	}
}

func TestConsoleIsolationAndRoles(t *testing.T) {
	s := testutil.NewServer(t, true)
	admin := s.AdminToken()
	uid, _ := newMember(t, s, admin, "viewer@example.com")
	s.Do("POST", "/api/campaigns/saas-cold-outreach/members", admin,
		map[string]any{"userId": uid, "role": "viewer"})
	b := signInAs(t, s, "viewer@example.com", "a long enough passphrase")

	_, page := b.do("GET", "/", nil, false)
	if !strings.Contains(page, "SaaS Cold Outreach") || strings.Contains(page, "HOA FL Lead Gen") {
		t.Error("the overview shows campaigns the viewer is not a member of")
	}
	for _, path := range []string{"/c/hoa-fl-lead-gen", "/c/hoa-fl-lead-gen/settings",
		"/c/hoa-fl-lead-gen/favicon.svg", "/c/no-such-campaign"} {
		if res, page := b.do("GET", path, nil, false); res.StatusCode != http.StatusNotFound ||
			!strings.Contains(page, `data-testid="error-page"`) && !strings.HasSuffix(path, ".svg") {
			t.Errorf("GET %s: %d, want the 404 page", path, res.StatusCode)
		}
	}
	if res, _ := b.do("POST", "/c/hoa-fl-lead-gen/settings", url.Values{"name": {"X"}}, false); res.StatusCode != http.StatusNotFound {
		t.Errorf("POST to another campaign's settings: %d, want 404", res.StatusCode)
	}
	_, page = b.do("GET", "/c/saas-cold-outreach/settings", nil, false)
	if strings.Contains(page, `data-testid="settings-submit"`) ||
		strings.Contains(page, `data-testid="archive-section"`) {
		t.Error("a viewer is offered changes")
	}
	if res, _ := b.do("POST", "/c/saas-cold-outreach/settings", url.Values{"name": {"V"}}, false); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer saves settings: %d, want 403", res.StatusCode)
	}
	if res, _ := b.do("POST", "/c/saas-cold-outreach/archive", url.Values{"confirm": {"SaaS Cold Outreach"}}, false); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer archives: %d, want 403", res.StatusCode)
	}
}

func TestFaviconAndLastCampaign(t *testing.T) {
	s := testutil.NewServer(t, true)
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
	res, svg := b.do("GET", "/c/saas-cold-outreach/favicon.svg", nil, false)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/svg+xml" ||
		!strings.Contains(svg, `fill="#10B981"`) {
		t.Errorf("favicon: %d %q %s", res.StatusCode, res.Header.Get("Content-Type"), svg)
	}
	b.do("GET", "/c/saas-cold-outreach", nil, false)
	res, _ = b.do("GET", "/c", nil, false)
	if res.Header.Get("Location") != "/c/saas-cold-outreach" {
		t.Errorf("/c went to %q, want the last campaign", res.Header.Get("Location"))
	}
}

func TestManyCampaignsStayLight(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	for i := 0; i < 30; i++ {
		createCampaign(t, s, admin, map[string]any{"name": "Bulk " + string(rune('A'+i%26)) +
			strings.Repeat("x", i/26), "company": "Bulk Co"})
	}
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)

	_, page := b.do("GET", "/", nil, false)
	if n := strings.Count(page, `data-testid="campaign-card"`); n != 24 {
		t.Errorf("%d cards on the overview, want the first 24 of the active group", n)
	}
	if !strings.Contains(page, `data-testid="show-all-active"`) {
		t.Error("no link to the rest of the group")
	}
	_, page = b.do("GET", "/?all=active", nil, false)
	if n := strings.Count(page, `data-testid="campaign-card"`); n != 31 {
		t.Errorf("%d cards with the group expanded, want 31", n)
	}
	if n := strings.Count(page, `data-testid="switcher-option"`); n != 12 {
		t.Errorf("%d switcher options on the page, want 12", n)
	}

	_, frag := b.do("GET", "/campaigns/switch?q=bulk+c&page=settings", nil, true)
	if !strings.Contains(frag, `href="/c/bulk-c/settings"`) || strings.Contains(frag, "<html") {
		t.Errorf("search fragment lacks the match on the same kind of page:\n%.300s", frag)
	}
	if strings.Contains(frag, "HOA FL") {
		t.Error("search returned a campaign that does not match")
	}
	_, frag = b.do("GET", "/campaigns/switch?q=x&page=../../admin", nil, true)
	if strings.Contains(frag, "admin") {
		t.Error("the page kind was not sanitised")
	}
}
