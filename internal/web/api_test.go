package web_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/testutil"
)

func TestLogin(t *testing.T) {
	s := testutil.NewServer(t, false)

	t.Run("answers the original console's nested token shape", func(t *testing.T) {
		res := s.Do("POST", "/api/auth/login", "", map[string]string{
			"email": testutil.AdminEmail, "password": testutil.AdminPassword})
		if res.Status != http.StatusOK {
			t.Fatalf("status %d: %s", res.Status, res.Body)
		}
		var body struct {
			Token struct {
				Token     string    `json:"token"`
				ExpiresAt time.Time `json:"expiresAt"`
				ExpiresIn int       `json:"expiresIn"`
			} `json:"token"`
			User struct{ ID, Email, Name, Role string } `json:"user"`
		}
		res.Decode(t, &body)
		if body.Token.Token == "" || body.Token.ExpiresIn != 86400 {
			t.Errorf("token = %+v, want a token lasting 86400 s", body.Token)
		}
		if d := time.Until(body.Token.ExpiresAt); d < 23*time.Hour || d > 25*time.Hour {
			t.Errorf("expiresAt is %v away, want about 24 h", d)
		}
		if body.User.Email != testutil.AdminEmail || body.User.Role != "admin" {
			t.Errorf("user = %+v", body.User)
		}
		me := s.Do("GET", "/api/auth/me", body.Token.Token, nil)
		if me.Status != http.StatusOK || !strings.Contains(string(me.Body), testutil.AdminEmail) {
			t.Errorf("me: %d %s", me.Status, me.Body)
		}
	})

	t.Run("wrong password and unknown email answer alike", func(t *testing.T) {
		wrong := s.Do("POST", "/api/auth/login", "", map[string]string{
			"email": testutil.AdminEmail, "password": "not the password at all"})
		unknown := s.Do("POST", "/api/auth/login", "", map[string]string{
			"email": "nobody@example.com", "password": "not the password at all"})
		if wrong.Status != http.StatusUnauthorized || unknown.Status != http.StatusUnauthorized {
			t.Fatalf("statuses %d and %d, want 401", wrong.Status, unknown.Status)
		}
		if diff := cmp.Diff(string(wrong.Body), string(unknown.Body)); diff != "" {
			t.Errorf("bodies differ (-wrong +unknown):\n%s", diff)
		}
		if !strings.Contains(string(wrong.Body), "The email or the password is wrong.") {
			t.Errorf("the answer does not say what failed: %s", wrong.Body)
		}
	})

	t.Run("logout revokes the token", func(t *testing.T) {
		tok := s.AdminToken()
		if res := s.Do("POST", "/api/auth/logout", tok, nil); res.Status != http.StatusNoContent {
			t.Fatalf("logout: %d %s", res.Status, res.Body)
		}
		if res := s.Do("GET", "/api/auth/me", tok, nil); res.Status != http.StatusUnauthorized {
			t.Errorf("me after logout: %d, want 401", res.Status)
		}
	})
}

func TestLoginThrottle(t *testing.T) {
	s := testutil.NewServer(t, false)
	var last testutil.Response
	for i := 0; i < 6; i++ {
		last = s.Do("POST", "/api/auth/login", "", map[string]string{
			"email": testutil.AdminEmail, "password": fmt.Sprintf("wrong password %d", i)})
	}
	if last.Status != http.StatusTooManyRequests {
		t.Fatalf("sixth failure: status %d, want 429", last.Status)
	}
	if last.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	if code := last.JSON(t)["error"].(map[string]any)["code"]; code != "rate_limited" {
		t.Errorf("code = %v", code)
	}
	// Even the right password waits until the window passes.
	res := s.Do("POST", "/api/auth/login", "", map[string]string{
		"email": testutil.AdminEmail, "password": testutil.AdminPassword})
	if res.Status != http.StatusTooManyRequests {
		t.Errorf("right password while throttled: %d, want 429", res.Status)
	}
}

