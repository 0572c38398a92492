package web_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/testutil"
)

// memberPassword is the password of the people these tests add.
const memberPassword = "a long enough passphrase"

var (
	secretText   = regexp.MustCompile(`data-testid="two-factor-secret">([A-Z2-7 ]+)<`)
	generatedPW  = regexp.MustCompile(`data-testid="generated-password">([^<]+)<`)
	tokenSecret  = regexp.MustCompile(`data-testid="token-secret">(cwo_[^<]+)<`)
	recoveryCode = regexp.MustCompile(`data-testid="recovery-code">([a-z0-9-]+)<`)
	sessionID    = regexp.MustCompile(`name="session" value="([^"]+)"`)
)

// totp computes the code an authenticator app shows for secret at t (RFC 6238: HMAC-SHA-1,
// 30-second steps, 6 digits), independently of the server's code.
func totp(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(
		strings.ReplaceAll(secret, " ", ""))
	if err != nil {
		t.Fatalf("secret %q: %v", secret, err)
	}
	mac := hmac.New(sha1.New, key)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(at.Unix()/30))
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	return fmt.Sprintf("%06d", (binary.BigEndian.Uint32(sum[off:off+4])&0x7fffffff)%1_000_000)
}

func find(t *testing.T, re *regexp.Regexp, page, what string) string {
	t.Helper()
	m := re.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no %s on the page", what)
	}
	return m[1]
}

