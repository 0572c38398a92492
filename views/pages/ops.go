package pages

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/clawops/clawops/views/layout"
)

// Element ids that htmx requests target or refresh.
const (
	AgentsTableID    = "agents-table"
	SchedulesTableID = "schedules-table"
	CronPreviewID    = "cron-preview"
	RunsTableID      = "runs-table"
	RunSummaryID     = "run-summary"
	RunLogID         = "run-log"
)

// AgentsPage lists a campaign's agents and the catalog to assign more from.
type AgentsPage struct {
	Shell     layout.Shell
	Campaign  CampaignHeader
	Table     AgentsTable
	Catalog   []CatalogGroup
	Query     string
	CanEdit   bool
	CSRFToken string
	// AssignURL receives the assign form; CatalogURL answers catalog searches.
	AssignURL  templ.SafeURL
	CatalogURL string
}

// AgentsTable is the list of agents, refreshed live as runs start and finish.
type AgentsTable struct {
	Rows []AgentRow
	// RefreshURL answers the table alone.
	RefreshURL string
	CanEdit    bool
	CSRFToken  string
}

// AgentRow is one agent in the list.
type AgentRow struct {
	ID, Name, Template, Executor, Status string
	Runs, Errors                         int
	LastRun, LastRunStatus               string
	URL                                  templ.SafeURL
	// RunURL starts a run now.
	RunURL templ.SafeURL
}

// CatalogGroup is one category of the template catalog.
type CatalogGroup struct {
	Category  string
	Templates []CatalogTemplate
}

// CatalogTemplate is one template offered for assignment.
type CatalogTemplate struct {
	ID, Name, Description, Executor, Schedule string
	// Assigned counts the campaign's agents made from the template.
	Assigned int
}

// AgentPage is one agent: its configuration against its template, its runs and its form.
type AgentPage struct {
	Shell     layout.Shell
	Campaign  CampaignHeader
	Agent     AgentRow
	Config    []ConfigRow
	Effective string
	Form      AgentForm
	Runs      []RunRow
	CanEdit   bool
	CSRFToken string
	RunURL    templ.SafeURL
	RemoveURL templ.SafeURL
	RunsURL   templ.SafeURL
}

// ConfigRow is one configuration key: the template's default, the agent's override and the
// value in effect.
type ConfigRow struct {
	Key, Default, Override, Effective string
	Overridden                        bool
}

// AgentForm edits an agent.
type AgentForm struct {
	Action        templ.SafeURL
	CSRFToken     string
	Name          string
	Status        string
	Statuses      []string
	MaxConcurrent string
	Config        string
	Executor      string
	Errors        map[string]string
	CanEdit       bool
	// CanSetExecutor is for platform admins only: executors run programs or reach
	// addresses on the host, beyond any one campaign.
	CanSetExecutor bool
}

// SchedulesPage lists a campaign's schedules with a form to add one.
type SchedulesPage struct {
	Shell     layout.Shell
	Campaign  CampaignHeader
	Table     SchedulesTable
	Form      ScheduleForm
	CanEdit   bool
	CSRFToken string
}

// SchedulesTable is the list of schedules.
type SchedulesTable struct {
	Rows       []ScheduleRow
	Timezone   string
	RefreshURL string
	CanEdit    bool
	CSRFToken  string
}

// ScheduleRow is one schedule with its next fires.
type ScheduleRow struct {
	ID, Name, Agent, Cron, Description, Timezone string
	Enabled, Overdue                             bool
	Next                                         []string
	LastRun, LastRunStatus, Note                 string
	EditURL, ToggleURL, RunURL                   templ.SafeURL
}

// ScheduleForm adds or edits a schedule; PreviewURL answers the live preview of its cron.
type ScheduleForm struct {
	Action        templ.SafeURL
	PreviewURL    string
	CSRFToken     string
	Editing       bool
	AgentID       string
	Agents        []Option
	Name          string
	Cron          string
	Timezone      string
	Message       string
	Enabled       bool
	OverlapPolicy string
	CatchUpPolicy string
	CatchUpCap    string
	Preview       CronPreview
	Errors        map[string]string
	DeleteURL     templ.SafeURL
}

// CronPreview says when a cron fires, or what is wrong with it.
type CronPreview struct {
	Description string
	Timezone    string
	Next        []string
	Error       string
}

// SchedulePage edits one schedule.
type SchedulePage struct {
	Shell    layout.Shell
	Campaign CampaignHeader
	Row      ScheduleRow
	Form     ScheduleForm
	Runs     []RunRow
	CanEdit  bool
}

// RunsPage is the run history with its filters.
type RunsPage struct {
	Shell    layout.Shell
	Campaign CampaignHeader
	Filters  []RecordFilter
	Table    RunsTable
	Base     string
}

// RunsTable is a page of runs.
type RunsTable struct {
	Rows []RunRow
	// NextURL and FirstURL page through the history with the filters kept.
	NextURL, FirstURL string
	// Live refreshes the table as runs start and finish; only the first page does.
	Live       bool
	RefreshURL string
	Filtered   bool
	ClearURL   string
}

// RunRow is one run in a list.
type RunRow struct {
	ID, Agent, Trigger, Status, Started, Duration, Records, Cost string
	URL                                                          templ.SafeURL
}

// RunPage is one run: its outcome, its records and its live log.
type RunPage struct {
	Shell    layout.Shell
	Campaign CampaignHeader
	Summary  RunSummary
	Log      []string
	LogSeq   int
}

// RunSummary is the part of a run's page that follows its status.
type RunSummary struct {
	ID, Agent, Trigger, Status, Message    string
	Created, Started, Finished, Duration   string
	Tokens, Cost, Output, Error, Who       string
	Records                                []Fact
	Rejected                               []Fact
	Metrics                                []Fact
	Done                                   bool
	CancelURL, RetryURL, AgentURL, DataURL templ.SafeURL
	RefreshURL                             string
	RetryOf                                templ.SafeURL
	CanEdit                                bool
	CSRFToken                              string
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func onOff(b bool) string {
	if b {
		return "On"
	}
	return "Off"
}

func toggleClass(on bool) string {
	if on {
		return "btn-primary"
	}
	return "btn-secondary"
}

func intText(n int) string { return strconv.Itoa(n) }

// executorError joins the problems found with the executor's fields.
func executorError(errs map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(errs)) {
		if k == "executor" || strings.HasPrefix(k, "executor.") {
			parts = append(parts, strings.TrimPrefix(strings.TrimPrefix(k, "executor"), ".")+
				" "+errs[k])
		}
	}
	return strings.TrimSpace(strings.Join(parts, "; "))
}

// TemplatesPath is the catalog's page.
const TemplatesPath = "/admin/templates"

// TemplatesPage lists the agent template catalog.
type TemplatesPage struct {
	Shell layout.Shell
	Rows  []TemplateRow
}

// TemplateRow is one template in the catalog list.
type TemplateRow struct {
	Name, Category, Executor string
	Agents                   int
	URL                      templ.SafeURL
}

// TemplatePage edits a template and lists the campaigns a change reaches.
type TemplatePage struct {
	Shell      layout.Shell
	Form       TemplateForm
	UsageTitle string
	Usage      []TemplateUse
}

// TemplateUse is one campaign whose agents come from the template.
type TemplateUse struct {
	Campaign, Agents string
	URL              templ.SafeURL
}

// TemplateForm edits a template.
type TemplateForm struct {
	Action                                templ.SafeURL
	CSRFToken                             string
	Name, Category, Description, Schedule string
	Config, Executor                      string
	Errors                                map[string]string
}
