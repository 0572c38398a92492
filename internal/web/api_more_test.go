package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/clawops/clawops/internal/testutil"
)

func TestUsersAndTokensAPI(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	id, memberTok := newMember(t, s, admin, "ops@example.com")

	if res := s.Do("GET", "/api/users", memberTok, nil); res.Status != http.StatusForbidden {
		t.Errorf("member lists users: %d, want 403", res.Status)
	}
	res := s.Do("PUT", "/api/users/"+id, admin, map[string]any{"name": "Ops Lead"})
	if res.Status != http.StatusOK || res.JSON(t)["name"] != "Ops Lead" {
		t.Errorf("update user: %d %s", res.Status, res.Body)
	}
	if res := s.Do("PUT", "/api/users/"+id, admin, map[string]any{"role": "root"}); res.Status != 422 {
		t.Errorf("bad role: %d, want 422", res.Status)
	}
	if res := s.Do("PUT", "/api/users/nope", admin, map[string]any{"name": "x"}); res.Status != 404 {
		t.Errorf("unknown user: %d, want 404", res.Status)
	}
	if res := s.Do("POST", "/api/users", admin, map[string]any{"email": "ops@example.com",
		"password": "long enough password"}); res.Status != http.StatusConflict {
		t.Errorf("duplicate email: %d, want 409", res.Status)
	}
	if res := s.Do("POST", "/api/users", admin, map[string]any{"email": "weak@example.com",
		"password": "short"}); res.Status != 422 {
		t.Errorf("short password: %d, want 422", res.Status)
	}

	created := s.Do("POST", "/api/tokens", memberTok, map[string]any{"name": "script"})
	if created.Status != http.StatusCreated {
		t.Fatalf("create token: %d %s", created.Status, created.Body)
	}
	var tok struct {
		Token     string
		TokenInfo struct{ ID string }
	}
	created.Decode(t, &tok)
	if !strings.HasPrefix(tok.Token, "cwo_") {
		t.Errorf("token %q", tok.Token)
	}
	list := s.Do("GET", "/api/tokens", memberTok, nil)
	if !strings.Contains(string(list.Body), tok.TokenInfo.ID) || strings.Contains(string(list.Body), tok.Token) {
		t.Errorf("token list shows %s", list.Body)
	}
	if res := s.Do("POST", "/api/tokens", memberTok, map[string]any{"name": "x",
		"campaignId": "default-hoa-fl"}); res.Status != 422 {
		t.Errorf("token for an invisible campaign: %d, want 422", res.Status)
	}
	if res := s.Do("GET", "/api/auth/me", tok.Token, nil); res.Status != http.StatusOK {
		t.Errorf("API token works: %d", res.Status)
	}

	// Disabling the user stops their tokens at once.
	if res := s.Do("DELETE", "/api/users/"+id, admin, nil); res.Status != http.StatusNoContent {
		t.Fatalf("disable: %d %s", res.Status, res.Body)
	}
	for _, tk := range []string{tok.Token, memberTok} {
		if res := s.Do("GET", "/api/auth/me", tk, nil); res.Status != http.StatusUnauthorized {
			t.Errorf("token of a disabled user: %d, want 401", res.Status)
		}
	}
	res = s.Do("POST", "/api/auth/login", "", map[string]string{"email": "ops@example.com",
		"password": "a long enough passphrase"})
	if res.Status != http.StatusUnauthorized {
		t.Errorf("disabled user signs in: %d", res.Status)
	}
	if res := s.Do("DELETE", "/api/tokens/"+tok.TokenInfo.ID, admin, nil); res.Status != http.StatusNoContent {
		t.Errorf("admin revokes a token: %d", res.Status)
	}
}

