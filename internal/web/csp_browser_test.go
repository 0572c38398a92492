package web_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/clawops/clawops/internal/testutil"
)

// recordViolations keeps every securitypolicyviolation event of a document in
// window.__cspViolations, from before the page's own scripts run, so that a violation is
// caught even when the browser does not write it to the console.
const recordViolations = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
	window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
		" at " + e.sourceFile + ":" + e.lineNumber);
});`

// consoleLog collects a tab's console messages while a test runs.
type consoleLog struct {
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
}

func watchConsole(ctx context.Context) *consoleLog {
	l := &consoleLog{}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			l.mu.Lock()
			l.msgs = append(l.msgs, m)
			l.mu.Unlock()
		}
	}()
	return l
}

// problems are the messages that show the page breaking the security policy or failing.
func (l *consoleLog) problems() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, m := range l.msgs {
		policy := strings.Contains(m.Text, "Content Security Policy") ||
			strings.Contains(m.Text, "Content-Security-Policy") ||
			strings.Contains(m.Text, "Permissions-Policy") ||
			strings.Contains(m.Text, "evalDisallowed")
		if policy || m.IsException() {
			out = append(out, m.String())
		}
	}
	return out
}

func TestBrowserPagesKeepTheContentSecurityPolicy(t *testing.T) {
	s := testutil.NewServer(t, true)
	admin := s.AdminToken()
	first := func(path string) string {
		res := s.Do("GET", path+"?limit=1", admin, nil, "X-Campaign-ID", "default-hoa-fl")
		data, _ := res.JSON(t)["data"].([]any)
		if res.Status != http.StatusOK || len(data) == 0 {
			t.Fatalf("GET %s: %d %s", path, res.Status, res.Body)
		}
		return data[0].(map[string]any)["id"].(string)
	}
	agent, run, sched := first("/api/agents"), first("/api/runs"), first("/api/schedules")
	lead := first("/api/leads")

	ctx := testutil.Browser(t)
	log := watchConsole(ctx)
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument,
			page.AddScriptToEvaluateOnNewDocumentParams{Source: recordViolations})
		return err
	}))
	if err != nil {
		t.Fatalf("watch for violations: %v", err)
	}

	c := "/c/default-hoa-fl"
	visit := func(path string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		all := append([]chromedp.Action[chromedp.Void]{
			chromedp.Navigate(s.URL + path),
			chromedp.WaitReady(chromedp.CSS("body")),
		}, steps...)
		// Deferred scripts, htmx's first requests and the event stream get a moment to run.
		all = append(all, chromedp.Sleep(300*time.Millisecond))
		if err := chromedp.Do(ctx, all...); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__cspViolations || []`))
		if err != nil {
			t.Fatalf("%s: read violations: %v", path, err)
		}
		for _, v := range got {
			t.Errorf("%s: %s", path, v)
		}
	}

	visit("/login")
	signIn(t, ctx, s.URL)
	visit("/", typeInto(byTestID("new-campaign-name"), "Policy check"),
		chromedp.WaitVisible(byTestID("slug-preview")))
	visit(c, chromedp.Click(byTestID("switcher-button")),
		typeInto(byTestID("switcher-search"), "hoa"))
	for _, p := range []string{"/agents", "/agents/" + agent, "/schedules", "/schedules/" + sched,
		"/runs", "/runs/" + run, "/contacts", "/content", "/engagement", "/leads/" + lead,
		"/leads/new", "/leads/import", "/activity", "/metrics", "/settings"} {
		visit(c + p)
	}
	visit(c+"/leads", typeInto(byTestID("records-search"), "a"))
	for _, p := range []string{"/admin/audit", "/admin/templates", "/admin/users",
		"/admin/tokens", "/account", "/account/tokens"} {
		visit(p)
	}
	visit("/c/no-such-campaign")

	for _, p := range log.problems() {
		t.Errorf("console: %s", p)
	}
}
