package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/testutil"
)

// opsWorld is a campaign with a script agent, an admin browser and a viewer browser.
type opsWorld struct {
	s              *testutil.Server
	admin          string
	slug, id       string
	agentID        string
	browser        *session
	viewer         *session
	otherAgentPath string
}

func newOpsWorld(t *testing.T) opsWorld {
	t.Helper()
	w := newDataWorld(t)
	c := w.s.Do("GET", "/api/campaigns/"+w.aID, w.admin, nil).JSON(t)
	o := opsWorld{s: w.s, admin: w.admin, slug: c["slug"].(string), id: w.aID}
	o.agentID = scriptAgent(t, w.s, w.admin, w.aID, "page-agent", `cat > /dev/null
echo "step one" >&2
echo "step two" >&2
echo '{"output": "page run done", "records": {"leads": [{"name": "Page Lead", "email": "page.lead@example.com"}]}}'`)
	other := scriptAgent(t, w.s, w.admin, w.bID, "other-agent", `echo '{"output": "x"}'`)
	o.otherAgentPath = "/c/" + o.slug + "/agents/" + other
	o.browser = signInAs(t, w.s, testutil.AdminEmail, testutil.AdminPassword)
	o.viewer = signInAs(t, w.s, "viewer-data@example.com", "a long enough passphrase")
	return o
}

func TestOpsPagesAnswerBothShapes(t *testing.T) {
	o := newOpsWorld(t)
	base := "/c/" + o.slug
	tests := []struct{ path, full, partial string }{
		{base + "/agents", `data-testid="catalog"`, `id="agents-table"`},
		{base + "/agents/" + o.agentID, `data-testid="agent-config"`, `data-testid="agent-form"`},
		{base + "/schedules", `data-testid="schedule-form"`, `id="schedules-table"`},
		{base + "/runs", `data-testid="runs-filters"`, `id="runs-table"`},
	}
	for _, tt := range tests {
		res, full := o.browser.do("GET", tt.path, nil, false)
		if res.StatusCode != http.StatusOK || !strings.Contains(full, tt.full) {
			t.Errorf("GET %s: %d, marker %s found %v", tt.path, res.StatusCode, tt.full,
				strings.Contains(full, tt.full))
		}
		if tt.path == base+"/agents/"+o.agentID {
			continue
		}
		res, part := o.browser.do("GET", tt.path, nil, true)
		if res.StatusCode != http.StatusOK || strings.Contains(part, "<html") ||
			!strings.Contains(part, tt.partial) {
			t.Errorf("GET %s with htmx: %d, whole page %v", tt.path, res.StatusCode,
				strings.Contains(part, "<html"))
		}
	}
	if res, _ := o.browser.do("GET", o.otherAgentPath, nil, false); res.StatusCode != http.StatusNotFound {
		t.Errorf("another campaign's agent under this campaign: %d", res.StatusCode)
	}
	res, part := o.browser.do("GET", base+"/agents/catalog?q=example", nil, true)
	if res.StatusCode != http.StatusOK || !strings.Contains(part, "example-lead-finder") ||
		strings.Contains(part, "hoa-content-writer") {
		t.Errorf("catalog search: %d", res.StatusCode)
	}
}

func TestRunNowFromTheAgentPage(t *testing.T) {
	o := newOpsWorld(t)
	base := "/c/" + o.slug
	res, _ := o.browser.do("POST", base+"/agents/"+o.agentID+"/run",
		url.Values{"message": {"from the page"}}, false)
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "/runs/") {
		t.Fatalf("run now: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	runPage := res.Header.Get("Location")
	var page string
	for guard := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, page = o.browser.do("GET", runPage, nil, false)
		if strings.Contains(page, `data-status="completed"`) {
			break
		}
		if time.Now().After(guard) {
			t.Fatalf("the run never completed: %.500s", page)
		}
	}
	for _, want := range []string{"step one\nstep two", "page run done", "from the page",
		`data-testid="run-records"`, `data-testid="run-retry"`} {
		if !strings.Contains(page, want) {
			t.Errorf("run page lacks %q", want)
		}
	}
	res, part := o.browser.do("GET", runPage, nil, true)
	if res.StatusCode != http.StatusOK || !strings.Contains(part, `id="run-summary"`) ||
		strings.Contains(part, "<html") {
		t.Errorf("run summary for htmx: %d", res.StatusCode)
	}
	res, _ = o.browser.do("POST", runPage+"/retry", url.Values{}, false)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") == runPage {
		t.Errorf("retry: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	// A viewer sees the run but cannot start, cancel or retry anything.
	_, vpage := o.viewer.do("GET", runPage, nil, false)
	if strings.Contains(vpage, `data-testid="run-retry"`) {
		t.Error("a viewer is offered a retry")
	}
	if res, _ := o.viewer.do("POST", base+"/agents/"+o.agentID+"/run", url.Values{}, false); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer starts a run: %d", res.StatusCode)
	}
	if _, agents := o.viewer.do("GET", base+"/agents", nil, false); strings.Contains(agents, `data-testid="run-now"`) {
		t.Error("a viewer is offered Run now")
	}
}