func TestEveryPrivateRouteNeedsCredentials(t *testing.T) {
	s := testutil.NewServer(t, false)
	for _, r := range s.App.Server.Routes() {
		if !strings.HasPrefix(r.Path, "/api/") || r.Path == "/api/auth/login" ||
			r.Path == "/api/openapi.json" {
			continue
		}
		path := strings.NewReplacer(":id", "default-hoa-fl", ":agentId", "x",
			":userId", "x").Replace(r.Path)
		for _, tok := range []string{"", "cwo_not-a-real-token"} {
			res := s.Do(r.Method, path, tok, nil)
			if res.Status != http.StatusUnauthorized {
				t.Errorf("%s %s with token %q: %d, want 401", r.Method, path, tok, res.Status)
			}
		}
	}
}

// newMember creates a member user and returns their id and token.
func newMember(t *testing.T, s *testutil.Server, admin, email string) (string, string) {
	t.Helper()
	res := s.Do("POST", "/api/users", admin, map[string]string{
		"email": email, "name": "Member", "password": "a long enough passphrase", "role": "member"})
	if res.Status != http.StatusCreated {
		t.Fatalf("create user %s: %d %s", email, res.Status, res.Body)
	}
	return res.JSON(t)["id"].(string), s.Login(email, "a long enough passphrase")
}

// createCampaign creates a campaign and returns its decoded body.
func createCampaign(t *testing.T, s *testutil.Server, tok string, body map[string]any) map[string]any {
	t.Helper()
	res := s.Do("POST", "/api/campaigns", tok, body)
	if res.Status != http.StatusCreated {
		t.Fatalf("create campaign %v: %d %s", body["name"], res.Status, res.Body)
	}
	return res.JSON(t)
}

func TestCampaignLifecycle(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()

	c := createCampaign(t, s, admin, map[string]any{"name": "2026 Café Outreach!",
		"company": "Acme", "type": "outreach", "color": "#10b981", "icon": "🚀",
		"timezone": "Europe/London", "quietHours": map[string]string{"start": "21:00",
			"end": "08:00"}, "config": map[string]any{"dailyCap": 50}})
	if c["slug"] != "2026-cafe-outreach" {
		t.Errorf("slug = %v, want 2026-cafe-outreach", c["slug"])
	}
	if c["color"] != "#10B981" || c["status"] != "active" || c["archivedAt"] != nil {
		t.Errorf("created = %v", c)
	}
	id := c["id"].(string)

	dup := s.Do("POST", "/api/campaigns", admin, map[string]any{"name": "2026 cafe outreach",
		"company": "Other"})
	if dup.Status != http.StatusConflict {
		t.Errorf("same slug: %d, want 409", dup.Status)
	}

	bySlug := s.Do("GET", "/api/campaigns/2026-cafe-outreach", admin, nil)
	if bySlug.Status != http.StatusOK || bySlug.JSON(t)["id"] != id {
		t.Errorf("get by slug: %d %s", bySlug.Status, bySlug.Body)
	}

	upd := s.Do("PUT", "/api/campaigns/"+id, admin, map[string]any{"name": "Renamed",
		"quietHours": nil, "status": "paused"})
	if upd.Status != http.StatusOK {
		t.Fatalf("update: %d %s", upd.Status, upd.Body)
	}
	got := upd.JSON(t)
	if got["name"] != "Renamed" || got["slug"] != "2026-cafe-outreach" ||
		got["quietHours"] != nil || got["status"] != "paused" || got["company"] != "Acme" {
		t.Errorf("after update = %v", got)
	}

	if res := s.Do("DELETE", "/api/campaigns/"+id, admin, nil); res.Status != http.StatusOK ||
		res.JSON(t)["status"] != "archived" {
		t.Fatalf("archive: %d %s", res.Status, res.Body)
	}
	list := s.Do("GET", "/api/campaigns", admin, nil)
	if strings.Contains(string(list.Body), id) {
		t.Error("archived campaign listed by default")
	}
	all := s.Do("GET", "/api/campaigns?status=all", admin, nil)
	if !strings.Contains(string(all.Body), id) {
		t.Error("archived campaign missing from ?status=all")
	}
	if res := s.Do("PUT", "/api/campaigns/"+id, admin, map[string]any{"name": "X"}); res.Status != http.StatusConflict {
		t.Errorf("update archived: %d, want 409", res.Status)
	}
	res := s.Do("POST", "/api/campaigns/"+id+"/restore", admin, nil)
	if res.Status != http.StatusOK || res.JSON(t)["status"] != "paused" {
		t.Errorf("restore: %d %s", res.Status, res.Body)
	}
	if res := s.Do("POST", "/api/campaigns/"+id+"/restore", admin, nil); res.Status != http.StatusConflict {
		t.Errorf("restore twice: %d, want 409", res.Status)
	}
	if res := s.Do("DELETE", "/api/campaigns/default-hoa-fl", admin, nil); res.Status != http.StatusConflict {
		t.Errorf("archive default: %d, want 409", res.Status)
	}

	feed := s.Do("GET", "/api/campaigns/"+id+"/activity", admin, nil)
	var entries struct{ Data []struct{ Type string } }
	feed.Decode(t, &entries)
	var types []string
	for _, e := range entries.Data {
		types = append(types, e.Type)
	}
	want := []string{"campaign.restored", "campaign.archived", "campaign.updated",
		"campaign.created"}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("activity types (-want +got):\n%s", diff)
	}
}

