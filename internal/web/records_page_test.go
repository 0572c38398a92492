package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/testutil"
)

func TestDataPagesAnswerBothShapes(t *testing.T) {
	s := testutil.NewServer(t, true)
	admin := s.AdminToken()
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
	for _, col := range data.All {
		t.Run(col.Page, func(t *testing.T) {
			res := s.Do("POST", "/api/campaigns/saas-cold-outreach/"+col.Path, admin,
				dataSamples[col.Path])
			if res.Status != http.StatusCreated {
				t.Fatalf("create: %d %s", res.Status, res.Body)
			}
			id := res.JSON(t)["id"].(string)
			base := "/c/saas-cold-outreach/" + col.Page

			res2, full := b.do("GET", base, nil, false)
			if res2.StatusCode != http.StatusOK || !strings.Contains(full, `data-testid="records-title"`) ||
				!strings.Contains(full, id) {
				t.Errorf("full page: %d, record shown %v", res2.StatusCode, strings.Contains(full, id))
			}
			if !strings.Contains(full, "<title>"+col.Title+" · SaaS Cold Outreach · ClawOps</title>") {
				t.Error("the title does not name the page and the campaign")
			}
			res2, part := b.do("GET", base+"?q=sentinel", nil, true)
			if res2.StatusCode != http.StatusOK || strings.Contains(part, "<html") ||
				!strings.Contains(part, `id="records-table"`) || !strings.Contains(part, id) {
				t.Errorf("partial: %d, whole page %v", res2.StatusCode, strings.Contains(part, "<html"))
			}
			if res2, _ := b.do("GET", base+"?q=nothing-matches-this", nil, true); res2.StatusCode != http.StatusOK {
				t.Errorf("empty search: %d", res2.StatusCode)
			}
			for _, path := range []string{base + "/new", base + "/" + id} {
				if res2, page := b.do("GET", path, nil, false); res2.StatusCode != http.StatusOK ||
					!strings.Contains(page, `data-testid="record-form"`) {
					t.Errorf("GET %s: %d", path, res2.StatusCode)
				}
			}
			// Links from elsewhere may carry parameters of their own, such as tracking tags.
			if res2, page := b.do("GET", base+"?utm_source=mail", nil, false); res2.StatusCode != http.StatusOK ||
				!strings.Contains(page, id) {
				t.Errorf("unknown parameter: %d, record shown %v", res2.StatusCode,
					strings.Contains(page, id))
			}
			if res := s.Do("GET", "/api/campaigns/saas-cold-outreach/"+col.Path+"?utm_source=mail",
				admin, nil); res.Status != http.StatusBadRequest {
				t.Errorf("unknown parameter over the API: %d, want 400", res.Status)
			}
			if res2, _ := b.do("GET", base+"?sort=nope", nil, false); res2.StatusCode != http.StatusBadRequest {
				t.Errorf("unknown sort: %d, want 400", res2.StatusCode)
			}
			_, part = b.do("GET", base+"?q=sentinel", nil, true)
			if !strings.Contains(part, `id="export-link" class="btn btn-secondary" href="/api/campaigns/`) ||
				!strings.Contains(part, "export.csv?q=sentinel") || !strings.Contains(part, `hx-swap-oob="true"`) {
				t.Error("the table refreshed by htmx does not bring the export link of its filters")
			}
		})
	}
}

