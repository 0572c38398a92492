package pages

import (
	"fmt"
	"strings"

	"github.com/a-h/templ"

	"github.com/clawops/clawops/views/layout"
)

// RecordsTableID is the region htmx replaces when filters, search, sort or page change.
const RecordsTableID = "records-table"

// RecordsPage is one collection of a campaign as a table: filters, search, sortable columns,
// paging, inline status changes and bulk actions.
type RecordsPage struct {
	Shell    layout.Shell
	Campaign CampaignHeader
	Title    string
	Singular string
	// Base is the page's own address, /c/:slug/<page>.
	Base string
	// Query is the search text; Filters the selectable filters with their current values.
	Query   string
	Filters []RecordFilter
	// Sort is the current sort parameter ("-score"), kept by the filter form.
	Sort    string
	Table   RecordsTable
	CanEdit bool
	// ExportURL downloads what the table shows, every page of it, as CSV.
	ExportURL string
	CSRFToken string
}

// RecordFilter is one filter of the table: a drop-down of Options, or with Text, a text box
// for each of Values.
type RecordFilter struct {
	Name, Label string
	Options     []Option
	Text        bool
	Values      []string
}

// textFilters are the filters typed as text, which the form tucks under "More filters".
func textFilters(fs []RecordFilter) (out []RecordFilter, active int) {
	for _, f := range fs {
		if !f.Text {
			continue
		}
		out = append(out, f)
		for _, v := range f.Values {
			if v != "" {
				active++
			}
		}
	}
	return out, active
}

// Option is one choice of a drop-down.
type Option struct {
	Value, Label string
	Selected     bool
}

// RecordsTable is the part of the page that htmx swaps.
type RecordsTable struct {
	// ClearURL lists every row again; it is set when a search or filter narrows the table.
	ClearURL string
	Columns  []RecordColumn
	Rows     []RecordRow
	// Total counts the rows matching the filters, across pages; TotalMore means there are
	// more than Total.
	Total     int
	TotalMore bool
	// NextURL continues after the last row; FirstURL goes back to the start.
	NextURL, FirstURL string
	CanEdit           bool
	// StatusOptions are the values of the status column, when they are fixed.
	StatusOptions []string
	StatusField   string
	// NotesField is the free-text field edited in place in each row, when there is one.
	NotesField string
	// BulkActions are the choices of the bulk action menu.
	BulkActions []Option
	BulkURL     string
	// Return is where a bulk change comes back to: the table as it is now.
	Return    string
	CSRFToken string
	Singular  string
	Plural    string
	// Preview shows the row's draft as it will read (content and engagement queues).
	Preview bool
	// Sort is the order the table is in, as the sort parameter names it ("-score").
	Sort string
}

// RecordColumn is a table heading; SortURL orders by it.
type RecordColumn struct {
	Name, Label string
	SortURL     templ.SafeURL
	// Sorted is "asc" or "desc" for the column the table is ordered by.
	Sorted string
}

// RecordRow is one record in the table.
type RecordRow struct {
	ID        string
	Cells     []string
	Status    string
	DetailURL templ.SafeURL
	// RowURL answers the row alone, for htmx swaps after a change.
	SaveURL templ.SafeURL
	// Steps are the workflow buttons the row's status allows.
	Steps []RecordStep
	// Preview is the draft text and where and when it goes out.
	Preview     string
	PreviewMeta string
	Notes       string
}

// RecordStep is a workflow button: approve, reject, posted.
type RecordStep struct {
	Name, Label string
	URL         templ.SafeURL
}

// RecordPage shows one record with every field as a form, its workflow steps and deletion.
type RecordPage struct {
	Shell    layout.Shell
	Campaign CampaignHeader
	Title    string
	Singular string
	// Heading names the record on its own page.
	Heading string
	ListURL templ.SafeURL
	Form    RecordForm
	Steps   []RecordStep
	// Preview is the draft as it will read, and where and when it goes out.
	Preview, PreviewMeta string
	// DeleteURL removes the record after the confirmation box is ticked.
	DeleteURL templ.SafeURL
	Meta      []Fact
	CanEdit   bool
	CSRFToken string
}