func TestPeoplePagesAnswerBothShapes(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	id, _ := newMember(t, s, admin, "shapes@example.com")
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)

	tests := []struct {
		name, path, fullMarker, partialMarker string
	}{
		{"people", "/admin/users", `data-testid="users-title"`, `id="users-list"`},
		{"a person", "/admin/users/" + id, `data-testid="top-bar"`, `id="user-main"`},
		{"every token", "/admin/tokens", `data-testid="top-bar"`, `id="tokens-main"`},
		{"own tokens", "/account/tokens", `data-testid="top-bar"`, `id="tokens-main"`},
		{"account", "/account", `data-testid="top-bar"`, `id="account"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, full := b.do("GET", tt.path, nil, false)
			if res.StatusCode != http.StatusOK || !strings.Contains(full, "<!doctype html>") &&
				!strings.Contains(full, "<!DOCTYPE html>") {
				t.Fatalf("full page: %d", res.StatusCode)
			}
			if !strings.Contains(full, tt.fullMarker) {
				t.Errorf("full page lacks %s", tt.fullMarker)
			}
			if !strings.Contains(full, tt.partialMarker) {
				t.Errorf("full page lacks the fragment %s", tt.partialMarker)
			}
			res, part := b.do("GET", tt.path, nil, true)
			if res.StatusCode != http.StatusOK || !strings.Contains(part, tt.partialMarker) ||
				strings.Contains(part, "<html") {
				t.Errorf("partial: %d, marker %v, whole page %v", res.StatusCode,
					strings.Contains(part, tt.partialMarker), strings.Contains(part, "<html"))
			}
			if vary := strings.Join(res.Header.Values("Vary"), ", "); !strings.Contains(vary,
				"HX-Request") {
				t.Errorf("Vary = %q", vary)
			}
		})
	}
}

func TestAdminPagesAreForAdmins(t *testing.T) {
	s := testutil.NewServer(t, false)
	newMember(t, s, s.AdminToken(), "plain@example.com")
	b := signInAs(t, s, "plain@example.com", memberPassword)
	for _, tt := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/admin/users", http.StatusForbidden},
		{"POST", "/admin/users", http.StatusForbidden},
		{"GET", "/admin/tokens", http.StatusForbidden},
		{"POST", "/admin/settings/two-factor", http.StatusForbidden},
		{"GET", "/account", http.StatusOK},
		{"GET", "/account/tokens", http.StatusOK},
	} {
		var form url.Values
		if tt.method == "POST" {
			form = url.Values{"email": {"x@example.com"}}
		}
		if res, _ := b.do(tt.method, tt.path, form, false); res.StatusCode != tt.want {
			t.Errorf("%s %s as a member: %d, want %d", tt.method, tt.path, res.StatusCode,
				tt.want)
		}
	}
	// The top bar offers admins' pages to admins only.
	_, page := b.do("GET", "/", nil, false)
	if strings.Contains(page, `data-testid="admin-users-link"`) ||
		!strings.Contains(page, `data-testid="account-link"`) {
		t.Error("a member's top bar links to the admins' pages, or not to their account")
	}
}

func TestAdminAddsPeople(t *testing.T) {
	s := testutil.NewServer(t, false)
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)

	tests := []struct {
		name       string
		form       url.Values
		wantStatus int
		wantText   string
	}{
		{"common password", url.Values{"email": {"c@example.com"}, "role": {"member"},
			"password": {"Password1234"}}, 422, "is too common"},
		{"short password", url.Values{"email": {"c@example.com"}, "role": {"member"},
			"password": {"short"}}, 422, "must be at least 12 characters"},
		{"bad email", url.Values{"email": {"nope"}, "role": {"member"}}, 422,
			"must be a valid email address"},
		{"bad role", url.Values{"email": {"c@example.com"}, "role": {"king"}}, 422,
			"must be admin or member"},
		{"taken email", url.Values{"email": {strings.ToUpper(testutil.AdminEmail)},
			"role": {"member"}}, 422, "is already in use"},
		{"chosen password", url.Values{"email": {"chosen@example.com"}, "name": {"Chosen"},
			"role": {"member"}, "password": {memberPassword}}, 201, `data-testid="user-created"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, page := b.do("POST", "/admin/users", tt.form, false)
			if res.StatusCode != tt.wantStatus || !strings.Contains(page, tt.wantText) {
				t.Errorf("%d, want %d with %q", res.StatusCode, tt.wantStatus, tt.wantText)
			}
		})
	}
	if strings.Contains(string(s.Do("GET", "/api/users", s.AdminToken(), nil).Body),
		"c@example.com") {
		t.Error("a refused person was stored")
	}

	// An empty password is generated and shown once; it signs in.
	res, page := b.do("POST", "/admin/users", url.Values{"email": {"gen@example.com"},
		"role": {"member"}}, false)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create with a generated password: %d", res.StatusCode)
	}
	pw := find(t, generatedPW, page, "generated password")
	s.Login("gen@example.com", pw)
	if _, again := b.do("GET", "/admin/users", nil, false); strings.Contains(again, pw) {
		t.Error("the generated password is shown again")
	}

	// With htmx the form comes back with the list beside it, out of band.
	res, part := b.do("POST", "/admin/users", url.Values{"email": {"hx@example.com"},
		"role": {"member"}, "password": {memberPassword}}, true)
	if res.StatusCode != http.StatusCreated || !strings.Contains(part, `id="user-create"`) ||
		!strings.Contains(part, `hx-swap-oob="true"`) || strings.Contains(part, "<html") {
		t.Errorf("htmx create: %d", res.StatusCode)
	}
}

