package run_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/agent"
	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/event"
	"github.com/clawops/clawops/internal/executor"
	"github.com/clawops/clawops/internal/metrics"
	"github.com/clawops/clawops/internal/run"
	"github.com/clawops/clawops/internal/testutil/testdb"
)

// The batch of the concurrency benchmark: 100 runs spread over 10 campaigns of one agent
// each, every agent allowed 10 runs at once, so that all 100 go together.
const (
	batchCampaigns = 10
	batchPerAgent  = 10
	batchRuns      = batchCampaigns * batchPerAgent
)

// BenchmarkConcurrentRuns queues 100 runs of a trivial command agent at once and measures
// the time from the first queued to the last recorded as finished. The engine is wired as the
// app wires it (data ingestion, daily metrics, live events) with its limits raised to 100.
func BenchmarkConcurrentRuns(b *testing.B) {
	slog.SetDefault(slog.New(slog.DiscardHandler))
	db := testdb.New(b)
	broker := event.NewBroker()
	act := activity.NewStore(db, broker)
	agents := agent.NewStore(db, act)
	store := run.NewStore(db, act, broker)
	engine := run.NewEngine(store, agents, data.NewStore(db, act, broker),
		metrics.NewStore(db, broker), executor.Run,
		run.Limits{Global: batchRuns, PerCampaign: batchRuns})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		engine.Run(ctx)
		close(done)
	}()
	defer func() {
		cancel()
		<-done
	}()
	type target struct {
		sc      access.Scope
		agentID string
	}
	targets := make([]target, 0, batchCampaigns)
	script := filepath.Join(b.TempDir(), "ok.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho '{\"output\":\"ok\"}'\n"),
		0o755); err != nil {
		b.Fatal(err)
	}
	for range batchCampaigns {
		id := database.NewID()
		if _, err := db.Exec(ctx, `INSERT INTO campaigns (id, name, company, slug, created_at,
			updated_at) VALUES (?, ?, 'Bench Co', ?, '2026-01-01T00:00:00.000Z',
			'2026-01-01T00:00:00.000Z')`, id, "Campaign "+id, "c-"+id); err != nil {
			b.Fatal(err)
		}
		sc := access.System(id)
		a, err := agents.AssignAgent(ctx, sc, agent.NewAgent{Name: "worker",
			Executor: &agent.Executor{Type: agent.ExecutorCommand, Command: []string{script}}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE agents SET max_concurrent_runs = ? WHERE id = ?`,
			batchPerAgent, a.ID); err != nil {
			b.Fatal(err)
		}
		targets = append(targets, target{sc: sc, agentID: a.ID})
	}

	var batches, runTimes []time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		ids := make([]string, 0, batchRuns)
		for k := range batchRuns {
			t := targets[k%len(targets)]
			r, _, err := store.CreateRun(ctx, t.sc, run.NewRun{AgentID: t.agentID,
				Trigger: run.TriggerAPI}, "")
			if err != nil {
				b.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		last, spans := waitFinished(b, db, ids)
		batches = append(batches, last.Sub(start))
		runTimes = append(runTimes, spans...)
	}
	b.StopTimer()
	slices.Sort(batches)
	slices.Sort(runTimes)
	b.ReportMetric(batches[len(batches)/2].Seconds(), "s/batch")
	b.ReportMetric(batches[len(batches)-1].Seconds(), "max_s/batch")
	b.ReportMetric(float64(runTimes[len(runTimes)/2].Microseconds())/1000, "run_p50_ms")
	b.ReportMetric(float64(runTimes[len(runTimes)*99/100].Microseconds())/1000, "run_p99_ms")
}

// waitFinished waits until every run has ended, checks that each completed, and returns
// when the last one was recorded as finished and how long each took from queue to finish.
func waitFinished(b *testing.B, db *database.DB, ids []string) (time.Time, []time.Duration) {
	b.Helper()
	guard := time.Now().Add(time.Minute)
	for {
		var open int
		if err := db.R.QueryRow(`SELECT COUNT(*) FROM runs
			WHERE status IN ('pending', 'running')`).Scan(&open); err != nil {
			b.Fatal(err)
		}
		if open == 0 {
			break
		}
		if time.Now().After(guard) {
			b.Fatalf("%d runs still queued or going", open)
		}
		time.Sleep(5 * time.Millisecond)
	}
	var last time.Time
	spans := make([]time.Duration, 0, len(ids))
	for _, id := range ids {
		var status, errText string
		var created, finished time.Time
		err := db.R.QueryRow(`SELECT status, error, created_at, finished_at FROM runs
			WHERE id = ?`, id).Scan(&status, &errText, database.Time(&created),
			database.Time(&finished))
		if err != nil {
			b.Fatal(err)
		}
		if status != run.StatusCompleted {
			b.Fatalf("run %s: %s: %s", id, status, errText)
		}
		if finished.After(last) {
			last = finished
		}
		spans = append(spans, finished.Sub(created))
	}
	return last, spans
}
