package metrics_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/metrics"
	"github.com/clawops/clawops/internal/testutil"
)

// The speed targets' data set: 1 000 campaigns in six timezones with 1 000 000 runs and
// 1 000 000 leads spread over a year.
const (
	benchCampaigns = 1000
	benchRows      = 1_000_000
	benchDays      = 365
)

var (
	benchOnce sync.Once
	benchPath string
	benchErr  error
	benchEnd  = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
)

// TestMain removes the benchmarks' database when they end.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchPath != "" {
		os.RemoveAll(filepath.Dir(benchPath))
	}
	os.Exit(code)
}

// benchDB seeds the data set once per test binary, with SQL that generates the rows inside
// SQLite, and returns the database file.
func benchDB(b *testing.B) string {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "clawops-metrics-bench-")
		if err != nil {
			benchErr = err
			return
		}
		benchPath = filepath.Join(dir, "bench.db")
		start := time.Now()
		benchErr = seedBench(benchPath)
		fmt.Fprintf(os.Stderr, "seeded %d runs and %d leads in %s\n", benchRows, benchRows,
			time.Since(start).Round(time.Second))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath
}

func seedBench(path string) error {
	ctx := context.Background()
	db, err := database.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	first := benchEnd.AddDate(0, 0, -benchDays).Unix()
	perCampaign := benchRows / benchCampaigns
	// Row i belongs to campaign i / 1 000 and falls at its (i mod 1 000)-th step through the
	// year, so that rows arrive in the order of the campaign indexes and those stay cheap to
	// extend.
	stamp := fmt.Sprintf(`strftime('%%Y-%%m-%%dT%%H:%%M:%%S', %d + (i %% %d) * %d + i %% 3600,
		'unixepoch') || '.000Z'`, first, perCampaign, benchDays*86400/perCampaign)
	steps := []string{
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
		INSERT INTO campaigns (id, name, company, slug, timezone, created_at, updated_at)
		SELECT printf('c%04d', i), printf('Campaign %04d', i), 'Bench', printf('c%04d', i),
			CASE i % 6 WHEN 0 THEN 'UTC' WHEN 1 THEN 'America/New_York'
				WHEN 2 THEN 'Europe/London' WHEN 3 THEN 'Asia/Tokyo'
				WHEN 4 THEN 'America/Los_Angeles' ELSE 'Australia/Sydney' END, 'x', 'x'
		FROM n`,
	}
	// Batches of 100 000 rows keep each transaction, and the write-ahead log, small.
	for lo := 0; lo < benchRows; lo += 100_000 {
		rows := fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM n
			WHERE i < %d) `, lo, lo+100_000-1)
		steps = append(steps, rows+fmt.Sprintf(`
			INSERT INTO runs (id, campaign_id, trigger, status, cost_usd, metrics, created_at,
				started_at, finished_at, updated_at)
			SELECT printf('r%%07d', i), printf('c%%04d', i / %[1]d), 'scheduled',
				CASE WHEN i %% 10 = 0 THEN 'failed' WHEN i %% 97 = 0 THEN 'timeout'
					ELSE 'completed' END, 0.0137,
				CASE WHEN i %% 5 = 0
					THEN '{"emailsSent":2,"emailsOpened":1,"repliesReceived":1}'
					ELSE '{}' END, %[2]s, %[2]s, %[2]s, 'x'
			FROM n`, perCampaign, stamp), rows+fmt.Sprintf(`
			INSERT INTO leads (id, campaign_id, email, created_at, updated_at,
				last_contacted_at)
			SELECT printf('l%%07d', i), printf('c%%04d', i / %[1]d),
				printf('l%%d@example.com', i), %[2]s, 'x', CASE WHEN i %% 3 = 0 THEN %[2]s END
			FROM n`, perCampaign, stamp))
	}
	steps = append(steps, `ANALYZE`)
	for _, q := range steps {
		if _, err := db.Exec(ctx, q); err != nil {
			return err
		}
	}
	// The stored figures the API reads: a full rebuild, which the recompute benchmark
	// measures again.
	s := metrics.NewStore(db, nil)
	return recomputeAll(ctx, s)
}

func recomputeAll(ctx context.Context, s *metrics.Store) error {
	from := benchEnd.AddDate(0, 0, -benchDays-1)
	for i := 0; i < benchCampaigns; i++ {
		sc := access.System(fmt.Sprintf("c%04d", i))
		if _, err := s.Recompute(ctx, sc, from, benchEnd); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkRecomputeAll rebuilds every day of the year for all 1 000 campaigns (target:
// under 60 s).
func BenchmarkRecomputeAll(b *testing.B) {
	path := benchDB(b)
	ctx := context.Background()
	db, err := database.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := metrics.NewStore(db, nil)
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		if err := recomputeAll(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "s/recompute")
}

// BenchmarkRefreshFinishedRun is what a finished run costs the metrics: marking it ended and
// recounting its campaign-day, in one transaction (target: under 1 ms).
func BenchmarkRefreshFinishedRun(b *testing.B) {
	path := benchDB(b)
	ctx := context.Background()
	db, err := database.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := metrics.NewStore(db, nil)
	perCampaign := benchRows / benchCampaigns
	step := time.Duration(benchDays*86400/perCampaign) * time.Second
	first := benchEnd.AddDate(0, 0, -benchDays)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for n := range b.N {
		// Runs of different campaigns in turn, each ending a minute after it was created,
		// so that each campaign-day keeps its few runs, as in the data set.
		i := n%benchCampaigns*perCampaign + n/benchCampaigns%perCampaign
		id, campaign := fmt.Sprintf("r%07d", i), fmt.Sprintf("c%04d", i/perCampaign)
		ended := first.Add(time.Duration(i%perCampaign)*step +
			time.Duration(i%3600)*time.Second + time.Minute)
		t0 := time.Now()
		err := db.Tx(ctx, func(tx *database.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE runs SET finished_at = ?, status = ?
				WHERE campaign_id = ? AND id = ?`, database.FormatTime(ended), "completed",
				campaign, id); err != nil {
				return err
			}
			return s.Refresh(ctx, tx, campaign, ended)
		})
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	reportLatency(b, lat)
}

// BenchmarkMetricsAPI90Days asks the HTTP API for 90 days of a campaign's figures (target:
// p50 under 5 ms).
func BenchmarkMetricsAPI90Days(b *testing.B) {
	path := benchDB(b)
	s, err := testutil.Start(path, false)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Stop()
	token := s.For(b).AdminToken()
	client := &http.Client{}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/campaigns/c%04d/metrics?days=90",
			s.URL, i%benchCampaigns), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		t0 := time.Now()
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		lat = append(lat, time.Since(t0))
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
	b.StopTimer()
	reportLatency(b, lat)
}

func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
}
