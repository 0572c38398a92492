package scheduler_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/agent"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/run"
	"github.com/clawops/clawops/internal/schedule"
	"github.com/clawops/clawops/internal/scheduler"
	"github.com/clawops/clawops/internal/testutil/testdb"
)

var newYork, _ = time.LoadLocation("America/New_York")

type env struct {
	db        *database.DB
	runs      *run.Store
	schedules *schedule.Store
	sched     *scheduler.Scheduler
	agentID   string
	now       time.Time
	sc        access.Scope
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := testdb.New(t)
	testdb.Exec(t, db, `INSERT INTO campaigns (id, name, company, slug, timezone, created_at,
		updated_at) VALUES ('camp', 'Campaign', 'Co', 'camp', 'America/New_York',
		'2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`)
	act := activity.NewStore(db, nil)
	e := &env{db: db, runs: run.NewStore(db, act, nil), schedules: schedule.NewStore(db, act),
		sc: access.System("camp")}
	e.sched = scheduler.New(db, e.runs)
	e.sched.SetClock(func() time.Time { return e.now })
	a, err := agent.NewStore(db, act).AssignAgent(context.Background(), e.sc, agent.NewAgent{
		Name: "worker", Executor: &agent.Executor{Type: agent.ExecutorCommand,
			Command: []string{"true"}}})
	if err != nil {
		t.Fatal(err)
	}
	e.agentID = a.ID
	return e
}

// schedule adds an enabled schedule whose next fire is set to next.
func (e *env) schedule(t *testing.T, cron, catchUp string, capN int, next time.Time) string {
	t.Helper()
	s, err := e.schedules.CreateSchedule(context.Background(), e.sc, schedule.NewSchedule{
		AgentID: e.agentID, Name: cron + " " + catchUp, Cron: cron, Message: "go",
		CatchUpPolicy: catchUp, CatchUpCap: capN, OverlapPolicy: schedule.OverlapAllow})
	if err != nil {
		t.Fatal(err)
	}
	testdb.Exec(t, e.db, `UPDATE schedules SET next_run_at = ? WHERE id = ?`,
		database.FormatTime(next), s.ID)
	return s.ID
}