func TestCampaignValidation(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	long := strings.Repeat("x", 10000)
	tests := []struct {
		name   string
		body   string
		status int
		field  string
	}{
		{"missing name", `{"company":"A"}`, 422, "name"},
		{"missing company", `{"name":"A"}`, 422, "company"},
		{"long name", `{"name":"` + long + `","company":"A"}`, 422, "name"},
		{"long description", `{"name":"A","company":"A","description":"` + long + long + `"}`, 422, "description"},
		{"css injection colour", `{"name":"A","company":"A","color":"red;background:url(x)"}`, 422, "color"},
		{"short colour", `{"name":"A","company":"A","color":"#FFF"}`, 422, "color"},
		{"two emoji", `{"name":"A","company":"A","icon":"🚀🚀"}`, 422, "icon"},
		{"text icon", `{"name":"A","company":"A","icon":"ab"}`, 422, "icon"},
		{"bad timezone", `{"name":"A","company":"A","timezone":"Mars/Olympus"}`, 422, "timezone"},
		{"bad type", `{"name":"A","company":"A","type":"spam"}`, 422, "type"},
		{"archived on create", `{"name":"A","company":"A","status":"archived"}`, 422, "status"},
		{"NUL byte", `{"name":"A\u0000B","company":"A"}`, 422, "name"},
		{"unknown field", `{"name":"A","company":"A","owner":"me"}`, 422, "owner"},
		{"wrong type", `{"name":42,"company":"A"}`, 422, "name"},
		{"config not object", `{"name":"A","company":"A","config":[1]}`, 422, "config"},
		{"bad quiet hours", `{"name":"A","company":"A","quietHours":{"start":"25:00","end":"08:00"}}`, 422, "quietHours.start"},
		{"only punctuation", `{"name":"!!!","company":"A"}`, 422, "name"},
		{"malformed JSON", `{"name":`, 400, ""},
		{"array body", `[1,2]`, 400, ""},
		{"empty body", ``, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := s.Do("POST", "/api/campaigns", admin, tt.body)
			if res.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", res.Status, tt.status, res.Body)
			}
			e := res.JSON(t)["error"].(map[string]any)
			if tt.field != "" {
				fields, _ := e["fields"].(map[string]any)
				if _, ok := fields[tt.field]; !ok {
					t.Errorf("fields = %v, want %s named", fields, tt.field)
				}
			}
		})
	}

	t.Run("oversize body", func(t *testing.T) {
		big := `{"name":"A","company":"A","description":"` + strings.Repeat("y", 2<<20) + `"}`
		if res := s.Do("POST", "/api/campaigns", admin, big); res.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413", res.Status)
		}
	})

	t.Run("immutable id and slug", func(t *testing.T) {
		for _, body := range []string{`{"slug":"new"}`, `{"id":"new"}`} {
			res := s.Do("PUT", "/api/campaigns/default-hoa-fl", admin, body)
			if res.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", body, res.Status)
			}
		}
	})

	t.Run("SQL and HTML are stored as plain text", func(t *testing.T) {
		name := `Robert'); DROP TABLE campaigns;-- <script>alert(1)</script>`
		c := createCampaign(t, s, admin, map[string]any{"name": name, "company": "<b>Bold</b>"})
		got := s.Do("GET", "/api/campaigns/"+c["id"].(string), admin, nil).JSON(t)
		if got["name"] != name || got["company"] != "<b>Bold</b>" {
			t.Errorf("stored %v / %v", got["name"], got["company"])
		}
	})

	t.Run("nothing stored by a refused request", func(t *testing.T) {
		before := s.Do("GET", "/api/campaigns/default-hoa-fl", admin, nil).JSON(t)
		s.Do("PUT", "/api/campaigns/default-hoa-fl", admin, `{"name":"OK","color":"bad"}`)
		after := s.Do("GET", "/api/campaigns/default-hoa-fl", admin, nil).JSON(t)
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("campaign changed by a 422 (-before +after):\n%s", diff)
		}
	})
}