func TestAgentsAndTemplatesAPI(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()

	var agents struct{ Data []map[string]any }
	s.Do("GET", "/api/agents", admin, nil).Decode(t, &agents)
	if len(agents.Data) != 13 {
		t.Fatalf("default campaign has %d agents, want the HOA fleet's 13", len(agents.Data))
	}
	first := agents.Data[0]["id"].(string)
	if res := s.Do("GET", "/api/agents/"+first, admin, nil); res.Status != http.StatusOK {
		t.Errorf("get agent: %d", res.Status)
	}

	c := createCampaign(t, s, admin, map[string]any{"name": "Agents Home", "company": "A"})
	cid := c["id"].(string)
	if res := s.Do("GET", "/api/agents/"+first, admin, nil, "X-Campaign-ID", cid); res.Status != 404 {
		t.Errorf("default's agent through another campaign: %d, want 404", res.Status)
	}

	var templates struct{ Data []map[string]any }
	s.Do("GET", "/api/agent-templates", admin, nil).Decode(t, &templates)
	if len(templates.Data) < 13 {
		t.Fatalf("%d templates", len(templates.Data))
	}
	tplID := templates.Data[0]["id"].(string)

	res := s.Do("POST", "/api/campaigns/"+cid+"/agents", admin, map[string]any{"templateId": tplID})
	if res.Status != http.StatusCreated {
		t.Fatalf("assign: %d %s", res.Status, res.Body)
	}
	agentID := res.JSON(t)["id"].(string)
	if res := s.Do("POST", "/api/campaigns/"+cid+"/agents", admin,
		map[string]any{"name": "raw"}); res.Status != 422 {
		t.Errorf("agent without template or executor: %d, want 422", res.Status)
	}
	res = s.Do("PUT", "/api/campaigns/"+cid+"/agents/"+agentID, admin,
		map[string]any{"status": "paused", "config": map[string]any{"tone": "formal"}})
	if res.Status != http.StatusOK || res.JSON(t)["status"] != "paused" {
		t.Errorf("update agent: %d %s", res.Status, res.Body)
	}
	if res := s.Do("DELETE", "/api/campaigns/default-hoa-fl/agents/"+agentID, admin, nil); res.Status != 404 {
		t.Errorf("delete through the wrong campaign: %d, want 404", res.Status)
	}
	if res := s.Do("DELETE", "/api/campaigns/"+cid+"/agents/"+agentID, admin, nil); res.Status != 204 {
		t.Errorf("delete agent: %d", res.Status)
	}
	feed := string(s.Do("GET", "/api/campaigns/"+cid+"/activity", admin, nil).Body)
	for _, typ := range []string{"agent.assigned", "agent.removed"} {
		if !strings.Contains(feed, typ) {
			t.Errorf("activity lacks %s", typ)
		}
	}

	_, memberTok := newMember(t, s, admin, "m@example.com")
	tpl := map[string]any{"name": "Custom", "category": "research",
		"executor": map[string]any{"type": "http", "url": "http://127.0.0.1:9/run"}}
	if res := s.Do("POST", "/api/agent-templates", memberTok, tpl); res.Status != 403 {
		t.Errorf("member creates a template: %d, want 403", res.Status)
	}
	res = s.Do("POST", "/api/agent-templates", admin, tpl)
	if res.Status != http.StatusCreated {
		t.Fatalf("create template: %d %s", res.Status, res.Body)
	}
	newTpl := res.JSON(t)["id"].(string)
	for _, where := range []string{cid, "default-hoa-fl"} {
		if res := s.Do("POST", "/api/campaigns/"+where+"/agents", admin,
			map[string]any{"templateId": newTpl}); res.Status != http.StatusCreated {
			t.Fatalf("assign from the template: %d %s", res.Status, res.Body)
		}
	}
	res = s.Do("PUT", "/api/agent-templates/"+newTpl, admin,
		map[string]any{"description": "Finds things"})
	if res.Status != 200 {
		t.Errorf("update template: %d %s", res.Status, res.Body)
	}
	// The answer says whose agents the change reaches.
	var withUsage struct {
		Description string
		Usage       []struct {
			CampaignID string
			Agents     []string
		}
	}
	res.Decode(t, &withUsage)
	if withUsage.Description != "Finds things" || len(withUsage.Usage) != 2 ||
		withUsage.Usage[0].Agents[0] != "Custom" {
		t.Errorf("template with usage = %+v", withUsage)
	}
	if res := s.Do("GET", "/api/agent-templates/"+newTpl, memberTok, nil); res.Status != 403 {
		t.Errorf("a member reads the template's usage across campaigns: %d", res.Status)
	}
	bad := map[string]any{"name": "Bad", "executor": map[string]any{"type": "shell"}}
	if res := s.Do("POST", "/api/agent-templates", admin, bad); res.Status != 422 {
		t.Errorf("bad executor: %d, want 422", res.Status)
	}
	if res := s.Do("DELETE", "/api/agent-templates/"+newTpl, admin, nil); res.Status != 204 {
		t.Errorf("delete template: %d", res.Status)
	}
}

