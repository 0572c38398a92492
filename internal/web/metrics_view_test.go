package web

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/metrics"
)

func TestMetricsViewComparesWithThePeriodBefore(t *testing.T) {
	prev := []metrics.Day{
		{Date: "2026-03-01", LeadsGenerated: 4, AgentRuns: 2, CostUSD: 0.1},
		{Date: "2026-03-02", LeadsGenerated: 0, AgentRuns: 2, AgentErrors: 1, CostUSD: 0.2},
	}
	rows := []metrics.Day{
		{Date: "2026-03-03", LeadsGenerated: 1, EmailsSent: 3, AgentRuns: 1, CostUSD: 0.25},
		{Date: "2026-03-04", LeadsGenerated: 5, AgentRuns: 3, AgentErrors: 3, CostUSD: 1.005},
	}
	cur := campaign.Campaign{Slug: "x", Timezone: "America/New_York"}
	b := metricsView(cur, 2, prev, rows)

	type kpi struct {
		ID, Value, Delta, Tone string
	}
	var got []kpi
	for _, k := range b.KPIs {
		d := k.Delta()
		got = append(got, kpi{k.ID, k.Value, d.Text, d.Tone})
	}
	want := []kpi{
		{"leads", "6", "+50%", "good"},
		{"contacted", "0", "no change", "neutral"},
		{"sent", "3", "new", "good"},
		{"opened", "0", "no change", "neutral"},
		{"replies", "0", "no change", "neutral"},
		{"runs", "4", "no change", "neutral"},
		{"errors", "3", "+200%", "bad"},
		{"cost", "$1.25", "+318%", "bad"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("KPIs (-want +got):\n%s", diff)
	}
	if len(b.Charts) != 8 || b.Charts[0].Labels[1] != "2026-03-04" ||
		b.Charts[0].Series[0].Values[1] != 5 {
		t.Errorf("first chart %+v", b.Charts[0])
	}
	if b.Table.Rows[0].Date != "2026-03-04" || b.Table.Rows[0].Cells[0] != "5" {
		t.Errorf("the table does not start with the newest day: %+v", b.Table.Rows[0])
	}
	if diff := cmp.Diff([]string{"4", "0", "0", "0", "0", "4", "1", "$0.30"},
		b.Table.PreviousTotals); diff != "" {
		t.Errorf("previous totals (-want +got):\n%s", diff)
	}
	if b.Period != "3 Mar – 4 Mar 2026" || b.Previous != "the 2 days before" {
		t.Errorf("period %q, previous %q", b.Period, b.Previous)
	}
}
