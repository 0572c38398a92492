package data_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/data"
)

func TestZZImport(t *testing.T) {
	if os.Getenv("IMP") == "" {
		t.Skip()
	}
	f := newFixture(t)
	var csv bytes.Buffer
	csv.WriteString("name,email,phone,company,source,status,score,notes\n")
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(&csv, "Person %d,p%d@example.com,+1 555 0100 %04d,Palm %d Harbor HOA,web,new,%d,\"Board meeting; asked about reserve funding.\"\n", i, i, i%10000, i%300, i%100)
	}
	start := time.Now()
	im, err := f.store.CreateImport(context.Background(), f.a, data.Leads, "x.csv", &csv, data.ImportOptions{Start: true})
	if err != nil {
		t.Fatal(err)
	}
	f.store.WaitImports()
	im, _ = f.store.Import(context.Background(), f.a, im.ID)
	t.Logf("import %v: %s created %d", time.Since(start), im.Status, im.Created)
}
