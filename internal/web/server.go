// Package web is ClawOps over HTTP: the JSON API, the server-rendered pages and the event
// stream. Handlers read the request, call the domain stores and answer; they never write SQL.
package web

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/agent"
	"github.com/clawops/clawops/internal/audit"
	"github.com/clawops/clawops/internal/auth"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/event"
	"github.com/clawops/clawops/internal/metrics"
	"github.com/clawops/clawops/internal/run"
	"github.com/clawops/clawops/internal/schedule"
)

// Deps are the stores and services the server is built over.
type Deps struct {
	DB        *database.DB
	Users     *auth.Store
	Campaigns *campaign.Store
	Agents    *agent.Store
	Schedules *schedule.Store
	Activity  *activity.Store
	Audit     *audit.Store
	Metrics   *metrics.Store
	Data      *data.Store
	Runs      *run.Store
	Engine    *run.Engine
	Broker    *event.Broker
	// SecureCookies marks cookies Secure even when the request did not arrive over TLS
	// (deployments behind a TLS-terminating proxy).
	SecureCookies bool
	// AuditRetentionDays is how long audit entries are kept, as the audit page says.
	AuditRetentionDays int
	// SessionIdleTimeout and SessionLifetime end browser sessions left unused and signed in
	// too long; zero means 30 minutes and 12 hours.
	SessionIdleTimeout time.Duration
	SessionLifetime    time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the client.
	TrustedProxies []netip.Prefix
}

// Server answers every HTTP request of ClawOps.
type Server struct {
	Deps
	echo         *echo.Echo
	sessions     *scs.SessionManager
	sessionStore *auth.SessionStore
	accountFails *auth.Throttle
	ipFails      *auth.Throttle
	routes       []route
	// streamsDone closes when the server shuts down, ending every event stream while
	// ordinary requests drain.
	streamsDone chan struct{}
	closeOnce   sync.Once
	// migrationsPending is computed on the first readiness probe.
	migrationsPending func() (bool, error)
	// revocations counts changes that may have taken someone's access away: sign-outs,
	// revoked tokens, disabled users, changed memberships. Event streams check their caller
	// again whenever it moves.
	revocations atomic.Uint64
	// streams counts each person's open event streams, to hold them to maxStreamsPerUser.
	streams streamCounts
}

// Login throttling: failures allowed per window, per account and per client address.
const (
	loginWindow       = 15 * time.Minute
	loginFailsAccount = 5
	loginFailsIP      = 20
)

// New builds the server and its routes.
func New(d Deps) *Server {
	s := &Server{
		Deps:         d,
		echo:         echo.New(),
		accountFails: auth.NewThrottle(loginFailsAccount, loginWindow),
		ipFails:      auth.NewThrottle(loginFailsIP, loginWindow),
		streamsDone:  make(chan struct{}),
	}
	s.migrationsPending = sync.OnceValues(func() (bool, error) {
		return d.DB.Pending(context.Background())
	})
	s.sessions = scs.New()
	s.sessionStore = auth.NewSessionStore(d.DB)
	s.sessions.Store = s.sessionStore
	s.sessions.Lifetime = cmp.Or(d.SessionLifetime, 12*time.Hour)
	s.sessions.IdleTimeout = cmp.Or(d.SessionIdleTimeout, 30*time.Minute)
	s.sessions.Cookie.Name = "clawops_session"
	s.sessions.Cookie.HttpOnly = true
	s.sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.sessions.Cookie.Secure = d.SecureCookies
	s.sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		slog.ErrorContext(r.Context(), "Session store failed", "err", err)
		http.Error(w, "session unavailable", http.StatusInternalServerError)
	}

	e := s.echo
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = clientIP(d.TrustedProxies)
	s.register()
	return s
}

// ServeHTTP lets the server be used as an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// HTTPServer wraps the handler with the timeouts a public listener needs.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		// No WriteTimeout: event streams stay open; handlers bound their own work.
	}
}

// CloseStreams ends every open event stream; call it when shutting down, since a stream
// otherwise never finishes and would hold the shutdown up.
func (s *Server) CloseStreams() { s.closeOnce.Do(func() { close(s.streamsDone) }) }

// render writes a templ component as the HTML answer.
func (s *Server) render(c echo.Context, status int, comp templ.Component) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().Header().Add("Vary", "HX-Request")
	c.Response().WriteHeader(status)
	return comp.Render(c.Request().Context(), c.Response())
}

// Routes lists every registered method and path, for tests and the API document.
func (s *Server) Routes() []echo.Route {
	var out []echo.Route
	for _, r := range s.echo.Routes() {
		out = append(out, *r)
	}
	return out
}
