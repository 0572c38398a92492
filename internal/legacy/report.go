package legacy

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Outcomes of a source row.
const (
	// Imported rows became new rows here.
	Imported = "imported"
	// Merged rows went into a row that was here already: the campaign with the same id or
	// slug and the user with the same email, both kept as they are; the agent of the same
	// name, the schedule of the same agent and the metrics of the same day, updated.
	Merged = "merged"
	// Existing rows were brought over by an earlier import and were left alone.
	Existing = "existing"
	// Skipped rows could not be brought over; the report's problems say why.
	Skipped = "skipped"
)

// Report says what an import read and what became of it.
type Report struct {
	Source string `json:"source"`
	// Installation names the original console the file comes from (the id of its first
	// user); import records are kept per installation.
	Installation string    `json:"installation"`
	StartedAt    time.Time `json:"startedAt"`
	FinishedAt   time.Time `json:"finishedAt"`
	// Campaigns maps each campaign of the source to the campaign it went to here.
	Campaigns []CampaignMap `json:"campaigns"`
	// Tables has one entry per source table, the imported ones first, in import order.
	Tables []*TableReport `json:"tables"`
	Totals Counts         `json:"totals"`
	// Problems lists every row that was skipped or changed to fit, with the reasons.
	Problems []Problem `json:"problems"`
	// Notes are remarks on the import as a whole, such as accounts kept.
	Notes []string `json:"notes"`
	// Metrics are the daily rollups rebuilt over the imported history.
	Metrics []MetricsRange `json:"metrics"`
}

// Counts are the rows of a table, or of one campaign in it, by outcome. Read always equals
// the sum of the four outcomes.
type Counts struct {
	Read     int `json:"read"`
	Imported int `json:"imported"`
	Merged   int `json:"merged"`
	Existing int `json:"existing"`
	Skipped  int `json:"skipped"`
}

func (c *Counts) add(outcome string) {
	c.Read++
	switch outcome {
	case Imported:
		c.Imported++
	case Merged:
		c.Merged++
	case Existing:
		c.Existing++
	default:
		c.Skipped++
	}
}

func (c *Counts) sum(o Counts) {
	c.Read += o.Read
	c.Imported += o.Imported
	c.Merged += o.Merged
	c.Existing += o.Existing
	c.Skipped += o.Skipped
}

// TableReport is what became of one source table.
type TableReport struct {
	Table string `json:"table"`
	// Target is the table its rows went to here; "" for tables ClawOps has no place for.
	Target string `json:"target"`
	Counts
	// Campaigns splits the counts by the campaign_id the rows had in the source (null for
	// none); tables without campaigns have none.
	Campaigns []*CampaignCounts `json:"campaigns,omitempty"`
	// Dropped names the source columns nothing was carried from.
	Dropped []string `json:"droppedColumns,omitempty"`
	Note    string   `json:"note,omitempty"`
}

// CampaignCounts are the rows of one source campaign in a table.
type CampaignCounts struct {
	// SourceCampaignID is the rows' campaign_id in the source, nil for NULL.
	SourceCampaignID *string `json:"sourceCampaignId"`
	// CampaignID is the campaign the rows went to here.
	CampaignID string `json:"campaignId"`
	Counts
}

// CampaignMap says where a campaign of the source went.
type CampaignMap struct {
	SourceID   string `json:"sourceId"`
	CampaignID string `json:"campaignId"`
	Slug       string `json:"slug"`
	Status     string `json:"status"`
	Outcome    string `json:"outcome"`
}

// Problem is one source row that was skipped, or brought over with changes.
type Problem struct {
	Table    string `json:"table"`
	SourceID string `json:"sourceId"`
	Outcome  string `json:"outcome"`
	Message  string `json:"message"`
}

// MetricsRange is a campaign's daily rollup rebuilt from the imported history.
type MetricsRange struct {
	CampaignID string `json:"campaignId"`
	From       string `json:"from"`
	To         string `json:"to"`
}

// newReport starts the report of an import; its lists are empty rather than null in JSON.
func newReport(source, installation string, now time.Time) *Report {
	return &Report{Source: source, Installation: installation, StartedAt: now,
		Campaigns: []CampaignMap{}, Tables: []*TableReport{}, Problems: []Problem{},
		Notes: []string{}, Metrics: []MetricsRange{}}
}

// table starts the report of a source table.
func (rep *Report) table(name, target string) *TableReport {
	t := &TableReport{Table: name, Target: target}
	rep.Tables = append(rep.Tables, t)
	return t
}

