package data_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/clawops/clawops/internal/data"
)

// TestSearchCoversTheSearchFieldsOfEveryCollection holds the triggers that keep the search
// index to the collection definitions: a word in any search field finds the record, through
// every plan, as soon as it is written and no longer once it is changed or deleted; a word in
// a field that is not searched never does.
func TestSearchCoversTheSearchFieldsOfEveryCollection(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, col := range data.All {
		for i, fd := range col.Fields {
			if fd.Kind != data.Text && fd.Kind != data.LongText {
				continue
			}
			t.Run(col.Path+"/"+fd.Name, func(t *testing.T) {
				word := fmt.Sprintf("zq%sx%d", col.Table[:3], i)
				sample := map[string]any{}
				for k, v := range samples[col.Path] {
					sample[k] = v
				}
				sample[fd.Name] = "Before " + word + " after"
				rec, err := f.store.CreateRecord(ctx, f.a, col, input(t, sample))
				if err != nil {
					t.Fatal(err)
				}
				found := func(w string) bool {
					t.Helper()
					var hits []bool
					for _, th := range [][2]int{{20_000, 1000}, {0, 1000}, {0, 0}} {
						restore := data.SetSearchThresholds(th[0], th[1])
						recs, _, err := f.store.Records(ctx, f.a, col, data.Query{Search: w})
						restore()
						if err != nil {
							t.Fatal(err)
						}
						hits = append(hits, len(recs) == 1 && recs[0].ID == rec.ID)
					}
					if hits[0] != hits[1] || hits[1] != hits[2] {
						t.Errorf("plans disagree on %q: %v", w, hits)
					}
					return hits[0]
				}
				if got := found(word); got != fd.Search {
					t.Fatalf("a word in %s found the record: %v, want %v", fd.Name, got, fd.Search)
				}
				if !fd.Search {
					// Out of the way of the next field's record, which has the same key.
					if err := f.store.DeleteRecord(ctx, f.a, col, rec.ID); err != nil {
						t.Fatal(err)
					}
					return
				}
				if _, err := f.store.UpdateRecord(ctx, f.a, col, rec.ID, input(t,
					map[string]any{fd.Name: "Renamed " + word + "y"})); err != nil {
					t.Fatal(err)
				}
				if found(word+"z") || !found(word+"y") {
					t.Error("the index did not follow the change")
				}
				if err := f.store.DeleteRecord(ctx, f.a, col, rec.ID); err != nil {
					t.Fatal(err)
				}
				if found(word) {
					t.Error("a deleted record is still found")
				}
			})
		}
	}
}
