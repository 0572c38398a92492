package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/clawops/clawops/internal/testutil"
)

// roleWorld is a campaign with an owner, an operator and a viewer, none of them admins, and
// one agent, schedule and lead to act on.
type roleWorld struct {
	s                       *testutil.Server
	admin                   string
	slug, id                string
	agentID                 string
	owner, operator, viewer *session
	ownerID, operID, viewID string
}

func newRoleWorld(t *testing.T) roleWorld {
	t.Helper()
	s := testutil.NewServer(t, false)
	w := roleWorld{s: s, admin: s.AdminToken()}
	var ownerTok string
	w.ownerID, ownerTok = newMember(t, s, w.admin, "owner@example.com")
	w.operID, _ = newMember(t, s, w.admin, "operator@example.com")
	w.viewID, _ = newMember(t, s, w.admin, "viewer@example.com")
	c := createCampaign(t, s, ownerTok, map[string]any{"name": "Role Play", "company": "R"})
	w.slug, w.id = c["slug"].(string), c["id"].(string)
	base := "/api/campaigns/" + w.id
	for id, role := range map[string]string{w.operID: "operator", w.viewID: "viewer"} {
		if res := s.Do("POST", base+"/members", ownerTok, map[string]string{"userId": id,
			"role": role}); res.Status != http.StatusCreated {
			t.Fatalf("add %s: %d %s", role, res.Status, res.Body)
		}
	}
	// A command executor only admins may set; operators still edit the rest of the agent.
	res := s.Do("POST", base+"/agents", w.admin, map[string]any{"name": "worker",
		"executor": map[string]any{"type": "command", "command": []string{"true"}}})
	if res.Status != http.StatusCreated {
		t.Fatalf("agent: %d %s", res.Status, res.Body)
	}
	w.agentID = res.JSON(t)["id"].(string)
	if res := s.Do("POST", base+"/schedules", w.admin, map[string]any{"agentId": w.agentID,
		"cron": "0 9 * * 1", "enabled": false}); res.Status != http.StatusCreated {
		t.Fatalf("schedule: %d %s", res.Status, res.Body)
	}
	if res := s.Do("POST", base+"/leads", w.admin, map[string]any{
		"email": "lead@example.com"}); res.Status != http.StatusCreated {
		t.Fatalf("lead: %d %s", res.Status, res.Body)
	}
	w.owner = signInAs(t, s, "owner@example.com", memberPassword)
	w.operator = signInAs(t, s, "operator@example.com", memberPassword)
	w.viewer = signInAs(t, s, "viewer@example.com", memberPassword)
	return w
}

func (w roleWorld) as(role string) *session {
	return map[string]*session{"owner": w.owner, "operator": w.operator,
		"viewer": w.viewer}[role]
}

// Each page shows only the controls the role may use.
func TestPagesShowWhatEachRoleMayDo(t *testing.T) {
	w := newRoleWorld(t)
	c := "/c/" + w.slug
	tests := []struct {
		page, testID string
		shownTo      []string
	}{
		{c + "/agents", "run-now", []string{"owner", "operator"}},
		{c + "/agents/" + w.agentID, "run-form", []string{"owner", "operator"}},
		{c + "/agents/" + w.agentID, "remove-form", []string{"owner", "operator"}},
		{c + "/agents/" + w.agentID, "agent-form-submit", []string{"owner", "operator"}},
		{c + "/schedules", "schedule-toggle", []string{"owner", "operator"}},
		{c + "/schedules", "schedule-form", []string{"owner", "operator"}},
		{c + "/leads", "new-record", []string{"owner", "operator"}},
		{c + "/leads", "import-link", []string{"owner", "operator"}},
		{c + "/leads", "bulk-form", []string{"owner", "operator"}},
		{c + "/settings", "settings-submit", []string{"owner"}},
		{c + "/settings", "duplicate-section", []string{"owner"}},
		{c + "/settings", "archive-section", []string{"owner"}},
		{c + "/settings", "member-add-form", []string{"owner"}},
		{c + "/settings", "member-remove", []string{"owner"}},
		{c + "/settings", "member-role-text", []string{"operator", "viewer"}},
		{c + "/settings", "members", []string{"owner", "operator", "viewer"}},
	}
	for _, tt := range tests {
		for _, role := range []string{"owner", "operator", "viewer"} {
			t.Run(tt.testID+" as "+role, func(t *testing.T) {
				res, page := w.as(role).do("GET", tt.page, nil, false)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d", tt.page, res.StatusCode)
				}
				got := strings.Contains(page, `data-testid="`+tt.testID+`"`)
				if want := slices.Contains(tt.shownTo, role); got != want {
					t.Errorf("%s on %s shown %v, want %v", tt.testID, tt.page, got, want)
				}
			})
		}
	}
}

