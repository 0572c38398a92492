package run

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/agent"
	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/executor"
)

// Limits bounds how many runs go at once: across the deployment and per campaign. Each agent
// also has its own limit, one run at a time unless it allows more.
type Limits struct {
	Global      int
	PerCampaign int
}

// DefaultLimits suit a small server.
var DefaultLimits = Limits{Global: 8, PerCampaign: 4}

// Ingester stores the records of a run's result; data.Store is one.
type Ingester interface {
	Ingest(ctx context.Context, sc access.Scope, runID string,
		records map[string][]json.RawMessage) (data.Ingested, error)
}

// Refresher brings the daily metrics of a campaign up to date for the days of the given
// instants, inside the caller's transaction.
type Refresher interface {
	Refresh(ctx context.Context, tx *database.Tx, campaignID string, at ...time.Time) error
}

// ExecFunc carries out one run; executor.Run is the real one.
type ExecFunc func(ctx context.Context, spec agent.Executor, req executor.Request,
	logf func(string)) (executor.Result, error)

// Engine draws runs from the queue and carries them out within the limits.
type Engine struct {
	store   *Store
	agents  *agent.Store
	data    Ingester
	metrics Refresher
	exec    ExecFunc
	limits  Limits

	mu          sync.Mutex
	running     map[string]*active
	perCampaign map[string]int
	perAgent    map[string]int
	stopping    bool
	wake        chan struct{}
	wg          sync.WaitGroup
}

// active is a run being carried out.
type active struct {
	cancel context.CancelFunc
	// cancelled is set when a person cancels the run, as opposed to a shutdown.
	cancelled bool
	campaign  string
	agent     string
}

// NewEngine returns an engine over the store. metrics may be nil.
func NewEngine(s *Store, agents *agent.Store, d Ingester, metrics Refresher, exec ExecFunc,
	limits Limits) *Engine {
	if limits.Global <= 0 {
		limits.Global = DefaultLimits.Global
	}
	if limits.PerCampaign <= 0 {
		limits.PerCampaign = DefaultLimits.PerCampaign
	}
	e := &Engine{store: s, agents: agents, data: d, metrics: metrics, exec: exec,
		limits: limits, running: map[string]*active{}, perCampaign: map[string]int{},
		perAgent: map[string]int{}, wake: make(chan struct{}, 1)}
	s.wake = e.Wake
	return e
}

// Wake tells the engine a run is waiting.
func (e *Engine) Wake() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// pollEvery is how often the queue is looked at without being woken.
const pollEvery = 2 * time.Second

// Run carries out queued runs until ctx ends, then stops the runs still going, which are
// recorded as interrupted, and waits for them.
func (e *Engine) Run(ctx context.Context) {
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		if err := e.dispatch(ctx); err != nil && ctx.Err() == nil {
			slog.Error("Run queue could not be read", "err", err)
		}
		select {
		case <-ctx.Done():
			e.stop()
			return
		case <-e.wake:
		case <-t.C:
		}
	}
}

func (e *Engine) stop() {
	e.mu.Lock()
	e.stopping = true
	for _, a := range e.running {
		a.cancel()
	}
	e.mu.Unlock()
	e.wg.Wait()
}

// Wait blocks until the runs going now have finished; for tests.
func (e *Engine) Wait() { e.wg.Wait() }

// Cancel stops a run of the scope's campaign: a queued one at once, a running one by
// stopping its process, after which it is recorded as cancelled.
func (e *Engine) Cancel(ctx context.Context, sc access.Scope, id string) (Run, error) {
	if err := sc.Require(access.RoleOperator); err != nil {
		return Run{}, err
	}
	r, err := e.store.Run(ctx, sc, id)
	if err != nil {
		return Run{}, err
	}
	if r.Finished() {
		return r, ErrFinished
	}
	e.mu.Lock()
	if a, ok := e.running[id]; ok && a.campaign == sc.CampaignID() {
		a.cancelled = true
		a.cancel()
		e.mu.Unlock()
		return r, nil
	}
	e.mu.Unlock()
	done, err := e.store.cancelPending(ctx, sc, id)
	if err != nil {
		return Run{}, err
	}
	if !done {
		// It started in the meantime: stop it now that it is running.
		e.mu.Lock()
		if a, ok := e.running[id]; ok {
			a.cancelled = true
			a.cancel()
		}
		e.mu.Unlock()
	}
	return e.store.Run(ctx, sc, id)
}

// queued is a waiting run with the limits that apply to it.
type queued struct {
	id, campaignID, agentID string
	agentLimit              int
}

func (e *Engine) dispatch(ctx context.Context) error {
	rows, err := e.store.db.R.QueryContext(ctx, `
		SELECT r.id, r.campaign_id, COALESCE(r.agent_id, ''),
			COALESCE(a.max_concurrent_runs, 1)
		FROM runs r LEFT JOIN agents a ON a.id = r.agent_id
		WHERE r.status = 'pending'
		ORDER BY r.created_at, r.id LIMIT 200`)
	if err != nil {
		return fmt.Errorf("run: read queue: %w", err)
	}
	var waiting []queued
	for rows.Next() {
		var q queued
		if err := rows.Scan(&q.id, &q.campaignID, &q.agentID, &q.agentLimit); err != nil {
			rows.Close()
			return fmt.Errorf("run: read queue: %w", err)
		}
		waiting = append(waiting, q)
	}
	rows.Close()
	var ready []queued
	for _, q := range waiting {
		if ctx.Err() == nil && e.reserve(q) {
			ready = append(ready, q)
		}
	}
	if len(ready) == 0 {
		return nil
	}
	started, err := e.store.start(ctx, ready)
	if err != nil {
		started = e.startEach(ctx, ready)
	}
	for _, q := range ready {
		if r, ok := started[q.id]; ok {
			e.begin(ctx, q, r)
		} else {
			e.release(q.id)
		}
	}
	return nil
}

