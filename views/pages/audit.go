package pages

import "github.com/clawops/clawops/views/layout"

// AuditPage is the audit log for platform admins: who changed what, where and how it went.
type AuditPage struct {
	Shell   layout.Shell
	Filters AuditFilters
	List    AuditList
}

// AuditFilters are the audit log's filter form, filled with the filters in force.
type AuditFilters struct {
	People, Campaigns, Actions, Outcomes []Option
	// From and To are dates (YYYY-MM-DD, UTC), both included.
	From, To string
}

// AuditList is one page of the log; htmx swaps it whole.
type AuditList struct {
	Rows []AuditRow
	// OlderURL continues with older entries; NewestURL goes back to the first page.
	OlderURL, NewestURL string
	// ExportURL downloads every entry the filters select, as CSV.
	ExportURL string
	Filtered  bool
	// RetentionDays is how long entries are kept.
	RetentionDays int
}

// AuditRow is one audited action as shown.
type AuditRow struct {
	At, Stamp, Person, Action, Campaign, Outcome, Request, IP string
	Status                                                    int
}

// AuditListID is the list htmx swaps on paging and filtering.
const AuditListID = "audit-list"

// AuditPath is the audit page's address.
const AuditPath = "/admin/audit"

func outcomeBadge(o string) string {
	switch o {
	case "success":
		return "badge badge-green"
	case "denied":
		return "badge badge-amber"
	}
	return "badge badge-red"
}
