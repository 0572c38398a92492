package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/testutil"
)

// benchLeads is how many leads the large campaign holds; CLAWOPS_BENCH_LEADS overrides it
// for a quicker run.
func benchLeads() int {
	if n, err := strconv.Atoi(os.Getenv("CLAWOPS_BENCH_LEADS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

var (
	firstNames = strings.Fields(`Ann Bob Carla Dev Elena Farid Grace Hiro Ines Jon Kemal Lena
		Maya Nils Olga Pavel Quinn Rosa Sami Tara Umar Vera Wes Xena Yuri Zoe Aaron Bea Cyrus
		Dana Emil Fay Gus Hana Ivan Jade Kurt Lior Mona Ned Omar Pia Raul Sara Theo Una Vic`)
	lastNames = strings.Fields(`Whitfield Okafor Lindqvist Moreau Tanaka Alvarez Novak Byrne
		Castillo Dimitrov Eriksen Farouk Gallagher Haddad Ivanova Jensen Kowalski Laurent Mendes
		Nakamura Oyelaran Petrov Quintero Rahman Schultz Takahashi Ueda Varga Weber Xu Yilmaz
		Zimmer Abbott Brennan Chaudhry Delacroix Esposito Fitzgerald Grünewald Hoffmann`)
	companyWords = strings.Fields(`Palm Harbor Coral Bay Cypress Lakes Sunset Ridge Oak Meadow
		Pine Creek Heron Point Willow Grove Cedar Key Magnolia Park Sawgrass Vista Pelican
		Egret Marsh Osprey Landing Mangrove Dunes Sandpiper Shores Tarpon Springs Banyan`)
	leadSources  = []string{"web", "referral", "linkedin", "event", "cold-email", "partner"}
	leadStatuses = []string{"new", "new", "new", "contacted", "contacted", "qualified",
		"converted", "dead"}
)

// benchLead is the i-th lead of the generated data: deterministic, with realistic variety.
func benchLead(i int) map[string]any {
	first := firstNames[i%len(firstNames)]
	last := lastNames[(i/len(firstNames))%len(lastNames)]
	company := companyWords[(i*7)%len(companyWords)] + " " + companyWords[(i*13)%len(companyWords)]
	return map[string]any{
		"name":    first + " " + last,
		"email":   fmt.Sprintf("%s.%s.%d@example.com", strings.ToLower(first), strings.ToLower(last), i),
		"phone":   fmt.Sprintf("+1 555 01%02d %04d", i%100, i%10000),
		"company": company + " HOA",
		"source":  leadSources[i%len(leadSources)],
		"status":  leadStatuses[(i*31)%len(leadStatuses)],
		"score":   (i * 37) % 101,
		"notes":   fmt.Sprintf("Board meeting %d; asked about reserve funding.", i%500),
	}
}

func benchInputs(from, n int) []data.Input {
	out := make([]data.Input, n)
	for k := range out {
		in := data.Input{}
		for name, v := range benchLead(from + k) {
			raw, _ := json.Marshal(v)
			in[name] = raw
		}
		out[k] = in
	}
	return out
}

var (
	bigOnce     sync.Once
	bigCampaign string
)

// bigServer is the load server with one campaign grown to benchLeads() leads, written
// through the data store in batches like a bulk import.
func bigServer(b *testing.B) *testutil.Server {
	s := loadServer(b)
	bigOnce.Do(func() {
		bigCampaign = benchIDs[0]
		sc := access.System(bigCampaign)
		total, batch := benchLeads(), data.MaxBatch
		start := time.Now()
		for from := 0; from < total; from += batch {
			n := min(batch, total-from)
			res, err := s.App.Data.CreateRecords(context.Background(), sc, data.Leads,
				benchInputs(from, n))
			if err != nil || res.Created != n {
				b.Fatalf("seed leads at %d: %+v %v", from, res, err)
			}
		}
		b.Logf("seeded %d leads in %s", total, time.Since(start).Round(time.Millisecond))
	})
	return s
}

// latencies runs b.N requests from as many concurrent clients as the machine has cores, so
// that requests are measured rather than their wait in a queue, and reports p50 and p95.
func latencies(b *testing.B, s *testutil.Server, path func(i int) string) {
	clients := runtime.GOMAXPROCS(0)
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	client := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < b.N; i = int(next.Add(1) - 1) {
				req, _ := http.NewRequest("GET", s.URL+path(i), nil)
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
					b.Errorf("GET %s: status %d", path(i), res.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	sorted := slices.Clone(lat)
	slices.Sort(sorted)
	b.ReportMetric(float64(sorted[len(sorted)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(sorted[len(sorted)*95/100].Microseconds())/1000, "p95_ms")
}

// BenchmarkDataFilteredPage lists a page of the large campaign's leads with a filter and a
// sort, the way the leads page asks for it: first pages, and pages half way through.
func BenchmarkDataFilteredPage(b *testing.B) {
	s := bigServer(b)
	middle := func(value string) string {
		return "&cursor=" + database.EncodeCursor("0", value, "00000000-0000-7000-8000-000000000000")
	}
	queries := []string{"status=new&sort=-score", "status=contacted&sort=name",
		"source=referral&sort=-createdAt", "status=qualified,converted&sort=-updatedAt",
		"sort=company", "status=dead&sort=score",
		"sort=name" + middle("Mona Laurent"), "sort=-company" + middle("Oak Meadow HOA"),
		"status=new&sort=email" + middle("maya.")}
	latencies(b, s, func(i int) string {
		return "/api/campaigns/" + bigCampaign + "/leads?limit=50&" + queries[i%len(queries)]
	})
}

// benchSearches are searches of the large campaign's leads: names, companies and email
// fragments, common and rare, one word and several.
var benchSearches = []string{"whitfield", "okafor", "palm+harbor", "sawgrass", "ann.moreau",
	"zoe+zimmer", "grünewald", "tarpon", "555", "reserve+funding"}

// BenchmarkDataSearch runs the searches in turn and reports their latency together ("mix"),
// then each search alone.
func BenchmarkDataSearch(b *testing.B) {
	s := bigServer(b)
	b.Run("mix", func(b *testing.B) {
		latencies(b, s, func(i int) string {
			return "/api/campaigns/" + bigCampaign + "/leads?limit=50&q=" +
				benchSearches[i%len(benchSearches)]
		})
	})
	for _, q := range benchSearches {
		b.Run(q, func(b *testing.B) {
			latencies(b, s, func(int) string {
				return "/api/campaigns/" + bigCampaign + "/leads?limit=50&q=" + q
			})
		})
	}
}

// BenchmarkDataExport streams every lead of the large campaign as CSV and reports the time
// and how far the server's heap grew meanwhile.
func BenchmarkDataExport(b *testing.B) {
	s := bigServer(b)
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		var peak atomic.Uint64
		done := make(chan struct{})
		go sampleHeap(&peak, done)
		start := time.Now()
		req, _ := http.NewRequest("GET", s.URL+"/api/campaigns/"+bigCampaign+
			"/leads/export.csv", nil)
		req.Header.Set("Authorization", "Bearer "+benchToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		lines, err := countLines(res.Body)
		res.Body.Close()
		close(done)
		if err != nil || lines != benchLeads()+1 {
			b.Fatalf("export: %d lines, %v", lines, err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/export")
		b.ReportMetric(float64(peak.Load()-min(peak.Load(), before.HeapInuse))/(1<<20),
			"heap_growth_MiB")
	}
}

func sampleHeap(peak *atomic.Uint64, done <-chan struct{}) {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
		}
	}
}

func countLines(r io.Reader) (int, error) {
	buf := make([]byte, 64<<10)
	n := 0
	for {
		k, err := r.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// BenchmarkDataImportCSV imports 100 000 CSV rows into an empty campaign through the API
// and waits for the job to finish.
func BenchmarkDataImportCSV(b *testing.B) {
	s := loadServer(b)
	const rows = 100_000
	var csv bytes.Buffer
	csv.WriteString("name,email,phone,company,source,status,score,notes\n")
	for i := 0; i < rows; i++ {
		l := benchLead(2_000_000 + i)
		fmt.Fprintf(&csv, "%s,%s,%s,%s,%s,%s,%d,%q\n", l["name"], l["email"], l["phone"],
			l["company"], l["source"], l["status"], l["score"], l["notes"])
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Each import goes to a campaign no earlier run used, so every row is new.
		target := benchIDs[100+int(importRound.Add(1))%800]
		start := time.Now()
		res := s.Do("POST", "/api/campaigns/"+target+"/leads/import.csv", benchToken,
			csv.Bytes(), "Content-Type", "text/csv")
		if res.Status != http.StatusAccepted {
			b.Fatalf("import: %d %s", res.Status, res.Body)
		}
		id := res.JSON(b)["id"].(string)
		for {
			im := s.Do("GET", "/api/imports/"+id, benchToken, nil).JSON(b)
			if im["status"] == "completed" {
				if im["created"] != float64(rows) {
					b.Fatalf("import created %v of %d", im["created"], rows)
				}
				break
			}
			if im["status"] == "failed" {
				b.Fatalf("import failed: %v", im["error"])
			}
			time.Sleep(20 * time.Millisecond)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/import")
	}
}

// Rounds of the import and ingestion benchmarks, counted across the runs Go makes of each.
var importRound, ingestRound atomic.Int64

// BenchmarkDataIngestBulk posts leads to the API in bulk, 4 000 per request from two
// clients, and reports leads stored per second. Every request carries leads never sent
// before, across all the runs Go makes of the benchmark, so none is skipped as a duplicate.
func BenchmarkDataIngestBulk(b *testing.B) {
	s := loadServer(b)
	const per = 4000
	batch := make([]map[string]any, per)
	for j := range batch {
		batch[j] = benchLead(5_000_000 + j)
	}
	template, _ := json.Marshal(batch)
	// The leads' emails end in @example.com; each request puts its own round in the domain.
	domain := []byte("@example.com")
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < b.N; i = int(next.Add(1) - 1) {
				round := ingestRound.Add(1)
				body := bytes.ReplaceAll(template, domain, fmt.Appendf(nil, "@r%d.example.com", round))
				// Requests go to the last hundred campaigns in turn.
				target := benchIDs[900+int(round)%100]
				res := s.Do("POST", "/api/campaigns/"+target+"/leads", benchToken, body)
				if res.Status != http.StatusCreated {
					b.Errorf("bulk create: %d %.200s", res.Status, res.Body)
					return
				}
				var out struct{ Created, Skipped int }
				res.Decode(b, &out)
				if out.Created != per {
					b.Errorf("bulk create stored %d of %d leads (%d skipped)", out.Created, per, out.Skipped)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N*per)/time.Since(start).Seconds(), "leads/s")
}
