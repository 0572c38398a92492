package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/testutil"
)

// scriptAgent writes an agent program and assigns it to a campaign through the API.
func scriptAgent(t *testing.T, s *testutil.Server, admin, campaignID, name,
	body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".sh")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	res := s.Do("POST", "/api/campaigns/"+campaignID+"/agents", admin, map[string]any{
		"name": name, "executor": map[string]any{"type": "command", "command": []string{path},
			"timeoutSeconds": 60}})
	if res.Status != http.StatusCreated {
		t.Fatalf("assign %s: %d %s", name, res.Status, res.Body)
	}
	return res.JSON(t)["id"].(string)
}

// waitRun polls a run through the API until it ends.
func waitRun(t *testing.T, s *testutil.Server, tok, path string) map[string]any {
	t.Helper()
	guard := time.Now().Add(30 * time.Second)
	for {
		r := s.Do("GET", path, tok, nil).JSON(t)
		switch r["status"] {
		case "completed", "failed", "cancelled", "timeout":
			return r
		}
		if time.Now().After(guard) {
			t.Fatalf("run at %s is still %v", path, r["status"])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRunsOverHTTP(t *testing.T) {
	w := newDataWorld(t)
	s := w.s
	id := scriptAgent(t, s, w.admin, w.aID, "lead-finder", `cat > /dev/null
echo "working" >&2
echo '{"output": "done", "records": {"leads": [{"name": "HTTP Lead", "email": "http@example.com"}]}}'`)
	agentPath := "/api/campaigns/" + w.aID + "/agents/" + id

	if res := s.Do("POST", agentPath+"/run", w.viewerA, nil); res.Status != http.StatusForbidden {
		t.Errorf("viewer starts a run: %d", res.Status)
	}
	if res := s.Do("POST", "/api/campaigns/"+w.bID+"/agents/"+id+"/run", w.bTok, nil); res.Status != http.StatusNotFound {
		t.Errorf("another campaign starts the agent: %d", res.Status)
	}
	if res := s.Do("POST", agentPath+"/run", w.admin, `{"message": 3}`); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(res.Body), `"message"`) {
		t.Errorf("bad message: %d %s", res.Status, res.Body)
	}
	res := s.Do("POST", agentPath+"/run", w.admin, map[string]any{"message": "go",
		"idempotencyKey": "k-1"})
	if res.Status != http.StatusAccepted {
		t.Fatalf("run: %d %s", res.Status, res.Body)
	}
	runID := res.JSON(t)["id"].(string)
	again := s.Do("POST", agentPath+"/run", w.admin, map[string]any{"idempotencyKey": "k-1"})
	if again.JSON(t)["id"] != runID {
		t.Errorf("the same idempotency key started another run")
	}
	r := waitRun(t, s, w.admin, "/api/campaigns/"+w.aID+"/runs/"+runID)
	if r["status"] != "completed" || r["trigger"] != "api" || r["output"] != "done" {
		t.Fatalf("run = %v", r)
	}
	if got := r["recordsIngested"].(map[string]any)["leads"]; got != float64(1) {
		t.Errorf("records ingested = %v", r["recordsIngested"])
	}

	// The legacy path reaches the same run through the context.
	legacy := s.Do("GET", "/api/runs/"+runID, w.admin, nil, "X-Campaign-ID", w.aID)
	if legacy.Status != http.StatusOK {
		t.Errorf("legacy path: %d", legacy.Status)
	}
	logRes := s.Do("GET", "/api/runs/"+runID+"/log?after=0", w.admin, nil, "X-Campaign-ID", w.aID)
	if !strings.Contains(string(logRes.Body), `"line":"working"`) {
		t.Errorf("log: %s", logRes.Body)
	}
	if res := s.Do("GET", "/api/campaigns/"+w.bID+"/runs/"+runID, w.bTok, nil); res.Status != http.StatusNotFound {
		t.Errorf("another campaign reads the run: %d", res.Status)
	}
	if res := s.Do("GET", "/api/runs/"+runID, w.admin, nil); res.Status != http.StatusNotFound {
		t.Errorf("the default campaign finds another campaign's run: %d", res.Status)
	}
	list := s.Do("GET", "/api/campaigns/"+w.aID+"/runs?status=completed&trigger=api", w.admin, nil)
	if !strings.Contains(string(list.Body), runID) {
		t.Errorf("filtered list lacks the run: %s", list.Body)
	}
	for _, bad := range []string{"?status=finished", "?trigger=cron", "?from=yesterday",
		"?limit=0", "?cursor=nope"} {
		if res := s.Do("GET", "/api/campaigns/"+w.aID+"/runs"+bad, w.admin, nil); res.Status != http.StatusBadRequest {
			t.Errorf("GET runs%s: %d, want 400", bad, res.Status)
		}
	}
	if res := s.Do("POST", "/api/campaigns/"+w.aID+"/runs/"+runID+"/cancel", w.admin, nil); res.Status != http.StatusConflict {
		t.Errorf("cancel of a finished run: %d", res.Status)
	}
	retry := s.Do("POST", "/api/campaigns/"+w.aID+"/runs/"+runID+"/retry", w.admin, nil)
	if retry.Status != http.StatusAccepted || retry.JSON(t)["retryOf"] != runID {
		t.Fatalf("retry: %d %s", retry.Status, retry.Body)
	}
	r = waitRun(t, s, w.admin, "/api/campaigns/"+w.aID+"/runs/"+retry.JSON(t)["id"].(string))
	if r["recordsSkipped"].(map[string]any)["leads"] != float64(1) {
		t.Errorf("the retry stored its lead again: %v", r)
	}
}

func TestCancelARunningRunOverHTTP(t *testing.T) {
	w := newDataWorld(t)
	s := w.s
	started := filepath.Join(t.TempDir(), "started")
	id := scriptAgent(t, s, w.admin, w.aID, "sleeper", `touch '`+started+`'; sleep 60`)
	res := s.Do("POST", "/api/campaigns/"+w.aID+"/agents/"+id+"/run", w.admin, nil)
	runPath := "/api/campaigns/" + w.aID + "/runs/" + res.JSON(t)["id"].(string)
	for guard := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(started); err == nil {
			break
		}
		if time.Now().After(guard) {
			t.Fatal("the agent never started")
		}
	}
	if res := s.Do("POST", runPath+"/cancel", w.bTok, nil); res.Status != http.StatusNotFound {
		t.Errorf("another campaign cancels: %d", res.Status)
	}
	if res := s.Do("POST", runPath+"/cancel", w.admin, nil); res.Status != http.StatusOK {
		t.Fatalf("cancel: %d %s", res.Status, res.Body)
	}
	if r := waitRun(t, s, w.admin, runPath); r["status"] != "cancelled" {
		t.Errorf("after cancel: %v", r["status"])
	}
}

func TestSchedulesOverHTTP(t *testing.T) {
	w := newDataWorld(t)
	s := w.s
	agentID := scriptAgent(t, s, w.admin, w.aID, "nightly", `echo '{"output": "ok"}'`)
	base := "/api/campaigns/" + w.aID + "/schedules"
	for _, bad := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"agentId": agentID, "cron": "every day"}, "cron"},
		{map[string]any{"agentId": agentID, "cron": "0 9 * * *", "timezone": "Mars/Base"}, "timezone"},
		{map[string]any{"cron": "0 9 * * *"}, "agentId"},
		{map[string]any{"agentId": agentID, "cron": "0 9 * * *", "overlapPolicy": "maybe"}, "overlapPolicy"},
	} {
		res := s.Do("POST", base, w.admin, bad.body)
		if res.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(string(res.Body), `"`+bad.field+`"`) {
			t.Errorf("create %v: %d %s, want 422 naming %s", bad.body, res.Status, res.Body,
				bad.field)
		}
	}
	res := s.Do("POST", base, w.admin, map[string]any{"agentId": agentID, "name": "Morning",
		"cron": "0 9 * * 1-5", "message": "morning sweep"})
	if res.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	sch := res.JSON(t)
	id := sch["id"].(string)
	if sch["description"] != "At 09:00 on weekdays" || sch["nextRunAt"] == nil ||
		sch["effectiveTimezone"] != "UTC" || sch["overdue"] != false {
		t.Errorf("created %v", sch)
	}
	preview := s.Do("GET", base+"/"+id+"/preview?count=3", w.admin, nil).JSON(t)
	if n := len(preview["data"].([]any)); n != 3 || !strings.HasSuffix(
		preview["local"].([]any)[0].(string), "T09:00:00+00:00") {
		t.Errorf("preview = %v", preview)
	}
	if res := s.Do("GET", "/api/schedules/"+id, w.admin, nil, "X-Campaign-ID", w.aID); res.Status != http.StatusOK {
		t.Errorf("legacy path: %d", res.Status)
	}
	if res := s.Do("GET", "/api/campaigns/"+w.bID+"/schedules/"+id, w.bTok, nil); res.Status != http.StatusNotFound {
		t.Errorf("another campaign reads the schedule: %d", res.Status)
	}
	upd := s.Do("PUT", base+"/"+id, w.admin, map[string]any{"enabled": false})
	if upd.Status != http.StatusOK || upd.JSON(t)["nextRunAt"] != nil {
		t.Errorf("disable: %d %s", upd.Status, upd.Body)
	}
	fired := s.Do("POST", base+"/"+id+"/run", w.admin, nil)
	if fired.Status != http.StatusAccepted || fired.JSON(t)["scheduleId"] != id ||
		fired.JSON(t)["message"] != "morning sweep" {
		t.Fatalf("run now: %d %s", fired.Status, fired.Body)
	}
	waitRun(t, s, w.admin, "/api/campaigns/"+w.aID+"/runs/"+fired.JSON(t)["id"].(string))
	if got := s.Do("GET", base+"/"+id, w.admin, nil).JSON(t); got["lastRunStatus"] != "completed" {
		t.Errorf("schedule after its run: %v", got)
	}
	if res := s.Do("DELETE", base+"/"+id, w.viewerA, nil); res.Status != http.StatusForbidden {
		t.Errorf("viewer deletes: %d", res.Status)
	}
	if res := s.Do("DELETE", base+"/"+id, w.admin, nil); res.Status != http.StatusNoContent {
		t.Errorf("delete: %d", res.Status)
	}
}
