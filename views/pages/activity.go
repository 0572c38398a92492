package pages

import (
	"github.com/a-h/templ"

	"github.com/clawops/clawops/views/layout"
)

// ActivityPage is a campaign's feed with its filters.
type ActivityPage struct {
	Shell    layout.Shell
	Campaign CampaignHeader
	Filters  ActivityFilters
	List     ActivityList
}

// ActivityFilters are the feed's filter form, filled with the filters in force.
type ActivityFilters struct {
	// Action is the page's own address, where the form sends its choices.
	Action     string
	Types      []Option
	Severities []Option
	// From and To are dates (YYYY-MM-DD) in the campaign's timezone, both included.
	From, To string
}

// ActivityList is one page of the feed; htmx swaps it whole.
type ActivityList struct {
	Entries []ActivityEntry
	// Self is the address of this page of the list, which live updates fetch again.
	Self string
	// Live is set on the newest page: it fetches itself again when an entry arrives.
	Live bool
	// OlderURL continues with older entries; NewestURL goes back to the first page.
	OlderURL, NewestURL string
	// Filtered is set when filters narrow the feed; ClearURL drops them.
	Filtered bool
	ClearURL string
}

// ActivityEntry is one entry of the feed as shown.
type ActivityEntry struct {
	ID, Type, Category, Severity, Title, Detail string
	// When is relative ("5 min ago"); At is the time in the campaign's zone; Stamp is the
	// machine-readable time.
	When, At, Stamp string
}

// ActivityListID is the list htmx swaps on paging, filtering and live arrivals.
const ActivityListID = "activity-list"

func severityBadge(s string) string {
	switch s {
	case "success":
		return "badge badge-green"
	case "warning":
		return "badge badge-amber"
	case "error":
		return "badge badge-red"
	}
	return "badge badge-slate"
}

// href marks an address the server built as safe to link to.
func href(s string) templ.SafeURL { return templ.SafeURL(s) }
