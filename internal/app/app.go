// Package app assembles ClawOps: it opens and migrates the database, seeds what a first start
// needs, builds the stores and the HTTP server, and runs it until told to stop.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/agent"
	"github.com/clawops/clawops/internal/audit"
	"github.com/clawops/clawops/internal/auth"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/config"
	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/event"
	"github.com/clawops/clawops/internal/executor"
	"github.com/clawops/clawops/internal/metrics"
	"github.com/clawops/clawops/internal/run"
	"github.com/clawops/clawops/internal/schedule"
	"github.com/clawops/clawops/internal/scheduler"
	"github.com/clawops/clawops/internal/seed"
	"github.com/clawops/clawops/internal/web"
)

// shutdownGrace is how long in-flight requests get to finish after a stop signal.
const shutdownGrace = 10 * time.Second

// App is a ready-to-serve ClawOps.
type App struct {
	cfg    config.Config
	DB     *database.DB
	Users  *auth.Store
	Server *web.Server
	broker *event.Broker
	// Data keeps the campaigns' records and runs CSV imports in the background; Close
	// waits for them.
	Data *data.Store
	// Runs, Engine and Scheduler carry out agent runs once Start has been called.
	Runs      *run.Store
	Engine    *run.Engine
	Scheduler *scheduler.Scheduler

	stopWorkers context.CancelFunc
	workers     sync.WaitGroup

	metrics *metrics.Store
	audit   *audit.Store
}

// Open opens and migrates the database, creates the default campaign and the first admin when
// missing, loads the demo data when asked, and builds the server. Messages meant for the person
// starting the server (a generated password) go to out.
func Open(ctx context.Context, cfg config.Config, out io.Writer) (*App, error) {
	db, err := database.Open(ctx, cfg.DBPath)
	if err != nil {
		return nil, err
	}
	a, err := build(ctx, cfg, db, out)
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

func build(ctx context.Context, cfg config.Config, db *database.DB, out io.Writer) (*App, error) {
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	broker := event.NewBroker()
	act := activity.NewStore(db, broker)
	campaigns := campaign.NewStore(db, act)
	agents := agent.NewStore(db, act)
	schedules := schedule.NewStore(db, act)
	users := auth.NewStore(db)
	key, err := auth.LoadKeyFile(cfg.SecretKeyFile())
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	if err := users.SetSecretKey(key); err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	if err := seed.Defaults(ctx, db, campaigns, agents, schedules); err != nil {
		return nil, fmt.Errorf("app: seed defaults: %w", err)
	}
	if err := ensureAdmin(ctx, cfg, users, out); err != nil {
		return nil, err
	}
	if cfg.Demo {
		if err := seed.Demo(ctx, db, campaigns, agents, schedules, time.Now()); err != nil {
			return nil, fmt.Errorf("app: load demo data: %w", err)
		}
	}
	records := data.NewStore(db, act, broker)
	if err := records.FailInterrupted(ctx); err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	runs := run.NewStore(db, act, broker)
	if n, err := runs.FailInterrupted(ctx); err != nil {
		return nil, fmt.Errorf("app: %w", err)
	} else if n > 0 {
		slog.Warn("Runs interrupted by the last stop were marked failed", "runs", n)
	}
	rollup := metrics.NewStore(db, broker)
	audits := audit.NewStore(db)
	engine := run.NewEngine(runs, agents, records, rollup, executor.Run,
		run.Limits{Global: cfg.MaxRuns, PerCampaign: cfg.MaxRunsPerCampaign})
	idle, lifetime := cfg.Sessions()
	srv := web.New(web.Deps{
		DB: db, Users: users, Campaigns: campaigns, Agents: agents, Schedules: schedules,
		Activity: act, Data: records, Runs: runs, Engine: engine,
		Audit: audits, Metrics: rollup, Broker: broker,
		SecureCookies: cfg.SecureCookies, AuditRetentionDays: retentionDays(cfg),
		SessionIdleTimeout: idle, SessionLifetime: lifetime,
		TrustedProxies: cfg.TrustedProxies,
	})
	return &App{cfg: cfg, DB: db, Users: users, Server: srv, broker: broker, Data: records,
		Runs: runs, Engine: engine, Scheduler: scheduler.New(db, runs), metrics: rollup,
		audit: audits}, nil
}

// ensureAdmin creates the first admin on a database without users. A generated password is
// printed once; with the demo data it is also kept beside the database so that a local
// demo can show it again.
func ensureAdmin(ctx context.Context, cfg config.Config, users *auth.Store, out io.Writer) error {
	n, err := users.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	password := cfg.AdminPassword
	generated := password == ""
	if generated {
		password = auth.GeneratePassword()
	}
	if _, err := users.CreateUser(ctx, auth.NewUser{Email: cfg.AdminEmail, Name: "Admin",
		Password: password, Role: "admin"}); err != nil {
		return fmt.Errorf("app: create admin %s: %w", cfg.AdminEmail, err)
	}
	slog.Info("Created the admin user", "email", cfg.AdminEmail)
	if !generated {
		return nil
	}
	fmt.Fprintf(out, "\n  Admin password (shown once): %s\n\n", password)
	if cfg.Demo {
		path := DemoPasswordFile(cfg.DBPath)
		if err := os.WriteFile(path, []byte(password+"\n"), 0o600); err != nil {
			return fmt.Errorf("app: keep demo admin password: %w", err)
		}
	}
	return nil
}

// DemoPasswordFile is where a demo database keeps its generated admin password.
func DemoPasswordFile(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "demo-admin-password")
}