// The server refuses what a role may not do, whatever the page shows.
func TestServerRefusesWhatRolesMayNotDo(t *testing.T) {
	w := newRoleWorld(t)
	c := "/c/" + w.slug
	tests := []struct {
		role, path string
		form       url.Values
	}{
		{"viewer", c + "/agents/" + w.agentID + "/run", url.Values{}},
		{"viewer", c + "/agents/" + w.agentID, url.Values{"name": {"x"}, "status": {"idle"},
			"maxConcurrentRuns": {"1"}}},
		{"viewer", c + "/leads", url.Values{"email": {"new@example.com"}}},
		{"operator", c + "/settings", url.Values{"name": {"Taken Over"}}},
		{"operator", c + "/archive", url.Values{"confirm": {"Role Play"}}},
		{"operator", c + "/members", url.Values{"email": {"viewer@example.com"},
			"role": {"owner"}}},
		{"operator", c + "/members/" + w.viewID + "/remove", url.Values{}},
		{"viewer", c + "/members/" + w.viewID, url.Values{"role": {"owner"}}},
	}
	for _, tt := range tests {
		if res, _ := w.as(tt.role).do("POST", tt.path, tt.form, false); res.StatusCode !=
			http.StatusForbidden {
			t.Errorf("%s POST %s: %d, want 403", tt.role, tt.path, res.StatusCode)
		}
	}
	var members struct {
		Data []struct{ UserID, Role string }
	}
	w.s.Do("GET", "/api/campaigns/"+w.id+"/members", w.admin, nil).Decode(t, &members)
	if len(members.Data) != 3 {
		t.Errorf("members after refused changes: %+v", members.Data)
	}
}

// Operators edit an agent whose executor only admins may set: the field is shown read-only
// and leaving it out of the form keeps the executor.
func TestOperatorSavesAgentWithAdminExecutor(t *testing.T) {
	w := newRoleWorld(t)
	path := "/c/" + w.slug + "/agents/" + w.agentID
	_, page := w.operator.do("GET", path, nil, false)
	field := regexp.MustCompile(`<textarea[^>]*data-testid="agent-form-executor"[^>]*>`).
		FindString(page)
	if !strings.Contains(field, "disabled") {
		t.Errorf("the executor field is editable for an operator: %s", field)
	}
	res, _ := w.operator.do("POST", path, url.Values{"name": {"worker two"},
		"status": {"idle"}, "maxConcurrentRuns": {"1"}, "config": {"{}"}}, false)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("operator saves the agent: %d, want 303", res.StatusCode)
	}
	var agents struct {
		Data []struct {
			Name     string
			Executor struct{ Type string }
		}
	}
	w.s.Do("GET", "/api/campaigns/"+w.id+"/agents", w.admin, nil).Decode(t, &agents)
	if len(agents.Data) != 1 || agents.Data[0].Name != "worker two" ||
		agents.Data[0].Executor.Type != "command" {
		t.Errorf("agent after the operator's save: %+v", agents.Data)
	}
	_, page = signInAs(t, w.s, testutil.AdminEmail, testutil.AdminPassword).do("GET", path,
		nil, false)
	field = regexp.MustCompile(`<textarea[^>]*data-testid="agent-form-executor"[^>]*>`).
		FindString(page)
	if strings.Contains(field, "disabled") {
		t.Error("the executor field is read-only for an admin")
	}
}

func TestMembersOnSettingsPage(t *testing.T) {
	w := newRoleWorld(t)
	newMember(t, w.s, w.admin, "newcomer@example.com")
	path := "/c/" + w.slug + "/members"

	tests := []struct {
		name       string
		form       url.Values
		wantStatus int
		want       string
	}{
		{"unknown email", url.Values{"email": {"ghost@example.com"}, "role": {"viewer"}},
			422, "belongs to nobody here"},
		{"no email", url.Values{"email": {""}, "role": {"viewer"}}, 422, "is required"},
		{"bad role", url.Values{"email": {"newcomer@example.com"}, "role": {"boss"}}, 422,
			"must be owner, operator or viewer"},
		{"already a member", url.Values{"email": {"VIEWER@example.com"}, "role": {"owner"}},
			422, "is already a member"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, page := w.owner.do("POST", path, tt.form, false)
			if res.StatusCode != tt.wantStatus || !strings.Contains(page, tt.want) {
				t.Errorf("%d, want %d with %q", res.StatusCode, tt.wantStatus, tt.want)
			}
		})
	}

	res, part := w.owner.do("POST", path, url.Values{"email": {"newcomer@example.com"},
		"role": {"operator"}}, true)
	if res.StatusCode != http.StatusOK || !strings.Contains(part, `id="members"`) ||
		!strings.Contains(part, "newcomer@example.com") || strings.Contains(part, "<html") {
		t.Fatalf("htmx add: %d", res.StatusCode)
	}
	res, _ = w.owner.do("POST", path+"/"+w.viewID, url.Values{"role": {"operator"}}, false)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("change role: %d", res.StatusCode)
	}
	res, _ = w.owner.do("POST", path+"/"+w.operID+"/remove", url.Values{}, false)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("remove: %d", res.StatusCode)
	}
	var members struct {
		Data []struct{ Email, Role string }
	}
	w.s.Do("GET", "/api/campaigns/"+w.id+"/members", w.admin, nil).Decode(t, &members)
	got := map[string]string{}
	for _, m := range members.Data {
		got[m.Email] = m.Role
	}
	want := map[string]string{"owner@example.com": "owner", "viewer@example.com": "operator",
		"newcomer@example.com": "operator"}
	if len(got) != len(want) {
		t.Errorf("members %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("members %v, want %v", got, want)
			break
		}
	}

	// The last owner can neither step down nor leave.
	for _, tt := range []struct {
		path string
		form url.Values
	}{
		{path + "/" + w.ownerID, url.Values{"role": {"viewer"}}},
		{path + "/" + w.ownerID + "/remove", url.Values{}},
	} {
		res, page := w.owner.do("POST", tt.path, tt.form, false)
		if res.StatusCode != http.StatusConflict || !strings.Contains(page,
			"needs at least one owner") {
			t.Errorf("POST %s as the last owner: %d", tt.path, res.StatusCode)
		}
	}
}