func TestAdminEditsDisablesAndEnablesPeople(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	id, tok := newMember(t, s, admin, "edit@example.com")
	member := signInAs(t, s, "edit@example.com", memberPassword)
	b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
	path := "/admin/users/" + id

	res, page := b.do("POST", path, url.Values{"name": {"Edited"}, "role": {"member"},
		"password_mode": {"set"}, "password": {"qwertyuiop123"}}, false)
	if res.StatusCode != 422 || !strings.Contains(page, "is too common") {
		t.Errorf("common password reset: %d", res.StatusCode)
	}
	res, _ = b.do("POST", path, url.Values{"name": {"Edited"}, "role": {"admin"},
		"password_mode": {"keep"}}, false)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	var who struct{ User struct{ Name, Role string } }
	s.Do("GET", "/api/auth/me", tok, nil).Decode(t, &who)
	if who.User.Name != "Edited" || who.User.Role != "admin" {
		t.Errorf("after editing: %+v", who.User)
	}

	// A generated password is shown once and ends the person's sessions.
	res, page = b.do("POST", path, url.Values{"name": {"Edited"}, "role": {"member"},
		"password_mode": {"generate"}}, false)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("generate: %d", res.StatusCode)
	}
	pw := find(t, generatedPW, page, "generated password")
	if res, _ := member.do("GET", "/", nil, false); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the person's session after a reset: %d, want a redirect to sign in",
			res.StatusCode)
	}
	member = signInAs(t, s, "edit@example.com", pw)
	tok = s.Login("edit@example.com", pw)

	// Disabling ends their session and their tokens at once.
	res, _ = b.do("POST", path+"/disable", url.Values{}, false)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", res.StatusCode)
	}
	if res, _ := member.do("GET", "/", nil, false); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a disabled person's session: %d", res.StatusCode)
	}
	if res := s.Do("GET", "/api/auth/me", tok, nil); res.Status != http.StatusUnauthorized {
		t.Errorf("a disabled person's token: %d", res.Status)
	}
	if _, list := b.do("GET", "/admin/users", nil, true); !strings.Contains(list, "Disabled") {
		t.Error("the list does not show the person disabled")
	}
	res, part := b.do("POST", path+"/enable", url.Values{}, true)
	if res.StatusCode != http.StatusOK || !strings.Contains(part, `id="user-main"`) ||
		!strings.Contains(part, "toast-success") {
		t.Errorf("htmx enable: %d", res.StatusCode)
	}
	s.Login("edit@example.com", pw)

	// An admin cannot disable themselves or take their own admin role away.
	_, me := b.do("GET", "/admin/users", nil, true)
	selfID := regexp.MustCompile(`href="/admin/users/([^"]+)" data-testid="user-link">` +
		regexp.QuoteMeta(testutil.AdminEmail)).FindStringSubmatch(me)
	if selfID == nil {
		t.Fatal("the admin is not listed")
	}
	res, _ = b.do("POST", "/admin/users/"+selfID[1]+"/disable", url.Values{}, false)
	if res.StatusCode != 422 {
		t.Errorf("disabling oneself: %d, want 422", res.StatusCode)
	}
	b.do("POST", "/admin/users/"+selfID[1], url.Values{"name": {"Admin"},
		"role": {"member"}}, false)
	if res, _ := b.do("GET", "/admin/users", nil, false); res.StatusCode != http.StatusOK {
		t.Errorf("the admin lost their role by editing themselves: %d", res.StatusCode)
	}
}

