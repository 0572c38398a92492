package components

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestNiceAxis(t *testing.T) {
	tests := []struct {
		name  string
		top   float64
		whole bool
		want  axis
	}{
		{"empty counts", 0, true, axis{max: 1, step: 1}},
		{"empty money", 0, false, axis{max: 1, step: 0.2}},
		{"not a number", math.NaN(), true, axis{max: 1, step: 1}},
		{"small counts step by one", 3, true, axis{max: 3, step: 1}},
		{"rounds up to the step", 7, true, axis{max: 8, step: 2}},
		{"exact multiple", 10, true, axis{max: 10, step: 2}},
		{"steps of five", 12.5, false, axis{max: 15, step: 5}},
		{"steps of ten", 45, true, axis{max: 50, step: 10}},
		{"hundreds", 123, true, axis{max: 150, step: 50}},
		{"cents", 0.6, false, axis{max: 0.6, step: 0.2}},
		{"cents round up", 0.43, false, axis{max: 0.5, step: 0.1}},
		{"millions", 1_000_001, true, axis{max: 1_500_000, step: 500_000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := niceAxis(tt.top, tt.whole)
			opts := cmp.Options{cmp.AllowUnexported(axis{}), cmpopts.EquateApprox(0, 1e-9)}
			if diff := cmp.Diff(tt.want, got, opts); diff != "" {
				t.Errorf("niceAxis(%v, %v) mismatch (-want +got):\n%s", tt.top, tt.whole, diff)
			}
		})
	}
}