func TestCampaignIsolation(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	a := createCampaign(t, s, admin, map[string]any{"name": "Alpha", "company": "A"})
	b := createCampaign(t, s, admin, map[string]any{"name": "Bravo", "company": "B"})
	aID, bID := a["id"].(string), b["id"].(string)

	bUser, bTok := newMember(t, s, admin, "bravo@example.com")
	if res := s.Do("POST", "/api/campaigns/"+bID+"/members", admin,
		map[string]string{"userId": bUser, "role": "operator"}); res.Status != http.StatusCreated {
		t.Fatalf("add member: %d %s", res.Status, res.Body)
	}
	viewerID, viewerTok := newMember(t, s, admin, "viewer@example.com")
	s.Do("POST", "/api/campaigns/"+aID+"/members", admin,
		map[string]string{"userId": viewerID, "role": "viewer"})

	list := s.Do("GET", "/api/campaigns", bTok, nil)
	if !strings.Contains(string(list.Body), bID) || strings.Contains(string(list.Body), aID) ||
		strings.Contains(string(list.Body), "default-hoa-fl") {
		t.Errorf("B's member lists %s", list.Body)
	}
	ov := s.Do("GET", "/api/campaigns/overview", bTok, nil)
	if strings.Contains(string(ov.Body), aID) {
		t.Error("overview shows A to B's member")
	}

	for _, tt := range []struct{ method, path string }{
		{"GET", "/api/campaigns/" + aID},
		{"GET", "/api/campaigns/alpha"},
		{"PUT", "/api/campaigns/" + aID},
		{"DELETE", "/api/campaigns/" + aID},
		{"POST", "/api/campaigns/" + aID + "/duplicate"},
		{"GET", "/api/campaigns/" + aID + "/agents"},
		{"GET", "/api/campaigns/" + aID + "/activity"},
		{"GET", "/api/campaigns/" + aID + "/metrics"},
		{"GET", "/api/campaigns/" + aID + "/members"},
		{"GET", "/api/agents?campaign_id=" + aID},
		{"GET", "/api/agents"}, // the default campaign, which B's member may not see
	} {
		body := any(nil)
		if tt.method == "PUT" {
			body = map[string]string{"name": "Hijacked"}
		}
		if res := s.Do(tt.method, tt.path, bTok, body); res.Status != http.StatusNotFound {
			t.Errorf("%s %s as B's member: %d, want 404", tt.method, tt.path, res.Status)
		}
	}
	res := s.Do("GET", "/api/agents", bTok, nil, "X-Campaign-ID", aID)
	if res.Status != http.StatusNotFound {
		t.Errorf("X-Campaign-ID of A: %d, want 404", res.Status)
	}
	if res := s.Do("GET", "/api/agents", admin, nil, "X-Campaign-ID", "no-such"); res.Status != http.StatusNotFound {
		t.Errorf("unknown campaign: %d, want 404 (never a fallback)", res.Status)
	}
	if got := s.Do("GET", "/api/campaigns/"+aID, admin, nil).JSON(t)["name"]; got != "Alpha" {
		t.Errorf("A renamed to %v by B's member", got)
	}

	// A viewer sees but cannot change.
	if res := s.Do("GET", "/api/campaigns/"+aID, viewerTok, nil); res.Status != http.StatusOK {
		t.Errorf("viewer get: %d", res.Status)
	}
	if res := s.Do("PUT", "/api/campaigns/"+aID, viewerTok, map[string]string{"name": "V"}); res.Status != http.StatusForbidden {
		t.Errorf("viewer update: %d, want 403", res.Status)
	}

	// A token bound to B reaches only B, capped at viewer.
	tokRes := s.Do("POST", "/api/tokens", admin, map[string]any{"name": "bound",
		"campaignId": bID, "role": "viewer"})
	if tokRes.Status != http.StatusCreated {
		t.Fatalf("create token: %d %s", tokRes.Status, tokRes.Body)
	}
	bound := tokRes.JSON(t)["token"].(string)
	if res := s.Do("GET", "/api/campaigns/"+aID, bound, nil); res.Status != http.StatusNotFound {
		t.Errorf("bound token on A: %d, want 404", res.Status)
	}
	if res := s.Do("GET", "/api/campaigns/"+bID, bound, nil); res.Status != http.StatusOK {
		t.Errorf("bound token on B: %d, want 200", res.Status)
	}
	if res := s.Do("PUT", "/api/campaigns/"+bID, bound, map[string]string{"name": "X"}); res.Status != http.StatusForbidden {
		t.Errorf("viewer-capped token update: %d, want 403", res.Status)
	}
	if res := s.Do("GET", "/api/campaigns", bound, nil); strings.Contains(string(res.Body), aID) {
		t.Error("bound token lists A")
	}
}

