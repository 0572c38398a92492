// Package run records the runs of a campaign's agents and carries them out: the queue with its
// concurrency limits, the executor call, the live log, the records a result brings, and what
// follows a run (the agent's counters, its schedule, the feed, the daily metrics).
package run

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/clawops/clawops/internal/derrors"
)

// Statuses of a run: pending → running → completed, failed, cancelled or timeout.
const (
	StatusPending   = "pending"
	StatusRunning   = "running"
	StatusCompleted = "completed"
	StatusFailed    = "failed"
	StatusCancelled = "cancelled"
	StatusTimeout   = "timeout"
)

// Statuses lists every run status.
var Statuses = []string{StatusPending, StatusRunning, StatusCompleted, StatusFailed,
	StatusCancelled, StatusTimeout}

// Triggers: what started a run.
const (
	TriggerManual    = "manual"
	TriggerScheduled = "scheduled"
	TriggerAPI       = "api"
	TriggerRetry     = "retry"
)

// Triggers lists every trigger.
var Triggers = []string{TriggerManual, TriggerScheduled, TriggerAPI, TriggerRetry}

// Errors of this package.
var (
	ErrNotFound = fmt.Errorf("run %w", derrors.NotFound)
	// ErrFinished is a cancel of a run that already ended.
	ErrFinished = fmt.Errorf("run: the run has already finished: %w", derrors.Conflict)
	// ErrNotFinished is a retry of a run that has not ended yet.
	ErrNotFinished = fmt.Errorf("run: only a finished run can be retried: %w", derrors.Conflict)
	// ErrAgentUnavailable is a run of an agent that is paused or disabled.
	ErrAgentUnavailable = fmt.Errorf("run: the agent is paused or disabled: %w",
		derrors.Conflict)
	// ErrArchived is a run in an archived campaign.
	ErrArchived = fmt.Errorf("run: the campaign is archived; restore it first: %w",
		derrors.Conflict)
)

// Limits of what a run keeps.
const (
	// MaxLogBytes caps a run's log; what follows is dropped behind a visible mark.
	MaxLogBytes = 1 << 20
	// MaxOutputBytes caps the output text kept with a run.
	MaxOutputBytes = 64 << 10
	maxMessageLen  = 10000
	maxKeyLen      = 200
	// idempotencyWindow is how long a manual run's key returns the same run.
	idempotencyWindow = 24 * time.Hour
)

// Run is one execution of an agent.
type Run struct {
	ID         string `json:"id"`
	CampaignID string `json:"campaignId"`
	// AgentID is "" (null in JSON) once the agent has been removed; AgentName stays.
	AgentID    string `json:"agentId"`
	AgentName  string `json:"agentName"`
	ScheduleID string `json:"scheduleId"`
	Trigger    string `json:"trigger"`
	Status     string `json:"status"`
	Message    string `json:"message"`
	// FireAt is the scheduled time a scheduled run was started for.
	FireAt     *time.Time `json:"fireAt"`
	StartedAt  *time.Time `json:"startedAt"`
	FinishedAt *time.Time `json:"finishedAt"`
	DurationMs *int64     `json:"durationMs"`
	TokensUsed int64      `json:"tokensUsed"`
	CostUSD    float64    `json:"costUsd"`
	Output     string     `json:"output"`
	Error      string     `json:"error"`
	// RecordsIngested counts the records stored per collection result key ("leads": 3).
	RecordsIngested map[string]int `json:"recordsIngested"`
	// RecordsSkipped counts records left out as duplicates of stored ones.
	RecordsSkipped map[string]int `json:"recordsSkipped"`
	// RejectedRecords are the records of the result that could not be stored, and why.
	RejectedRecords []Rejected `json:"rejectedRecords"`
	// Metrics are the counters the agent reported for the daily rollup.
	Metrics     map[string]int64 `json:"metrics"`
	RequestedBy string           `json:"requestedBy"`
	RetryOf     string           `json:"retryOf"`
	CreatedAt   time.Time        `json:"createdAt"`
	UpdatedAt   time.Time        `json:"updatedAt"`
}

// Rejected is a record of a run's result that was not stored.
type Rejected struct {
	// Collection is the key of the result's records, such as "leads".
	Collection string `json:"collection"`
	Index      int    `json:"index"`
	Reason     string `json:"reason"`
}

// Finished reports whether the run has ended.
func (r Run) Finished() bool {
	return r.Status != StatusPending && r.Status != StatusRunning
}

// MarshalJSON writes empty references as null.
func (r Run) MarshalJSON() ([]byte, error) {
	type plain Run
	null := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	return json.Marshal(struct {
		plain
		AgentID     *string `json:"agentId"`
		ScheduleID  *string `json:"scheduleId"`
		RequestedBy *string `json:"requestedBy"`
		RetryOf     *string `json:"retryOf"`
	}{plain(r), null(r.AgentID), null(r.ScheduleID), null(r.RequestedBy), null(r.RetryOf)})
}

// LogLine is one line of a run's live log.
type LogLine struct {
	Seq  int       `json:"seq"`
	Line string    `json:"line"`
	At   time.Time `json:"at"`
}

// NewRun is what starting a run takes.
type NewRun struct {
	AgentID string
	// Message is the task given to the agent; "" leaves the agent to its default work.
	Message string
	Trigger string
	// IdempotencyKey makes a repeated manual request within 24 hours return the same run.
	IdempotencyKey string
	// RetryOf names the run this one retries.
	RetryOf string
	// ScheduleID and FireAt name the schedule fire a scheduled run is for; the pair is
	// claimed once, so that a fire never runs twice.
	ScheduleID string
	FireAt     *time.Time
	// OverrideBudget starts a manual run even when the campaign's budget is spent.
	OverrideBudget bool
}

func (n *NewRun) check() error {
	f := derrors.Fields{}
	f.Text("message", n.Message, false, maxMessageLen)
	f.Text("idempotencyKey", n.IdempotencyKey, false, maxKeyLen)
	f.SingleLine("idempotencyKey", n.IdempotencyKey)
	if n.AgentID == "" {
		f.Add("agentId", "is required")
	}
	return f.Err()
}