// Table returns the report of the source table called name.
func (rep *Report) Table(name string) (*TableReport, bool) {
	for _, t := range rep.Tables {
		if t.Table == name {
			return t, true
		}
	}
	return nil, false
}

// count adds one row's outcome, under its source campaign when it has one.
func (t *TableReport) count(outcome string, s *scope) {
	t.add(outcome)
	if s == nil {
		return
	}
	for _, c := range t.Campaigns {
		if sameSource(c.SourceCampaignID, s.source) && c.CampaignID == s.campaign.id {
			c.add(outcome)
			return
		}
	}
	c := &CampaignCounts{SourceCampaignID: s.source, CampaignID: s.campaign.id}
	c.add(outcome)
	t.Campaigns = append(t.Campaigns, c)
}

func sameSource(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// finish sums the totals and orders the lists for reading.
func (rep *Report) finish(now time.Time) {
	rep.FinishedAt = now
	rep.Totals = Counts{}
	for _, t := range rep.Tables {
		rep.Totals.sum(t.Counts)
		slices.SortFunc(t.Campaigns, func(a, b *CampaignCounts) int {
			return cmp.Compare(sourceLabel(a.SourceCampaignID), sourceLabel(b.SourceCampaignID))
		})
	}
}

func sourceLabel(id *string) string {
	if id == nil {
		return "(none)"
	}
	return *id
}

// WriteText prints the report as tables people can read in a terminal.
func (rep *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "Imported %s (installation %s) in %s\n\n", rep.Source,
		orNone(rep.Installation), rep.FinishedAt.Sub(rep.StartedAt).Round(time.Millisecond))
	fmt.Fprintf(tw, "table\tcampaign\t%8s %8s %8s %8s %8s\n", "read", "imported", "merged",
		"existing", "skipped")
	empty := 0
	for _, t := range rep.Tables {
		if t.Read == 0 {
			empty++
			continue
		}
		writeCounts(tw, t.Table, "", t.Counts)
		for _, c := range t.Campaigns {
			writeCounts(tw, "", rep.campaignLabel(c), c.Counts)
		}
	}
	writeCounts(tw, "total", "", rep.Totals)
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("legacy: write report: %w", err)
	}
	if empty > 0 {
		fmt.Fprintf(w, "\n%d empty tables not shown.\n", empty)
	}
	rep.writeDetails(w)
	return nil
}

func writeCounts(w io.Writer, table, campaign string, c Counts) {
	fmt.Fprintf(w, "%s\t%s\t%8d %8d %8d %8d %8d\n", table, campaign, c.Read, c.Imported,
		c.Merged, c.Existing, c.Skipped)
}

// campaignLabel names a source campaign by its slug and where its rows went.
func (rep *Report) campaignLabel(c *CampaignCounts) string {
	from := "(none)"
	if c.SourceCampaignID != nil {
		from = *c.SourceCampaignID
		for _, m := range rep.Campaigns {
			if m.SourceID == from {
				from = m.Slug
			}
		}
	}
	return from + " → " + c.CampaignID
}

func (rep *Report) writeDetails(w io.Writer) {
	var notImported, dropped []string
	for _, t := range rep.Tables {
		switch {
		case t.Target == "" && t.Read > 0:
			notImported = append(notImported, fmt.Sprintf("%s (%d): %s", t.Table, t.Read, t.Note))
		case len(t.Dropped) > 0:
			dropped = append(dropped, t.Table+": "+strings.Join(t.Dropped, ", "))
		}
	}
	section(w, "Not imported", notImported)
	section(w, "Columns not carried over", dropped)
	section(w, "Problems", rep.problemLines())
	section(w, "Notes", rep.Notes)
	var ranges []string
	for _, m := range rep.Metrics {
		ranges = append(ranges, fmt.Sprintf("%s: %s to %s", m.CampaignID, m.From, m.To))
	}
	section(w, "Metrics recomputed", ranges)
}

func section(w io.Writer, title string, lines []string) {
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s:\n", title)
	for _, l := range lines {
		fmt.Fprintf(w, "  %s\n", l)
	}
}

// maxPrinted is how many problems the text report shows; the JSON report has them all.
const maxPrinted = 200

func (rep *Report) problemLines() []string {
	out := make([]string, 0, min(len(rep.Problems), maxPrinted+1))
	for _, p := range rep.Problems[:min(len(rep.Problems), maxPrinted)] {
		out = append(out, fmt.Sprintf("%s %s (%s): %s", p.Table, orNone(p.SourceID), p.Outcome,
			p.Message))
	}
	if n := len(rep.Problems) - maxPrinted; n > 0 {
		out = append(out, fmt.Sprintf("... and %d more; the JSON report lists them all", n))
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