func TestDuplicateCampaign(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	res := s.Do("POST", "/api/campaigns/default-hoa-fl/duplicate", admin,
		map[string]any{"name": "HOA GA Launch"})
	if res.Status != http.StatusCreated {
		t.Fatalf("duplicate: %d %s", res.Status, res.Body)
	}
	c := res.JSON(t)
	if c["status"] != "paused" || c["slug"] != "hoa-ga-launch" || c["agentCount"] != 13.0 ||
		c["scheduleCount"] != 10.0 || c["leadCount"] != 0.0 || c["timezone"] != "America/New_York" {
		t.Errorf("copy = %v", c)
	}
	again := s.Do("POST", "/api/campaigns/default-hoa-fl/duplicate", admin, nil)
	if again.Status != http.StatusCreated || again.JSON(t)["slug"] != "hoa-fl-lead-gen-legacy-copy" {
		t.Errorf("default-named copy: %d %s", again.Status, again.Body)
	}
	bad := s.Do("POST", "/api/campaigns/default-hoa-fl/duplicate", admin,
		map[string]any{"include": []string{"leads"}})
	if bad.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad include: %d, want 422", bad.Status)
	}
}

func TestOverviewAndList(t *testing.T) {
	s := testutil.NewServer(t, true)
	admin := s.AdminToken()
	var ov struct {
		Totals struct {
			Campaigns, ActiveCampaigns, Agents, Runs7d, Leads7d int
		}
		Campaigns []struct {
			ID, Status               string
			Runs7d, Leads7d, Leads14 int
			FailedRuns7d             int
		}
	}
	s.Do("GET", "/api/campaigns/overview", admin, nil).Decode(t, &ov)
	if ov.Totals.Campaigns < 4 || ov.Totals.Agents < 13 || ov.Totals.Runs7d == 0 ||
		ov.Totals.Leads7d == 0 {
		t.Errorf("totals = %+v, want the demo's campaigns with runs and leads", ov.Totals)
	}
	sum := 0
	for _, c := range ov.Campaigns {
		sum += c.Runs7d
	}
	if sum != ov.Totals.Runs7d {
		t.Errorf("runs7d per campaign add to %d, totals say %d", sum, ov.Totals.Runs7d)
	}

	// Keyset paging visits every campaign once.
	seen := map[string]bool{}
	cursor := ""
	for page := 0; page < 10; page++ {
		res := s.Do("GET", "/api/campaigns?status=all&limit=1&cursor="+cursor, admin, nil)
		var l struct {
			Data       []struct{ ID string }
			NextCursor *string
		}
		res.Decode(t, &l)
		for _, c := range l.Data {
			if seen[c.ID] {
				t.Errorf("campaign %s listed twice", c.ID)
			}
			seen[c.ID] = true
		}
		if l.NextCursor == nil {
			break
		}
		cursor = *l.NextCursor
	}
	if len(seen) != ov.Totals.Campaigns {
		t.Errorf("paged through %d campaigns, overview has %d", len(seen), ov.Totals.Campaigns)
	}
	if res := s.Do("GET", "/api/campaigns?cursor=garbage!", admin, nil); res.Status != http.StatusBadRequest {
		t.Errorf("bad cursor: %d, want 400", res.Status)
	}
	if res := s.Do("GET", "/api/campaigns?limit=501", admin, nil); res.Status != http.StatusBadRequest {
		t.Errorf("limit 501: %d, want 400", res.Status)
	}
}

