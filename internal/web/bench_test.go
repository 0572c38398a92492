package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
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

// benchDirs are the folders of the benchmark databases, removed when the benchmarks end.
var benchDirs []string

func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range benchDirs {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

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
		benchDirs = append(benchDirs, dir)
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

var (
	pageOnce   sync.Once
	pageServer *testutil.Server
	pageCookie string
)

// pageSetup starts a demo server grown to 200 campaigns and signs a browser session in.
func pageSetup(b *testing.B) *testutil.Server {
	pageOnce.Do(func() {
		dir, err := os.MkdirTemp("", "clawops-pages-")
		if err != nil {
			b.Fatal(err)
		}
		benchDirs = append(benchDirs, dir)
		pageServer, err = testutil.Start(filepath.Join(dir, "pages.db"), true)
		if err != nil {
			b.Fatal(err)
		}
		s := pageServer.For(b)
		tok := s.AdminToken()
		for i := 0; i < 196; i++ {
			s.Do("POST", "/api/campaigns", tok, map[string]any{
				"name": fmt.Sprintf("Page Bench %03d", i), "company": "Bench Co"})
		}
		pageCookie = sessionCookieFor(b, s)
	})
	return pageServer.For(b)
}

// sessionCookieFor signs in through the form and returns the session cookie header.
func sessionCookieFor(b *testing.B, s *testutil.Server) string {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.Get(s.URL + "/login")
	if err != nil {
		b.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	token := csrfField.FindSubmatch(page)[1]
	res, err = c.PostForm(s.URL+"/login", url.Values{"email": {testutil.AdminEmail},
		"password": {testutil.AdminPassword}, "csrf_token": {string(token)}})
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	u, _ := url.Parse(s.URL)
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "clawops_session" {
			return ck.Name + "=" + ck.Value
		}
	}
	b.Fatal("no session cookie after signing in")
	return ""
}

// drivePage requests a page b.N times from concurrent browsers and reports latency and size.
func drivePage(b *testing.B, s *testutil.Server, path string) {
	const clients = 4
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	client := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	lat := make([]time.Duration, b.N)
	var size int
	var next int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	b.ResetTimer()
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
				req, _ := http.NewRequest("GET", s.URL+path, nil)
				req.Header.Set("Cookie", pageCookie)
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				lat[i] = time.Since(t0)
				if res.StatusCode != http.StatusOK {
					b.Errorf("status %d", res.StatusCode)
					return
				}
				mu.Lock()
				size = len(body)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(size)/1024, "html_KiB")
}

func BenchmarkPageOverview(b *testing.B) {
	drivePage(b, pageSetup(b), "/")
}

func BenchmarkPageDashboard(b *testing.B) {
	drivePage(b, pageSetup(b), "/c/saas-cold-outreach?range=30")
}