// Fact is a label and a value shown read-only.
type Fact struct{ Label, Value string }

// RecordForm is the create or edit form of a record.
type RecordForm struct {
	Action    templ.SafeURL
	Fields    []FormField
	Errors    map[string]string
	Submit    string
	CanEdit   bool
	CSRFToken string
	// New is set on the create form.
	New bool
}

// FormField is one input of a record form.
type FormField struct {
	Name, Label, Value string
	// Input is "text", "textarea", "number", "datetime", "select", "email".
	Input    string
	Options  []string
	Required bool
	Step     string
}

// Error is the problem with the field, if any.
func (f RecordForm) Error(name string) string { return f.Errors[name] }

// statusWords shows a status value as words: "pending_review" → "Pending review".
func statusWords(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return "—"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func stepClass(step string) string {
	if step == "approve" {
		return "btn-primary"
	}
	return "btn-secondary"
}

// inputType is the HTML input type of a form field. Times stay text inputs: they carry a UTC
// offset, which datetime-local cannot.
func inputType(input string) string {
	switch input {
	case "number", "email":
		return input
	}
	return "text"
}

// ExportLinkID is the export link, replaced out of band when htmx refreshes the table.
const ExportLinkID = "export-link"

// SortInputID is the filter form's hidden order, replaced out of band with the table.
const SortInputID = "records-sort"

// CountLimit is how far a listing counts its rows; beyond it the page says "more than".
const CountLimit = 10_000

// recordsCount says how many rows a listing holds.
func recordsCount(t RecordsTable) string {
	if t.TotalMore {
		return fmt.Sprintf("More than %s %s", thousands(t.Total), t.Plural)
	}
	if t.Total == 1 {
		return "1 " + t.Singular
	}
	return thousands(t.Total) + " " + t.Plural
}

// thousands writes n with thin spaces between groups of three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "\u202f" + s[i:]
	}
	return s
}

// ImportProgressID is the progress region that polls while an import runs.
const ImportProgressID = "import-progress"

// ImportPage uploads a CSV file into a collection, or follows one upload's job.
type ImportPage struct {
	Shell    layout.Shell
	Campaign CampaignHeader
	Title    string
	Singular string
	ListURL  templ.SafeURL
	// Action receives the upload form.
	Action    templ.SafeURL
	CSRFToken string
	// Error is a problem with the uploaded file.
	Error string
	// Job is the import being followed; nil on the upload form.
	Job *ImportJob
}

// ImportJob is an import's state as the page shows it.
type ImportJob struct {
	ID, Status, Filename, Error string
	// Phase is the pass a running job is in: "checking" or "storing".
	Phase                      string
	Percent                    int
	Total, Processed           int
	Created, Skipped, Rejected int
	Done, Failed               bool
	// StatusURL answers the progress region alone, for polling.
	StatusURL  templ.SafeURL
	RejectsURL templ.SafeURL
	ListURL    templ.SafeURL
	// MapAction receives the mapping form of an import waiting for one.
	MapAction templ.SafeURL
	Unmapped  []string
	// Matched are the columns matched by name, as column (Value) and field (Label).
	Matched []Option
	// Fields are the choices for an unmapped column.
	Fields    []Option
	KeepValid bool
	CSRFToken string
	// MapErrors are problems with the submitted mapping, by column.
	MapErrors map[string]string
}

func importStatusText(j ImportJob) string {
	switch j.Status {
	case "queued":
		return "Waiting to start…"
	case "running":
		if j.Phase == "checking" {
			return fmt.Sprintf("Checking rows: %d read", j.Processed)
		}
		return fmt.Sprintf("Importing: %d of %d rows", j.Processed, j.Total)
	case "completed":
		return "Done"
	case "failed":
		return "Stopped: nothing more will be imported"
	}
	return j.Status
}
