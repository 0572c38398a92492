package components

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
)

// mustRender renders c and returns the raw output and its parsed document.
func mustRender(t *testing.T, c templ.Component) (string, *html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := html.Parse(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("parse rendered HTML: %v", err)
	}
	return buf.String(), doc
}

// elements returns the elements under n, in document order, for which match
// is true.
func elements(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var found []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			found = append(found, d)
		}
	}
	return found
}

func named(n *html.Node, tag string) []*html.Node {
	return elements(n, func(e *html.Node) bool { return e.Data == tag })
}

// oneByTestID returns the single element with the test id, failing the test
// otherwise.
func oneByTestID(t *testing.T, n *html.Node, id string) *html.Node {
	t.Helper()
	found := elements(n, func(e *html.Node) bool { return attrOf(e, "data-testid") == id })
	if len(found) != 1 {
		t.Fatalf("found %d elements with data-testid=%q, want 1", len(found), id)
	}
	return found[0]
}

func countByTestID(n *html.Node, id string) int {
	return len(elements(n, func(e *html.Node) bool { return attrOf(e, "data-testid") == id }))
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(attrOf(n, "class")), class)
}

// textOf is the text under n with runs of white space collapsed.
func textOf(n *html.Node) string {
	var sb strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			sb.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(sb.String()), " ")
}

// childText is the text of n's first child element with the given tag.
func childText(n *html.Node, tag string) string {
	for c := range n.ChildNodes() {
		if c.Type == html.ElementNode && c.Data == tag {
			return textOf(c)
		}
	}
	return ""
}

func week() []string {
	return []string{
		"2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04",
		"2026-12-05", "2026-12-06", "2026-12-07",
	}
}

func leadsChart() Chart {
	return Chart{
		ID:          "leads",
		Title:       "Leads",
		Description: "Leads per day, last 7 days",
		Labels:      week(),
		Series:      []Series{{Name: "Leads", Values: []float64{3, 0, 5, 0, 1, 12, 0}}},
	}
}

func TestBarChartIsAnAccessibleImage(t *testing.T) {
	_, doc := mustRender(t, BarChart(leadsChart()))
	fig := oneByTestID(t, doc, "chart-leads")

	svgs := named(fig, "svg")
	if len(svgs) != 1 {
		t.Fatalf("found %d svg elements, want 1", len(svgs))
	}
	svg := svgs[0]
	if got := attrOf(svg, "role"); got != "img" {
		t.Errorf("svg role = %q, want img", got)
	}
	if got := attrOf(svg, "viewBox"); got != "0 0 400 200" {
		t.Errorf("svg viewBox = %q, want 0 0 400 200", got)
	}

	// Every id in aria-labelledby must name an element of the SVG, and the
	// two together must give the title and the description.
	var labels []string
	for _, id := range strings.Fields(attrOf(svg, "aria-labelledby")) {
		found := elements(svg, func(e *html.Node) bool { return attrOf(e, "id") == id })
		if len(found) != 1 {
			t.Fatalf("aria-labelledby names %q, found %d elements with that id", id, len(found))
		}
		labels = append(labels, found[0].Data+": "+textOf(found[0]))
	}
	want := []string{"title: Leads", "desc: Leads per day, last 7 days"}
	if diff := cmp.Diff(want, labels); diff != "" {
		t.Errorf("aria-labelledby targets mismatch (-want +got):\n%s", diff)
	}

	if got := textOf(named(fig, "h3")[0]); got != "Leads" {
		t.Errorf("visible heading = %q, want Leads", got)
	}
}

func TestBarChartDrawsOneBarPerValue(t *testing.T) {
	_, doc := mustRender(t, BarChart(leadsChart()))
	bars := named(oneByTestID(t, doc, "chart-leads-bars"), "rect")

	var tips []string
	for _, r := range bars {
		if !hasClass(r, "fill-campaign") {
			t.Errorf("bar %q has class %q, want fill-campaign", childText(r, "title"),
				attrOf(r, "class"))
		}
		tips = append(tips, childText(r, "title"))
	}
	want := []string{
		"Leads: 3 on Tue 1 Dec 2026",
		"Leads: 5 on Thu 3 Dec 2026",
		"Leads: 1 on Sat 5 Dec 2026",
		"Leads: 12 on Sun 6 Dec 2026",
	}
	if diff := cmp.Diff(want, tips); diff != "" {
		t.Errorf("bar tooltips mismatch (-want +got):\n%s", diff)
	}

	if n := countByTestID(doc, "chart-leads-legend"); n != 0 {
		t.Errorf("a single series has %d legends, want none", n)
	}
	if n := countByTestID(doc, "chart-leads-empty"); n != 0 {
		t.Errorf("a chart with data shows %d empty captions, want none", n)
	}
}