func TestTokenPages(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	_, memberTok := newMember(t, s, admin, "tok@example.com")
	c := createCampaign(t, s, memberTok, map[string]any{"name": "Token Town", "company": "T"})
	b := signInAs(t, s, "tok@example.com", memberPassword)

	for _, tt := range []struct {
		name  string
		form  url.Values
		field string
	}{
		{"no name", url.Values{"name": {" "}, "expiry": {"30"}}, "is required"},
		{"bad expiry", url.Values{"name": {"x"}, "expiry": {"soon"}},
			"must be one of the offered choices"},
		{"bad role", url.Values{"name": {"x"}, "expiry": {"30"}, "role": {"god"}},
			"must be owner, operator or viewer"},
		{"unseen campaign", url.Values{"name": {"x"}, "expiry": {"30"},
			"campaignId": {"default-hoa-fl"}}, "is not a campaign you can see"},
	} {
		res, page := b.do("POST", "/account/tokens", tt.form, false)
		if res.StatusCode != 422 || !strings.Contains(page, tt.field) {
			t.Errorf("%s: %d, want 422 with %q", tt.name, res.StatusCode, tt.field)
		}
	}

	res, page := b.do("POST", "/account/tokens", url.Values{"name": {"reporting"},
		"campaignId": {c["id"].(string)}, "role": {"viewer"}, "expiry": {"30"}}, false)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d", res.StatusCode)
	}
	secret := find(t, tokenSecret, page, "token secret")
	if r := s.Do("GET", "/api/campaigns/"+c["id"].(string), secret, nil); r.Status != 200 {
		t.Errorf("the token reads its campaign: %d", r.Status)
	}
	if r := s.Do("PUT", "/api/campaigns/"+c["id"].(string), secret,
		map[string]any{"name": "Renamed"}); r.Status != http.StatusForbidden {
		t.Errorf("a viewer token changes its campaign: %d", r.Status)
	}
	_, list := b.do("GET", "/account/tokens", nil, false)
	if strings.Contains(list, secret) || !strings.Contains(list, "reporting") ||
		!strings.Contains(list, "Token Town") {
		t.Error("the list shows the secret again, or not the token")
	}

	// Admins see every token and revoke any; a member revokes only their own.
	_, all := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword).do("GET",
		"/admin/tokens", nil, false)
	if !strings.Contains(all, "reporting") || !strings.Contains(all, "tok@example.com") {
		t.Error("the admins' list lacks the member's token")
	}
	var mine struct{ Data []struct{ ID, Name string } }
	s.Do("GET", "/api/tokens", memberTok, nil).Decode(t, &mine)
	if len(mine.Data) != 1 {
		t.Fatalf("member's tokens %+v", mine.Data)
	}
	_, adminTokID := createToken(t, s, admin, "admin's")
	if res, _ := b.do("POST", "/account/tokens/"+adminTokID+"/revoke", url.Values{},
		false); res.StatusCode != http.StatusNotFound {
		t.Errorf("a member revoking an admin's token: %d, want 404", res.StatusCode)
	}
	res, part := b.do("POST", "/account/tokens/"+mine.Data[0].ID+"/revoke", url.Values{},
		true)
	if res.StatusCode != http.StatusOK || !strings.Contains(part, `data-status="revoked"`) {
		t.Errorf("htmx revoke: %d", res.StatusCode)
	}
	if r := s.Do("GET", "/api/auth/me", secret, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d", r.Status)
	}

	// The API lists every person's tokens for admins who ask.
	var every struct{ Data []struct{ UserID string } }
	s.Do("GET", "/api/tokens?all=true", admin, nil).Decode(t, &every)
	if len(every.Data) < 2 {
		t.Errorf("every token: %d, want the member's and the admin's", len(every.Data))
	}
	if r := s.Do("GET", "/api/tokens?all=true", memberTok, nil); r.Status != http.StatusForbidden {
		t.Errorf("a member asking for every token: %d", r.Status)
	}
	if r := s.Do("GET", "/api/tokens?all=perhaps", admin, nil); r.Status != http.StatusBadRequest {
		t.Errorf("all=perhaps: %d", r.Status)
	}
}

// createToken makes an API token through the API and returns its secret and id.
func createToken(t *testing.T, s *testutil.Server, tok, name string) (string, string) {
	t.Helper()
	res := s.Do("POST", "/api/tokens", tok, map[string]any{"name": name})
	if res.Status != http.StatusCreated {
		t.Fatalf("create token: %d %s", res.Status, res.Body)
	}
	var body struct {
		Token     string
		TokenInfo struct{ ID string }
	}
	res.Decode(t, &body)
	return body.Token, body.TokenInfo.ID
}

