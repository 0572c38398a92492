package app_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/app"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/config"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/testutil"
)

// TestMain lets the kill test run the server in a child process of this binary.
func TestMain(m *testing.M) {
	if path := os.Getenv("CLAWOPS_TEST_CHILD_DB"); path != "" {
		os.Exit(runChild(path))
	}
	os.Exit(m.Run())
}

func runChild(path string) int {
	cfg := config.Config{DBPath: path, AdminEmail: testutil.AdminEmail,
		AdminPassword: testutil.AdminPassword, LogFormat: "text"}
	a, err := app.Open(context.Background(), cfg, io.Discard)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("LISTEN %s\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := a.ServeListener(ctx, ln, io.Discard); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func TestRestartKeepsDataAndDoesNotReapply(t *testing.T) {
	path := filepath.Join(t.TempDir(), "restart.db")
	first, err := testutil.Start(path, false)
	if err != nil {
		t.Fatal(err)
	}
	s := first.For(t)
	tok := s.AdminToken()
	res := s.Do("POST", "/api/campaigns", tok, map[string]string{"name": "Survivor",
		"company": "Durable"})
	if res.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	version, err := first.App.DB.SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	first.Stop()

	second := testutil.NewServerAt(t, path, false)
	n, err := second.App.DB.Migrate(context.Background())
	if err != nil || n != 0 {
		t.Errorf("migrations re-applied on restart: %d, %v", n, err)
	}
	if v, _ := second.App.DB.SchemaVersion(context.Background()); v != version {
		t.Errorf("schema version %d after restart, want %d", v, version)
	}
	got := second.Do("GET", "/api/campaigns/survivor", second.AdminToken(), nil)
	if got.Status != http.StatusOK || got.JSON(t)["company"] != "Durable" {
		t.Errorf("after restart: %d %s", got.Status, got.Body)
	}
	var users int
	second.App.DB.R.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&users)
	if users != 1 {
		t.Errorf("%d users after restart, want the one admin", users)
	}
}

func TestKillLosesNoAcknowledgedWrite(t *testing.T) {
	cmd, base, path := startChild(t)

	token := login(t, base)
	var mu sync.Mutex
	var acked []string
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				name := fmt.Sprintf("Kill %d-%d", w, i)
				body := fmt.Sprintf(`{"name":%q,"company":"K"}`, name)
				req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/campaigns",
					strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					return // the child is gone
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusCreated {
					mu.Lock()
					acked = append(acked, campaign.Slugify(name))
					mu.Unlock()
				}
			}
		}()
	}
	// Kill the server mid-stream once a good number of writes were acknowledged.
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 60 || ctx.Err() != nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	wg.Wait()

	db, err := database.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := campaign.NewStore(db, nil)
	mu.Lock()
	defer mu.Unlock()
	if len(acked) < 60 {
		t.Fatalf("only %d writes acknowledged before the deadline", len(acked))
	}
	for _, slug := range acked {
		id, _, err := store.Resolve(context.Background(), slug, "")
		if err != nil {
			t.Errorf("acknowledged campaign %s lost: %v", slug, err)
			continue
		}
		if _, err := store.Campaign(context.Background(), access.System(id)); err != nil {
			t.Errorf("acknowledged campaign %s unreadable: %v", slug, err)
		}
	}
}

func login(t *testing.T, base string) string {
	t.Helper()
	body := fmt.Sprintf(`{"email":%q,"password":%q}`, testutil.AdminEmail, testutil.AdminPassword)
	res, err := http.Post(base+"/api/auth/login", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	const marker = `"token":{"token":"`
	i := strings.Index(string(data), marker)
	if i < 0 {
		t.Fatalf("login: %s", data)
	}
	rest := string(data[i+len(marker):])
	return rest[:strings.Index(rest, `"`)]
}

// startChild runs the server in a child process on a new database and returns the process,
// its base URL and the database file.
func startChild(t *testing.T) (*exec.Cmd, string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CLAWOPS_TEST_CHILD_DB="+path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("child did not start: %v", err)
	}
	return cmd, "http://" + strings.TrimSpace(strings.TrimPrefix(line, "LISTEN ")), path
}

func TestSIGTERMDrainsAndExits(t *testing.T) {
	cmd, base, _ := startChild(t)
	token := login(t, base)

	// An open event stream must not hold the shutdown up.
	req, _ := http.NewRequest("GET", base+"/api/campaigns/default-hoa-fl/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	stream, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	if stream.StatusCode != http.StatusOK {
		t.Fatalf("stream: %d", stream.StatusCode)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("server exited with %v after SIGTERM, want a clean exit", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server still running 15 s after SIGTERM")
	}
	if _, err := io.ReadAll(stream.Body); err != nil && !strings.Contains(err.Error(), "EOF") {
		t.Logf("stream ended with %v", err)
	}
}
