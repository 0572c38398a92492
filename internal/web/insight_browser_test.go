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

// waitFor polls a JavaScript condition in the page until it holds.
func waitFor(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("waited in vain for %s", what)
}

func TestLiveUpdatesInTheBrowser(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	c := createCampaign(t, s, admin, map[string]any{"name": "Live Wire", "company": "L",
		"timezone": "America/New_York"})
	id := c["id"].(string)
	ctx := testutil.Browser(t)
	signIn(t, ctx, s.URL)

	t.Run("a new event arrives on the activity page without a reload", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(s.URL+"/c/live-wire/activity"),
			chromedp.WaitVisible(byTestID("activity-list")),
		)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the event stream", `document.body.dataset.events === "open"`)
		_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`window.stayed = true`))
		if err != nil {
			t.Fatal(err)
		}
		res := s.Do("PUT", "/api/campaigns/"+id, admin,
			map[string]any{"description": "Changed while someone watched"})
		if res.Status != http.StatusOK {
			t.Fatalf("change: %d %s", res.Status, res.Body)
		}
		waitFor(t, ctx, "the campaign.updated entry", `!!document.querySelector(
			'[data-testid="activity-entry"][data-type="campaign.updated"]')`)
		stayed, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.stayed === true`))
		if !stayed {
			t.Error("the page reloaded to show the entry")
		}
		shot(t, ctx, "activity.png")
	})

	t.Run("the metrics page follows new figures", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(s.URL+"/c/live-wire/metrics?range=7"),
			chromedp.WaitVisible(byTestID("kpi-leads-value")),
		)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the event stream", `document.body.dataset.events === "open"`)
		before, _ := chromedp.Run(ctx, chromedp.Text(byTestID("kpi-leads-value")))
		if strings.TrimSpace(before) != "0" {
			t.Fatalf("leads before %q, want 0", before)
		}
		for _, email := range []string{"one@example.com", "two@example.com"} {
			res := s.Do("POST", "/api/campaigns/"+id+"/leads", admin,
				map[string]any{"email": email})
			if res.Status != http.StatusCreated {
				t.Fatalf("add lead: %d %s", res.Status, res.Body)
			}
		}
		// Two changes in quick succession: the second must not be lost to the pacing.
		waitFor(t, ctx, "two leads on the page", `document.querySelector(
			'[data-testid="kpi-leads-value"]').textContent.trim() === "2"`)
		shot(t, ctx, "metrics.png")
	})

	t.Run("run log lines are appended as text", func(t *testing.T) {
		agentID := scriptAgent(t, s, admin, id, "talker", `cat > /dev/null
sleep 1
echo '<b>not markup</b>' >&2
echo 'second line' >&2
echo '{"output": "ok"}'`)
		err := chromedp.Do(ctx,
			chromedp.Navigate(s.URL+"/c/live-wire/activity"),
			chromedp.WaitVisible(byTestID("activity-list")),
		)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the event stream", `document.body.dataset.events === "open"`)
		res := s.Do("POST", "/api/campaigns/"+id+"/agents/"+agentID+"/run", admin, nil)
		if res.Status != http.StatusAccepted {
			t.Fatalf("run: %d %s", res.Status, res.Body)
		}
		runID := res.JSON(t)["id"].(string)
		_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
			var pre = document.createElement("pre");
			pre.setAttribute("data-run-log", "`+runID+`");
			pre.id = "log-under-test";
			document.body.appendChild(pre);
			return true;
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "both log lines", `document.getElementById("log-under-test")
			.textContent === "<b>not markup</b>\nsecond line\n"`)
		bold, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](
			`!!document.querySelector("#log-under-test b")`))
		if bold {
			t.Error("a log line was read as markup")
		}
	})
}
