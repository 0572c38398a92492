package data_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/clawops/clawops/internal/data"
)

// benchLeadInputs are n distinct leads numbered from `from`, as a bulk request decodes them.
func benchLeadInputs(from, n int) []data.Input {
	out := make([]data.Input, n)
	for k := range out {
		i := from + k
		in := data.Input{}
		for name, v := range map[string]any{
			"name":    fmt.Sprintf("Person %d", i),
			"email":   fmt.Sprintf("person.%d@example.com", i),
			"phone":   fmt.Sprintf("+1 555 01%02d %04d", i%100, i%10000),
			"company": fmt.Sprintf("Palm %d Harbor HOA", i%300),
			"source":  "web",
			"status":  "new",
			"score":   i % 101,
			"notes":   "Board meeting; asked about reserve funding.",
		} {
			in[name], _ = json.Marshal(v)
		}
		out[k] = in
	}
	return out
}

// quietMigrations keeps the migration log of a benchmark's fresh database out of its results.
func quietMigrations(b *testing.B) {
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	b.Cleanup(func() { slog.SetDefault(prev) })
}

// BenchmarkCreateRecords stores leads in batches of 4 000 and reports leads stored per second.
func BenchmarkCreateRecords(b *testing.B) {
	quietMigrations(b)
	f := newFixture(b)
	const per = 4000
	batches := make([][]data.Input, b.N)
	for i := range batches {
		batches[i] = benchLeadInputs(i*per, per)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := f.store.CreateRecords(context.Background(), f.a, data.Leads, batches[i])
		if err != nil || res.Created != per {
			b.Fatalf("batch %d: %+v %v", i, res, err)
		}
	}
	b.ReportMetric(float64(b.N*per)/b.Elapsed().Seconds(), "leads/s")
}

// BenchmarkImportCSV imports 100 000 leads from one CSV file per round.
func BenchmarkImportCSV(b *testing.B) {
	quietMigrations(b)
	f := newFixture(b)
	const rows = 100_000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		var csv bytes.Buffer
		csv.WriteString("name,email,phone,company,source,status,score,notes\n")
		for r := 0; r < rows; r++ {
			n := i*rows + r
			fmt.Fprintf(&csv, "Person %d,p%d@example.com,+1 555 0100 %04d,Palm %d Harbor HOA,web,new,%d,"+
				"\"Board meeting; asked about reserve funding.\"\n", n, n, n%10000, n%300, n%100)
		}
		b.StartTimer()
		im, err := f.store.CreateImport(context.Background(), f.a, data.Leads, "leads.csv", &csv,
			data.ImportOptions{Start: true})
		if err != nil {
			b.Fatal(err)
		}
		f.store.WaitImports()
		im, err = f.store.Import(context.Background(), f.a, im.ID)
		if err != nil || im.Created != rows {
			b.Fatalf("import: %+v %v", im, err)
		}
	}
	b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "rows/s")
}
