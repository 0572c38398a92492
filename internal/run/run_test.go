package run_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/agent"
	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/internal/event"
	"github.com/clawops/clawops/internal/executor"
	"github.com/clawops/clawops/internal/run"
	"github.com/clawops/clawops/internal/testutil/testdb"
)

type env struct {
	db     *database.DB
	store  *run.Store
	engine *run.Engine
	agents *agent.Store
	data   *data.Store
	act    *activity.Store
	broker *event.Broker
	a, b   access.Scope
	dir    string
}

func newEnv(t *testing.T, limits run.Limits) *env {
	t.Helper()
	db := testdb.New(t)
	for _, id := range []string{"camp-a", "camp-b"} {
		testdb.Exec(t, db, `INSERT INTO campaigns (id, name, company, slug, timezone, created_at,
			updated_at) VALUES (?, ?, 'Co', ?, 'America/New_York', '2026-01-01T00:00:00.000Z',
			'2026-01-01T00:00:00.000Z')`, id, "Campaign "+id, id)
	}
	broker := event.NewBroker()
	act := activity.NewStore(db, broker)
	e := &env{db: db, broker: broker, act: act, agents: agent.NewStore(db, act),
		data: data.NewStore(db, act, broker), store: run.NewStore(db, act, broker),
		a: access.System("camp-a"), b: access.System("camp-b"), dir: t.TempDir()}
	e.engine = run.NewEngine(e.store, e.agents, e.data, nil, executor.Run, limits)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		e.engine.Run(ctx)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return e
}