func TestAccountSessions(t *testing.T) {
	s := testutil.NewServer(t, false)
	newMember(t, s, s.AdminToken(), "sess@example.com")
	here := signInAs(t, s, "sess@example.com", memberPassword)
	there := signInAs(t, s, "sess@example.com", memberPassword)

	_, page := here.do("GET", "/account", nil, false)
	if n := strings.Count(page, `data-testid="session-row"`); n != 2 {
		t.Fatalf("%d sessions listed, want 2", n)
	}
	if strings.Count(page, `data-testid="session-current"`) != 1 {
		t.Error("this browser is not marked")
	}
	other := url.Values{"session": {find(t, sessionID, page, "the other session's sign-out")}}
	if res, _ := here.do("POST", "/account/sessions/end", other, false); res.StatusCode !=
		http.StatusSeeOther {
		t.Fatalf("end the other session: %d", res.StatusCode)
	}
	if res, _ := there.do("GET", "/", nil, false); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the ended session: %d, want a redirect to sign in", res.StatusCode)
	}
	if res, _ := here.do("GET", "/", nil, false); res.StatusCode != http.StatusOK {
		t.Errorf("this session after ending the other: %d", res.StatusCode)
	}
	if res, _ := here.do("POST", "/account/sessions/end", other, false); res.StatusCode !=
		http.StatusNotFound {
		t.Errorf("ending it twice: %d, want 404", res.StatusCode)
	}

	// Signing out everywhere ends this session, the others and sign-in tokens.
	again := signInAs(t, s, "sess@example.com", memberPassword)
	login := s.Login("sess@example.com", memberPassword)
	res, _ := here.do("POST", "/account/sessions/end-all", url.Values{}, false)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("sign out everywhere: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	for name, b := range map[string]*session{"this": here, "another": again} {
		if res, _ := b.do("GET", "/", nil, false); res.StatusCode != http.StatusSeeOther {
			t.Errorf("%s session after signing out everywhere: %d", name, res.StatusCode)
		}
	}
	if r := s.Do("GET", "/api/auth/me", login, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("sign-in token after signing out everywhere: %d", r.Status)
	}
}

func TestChangePassword(t *testing.T) {
	s := testutil.NewServer(t, false)
	newMember(t, s, s.AdminToken(), "pw@example.com")
	here := signInAs(t, s, "pw@example.com", memberPassword)
	there := signInAs(t, s, "pw@example.com", memberPassword)

	for _, tt := range []struct {
		name, current, next, want string
	}{
		{"wrong current password", "not my password", "violet parsnip orbit",
			"is not your current password"},
		{"too short", memberPassword, "short", "must be at least 12 characters"},
		{"common", memberPassword, "iloveyou1234", "is too common"},
	} {
		res, page := here.do("POST", "/account/password", url.Values{
			"currentPassword": {tt.current}, "newPassword": {tt.next}}, false)
		if res.StatusCode != 422 || !strings.Contains(page, tt.want) {
			t.Errorf("%s: %d, want 422 with %q", tt.name, res.StatusCode, tt.want)
		}
	}
	res, _ := here.do("POST", "/account/password", url.Values{
		"currentPassword": {memberPassword}, "newPassword": {"violet parsnip orbit"}}, false)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", res.StatusCode)
	}
	if res, _ := here.do("GET", "/", nil, false); res.StatusCode != http.StatusOK {
		t.Errorf("the session that changed it: %d", res.StatusCode)
	}
	if res, _ := there.do("GET", "/", nil, false); res.StatusCode != http.StatusSeeOther {
		t.Errorf("another session after the change: %d", res.StatusCode)
	}
	s.Login("pw@example.com", "violet parsnip orbit")
}

// signInWithCode signs in through both steps of the form.
func signInWithCode(t *testing.T, s *testutil.Server, email, password,
	code string) (*session, int) {
	t.Helper()
	c := browserClient(t)
	_, page := get(t, c, s.URL+"/login")
	token := csrfField.FindStringSubmatch(page)[1]
	res, page := postForm(t, c, s.URL+"/login", url.Values{"email": {email},
		"password": {password}, "csrf_token": {token}})
	if res.StatusCode != http.StatusOK || !strings.Contains(page, `data-testid="login-code-form"`) {
		t.Fatalf("password step: %d, code form shown %v", res.StatusCode,
			strings.Contains(page, "login-code-form"))
	}
	res, _ = postForm(t, c, s.URL+"/login/code", url.Values{"code": {code},
		"csrf_token": {token}, "next": {"/"}})
	return &session{t: t, s: s, c: c, token: token}, res.StatusCode
}

