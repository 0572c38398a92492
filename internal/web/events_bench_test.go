package web_test

import (
	"bufio"
	"bytes"
	"context"
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
	"syscall"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/event"
	"github.com/clawops/clawops/internal/testutil"
)

// benchStreams is how many event streams the fan-out benchmark keeps open, all on one
// campaign so that one event reaches every one of them.
const benchStreams = 1000

// streamTick is the payload of the benchmark's events.
type streamTick struct {
	Seq int `json:"seq"`
}

// BenchmarkEventFanOut opens 1 000 Server-Sent Events streams of one campaign over loopback,
// then publishes one event per round through the server's broker and times, for every client,
// how long after the publish it had read the event whole. It also reports the memory of the
// process with every stream open; client and server share the process, so the figures hold
// both ends of each connection.
func BenchmarkEventFanOut(b *testing.B) {
	raiseFileLimit(b, 2*benchStreams+1024)
	s := testutil.NewServer(b, false)
	// Every stream belongs to the admin, far past the cap a person has by default.
	s.App.Server.SetStreamLimit(0)
	token := s.AdminToken()
	res := s.Do("POST", "/api/campaigns", token, map[string]any{"name": "Stream Bench",
		"company": "Bench Co"})
	if res.Status != http.StatusCreated {
		b.Fatalf("create campaign: %d %s", res.Status, res.Body)
	}
	campaignID := res.JSON(b)["id"].(string)
	idle := readMemory()

	tr := &http.Transport{MaxConnsPerHost: benchStreams + 16,
		MaxIdleConnsPerHost: benchStreams + 16, DisableCompression: true}
	defer tr.CloseIdleConnections()
	ctx, cancel := context.WithCancel(context.Background())
	fan := &fanOut{got: make(chan time.Time, benchStreams)}
	var readers sync.WaitGroup
	defer func() {
		cancel()
		s.App.Server.CloseStreams()
		readers.Wait()
	}()
	openStreams(ctx, b, &http.Client{Transport: tr}, s.URL+"/api/campaigns/"+campaignID+
		"/events", token, fan, &readers)
	if n := s.App.Server.Broker.Subscribers(campaignID); n != benchStreams {
		b.Fatalf("%d subscribers, want %d", n, benchStreams)
	}
	mem := readMemory()

	lat := make([]time.Duration, 0, b.N*benchStreams)
	b.ResetTimer()
	for i := range b.N {
		line := fmt.Appendf(nil, "data: {\"seq\":%d}\n", i)
		fan.want.Store(&line)
		sent := time.Now()
		s.App.Server.Broker.Publish(event.Event{Type: "bench.tick", CampaignID: campaignID,
			Data: streamTick{Seq: i}})
		guard := time.After(30 * time.Second)
		for range benchStreams {
			select {
			case at := <-fan.got:
				lat = append(lat, at.Sub(sent))
			case <-guard:
				b.Fatalf("round %d: %d of %d streams got the event", i,
					len(lat)-i*benchStreams, benchStreams)
			}
		}
	}
	b.StopTimer()
	if n := fan.wrong.Load(); n > 0 {
		b.Fatalf("%d events arrived out of turn", n)
	}
	reportLatencies(b, lat)
	mem.report(b, idle)
}

// fanOut is what the stream readers share: the data line of the current round and where
// each reader says when it read it.
type fanOut struct {
	want  atomic.Pointer[[]byte]
	got   chan time.Time
	wrong atomic.Int64
}

// openStreams opens benchStreams event streams, a few at a time, waits for each to be
// subscribed and leaves a reader on each until ctx ends.
func openStreams(ctx context.Context, b *testing.B, client *http.Client, url, token string,
	fan *fanOut, readers *sync.WaitGroup) {
	b.Helper()
	const dialers = 32
	next := atomic.Int64{}
	errs := make(chan error, dialers)
	var opened sync.WaitGroup
	for range dialers {
		opened.Go(func() {
			for int(next.Add(1)) <= benchStreams {
				body, br, err := openStream(ctx, client, url, token)
				if err != nil {
					errs <- err
					return
				}
				readers.Go(func() {
					defer body.Close()
					fan.read(br)
				})
			}
		})
	}
	opened.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
}

// openStream starts one stream and reads it up to the end of the server's greeting, which is
// written once the subscription is in place.
func openStream(ctx context.Context, client *http.Client, url, token string) (io.Closer,
	*bufio.Reader, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/event-stream")
	res, err := client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("open stream: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		return nil, nil, fmt.Errorf("open stream: status %d", res.StatusCode)
	}
	br := bufio.NewReader(res.Body)
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			res.Body.Close()
			return nil, nil, fmt.Errorf("read greeting: %w", err)
		}
		if len(line) == 1 {
			return res.Body, br, nil
		}
	}
}

// read reports the time each event of the round is read whole, until the stream ends.
func (f *fanOut) read(br *bufio.Reader) {
	matched := false
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return
		}
		switch {
		case bytes.HasPrefix(line, []byte("data: ")):
			want := f.want.Load()
			matched = want != nil && bytes.Equal(line, *want)
			if !matched {
				f.wrong.Add(1)
			}
		case len(line) == 1 && matched:
			f.got <- time.Now()
			matched = false
		}
	}
}

// raiseFileLimit lifts the soft limit on open files to at least n, for a benchmark that
// holds both ends of many connections.
func raiseFileLimit(b *testing.B, n uint64) {
	b.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		b.Fatal(err)
	}
	if lim.Cur >= n {
		return
	}
	if lim.Max < n {
		b.Skipf("open-file limit %d is below the %d this benchmark needs", lim.Max, n)
	}
	lim.Cur = n
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		b.Fatal(err)
	}
}

// memory is the process's memory at one instant: the Go heap in use, what the Go runtime
// holds from the system, and the resident size, which also counts SQLite's own allocations.
type memory struct {
	heapInuse, sys, rss uint64
}

func readMemory() memory {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	rss, _ := residentBytes()
	return memory{heapInuse: m.HeapInuse, sys: m.Sys, rss: rss}
}

// report reports m, and how much the Go heap grew from idle: under `make bench` the process
// also holds the servers of the benchmarks that ran before.
func (m memory) report(b *testing.B, idle memory) {
	const mib = 1 << 20
	b.ReportMetric(float64(m.heapInuse)/mib, "heap_inuse_MiB")
	b.ReportMetric(float64(m.sys)/mib, "sys_MiB")
	if m.rss > 0 {
		b.ReportMetric(float64(m.rss)/mib, "rss_MiB")
	}
	b.ReportMetric((float64(m.heapInuse)-float64(idle.heapInuse))/mib, "streams_heap_MiB")
}

// residentBytes reads the resident set size of the process from /proc.
func residentBytes() (uint64, bool) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"),
				10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

// reportLatencies reports the median, the 99th percentile and the worst of the samples.
func reportLatencies(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max_ms")
}
