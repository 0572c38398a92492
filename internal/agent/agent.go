// Package agent holds the agent template catalog, shared by every campaign, and the agents of
// each campaign: how they run (their executor), their configuration overrides on top of their
// template's defaults, their status and counters, and the store for both.
package agent

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/internal/schedule"
)

// Errors of this package.
var (
	ErrNotFound          = fmt.Errorf("agent %w", derrors.NotFound)
	ErrNameTaken         = fmt.Errorf("agent name already in use: %w", derrors.Conflict)
	ErrTemplateNotFound  = fmt.Errorf("agent template %w", derrors.NotFound)
	ErrTemplateNameTaken = fmt.Errorf("agent template name already in use: %w", derrors.Conflict)
	ErrTemplateIDTaken   = fmt.Errorf("agent template id already in use: %w", derrors.Conflict)
	ErrIDTaken           = fmt.Errorf("agent id already in use: %w", derrors.Conflict)
)

// Agent statuses.
const (
	StatusIdle     = "idle"
	StatusRunning  = "running"
	StatusPaused   = "paused"
	StatusError    = "error"
	StatusDisabled = "disabled"
)

// Statuses lists every agent status.
var Statuses = []string{StatusIdle, StatusRunning, StatusPaused, StatusError, StatusDisabled}

// SettableStatuses are the statuses a person may set; running and error follow from runs.
var SettableStatuses = []string{StatusIdle, StatusPaused, StatusDisabled}

// Limits of agent and template fields.
const (
	maxNameLen        = 100
	maxCategoryLen    = 50
	maxDescriptionLen = 2000
	maxConfigBytes    = 64 << 10
	maxIDLen          = 100
)

var idRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Template is an entry of the shared catalog that agents are assigned from.
type Template struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Category    string   `json:"category"`
	Executor    Executor `json:"executor"`
	// DefaultConfig is the configuration (a JSON object) agents start from.
	DefaultConfig json.RawMessage `json:"defaultConfig"`
	// DefaultSchedule is a suggested five-field cron, or "".
	DefaultSchedule string    `json:"defaultSchedule"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
}

// NewTemplate is what creating a template takes.
type NewTemplate struct {
	// ID may name the template (letters, digits, '.', '_', '-'); empty means a random one.
	ID              string          `json:"id"`
	Name            string          `json:"name"`
	Description     string          `json:"description"`
	Category        string          `json:"category"`
	Executor        Executor        `json:"executor"`
	DefaultConfig   json.RawMessage `json:"defaultConfig"`
	DefaultSchedule string          `json:"defaultSchedule"`
}

// TemplatePatch is a partial update of a template; nil fields are left unchanged.
type TemplatePatch struct {
	Name            *string         `json:"name"`
	Description     *string         `json:"description"`
	Category        *string         `json:"category"`
	Executor        *Executor       `json:"executor"`
	DefaultConfig   json.RawMessage `json:"defaultConfig"`
	DefaultSchedule *string         `json:"defaultSchedule"`
}

// Agent is one agent of one campaign.
type Agent struct {
	ID         string `json:"id"`
	CampaignID string `json:"campaignId"`
	// TemplateID is "" for an agent without a template, or whose template was deleted; it is
	// null in JSON then.
	TemplateID string `json:"templateId"`
	// TemplateName and TemplateConfig describe the template, so that a page can show which
	// settings the agent overrides; "" and {} without one.
	TemplateName   string          `json:"templateName"`
	TemplateConfig json.RawMessage `json:"templateConfig"`
	Name           string          `json:"name"`
	Executor       Executor        `json:"executor"`
	// Config holds the agent's overrides (a JSON object).
	Config json.RawMessage `json:"config"`
	// EffectiveConfig is the template's default config with the overrides laid over it, key
	// by top-level key.
	EffectiveConfig json.RawMessage `json:"effectiveConfig"`
	Status          string          `json:"status"`
	// MaxConcurrentRuns is how many runs of the agent may go at once.
	MaxConcurrentRuns int        `json:"maxConcurrentRuns"`
	RunCount          int        `json:"runCount"`
	ErrorCount        int        `json:"errorCount"`
	LastRunAt         *time.Time `json:"lastRunAt"`
	LastRunStatus     string     `json:"lastRunStatus"`
	CreatedAt         time.Time  `json:"createdAt"`
	UpdatedAt         time.Time  `json:"updatedAt"`
}

// MarshalJSON writes an empty TemplateID as null.
func (a Agent) MarshalJSON() ([]byte, error) {
	type plain Agent
	var tid *string
	if a.TemplateID != "" {
		tid = &a.TemplateID
	}
	return json.Marshal(struct {
		plain
		TemplateID *string `json:"templateId"`
	}{plain(a), tid})
}

// NewAgent is what assigning an agent to a campaign takes. From a template, Name and Executor
// default to the template's; without one both are required.
type NewAgent struct {
	// ID is set only by seeding and import; requests leave it empty for a random one.
	ID         string          `json:"-"`
	TemplateID string          `json:"templateId"`
	Name       string          `json:"name"`
	Executor   *Executor       `json:"executor"`
	Config     json.RawMessage `json:"config"`
}

// AgentPatch is a partial update of an agent; nil fields are left unchanged. Config replaces
// the overrides as a whole.
type AgentPatch struct {
	Name              *string         `json:"name"`
	Status            *string         `json:"status"`
	Executor          *Executor       `json:"executor"`
	Config            json.RawMessage `json:"config"`
	MaxConcurrentRuns *int            `json:"maxConcurrentRuns"`
}

// normalize fills the defaults of a new template and validates it.
func (n *NewTemplate) normalize() error {
	n.Name = strings.TrimSpace(n.Name)
	n.Category = strings.TrimSpace(n.Category)
	n.DefaultSchedule = strings.TrimSpace(n.DefaultSchedule)
	n.DefaultConfig = orEmptyObject(n.DefaultConfig)
	f := derrors.Fields{}
	if n.ID != "" {
		checkID(f, n.ID)
	}
	t := Template{
		Name: n.Name, Description: n.Description, Category: n.Category, Executor: n.Executor,
		DefaultConfig: n.DefaultConfig, DefaultSchedule: n.DefaultSchedule,
	}
	t.check(f)
	n.Executor = t.Executor
	n.DefaultConfig = t.DefaultConfig
	return f.Err()
}

// apply writes p over t and validates the result.
func (p TemplatePatch) apply(t *Template) error {
	f := derrors.Fields{}
	if p.Name != nil {
		t.Name = strings.TrimSpace(*p.Name)
	}
	if p.Description != nil {
		t.Description = *p.Description
	}
	if p.Category != nil {
		t.Category = strings.TrimSpace(*p.Category)
	}
	if p.Executor != nil {
		t.Executor = *p.Executor
	}
	if p.DefaultConfig != nil {
		if isNull(p.DefaultConfig) {
			f.Add("defaultConfig", "must be a JSON object")
		}
		t.DefaultConfig = p.DefaultConfig
	}
	if p.DefaultSchedule != nil {
		t.DefaultSchedule = strings.TrimSpace(*p.DefaultSchedule)
	}
	t.check(f)
	return f.Err()
}

// check validates every field of t, compacting its config.
func (t *Template) check(f derrors.Fields) {
	checkName(f, "name", t.Name)
	f.Text("description", t.Description, false, maxDescriptionLen)
	f.Text("category", t.Category, true, maxCategoryLen)
	f.SingleLine("category", t.Category)
	t.Executor.check(f, "executor")
	t.DefaultConfig = checkConfig(f, "defaultConfig", t.DefaultConfig)
	if t.DefaultSchedule != "" {
		if _, err := schedule.ParseCron(t.DefaultSchedule); err != nil {
			if fe, ok := derrors.AsFields(err); ok {
				f.Add("defaultSchedule", fe["cron"])
			}
		}
	}
}

// apply writes p over a and validates the result.
func (p AgentPatch) apply(a *Agent) error {
	f := derrors.Fields{}
	if p.Name != nil {
		a.Name = strings.TrimSpace(*p.Name)
		checkName(f, "name", a.Name)
	}
	if p.Status != nil {
		a.Status = *p.Status
		f.OneOf("status", a.Status, SettableStatuses)
	}
	if p.Executor != nil {
		a.Executor = *p.Executor
		a.Executor.check(f, "executor")
	}
	if p.Config != nil {
		if isNull(p.Config) {
			f.Add("config", "must be a JSON object")
		}
		a.Config = checkConfig(f, "config", p.Config)
	}
	if p.MaxConcurrentRuns != nil {
		a.MaxConcurrentRuns = *p.MaxConcurrentRuns
		if a.MaxConcurrentRuns < 1 || a.MaxConcurrentRuns > MaxConcurrentRuns {
			f.Add("maxConcurrentRuns", fmt.Sprintf("must be from 1 to %d", MaxConcurrentRuns))
		}
	}
	return f.Err()
}

// MaxConcurrentRuns bounds how many runs of one agent may go at once.
const MaxConcurrentRuns = 100

// checkConfig validates a JSON object of at most 64 KiB and returns it compacted.
func checkConfig(f derrors.Fields, field string, cfg json.RawMessage) json.RawMessage {
	if len(cfg) > maxConfigBytes {
		f.Add(field, "must be at most 64 KiB")
		return cfg
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(cfg, &obj); err != nil || obj == nil {
		f.Add(field, "must be a JSON object")
		return cfg
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, cfg); err != nil {
		f.Add(field, "must be a JSON object")
		return cfg
	}
	return buf.Bytes()
}

// mergeConfig lays the overrides over the defaults, top-level key by key.
func mergeConfig(defaults, overrides json.RawMessage) json.RawMessage {
	merged := map[string]json.RawMessage{}
	if err := json.Unmarshal(defaults, &merged); err != nil || merged == nil {
		merged = map[string]json.RawMessage{}
	}
	var over map[string]json.RawMessage
	if err := json.Unmarshal(overrides, &over); err != nil {
		return overrides
	}
	for k, v := range over {
		merged[k] = v
	}
	out, err := json.Marshal(merged)
	if err != nil {
		return overrides
	}
	return out
}

func orEmptyObject(cfg json.RawMessage) json.RawMessage {
	if len(bytes.TrimSpace(cfg)) == 0 || isNull(cfg) {
		return json.RawMessage(`{}`)
	}
	return cfg
}

func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

func checkName(f derrors.Fields, field, v string) {
	f.Text(field, v, true, maxNameLen)
	f.SingleLine(field, v)
}

func checkID(f derrors.Fields, id string) {
	if len(id) > maxIDLen || !idRE.MatchString(id) {
		f.Add("id", "must be letters, digits, '.', '_' or '-', at most "+
			strconv.Itoa(maxIDLen)+" characters")
	}
}
