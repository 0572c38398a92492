package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/clawops/clawops/internal/testutil"
)

// concretePath fills every :param of a route pattern with value.
func concretePath(pattern, value string) string {
	parts := strings.Split(pattern, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = value
		}
	}
	return strings.Join(parts, "/")
}

func isSafe(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// TestEveryPageChangeNeedsTheCSRFToken walks the router's own routes: every change made with
// the session cookie outside the API must carry the session's CSRF token, and a request that
// a browser marks as coming from another site is refused even with it.
func TestEveryPageChangeNeedsTheCSRFToken(t *testing.T) {
	s := testutil.NewServer(t, false)
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
	checked := 0
	for _, r := range s.App.Server.Routes() {
		if isSafe(r.Method) || strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		checked++
		path := concretePath(r.Path, "default-hoa-fl")
		send := func(token, site string) int {
			form := url.Values{"name": {"Changed"}}
			if token != "" {
				form.Set("csrf_token", token)
			}
			req, _ := http.NewRequest(r.Method, s.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("HX-Request", "true")
			if site != "" {
				req.Header.Set("Sec-Fetch-Site", site)
			}
			res, err := b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		if got := send("", ""); got != http.StatusBadRequest && got != http.StatusForbidden {
			t.Errorf("%s %s without a token: %d, want 400 or 403", r.Method, r.Path, got)
		}
		if got := send("not-the-token", ""); got != http.StatusForbidden {
			t.Errorf("%s %s with a wrong token: %d, want 403", r.Method, r.Path, got)
		}
		if got := send(b.token, "cross-site"); got != http.StatusForbidden {
			t.Errorf("%s %s from another site: %d, want 403", r.Method, r.Path, got)
		}
	}
	if checked < 20 {
		t.Fatalf("only %d page changes found; the route list is not what it seems", checked)
	}
	res := s.Do("GET", "/api/campaigns/default-hoa-fl", s.AdminToken(), nil)
	if name := res.JSON(t)["name"]; name == "Changed" {
		t.Error("a request without a valid CSRF token changed the campaign")
	}
}

var hxHeaders = regexp.MustCompile(`<body[^>]*hx-headers="([^"]*)"`)

// TestHTMXSendsTheCSRFToken checks that every page tells htmx to send the session's token,
// and that the header alone, as htmx sends it, is accepted.
func TestHTMXSendsTheCSRFToken(t *testing.T) {
	s := testutil.NewServer(t, false)
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
	for _, path := range []string{"/", "/c/default-hoa-fl", "/c/default-hoa-fl/leads",
		"/c/default-hoa-fl/settings", "/admin/audit"} {
		_, page := b.do("GET", path, nil, false)
		m := hxHeaders.FindStringSubmatch(page)
		if m == nil {
			t.Errorf("%s: no hx-headers on <body>", path)
			continue
		}
		var headers map[string]string
		if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &headers); err != nil ||
			headers["X-CSRF-Token"] != b.token {
			t.Errorf("%s: hx-headers %q do not carry the session's token", path, m[1])
		}
	}
	req, _ := http.NewRequest("POST", s.URL+"/c/default-hoa-fl/leads",
		strings.NewReader(url.Values{"name": {"Via htmx"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", b.token)
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode >= 400 && res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("htmx post with the header token: %d", res.StatusCode)
	}
}

// TestAPIRefusesTheSessionCookieForChanges walks every API route that changes something: the
// browser cookie, even with a valid CSRF token and a same-origin mark, never authorises it.
func TestAPIRefusesTheSessionCookieForChanges(t *testing.T) {
	s := testutil.NewServer(t, false)
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
	checked := 0
	for _, r := range s.App.Server.Routes() {
		if isSafe(r.Method) || !strings.HasPrefix(r.Path, "/api/") ||
			r.Path == "/api/auth/login" {
			continue
		}
		checked++
		req, _ := http.NewRequest(r.Method, s.URL+concretePath(r.Path, "default-hoa-fl"),
			strings.NewReader(`{"name":"Changed"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", b.token)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s %s with the session cookie: %d, want 401", r.Method, r.Path,
				res.StatusCode)
		}
	}
	if checked < 50 {
		t.Fatalf("only %d API changes found", checked)
	}
	// Reads with the cookie work, so that the console's own scripts can use the API.
	res, _ := b.do("GET", "/api/campaigns/default-hoa-fl", nil, false)
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET with the session cookie: %d, want 200", res.StatusCode)
	}
}
