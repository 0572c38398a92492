package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawops/clawops/internal/database"
)

func TestMetricsRecompute(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	if out, err := runCmd(t, "migrate", "--db", path); err != nil {
		t.Fatalf("migrate: %q, %v", out, err)
	}
	db, err := database.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO campaigns (id, name, company, slug, timezone, created_at, updated_at)
			VALUES ('c1', 'One', 'C', 'one', 'America/New_York', 'x', 'x'),
			('c2', 'Two', 'C', 'two', 'UTC', 'x', 'x')`,
		// 23:30 on 1 March in New York, 2 March in UTC.
		`INSERT INTO leads (id, campaign_id, email, created_at, updated_at) VALUES
			('l1', 'c1', 'a@x.org', '2026-03-02T04:30:00.000Z', 'x'),
			('l2', 'c2', 'a@x.org', '2026-03-02T04:30:00.000Z', 'x')`,
	} {
		if _, err := db.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	tests := []struct {
		name    string
		args    []string
		want    string
		wantErr string
	}{
		{"one campaign by slug", []string{"--campaign", "one", "--from", "2026-03-01",
			"--to", "2026-03-02"}, "recomputed 2 days of c1\n", ""},
		{"every campaign", []string{"--from", "2026-03-01", "--to", "2026-03-03"},
			"recomputed 3 days of c1\nrecomputed 3 days of c2\n", ""},
		{"unknown campaign", []string{"--campaign", "nope", "--from", "2026-03-01",
			"--to", "2026-03-02"}, "", "not found"},
		{"bad date", []string{"--from", "March", "--to", "2026-03-02"}, "", "--from"},
		{"reversed range", []string{"--from", "2026-03-02", "--to", "2026-03-01"}, "", "--to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"metrics", "recompute", "--db", path}, tt.args...)
			out, err := runCmd(t, args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || out != tt.want {
				t.Fatalf("output %q, %v; want %q", out, err, tt.want)
			}
		})
	}

	db, err = database.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := map[string]string{}
	rows, err := db.R.Query(`SELECT campaign_id, date FROM campaign_metrics
		WHERE leads_generated = 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, date string
		rows.Scan(&id, &date)
		got[id] = date
	}
	if got["c1"] != "2026-03-01" || got["c2"] != "2026-03-02" || len(got) != 2 {
		t.Errorf("days with a lead: %v; want c1 on 1 March (New York), c2 on 2 March (UTC)", got)
	}
}
