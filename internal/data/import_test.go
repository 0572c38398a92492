package data_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/internal/event"
)

// importCSV runs an import to its end and returns the finished job.
func importCSV(t *testing.T, f fixture, sc access.Scope, col *data.Collection, body string,
	opts data.ImportOptions) data.Import {
	t.Helper()
	opts.Start = true
	im, err := f.store.CreateImport(context.Background(), sc, col, "test.csv",
		strings.NewReader(body), opts)
	if err != nil {
		t.Fatalf("create import: %v", err)
	}
	f.store.WaitImports()
	im, err = f.store.Import(context.Background(), sc, im.ID)
	if err != nil {
		t.Fatal(err)
	}
	return im
}

func count(t *testing.T, f fixture, sc access.Scope, col *data.Collection) int {
	t.Helper()
	n, err := f.store.Count(context.Background(), sc, col, data.Query{}, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	return n.N
}

func TestImportReadsAwkwardCSV(t *testing.T) {
	f := newFixture(t)
	body := "\xEF\xBB\xBFName,E-mail, Notes ,Score\n" +
		"\"Lopez, Maria\",maria@example.com,\"said \"\"call me\"\"\nnext week\",80\n" +
		"Tom,tom@example.com,'=cheap,10\n"
	im := importCSV(t, f, f.a, data.Leads, body, data.ImportOptions{})
	if im.Status != data.ImportCompleted || im.Created != 2 || im.TotalRows != 2 {
		t.Fatalf("import = %+v", im)
	}
	recs, _, err := f.store.Records(context.Background(), f.a, data.Leads, data.Query{Sort: "name"})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{recs[0].Text("name"), recs[0].Text("notes"), recs[1].Text("notes")}
	want := []string{"Lopez, Maria", "said \"call me\"\nnext week", "=cheap"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if recs[0].Get("score") != int64(80) {
		t.Errorf("score = %v", recs[0].Get("score"))
	}
	entries, _, err := f.activity.Entries(context.Background(), f.a, activity.Filter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Title != "2 leads imported from test.csv" ||
		entries[0].Detail != "2 rows read, 0 duplicates skipped, 0 rejected." {
		t.Errorf("feed = %+v, want the import's summary", entries)
	}
}

func TestImportRefusesBrokenFiles(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tests := []struct {
		name, body, want string
	}{
		{"empty file", "", "is empty"},
		{"blank header", ",,\n1,2,3\n", "has no header"},
		{"header not UTF-8", "Nam\xff\nx\n", "is not UTF-8"},
		{"a column twice", "name,Name\nx,y\n", "twice"},
		{"data where the header should be", "John Smith,john@smith.example,Smith Co\n",
			`has no header: its first line holds data ("john@smith.example")`},
		{"a number where a name should be", "Tom,42\nAnn,7\n", "has no header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.store.CreateImport(ctx, f.a, data.Leads, "x.csv",
				strings.NewReader(tt.body), data.ImportOptions{Start: true})
			fs, ok := derrors.AsFields(err)
			if !ok || !strings.Contains(fs["file"], tt.want) {
				t.Errorf("err = %v, want file %q", err, tt.want)
			}
		})
	}
	im := importCSV(t, f, f.a, data.Leads, "name\nok\n\"bad\"quote\n", data.ImportOptions{})
	if im.Status != data.ImportFailed || !strings.Contains(im.Error, "line 3") {
		t.Errorf("a broken row midway: %+v", im)
	}
	if n := count(t, f, f.a, data.Leads); n != 0 {
		t.Errorf("%d leads stored from a broken file", n)
	}
	im = importCSV(t, f, f.a, data.Leads, "name,email\n", data.ImportOptions{})
	if im.Status != data.ImportCompleted || im.TotalRows != 0 {
		t.Errorf("a header alone: %+v", im)
	}
}

func TestImportIsAllOrNothingUnlessAskedToKeepValidRows(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	body := "name,score,status\nGood One,10,new\nBad Score,lots,new\nRagged,1\n" +
		"Bad Status,5,hot\nGood Two,20,dead\nNot UTF-8 \xff,1,new\n"
	im := importCSV(t, f, f.a, data.Leads, body, data.ImportOptions{})
	if im.Status != data.ImportFailed || im.Rejected != 4 || im.TotalRows != 6 {
		t.Fatalf("import = %+v", im)
	}
	if n := count(t, f, f.a, data.Leads); n != 0 {
		t.Errorf("%d leads stored although rows were rejected", n)
	}
	var report bytes.Buffer
	if err := f.store.ExportRejects(ctx, f.a, im.ID, &report); err != nil {
		t.Fatal(err)
	}
	cr := csv.NewReader(&report)
	cr.FieldsPerRecord = -1 // a ragged row is reported as it was
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range rows[1:] {
		lines = append(lines, r[0]+": "+r[1])
	}
	want := []string{
		"3: score must be a whole number",
		"4: has 2 cells where the header has 3",
		"5: status must be one of new, contacted, qualified, converted, dead",
		"7: is not UTF-8 text",
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("rejected rows (-want +got):\n%s", diff)
	}

	im = importCSV(t, f, f.a, data.Leads, body, data.ImportOptions{KeepValid: true})
	if im.Status != data.ImportCompleted || im.Created != 2 || im.Rejected != 4 {
		t.Errorf("keeping valid rows: %+v", im)
	}
	if n := count(t, f, f.a, data.Leads); n != 2 {
		t.Errorf("%d leads stored, want the 2 valid ones", n)
	}
}

func TestImportMatchesHeadersAndWaitsForAMapping(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	body := "id,Full Name,EMAIL, Company ,Favourite colour,Shoe size,createdAt\n" +
		"x1,Ann,ann@example.com,Acme,blue,38,2020-01-01T00:00:00Z\n"
	im, err := f.store.CreateImport(ctx, f.a, data.Leads, "people.csv",
		strings.NewReader(body), data.ImportOptions{Start: true})
	if err != nil {
		t.Fatal(err)
	}
	if im.Status != data.ImportNeedsMapping {
		t.Fatalf("status = %s", im.Status)
	}
	if diff := cmp.Diff([]string{"Favourite colour", "Shoe size"}, im.Unmapped); diff != "" {
		t.Errorf("unmapped (-want +got):\n%s", diff)
	}
	if im.Mapping["EMAIL"] != "email" || im.Mapping["Company"] != "company" ||
		im.Mapping["id"] != "" || im.Mapping["Full Name"] != "name" {
		t.Errorf("mapping = %v", im.Mapping)
	}
	_, err = f.store.BeginImport(ctx, f.a, im.ID, map[string]string{"Shoe size": ""}, false)
	if fs, ok := derrors.AsFields(err); !ok || fs["mapping.Favourite colour"] == "" {
		t.Errorf("begin with a header left unmapped: %v", err)
	}
	_, err = f.store.BeginImport(ctx, f.a, im.ID, map[string]string{"Shoe size": "",
		"Favourite colour": "email"}, false)
	if _, ok := derrors.AsFields(err); !ok {
		t.Errorf("two headers onto one field: %v", err)
	}
	if _, err := f.store.BeginImport(ctx, f.b, im.ID, nil, false); !errors.Is(err, derrors.NotFound) {
		t.Errorf("another campaign begins the import: %v", err)
	}
	if _, err := f.store.BeginImport(ctx, f.a, im.ID, map[string]string{"Shoe size": "",
		"Favourite colour": "notes"}, false); err != nil {
		t.Fatal(err)
	}
	f.store.WaitImports()
	im, _ = f.store.Import(ctx, f.a, im.ID)
	if im.Status != data.ImportCompleted || im.Created != 1 {
		t.Fatalf("after the mapping: %+v", im)
	}
	recs, _, _ := f.store.Records(ctx, f.a, data.Leads, data.Query{})
	if recs[0].Text("name") != "Ann" || recs[0].Text("company") != "Acme" ||
		recs[0].Text("notes") != "blue" || recs[0].ID == "x1" {
		t.Errorf("imported %+v", recs[0].Values)
	}
	if _, err := f.store.BeginImport(ctx, f.a, im.ID, nil, false); !errors.Is(err, derrors.Conflict) {
		t.Errorf("beginning a finished import: %v", err)
	}
	if _, err := f.store.Import(ctx, f.b, im.ID); !errors.Is(err, derrors.NotFound) {
		t.Errorf("another campaign reads the import: %v", err)
	}
}

func TestExportImportsAgain(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, col := range data.All {
		t.Run(col.Path, func(t *testing.T) {
			if _, err := f.store.CreateRecord(ctx, f.a, col, input(t, samples[col.Path])); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := f.store.Export(ctx, f.a, col, data.Query{}, &buf); err != nil {
				t.Fatal(err)
			}
			im := importCSV(t, f, f.b, col, buf.String(), data.ImportOptions{})
			if im.Status != data.ImportCompleted || im.Created != 1 {
				t.Fatalf("re-import = %+v", im)
			}
			a, _, _ := f.store.Records(ctx, f.a, col, data.Query{})
			b, _, _ := f.store.Records(ctx, f.b, col, data.Query{})
			for _, fd := range col.Fields {
				if a[0].Text(fd.Name) != b[0].Text(fd.Name) {
					t.Errorf("%s: %q became %q", fd.Name, a[0].Text(fd.Name), b[0].Text(fd.Name))
				}
			}
		})
	}
}

func TestImportOfManyRowsTwiceAddsNothingTheSecondTime(t *testing.T) {
	f := newFixture(t)
	const rows = 100000
	var b strings.Builder
	b.WriteString("name,email,score\n")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&b, "Lead %d,lead%d@example.com,%d\n", i, i, i%101)
	}
	im := importCSV(t, f, f.a, data.Leads, b.String(), data.ImportOptions{})
	if im.Status != data.ImportCompleted || im.Created != rows || im.Percent != 100 {
		t.Fatalf("first import = %+v", im)
	}
	im = importCSV(t, f, f.a, data.Leads, b.String(), data.ImportOptions{})
	if im.Created != 0 || im.Skipped != rows {
		t.Errorf("second import = %+v", im)
	}
	if n := count(t, f, f.a, data.Leads); n != rows {
		t.Errorf("%d leads, want %d", n, rows)
	}
	if n := count(t, f, f.b, data.Leads); n != 0 {
		t.Errorf("the other campaign got %d leads", n)
	}
}

