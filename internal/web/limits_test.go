package web_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/testutil"
)

// holdStream opens the default campaign's event stream and reads its first line; the stream
// stays open until the returned func is called.
func holdStream(t *testing.T, s *testutil.Server, token string) (*http.Response, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET",
		s.URL+"/api/campaigns/default-hoa-fl/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := s.Client().Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if res.StatusCode == http.StatusOK {
		if _, err := bufio.NewReader(res.Body).ReadString('\n'); err != nil {
			t.Fatalf("read the stream: %v", err)
		}
	}
	return res, func() { cancel(); res.Body.Close() }
}

func TestEventStreamsPerUserAreCapped(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	// Two sign-ins of one person share the cap.
	other := s.AdminToken()
	var closers []func()
	t.Cleanup(func() {
		for _, c := range closers {
			c()
		}
	})
	for i := range 20 {
		tok := admin
		if i%2 == 1 {
			tok = other
		}
		res, done := holdStream(t, s, tok)
		closers = append(closers, done)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("stream %d: %d", i+1, res.StatusCode)
		}
	}
	res, done := holdStream(t, s, other)
	body, _ := io.ReadAll(res.Body)
	done()
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" ||
		!strings.Contains(string(body), `"code":"rate_limited"`) {
		t.Fatalf("21st stream: %d, Retry-After %q, %s; want 429 with Retry-After",
			res.StatusCode, res.Header.Get("Retry-After"), body)
	}

	_, member := newMember(t, s, admin, "streams@example.com")
	s.Do("POST", "/api/campaigns/default-hoa-fl/members", admin,
		map[string]any{"userId": mustUserID(t, s, admin, "streams@example.com"),
			"role": "viewer"})
	res, done = holdStream(t, s, member)
	done()
	if res.StatusCode != http.StatusOK {
		t.Errorf("another person's stream while the admin is at the cap: %d", res.StatusCode)
	}

	// A closed stream frees its place.
	closers[0]()
	deadline := time.Now().Add(5 * time.Second)
	for {
		res, done := holdStream(t, s, admin)
		closers = append(closers, done)
		if res.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a stream after one was closed: %d", res.StatusCode)
		}
		time.Sleep(50 * time.Millisecond)
	}

	s.App.Server.SetStreamLimit(0)
	res, done = holdStream(t, s, admin)
	closers = append(closers, done)
	if res.StatusCode != http.StatusOK {
		t.Errorf("a stream with the limit lifted: %d", res.StatusCode)
	}
}

func mustUserID(t *testing.T, s *testutil.Server, admin, email string) string {
	t.Helper()
	var users struct {
		Data []struct{ ID, Email string }
	}
	s.Do("GET", "/api/users", admin, nil).Decode(t, &users)
	for _, u := range users.Data {
		if u.Email == email {
			return u.ID
		}
	}
	t.Fatalf("no user %s", email)
	return ""
}

// slowPost sends body in pieces spread over about a second and a half, as a slow uplink would.
func slowPost(base, path, token, ctype string, pieces []string) (int, error) {
	pr, pw := io.Pipe()
	go func() {
		for _, p := range pieces {
			time.Sleep(1500 * time.Millisecond / time.Duration(len(pieces)))
			if _, err := pw.Write([]byte(p)); err != nil {
				return
			}
		}
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", base+path, pr)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", ctype)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}

// TestSlowUploadsOutliveTheReadTimeout serves through the production http.Server with its
// read timeout shortened: a signed-in upload may take longer than it, any other body may not.
func TestSlowUploadsOutliveTheReadTimeout(t *testing.T) {
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	hs := s.App.Server.HTTPServer("127.0.0.1:0")
	hs.ReadTimeout = 500 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	base := "http://" + ln.Addr().String()

	csv := []string{"name,email\n"}
	for i := range 6 {
		csv = append(csv, fmt.Sprintf("Slow %d,slow%d@example.com\n", i, i))
	}
	status, err := slowPost(base, "/api/campaigns/default-hoa-fl/leads/import.csv", admin,
		"text/csv", csv)
	if err != nil || status >= 300 {
		t.Errorf("slow upload: %d, %v; want it accepted", status, err)
	}

	body := []string{`{"name":`, `"Slow campaign",`, `"company":`, `"Slow Co"}`}
	status, err = slowPost(base, "/api/campaigns", admin, "application/json", body)
	if err == nil && status < 300 {
		t.Errorf("slow JSON body: %d; want it cut off by the read timeout", status)
	}
}

// TestListenerLimitsSlowAndLargeHeaders serves through the production http.Server: headers
// larger than its limit are refused, and a client that never finishes its headers is cut off.
func TestListenerLimitsSlowAndLargeHeaders(t *testing.T) {
	s := testutil.NewServer(t, false)
	hs := s.App.Server.HTTPServer("127.0.0.1:0")
	hs.ReadHeaderTimeout = 300 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })

	req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/healthz", nil)
	req.Header.Set("X-Padding", strings.Repeat("a", 100<<10))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("100 KiB of headers: %d, want 431", res.StatusCode)
	}

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n")); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	if _, err := io.ReadAll(conn); err != nil {
		t.Fatalf("the server did not close a connection that stopped mid-headers: %v", err)
	}
	if waited := time.Since(start); waited > 3*time.Second {
		t.Errorf("a client that stopped mid-headers was held %v", waited)
	}
}
