package app_test

import (
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/app"
	"github.com/clawops/clawops/internal/audit"
	"github.com/clawops/clawops/internal/config"
	"github.com/clawops/clawops/internal/database"
)

func TestUpkeepRepairsMetricsAndPrunesTheAuditLog(t *testing.T) {
	ctx := context.Background()
	cfg := config.Config{Addr: "127.0.0.1:0", DBPath: filepath.Join(t.TempDir(), "c.db"),
		AdminEmail: "admin@example.com", AdminPassword: "a long enough password",
		LogFormat: "text", AuditRetentionDays: 30}
	a, err := app.Open(ctx, cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	now := time.Now()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := a.DB.Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	// Written behind the stores' backs, as a crash between a change and its refresh would.
	exec(`INSERT INTO leads (id, campaign_id, email, created_at, updated_at)
		VALUES ('l1', 'default-hoa-fl', 'a@example.com', ?, ?)`,
		database.FormatTime(now), database.FormatTime(now))
	logs := audit.NewStore(a.DB)
	for _, at := range []time.Time{now.AddDate(0, 0, -31), now.AddDate(0, 0, -29)} {
		if err := logs.Record(ctx, audit.Entry{Action: "campaign.update", CreatedAt: at,
			Outcome: audit.Success}); err != nil {
			t.Fatal(err)
		}
	}

	a.Upkeep(ctx)

	var leads int
	a.DB.R.QueryRow(`SELECT COALESCE(SUM(leads_generated), 0) FROM campaign_metrics
		WHERE campaign_id = 'default-hoa-fl'`).Scan(&leads)
	if leads != 1 {
		t.Errorf("metrics count %d leads after the upkeep, want 1", leads)
	}
	kept, _, err := logs.Entries(ctx, audit.Filter{Action: "campaign.update", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != 1 || kept[0].CreatedAt.Before(now.AddDate(0, 0, -30)) {
		t.Errorf("audit entries kept %+v, want only the one younger than 30 days", kept)
	}
}
