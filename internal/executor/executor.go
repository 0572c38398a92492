// Package executor carries out one run of an agent: it hands the run request to the agent
// through the agent's executor (a program, an HTTP endpoint or the openclaw runtime), streams
// the agent's live log and reads back its result. It keeps no state and knows nothing of the
// database or of run bookkeeping; the caller records what Run returns.
//
// Programs run in their own process group, which is killed when the run ends, so the package
// needs a Unix-like system.
package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/clawops/clawops/internal/agent"
)

// Limits on what an agent sends back.
const (
	// MaxResultBytes bounds the result JSON (a program's stdout or an HTTP answer's body).
	MaxResultBytes = 4 << 20
	// MaxLogLineBytes bounds one line of the live log; a longer line is cut and marked.
	MaxLogLineBytes = 64 << 10
)

// truncatedMark ends a log line that was cut at MaxLogLineBytes.
const truncatedMark = " …[line truncated]"

// Errors a caller tells apart with errors.Is to set the status of the run. Every other
// failure is a plain error whose message says what went wrong.
var (
	// ErrTimeout: the agent did not finish within the executor's timeout.
	ErrTimeout = errors.New("executor: the agent did not finish in time")
	// ErrCancelled: the caller's context ended before the agent finished.
	ErrCancelled = errors.New("executor: the run was cancelled")
)

// Request is the run request sent to the agent, as JSON on a program's stdin or as the body
// of the POST to an HTTP agent.
type Request struct {
	RunID    string   `json:"runId"`
	Campaign Campaign `json:"campaign"`
	Agent    Agent    `json:"agent"`
	Message  string   `json:"message"`
	Trigger  string   `json:"trigger"`
}

// Campaign is the campaign a run works for, as the agent sees it.
type Campaign struct {
	ID       string          `json:"id"`
	Slug     string          `json:"slug"`
	Name     string          `json:"name"`
	Company  string          `json:"company"`
	Timezone string          `json:"timezone"`
	Config   json.RawMessage `json:"config"`
}

// Agent is the agent that runs, with its effective configuration.
type Agent struct {
	ID     string          `json:"id"`
	Name   string          `json:"name"`
	Config json.RawMessage `json:"config"`
}

// Result is what the agent answers. Records maps a collection's result key (leads,
// contentQueue, ...) to its rows, kept as the agent wrote them: the caller validates and
// ingests them.
type Result struct {
	Output     string                       `json:"output"`
	CostUSD    float64                      `json:"costUsd"`
	TokensUsed int64                        `json:"tokensUsed"`
	Records    map[string][]json.RawMessage `json:"records,omitempty"`
	Metrics    map[string]int64             `json:"metrics,omitempty"`
}

// Run carries out one run of an agent with spec and returns the agent's result. It calls logf
// for each line of the live log as it arrives: the stderr lines of a command or openclaw agent,
// and for an HTTP agent a line when the request is sent and one with the status received. logf
// may be nil; it is called by one goroutine at a time, never after Run returns.
//
// Run fails with an error wrapping ErrTimeout when the agent outlives spec's timeout, and one
// wrapping ErrCancelled when ctx ends first.
func Run(ctx context.Context, spec agent.Executor, req Request, logf func(line string)) (
	Result, error) {
	if err := spec.Validate(); err != nil {
		return Result{}, fmt.Errorf("executor: %w", err)
	}
	if logf == nil {
		logf = func(string) {}
	}
	if ctx.Err() != nil {
		return Result{}, ErrCancelled
	}

	limit := time.Duration(spec.TimeoutSeconds) * time.Second
	runCtx, cancel := context.WithTimeoutCause(ctx, limit, errDeadline)
	defer cancel()

	var res Result
	var err error
	switch spec.Type {
	case agent.ExecutorCommand:
		res, err = runCommand(runCtx, spec.Command, req, logf)
	case agent.ExecutorHTTP:
		res, err = runHTTP(runCtx, spec.URL, req, logf)
	case agent.ExecutorOpenClaw:
		res, err = runOpenClaw(runCtx, spec.AgentID, req, logf)
	}
	if err != nil {
		return Result{}, interrupted(runCtx, spec.TimeoutSeconds, err)
	}
	return res, nil
}

// errDeadline is the cause of the run context when the executor's timeout expires, which tells
// a timeout apart from a deadline of the caller's own context.
var errDeadline = errors.New("executor timeout")

// interrupted replaces err by a timeout or cancellation error when the run context ended,
// since a killed agent's own failure (its exit status, a broken answer) says nothing useful.
func interrupted(ctx context.Context, timeoutSeconds int, err error) error {
	switch {
	case errors.Is(context.Cause(ctx), errDeadline):
		return &kindError{
			msg:  fmt.Sprintf("executor: the agent did not finish within %d s", timeoutSeconds),
			kind: ErrTimeout,
		}
	case ctx.Err() != nil:
		return ErrCancelled
	}
	return err
}

// kindError is an error with its own message that still matches a sentinel with errors.Is.
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }
