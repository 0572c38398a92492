package data_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/database"
)

// A page deep in a sorted listing of leads or contacts, the collections that grow to millions
// of rows, seeks to its cursor in the sort column's index instead of reading the index from
// the campaign's first row, whichever listed column it is sorted by and in either direction.
func TestDeepPagesSeekTheirCursor(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, c := range []*data.Collection{data.Leads, data.HOAContacts} {
		for _, name := range append([]string{"createdAt", "updatedAt"}, c.List...) {
			fld, ok := c.Field(name)
			column := map[string]string{"createdAt": "created_at", "updatedAt": "updated_at"}[name]
			if ok {
				if fld.Kind == data.Time || fld.Nullable {
					// NULLs sort last whichever way, which no index order gives; these
					// listings are sorted as they are read.
					continue
				}
				column = fld.Column
			}
			for _, desc := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/desc=%v", c.Path, name, desc), func(t *testing.T) {
					cursor := database.EncodeCursor("0", "m", "0190a0b0-0000-7000-8000-000000000000")
					if ok && (fld.Kind == data.Int || fld.Kind == data.Bool) {
						cursor = database.EncodeCursor("0", "5", "0190a0b0-0000-7000-8000-000000000000")
					}
					if ok && fld.Kind == data.Float {
						cursor = database.EncodeCursor("0", "5.5", "0190a0b0-0000-7000-8000-000000000000")
					}
					q := data.Query{Sort: name, Desc: desc, Cursor: cursor}
					query, args, err := data.PageSQL(c, "camp-a", q)
					if err != nil {
						t.Fatal(err)
					}
					plan := explain(t, f, ctx, query, args)
					if !strings.Contains(plan, column+">") && !strings.Contains(plan, column+"<") &&
						!strings.Contains(plan, "("+column+",id)") {
						t.Errorf("the page does not seek its cursor:\n%s\n%s", query, plan)
					}
					if strings.Contains(plan, "TEMP B-TREE") {
						t.Errorf("the page is sorted after reading:\n%s", plan)
					}
				})
			}
		}
	}
}

func explain(t *testing.T, f fixture, ctx context.Context, query string, args []any) string {
	t.Helper()
	rows, err := f.db.R.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	return b.String()
}

// An export writes a stored time exactly as formatting the parsed time would, whatever its
// milliseconds, and still reads times stored in other forms.
func TestExportedTimesMatchTheirParsedForm(t *testing.T) {
	base := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for _, ms := range []int{0, 1, 10, 12, 100, 120, 123, 500, 999} {
		at := base.Add(time.Duration(ms) * time.Millisecond)
		got, err := data.ExportedStamp(database.FormatTime(at))
		if want := data.FormatExported(at); err != nil || got != want {
			t.Errorf("%d ms: %q (%v), want %q", ms, got, err, want)
		}
	}
	legacy := "2026-03-04T05:06:07Z"
	if got, err := data.ExportedStamp(legacy); err != nil || got != legacy {
		t.Errorf("a time stored without milliseconds: %q (%v)", got, err)
	}
	if _, err := data.ExportedStamp("soon"); err == nil {
		t.Error("text that is no time was exported")
	}
}