func TestBarChartStacksSeries(t *testing.T) {
	c := Chart{
		ID:     "runs",
		Title:  "Runs",
		Labels: []string{"2026-12-01", "2026-12-02"},
		Series: []Series{
			{Name: "Succeeded", Values: []float64{4, 0}, Tone: ToneCampaign},
			{Name: "Failed", Values: []float64{2, 3}, Tone: ToneDanger},
		},
	}
	_, doc := mustRender(t, BarChart(c))
	bars := named(oneByTestID(t, doc, "chart-runs-bars"), "rect")
	if len(bars) != 3 {
		t.Fatalf("found %d bars, want 3", len(bars))
	}

	// The first day's failures sit on top of its successes: same column, and
	// the upper bar ends where the lower one starts.
	lower, upper := bars[0], bars[1]
	if attrOf(lower, "x") != attrOf(upper, "x") {
		t.Errorf("stacked bars at x %s and %s, want the same column",
			attrOf(lower, "x"), attrOf(upper, "x"))
	}
	upperEnd := parseCoord(t, attrOf(upper, "y")) + parseCoord(t, attrOf(upper, "height"))
	if got := coord(upperEnd); got != attrOf(lower, "y") {
		t.Errorf("upper bar ends at %s, want the lower bar's top %s", got, attrOf(lower, "y"))
	}
	if !hasClass(lower, "fill-campaign") || !hasClass(upper, "fill-red-500") {
		t.Errorf("stack classes are %q and %q, want campaign below and red above",
			attrOf(lower, "class"), attrOf(upper, "class"))
	}

	legend := oneByTestID(t, doc, "chart-runs-legend")
	var names []string
	for _, li := range named(legend, "li") {
		names = append(names, textOf(li))
	}
	if diff := cmp.Diff([]string{"Succeeded", "Failed"}, names); diff != "" {
		t.Errorf("legend mismatch (-want +got):\n%s", diff)
	}
}

func parseCoord(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("coordinate %q: %v", s, err)
	}
	return v
}