func TestMetricsAPI(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	var m struct{ Data []map[string]any }
	s.Do("GET", "/api/campaigns/default-hoa-fl/metrics?from=2026-01-01&to=2026-01-03",
		admin, nil).Decode(t, &m)
	if len(m.Data) != 3 || m.Data[0]["date"] != "2026-01-01" || m.Data[2]["agentRuns"] != 0.0 {
		t.Errorf("metrics = %v", m.Data)
	}
	if res := s.Do("GET", "/api/campaigns/default-hoa-fl/metrics?days=7", admin, nil); res.Status != 200 {
		t.Errorf("days=7: %d", res.Status)
	}
	if res := s.Do("GET", "/api/campaigns/default-hoa-fl/metrics?from=2026-13-01&to=2026-01-01",
		admin, nil); res.Status != http.StatusBadRequest {
		t.Errorf("bad from: %d, want 400", res.Status)
	}
	rc := s.Do("POST", "/api/campaigns/default-hoa-fl/metrics/recompute", admin,
		map[string]string{"from": "2026-01-01", "to": "2026-01-02"})
	if rc.Status != http.StatusOK {
		t.Errorf("recompute: %d %s", rc.Status, rc.Body)
	}
	bad := s.Do("POST", "/api/campaigns/default-hoa-fl/metrics/recompute", admin,
		map[string]string{"from": "2026-01-05", "to": "2026-01-02"})
	if bad.Status != http.StatusUnprocessableEntity {
		t.Errorf("reversed range: %d, want 422", bad.Status)
	}
}

func TestAuditTrail(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	s.Do("POST", "/api/auth/login", "", map[string]string{"email": testutil.AdminEmail,
		"password": "a wrong password here"})
	c := createCampaign(t, s, admin, map[string]any{"name": "Audited", "company": "A"})
	s.Do("PUT", "/api/campaigns/"+c["id"].(string), admin, map[string]any{"color": "bad"})
	s.Do("POST", "/api/users", admin, map[string]string{"email": "new@example.com",
		"password": "secret passphrase 123", "role": "member"})

	res := s.Do("GET", "/api/audit?limit=500", admin, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("audit: %d %s", res.Status, res.Body)
	}
	body := string(res.Body)
	var entries struct {
		Data []struct{ Action, Outcome, CampaignID, UserID, IP string }
	}
	res.Decode(t, &entries)
	seen := map[string]bool{}
	for _, e := range entries.Data {
		seen[e.Action+" "+e.Outcome] = true
		if e.IP == "" {
			t.Errorf("%s without an IP", e.Action)
		}
		if e.Action == "campaign.create" && e.CampaignID != c["id"] {
			t.Errorf("campaign.create names campaign %q", e.CampaignID)
		}
	}
	for _, want := range []string{"auth.login denied", "auth.login success",
		"campaign.create success", "campaign.update failure", "user.create success"} {
		if !seen[want] {
			t.Errorf("audit log lacks %s; has %v", want, seen)
		}
	}
	for _, secret := range []string{"a wrong password here", "secret passphrase 123",
		testutil.AdminPassword, admin} {
		if strings.Contains(body, secret) {
			t.Errorf("audit log contains a secret %q", secret)
		}
	}
	_, memberTok := newMember(t, s, admin, "m@example.com")
	if res := s.Do("GET", "/api/audit", memberTok, nil); res.Status != http.StatusForbidden {
		t.Errorf("member reads audit: %d, want 403", res.Status)
	}
}

