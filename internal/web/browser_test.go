package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/clawops/clawops/internal/testutil"
)

// screenshot saves the page to $CLAWOPS_SCREENSHOTS/name when that folder is set, for people
// checking how pages look.
func screenshot(t *testing.T, ctx context.Context, name string) {
	if dir := os.Getenv("CLAWOPS_SCREENSHOTS"); dir != "" {
		testutil.Screenshot(t, ctx, filepath.Join(dir, name))
	}
}

func byTestID(id string) chromedp.CSS { return chromedp.CSS(`[data-testid="` + id + `"]`) }

// typeInto focuses the element and types text into it key by key. chromedp's SendKeys reads
// the element's attributes without their lock, which the race detector reports whenever the
// page changes an attribute meanwhile, as htmx does around every request.
func typeInto(sel chromedp.CSS, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Focus(sel), chromedp.KeyEvent(text))
}

func TestBrowserSignInAndOut(t *testing.T) {
	s := testutil.NewServer(t, true)
	ctx := testutil.Browser(t)

	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(byTestID("login-form")),
	)
	if err != nil {
		t.Fatalf("open /: %v", err)
	}
	loginURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loginURL, "/login?next=") {
		t.Errorf("anonymous / went to %s, want the sign-in page", loginURL)
	}

	err = chromedp.Do(ctx,
		typeInto(byTestID("login-email"), testutil.AdminEmail),
		typeInto(byTestID("login-password"), "not the right password"),
		chromedp.Click(byTestID("login-submit")),
		chromedp.WaitVisible(byTestID("login-error")),
	)
	if err != nil {
		t.Fatalf("failed sign-in: %v", err)
	}
	errText, err := chromedp.Run(ctx, chromedp.Text(byTestID("login-error")))
	if err != nil || !strings.Contains(errText, "do not match") {
		t.Errorf("error text %q, %v", errText, err)
	}

	// The page comes back with the email kept and the password empty.
	email, err := chromedp.Run(ctx, chromedp.Value(byTestID("login-email")))
	if err != nil || email != testutil.AdminEmail {
		t.Errorf("email after a failed sign-in %q, %v", email, err)
	}
	err = chromedp.Do(ctx,
		typeInto(byTestID("login-password"), testutil.AdminPassword),
		chromedp.Click(byTestID("login-submit")),
		chromedp.WaitVisible(byTestID("campaign-card")),
	)
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	cards, err := chromedp.Run(ctx, chromedp.Evaluate[int](
		`document.querySelectorAll('[data-testid="campaign-card"]').length`))
	if err != nil || cards < 4 {
		t.Errorf("%d campaign cards (%v), want the demo's four or more", cards, err)
	}
	screenshot(t, ctx, "home.png")

	err = chromedp.Do(ctx,
		chromedp.Click(byTestID("logout")),
		chromedp.WaitVisible(byTestID("login-form")),
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(byTestID("login-form")),
	)
	if err != nil {
		t.Fatalf("sign-out: %v", err)
	}
	if after, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(after, "/login") {
		t.Errorf("after sign-out / went to %s", after)
	}
}