func TestMembersAPI(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	c := createCampaign(t, s, admin, map[string]any{"name": "Team", "company": "T"})
	cid := c["id"].(string)
	uid, userTok := newMember(t, s, admin, "teammate@example.com")

	if res := s.Do("POST", "/api/campaigns/"+cid+"/members", admin,
		map[string]any{"userId": "ghost", "role": "viewer"}); res.Status != 422 {
		t.Errorf("unknown user: %d, want 422", res.Status)
	}
	if res := s.Do("POST", "/api/campaigns/"+cid+"/members", admin,
		map[string]any{"userId": uid, "role": "boss"}); res.Status != 422 {
		t.Errorf("bad role: %d, want 422", res.Status)
	}
	s.Do("POST", "/api/campaigns/"+cid+"/members", admin, map[string]any{"userId": uid, "role": "viewer"})
	if res := s.Do("GET", "/api/campaigns/"+cid, userTok, nil); res.Status != 200 {
		t.Errorf("viewer reads: %d", res.Status)
	}
	if res := s.Do("POST", "/api/campaigns/"+cid+"/agents", userTok,
		map[string]any{"templateId": "tpl-hoa-discovery"}); res.Status != 403 {
		t.Errorf("viewer assigns an agent: %d, want 403", res.Status)
	}
	res := s.Do("PUT", "/api/campaigns/"+cid+"/members/"+uid, admin, map[string]any{"role": "operator"})
	if res.Status != 200 || res.JSON(t)["role"] != "operator" {
		t.Errorf("promote: %d %s", res.Status, res.Body)
	}
	if res := s.Do("POST", "/api/campaigns/"+cid+"/agents", userTok,
		map[string]any{"templateId": "tpl-hoa-discovery"}); res.Status != 201 {
		t.Errorf("operator assigns an agent: %d %s", res.Status, res.Body)
	}
	if res := s.Do("PUT", "/api/campaigns/"+cid, userTok, map[string]any{"name": "Mine"}); res.Status != 403 {
		t.Errorf("operator changes settings: %d, want 403", res.Status)
	}
	var members struct{ Data []map[string]any }
	s.Do("GET", "/api/campaigns/"+cid+"/members", admin, nil).Decode(t, &members)
	if len(members.Data) != 2 {
		t.Errorf("members %v, want the creator and the teammate", members.Data)
	}
	if res := s.Do("DELETE", "/api/campaigns/"+cid+"/members/"+uid, admin, nil); res.Status != 204 {
		t.Errorf("remove: %d", res.Status)
	}
	if res := s.Do("GET", "/api/campaigns/"+cid, userTok, nil); res.Status != 404 {
		t.Errorf("removed member reads: %d, want 404", res.Status)
	}
}

// TestBadInputNeverFails500 sends broken bodies to every route that takes one.
func TestBadInputNeverFails500(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	c := createCampaign(t, s, admin, map[string]any{"name": "Target", "company": "T"})
	bodies := []string{
		`{`, `[]`, `"text"`, `null`, `{"name": 1}`, `{"unknown": true}`,
		`{"name": "` + strings.Repeat("x", 10000) + `"}`, `{"name": "a\u0000b"}`,
		`{"email": {"nested": []}, "password": 7}`, `{"config": "not an object"}`,
		`{"executor": {"type": "command", "command": "rm -rf /"}}`, `{"role": null}`,
		`{"name": "\ud800"}`, `{"include": "agents"}`, `{"from": 20260101}`,
		`{"quietHours": {"start": "09:00", "end": "09:00"}}`, `{"icon": "\u202e"}`,
		strings.Repeat(`{"a":`, 1000),
	}
	for _, r := range s.App.Server.Routes() {
		// DELETE takes no body, and logout would end this test's own token.
		if r.Method == "GET" || r.Method == "DELETE" || !strings.HasPrefix(r.Path, "/api/") ||
			r.Path == "/api/auth/logout" {
			continue
		}
		path := strings.NewReplacer(":id", c["id"].(string), ":agentId", "agt-x",
			":userId", "u-x").Replace(r.Path)
		for _, body := range bodies {
			res := s.Do(r.Method, path, admin, body)
			if res.Status >= 500 {
				t.Errorf("%s %s with %.40q: %d %s", r.Method, path, body, res.Status, res.Body)
				continue
			}
			if res.Status >= 400 {
				var e struct {
					Error struct{ Code, Message string }
				}
				if json.Unmarshal(res.Body, &e) != nil || e.Error.Code == "" {
					t.Errorf("%s %s: %d without the error shape: %s", r.Method, path,
						res.Status, res.Body)
				}
			}
		}
	}
	if got := s.Do("GET", "/api/campaigns/"+c["id"].(string), admin, nil).JSON(t)["name"]; got != "Target" {
		t.Errorf("the campaign became %v", got)
	}
}

