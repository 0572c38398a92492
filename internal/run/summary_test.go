package run

import "testing"

func TestIngestedDetailCountsInWords(t *testing.T) {
	tests := []struct {
		skipped  map[string]int
		rejected int
		want     string
	}{
		{nil, 0, "From a run of scout."},
		{map[string]int{"leads": 1}, 0, "From a run of scout. 1 duplicate skipped."},
		{map[string]int{"leads": 2, "webinars": 1}, 1,
			"From a run of scout. 3 duplicates skipped. 1 record rejected; the run lists why."},
		{nil, 2, "From a run of scout. 2 records rejected; the run lists why."},
	}
	for _, tt := range tests {
		r := Run{AgentName: "scout", RecordsSkipped: tt.skipped,
			RejectedRecords: make([]Rejected, tt.rejected)}
		if got := ingestedDetail(r); got != tt.want {
			t.Errorf("ingestedDetail(%v skipped, %d rejected) = %q, want %q",
				tt.skipped, tt.rejected, got, tt.want)
		}
	}
}
