package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/app"
	"github.com/clawops/clawops/internal/config"
	"github.com/clawops/clawops/internal/testutil"
)

// serverWithSessions starts ClawOps with short session limits.
func serverWithSessions(t *testing.T, idle, lifetime time.Duration) *testutil.Server {
	t.Helper()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	path := filepath.Join(t.TempDir(), "clawops.db")
	a, err := app.Open(context.Background(), config.Config{Addr: "127.0.0.1:0", DBPath: path,
		AdminEmail: testutil.AdminEmail, AdminPassword: testutil.AdminPassword,
		LogFormat: "text", SessionIdleTimeout: idle, SessionLifetime: lifetime}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s := &testutil.Server{Server: httptest.NewServer(a.Server), App: a, DBPath: path}
	t.Cleanup(s.Stop)
	return s.For(t)
}

func TestSessionIdleTimeoutAndLifetime(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for sessions to run out")
	}
	t.Parallel()
	t.Run("idle", func(t *testing.T) {
		t.Parallel()
		s := serverWithSessions(t, time.Second, time.Hour)
		b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
		if res, _ := b.do("GET", "/", nil, false); res.StatusCode != http.StatusOK {
			t.Fatalf("fresh session: %d", res.StatusCode)
		}
		time.Sleep(1500 * time.Millisecond)
		if res, _ := b.do("GET", "/", nil, false); res.StatusCode != http.StatusSeeOther {
			t.Errorf("after 1.5 s idle with a 1 s timeout: %d, want a redirect", res.StatusCode)
		}
	})
	t.Run("lifetime", func(t *testing.T) {
		t.Parallel()
		s := serverWithSessions(t, time.Second, 2*time.Second)
		b := signInAs(t, s, testutil.AdminEmail, testutil.AdminPassword)
		// Used twice a second, the session never idles, yet ends with its lifetime.
		deadline := time.Now().Add(2 * time.Second)
		for time.Now().Before(deadline.Add(-300 * time.Millisecond)) {
			if res, _ := b.do("GET", "/", nil, false); res.StatusCode != http.StatusOK {
				t.Fatalf("a busy session ended early: %d", res.StatusCode)
			}
			time.Sleep(400 * time.Millisecond)
		}
		time.Sleep(time.Until(deadline) + 200*time.Millisecond)
		if res, _ := b.do("GET", "/", nil, false); res.StatusCode != http.StatusSeeOther {
			t.Errorf("past its lifetime: %d, want a redirect", res.StatusCode)
		}
	})
}
