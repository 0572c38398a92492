package web_test

import (
	"fmt"
	"net/http"
	"testing"

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