func TestBarChartTableListsEveryValue(t *testing.T) {
	c := Chart{
		ID:     "spend",
		Title:  "Spend",
		Unit:   "$",
		Labels: []string{"2026-12-01", "2026-12-02", "2026-12-03"},
		Series: []Series{
			{Name: "Ads", Values: []float64{12.5, 0, 1234}},
			{Name: "Tools", Values: []float64{3, 0.25, 0}, Tone: ToneMuted},
		},
	}
	_, doc := mustRender(t, BarChart(c))
	table := oneByTestID(t, doc, "chart-spend-table")
	if !hasClass(table, "sr-only") {
		t.Errorf("data table class = %q, want sr-only", attrOf(table, "class"))
	}

	var got [][]string
	for _, tr := range named(table, "tr") {
		var row []string
		for c := range tr.ChildNodes() {
			if c.Type == html.ElementNode {
				row = append(row, textOf(c))
			}
		}
		got = append(got, row)
	}
	want := [][]string{
		{"Date", "Ads", "Tools"},
		{"Tue 1 Dec 2026", "$12.50", "$3.00"},
		{"Wed 2 Dec 2026", "$0.00", "$0.25"},
		{"Thu 3 Dec 2026", "$1,234.00", "$0.00"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("data table mismatch (-want +got):\n%s", diff)
	}

	bars := named(oneByTestID(t, doc, "chart-spend-bars"), "rect")
	if len(bars) == 0 || childText(bars[0], "title") != "Ads: $12.50 on Tue 1 Dec 2026" {
		t.Errorf("first bar tooltip is not the exact amount in dollars")
	}
}

func TestBarChartWithoutData(t *testing.T) {
	c := Chart{ID: "leads", Title: "Leads", Labels: week(), Series: []Series{
		{Name: "Leads", Values: make([]float64, 7)},
	}}
	_, doc := mustRender(t, BarChart(c))

	if n := len(named(oneByTestID(t, doc, "chart-leads-bars"), "rect")); n != 0 {
		t.Errorf("found %d bars, want none", n)
	}
	if n := len(named(doc, "line")); n < 2 {
		t.Errorf("found %d grid lines, want the axes drawn", n)
	}
	if n := countByTestID(doc, "chart-leads-day"); n != 7 {
		t.Errorf("found %d day labels, want 7", n)
	}
	if got := textOf(oneByTestID(t, doc, "chart-leads-empty")); got != "No data yet" {
		t.Errorf("empty caption = %q, want No data yet", got)
	}
}

func TestBarChartThinsDayLabels(t *testing.T) {
	labels := make([]string, 30)
	values := make([]float64, 30)
	for i := range labels {
		labels[i] = "2026-11-" + twoDigits(i+1)
		values[i] = float64(i % 4)
	}
	c := Chart{ID: "month", Title: "Leads", Labels: labels, Series: []Series{{Values: values}}}
	_, doc := mustRender(t, BarChart(c))

	var got []string
	for _, n := range elements(doc, func(e *html.Node) bool {
		return attrOf(e, "data-testid") == "chart-month-day"
	}) {
		got = append(got, textOf(n))
	}
	want := []string{"11/01", "11/05", "11/09", "11/13", "11/17", "11/21", "11/25", "11/29"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("day labels mismatch (-want +got):\n%s", diff)
	}
}

func twoDigits(n int) string {
	return fmt.Sprintf("%02d", n)
}

func TestBarChartEscapesText(t *testing.T) {
	evil := `<script>alert("x")</script>`
	c := Chart{
		ID:          "evil",
		Title:       evil,
		Description: evil,
		Labels:      []string{evil, "2026-12-02"},
		Series: []Series{
			{Name: evil, Values: []float64{1, 2}, Tone: `"><script>`},
			{Name: "Other", Values: []float64{1, 1}},
		},
	}
	raw, doc := mustRender(t, BarChart(c))

	if strings.Contains(raw, "<script") {
		t.Fatalf("rendered chart contains a script element:\n%s", raw)
	}
	if strings.Contains(raw, "style=") {
		t.Errorf("rendered chart has a style attribute; colours must come from classes")
	}
	legend := oneByTestID(t, doc, "chart-evil-legend")
	if got := textOf(named(legend, "li")[0]); got != evil {
		t.Errorf("legend shows %q, want the name as text %q", got, evil)
	}
	bars := named(oneByTestID(t, doc, "chart-evil-bars"), "rect")
	if got := attrOf(bars[0], "class"); !hasClass(bars[0], "fill-campaign") {
		t.Errorf("bar with an unknown tone has class %q, want fill-campaign", got)
	}
}

func TestKPIDelta(t *testing.T) {
	tests := []struct {
		name           string
		cur, prev      float64
		higherIsBetter bool
		want           Delta
	}{
		{"rise is good", 112, 100, true, Delta{"+12%", 1, DeltaGood}},
		{"fall is bad", 92, 100, true, Delta{"−8%", -1, DeltaBad}},
		{"fall is good", 92, 100, false, Delta{"−8%", -1, DeltaGood}},
		{"rise is bad", 150, 100, false, Delta{"+50%", 1, DeltaBad}},
		{"new", 5, 0, true, Delta{"new", 1, DeltaGood}},
		{"new and unwelcome", 5, 0, false, Delta{"new", 1, DeltaBad}},
		{"nothing either time", 0, 0, true, Delta{"no change", 0, DeltaNeutral}},
		{"same", 100, 100, true, Delta{"no change", 0, DeltaNeutral}},
		{"all gone", 0, 10, true, Delta{"−100%", -1, DeltaBad}},
		{"tenth of a percent", 1001, 1000, true, Delta{"+0.1%", 1, DeltaGood}},
		{"too small to show", 100_000.1, 100_000, true, Delta{"no change", 0, DeltaNeutral}},
		{"large rise", 13_000, 100, true, Delta{"+12,900%", 1, DeltaGood}},
		{"below one percent keeps a decimal", 100.4, 100, true, Delta{"+0.4%", 1, DeltaGood}},
		{"from a negative base", -50, -100, true, Delta{"+50%", 1, DeltaGood}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := KPI{Current: tt.cur, Previous: tt.prev, HigherIsBetter: tt.higherIsBetter}
			if diff := cmp.Diff(tt.want, k.Delta()); diff != "" {
				t.Errorf("Delta mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKPICard(t *testing.T) {
	tests := []struct {
		name      string
		kpi       KPI
		wantPill  string
		wantTone  string
		wantClass string
		wantSpoke string
	}{
		{
			name: "more leads",
			kpi: KPI{ID: "leads", Label: "Leads generated", Value: "112", Current: 112,
				Previous: 100, Period: "vs previous 7 days", HigherIsBetter: true},
			wantPill:  "+12%",
			wantTone:  DeltaGood,
			wantClass: "bg-emerald-50",
			wantSpoke: "up 12% vs previous 7 days",
		},
		{
			name: "more failures",
			kpi: KPI{ID: "failed", Label: "Failed runs", Value: "4", Current: 4,
				Previous: 0, Period: "vs previous 7 days"},
			wantPill:  "new",
			wantTone:  DeltaBad,
			wantClass: "bg-red-50",
			wantSpoke: "up from 0 vs previous 7 days",
		},
		{
			name: "fewer leads",
			kpi: KPI{ID: "leads", Label: "Leads generated", Value: "92", Current: 92,
				Previous: 100, HigherIsBetter: true},
			wantPill:  "−8%",
			wantTone:  DeltaBad,
			wantClass: "bg-red-50",
			wantSpoke: "down 8%",
		},
		{
			name: "steady",
			kpi: KPI{ID: "leads", Label: "Leads generated", Value: "7", Current: 7,
				Previous: 7, Period: "vs previous 30 days", HigherIsBetter: true},
			wantPill:  "no change",
			wantTone:  DeltaNeutral,
			wantClass: "bg-slate-100",
			wantSpoke: "no change vs previous 30 days",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, doc := mustRender(t, KPICard(tt.kpi))
			id := "kpi-" + tt.kpi.ID
			card := oneByTestID(t, doc, id)
			if !hasClass(card, "card") {
				t.Errorf("KPI class = %q, want card", attrOf(card, "class"))
			}
			if got := textOf(oneByTestID(t, card, id+"-value")); got != tt.kpi.Value {
				t.Errorf("value = %q, want %q", got, tt.kpi.Value)
			}

			pill := oneByTestID(t, card, id+"-delta")
			var shown, spoken string
			for _, s := range named(pill, "span") {
				switch {
				case attrOf(s, "aria-hidden") == "true":
					shown = textOf(s)
				case hasClass(s, "sr-only"):
					spoken = textOf(s)
				}
			}
			got := []string{shown, attrOf(pill, "data-tone"), spoken}
			want := []string{tt.wantPill, tt.wantTone, tt.wantSpoke}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("pill (text, tone, spoken) mismatch (-want +got):\n%s", diff)
			}
			if !hasClass(pill, tt.wantClass) {
				t.Errorf("pill class = %q, want it to include %s", attrOf(pill, "class"),
					tt.wantClass)
			}
		})
	}
}

func TestKPICardEscapesText(t *testing.T) {
	evil := `<script>alert(1)</script>`
	raw, doc := mustRender(t, KPICard(KPI{ID: "x", Label: evil, Value: evil, Period: evil}))
	if strings.Contains(raw, "<script") {
		t.Fatalf("rendered KPI contains a script element:\n%s", raw)
	}
	if got := textOf(oneByTestID(t, doc, "kpi-x-value")); got != evil {
		t.Errorf("value = %q, want the text %q", got, evil)
	}
}

func TestStatusBadge(t *testing.T) {
	tests := []struct {
		status    string
		wantLabel string
		wantKey   string
		wantClass string
	}{
		{"active", "Active", "active", "badge-green"},
		{"completed", "Completed", "completed", "badge-green"},
		{"  Running ", "Running", "running", "badge-blue"},
		{"pending", "Pending", "pending", "badge-indigo"},
		{"paused", "Paused", "paused", "badge-amber"},
		{"timeout", "Timeout", "timeout", "badge-orange"},
		{"error", "Error", "error", "badge-red"},
		{"failed", "Failed", "failed", "badge-red"},
		{"idle", "Idle", "idle", "badge-slate"},
		{"disabled", "Disabled", "disabled", "badge-grey"},
		{"archived", "Archived", "archived", "badge-grey"},
		{"cancelled", "Cancelled", "cancelled", "badge-grey"},
		{"queued", "Queued", "queued", "badge-slate"},
		{"", "Unknown", "", "badge-slate"},
		{"<b>odd</b>", "<b>odd</b>", "<b>odd</b>", "badge-slate"},
	}
	for _, tt := range tests {
		t.Run(tt.wantLabel, func(t *testing.T) {
			raw, doc := mustRender(t, StatusBadge(tt.status))
			if strings.Contains(raw, "<b>") {
				t.Fatalf("status was written as markup:\n%s", raw)
			}
			badge := oneByTestID(t, doc, "status-badge")
			got := []string{textOf(badge), attrOf(badge, "data-status")}
			if diff := cmp.Diff([]string{tt.wantLabel, tt.wantKey}, got); diff != "" {
				t.Errorf("badge (label, status) mismatch (-want +got):\n%s", diff)
			}
			if !hasClass(badge, tt.wantClass) {
				t.Errorf("badge class = %q, want it to include %s", attrOf(badge, "class"),
					tt.wantClass)
			}
		})
	}
}
