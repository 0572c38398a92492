package activity

import "strings"

// Types of feed entries written by the campaign, agent, schedule, run and data stores. The data
// collections add "<kind>.created", ".approved", ".rejected", ".posted", ".deleted" and
// ".status" for their own kinds (lead, contact, content, engagement, ...).
const (
	CampaignCreated    = "campaign.created"
	CampaignUpdated    = "campaign.updated"
	CampaignArchived   = "campaign.archived"
	CampaignRestored   = "campaign.restored"
	CampaignDuplicated = "campaign.duplicated"
	AgentAssigned      = "agent.assigned"
	AgentUpdated       = "agent.updated"
	AgentRemoved       = "agent.removed"
	ScheduleCreated    = "schedule.created"
	ScheduleUpdated    = "schedule.updated"
	ScheduleDeleted    = "schedule.deleted"
	RunStarted         = "run.started"
	RunCompleted       = "run.completed"
	RunFailed          = "run.failed"
	// RecordsIngested is one entry per run whose result carried records, with their counts.
	RecordsIngested = "records.ingested"
	ImportCompleted = "import.completed"
	ImportFailed    = "import.failed"
)

// Category is a family of entry types: every type that starts with its Key and a dot.
type Category struct {
	Key   string
	Label string
}

// Categories are the families the feed can be filtered by, in the order people look for them.
var Categories = []Category{
	{"campaign", "Campaign"},
	{"member", "Members"},
	{"agent", "Agents"},
	{"schedule", "Schedules"},
	{"run", "Runs"},
	{"records", "Records ingested"},
	{"import", "Imports"},
	{"lead", "Leads"},
	{"contact", "HOA contacts"},
	{"content", "Content"},
	{"engagement", "Engagement"},
	{"community", "Communities"},
	{"prospect", "Prospects"},
	{"question", "Quora questions"},
	{"webinar", "Webinars"},
	{"partner", "Referral partners"},
	{"budget", "Budget"},
}

// Severities lists the severities an entry may carry, from least to most pressing.
var Severities = []string{Info, Success, Warning, Error}

// CategoryOf is the family of an entry type: what comes before its first dot.
func CategoryOf(typ string) string {
	cat, _, _ := strings.Cut(typ, ".")
	return cat
}

// ValidType reports whether s can filter the feed: a category key, or a full type such as
// "run.failed" made of lower-case letters, digits, dots, dashes and underscores.
func ValidType(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_'
		if !ok {
			return false
		}
	}
	return true
}