func (e *env) pass(t *testing.T, at time.Time) scheduler.Summary {
	t.Helper()
	e.now = at
	sum, err := e.sched.Pass(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// fires lists the fire times, in New York, of the runs queued for a schedule.
func (e *env) fires(t *testing.T, scheduleID string) []string {
	t.Helper()
	list, _, err := e.runs.Runs(context.Background(), e.sc, run.Filter{ScheduleID: scheduleID,
		Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(list) - 1; i >= 0; i-- {
		r := list[i]
		if r.Trigger != run.TriggerScheduled || r.FireAt == nil {
			t.Errorf("run %s: trigger %s, fire %v", r.ID, r.Trigger, r.FireAt)
			continue
		}
		out = append(out, r.FireAt.In(newYork).Format("2006-01-02 15:04 MST"))
	}
	return out
}

func (e *env) next(t *testing.T, id string) (string, string) {
	t.Helper()
	s, err := e.schedules.Schedule(context.Background(), e.sc, id)
	if err != nil {
		t.Fatal(err)
	}
	if s.NextRunAt == nil {
		return "", s.Note
	}
	return s.NextRunAt.In(newYork).Format("2006-01-02 15:04 MST"), s.Note
}

func ny(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, newYork)
	if err != nil {
		panic(err)
	}
	return t
}

func TestFireOnTimeOnceOnly(t *testing.T) {
	e := newEnv(t)
	id := e.schedule(t, "0 9 * * *", schedule.CatchUpLatest, 10, ny("2026-06-01 09:00:00"))
	if sum := e.pass(t, ny("2026-06-01 08:59:59")); sum.Due != 0 {
		t.Errorf("a pass before the fire found %d due", sum.Due)
	}
	if sum := e.pass(t, ny("2026-06-01 09:00:01")); sum.Queued != 1 {
		t.Errorf("on time: %+v", sum)
	}
	e.pass(t, ny("2026-06-01 09:00:02"))
	// A restart before the schedule moved on finds the fire claimed already.
	testdb.Exec(t, e.db, `UPDATE schedules SET next_run_at = ? WHERE id = ?`,
		database.FormatTime(ny("2026-06-01 09:00:00")), id)
	e.pass(t, ny("2026-06-01 09:00:03"))
	if diff := cmp.Diff([]string{"2026-06-01 09:00 EDT"}, e.fires(t, id)); diff != "" {
		t.Errorf("fires (-want +got):\n%s", diff)
	}
	if next, _ := e.next(t, id); next != "2026-06-02 09:00 EDT" {
		t.Errorf("next fire %s", next)
	}
}

func TestCatchUpAfterDowntime(t *testing.T) {
	tests := []struct {
		policy string
		capN   int
		want   []string
	}{
		{schedule.CatchUpSkip, 10, nil},
		{schedule.CatchUpLatest, 10, []string{"2026-06-04 09:00 EDT"}},
		{schedule.CatchUpAll, 2, []string{"2026-06-03 09:00 EDT", "2026-06-04 09:00 EDT"}},
		{schedule.CatchUpAll, 10, []string{"2026-06-01 09:00 EDT", "2026-06-02 09:00 EDT",
			"2026-06-03 09:00 EDT", "2026-06-04 09:00 EDT"}},
	}
	for _, tt := range tests {
		t.Run(tt.policy, func(t *testing.T) {
			e := newEnv(t)
			id := e.schedule(t, "0 9 * * *", tt.policy, tt.capN, ny("2026-06-01 09:00:00"))
			// The server was down from before the first fire until an hour after the fourth.
			e.pass(t, ny("2026-06-04 10:00:00"))
			if diff := cmp.Diff(tt.want, e.fires(t, id)); diff != "" {
				t.Errorf("fires (-want +got):\n%s", diff)
			}
			next, note := e.next(t, id)
			if next != "2026-06-05 09:00 EDT" {
				t.Errorf("next fire %s", next)
			}
			if len(tt.want) < 4 && !strings.Contains(note, "missed fires were skipped") {
				t.Errorf("note %q", note)
			}
		})
	}
}

// walk makes a pass every minute from one time to another, as the running scheduler would.
func (e *env) walk(t *testing.T, from, to time.Time) {
	t.Helper()
	for at := from; !at.After(to); at = at.Add(time.Minute) {
		e.pass(t, at.Add(time.Second))
	}
}

func TestDaylightSavingChanges(t *testing.T) {
	e := newEnv(t)
	// Clocks go back on 1 November 2026: 01:30 happens twice, and fires once.
	back := e.schedule(t, "30 1 * * *", schedule.CatchUpLatest, 10, ny("2026-10-31 01:30:00"))
	// Clocks go forward on 8 March 2026: 02:30 never happens, and fires at 03:00.
	fwd := e.schedule(t, "30 2 * * *", schedule.CatchUpLatest, 10, ny("2026-03-07 02:30:00"))
	e.walk(t, ny("2026-03-07 02:00:00"), ny("2026-03-08 04:00:00"))
	if diff := cmp.Diff([]string{"2026-03-07 02:30 EST", "2026-03-08 03:00 EDT"},
		e.fires(t, fwd)); diff != "" {
		t.Errorf("spring forward fires (-want +got):\n%s", diff)
	}
	e.walk(t, ny("2026-10-31 01:00:00"), ny("2026-11-01 04:00:00"))
	if diff := cmp.Diff([]string{"2026-10-31 01:30 EDT", "2026-11-01 01:30 EDT"},
		e.fires(t, back)); diff != "" {
		t.Errorf("fall back fires (-want +got):\n%s", diff)
	}
}

func TestQuietHoursHoldAFire(t *testing.T) {
	e := newEnv(t)
	testdb.Exec(t, e.db, `UPDATE campaigns SET quiet_start = '21:00', quiet_end = '08:00'`)
	id := e.schedule(t, "0 22 * * *", schedule.CatchUpLatest, 10, ny("2026-06-01 22:00:00"))
	e.pass(t, ny("2026-06-01 22:00:01"))
	if got := e.fires(t, id); len(got) != 0 {
		t.Errorf("fired in the quiet hours: %v", got)
	}
	if next, _ := e.next(t, id); next != "2026-06-02 08:00 EDT" {
		t.Errorf("held until %s, want the end of the quiet hours", next)
	}
	e.pass(t, ny("2026-06-02 08:00:01"))
	if diff := cmp.Diff([]string{"2026-06-02 08:00 EDT"}, e.fires(t, id)); diff != "" {
		t.Errorf("fires (-want +got):\n%s", diff)
	}
	if next, _ := e.next(t, id); next != "2026-06-02 22:00 EDT" {
		t.Errorf("next fire %s", next)
	}
}

func TestHeldSchedulesDoNotFire(t *testing.T) {
	tests := []struct {
		name, setup, note string
	}{
		{"paused campaign", `UPDATE campaigns SET status = 'paused'`, "campaign is paused"},
		{"archived campaign", `UPDATE campaigns SET status = 'archived'`, "campaign is archived"},
		{"disabled agent", `UPDATE agents SET status = 'disabled'`, "agent is disabled"},
		{"spent budget", `UPDATE campaigns SET daily_budget_usd = 1`, "daily budget"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			id := e.schedule(t, "0 9 * * *", schedule.CatchUpLatest, 10,
				ny("2026-06-01 09:00:00"))
			testdb.Exec(t, e.db, tt.setup)
			if tt.name == "spent budget" {
				testdb.Exec(t, e.db, `INSERT INTO runs (id, campaign_id, agent_name, trigger,
					status, cost_usd, created_at, updated_at) VALUES ('paid', 'camp', 'x',
					'manual', 'completed', 2, ?, ?)`, database.FormatTime(ny("2026-06-01 08:00:00")),
					database.FormatTime(ny("2026-06-01 08:00:00")))
			}
			e.pass(t, ny("2026-06-01 09:00:01"))
			if got := e.fires(t, id); len(got) != 0 {
				t.Errorf("fired: %v", got)
			}
			next, note := e.next(t, id)
			if next != "2026-06-02 09:00 EDT" || !strings.Contains(note, tt.note) {
				t.Errorf("next %s, note %q", next, note)
			}
		})
	}
}

func TestOverlapPolicy(t *testing.T) {
	e := newEnv(t)
	id := e.schedule(t, "*/5 * * * *", schedule.CatchUpLatest, 10, ny("2026-06-01 09:00:00"))
	testdb.Exec(t, e.db, `UPDATE schedules SET overlap_policy = 'skip'`)
	e.pass(t, ny("2026-06-01 09:00:01"))
	// The first run is still queued when the next fire comes.
	e.pass(t, ny("2026-06-01 09:05:01"))
	if diff := cmp.Diff([]string{"2026-06-01 09:00 EDT"}, e.fires(t, id)); diff != "" {
		t.Errorf("fires with overlap skip (-want +got):\n%s", diff)
	}
	if _, note := e.next(t, id); !strings.Contains(note, "still going") {
		t.Errorf("note %q", note)
	}
	testdb.Exec(t, e.db, `UPDATE schedules SET overlap_policy = 'allow'`)
	e.pass(t, ny("2026-06-01 09:10:01"))
	if got := e.fires(t, id); len(got) != 2 {
		t.Errorf("fires with overlap allowed: %v", got)
	}
}