// script writes an agent program and assigns it to the campaign of sc.
func (e *env) script(t *testing.T, sc access.Scope, name, body string, timeout int) agent.Agent {
	t.Helper()
	path := filepath.Join(e.dir, name+".sh")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	a, err := e.agents.AssignAgent(context.Background(), sc, agent.NewAgent{Name: name,
		Executor: &agent.Executor{Type: agent.ExecutorCommand, Command: []string{path},
			TimeoutSeconds: timeout}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (e *env) start(t *testing.T, sc access.Scope, a agent.Agent, msg string) run.Run {
	t.Helper()
	r, created, err := e.store.CreateRun(context.Background(), sc, run.NewRun{AgentID: a.ID,
		Message: msg, Trigger: run.TriggerManual}, "")
	if err != nil || !created {
		t.Fatalf("create run: %v (created %v)", err, created)
	}
	return r
}

// wait polls a run until it ends; the limit only guards against a run that never does.
func (e *env) wait(t *testing.T, sc access.Scope, id string) run.Run {
	t.Helper()
	guard := time.Now().Add(30 * time.Second)
	for {
		r, err := e.store.Run(context.Background(), sc, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Finished() {
			return r
		}
		if time.Now().After(guard) {
			t.Fatalf("run %s is still %s", id, r.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

const goodAgent = `cat > /dev/null
echo "looking for leads" >&2
echo "found three" >&2
cat <<'EOF'
{"output": "Found 3 leads", "costUsd": 0.25, "tokensUsed": 1200,
 "metrics": {"emailsOpened": 2},
 "records": {"leads": [
   {"name": "Ann Sample", "email": "ann@example.com", "score": 40},
   {"name": "Bob Sample", "email": "bob@example.com"},
   {"name": "Bad Score", "email": "bad@example.com", "score": "lots"}]}}
EOF`

func TestRunCompletesAndStoresItsRecords(t *testing.T) {
	e := newEnv(t, run.Limits{})
	ctx := context.Background()
	sub := e.broker.Subscribe("camp-a")
	defer sub.Close()
	other := e.broker.Subscribe("camp-b")
	defer other.Close()
	a := e.script(t, e.a, "finder", goodAgent, 30)

	r := e.wait(t, e.a, e.start(t, e.a, a, "find leads").ID)
	if r.Status != run.StatusCompleted || r.Output != "Found 3 leads" || r.CostUSD != 0.25 ||
		r.TokensUsed != 1200 || r.DurationMs == nil || r.StartedAt == nil {
		t.Fatalf("finished run = %+v", r)
	}
	if diff := cmp.Diff(map[string]int{"leads": 2}, r.RecordsIngested); diff != "" {
		t.Errorf("records ingested (-want +got):\n%s", diff)
	}
	if len(r.RejectedRecords) != 1 || r.RejectedRecords[0].Index != 2 ||
		!strings.Contains(r.RejectedRecords[0].Reason, "score") {
		t.Errorf("rejected = %+v", r.RejectedRecords)
	}
	if r.Metrics["emailsOpened"] != 2 {
		t.Errorf("metrics = %v", r.Metrics)
	}
	logs, err := e.store.Logs(ctx, e.a, r.ID, 0, 0)
	if err != nil || len(logs) != 2 || logs[0].Line != "looking for leads" || logs[1].Seq != 2 {
		t.Errorf("log = %+v, %v", logs, err)
	}
	leads, _, _ := e.data.Records(ctx, e.a, data.Leads, data.Query{SourceRunID: r.ID})
	if len(leads) != 2 {
		t.Errorf("%d leads carry the run as their source, want 2", len(leads))
	}
	ag, _ := e.agents.Agent(ctx, e.a, a.ID)
	if ag.RunCount != 1 || ag.ErrorCount != 0 || ag.Status != agent.StatusIdle ||
		ag.LastRunStatus != run.StatusCompleted {
		t.Errorf("agent after the run = %+v", ag)
	}
	types := feedTypes(t, e, e.a)
	for _, want := range []string{"run.started", "run.completed", "records.ingested"} {
		if !strings.Contains(types, want) {
			t.Errorf("the feed lacks %s: %s", want, types)
		}
	}
	seen := drain(sub)
	for _, want := range []string{"run.started", "run.log", "run.finished", "data.changed"} {
		if !strings.Contains(seen, want) {
			t.Errorf("the stream lacks %s: %s", want, seen)
		}
	}
	if got := drain(other); got != "" {
		t.Errorf("another campaign's stream heard %s", got)
	}

	// A retry is a new run of the same task; its records are the same leads, skipped.
	retry, err := e.store.Retry(ctx, e.a, r.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	retry = e.wait(t, e.a, retry.ID)
	if retry.Trigger != run.TriggerRetry || retry.RetryOf != r.ID ||
		retry.RecordsIngested["leads"] != 0 || retry.RecordsSkipped["leads"] != 2 {
		t.Errorf("retry = %+v", retry)
	}
	if n, _ := e.data.Count(ctx, e.a, data.Leads, data.Query{}, 100); n.N != 2 {
		t.Errorf("%d leads after the retry, want 2", n.N)
	}
}

// feedTypes lists the types of the campaign's feed entries.
func feedTypes(t *testing.T, e *env, sc access.Scope) string {
	t.Helper()
	entries, _, err := e.act.Entries(context.Background(), sc, activity.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, en := range entries {
		out = append(out, en.Type)
	}
	return strings.Join(out, " ")
}

// drain reads the events waiting on a subscription, checking that each names its campaign.
func drain(sub *event.Subscription) string {
	var out []string
	for {
		select {
		case ev := <-sub.C:
			b, _ := json.Marshal(ev.Data)
			if !strings.Contains(string(b), `"campaignId":"`+ev.CampaignID+`"`) {
				out = append(out, "(without campaignId) "+ev.Type)
			}
			out = append(out, ev.Type)
		default:
			return strings.Join(out, " ")
		}
	}
}

func TestRunFailures(t *testing.T) {
	e := newEnv(t, run.Limits{})
	tests := []struct {
		name, body string
		timeout    int
		status     string
		errPart    string
	}{
		{"exit status", `echo "boom" >&2; exit 3`, 30, run.StatusFailed, "exited with status 3"},
		{"invalid JSON", `echo 'not json'`, 30, run.StatusFailed, "not valid JSON"},
		{"timeout", `sleep 30`, 1, run.StatusTimeout, "did not finish"},
		{"missing program", ``, 30, run.StatusFailed, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.script(t, e.a, strings.ReplaceAll(tt.name, " ", "-"), tt.body, tt.timeout)
			if tt.name == "missing program" {
				missing := agent.Executor{Type: agent.ExecutorCommand,
					Command: []string{"clawops-no-such-program"}}
				var err error
				a, err = e.agents.UpdateAgent(context.Background(), e.a, a.ID,
					agent.AgentPatch{Executor: &missing})
				if err != nil {
					t.Fatal(err)
				}
			}
			r := e.wait(t, e.a, e.start(t, e.a, a, "").ID)
			if r.Status != tt.status || !strings.Contains(r.Error, tt.errPart) {
				t.Errorf("run = %s %q, want %s with %q", r.Status, r.Error, tt.status,
					tt.errPart)
			}
			ag, _ := e.agents.Agent(context.Background(), e.a, a.ID)
			if ag.ErrorCount != 1 || ag.Status != agent.StatusError {
				t.Errorf("agent after a failure: errors %d, status %s", ag.ErrorCount, ag.Status)
			}
		})
	}
	if !strings.Contains(feedTypes(t, e, e.a), "run.failed") {
		t.Error("failures are not in the feed")
	}
}

func TestCancelStopsTheRun(t *testing.T) {
	e := newEnv(t, run.Limits{})
	ctx := context.Background()
	started := filepath.Join(e.dir, "started")
	a := e.script(t, e.a, "slow", `touch '`+started+`'; sleep 60`, 120)
	r := e.start(t, e.a, a, "")
	waitFile(t, started)
	if _, err := e.engine.Cancel(ctx, e.b, r.ID); !errors.Is(err, derrors.NotFound) {
		t.Errorf("another campaign cancels the run: %v", err)
	}
	if _, err := e.engine.Cancel(ctx, e.a, r.ID); err != nil {
		t.Fatal(err)
	}
	r = e.wait(t, e.a, r.ID)
	if r.Status != run.StatusCancelled {
		t.Errorf("after cancel: %s %q", r.Status, r.Error)
	}
	if _, err := e.engine.Cancel(ctx, e.a, r.ID); !errors.Is(err, run.ErrFinished) {
		t.Errorf("cancel of a finished run: %v", err)
	}
}

func waitFile(t *testing.T, path string) {
	t.Helper()
	guard := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(guard) {
			t.Fatalf("%s never appeared", path)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestOneRunOfAnAgentAtATime(t *testing.T) {
	e := newEnv(t, run.Limits{})
	ctx := context.Background()
	gate := filepath.Join(e.dir, "gate")
	a := e.script(t, e.a, "gated", `n=0
while [ ! -f '`+gate+`' ]; do sleep 0.05; done
echo '{"output": "ok"}'`, 60)
	first := e.start(t, e.a, a, "one")
	second := e.start(t, e.a, a, "two")
	waitStatus(t, e, first.ID, run.StatusRunning)
	e.engine.Wake()
	if r, _ := e.store.Run(ctx, e.a, second.ID); r.Status != run.StatusPending {
		t.Errorf("the second run of a busy agent is %s, want pending", r.Status)
	}
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := e.wait(t, e.a, second.ID); r.Status != run.StatusCompleted {
		t.Errorf("second run = %s %q", r.Status, r.Error)
	}
}

func waitStatus(t *testing.T, e *env, id, status string) {
	t.Helper()
	guard := time.Now().Add(30 * time.Second)
	for {
		r, _ := e.store.Run(context.Background(), e.a, id)
		if r.Status == status {
			return
		}
		if time.Now().After(guard) {
			t.Fatalf("run %s is %s, never %s", id, r.Status, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestIdempotencyKeyAndIsolation(t *testing.T) {
	e := newEnv(t, run.Limits{})
	ctx := context.Background()
	a := e.script(t, e.a, "quick", `echo '{"output": "ok"}'`, 30)
	n := run.NewRun{AgentID: a.ID, Trigger: run.TriggerAPI, IdempotencyKey: "order-42"}
	first, created, err := e.store.CreateRun(ctx, e.a, n, "")
	if err != nil || !created {
		t.Fatal(err)
	}
	again, created, err := e.store.CreateRun(ctx, e.a, n, "")
	if err != nil || created || again.ID != first.ID {
		t.Errorf("the same key made another run: %v %v %s", err, created, again.ID)
	}
	if _, err := e.store.Run(ctx, e.b, first.ID); !errors.Is(err, derrors.NotFound) {
		t.Errorf("another campaign reads the run: %v", err)
	}
	if _, _, err := e.store.CreateRun(ctx, e.b, run.NewRun{AgentID: a.ID,
		Trigger: run.TriggerManual}, ""); !errors.Is(err, derrors.NotFound) {
		t.Errorf("another campaign runs the agent: %v", err)
	}
	list, _, err := e.store.Runs(ctx, e.b, run.Filter{})
	if err != nil || len(list) != 0 {
		t.Errorf("another campaign lists %d runs, %v", len(list), err)
	}
	viewer, _ := access.Grant(access.Principal{UserID: "u1"}, "camp-a", access.RoleViewer)
	if _, _, err := e.store.CreateRun(ctx, viewer, run.NewRun{AgentID: a.ID,
		Trigger: run.TriggerManual}, "u1"); !errors.Is(err, derrors.Forbidden) {
		t.Errorf("a viewer starts a run: %v", err)
	}
	e.wait(t, e.a, first.ID)
}

func TestBudgetHoldsManualRuns(t *testing.T) {
	e := newEnv(t, run.Limits{})
	ctx := context.Background()
	testdb.Exec(t, e.db, `UPDATE campaigns SET daily_budget_usd = 0.3 WHERE id = 'camp-a'`)
	a := e.script(t, e.a, "spender", `echo '{"output": "ok", "costUsd": 0.25}'`, 30)
	e.wait(t, e.a, e.start(t, e.a, a, "").ID)
	if !strings.Contains(feedTypes(t, e, e.a), "budget.warning") {
		t.Error("80 % of the budget spent without a warning")
	}
	e.wait(t, e.a, e.start(t, e.a, a, "").ID)
	_, _, err := e.store.CreateRun(ctx, e.a, run.NewRun{AgentID: a.ID,
		Trigger: run.TriggerManual}, "")
	if !errors.Is(err, derrors.Conflict) || !strings.Contains(err.Error(), "daily budget") {
		t.Fatalf("a manual run past the budget: %v", err)
	}
	over, err := e.store.Over(ctx, "camp-a", time.Now())
	if err != nil || over == "" {
		t.Errorf("Over = %q, %v", over, err)
	}
	if _, _, err := e.store.CreateRun(ctx, e.a, run.NewRun{AgentID: a.ID,
		Trigger: run.TriggerManual, OverrideBudget: true}, ""); err != nil {
		t.Errorf("an override was refused: %v", err)
	}
}

func TestLogIsCapped(t *testing.T) {
	e := newEnv(t, run.Limits{})
	a := e.script(t, e.a, "chatty", `i=0
while [ $i -lt 30000 ]; do echo "line $i of a long log that goes on and on and on" >&2; i=$((i+1)); done
echo '{"output": "ok"}'`, 60)
	r := e.wait(t, e.a, e.start(t, e.a, a, "").ID)
	var logs []run.LogLine
	for {
		page, err := e.store.Logs(context.Background(), e.a, r.ID, len(logs), 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		logs = append(logs, page...)
	}
	total := 0
	for _, l := range logs {
		total += len(l.Line)
	}
	if total > run.MaxLogBytes || !strings.Contains(logs[len(logs)-1].Line, "log truncated") {
		t.Errorf("log of %d bytes, last line %q", total, logs[len(logs)-1].Line)
	}
}

func TestInterruptedRunsFail(t *testing.T) {
	e := newEnv(t, run.Limits{})
	ctx := context.Background()
	a := e.script(t, e.a, "idle", `echo '{"output": "ok"}'`, 30)
	testdb.Exec(t, e.db, `INSERT INTO runs (id, campaign_id, agent_id, agent_name, trigger,
		status, started_at, created_at, updated_at) VALUES ('crashed', 'camp-a', ?, 'idle',
		'manual', 'running', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z',
		'2026-01-01T00:00:00.000Z')`, a.ID)
	n, err := e.store.FailInterrupted(ctx)
	if err != nil || n != 1 {
		t.Fatalf("FailInterrupted = %d, %v", n, err)
	}
	r, _ := e.store.Run(ctx, e.a, "crashed")
	if r.Status != run.StatusFailed || !strings.Contains(r.Error, "interrupted") {
		t.Errorf("crashed run = %s %q", r.Status, r.Error)
	}
	retry, err := e.store.Retry(ctx, e.a, "crashed", "")
	if err != nil {
		t.Fatal(err)
	}
	if r := e.wait(t, e.a, retry.ID); r.Status != run.StatusCompleted {
		t.Errorf("retry of the interrupted run = %s", r.Status)
	}
}