func TestEventStream(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET",
		s.URL+"/api/campaigns/default-hoa-fl/events", nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	rd := bufio.NewReader(res.Body)
	readLine := func() string {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("read stream: %v", err)
		}
		return strings.TrimSpace(line)
	}
	for readLine() != "" { // the greeting block
	}
	s.Do("PUT", "/api/campaigns/default-hoa-fl", admin, map[string]string{"description": "live"})
	if got := readLine(); got != "event: activity.created" {
		t.Fatalf("first line %q", got)
	}
	data := readLine()
	if !strings.Contains(data, `"campaignId":"default-hoa-fl"`) ||
		!strings.Contains(data, "campaign.updated") {
		t.Errorf("data %q", data)
	}
}

func TestOpenAPIMatchesRouter(t *testing.T) {
	s := testutil.NewServer(t, false)
	res := s.Do("GET", "/api/openapi.json", "", nil)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]json_operation `json:"paths"`
	}
	res.Decode(t, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	routed := map[string]bool{}
	for _, r := range s.App.Server.Routes() {
		if !strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		key := r.Method + " " + paramStyle(r.Path)
		routed[key] = true
		if !documented[key] {
			t.Errorf("route %s is not in the API document", key)
		}
	}
	for key := range documented {
		if !routed[key] {
			t.Errorf("documented %s has no route", key)
		}
	}
}

type json_operation = map[string]any

func paramStyle(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

func TestHealth(t *testing.T) {
	s := testutil.NewServer(t, false)
	for _, path := range []string{"/healthz", "/readyz"} {
		res := s.Do("GET", path, "", nil)
		if res.Status != http.StatusOK {
			t.Errorf("%s: %d %s", path, res.Status, res.Body)
		}
		if res.Header.Get("X-Request-ID") == "" {
			t.Errorf("%s: no X-Request-ID", path)
		}
	}
	if res := s.Do("GET", "/api/nope", "", nil); res.Status != http.StatusNotFound ||
		!strings.Contains(string(res.Body), `"code":"not_found"`) {
		t.Errorf("unknown API path: %d %s", res.Status, res.Body)
	}
}

func TestTimezoneChangeMovesTheDailyMetrics(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	var c struct{ ID string }
	s.Do("POST", "/api/campaigns", admin, map[string]any{"name": "Moving Days",
		"company": "Co", "timezone": "UTC"}).Decode(t, &c)
	// A lead made at 02:00Z on 10 March 2026: the 10th in UTC, the 9th in New York.
	if _, err := s.App.DB.Exec(t.Context(), `INSERT INTO leads (id, campaign_id, email, created_at,
		updated_at) VALUES ('tz-lead', ?, 'tz@example.com', '2026-03-10T02:00:00.000Z',
		'2026-03-10T02:00:00.000Z')`, c.ID); err != nil {
		t.Fatal(err)
	}
	if res := s.Do("POST", "/api/campaigns/"+c.ID+"/metrics/recompute", admin,
		map[string]string{"from": "2026-03-09", "to": "2026-03-10"}); res.Status != http.StatusOK {
		t.Fatalf("recompute: %d %s", res.Status, res.Body)
	}
	leads := func() []float64 {
		var m struct{ Data []map[string]any }
		s.Do("GET", "/api/campaigns/"+c.ID+"/metrics?from=2026-03-09&to=2026-03-10", admin,
			nil).Decode(t, &m)
		var out []float64
		for _, d := range m.Data {
			out = append(out, d["leadsGenerated"].(float64))
		}
		return out
	}
	if got := leads(); !slices.Equal(got, []float64{0, 1}) {
		t.Fatalf("leads per day in UTC = %v, want [0 1]", got)
	}
	if res := s.Do("PUT", "/api/campaigns/"+c.ID, admin,
		map[string]any{"timezone": "America/New_York"}); res.Status != http.StatusOK {
		t.Fatalf("move to New York: %d %s", res.Status, res.Body)
	}
	if got := leads(); !slices.Equal(got, []float64{1, 0}) {
		t.Errorf("leads per day in New York = %v, want [1 0]", got)
	}
}