func TestTwoFactorSignIn(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	id, _ := newMember(t, s, admin, "otp@example.com")
	b := signInAs(t, s, "otp@example.com", memberPassword)

	res, page := b.do("POST", "/account/two-factor/start", url.Values{}, false)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("start: %d", res.StatusCode)
	}
	secret := find(t, secretText, page, "secret")
	if !strings.Contains(page, "otpauth://totp/ClawOps:otp@example.com?") {
		t.Error("no otpauth link")
	}
	res, page = b.do("POST", "/account/two-factor/confirm", url.Values{"code": {"12"}}, false)
	if res.StatusCode != 422 || !strings.Contains(page, "does not match") ||
		!strings.Contains(page, `data-testid="two-factor-secret"`) {
		t.Errorf("a wrong code: %d", res.StatusCode)
	}
	now := time.Now()
	res, page = b.do("POST", "/account/two-factor/confirm",
		url.Values{"code": {totp(t, secret, now)}}, false)
	codes := recoveryCode.FindAllStringSubmatch(page, -1)
	if res.StatusCode != http.StatusOK || len(codes) != 10 {
		t.Fatalf("confirm: %d with %d recovery codes", res.StatusCode, len(codes))
	}

	// The form asks for the code after the password; a wrong one is refused.
	if _, status := signInWithCode(t, s, "otp@example.com", memberPassword,
		"000000"); status != http.StatusUnauthorized && totp(t, secret, now) != "000000" {
		t.Errorf("a wrong code signs in: %d", status)
	}
	next := totp(t, secret, now.Add(30*time.Second))
	in, status := signInWithCode(t, s, "otp@example.com", memberPassword, next)
	if status != http.StatusSeeOther {
		t.Fatalf("sign in with the code: %d", status)
	}
	if res, _ := in.do("GET", "/", nil, false); res.StatusCode != http.StatusOK {
		t.Errorf("signed in with the code: %d", res.StatusCode)
	}

	// The API asks for otp, refuses a used code and takes a recovery code once.
	login := func(otp string) testutil.Response {
		body := map[string]string{"email": "otp@example.com", "password": memberPassword}
		if otp != "" {
			body["otp"] = otp
		}
		return s.Do("POST", "/api/auth/login", "", body)
	}
	tests := []struct {
		name, otp, wantCode string
		wantStatus          int
	}{
		{"no code", "", "otp_required", 401},
		{"a used code", next, "unauthorized", 401},
		{"a recovery code", codes[0][1], "", 200},
		{"the same recovery code", codes[0][1], "unauthorized", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := login(tt.otp)
			if res.Status != tt.wantStatus {
				t.Fatalf("%d %s, want %d", res.Status, res.Body, tt.wantStatus)
			}
			if tt.wantCode != "" {
				var e struct{ Error struct{ Code string } }
				res.Decode(t, &e)
				if e.Error.Code != tt.wantCode {
					t.Errorf("code %q, want %q", e.Error.Code, tt.wantCode)
				}
			}
		})
	}

	// An admin turns it off for someone who lost their authenticator.
	a := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
	if res, _ := a.do("POST", "/admin/users/"+id+"/two-factor/reset", url.Values{},
		false); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", res.StatusCode)
	}
	if res := login(""); res.Status != http.StatusOK {
		t.Errorf("sign in after the reset: %d", res.Status)
	}
}