func TestImportProgressOnlyGoesForward(t *testing.T) {
	f := newFixture(t)
	broker := event.NewBroker()
	store := data.NewStore(f.db, f.activity, broker)
	sub := broker.Subscribe("camp-a")
	defer sub.Close()
	got := make(chan []data.Import)
	go func() {
		var seen []data.Import
		for e := range sub.C {
			if im, ok := e.Data.(data.Import); ok && e.Type == "import.progress" {
				seen = append(seen, im)
			}
		}
		got <- seen
	}()

	const rows = 30000
	var b strings.Builder
	b.WriteString("name,email\n")
	for i := range rows {
		fmt.Fprintf(&b, "Lead %d,lead%d@example.com\n", i, i)
	}
	im, err := store.CreateImport(context.Background(), f.a, data.Leads, "many.csv",
		strings.NewReader(b.String()), data.ImportOptions{Start: true})
	if err != nil {
		t.Fatal(err)
	}
	store.WaitImports()
	sub.Close()
	seen := <-got
	if im, err = store.Import(context.Background(), f.a, im.ID); err != nil {
		t.Fatal(err)
	}
	if im.Percent != 100 || im.Created != rows {
		t.Fatalf("finished import = %+v", im)
	}

	var phases []string
	last := -1
	for _, p := range seen {
		if p.Percent < last {
			t.Errorf("progress went from %d%% back to %d%% (%s, %d rows)", last, p.Percent,
				p.Phase, p.Processed)
		}
		last = p.Percent
		if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
			phases = append(phases, p.Phase)
		}
	}
	if diff := cmp.Diff([]string{data.PhaseChecking, data.PhaseStoring}, phases); diff != "" {
		t.Errorf("phases (-want +got):\n%s", diff)
	}
	if n := len(seen); n < 10 || seen[n-1].Percent != 100 || seen[0].Percent >= 50 {
		t.Errorf("%d progress events, from %d%% to %d%%", n, seen[0].Percent, seen[n-1].Percent)
	}
}
