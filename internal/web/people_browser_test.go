package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/clawops/clawops/internal/testutil"
)

// signInAsIn signs in to the browser in ctx with the password form.
func signInAsIn(t *testing.T, ctx context.Context, base, email, password string,
	until chromedp.CSS) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(byTestID("login-form")),
		typeInto(byTestID("login-email"), email),
		typeInto(byTestID("login-password"), password),
		chromedp.Click(byTestID("login-submit")),
		chromedp.WaitVisible(until),
	)
	if err != nil {
		t.Fatalf("sign in as %s: %v", email, err)
	}
}

func TestBrowserTwoFactorEnrolAndSignIn(t *testing.T) {
	s := testutil.NewServer(t, false)
	newMember(t, s, s.AdminToken(), "app@example.com")
	ctx := testutil.Browser(t)
	signInAsIn(t, ctx, s.URL, "app@example.com", memberPassword, byTestID("top-bar"))

	err := chromedp.Do(ctx,
		chromedp.Click(byTestID("account-link")),
		chromedp.WaitVisible(byTestID("two-factor-start")),
		chromedp.Click(byTestID("two-factor-start")),
		chromedp.WaitVisible(byTestID("two-factor-secret")),
	)
	if err != nil {
		t.Fatalf("start enrolling: %v", err)
	}
	secret, err := chromedp.Run(ctx, chromedp.Text(byTestID("two-factor-secret")))
	if err != nil {
		t.Fatal(err)
	}
	uri, _ := chromedp.Run(ctx, chromedp.Text(byTestID("two-factor-uri")))
	if !strings.HasPrefix(uri, "otpauth://totp/") {
		t.Errorf("enrolment link %q", uri)
	}
	now := time.Now()
	err = chromedp.Do(ctx,
		typeInto(byTestID("two-factor-code"), totp(t, strings.TrimSpace(secret), now)),
		chromedp.Click(byTestID("two-factor-confirm")),
		chromedp.WaitVisible(byTestID("recovery-codes")),
	)
	if err != nil {
		t.Fatalf("confirm: %v", err)
	}
	if status, _ := chromedp.Run(ctx, chromedp.Text(byTestID("two-factor-status"))); status != "On" {
		t.Errorf("two-factor status %q after confirming", status)
	}
	shot(t, ctx, "account-two-factor.png")

	err = chromedp.Do(ctx,
		chromedp.Click(byTestID("logout")),
		chromedp.WaitVisible(byTestID("login-form")),
	)
	if err != nil {
		t.Fatalf("sign out: %v", err)
	}
	signInAsIn(t, ctx, s.URL, "app@example.com", memberPassword, byTestID("login-code"))
	shot(t, ctx, "login-code.png")
	err = chromedp.Do(ctx,
		typeInto(byTestID("login-code"), totp(t, strings.TrimSpace(secret),
			now.Add(30*time.Second))),
		chromedp.Click(byTestID("login-code-submit")),
		chromedp.WaitVisible(byTestID("top-bar")),
	)
	if err != nil {
		t.Fatalf("sign in with the code: %v", err)
	}
	if u := location(t, ctx); !strings.HasSuffix(u, "/") {
		t.Errorf("after the code: %s, want the overview", u)
	}
}

func TestBrowserDisabledUserIsSignedOut(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	id, _ := newMember(t, s, admin, "leaver@example.com")
	if res := s.Do("POST", "/api/campaigns/default-hoa-fl/members", admin,
		map[string]string{"userId": id, "role": "viewer"}); res.Status != http.StatusCreated {
		t.Fatalf("add member: %d", res.Status)
	}

	member := testutil.Browser(t)
	signInAsIn(t, member, s.URL, "leaver@example.com", memberPassword, byTestID("top-bar"))
	if err := chromedp.Do(member,
		chromedp.Navigate(s.URL+"/c/hoa-fl-lead-gen/activity"),
		chromedp.WaitVisible(byTestID("activity-list")),
	); err != nil {
		t.Fatal(err)
	}
	waitFor(t, member, "the event stream", `document.body.dataset.events === "open"`)

	adminTab := testutil.Browser(t)
	signIn(t, adminTab, s.URL)
	err := chromedp.Do(adminTab,
		chromedp.Navigate(s.URL+"/admin/users"),
		chromedp.WaitVisible(byTestID("users-list")),
		chromedp.Click(`[data-email="leaver@example.com"] [data-testid="user-link"]`),
		chromedp.WaitVisible(byTestID("user-disable")),
	)
	if err != nil {
		t.Fatalf("open the person: %v", err)
	}
	shot(t, adminTab, "admin-user.png")
	if err := chromedp.Do(adminTab, chromedp.Click(byTestID("user-disable"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, adminTab, "the person shown disabled",
		`(document.querySelector('[data-testid="user-status"]') || {}).textContent === "Disabled"`)

	// The member's page, left alone, finds itself signed out: the server ends its event
	// stream and the page loads again onto the sign-in form.
	waitFor(t, member, "the sign-in form in the member's browser",
		`!!document.querySelector('[data-testid="login-form"]')`)
	if u := location(t, member); !strings.Contains(u, "/login") {
		t.Errorf("the member's browser is at %s", u)
	}
}
