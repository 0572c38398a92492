package metrics

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/testutil/testdb"
)

func TestSpanCutsDaysAtLocalMidnight(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		day   string
		start string
		hours float64
	}{
		{"an ordinary day", "2026-03-07", "2026-03-07T05:00:00.000Z", 24},
		{"spring forward", "2026-03-08", "2026-03-08T05:00:00.000Z", 23},
		{"fall back", "2026-11-01", "2026-11-01T04:00:00.000Z", 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := time.Parse(time.DateOnly, tt.day)
			sp := newSpan(ny, d, d)
			if sp.start() != tt.start {
				t.Errorf("starts at %s, want %s", sp.start(), tt.start)
			}
			a, _ := time.Parse(time.RFC3339, sp.start())
			b, _ := time.Parse(time.RFC3339, sp.end())
			if got := b.Sub(a).Hours(); got != tt.hours {
				t.Errorf("lasts %v hours, want %v", got, tt.hours)
			}
		})
	}
}

func TestSpanPlacesInstantsOnDays(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	from, _ := time.Parse(time.DateOnly, "2026-03-07")
	to, _ := time.Parse(time.DateOnly, "2026-03-09")
	sp := newSpan(ny, from, to)
	got := map[string]int{}
	for _, at := range []string{
		"2026-03-07T04:59:59.999Z", "2026-03-07T05:00:00.000Z", "2026-03-08T04:59:59.999Z",
		"2026-03-08T05:00:00.000Z", "2026-03-09T03:30:00.000Z", "2026-03-09T04:00:00.000Z",
		"2026-03-10T03:59:59.999Z", "2026-03-10T04:00:00.000Z",
	} {
		got[at] = sp.day(at)
	}
	want := map[string]int{
		"2026-03-07T04:59:59.999Z": -1, "2026-03-07T05:00:00.000Z": 0,
		"2026-03-08T04:59:59.999Z": 0, "2026-03-08T05:00:00.000Z": 1,
		"2026-03-09T03:30:00.000Z": 1, "2026-03-09T04:00:00.000Z": 2,
		"2026-03-10T03:59:59.999Z": 2, "2026-03-10T04:00:00.000Z": -1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("day of each instant (-want +got):\n%s", diff)
	}
}

// TestCountersReadIndexRanges holds every read of the rollup to one index range of one
// campaign: a table scan would make each refresh as slow as the largest campaign.
func TestCountersReadIndexRanges(t *testing.T) {
	db := testdb.New(t)
	for _, c := range counters {
		rows, err := db.R.Query("EXPLAIN QUERY PLAN "+c.sql, "a", "b", "c")
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		got := strings.Join(plan, "; ")
		if len(plan) != 1 || !strings.HasPrefix(got, "SEARCH ") ||
			!strings.Contains(got, "INDEX") || !strings.Contains(got, "campaign_id=?") {
			t.Errorf("%s: plan %q, want one index search by campaign", c.name, got)
		}
	}
}
