package web_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/clawops/clawops/internal/testutil"
)

// shotsDir is where browser tests leave screenshots of the main pages (git-ignored).
func shotsDir(t *testing.T) string {
	dir := os.Getenv("CLAWOPS_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	testutil.Screenshot(t, ctx, filepath.Join(shotsDir(t), name))
}

// signIn opens the sign-in page and signs in as the admin.
func signIn(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(byTestID("login-form")),
		typeInto(byTestID("login-email"), testutil.AdminEmail),
		typeInto(byTestID("login-password"), testutil.AdminPassword),
		chromedp.Click(byTestID("login-submit")),
		chromedp.WaitVisible(byTestID("top-bar")),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestConsoleInTheBrowser(t *testing.T) {
	s := testutil.NewServer(t, true)
	ctx := testutil.Browser(t)
	signIn(t, ctx, s.URL)
	shot(t, ctx, "overview.png")

	t.Run("dashboard and theming", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(s.URL+"/c/saas-cold-outreach"),
			chromedp.WaitVisible(byTestID("kpis")),
		)
		if err != nil {
			t.Fatal(err)
		}
		band, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`getComputedStyle(document.querySelector('[data-testid="top-bar"]')).borderTopColor`))
		if err != nil || band != "rgb(16, 185, 129)" {
			t.Errorf("top bar band colour %q (%v), want the campaign's #10B981", band, err)
		}
		title, _ := chromedp.Run(ctx, chromedp.Title())
		if title != "Dashboard · SaaS Cold Outreach · ClawOps" {
			t.Errorf("title %q", title)
		}
		charts, _ := chromedp.Run(ctx, chromedp.Evaluate[int](
			`document.querySelectorAll('[data-testid^="chart-"] svg[role="img"]').length`))
		if charts != 3 {
			t.Errorf("%d charts, want 3", charts)
		}
		shot(t, ctx, "dashboard.png")
	})

	t.Run("switcher by keyboard keeps the kind of page", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(s.URL+"/c/saas-cold-outreach/settings"),
			chromedp.WaitVisible(byTestID("settings-form")),
			chromedp.KeyEvent("k", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
			chromedp.WaitVisible(byTestID("switcher-search")),
			typeInto(byTestID("switcher-search"), "fl lead"),
			chromedp.KeyEvent(kb.ArrowDown),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(byTestID("settings-form")),
		)
		if err != nil {
			t.Fatal(err)
		}
		waitForPath(t, ctx, "/c/hoa-fl-lead-gen/settings")
	})

	t.Run("create a campaign through the form", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(s.URL+"/"),
			chromedp.WaitVisible(byTestID("new-campaign-form")),
			chromedp.Click(byTestID("new-campaign-submit")),
			chromedp.WaitVisible(byTestID("form-errors")),
			typeInto(byTestID("new-campaign-name"), "Browser Made 2027"),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="slug-preview"] .font-mono`)),
		)
		if err != nil {
			t.Fatal(err)
		}
		preview, _ := chromedp.Run(ctx, chromedp.Text(byTestID("slug-preview")))
		if !strings.Contains(preview, "/c/browser-made-2027") {
			t.Errorf("slug preview %q", preview)
		}
		err = chromedp.Do(ctx,
			typeInto(byTestID("new-campaign-company"), "Chromium Inc"),
			chromedp.Click(byTestID("new-campaign-submit")),
			chromedp.WaitVisible(byTestID("kpis")),
		)
		if err != nil {
			t.Fatal(err)
		}
		waitForPath(t, ctx, "/c/browser-made-2027")
	})

	t.Run("archive and restore", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(s.URL+"/c/browser-made-2027/settings"),
			chromedp.WaitVisible(byTestID("archive-confirm")),
			typeInto(byTestID("archive-confirm"), "wrong name"),
			chromedp.Click(byTestID("archive-submit")),
			chromedp.WaitVisible(byTestID("archive-confirm-error")),
			chromedp.SetValue(byTestID("archive-confirm"), "Browser Made 2027"),
			chromedp.Click(byTestID("archive-submit")),
			chromedp.WaitVisible(byTestID("archived-banner")),
			chromedp.Click(byTestID("restore-submit")),
			// The archived page, with its own toast, stays until the restored one loads.
			chromedp.WaitNotPresent(byTestID("archived-banner")),
			chromedp.WaitVisible(byTestID("toast-success")),
		)
		if err != nil {
			t.Fatal(err)
		}
		toast, err := chromedp.Run(ctx, chromedp.Text(byTestID("toast-success")))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(toast, "restored") {
			t.Errorf("toast after restore = %q", toast)
		}
		// The toast can be dismissed before it leaves by itself.
		err = chromedp.Do(ctx,
			chromedp.Click(byTestID("toast-success")+" [data-toast-close]"),
			chromedp.WaitNotPresent(byTestID("toast-success")),
		)
		if err != nil {
			t.Fatal(err)
		}
		res := s.Do("GET", "/api/campaigns/browser-made-2027", s.AdminToken(), nil)
		if res.Status != http.StatusOK || res.JSON(t)["status"] != "paused" {
			t.Errorf("after restore: %d %s", res.Status, res.Body)
		}
	})

	t.Run("a form works with JavaScript disabled", func(t *testing.T) {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled,
			emulation.SetScriptExecutionDisabledParams{Value: true})
		if err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(ctx, emulation.SetScriptExecutionDisabled,
			emulation.SetScriptExecutionDisabledParams{Value: false})
		err = chromedp.Do(ctx,
			chromedp.Navigate(s.URL+"/c/browser-made-2027/settings"),
			chromedp.WaitVisible(byTestID("settings-form")),
			chromedp.SetValue(byTestID("settings-company"), "Posted Without Scripts"),
			chromedp.Click(byTestID("settings-submit")),
			chromedp.WaitVisible(byTestID("toast-success")),
		)
		if err != nil {
			t.Fatal(err)
		}
		htmxRan, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof htmx !== "undefined"`))
		if htmxRan {
			t.Error("scripts ran although they were disabled")
		}
		got := s.Do("GET", "/api/campaigns/browser-made-2027", s.AdminToken(), nil).JSON(t)
		if got["company"] != "Posted Without Scripts" {
			t.Errorf("company %v after a plain form post", got["company"])
		}
	})

	t.Run("dark theme is chosen and remembered", func(t *testing.T) {
		dark := `document.documentElement.classList.contains('dark')`
		err := chromedp.Do(ctx,
			chromedp.Navigate(s.URL+"/c/saas-cold-outreach"),
			chromedp.WaitVisible(byTestID("kpis")),
			// From following the system, light comes first, then dark.
			chromedp.Click(`[data-theme-toggle]`),
			chromedp.Click(`[data-theme-toggle]`),
		)
		if err != nil {
			t.Fatal(err)
		}
		if on, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](dark)); !on {
			t.Fatal("the toggle did not turn the dark theme on")
		}
		if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(byTestID("kpis"))); err != nil {
			t.Fatal(err)
		}
		if on, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](dark)); !on {
			t.Error("the dark theme was forgotten on reload")
		}
		bg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
		if bg == "rgb(255, 255, 255)" || bg == "rgba(0, 0, 0, 0)" {
			t.Errorf("body background %q in the dark theme", bg)
		}
		shot(t, ctx, "dashboard-dark.png")
		// Back to following the system, which is light here.
		if err := chromedp.Do(ctx, chromedp.Click(`[data-theme-toggle]`)); err != nil {
			t.Fatal(err)
		}
		if on, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](dark)); on {
			t.Error("following a light system still shows the dark theme")
		}
	})

	t.Run("phone width does not overflow", func(t *testing.T) {
		defer chromedp.Do(ctx, chromedp.ResetViewport())
		pages := []struct{ path, ready, shot string }{
			{"/", "campaign-card", ""},
			{"/c/hoa-fl-lead-gen", "kpis", "dashboard-phone.png"},
			{"/c/hoa-fl-lead-gen/leads", "records-table", "leads-phone.png"},
			{"/c/hoa-fl-lead-gen/content", "records-table", ""},
			{"/c/hoa-fl-lead-gen/settings", "settings-form", ""},
		}
		for _, p := range pages {
			err := chromedp.Do(ctx,
				chromedp.EmulateViewport(360, 780),
				chromedp.Navigate(s.URL+p.path),
				chromedp.WaitVisible(byTestID(p.ready)),
			)
			if err != nil {
				t.Fatalf("%s: %v", p.path, err)
			}
			overflow, _ := chromedp.Run(ctx, chromedp.Evaluate[int](
				`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
			if overflow > 0 {
				t.Errorf("%s is %d px wider than a 360 px screen", p.path, overflow)
			}
			if p.shot != "" {
				shot(t, ctx, p.shot)
			}
		}
		// Every page of the campaign stays reachable: the last link of the phone navigation
		// scrolls into view inside its row.
		last, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
			const links = document.querySelectorAll('[data-testid="compact-nav"] a');
			const a = links[links.length - 1];
			a.scrollIntoView({inline: 'end', block: 'nearest'});
			const r = a.getBoundingClientRect();
			return links.length > 8 && r.right <= window.innerWidth && r.left >= 0;
		})()`))
		if err != nil || !last {
			t.Errorf("the last page of the phone navigation cannot be reached: %v", err)
		}
	})
}

// waitForPath waits until the browser shows path.
func waitForPath(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.HasSuffix(strings.SplitN(location(t, ctx), "?", 2)[0], path) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("browser at %s, want %s", location(t, ctx), path)
}
