package web_test

import (
	"fmt"
	"net/http"
	"sort"
	"testing"

	"github.com/clawops/clawops/internal/testutil"
)

// TestEveryActionReachesTheFeed makes each change the product reports through the API, then
// reads the campaign's feed: every kind of event must be there, once its action is done.
func TestEveryActionReachesTheFeed(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	c := createCampaign(t, s, admin, map[string]any{"name": "Feed Check", "company": "F"})
	id := c["id"].(string)
	base := "/api/campaigns/" + id
	must := func(res testutil.Response, want int, what string) map[string]any {
		t.Helper()
		if res.Status != want {
			t.Fatalf("%s: %d %s", what, res.Status, res.Body)
		}
		if len(res.Body) == 0 || res.Body[0] != '{' {
			return nil
		}
		return res.JSON(t)
	}

	must(s.Do("PUT", base, admin, map[string]any{"description": "Watched closely"}),
		http.StatusOK, "change")
	userID, _ := newMember(t, s, admin, "feed-member@example.com")
	must(s.Do("POST", base+"/members", admin, map[string]any{"userId": userID,
		"role": "viewer"}), http.StatusCreated, "add member")

	good := scriptAgent(t, s, admin, id, "finder", `cat > /dev/null
echo '{"output": "found two", "costUsd": 0.02, "records": {"leads": [
  {"name": "Feed Lead", "email": "feed-lead@example.com"},
  {"name": "Other Lead", "email": "other-lead@example.com"}]},
  "metrics": {"emailsSent": 2, "repliesReceived": 1}}'`)
	bad := scriptAgent(t, s, admin, id, "breaker", "cat > /dev/null\nexit 3")
	for _, agentID := range []string{good, bad} {
		r := must(s.Do("POST", base+"/agents/"+agentID+"/run", admin, nil),
			http.StatusAccepted, "run")
		waitRun(t, s, admin, base+"/runs/"+r["id"].(string))
	}
	sch := must(s.Do("POST", base+"/schedules", admin, map[string]any{"agentId": good,
		"cron": "0 9 * * 1", "enabled": false}), http.StatusCreated, "add schedule")
	must(s.Do("PUT", base+"/schedules/"+sch["id"].(string), admin,
		map[string]any{"cron": "0 10 * * 1"}), http.StatusOK, "change schedule")
	must(s.Do("DELETE", base+"/agents/"+bad, admin, nil), http.StatusNoContent,
		"remove agent")

	for _, col := range []struct{ path, body string }{
		{"content-queue", `{"content": "Post %d", "platform": "email"}`},
		{"engagement-queue", `{"platform": "reddit", "postUrl": "https://r.example/%d"}`},
	} {
		var ids []string
		for i := range 2 {
			body := []byte(fmt.Sprintf(col.body, i))
			r := must(s.Do("POST", base+"/"+col.path, admin, body), http.StatusCreated,
				"add "+col.path)
			ids = append(ids, r["id"].(string))
		}
		for _, step := range []struct{ id, action string }{{ids[0], "approve"},
			{ids[0], "posted"}, {ids[1], "reject"}} {
			must(s.Do("POST", base+"/"+col.path+"/"+step.id+"/"+step.action, admin, nil),
				http.StatusOK, col.path+" "+step.action)
		}
	}

	im := must(s.Do("POST", base+"/leads/import.csv", admin,
		"name,email\nImported One,imported@example.com\n", "Content-Type", "text/csv"),
		http.StatusAccepted, "import")
	if job := waitImport(t, s, admin, im["id"].(string)); job["status"] != "completed" {
		t.Fatalf("import: %v", job)
	}

	must(s.Do("POST", base+"/duplicate", admin, map[string]any{"name": "Feed Check Copy"}),
		http.StatusCreated, "duplicate")
	must(s.Do("DELETE", base, admin, nil), http.StatusOK, "archive")
	must(s.Do("POST", base+"/restore", admin, nil), http.StatusOK, "restore")

	res := s.Do("GET", base+"/activity?limit=500", admin, nil)
	var feed struct {
		Data []struct{ Type, Severity, Title string }
	}
	res.Decode(t, &feed)
	seen := map[string]bool{}
	for _, e := range feed.Data {
		seen[e.Type] = true
		if e.Title == "" || e.Severity == "" {
			t.Errorf("%s has no title or severity", e.Type)
		}
	}
	for _, want := range []string{"campaign.created", "campaign.updated",
		"campaign.duplicated", "campaign.archived", "campaign.restored", "member.changed",
		"agent.assigned", "agent.removed", "schedule.created", "schedule.updated",
		"run.started", "run.completed", "run.failed", "records.ingested",
		"content.approved", "content.rejected", "content.posted",
		"engagement.approved", "engagement.rejected", "engagement.posted",
		"import.completed"} {
		if !seen[want] {
			var got []string
			for k := range seen {
				got = append(got, k)
			}
			sort.Strings(got)
			t.Errorf("the feed has no %s; it has %v", want, got)
		}
	}
}
