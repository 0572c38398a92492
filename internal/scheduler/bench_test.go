package scheduler_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/agent"
	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/executor"
	"github.com/clawops/clawops/internal/run"
	"github.com/clawops/clawops/internal/schedule"
	"github.com/clawops/clawops/internal/scheduler"
	"github.com/clawops/clawops/internal/testutil/testdb"
)

// Size of the benchmark data: 1 000 campaigns with 5 agents each and 2 schedules per agent,
// 10 000 enabled schedules in all.
const (
	benchCampaigns      = 1000
	benchAgentsPer      = 5
	benchSchedulesPer   = 2
	benchSchedules      = benchCampaigns * benchAgentsPer * benchSchedulesPer
	benchSchedulesPerCp = benchAgentsPer * benchSchedulesPer
	// benchDue is how many schedules come due at once: 1 % of them.
	benchDue = benchSchedules / 100
)

var (
	benchZones = []string{"UTC", "America/New_York", "Europe/Berlin", "Asia/Tokyo"}
	benchCrons = []string{"*/15 * * * *", "0 * * * *", "30 9 * * 1-5", "0 */6 * * *",
		"5 4 * * 0"}
)

// benchEnv is a database seeded with the benchmark's campaigns, agents and schedules.
type benchEnv struct {
	db    *database.DB
	act   *activity.Store
	runs  *run.Store
	sched *scheduler.Scheduler
	// schedules holds the schedule ids campaign by campaign, in seed order.
	schedules []string
}

// seedBench fills a fresh database in one transaction with raw SQL; every schedule's next
// fire comes after now. Agents run a script that prints a trivial result.
func seedBench(b *testing.B, now time.Time) *benchEnv {
	b.Helper()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	db := testdb.New(b)
	script := filepath.Join(b.TempDir(), "ok.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho '{\"output\":\"ok\"}'\n"),
		0o755); err != nil {
		b.Fatal(err)
	}
	e := &benchEnv{db: db, act: activity.NewStore(db, nil)}
	e.runs = run.NewStore(db, e.act, nil)
	e.sched = scheduler.New(db, e.runs)
	crons := make([]schedule.Cron, len(benchCrons))
	for i, expr := range benchCrons {
		c, err := schedule.ParseCron(expr)
		if err != nil {
			b.Fatal(err)
		}
		crons[i] = c
	}
	exec := fmt.Sprintf(`{"type":"command","command":[%q],"timeoutSeconds":30}`, script)
	stamp := database.FormatTime(now)
	err := db.Tx(context.Background(), func(tx *database.Tx) error {
		return e.insert(tx, crons, exec, stamp, now)
	})
	if err != nil {
		b.Fatalf("seed: %v", err)
	}
	return e
}