// startEach starts the runs one transaction each, after starting them together failed, so
// that a run that cannot start does not hold the others back.
func (e *Engine) startEach(ctx context.Context, qs []queued) map[string]Run {
	started := make(map[string]Run, len(qs))
	for _, q := range qs {
		one, err := e.store.start(ctx, []queued{q})
		if err != nil {
			slog.Error("Run could not start", "run_id", q.id, "err", err)
			continue
		}
		maps.Copy(started, one)
	}
	return started
}

// reserve takes a place for q within every limit, or reports that there is none yet.
func (e *Engine) reserve(q queued) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopping || len(e.running) >= e.limits.Global ||
		e.perCampaign[q.campaignID] >= e.limits.PerCampaign ||
		(q.agentID != "" && e.perAgent[q.agentID] >= q.agentLimit) {
		return false
	}
	if _, dup := e.running[q.id]; dup {
		return false
	}
	e.running[q.id] = &active{cancel: func() {}, campaign: q.campaignID, agent: q.agentID}
	e.perCampaign[q.campaignID]++
	e.perAgent[q.agentID]++
	return true
}

func (e *Engine) release(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, ok := e.running[id]
	if !ok {
		return
	}
	delete(e.running, id)
	e.perCampaign[a.campaign]--
	e.perAgent[a.agent]--
}

// begin carries out a started run in the background.
func (e *Engine) begin(ctx context.Context, q queued, r Run) {
	sc := access.System(q.campaignID)
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e.mu.Lock()
	a := e.running[q.id]
	a.cancel = cancel
	// A person may have cancelled the run while it was being started.
	stop := e.stopping || a.cancelled
	e.mu.Unlock()
	if stop {
		cancel()
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer e.release(q.id)
		defer cancel()
		e.carryOut(runCtx, sc, r)
		e.Wake()
	}()
}

// carryOut runs the agent and records the outcome.
func (e *Engine) carryOut(ctx context.Context, sc access.Scope, r Run) {
	out := outcome{run: r}
	req, spec, err := e.request(ctx, sc, r)
	if err != nil {
		out.err = err
		e.finishOrLog(sc, out)
		return
	}
	sink := newLogSink(e.store, sc.CampaignID(), r.ID)
	res, err := e.exec(ctx, spec, req, sink.add)
	sink.close()
	out.result, out.err, out.truncated = res, err, sink.truncated()
	if err == nil && len(res.Records) > 0 {
		// Records go in even if the run is cancelled now: the agent did the work.
		ing, ierr := e.data.Ingest(context.WithoutCancel(ctx), sc, r.ID, res.Records)
		out.ingested = ing
		if ierr != nil {
			out.err = fmt.Errorf("the records could not be stored: %w", ierr)
		}
	}
	e.mu.Lock()
	if a, ok := e.running[r.ID]; ok {
		out.cancelled = a.cancelled
		out.shutdown = e.stopping && !a.cancelled
	}
	e.mu.Unlock()
	e.finishOrLog(sc, out)
}

func (e *Engine) finishOrLog(sc access.Scope, out outcome) {
	// The outcome is written even when the server is stopping.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.store.finish(ctx, sc, out, e.metrics); err != nil {
		slog.Error("Run outcome could not be saved", "run_id", out.run.ID, "err", err)
	}
}

// request builds what the executor sends the agent.
func (e *Engine) request(ctx context.Context, sc access.Scope, r Run) (executor.Request,
	agent.Executor, error) {
	if r.AgentID == "" {
		return executor.Request{}, agent.Executor{}, errors.New("the agent was removed")
	}
	a, err := e.agents.Agent(ctx, sc, r.AgentID)
	if err != nil {
		return executor.Request{}, agent.Executor{}, fmt.Errorf("the agent cannot be read: %w",
			err)
	}
	c, err := loadCampaign(ctx, e.store.db.R, sc.CampaignID())
	if err != nil {
		return executor.Request{}, agent.Executor{}, err
	}
	req := executor.Request{RunID: r.ID, Message: r.Message, Trigger: r.Trigger,
		Campaign: executor.Campaign{ID: c.id, Slug: c.slug, Name: c.name, Company: c.company,
			Timezone: c.timezone, Config: c.config},
		Agent: executor.Agent{ID: a.ID, Name: a.Name, Config: a.EffectiveConfig}}
	return req, a.Executor, nil
}

// outcome is how a run ended.
type outcome struct {
	run       Run
	result    executor.Result
	err       error
	ingested  data.Ingested
	cancelled bool
	shutdown  bool
	truncated bool
}

// status is the run's final status and the error it shows.
func (o outcome) status() (string, string) {
	switch {
	case o.err == nil:
		return StatusCompleted, ""
	case o.cancelled:
		return StatusCancelled, "cancelled by a person"
	case o.shutdown:
		return StatusFailed, "interrupted: the server shut down during the run; retry it"
	case errors.Is(o.err, executor.ErrTimeout):
		return StatusTimeout, cleanError(o.err)
	}
	return StatusFailed, cleanError(o.err)
}

// cleanError drops the package prefixes that mean nothing to the person reading the run.
func cleanError(err error) string {
	msg := err.Error()
	for _, p := range []string{"executor: ", "run: "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	return msg
}
