package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/clawops/clawops/internal/testutil"
)

func TestCappedTokensHaveNoPlatformPowers(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	res := s.Do("POST", "/api/tokens", admin, map[string]any{"name": "ro", "role": "viewer"})
	if res.Status != http.StatusCreated {
		t.Fatalf("create capped token: %d %s", res.Status, res.Body)
	}
	capped := res.JSON(t)["token"].(string)
	for _, tt := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/users", map[string]any{"email": "x@example.com", "password": "long password 1"}},
		{"GET", "/api/audit", nil},
		{"POST", "/api/campaigns", map[string]any{"name": "Capped", "company": "C"}},
		{"POST", "/api/tokens", map[string]any{"name": "escalate"}},
		{"GET", "/api/tokens", nil},
		{"PUT", "/api/campaigns/default-hoa-fl", map[string]any{"name": "Renamed"}},
	} {
		if got := s.Do(tt.method, tt.path, capped, tt.body); got.Status != http.StatusForbidden {
			t.Errorf("%s %s with a viewer-capped token: %d, want 403", tt.method, tt.path, got.Status)
		}
	}
	if got := s.Do("GET", "/api/campaigns/default-hoa-fl", capped, nil); got.Status != http.StatusOK {
		t.Errorf("a viewer-capped token cannot read: %d", got.Status)
	}
}

func TestOnlyAdminsSetHostExecutors(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	c := createCampaign(t, s, admin, map[string]any{"name": "Exec", "company": "E"})
	uid, op := newMember(t, s, admin, "op@example.com")
	s.Do("POST", "/api/campaigns/"+c["id"].(string)+"/members", admin,
		map[string]any{"userId": uid, "role": "operator"})
	shell := map[string]any{"name": "sh", "executor": map[string]any{"type": "command",
		"command": []string{"/bin/sh", "-c", "id"}}}
	path := "/api/campaigns/" + c["id"].(string) + "/agents"
	if res := s.Do("POST", path, op, shell); res.Status != http.StatusForbidden {
		t.Errorf("operator sets a command executor: %d, want 403", res.Status)
	}
	if res := s.Do("POST", path, op, map[string]any{"templateId": "tpl-hoa-discovery"}); res.Status != http.StatusCreated {
		t.Errorf("operator assigns from a template: %d %s", res.Status, res.Body)
	}
	if res := s.Do("POST", path, admin, shell); res.Status != http.StatusCreated {
		t.Errorf("admin sets a command executor: %d %s", res.Status, res.Body)
	}
}

func TestArchivedCampaignLeavesOnlyByRestore(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	c := createCampaign(t, s, admin, map[string]any{"name": "Shelved", "company": "S"})
	id := c["id"].(string)
	s.Do("DELETE", "/api/campaigns/"+id, admin, nil)
	if res := s.Do("PUT", "/api/campaigns/"+id, admin, map[string]any{"status": "active"}); res.Status != http.StatusConflict {
		t.Errorf("PUT status on an archived campaign: %d, want 409", res.Status)
	}
	if got := s.Do("GET", "/api/campaigns/"+id, admin, nil).JSON(t)["status"]; got != "archived" {
		t.Errorf("status %v after a refused PUT", got)
	}
}

func TestParallelGuessesAreThrottled(t *testing.T) {
	s := testutil.NewServer(t, false)
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[int]int{}
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := s.Do("POST", "/api/auth/login", "", map[string]string{
				"email": testutil.AdminEmail, "password": "guess guess guess"})
			mu.Lock()
			counts[res.Status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if counts[http.StatusUnauthorized] > 5 || counts[http.StatusTooManyRequests] < 7 {
		t.Errorf("12 parallel guesses got %v, want at most 5 checked and the rest 429", counts)
	}
}

func TestSignInNeverRedirectsOffSite(t *testing.T) {
	s := testutil.NewServer(t, false)
	for _, next := range []string{"//evil.example/", "/\t/evil.example", "/\\evil.example",
		"https://evil.example/", "/%09/evil.example", "javascript:alert(1)"} {
		c := browserClient(t)
		_, page := get(t, c, s.URL+"/login")
		token := csrfField.FindStringSubmatch(page)[1]
		res, _ := postForm(t, c, s.URL+"/login", url.Values{"email": {testutil.AdminEmail},
			"password": {testutil.AdminPassword}, "csrf_token": {token}, "next": {next}})
		loc := res.Header.Get("Location")
		u, err := url.Parse(loc)
		if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(loc, "/") ||
			strings.HasPrefix(loc, "//") || strings.ContainsAny(loc, "\t\\") {
			t.Errorf("next=%q redirected to %q", next, loc)
		}
	}
}

func TestQuietHoursAndMemberErrors(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	tests := []struct {
		body, field string
	}{
		{`{"quietHours":"x"}`, "quietHours"},
		{`{"quietHours":{"start":1,"end":"08:00"}}`, "quietHours.start"},
		{`{"quietHours":{"start":"09:00","stop":"08:00"}}`, "quietHours.stop"},
	}
	for _, tt := range tests {
		res := s.Do("PUT", "/api/campaigns/default-hoa-fl", admin, tt.body)
		fields, _ := res.JSON(t)["error"].(map[string]any)["fields"].(map[string]any)
		if res.Status != http.StatusUnprocessableEntity || fields[tt.field] == nil {
			t.Errorf("%s: %d %s, want 422 naming %s", tt.body, res.Status, res.Body, tt.field)
		}
	}
	uid, _ := newMember(t, s, admin, "twice@example.com")
	body := map[string]any{"userId": uid, "role": "viewer"}
	s.Do("POST", "/api/campaigns/default-hoa-fl/members", admin, body)
	if res := s.Do("POST", "/api/campaigns/default-hoa-fl/members", admin, body); res.Status != http.StatusConflict {
		t.Errorf("adding a member twice: %d, want 409", res.Status)
	}
}
