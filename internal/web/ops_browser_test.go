package web_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/clawops/clawops/internal/testutil"
)

// exampleAgentOnPath builds the example agent program and puts it first on PATH, where the
// demo's agents find it, as they do after `make build`.
func exampleAgentOnPath(t *testing.T) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("go is needed to build the example agent: %v", err)
		}
		t.Skipf("go is needed to build the example agent: %v", err)
	}
	dir := t.TempDir()
	cmd := exec.Command(goBin, "build", "-o", filepath.Join(dir, "clawops-example-agent"),
		"../../examples/agents/clawops-example-agent")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the example agent: %v\n%s", err, out)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func TestRunNowInTheBrowser(t *testing.T) {
	exampleAgentOnPath(t)
	s := testutil.NewServer(t, true)
	ctx := testutil.Browser(t)
	signIn(t, ctx, s.URL)

	err := chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/c/saas-cold-outreach/agents"),
		chromedp.WaitVisible(byTestID("agents-table")),
		chromedp.Click(`[data-testid="agent-row"][data-id="agt-demo-saas-outreach-lead-finder"] [data-testid="agent-link"]`),
		chromedp.WaitVisible(byTestID("run-form")),
		typeInto(chromedp.CSS("#run-message"), "Find three leads for the browser test"),
		chromedp.Click(`[data-testid="run-form"] [data-testid="run-now"]`),
		chromedp.WaitVisible(byTestID("run-log")),
		// The page is marked: were it reloaded, the mark would be gone.
		chromedp.Evaluate[chromedp.Void](`window.clawopsMark = 'still here'`),
		chromedp.WaitVisible(`[data-testid="run-summary"][data-status="completed"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "run.png")
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[
		window.clawopsMark || '',
		document.querySelector('[data-testid="run-log"]').textContent,
		document.querySelector('[data-testid="run-output"]').textContent]`))
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != "still here" {
		t.Error("the run page was reloaded instead of following the run live")
	}
	// The example agent writes four lines; the first may come before the stream opens, and
	// the log is read again when the run finishes.
	if strings.Count(got[1], "\n") != 4 {
		t.Errorf("the log holds %q", got[1])
	}
	if !strings.Contains(got[2], "lead") {
		t.Errorf("the output is %q", got[2])
	}
	res := s.Do("GET", "/api/campaigns/saas-cold-outreach/runs?limit=1", s.AdminToken(), nil)
	if !strings.Contains(string(res.Body), `"status":"completed"`) ||
		!strings.Contains(string(res.Body), "Find three leads for the browser test") {
		t.Errorf("the API does not show the run: %.300s", res.Body)
	}
}