func TestDataFormsWithoutJavaScript(t *testing.T) {
	s := testutil.NewServer(t, true)
	admin := s.AdminToken()
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
	base := "/c/saas-cold-outreach/leads"

	res, page := b.do("POST", base, url.Values{"name": {"Form Lead"}, "score": {"high"},
		"email": {"form@example.com"}}, false)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `data-testid="error-score"`) ||
		!strings.Contains(page, `value="Form Lead"`) {
		t.Fatalf("refused create: %d, error shown %v", res.StatusCode,
			strings.Contains(page, `data-testid="error-score"`))
	}
	res, _ = b.do("POST", base, url.Values{"name": {"Form Lead"}, "score": {"40"},
		"email": {"form@example.com"}, "status": {"new"}}, false)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	item := res.Header.Get("Location")
	id := item[strings.LastIndex(item, "/")+1:]
	lead := s.Do("GET", "/api/campaigns/saas-cold-outreach/leads/"+id, admin, nil).JSON(t)
	if lead["name"] != "Form Lead" || lead["score"] != float64(40) {
		t.Errorf("created %v", lead)
	}
	if _, page := b.do("GET", item, nil, false); !strings.Contains(page,
		`data-testid="record-heading">Form Lead · form@example.com</h2>`) {
		t.Error("the record's page has no heading naming it")
	}

	res, _ = b.do("POST", item, url.Values{"notes": {"Called twice"}, "status": {"contacted"}},
		false)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("save: %d", res.StatusCode)
	}
	lead = s.Do("GET", "/api/campaigns/saas-cold-outreach/leads/"+id, admin, nil).JSON(t)
	if lead["notes"] != "Called twice" || lead["status"] != "contacted" || lead["name"] != "Form Lead" {
		t.Errorf("after save: %v", lead)
	}

	// An inline change from the table answers its row and a toast.
	req := url.Values{"status": {"qualified"}, "return": {base + "?status=contacted"}}
	hres, row := b.doHX("POST", item, req, "row-"+id)
	if hres.StatusCode != http.StatusOK || !strings.Contains(row, `id="row-`+id+`"`) ||
		!strings.Contains(row, `hx-swap-oob`) || strings.Contains(row, "<html") {
		t.Errorf("inline change: %d %s", hres.StatusCode, row)
	}

	res, _ = b.do("POST", item+"/delete", url.Values{}, false)
	if res.StatusCode != http.StatusSeeOther ||
		s.Do("GET", "/api/campaigns/saas-cold-outreach/leads/"+id, admin, nil).Status != http.StatusOK {
		t.Error("a delete without the confirmation box removed the lead")
	}
	res, _ = b.do("POST", base+"/bulk", url.Values{"ids": {id}, "action": {"status:dead"},
		"return": {base + "?status=qualified"}}, false)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != base+"?status=qualified" {
		t.Errorf("bulk: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if got := s.Do("GET", "/api/campaigns/saas-cold-outreach/leads/"+id, admin, nil).JSON(t)["status"]; got != "dead" {
		t.Errorf("status after the bulk change = %v", got)
	}
	if _, page := b.do("GET", base+"?status=qualified", nil, false); !strings.Contains(page, "1 lead set to dead.") {
		t.Error("the page after the bulk change does not say what it did")
	}
	res, _ = b.do("POST", base+"/bulk", url.Values{"ids": {id}, "action": {"delete"},
		"return": {"https://elsewhere.example/"}}, false)
	if res.Header.Get("Location") != base {
		t.Errorf("a foreign return address was followed: %q", res.Header.Get("Location"))
	}
	if s.Do("GET", "/api/campaigns/saas-cold-outreach/leads/"+id, admin, nil).Status != http.StatusOK {
		t.Error("a bulk delete without confirmation removed the lead")
	}
	res, _ = b.do("POST", item+"/delete", url.Values{"confirm": {"yes"}}, false)
	if res.StatusCode != http.StatusSeeOther ||
		s.Do("GET", "/api/campaigns/saas-cold-outreach/leads/"+id, admin, nil).Status != http.StatusNotFound {
		t.Error("the confirmed delete did not remove the lead")
	}

	post := s.Do("POST", "/api/campaigns/saas-cold-outreach/content-queue", admin,
		map[string]any{"content": "Draft"}).JSON(t)["id"].(string)
	res, _ = b.do("POST", "/c/saas-cold-outreach/content/"+post+"/approve", url.Values{}, false)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("approve: %d", res.StatusCode)
	}
	if got := s.Do("GET", "/api/content-queue/"+post, admin, nil, "X-Campaign-ID",
		"saas-cold-outreach").JSON(t)["status"]; got != "approved" {
		t.Errorf("after approve: %v", got)
	}
}

