package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/clawops/clawops/internal/testutil"
)

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// browserClient keeps cookies and does not follow redirects, like a form-posting browser
// whose every step the test inspects.
func browserClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func postForm(t *testing.T, c *http.Client, u string, v url.Values) (*http.Response, string) {
	t.Helper()
	res, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestSignInWithoutJavaScript(t *testing.T) {
	s := testutil.NewServer(t, false)
	c := browserClient(t)

	res, _ := get(t, c, s.URL+"/")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2F" {
		t.Fatalf("anonymous /: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, page := get(t, c, s.URL+"/login?next=/")
	m := csrfField.FindStringSubmatch(page)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("login page: %d, csrf field found %v", res.StatusCode, m != nil)
	}
	token := m[1]

	res, _ = postForm(t, c, s.URL+"/login", url.Values{"email": {testutil.AdminEmail},
		"password": {testutil.AdminPassword}})
	if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusBadRequest {
		t.Errorf("sign-in without the CSRF token: %d, want 403 or 400", res.StatusCode)
	}

	res, page = postForm(t, c, s.URL+"/login", url.Values{"email": {testutil.AdminEmail},
		"password": {"wrong wrong wrong"}, "csrf_token": {token}, "next": {"/"}})
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "do not match") {
		t.Errorf("wrong password: %d", res.StatusCode)
	}

	before := sessionCookie(c, s.URL)
	res, _ = postForm(t, c, s.URL+"/login", url.Values{"email": {testutil.AdminEmail},
		"password": {testutil.AdminPassword}, "csrf_token": {token},
		"next": {"https://evil.example/"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("sign-in: %d to %q, want 303 to / (never off-site)", res.StatusCode,
			res.Header.Get("Location"))
	}
	after := sessionCookie(c, s.URL)
	if after == nil || (before != nil && before.Value == after.Value) {
		t.Error("the session token was not renewed at sign-in")
	}
	for _, sc := range res.Cookies() {
		if sc.Name == "clawops_session" && (!sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode) {
			t.Errorf("session cookie %+v, want HttpOnly and SameSite=Lax", sc)
		}
	}

	res, page = get(t, c, s.URL+"/")
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "HOA FL Lead Gen (Legacy)") {
		t.Errorf("home: %d", res.StatusCode)
	}
	// The session cookie reads the API but cannot change anything through it.
	res, _ = get(t, c, s.URL+"/api/auth/me")
	if res.StatusCode != http.StatusOK {
		t.Errorf("API read with the session cookie: %d", res.StatusCode)
	}
	req, _ := http.NewRequest("PUT", s.URL+"/api/campaigns/default-hoa-fl",
		strings.NewReader(`{"name":"Cross-site"}`))
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("API change with the session cookie: %d, want 401", res.StatusCode)
	}

	res, _ = postForm(t, c, s.URL+"/logout", url.Values{"csrf_token": {token}})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("logout: %d", res.StatusCode)
	}
	if res, _ = get(t, c, s.URL+"/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("home after logout: %d, want a redirect to sign in", res.StatusCode)
	}
}

func sessionCookie(c *http.Client, base string) *http.Cookie {
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "clawops_session" {
			return ck
		}
	}
	return nil
}

func TestUnknownPageIs404Page(t *testing.T) {
	s := testutil.NewServer(t, false)
	res, page := get(t, browserClient(t), s.URL+"/no/such/page")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(page, `data-testid="error-page"`) {
		t.Errorf("unknown page: %d", res.StatusCode)
	}
}