func TestScheduleFormsWithoutJavaScript(t *testing.T) {
	o := newOpsWorld(t)
	base := "/c/" + o.slug + "/schedules"
	form := url.Values{"agentId": {o.agentID}, "name": {"Weekday mornings"},
		"cron": {"0 9 * * 1-5"}, "timezone": {"Mars/Olympus"}, "message": {"sweep"},
		"overlapPolicy": {"skip"}, "catchUpPolicy": {"latest"}, "catchUpCap": {"10"},
		"enabled": {"true"}}
	res, page := o.browser.do("POST", base, form, false)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "sc-timezone-error") ||
		!strings.Contains(page, `value="Weekday mornings"`) {
		t.Fatalf("bad timezone: %d", res.StatusCode)
	}
	form.Set("timezone", "")
	res, _ = o.browser.do("POST", base, form, false)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	_, page = o.browser.do("GET", base, nil, false)
	if !strings.Contains(page, "At 09:00 on weekdays") || strings.Count(page, "<li>") < 5 {
		t.Errorf("the list does not describe the schedule and its next fires")
	}
	sch := o.s.Do("GET", "/api/campaigns/"+o.id+"/schedules", o.admin, nil).JSON(t)
	id := sch["data"].([]any)[0].(map[string]any)["id"].(string)

	res, row := o.browser.do("POST", base+"/"+id+"/toggle", url.Values{"enabled": {"false"}}, true)
	if res.StatusCode != http.StatusOK || !strings.Contains(row, `id="schedule-`+id+`"`) ||
		!strings.Contains(row, `aria-pressed="false"`) {
		t.Errorf("toggle with htmx: %d", res.StatusCode)
	}
	got := o.s.Do("GET", "/api/campaigns/"+o.id+"/schedules/"+id, o.admin, nil).JSON(t)
	if got["enabled"] != false {
		t.Errorf("the schedule is still enabled")
	}

	res, preview := o.browser.do("GET", base+"/preview?cron=*/15+*+*+*+*&timezone=", nil, true)
	if res.StatusCode != http.StatusOK || !strings.Contains(preview, "Every 15 minutes") ||
		strings.Count(preview, `data-testid="cron-preview-next"`) != 5 {
		t.Errorf("preview: %d %s", res.StatusCode, preview)
	}
	_, preview = o.browser.do("GET", base+"/preview?cron=99+*+*+*+*", nil, true)
	if !strings.Contains(preview, `data-testid="cron-preview-error"`) {
		t.Errorf("preview of a bad cron: %s", preview)
	}
	res, _ = o.browser.do("POST", base+"/"+id+"/delete", url.Values{"confirm": {"yes"}}, false)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("delete: %d", res.StatusCode)
	}
}

func TestAgentFormRefusesBadSettings(t *testing.T) {
	o := newOpsWorld(t)
	item := "/c/" + o.slug + "/agents/" + o.agentID
	_, page := o.browser.do("GET", item, nil, false)
	executor := between(page, `data-testid="agent-form-executor">`, "</textarea>")
	form := url.Values{"name": {"renamed-agent"}, "status": {"idle"},
		"maxConcurrentRuns": {"2"}, "config": {`{"tone": `}, "executor": {executor}}
	res, page := o.browser.do("POST", item, form, false)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "ag-config-error") {
		t.Fatalf("bad config: %d", res.StatusCode)
	}
	form.Set("config", `{"tone": "warm"}`)
	form.Set("maxConcurrentRuns", "0")
	res, part := o.browser.do("POST", item, form, true)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(part, "must be from 1") {
		t.Errorf("zero concurrent runs: %d", res.StatusCode)
	}
	form.Set("maxConcurrentRuns", "2")
	res, _ = o.browser.do("POST", item, form, false)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	a := o.s.Do("GET", "/api/campaigns/"+o.id+"/agents", o.admin, nil)
	if !strings.Contains(string(a.Body), `"renamed-agent"`) ||
		!strings.Contains(string(a.Body), `"maxConcurrentRuns":2`) {
		t.Errorf("saved agent: %s", a.Body)
	}
}

