package web_test

import (
	"context"
	"encoding/json"
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
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/agent"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/testutil"
)

const benchCampaigns = 1000

var (
	benchOnce   sync.Once
	benchServer *testutil.Server
	benchToken  string
	benchIDs    []string
)

// loadServer seeds 1 000 campaigns with three agents each, once per benchmark binary.
func loadServer(b *testing.B) *testutil.Server {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "clawops-bench-")
		if err != nil {
			b.Fatal(err)
		}
		// The server outlives each benchmark; the process exit ends it.
		benchServer, err = testutil.Start(filepath.Join(dir, "bench.db"), false)
		if err != nil {
			b.Fatal(err)
		}
		s := benchServer.For(b)
		benchToken = s.AdminToken()
		ctx := context.Background()
		agents := agent.NewStore(benchServer.App.DB, activity.NewStore(benchServer.App.DB, nil))
		for i := 0; i < benchCampaigns; i++ {
			res := s.Do("POST", "/api/campaigns", benchToken, map[string]any{
				"name": fmt.Sprintf("Campaign %04d", i), "company": "Bench Co",
				"type": campaign.Types[i%len(campaign.Types)]})
			var c struct{ ID string }
			res.Decode(b, &c)
			benchIDs = append(benchIDs, c.ID)
			for j := 0; j < 3; j++ {
				exec := agent.Executor{Type: "command", Command: []string{"true"}}
				if _, err := agents.AssignAgent(ctx, access.System(c.ID), agent.NewAgent{
					Name: fmt.Sprintf("agent-%d", j), Executor: &exec}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	return benchServer.For(b)
}

// drive sends b.N GET requests to path from concurrent clients and reports throughput and
// latency percentiles.
func drive(b *testing.B, s *testutil.Server, path func(i int) string) {
	const clients = 8
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	client := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	lat := make([]time.Duration, b.N)
	var next int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= int64(b.N) {
					return
				}
				req, _ := http.NewRequest("GET", s.URL+path(int(i)), nil)
				req.Header.Set("Authorization", "Bearer "+benchToken)
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				lat[i] = time.Since(t0)
				if res.StatusCode != http.StatusOK {
					b.Errorf("status %d", res.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
}

func BenchmarkLoadCampaignList(b *testing.B) {
	s := loadServer(b)
	drive(b, s, func(int) string { return "/api/campaigns?limit=50" })
}

func BenchmarkLoadCampaignDetail(b *testing.B) {
	s := loadServer(b)
	drive(b, s, func(i int) string { return "/api/campaigns/" + benchIDs[i%len(benchIDs)] })
}

func BenchmarkLoadOverview(b *testing.B) {
	s := loadServer(b)
	var ov struct{ Campaigns []json.RawMessage }
	s.Do("GET", "/api/campaigns/overview", benchToken, nil).Decode(b, &ov)
	if len(ov.Campaigns) < benchCampaigns {
		b.Fatalf("overview holds %d campaigns", len(ov.Campaigns))
	}
	drive(b, s, func(int) string { return "/api/campaigns/overview" })
}

// BenchmarkColdStart measures opening an existing database to the first ready answer.
func BenchmarkColdStart(b *testing.B) {
	s := loadServer(b)
	path := filepath.Join(b.TempDir(), "copy.db")
	if err := s.App.DB.Backup(context.Background(), path); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		srv, err := testutil.Start(path, false)
		if err != nil {
			b.Fatal(err)
		}
		if res := srv.For(b).Do("GET", "/readyz", "", nil); res.Status != http.StatusOK {
			b.Fatalf("readyz %d", res.Status)
		}
		b.StopTimer()
		srv.Stop()
		b.StartTimer()
	}
}

// BenchmarkLoadHealth is the floor: the HTTP stack and middleware with no database work.
func BenchmarkLoadHealth(b *testing.B) {
	s := loadServer(b)
	drive(b, s, func(int) string { return "/healthz" })
}
