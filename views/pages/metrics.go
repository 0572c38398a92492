package pages

import (
	"fmt"
	"net/url"

	"github.com/a-h/templ"

	"github.com/clawops/clawops/views/components"
	"github.com/clawops/clawops/views/layout"
)

// MetricsPage is a campaign's daily figures over 7, 30 or 90 days, against the period before.
type MetricsPage struct {
	Shell    layout.Shell
	Campaign CampaignHeader
	Body     MetricsBody
}

// MetricsBody is the part of the metrics page that changes with the range and with new
// figures; htmx swaps it whole.
type MetricsBody struct {
	Slug string
	// Range is the span in days; Ranges are the spans offered.
	Range  int
	Ranges []int
	// Period names the days shown and the days compared with, as people read them.
	Period, Previous string
	// Timezone is the campaign's, in which days are counted.
	Timezone string
	// KPIs are each metric's total over the range against the period before.
	KPIs []components.KPI
	// Charts draw one metric each, day by day.
	Charts []components.Chart
	Table  MetricsTable
}

// MetricsTable is every figure of the range by day, for people who want the numbers.
type MetricsTable struct {
	Columns []string
	Rows    []MetricsRow
	// Totals and PreviousTotals sum the range and the period before it, column by column.
	Totals, PreviousTotals []string
}

// MetricsRow is one day of the table.
type MetricsRow struct {
	Date  string
	Cells []string
}

// MetricsBodyID is the element htmx swaps when the range changes or figures arrive.
const MetricsBodyID = "metrics-body"

// URL is the page at the given range.
func (b MetricsBody) URL(days int) string {
	return fmt.Sprintf("/c/%s/metrics?range=%d", url.PathEscape(b.Slug), days)
}

// ExportURL downloads the range's figures as CSV.
func (b MetricsBody) ExportURL() templ.SafeURL {
	return templ.SafeURL(fmt.Sprintf("/c/%s/metrics/export.csv?range=%d",
		url.PathEscape(b.Slug), b.Range))
}
