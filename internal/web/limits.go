package web

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// maxStreamsPerUser bounds the event streams one person holds open at once, across all their
// tabs, sessions and tokens. Each stream holds a connection and a subscription for as long as
// the client wants, so without a bound one account could tie up the server.
const maxStreamsPerUser = 20

// streamRetry is how long a refused stream is asked to wait: about one heartbeat, by which time
// the streams of closed tabs have been noticed and ended.
const streamRetry = 30 * time.Second

// errTooManyStreams refuses an event stream over maxStreamsPerUser.
var errTooManyStreams = errRateLimited{retryAfter: streamRetry,
	msg: fmt.Sprintf("At most %d event streams may be open at once; close one and try again.",
		maxStreamsPerUser)}

// streamCounts counts the open event streams of each user. The zero value is ready to use and
// holds each user to maxStreamsPerUser.
type streamCounts struct {
	mu   sync.Mutex
	open map[string]int
	// limit overrides maxStreamsPerUser when set; below zero means no limit.
	limit int
}

// acquire counts one more stream for user, or reports false when user is at the limit.
func (sc *streamCounts) acquire(user string) bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	limit := sc.limit
	if limit == 0 {
		limit = maxStreamsPerUser
	}
	if sc.open == nil {
		sc.open = map[string]int{}
	}
	if limit > 0 && sc.open[user] >= limit {
		return false
	}
	sc.open[user]++
	return true
}

// release takes back a stream counted by acquire.
func (sc *streamCounts) release(user string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.open[user]--; sc.open[user] <= 0 {
		delete(sc.open, user)
	}
}

// SetStreamLimit changes how many event streams one person may hold open at once, 20 unless
// set; n <= 0 lifts the limit, for load tests that hold many streams as one user.
func (s *Server) SetStreamLimit(n int) {
	s.streams.mu.Lock()
	defer s.streams.mu.Unlock()
	s.streams.limit = n
	if n <= 0 {
		s.streams.limit = -1
	}
}

// uploadReadTimeout is how long a signed-in caller may take to send a file to import. The
// server's read timeout, a minute, suits every other request; a 64 MiB CSV file or a large
// database over a slow uplink needs far longer.
const uploadReadTimeout = 30 * time.Minute

// longUploads lifts the read deadline of upload requests, once the caller is known: an
// anonymous client still gets the short deadline, so slow-sending cannot be used to hold
// connections without an account.
func (s *Server) longUploads(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := principal(c); ok && isUpload(c) {
			rc := http.NewResponseController(c.Response())
			err := rc.SetReadDeadline(time.Now().Add(uploadReadTimeout))
			if err != nil && !errors.Is(err, http.ErrNotSupported) {
				return fmt.Errorf("web: lift the upload read deadline: %w", err)
			}
		}
		return next(c)
	}
}