func TestNiceCeil(t *testing.T) {
	tests := []struct {
		x, want float64
	}{
		{0.2, 0.2},
		{0.21, 0.5},
		{1, 1},
		{1.01, 2},
		{2, 2},
		{3, 5},
		{5, 5},
		{5.5, 10},
		{60, 100},
		{2000, 2000},
	}
	for _, tt := range tests {
		got := niceCeil(tt.x)
		if math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("niceCeil(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
}

func TestBarSlot(t *testing.T) {
	tests := []struct {
		name string
		i, n int
		want [2]string
	}{
		{name: "single day is centred and capped", i: 0, n: 1, want: [2]string{"195.0", "48.0"}},
		{name: "first of a week", i: 0, n: 7, want: [2]string{"53.0", "32.0"}},
		{name: "last of a week", i: 6, n: 7, want: [2]string{"353.0", "32.0"}},
		{name: "first of a month", i: 0, n: 30, want: [2]string{"46.1", "7.5"}},
		{name: "last of a month", i: 29, n: 30, want: [2]string{"384.4", "7.5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, width := barSlot(tt.i, tt.n)
			got := [2]string{coord(x), coord(width)}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("barSlot(%d, %d) mismatch (-want +got):\n%s", tt.i, tt.n, diff)
			}
		})
	}
}

func TestChartBars(t *testing.T) {
	days := []string{"2026-12-01", "2026-12-02"}
	tests := []struct {
		name  string
		chart Chart
		want  []bar
	}{
		{
			name:  "one series",
			chart: Chart{Labels: days, Series: []Series{{Values: []float64{2, 4}}}},
			want: []bar{
				{x: "107.5", y: "92.0", width: "48.0", height: "82.0",
					class: "fill-campaign", tip: "2 on Tue 1 Dec 2026"},
				{x: "282.5", y: "10.0", width: "48.0", height: "164.0",
					class: "fill-campaign", tip: "4 on Wed 2 Dec 2026"},
			},
		},
		{
			name: "stacked series meet",
			chart: Chart{Labels: days[:1], Unit: "$", Series: []Series{
				{Name: "Spend", Values: []float64{1}, Tone: ToneMuted},
				{Name: "Refunds", Values: []float64{3}, Tone: ToneDanger},
			}},
			want: []bar{
				{x: "195.0", y: "133.0", width: "48.0", height: "41.0",
					class: "fill-slate-400 dark:fill-slate-500", tip: "Spend: $1.00 on Tue 1 Dec 2026"},
				{x: "195.0", y: "10.0", width: "48.0", height: "123.0",
					class: "fill-red-500 dark:fill-red-400", tip: "Refunds: $3.00 on Tue 1 Dec 2026"},
			},
		},
		{
			name: "zero, negative and missing values draw nothing",
			chart: Chart{
				Labels: []string{"2026-12-01", "2026-12-02", "2026-12-03"},
				Series: []Series{{Values: []float64{0, -1}}},
			},
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.chart
			got := c.bars(niceAxis(c.maxTotal(), c.Unit != "$"))
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(bar{})); diff != "" {
				t.Errorf("bars mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGridLines(t *testing.T) {
	got := gridLines(axis{max: 4, step: 1}, "")
	want := []gridLine{
		{y: "174.0", label: "0", base: true},
		{y: "133.0", label: "1"},
		{y: "92.0", label: "2"},
		{y: "51.0", label: "3"},
		{y: "10.0", label: "4"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(gridLine{})); diff != "" {
		t.Errorf("gridLines mismatch (-want +got):\n%s", diff)
	}
}

func TestTickLabel(t *testing.T) {
	tests := []struct {
		v    float64
		step float64
		unit string
		want string
	}{
		{0, 1, "", "0"},
		{20, 5, "$", "$20"},
		{0.5, 0.1, "$", "$0.50"},
		{0.4, 0.2, "", "0.4"},
		{0.25, 0.05, "", "0.25"},
		// A step finer than a cent keeps its third decimal, so no two labels read alike.
		{0.01, 0.005, "$", "$0.010"},
		{0.015, 0.005, "$", "$0.015"},
		{0.05, 0.01, "$", "$0.05"},
		{1500, 500, "", "1.5k"},
		{1250, 250, "", "1.25k"},
		{2_000_000, 1_000_000, "$", "$2M"},
	}
	for _, tt := range tests {
		got := tickLabel(tt.v, axis{max: tt.v, step: tt.step}, tt.unit)
		if got != tt.want {
			t.Errorf("tickLabel(%v, step %v, %q) = %q, want %q",
				tt.v, tt.step, tt.unit, got, tt.want)
		}
	}
}

func TestFormatValue(t *testing.T) {
	tests := []struct {
		v    float64
		unit string
		want string
	}{
		{0, "", "0"},
		{1234, "", "1,234"},
		{2.5, "", "2.5"},
		{999.999, "", "1,000"},
		{-0.001, "", "0"},
		{-42, "", "−42"},
		{0, "$", "$0.00"},
		{12.5, "$", "$12.50"},
		{1_234_567.891, "$", "$1,234,567.89"},
		{-3, "$", "−$3.00"},
		{3, "min", "3 min"},
	}
	for _, tt := range tests {
		if got := FormatValue(tt.v, tt.unit); got != tt.want {
			t.Errorf("FormatValue(%v, %q) = %q, want %q", tt.v, tt.unit, got, tt.want)
		}
	}
}

func TestDayLabels(t *testing.T) {
	tests := []struct {
		name    string
		label   string
		compact bool
		short   string
		long    string
	}{
		{"week view", "2026-12-01", false, "Tue 1", "Tue 1 Dec 2026"},
		{"month view", "2026-12-01", true, "12/01", "Tue 1 Dec 2026"},
		{"not a date", "week 49", false, "week 49", "week 49"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := [2]string{shortDay(tt.label, tt.compact), longDay(tt.label)}
			if diff := cmp.Diff([2]string{tt.short, tt.long}, got); diff != "" {
				t.Errorf("day labels of %q mismatch (-want +got):\n%s", tt.label, diff)
			}
		})
	}
}

func TestLabelEvery(t *testing.T) {
	tests := []struct {
		n, want int
	}{
		{0, 1},
		{1, 1},
		{7, 1},
		{8, 1},
		{9, 2},
		{14, 2},
		{30, 4},
		{90, 12},
	}
	for _, tt := range tests {
		if got := labelEvery(tt.n); got != tt.want {
			t.Errorf("labelEvery(%d) = %d, want %d", tt.n, got, tt.want)
		}
		if shown := (tt.n + tt.want - 1) / tt.want; shown > maxDayLabels {
			t.Errorf("labelEvery(%d) shows %d labels, want at most %d", tt.n, shown, maxDayLabels)
		}
	}
}

func TestChartDomID(t *testing.T) {
	tests := []struct {
		id, want string
	}{
		{"leads", "chart-leads"},
		{"runs_by-agent2", "chart-runs_by-agent2"},
		{"runs by agent", "chart-runs-by-agent"},
		{`x"><b>`, "chart-x---b-"},
	}
	for _, tt := range tests {
		if got := (Chart{ID: tt.id}).domID(); got != tt.want {
			t.Errorf("domID of %q = %q, want %q", tt.id, got, tt.want)
		}
	}
}