// TestReadsFollowWrites guards the read caches: every committed write shows on the next read.
func TestReadsFollowWrites(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	c := createCampaign(t, s, admin, map[string]any{"name": "Cached", "company": "C"})
	id := c["id"].(string)
	get := func() map[string]any { return s.Do("GET", "/api/campaigns/"+id, admin, nil).JSON(t) }
	list := func() string { return string(s.Do("GET", "/api/campaigns?q=cached", admin, nil).Body) }

	get()
	list()
	s.Do("POST", "/api/campaigns/"+id+"/agents", admin, map[string]any{"templateId": "tpl-hoa-discovery"})
	if got := get()["agentCount"]; got != 1.0 {
		t.Errorf("agentCount after assigning = %v, want 1", got)
	}
	if !strings.Contains(list(), `"agentCount":1`) {
		t.Error("the list still shows no agent")
	}
	_, err := s.App.DB.Exec(t.Context(), `INSERT INTO leads (id, campaign_id, email, created_at,
		updated_at) VALUES ('lead-1', ?, 'x@example.com', '2026-01-01T00:00:00.000Z', 'x')`, id)
	if err != nil {
		t.Fatal(err)
	}
	if got := get()["leadCount"]; got != 1.0 {
		t.Errorf("leadCount after a lead arrived = %v, want 1", got)
	}
	s.Do("PUT", "/api/campaigns/"+id, admin, map[string]any{"color": "#112233"})
	if got := get()["color"]; got != "#112233" {
		t.Errorf("color after update = %v", got)
	}
	if !strings.Contains(list(), `"color":"#112233"`) {
		t.Error("the list shows the old colour")
	}
	uid, tok := newMember(t, s, admin, "late@example.com")
	if strings.Contains(string(s.Do("GET", "/api/campaigns", tok, nil).Body), id) {
		t.Fatal("a non-member sees the campaign")
	}
	s.Do("POST", "/api/campaigns/"+id+"/members", admin, map[string]any{"userId": uid, "role": "viewer"})
	if !strings.Contains(string(s.Do("GET", "/api/campaigns", tok, nil).Body), id) {
		t.Error("a new member does not see the campaign")
	}
	s.Do("DELETE", "/api/campaigns/"+id+"/members/"+uid, admin, nil)
	if res := s.Do("GET", "/api/campaigns/"+id, tok, nil); res.Status != http.StatusNotFound {
		t.Errorf("a removed member still reads the campaign: %d", res.Status)
	}
}

func TestCampaignBudget(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	res := s.Do("POST", "/api/campaigns", admin, map[string]any{"name": "Budgeted",
		"company": "Co", "budget": map[string]any{"dailyUsd": 5, "monthlyUsd": nil}})
	if res.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	var c struct {
		ID     string
		Budget *struct{ DailyUSD, MonthlyUSD *float64 } `json:"budget"`
	}
	res.Decode(t, &c)
	if c.Budget == nil || c.Budget.DailyUSD == nil || *c.Budget.DailyUSD != 5 ||
		c.Budget.MonthlyUSD != nil {
		t.Fatalf("created budget = %+v", c.Budget)
	}
	bad := []struct {
		body  any
		field string
	}{
		{map[string]any{"dailyUsd": -1}, "budget.dailyUsd"},
		{map[string]any{"monthlyUsd": 0}, "budget.monthlyUsd"},
		{map[string]any{"weekly": 3}, "budget"},
		{"lots", "budget"},
	}
	for _, b := range bad {
		res := s.Do("PUT", "/api/campaigns/"+c.ID, admin, map[string]any{"budget": b.body})
		if res.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(string(res.Body), `"`+b.field+`"`) {
			t.Errorf("budget %v: %d %s, want 422 naming %s", b.body, res.Status, res.Body, b.field)
		}
	}
	res = s.Do("PUT", "/api/campaigns/"+c.ID, admin, map[string]any{
		"budget": map[string]any{"monthlyUsd": 100.5}})
	res.Decode(t, &c)
	if c.Budget == nil || c.Budget.DailyUSD != nil || *c.Budget.MonthlyUSD != 100.5 {
		t.Errorf("updated budget = %+v", c.Budget)
	}
	res = s.Do("PUT", "/api/campaigns/"+c.ID, admin, map[string]any{"budget": nil})
	res.Decode(t, &c)
	if c.Budget != nil {
		t.Errorf("cleared budget = %+v", c.Budget)
	}
}