func TestDataPagesIsolationAndRoles(t *testing.T) {
	s := testutil.NewServer(t, true)
	admin := s.AdminToken()
	uid, _ := newMember(t, s, admin, "data-viewer@example.com")
	s.Do("POST", "/api/campaigns/saas-cold-outreach/members", admin,
		map[string]any{"userId": uid, "role": "viewer"})
	b := signInAs(t, s, "data-viewer@example.com", "a long enough passphrase")
	hoaLead := s.Do("POST", "/api/leads", admin, map[string]any{"name": "HOA secret"}).JSON(t)["id"].(string)

	for _, path := range []string{"/c/hoa-fl-lead-gen/leads", "/c/hoa-fl-lead-gen/leads/" + hoaLead,
		"/c/saas-cold-outreach/leads/" + hoaLead, "/c/hoa-fl-lead-gen/content/new"} {
		if res, page := b.do("GET", path, nil, false); res.StatusCode != http.StatusNotFound ||
			strings.Contains(page, "HOA secret") {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
	}
	for _, path := range []string{"/c/hoa-fl-lead-gen/leads", "/c/hoa-fl-lead-gen/leads/" + hoaLead,
		"/c/saas-cold-outreach/leads/" + hoaLead + "/delete", "/c/hoa-fl-lead-gen/leads/bulk"} {
		res, _ := b.do("POST", path, url.Values{"name": {"x"}, "confirm": {"yes"},
			"ids": {hoaLead}, "action": {"delete"}}, false)
		// In the viewer's own campaign the role is refused first, whatever the id.
		want := http.StatusNotFound
		if strings.HasPrefix(path, "/c/saas-cold-outreach/") {
			want = http.StatusForbidden
		}
		if res.StatusCode != want {
			t.Errorf("POST %s: %d, want %d", path, res.StatusCode, want)
		}
	}
	if s.Do("GET", "/api/leads/"+hoaLead, admin, nil).JSON(t)["name"] != "HOA secret" {
		t.Error("the other campaign's lead changed")
	}

	_, page := b.do("GET", "/c/saas-cold-outreach/content", nil, false)
	for _, marker := range []string{`data-testid="new-record"`, `data-testid="bulk-form"`,
		`data-testid="row-status"`, `data-testid="step-approve"`} {
		if strings.Contains(page, marker) {
			t.Errorf("a viewer is offered %s", marker)
		}
	}
	if res, _ := b.do("POST", "/c/saas-cold-outreach/leads", url.Values{"name": {"V"}}, false); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer create: %d, want 403", res.StatusCode)
	}
	if res, _ := b.do("GET", "/c/saas-cold-outreach/leads/new", nil, false); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer's create form: %d, want 403", res.StatusCode)
	}
}

