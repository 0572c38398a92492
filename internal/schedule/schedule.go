// Package schedule holds the cron schedules that fire a campaign's agents: their rules (a
// five-field cron, a time zone that defaults to the campaign's, overlap and catch-up policies),
// the computation of fire times across daylight-saving changes, and their store.
package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/clawops/clawops/internal/derrors"
)

// Errors of this package.
var (
	ErrNotFound = fmt.Errorf("schedule %w", derrors.NotFound)
)

// Overlap policies: what a fire does while the previous run of the schedule is still going.
const (
	OverlapSkip  = "skip"
	OverlapAllow = "allow"
)

// Catch-up policies: what happens to the fires missed while the server was down.
const (
	CatchUpSkip   = "skip"
	CatchUpLatest = "latest"
	CatchUpAll    = "all"
)

// Defaults and limits of schedule fields.
const (
	DefaultCatchUpCap = 10
	MaxCatchUpCap     = 1000
	maxNameLen        = 100
	maxMessageLen     = 10000
)

// Schedule fires one agent of one campaign on a cron.
type Schedule struct {
	ID         string `json:"id"`
	CampaignID string `json:"campaignId"`
	AgentID    string `json:"agentId"`
	AgentName  string `json:"agentName"`
	Name       string `json:"name"`
	Cron       string `json:"cron"`
	// Timezone is the schedule's own IANA zone; "" means the campaign's.
	Timezone string `json:"timezone"`
	// EffectiveTimezone is the zone the cron is read in: Timezone, or else the campaign's.
	EffectiveTimezone string     `json:"effectiveTimezone"`
	Message           string     `json:"message"`
	Enabled           bool       `json:"enabled"`
	OverlapPolicy     string     `json:"overlapPolicy"`
	CatchUpPolicy     string     `json:"catchUpPolicy"`
	CatchUpCap        int        `json:"catchUpCap"`
	NextRunAt         *time.Time `json:"nextRunAt"`
	LastRunAt         *time.Time `json:"lastRunAt"`
	LastRunStatus     string     `json:"lastRunStatus"`
	LastRunID         string     `json:"lastRunId"`
	// Note is what the scheduler last had to say about this schedule, such as skipped fires.
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// NewSchedule is what creating a schedule takes.
type NewSchedule struct {
	// ID is set only by seeding and import; requests leave it empty for a random one.
	ID      string `json:"-"`
	AgentID string `json:"agentId"`
	// Name defaults to the agent's name.
	Name     string `json:"name"`
	Cron     string `json:"cron"`
	Timezone string `json:"timezone"`
	Message  string `json:"message"`
	// Enabled defaults to true.
	Enabled       *bool  `json:"enabled"`
	OverlapPolicy string `json:"overlapPolicy"`
	CatchUpPolicy string `json:"catchUpPolicy"`
	// CatchUpCap defaults to DefaultCatchUpCap.
	CatchUpCap int `json:"catchUpCap"`
}

// Patch is a partial update; nil fields are left unchanged. An empty Timezone returns the
// schedule to the campaign's zone.
type Patch struct {
	AgentID       *string `json:"agentId"`
	Name          *string `json:"name"`
	Cron          *string `json:"cron"`
	Timezone      *string `json:"timezone"`
	Message       *string `json:"message"`
	Enabled       *bool   `json:"enabled"`
	OverlapPolicy *string `json:"overlapPolicy"`
	CatchUpPolicy *string `json:"catchUpPolicy"`
	CatchUpCap    *int    `json:"catchUpCap"`
}

// normalize fills the defaults of n and validates every field but the agent, whose existence
// only the store can check.
func (n *NewSchedule) normalize() error {
	n.Name = strings.TrimSpace(n.Name)
	n.Cron = strings.TrimSpace(n.Cron)
	n.Timezone = strings.TrimSpace(n.Timezone)
	if n.Enabled == nil {
		enabled := true
		n.Enabled = &enabled
	}
	if n.OverlapPolicy == "" {
		n.OverlapPolicy = OverlapSkip
	}
	if n.CatchUpPolicy == "" {
		n.CatchUpPolicy = CatchUpLatest
	}
	if n.CatchUpCap == 0 {
		n.CatchUpCap = DefaultCatchUpCap
	}
	f := derrors.Fields{}
	if strings.TrimSpace(n.AgentID) == "" {
		f.Add("agentId", "is required")
	}
	s := Schedule{
		Name: n.Name, Cron: n.Cron, Timezone: n.Timezone, Message: n.Message,
		OverlapPolicy: n.OverlapPolicy, CatchUpPolicy: n.CatchUpPolicy, CatchUpCap: n.CatchUpCap,
	}
	s.check(f, n.Name != "")
	return f.Err()
}

// apply writes p over s and validates the result.
func (p Patch) apply(s *Schedule) error {
	if p.AgentID != nil {
		s.AgentID = strings.TrimSpace(*p.AgentID)
	}
	if p.Name != nil {
		s.Name = strings.TrimSpace(*p.Name)
	}
	if p.Cron != nil {
		s.Cron = strings.TrimSpace(*p.Cron)
	}
	if p.Timezone != nil {
		s.Timezone = strings.TrimSpace(*p.Timezone)
	}
	if p.Message != nil {
		s.Message = *p.Message
	}
	if p.Enabled != nil {
		s.Enabled = *p.Enabled
	}
	if p.OverlapPolicy != nil {
		s.OverlapPolicy = *p.OverlapPolicy
	}
	if p.CatchUpPolicy != nil {
		s.CatchUpPolicy = *p.CatchUpPolicy
	}
	if p.CatchUpCap != nil {
		s.CatchUpCap = *p.CatchUpCap
	}
	f := derrors.Fields{}
	if s.AgentID == "" {
		f.Add("agentId", "is required")
	}
	s.check(f, true)
	return f.Err()
}

// check validates the fields a person sets. The name may be left for the store to fill.
func (s Schedule) check(f derrors.Fields, nameRequired bool) {
	f.Text("name", s.Name, nameRequired, maxNameLen)
	if strings.ContainsFunc(s.Name, unicode.IsControl) {
		f.Add("name", "must be a single line without control characters")
	}
	if _, err := ParseCron(s.Cron); err != nil {
		addFields(f, err)
	}
	if s.Timezone != "" {
		if _, err := loadLocation(s.Timezone); err != nil {
			addFields(f, err)
		}
	}
	f.Text("message", s.Message, false, maxMessageLen)
	f.OneOf("overlapPolicy", s.OverlapPolicy, []string{OverlapSkip, OverlapAllow})
	f.OneOf("catchUpPolicy", s.CatchUpPolicy, []string{CatchUpSkip, CatchUpLatest, CatchUpAll})
	if s.CatchUpCap < 1 || s.CatchUpCap > MaxCatchUpCap {
		f.Add("catchUpCap", "must be between 1 and "+strconv.Itoa(MaxCatchUpCap))
	}
}

func addFields(f derrors.Fields, err error) {
	if fe, ok := derrors.AsFields(err); ok {
		for k, v := range fe {
			f.Add(k, v)
		}
	}
}
