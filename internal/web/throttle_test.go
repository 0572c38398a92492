package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/clawops/clawops/internal/app"
	"github.com/clawops/clawops/internal/config"
	"github.com/clawops/clawops/internal/testutil"
)

// TestAddressThrottleIgnoresForwardedFor guesses passwords of many accounts from one client
// that claims a new address in every request: the per-address limit must still apply, since
// without a trusted proxy those headers are whatever the client wrote.
func TestAddressThrottleIgnoresForwardedFor(t *testing.T) {
	s := testutil.NewServer(t, false)
	limited := 0
	for i := range 30 {
		ip := fmt.Sprintf("203.0.113.%d", i+1)
		res := s.Do("POST", "/api/auth/login", "", map[string]string{
			"email": fmt.Sprintf("guess%d@example.com", i), "password": "wrong wrong wrong"},
			"X-Forwarded-For", ip, "X-Real-IP", ip)
		if res.Status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited < 10 {
		t.Errorf("%d of 30 guesses from one client were throttled, want the 10 past the limit",
			limited)
	}
}

// TestTrustedProxyNamesTheClient serves behind a proxy the configuration trusts: clients are
// then told apart by X-Forwarded-For, so one client's failures do not throttle the others,
// while each client is still held to the per-address limit.
func TestTrustedProxyNamesTheClient(t *testing.T) {
	cfg := config.Config{Addr: "127.0.0.1:0", DBPath: filepath.Join(t.TempDir(), "c.db"),
		AdminEmail: testutil.AdminEmail, AdminPassword: testutil.AdminPassword,
		LogFormat: "text", TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	a, err := app.Open(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	hs := httptest.NewServer(a.Server)
	t.Cleanup(hs.Close)
	s := (&testutil.Server{Server: hs, App: a}).For(t)

	guess := func(i int, client string) int {
		return s.Do("POST", "/api/auth/login", "", map[string]string{
			"email": fmt.Sprintf("guess%d@example.com", i), "password": "wrong wrong wrong"},
			"X-Forwarded-For", client).Status
	}
	for i := range 25 {
		want := http.StatusUnauthorized
		if i >= 20 {
			want = http.StatusTooManyRequests
		}
		if got := guess(i, "198.51.100.7"); got != want {
			t.Fatalf("guess %d from one client: %d, want %d", i+1, got, want)
		}
	}
	if got := guess(99, "198.51.100.8"); got != http.StatusUnauthorized {
		t.Errorf("another client behind the same proxy: %d, want 401, not throttled", got)
	}
	if got := s.Do("POST", "/api/auth/login", "", map[string]string{
		"email": testutil.AdminEmail, "password": testutil.AdminPassword},
		"X-Forwarded-For", "198.51.100.9").Status; got != http.StatusOK {
		t.Errorf("the admin signing in behind the proxy: %d", got)
	}
}