// Serve listens on the configured address and serves until ctx ends, then drains in-flight
// requests before returning.
func (a *App) Serve(ctx context.Context, out io.Writer) error {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("app: listen on %s: %w", a.cfg.Addr, err)
	}
	return a.ServeListener(ctx, ln, out)
}

// ServeListener serves on ln until ctx ends.
func (a *App) ServeListener(ctx context.Context, ln net.Listener, out io.Writer) error {
	hs := a.Server.HTTPServer(ln.Addr().String())
	// Requests keep their own contexts through a shutdown so that they finish; only the
	// event streams, which never would, are ended.
	hs.RegisterOnShutdown(a.Server.CloseStreams)
	a.announce(ln.Addr().String(), out)

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	a.Start()
	go a.sweep(ctx, time.Hour)
	select {
	case err := <-errc:
		return fmt.Errorf("app: serve: %w", err)
	case <-ctx.Done():
	}
	slog.Info("Shutting down", "grace", shutdownGrace)
	shutCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("app: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("app: serve: %w", err)
	}
	return nil
}

func (a *App) announce(addr string, out io.Writer) {
	host, port, _ := net.SplitHostPort(addr)
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "127.0.0.1"
	}
	url := "http://" + net.JoinHostPort(host, port)
	slog.Info("ClawOps is listening", "url", url, "db", a.DB.Path())
	login := a.cfg.AdminEmail
	if a.cfg.Demo {
		if b, err := os.ReadFile(DemoPasswordFile(a.cfg.DBPath)); err == nil {
			login += " / " + strings.TrimSpace(string(b))
		}
	}
	fmt.Fprintf(out, "ClawOps is running at %s\n  sign in as %s\n", url, login)
}

// sweep removes expired sessions and login tokens every interval until ctx ends.
func (a *App) sweep(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sessions, err := auth.NewSessionStore(a.DB).DeleteExpired(ctx)
		if err != nil {
			slog.Error("Sweeping expired sessions failed", "err", err)
		}
		tokens, err := a.Users.DeleteExpiredTokens(ctx, time.Now().Add(-24*time.Hour))
		if err != nil {
			slog.Error("Sweeping expired tokens failed", "err", err)
		}
		slog.Info("Swept expired credentials", "sessions", sessions, "tokens", tokens)
	}
}

// Start begins the background work: the run engine, the scheduler and the daily upkeep.
// Close stops it.
func (a *App) Start() {
	ctx := a.StartRuns()
	a.workers.Go(func() { a.Scheduler.Run(ctx) })
	a.workers.Go(func() { a.upkeep(ctx, upkeepDelay, upkeepEvery) })
}

// The daily upkeep runs a minute after start, leaving start-up to the first requests, then
// every day.
const (
	upkeepDelay = time.Minute
	upkeepEvery = 24 * time.Hour
)

func (a *App) upkeep(ctx context.Context, delay, every time.Duration) {
	t := time.NewTimer(delay)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		a.Upkeep(ctx)
		t.Reset(every)
	}
}

// Upkeep does the daily maintenance once: it recounts the last two days of every active
// campaign's metrics, repairing whatever a writer missed, and prunes audit entries older than
// the retention. Failures are logged; the next pass tries again.
func (a *App) Upkeep(ctx context.Context) {
	fixed, err := a.metrics.Repair(ctx)
	if err != nil {
		slog.Error("Repairing daily metrics failed", "err", err)
	}
	days := retentionDays(a.cfg)
	pruned, err := a.audit.Prune(ctx, time.Now().AddDate(0, 0, -days))
	if err != nil {
		slog.Error("Pruning the audit log failed", "err", err)
	}
	slog.Info("Daily upkeep done", "campaigns_repaired", fixed, "audit_pruned", pruned,
		"audit_retention_days", days)
}

// retentionDays is the configured audit retention, or the default when none is set.
func retentionDays(cfg config.Config) int {
	if cfg.AuditRetentionDays > 0 {
		return cfg.AuditRetentionDays
	}
	return config.DefaultAuditRetentionDays
}

// StartRuns starts the run engine alone, without the scheduler, and returns the context that
// Close ends; tests that drive the scheduler's clock themselves start the server this way.
func (a *App) StartRuns() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	a.stopWorkers = cancel
	a.workers.Go(func() { a.Engine.Run(ctx) })
	return ctx
}

// Close stops the background work, whose runs still going are recorded as interrupted, lets
// running imports finish, then releases the database.
func (a *App) Close() error {
	if a.stopWorkers != nil {
		a.stopWorkers()
		a.workers.Wait()
	}
	a.Data.WaitImports()
	return a.DB.Close()
}
