package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/clawops/clawops/internal/app"
	"github.com/clawops/clawops/internal/config"
	"github.com/clawops/clawops/internal/testutil"
)

var nonceRE = regexp.MustCompile(`'nonce-([A-Za-z0-9+/_-]+=*)'`)

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	tests := []struct {
		name, path, token string
		status            int
	}{
		{"sign-in page", "/login", "", http.StatusOK},
		{"page redirect", "/", "", http.StatusSeeOther},
		{"not found page", "/no/such/page", "", http.StatusNotFound},
		{"api answer", "/api/campaigns", admin, http.StatusOK},
		{"api error", "/api/campaigns", "", http.StatusUnauthorized},
		{"static file", "/static/js/app.js", "", http.StatusOK},
		{"health", "/healthz", "", http.StatusOK},
	}
	want := map[string]string{
		"X-Content-Type-Options":       "nosniff",
		"X-Frame-Options":              "DENY",
		"Referrer-Policy":              "same-origin",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := noRedirect(t, s, tt.path, tt.token)
			if res.Status != tt.status {
				t.Fatalf("status %d, want %d", res.Status, tt.status)
			}
			for k, v := range want {
				if got := res.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			checkPolicy(t, res.Header.Get("Content-Security-Policy"))
			if pp := res.Header.Get("Permissions-Policy"); !strings.Contains(pp, "camera=()") {
				t.Errorf("Permissions-Policy = %q", pp)
			}
			if hsts := res.Header.Get("Strict-Transport-Security"); hsts != "" {
				t.Errorf("HSTS %q over plain HTTP without secure cookies", hsts)
			}
		})
	}
}

// checkPolicy fails unless csp allows scripts and styles only from this origin and the nonce,
// and forbids framing.
func checkPolicy(t *testing.T, csp string) {
	t.Helper()
	directives := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	nonce := nonceRE.FindStringSubmatch(csp)
	if nonce == nil {
		t.Fatalf("no nonce in %q", csp)
	}
	for name, want := range map[string]string{
		"default-src":     "'none'",
		"script-src":      "'self' 'nonce-" + nonce[1] + "'",
		"style-src":       "'self' 'nonce-" + nonce[1] + "'",
		"frame-ancestors": "'none'",
		"object-src":      "'none'",
		"base-uri":        "'none'",
		"form-action":     "'self'",
	} {
		if got := directives[name]; got != want {
			t.Errorf("%s %q, want %q", name, got, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("policy allows something unsafe: %q", csp)
	}
}

func noRedirect(t *testing.T, s *testutil.Server, path, token string) testutil.Response {
	t.Helper()
	req, err := http.NewRequest("GET", s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := *s.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return testutil.Response{Status: res.StatusCode, Header: res.Header, Body: body}
}

func TestPageInlineElementsCarryTheResponseNonce(t *testing.T) {
	s := testutil.NewServer(t, false)
	seen := map[string]bool{}
	for range 2 {
		res := noRedirect(t, s, "/login", "")
		nonce := nonceRE.FindStringSubmatch(res.Header.Get("Content-Security-Policy"))[1]
		if seen[nonce] {
			t.Errorf("nonce %q served twice", nonce)
		}
		seen[nonce] = true
		page := string(res.Body)
		for _, tag := range []string{"<script", "<style"} {
			for _, el := range regexp.MustCompile(tag+`[^>]*>`).FindAllString(page, -1) {
				if !strings.Contains(el, `src=`) && !strings.Contains(el, `nonce="`+nonce+`"`) {
					t.Errorf("inline %s without the response's nonce", el)
				}
			}
		}
		if strings.Contains(page, " style=") || strings.Contains(page, " onclick=") {
			t.Error("the page has inline style or event attributes")
		}
		if !strings.Contains(page, `&#34;allowEval&#34;:false`) {
			t.Error("htmx is not configured to refuse eval")
		}
	}
}

func TestStrictTransportSecurityOverTLS(t *testing.T) {
	s := testutil.NewServer(t, false)
	ts := httptest.NewTLSServer(s.App.Server)
	t.Cleanup(ts.Close)
	res, err := ts.Client().Get(ts.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
		t.Errorf("Strict-Transport-Security over TLS = %q", got)
	}
}

// TestStrictTransportSecurityBehindATLSProxy checks the header over plain HTTP when the
// secure-cookies setting says a TLS-terminating proxy stands in front.
func TestStrictTransportSecurityBehindATLSProxy(t *testing.T) {
	cfg := config.Config{Addr: "127.0.0.1:0", DBPath: filepath.Join(t.TempDir(), "c.db"),
		AdminEmail: testutil.AdminEmail, AdminPassword: testutil.AdminPassword,
		LogFormat: "text", SecureCookies: true}
	a, err := app.Open(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	hs := httptest.NewServer(a.Server)
	t.Cleanup(hs.Close)
	res, err := hs.Client().Get(hs.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
		t.Errorf("Strict-Transport-Security with secure cookies = %q", got)
	}
}
