package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/clawops/clawops/internal/testutil"
)

// TestEveryMutationIsAuditedWithoutSecrets sends a request to every route that changes
// something, through the API and through the console, carrying secrets in its body. Each
// must leave an audit row, whatever its outcome, and no row may hold any secret.
func TestEveryMutationIsAuditedWithoutSecrets(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
	const secretPassword = "S3cret passphrase never logged"
	const secretToken = "cwo_secret_never_logged"
	body := map[string]any{"password": secretPassword, "token": secretToken,
		"apiKey": secretToken}

	// fill gives path parameters values: the default campaign, where a campaign is named,
	// and ids that exist nowhere elsewhere.
	fill := func(path string) string {
		parts := strings.Split(path, "/")
		for i, p := range parts {
			switch {
			case p == ":slug":
				parts[i] = "hoa-fl-lead-gen"
			case p == ":id" && i == 3 && parts[2] == "campaigns":
				parts[i] = "default-hoa-fl"
			case strings.HasPrefix(p, ":"):
				parts[i] = "no-such-" + p[1:]
			}
		}
		return strings.Join(parts, "/")
	}
	type sent struct{ method, path string }
	var all []sent
	for _, r := range s.App.Server.Routes() {
		if r.Method == http.MethodGet || r.Method == http.MethodHead ||
			r.Method == "echo_route_not_found" {
			continue
		}
		path := fill(r.Path)
		switch {
		// Signing in audits itself and is tested on its own; signing out ends the session
		// the rest of the test uses, so it goes last.
		case r.Path == "/login" || r.Path == "/logout" || r.Path == "/api/auth/logout" ||
			r.Path == "/account/sessions/end-all":
			continue
		case strings.HasPrefix(r.Path, "/api/"):
			s.Do(r.Method, path, admin, body)
		default:
			form := url.Values{"password": {secretPassword}, "token": {secretToken}}
			b.do(r.Method, path, form, false)
		}
		all = append(all, sent{r.Method, path})
	}
	other := s.Login(testutil.AdminEmail, testutil.AdminPassword)
	s.Do("POST", "/api/auth/logout", other, nil)
	b.do("POST", "/logout", url.Values{}, false)
	// Signing out everywhere ends every session and sign-in token of the admin, so it comes
	// after everything else, from a session of its own.
	signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword).do("POST",
		"/account/sessions/end-all", url.Values{}, false)
	all = append(all, sent{"POST", "/api/auth/logout"}, sent{"POST", "/logout"},
		sent{"POST", "/account/sessions/end-all"})

	if len(all) < 40 {
		t.Fatalf("only %d mutation routes were found", len(all))
	}
	for _, r := range all {
		var n int
		err := s.App.DB.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE method = ? AND path = ?`,
			r.method, r.path).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Errorf("%s %s left no audit row", r.method, r.path)
		}
	}

	rows, err := s.App.DB.R.Query(`SELECT id, created_at, COALESCE(user_id, ''),
		COALESCE(token_id, ''), action, resource, COALESCE(campaign_id, ''), method, path,
		status, outcome, ip, request_id, detail FROM audit_log`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	secrets := []string{secretPassword, secretToken, testutil.AdminPassword, admin, other,
		b.token}
	readable := false
	for rows.Next() {
		cols := make([]any, 14)
		for i := range cols {
			cols[i] = new(any)
		}
		if err := rows.Scan(cols...); err != nil {
			t.Fatal(err)
		}
		var line string
		for _, v := range cols {
			switch x := (*v.(*any)).(type) {
			case []byte:
				line += string(x) + " "
			default:
				line += fmt.Sprint(x) + " "
			}
		}
		readable = readable || strings.Contains(line, "default-hoa-fl")
		for _, secret := range secrets {
			if strings.Contains(line, secret) {
				t.Errorf("an audit row holds a secret: %s", line)
			}
		}
	}
	if !readable {
		t.Error("no audit row could be read as text")
	}
}