func (e *benchEnv) insert(tx *database.Tx, crons []schedule.Cron, exec, stamp string,
	now time.Time) error {
	ctx := context.Background()
	campaigns, err := tx.PrepareContext(ctx, `INSERT INTO campaigns (id, name, company, slug,
		timezone, created_at, updated_at) VALUES (?, ?, 'Bench Co', ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	agents, err := tx.PrepareContext(ctx, `INSERT INTO agents (id, campaign_id, name, executor,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	schedules, err := tx.PrepareContext(ctx, `INSERT INTO schedules (id, campaign_id, agent_id,
		name, cron, message, enabled, next_run_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'go', 1, ?, ?, ?)`)
	if err != nil {
		return err
	}
	for c := range benchCampaigns {
		cid, zone := database.NewID(), benchZones[c%len(benchZones)]
		loc, err := time.LoadLocation(zone)
		if err != nil {
			return err
		}
		if _, err := campaigns.ExecContext(ctx, cid, fmt.Sprintf("Campaign %04d", c),
			fmt.Sprintf("campaign-%04d", c), zone, stamp, stamp); err != nil {
			return err
		}
		for a := range benchAgentsPer {
			aid := database.NewID()
			if _, err := agents.ExecContext(ctx, aid, cid, fmt.Sprintf("agent-%d", a), exec,
				stamp, stamp); err != nil {
				return err
			}
			for s := range benchSchedulesPer {
				k := len(e.schedules)
				cr := crons[k%len(crons)]
				sid := database.NewID()
				if _, err := schedules.ExecContext(ctx, sid, cid, aid,
					fmt.Sprintf("schedule-%d-%d", a, s), cr.String(),
					database.FormatTime(cr.Next(now, loc)), stamp, stamp); err != nil {
					return err
				}
				e.schedules = append(e.schedules, sid)
			}
		}
	}
	return nil
}

// dueSet is the round's 1 % of the schedules, one in each of 100 campaigns; successive
// rounds take other campaigns and other schedules, and 100 rounds take each schedule once.
func (e *benchEnv) dueSet(round int) []string {
	const stride = benchCampaigns / benchDue
	out := make([]string, 0, benchDue)
	for j := range benchDue {
		c := j*stride + round/benchSchedulesPerCp%stride
		out = append(out, e.schedules[c*benchSchedulesPerCp+round%benchSchedulesPerCp])
	}
	return out
}

// makeDue sets the next fire of the schedules to at.
func (e *benchEnv) makeDue(b *testing.B, ids []string, at time.Time) {
	b.Helper()
	args := []any{database.FormatTime(at)}
	for _, id := range ids {
		args = append(args, id)
	}
	_, err := e.db.Exec(context.Background(), `UPDATE schedules SET next_run_at = ?
		WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		b.Fatal(err)
	}
}

// reportPercentiles reports the median and the 99th percentile of the samples.
func reportPercentiles(b *testing.B, samples []time.Duration) {
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	b.ReportMetric(float64(sorted[len(sorted)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(sorted[len(sorted)*99/100].Microseconds())/1000, "p99_ms")
}

var benchNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// BenchmarkSchedulerPassIdle is a pass over 10 000 enabled schedules of which none is due.
func BenchmarkSchedulerPassIdle(b *testing.B) {
	e := seedBench(b, benchNow)
	e.sched.SetClock(func() time.Time { return benchNow })
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		sum, err := e.sched.Pass(ctx)
		lat = append(lat, time.Since(t0))
		if err != nil || sum.Due != 0 {
			b.Fatalf("pass: %+v, %v", sum, err)
		}
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

// BenchmarkSchedulerPassDue is a pass over 10 000 enabled schedules of which 1 % are due, on
// time, each in its own campaign: every due schedule queues a run.
func BenchmarkSchedulerPassDue(b *testing.B) {
	e := seedBench(b, benchNow)
	e.sched.SetClock(func() time.Time { return benchNow })
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		// The runs of the last round would hold their schedules under the overlap policy.
		if _, err := e.db.Exec(ctx, `DELETE FROM runs`); err != nil {
			b.Fatal(err)
		}
		e.makeDue(b, e.dueSet(i), benchNow)
		b.StartTimer()
		t0 := time.Now()
		sum, err := e.sched.Pass(ctx)
		lat = append(lat, time.Since(t0))
		if err != nil || sum.Queued != benchDue {
			b.Fatalf("pass: %+v, %v", sum, err)
		}
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

// BenchmarkSchedulerFireLatency runs the real scheduler loop and run engine over the 10 000
// schedules; each round makes 1 % of them due at the same whole second, as cron fire times
// are, and measures how late each run starts: started_at − fire_at. The engine's limits are
// raised so that every fire has a place: the wait measured is the scheduler's and the
// queue's, not that of runs held back by a limit.
func BenchmarkSchedulerFireLatency(b *testing.B) {
	// Seeded a day ahead, the schedules' own fire times stay clear of the run: only the
	// rounds' fires happen.
	e := seedBench(b, time.Now().Add(24*time.Hour))
	agents := agent.NewStore(e.db, e.act)
	engine := run.NewEngine(e.runs, agents, data.NewStore(e.db, e.act, nil), nil,
		executor.Run, run.Limits{Global: benchDue, PerCampaign: benchDue})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { engine.Run(ctx) })
	wg.Go(func() { e.sched.Run(ctx) })
	defer func() {
		cancel()
		wg.Wait()
	}()

	var lat []time.Duration
	b.ResetTimer()
	for i := range b.N {
		fireAt := time.Now().Truncate(time.Second).Add(2 * time.Second)
		e.makeDue(b, e.dueSet(i), fireAt)
		lat = append(lat, e.startDelays(b, fireAt)...)
		e.waitIdle(b)
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

// startDelays waits until every run of the fire has started and returns how late each did.
func (e *benchEnv) startDelays(b *testing.B, fireAt time.Time) []time.Duration {
	b.Helper()
	guard := time.Now().Add(time.Minute)
	for {
		rows, err := e.db.R.Query(`SELECT fire_at, started_at FROM runs
			WHERE fire_at = ? AND started_at IS NOT NULL`, database.FormatTime(fireAt))
		if err != nil {
			b.Fatal(err)
		}
		var out []time.Duration
		for rows.Next() {
			var fire, started time.Time
			if err := rows.Scan(database.Time(&fire), database.Time(&started)); err != nil {
				b.Fatal(err)
			}
			out = append(out, started.Sub(fire))
		}
		rows.Close()
		if len(out) == benchDue {
			return out
		}
		if time.Now().After(guard) {
			b.Fatalf("%d of %d runs started", len(out), benchDue)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitIdle waits until no run is queued or going.
func (e *benchEnv) waitIdle(b *testing.B) {
	b.Helper()
	guard := time.Now().Add(time.Minute)
	for {
		var busy int
		err := e.db.R.QueryRow(`SELECT COUNT(*) FROM runs
			WHERE status IN ('pending', 'running')`).Scan(&busy)
		if err != nil {
			b.Fatal(err)
		}
		if busy == 0 {
			return
		}
		if time.Now().After(guard) {
			b.Fatalf("%d runs still queued or going", busy)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
