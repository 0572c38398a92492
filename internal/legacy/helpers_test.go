package legacy

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/agent"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/metrics"
	"github.com/clawops/clawops/internal/schedule"
	"github.com/clawops/clawops/internal/seed"
	"github.com/clawops/clawops/internal/testutil/testdb"
)

// fixturePath is the original console's database shipped beside the repository, in a folder
// this process may not write to.
const fixturePath = "../../../shared/fixtures/legacy-clawops.db"

// importNow is the moment the tests import at: the day after the fixture's history ends.
var importNow = time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)

// target is a fresh ClawOps database as first start leaves it: migrated, with the default
// campaign and its HOA fleet.
type target struct {
	db       *database.DB
	importer *Importer
}

func newTarget(t *testing.T) target {
	t.Helper()
	db := testdb.New(t)
	act := activity.NewStore(db, nil)
	err := seed.Defaults(context.Background(), db, campaign.NewStore(db, act),
		agent.NewStore(db, act), schedule.NewStore(db, act))
	if err != nil {
		t.Fatal(err)
	}
	im := New(db, metrics.NewStore(db, nil))
	im.now = func() time.Time { return importNow }
	return target{db: db, importer: im}
}

func (tg target) importFile(t *testing.T, path string) *Report {
	t.Helper()
	rep, err := tg.importer.Import(context.Background(), path)
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return rep
}

// count counts rows of a table here matching an optional condition.
func (tg target) count(t *testing.T, table, where string, args ...any) int {
	t.Helper()
	q := "SELECT COUNT(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	var n int
	if err := tg.db.R.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// manifest is the part of the fixture's manifest the tests check against.
type manifest struct {
	SHA256           string                    `json:"sha256"`
	RowCounts        map[string]int            `json:"row_counts"`
	CampaignIDCounts map[string]map[string]int `json:"campaign_id_counts"`
	Campaigns        []struct {
		ID         string         `json:"id"`
		Slug       string         `json:"slug"`
		Status     string         `json:"status"`
		SlugTables map[string]int `json:"slug_tables"`
	} `json:"campaigns"`
}

func readManifest(t *testing.T) manifest {
	t.Helper()
	b, err := os.ReadFile(fixturePath + ".manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// copyFixture copies the fixture into a folder of the test's own.
func copyFixture(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "legacy.db")
	if err := os.WriteFile(path, b, 0o400); err != nil {
		t.Fatal(err)
	}
	return path
}