// between returns the text of s between start and end, HTML entities decoded.
func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	j := strings.Index(s, end)
	if j < 0 {
		return ""
	}
	r := strings.NewReplacer("&#34;", `"`, "&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">")
	return r.Replace(s[:j])
}

func TestTemplatePagesShowWhatAChangeReaches(t *testing.T) {
	o := newOpsWorld(t)
	tpl := "tpl-example-lead-finder"
	if res := o.s.Do("POST", "/api/campaigns/"+o.id+"/agents", o.admin,
		map[string]any{"templateId": tpl, "name": "finder-two"}); res.Status != http.StatusCreated {
		t.Fatalf("assign: %d %s", res.Status, res.Body)
	}
	res, page := o.browser.do("GET", "/admin/templates/"+tpl, nil, false)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "A change reaches 1 agent in 1 campaign") ||
		!strings.Contains(page, "finder-two") {
		t.Errorf("template page: %d", res.StatusCode)
	}
	if res, _ := o.viewer.do("GET", "/admin/templates", nil, false); res.StatusCode != http.StatusForbidden {
		t.Errorf("a member opens the catalog editor: %d", res.StatusCode)
	}
	executor := between(page, `rows="3" class="input font-mono" spellcheck="false">`, "</textarea>")
	form := url.Values{"name": {"example-lead-finder"}, "category": {"example"},
		"description": {"Sample leads, offline."}, "defaultSchedule": {"not a cron"},
		"defaultConfig": {`{"leadsPerRun": 4}`}, "executor": {executor}}
	res, _ = o.browser.do("POST", "/admin/templates/"+tpl, form, false)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad schedule: %d", res.StatusCode)
	}
	form.Set("defaultSchedule", "0 9 * * 1")
	res, _ = o.browser.do("POST", "/admin/templates/"+tpl, form, false)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	got := o.s.Do("GET", "/api/agent-templates/"+tpl, o.admin, nil).JSON(t)
	if got["description"] != "Sample leads, offline." {
		t.Errorf("saved template %v", got)
	}
}

func TestSettingsSetQuietHoursAndBudget(t *testing.T) {
	o := newOpsWorld(t)
	settings := "/c/" + o.slug + "/settings"
	base := url.Values{"name": {"Alpha Data"}, "company": {"A"}, "type": {"lead-gen"},
		"status": {"active"}, "timezone": {"UTC"}, "icon": {"🚀"}, "color": {"#3B82F6"}}
	form := func(extra map[string]string) url.Values {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		for k, x := range extra {
			v.Set(k, x)
		}
		return v
	}
	res, page := o.browser.do("POST", settings, form(map[string]string{"quietStart": "21:00",
		"quietEnd": "", "dailyBudget": "lots"}), false)
	if res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(page, "needs both a start and an end") ||
		!strings.Contains(page, "must be an amount") {
		t.Fatalf("half quiet hours and a wordy budget: %d", res.StatusCode)
	}
	res, _ = o.browser.do("POST", settings, form(map[string]string{"quietStart": "21:00",
		"quietEnd": "08:00", "dailyBudget": "$12.50", "monthlyBudget": ""}), false)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	c := o.s.Do("GET", "/api/campaigns/"+o.id, o.admin, nil).JSON(t)
	quiet, _ := c["quietHours"].(map[string]any)
	budget, _ := c["budget"].(map[string]any)
	if quiet["start"] != "21:00" || quiet["end"] != "08:00" || budget["dailyUsd"] != 12.5 ||
		budget["monthlyUsd"] != nil {
		t.Errorf("saved quiet hours %v and budget %v", quiet, budget)
	}
	_, page = o.browser.do("GET", settings, nil, false)
	if !strings.Contains(page, `value="21:00"`) || !strings.Contains(page, `value="12.5"`) {
		t.Error("the form does not show the saved limits")
	}
	res, _ = o.browser.do("POST", settings, form(nil), false)
	c = o.s.Do("GET", "/api/campaigns/"+o.id, o.admin, nil).JSON(t)
	if res.StatusCode != http.StatusSeeOther || c["quietHours"] != nil || c["budget"] != nil {
		t.Errorf("clearing the limits: %d, %v %v", res.StatusCode, c["quietHours"], c["budget"])
	}
}