func TestAdminsMustEnrolWhenRequired(t *testing.T) {
	s := testutil.NewServer(t, false)
	res := s.Do("POST", "/api/users", s.AdminToken(), map[string]string{
		"email": "second@example.com", "password": memberPassword, "role": "admin"})
	if res.Status != http.StatusCreated {
		t.Fatalf("second admin: %d", res.Status)
	}
	a := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
	if res, _ := a.do("POST", "/admin/settings/two-factor", url.Values{"require": {"true"}},
		false); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("require: %d", res.StatusCode)
	}

	b := signInAs(t, s, "second@example.com", memberPassword)
	res2, _ := b.do("GET", "/c/hoa-fl-lead-gen", nil, false)
	if res2.StatusCode != http.StatusSeeOther || res2.Header.Get("Location") != "/account?enrol=1" {
		t.Errorf("an admin without two-factor: %d to %q", res2.StatusCode,
			res2.Header.Get("Location"))
	}
	if res, _ := b.do("GET", "/", nil, true); res.Header.Get("HX-Redirect") != "/account?enrol=1" {
		t.Errorf("htmx: HX-Redirect %q", res.Header.Get("HX-Redirect"))
	}
	if res, _ := b.do("GET", "/api/auth/me", nil, false); res.StatusCode != http.StatusForbidden {
		t.Errorf("the API with the session: %d, want 403", res.StatusCode)
	}
	login := s.Do("POST", "/api/auth/login", "", map[string]string{
		"email": "second@example.com", "password": memberPassword})
	if login.Status != http.StatusForbidden || !strings.Contains(string(login.Body),
		"otp_enrolment_required") {
		t.Errorf("API sign-in: %d %s", login.Status, login.Body)
	}
	_, page := b.do("GET", "/account?enrol=1", nil, false)
	if !strings.Contains(page, `data-testid="enrol-required"`) {
		t.Error("the account page does not say why")
	}
	_, page = b.do("POST", "/account/two-factor/start", url.Values{}, false)
	secret := find(t, secretText, page, "secret")
	b.do("POST", "/account/two-factor/confirm", url.Values{"code": {totp(t, secret,
		time.Now())}}, false)
	if res, _ := b.do("GET", "/c/hoa-fl-lead-gen", nil, false); res.StatusCode != http.StatusOK {
		t.Errorf("after enrolling: %d", res.StatusCode)
	}
	if res, _ := b.do("POST", "/account/two-factor/disable", url.Values{
		"password": {memberPassword}}, false); res.StatusCode != http.StatusForbidden {
		t.Errorf("turning it off while required: %d, want 403", res.StatusCode)
	}
}

func TestSessionRenewedWhenRoleChanges(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	id, _ := newMember(t, s, admin, "grow@example.com")
	b := signInAs(t, s, "grow@example.com", memberPassword)
	before := sessionCookie(b.c, s.URL).Value

	if res, _ := b.do("GET", "/", nil, false); sessionCookie(b.c, s.URL).Value != before ||
		res.StatusCode != http.StatusOK {
		t.Fatalf("the token changed without a reason (%d)", res.StatusCode)
	}
	res := s.Do("POST", "/api/campaigns/default-hoa-fl/members", admin,
		map[string]string{"userId": id, "role": "viewer"})
	if res.Status != http.StatusCreated {
		t.Fatalf("add member: %d", res.Status)
	}
	b.do("GET", "/", nil, false)
	afterMember := sessionCookie(b.c, s.URL).Value
	if afterMember == before {
		t.Error("a new campaign role kept the session token")
	}
	s.Do("PUT", "/api/users/"+id, admin, map[string]string{"role": "admin"})
	_, page := b.do("GET", "/", nil, false)
	if sessionCookie(b.c, s.URL).Value == afterMember {
		t.Error("a new platform role kept the session token")
	}
	if !strings.Contains(page, `data-testid="admin-users-link"`) {
		t.Error("the session does not act with the new role")
	}
}