// doHX sends a form as htmx does, naming the element it will swap.
func (b *session) doHX(method, path string, form url.Values, target string) (*http.Response, string) {
	b.t.Helper()
	form.Set("csrf_token", b.token)
	req, _ := http.NewRequest(method, b.s.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", target)
	req.Header.Set("X-CSRF-Token", b.token)
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// A table refreshed by htmx keeps the filter form's order in step with it, and a refresh the
// server refuses says why in a toast instead of leaving the page silently unchanged.
func TestDataTableRefreshesKeepOrderAndReportErrors(t *testing.T) {
	s := testutil.NewServer(t, true)
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
	base := "/c/saas-cold-outreach/leads"

	_, part := b.do("GET", base+"?sort=-name&status=new", nil, true)
	if !strings.Contains(part, `<input type="hidden" id="records-sort" name="sort" value="-name" hx-swap-oob="true">`) {
		t.Errorf("the sorted table does not carry its order to the filter form:\n%s", part)
	}
	_, full := b.do("GET", base+"?sort=score", nil, false)
	if !strings.Contains(full, `id="records-sort" name="sort" value="score"`) ||
		strings.Contains(full, `value="score" hx-swap-oob`) {
		t.Error("the full page's filter form does not hold the order in place")
	}
	if !strings.Contains(full, `name="q" value="" maxlength="200"`) {
		t.Error("the search box does not stop at the 200 characters a search may have")
	}

	res, part := b.do("GET", base+"?q="+strings.Repeat("a", 201), nil, true)
	if res.StatusCode != http.StatusBadRequest || res.Header.Get("HX-Reswap") != "none" ||
		!strings.Contains(part, `hx-swap-oob="beforeend"`) || !strings.Contains(part, `data-toast="error"`) ||
		!strings.Contains(part, "q must be at most 200 characters") || strings.Contains(part, "<html") {
		t.Errorf("a refused search: %d %q\n%s", res.StatusCode, res.Header.Get("HX-Reswap"), part)
	}
	res, part = b.do("GET", base+"/no-such-lead", nil, true)
	if res.StatusCode != http.StatusNotFound || !strings.Contains(part, "Not found.") ||
		strings.Contains(part, "<html") {
		t.Errorf("a missing row asked by htmx: %d\n%s", res.StatusCode, part)
	}
	// Without htmx the same refusal is an error page.
	res, page := b.do("GET", base+"?q="+strings.Repeat("a", 201), nil, false)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "<html") {
		t.Errorf("a refused search without htmx: %d", res.StatusCode)
	}
}

func TestDataFormsPlaceRefusalsBesideTheirField(t *testing.T) {
	s := testutil.NewServer(t, true)
	admin := s.AdminToken()
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
	base := "/c/saas-cold-outreach/leads"
	api := "/api/campaigns/saas-cold-outreach/"

	if res := s.Do("POST", api+"leads", admin, map[string]any{"name": "First",
		"email": "taken@example.com"}); res.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	res, page := b.do("POST", base, url.Values{"name": {"Second"},
		"email": {"Taken@example.com"}}, false)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page,
		`another lead in this campaign has the same email`) ||
		!strings.Contains(page, `data-testid="error-email"`) {
		t.Errorf("a duplicate email: %d, shown beside the email %v", res.StatusCode,
			strings.Contains(page, `data-testid="error-email"`))
	}
	res, page = b.do("POST", base, url.Values{"name": {""}, "email": {""}, "phone": {""},
		"company": {"Nobody Inc"}}, false)
	if res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(page, "is required when email and phone are empty") {
		t.Errorf("a lead with no way to reach it: %d", res.StatusCode)
	}

	// Content reaches posted only through approval, however the status is set.
	post := s.Do("POST", api+"content-queue", admin, map[string]any{"platform": "linkedin",
		"content": "Workflow check"}).JSON(t)
	id, _ := post["id"].(string)
	_, page = b.do("GET", "/c/saas-cold-outreach/content/"+id, nil, false)
	if !strings.Contains(page, `data-testid="step-approve"`) ||
		!strings.Contains(page, `data-testid="record-preview"`) || !strings.Contains(page, "Workflow check") {
		t.Error("a pending post's page lacks its approve button or its draft as it will read")
	}
	res2 := s.Do("PUT", api+"content-queue/"+id, admin, map[string]any{"status": "posted"})
	if res2.Status != http.StatusConflict || !strings.Contains(string(res2.Body),
		"Only approved posts can be posted; this one is pending.") {
		t.Errorf("PUT status posted on a pending post: %d %s", res2.Status, res2.Body)
	}
	res2 = s.Do("PUT", api+"content-queue/"+id, admin, map[string]any{"status": "approved"})
	if res2.Status != http.StatusOK || res2.JSON(t)["approvedAt"] == nil {
		t.Errorf("PUT status approved: %d %s", res2.Status, res2.Body)
	}
	content := "/c/saas-cold-outreach/content"
	res, _ = b.do("POST", content+"/bulk", url.Values{"ids": {id}, "action": {"status:posted"},
		"return": {content}}, false)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("bulk: %d", res.StatusCode)
	}
	if _, page := b.do("GET", content, nil, false); !strings.Contains(page, "1 post posted.") {
		t.Error("the page after a bulk change to posted does not say the post was posted")
	}
	if got := s.Do("GET", api+"content-queue/"+id, admin, nil).JSON(t); got["status"] != "posted" ||
		got["postedAt"] == nil {
		t.Errorf("after the bulk change: %v", got)
	}
}
