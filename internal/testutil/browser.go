// Package testutil holds helpers shared by tests across packages.
package testutil

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browserTimeout bounds everything one test does in the browser, start-up
// included, so a hung page cannot stall the suite.
const browserTimeout = 60 * time.Second

// chromeCandidates are tried in order when CLAWOPS_CHROME is not set.
var chromeCandidates = []string{
	"/usr/bin/chromium",
	"chromium",
	"chromium-browser",
	"google-chrome",
}

// Browser starts a headless Chromium for t and returns a chromedp context for
// one tab in it. The browser is closed when t ends. CLAWOPS_CHROME names the
// executable to use; otherwise the usual Chromium names are looked up. With no
// browser the test is skipped, or fails when CI is "true", so CI cannot pass
// without running browser tests.
func Browser(t testing.TB) context.Context {
	t.Helper()
	path, err := chromePath()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("testutil: %v", err)
		}
		t.Skipf("testutil: %v", err)
	}

	// The flags are listed in full, not taken from chromedp's defaults, so the
	// browser makes no network requests of its own during tests.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(1280, 900),
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	ctx, cancelTab := chromedp.NewContext(ctx)

	// Registered after t.TempDir, so it runs first: Chromium has exited before
	// its profile directory is removed.
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
	})

	// An empty run starts the browser now, so a failure to launch is reported
	// here and not by the test's first action.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("testutil: start %s: %v", path, err)
	}
	return ctx
}

// Screenshot saves a full-page PNG of the tab in ctx to path. It is meant for
// looking at a page by hand while writing or debugging a test.
func Screenshot(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("testutil: screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("testutil: save screenshot: %v", err)
	}
}

func chromePath() (string, error) {
	if env := os.Getenv("CLAWOPS_CHROME"); env != "" {
		path, err := exec.LookPath(env)
		if err != nil {
			return "", fmt.Errorf("CLAWOPS_CHROME=%q: %w", env, err)
		}
		return path, nil
	}
	for _, name := range chromeCandidates {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", errors.New("no Chromium found; install chromium or set CLAWOPS_CHROME")
}
