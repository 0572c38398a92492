// Package config loads the server's settings once, from flags and CLAWOPS_* environment
// variables, and validates them before anything starts.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of the server.
type Config struct {
	// Addr is the listen address, host:port.
	Addr string
	// DBPath is the SQLite database file, created on first start.
	DBPath string
	// Demo loads the demo data set into a new database.
	Demo bool
	// AdminEmail and AdminPassword create the first admin on an empty database; an empty
	// password means a generated one, printed once.
	AdminEmail    string
	AdminPassword string
	// SecureCookies marks session cookies Secure, for deployments behind TLS.
	SecureCookies bool
	// LogFormat is "text" or "json"; LogLevel is debug, info, warn or error.
	LogFormat string
	LogLevel  slog.Level
	// MaxRuns and MaxRunsPerCampaign bound how many agent runs go at once, in all and in
	// one campaign.
	MaxRuns            int
	MaxRunsPerCampaign int
	// AuditRetentionDays is how long audit entries are kept; a daily job prunes older ones.
	// Zero, as in a Config built by hand, means DefaultAuditRetentionDays.
	AuditRetentionDays int
	// SessionIdleTimeout ends a browser session nobody used for that long;
	// SessionLifetime ends any session that long after sign-in. Zero means the default.
	SessionIdleTimeout time.Duration
	SessionLifetime    time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For header names the client, for
	// sign-in throttling and the audit log. From anyone else the header is ignored, since a
	// client can write anything in it.
	TrustedProxies []netip.Prefix
	// KeyFile holds the key that seals two-factor secrets; empty means the database path
	// with ".key" added. It is created on first start.
	KeyFile string
}

// Defaults.
const (
	DefaultAddr       = "127.0.0.1:3001"
	DefaultDBPath     = "./data/clawops.db"
	DefaultAdminEmail = "admin@clawops.local"
	DefaultMaxRuns    = 8
	// DefaultMaxRunsPerCampaign keeps one busy campaign from taking every place.
	DefaultMaxRunsPerCampaign = 4
	// DefaultAuditRetentionDays keeps a year of audit entries.
	DefaultAuditRetentionDays = 365
	// maxAuditRetentionDays is a hundred years; more is a typo.
	maxAuditRetentionDays = 36500
	// DefaultSessionIdleTimeout and DefaultSessionLifetime bound browser sessions.
	DefaultSessionIdleTimeout = 30 * time.Minute
	DefaultSessionLifetime    = 12 * time.Hour
)

// LoadServe reads the settings of `clawops serve` from args and env (env names a variable's
// value; pass os.Getenv). Flags win over the environment.
func LoadServe(args []string, env func(string) string, stderr io.Writer) (Config, error) {
	cfg := Config{
		Addr:          or(env("CLAWOPS_ADDR"), DefaultAddr),
		DBPath:        or(env("CLAWOPS_DB"), DefaultDBPath),
		AdminEmail:    or(env("CLAWOPS_ADMIN_EMAIL"), DefaultAdminEmail),
		AdminPassword: env("CLAWOPS_ADMIN_PASSWORD"),
		LogFormat:     or(env("CLAWOPS_LOG_FORMAT"), "text"),
	}
	var errs []error
	boolEnv := func(name string) bool {
		v := env(name)
		if v == "" {
			return false
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not true or false", name, v))
		}
		return b
	}
	intEnv := func(name string, def int) int {
		v := env(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not a whole number", name, v))
		}
		return n
	}
	cfg.Demo = boolEnv("CLAWOPS_DEMO")
	cfg.SecureCookies = boolEnv("CLAWOPS_SECURE_COOKIES")
	cfg.MaxRuns = intEnv("CLAWOPS_MAX_RUNS", DefaultMaxRuns)
	cfg.MaxRunsPerCampaign = intEnv("CLAWOPS_MAX_RUNS_PER_CAMPAIGN", DefaultMaxRunsPerCampaign)
	cfg.AuditRetentionDays = intEnv("CLAWOPS_AUDIT_RETENTION_DAYS", DefaultAuditRetentionDays)
	durationEnv := func(name string, def time.Duration) time.Duration {
		v := env(name)
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not a duration such as 30m or 12h", name, v))
		}
		return d
	}
	cfg.SessionIdleTimeout = durationEnv("CLAWOPS_SESSION_IDLE_TIMEOUT", DefaultSessionIdleTimeout)
	cfg.SessionLifetime = durationEnv("CLAWOPS_SESSION_LIFETIME", DefaultSessionLifetime)
	cfg.KeyFile = env("CLAWOPS_KEY_FILE")
	if v := env("CLAWOPS_TRUSTED_PROXIES"); v != "" {
		proxies, err := parseProxies(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("CLAWOPS_TRUSTED_PROXIES: %w", err))
		}
		cfg.TrustedProxies = proxies
	}
	level := or(env("CLAWOPS_LOG_LEVEL"), "info")

	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (CLAWOPS_ADDR)")
	fs.StringVar(&cfg.DBPath, "db", cfg.DBPath, "SQLite database file (CLAWOPS_DB)")
	fs.BoolVar(&cfg.Demo, "demo", cfg.Demo, "load the demo data set into a new database (CLAWOPS_DEMO)")
	fs.BoolVar(&cfg.SecureCookies, "secure-cookies", cfg.SecureCookies,
		"mark session cookies Secure, for TLS deployments (CLAWOPS_SECURE_COOKIES)")
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "text or json (CLAWOPS_LOG_FORMAT)")
	fs.StringVar(&level, "log-level", level, "debug, info, warn or error (CLAWOPS_LOG_LEVEL)")
	fs.IntVar(&cfg.MaxRuns, "max-runs", cfg.MaxRuns,
		"agent runs going at once (CLAWOPS_MAX_RUNS)")
	fs.IntVar(&cfg.MaxRunsPerCampaign, "max-runs-per-campaign", cfg.MaxRunsPerCampaign,
		"agent runs going at once in one campaign (CLAWOPS_MAX_RUNS_PER_CAMPAIGN)")
	fs.IntVar(&cfg.AuditRetentionDays, "audit-retention-days", cfg.AuditRetentionDays,
		"days audit entries are kept before the daily pruning (CLAWOPS_AUDIT_RETENTION_DAYS)")
	fs.DurationVar(&cfg.SessionIdleTimeout, "session-idle-timeout", cfg.SessionIdleTimeout,
		"end browser sessions unused this long (CLAWOPS_SESSION_IDLE_TIMEOUT)")
	fs.DurationVar(&cfg.SessionLifetime, "session-lifetime", cfg.SessionLifetime,
		"end browser sessions this long after sign-in (CLAWOPS_SESSION_LIFETIME)")
	fs.StringVar(&cfg.KeyFile, "key-file", cfg.KeyFile,
		"key sealing two-factor secrets; default: the database path + .key (CLAWOPS_KEY_FILE)")
	fs.Func("trusted-proxies", "comma-separated addresses or CIDR ranges of reverse proxies "+
		"whose X-Forwarded-For is believed (CLAWOPS_TRUSTED_PROXIES)", func(v string) error {
		proxies, err := parseProxies(v)
		cfg.TrustedProxies = proxies
		return err
	})
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(level)); err != nil {
		errs = append(errs, fmt.Errorf("log level %q: must be debug, info, warn or error", level))
	}
	errs = append(errs, cfg.validate()...)
	if err := errors.Join(errs...); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return cfg, nil
}

// parseProxies reads a comma-separated list of IP addresses and CIDR ranges.
func parseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or a CIDR range", part)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func (c Config) validate() []error {
	var errs []error
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		errs = append(errs, fmt.Errorf("addr %q: must be host:port", c.Addr))
	}
	if strings.TrimSpace(c.DBPath) == "" {
		errs = append(errs, errors.New("db: must name a file"))
	}
	if a, err := mail.ParseAddress(c.AdminEmail); err != nil || a.Address != c.AdminEmail {
		errs = append(errs, fmt.Errorf("CLAWOPS_ADMIN_EMAIL %q: must be an email address",
			c.AdminEmail))
	}
	if c.AdminPassword != "" && len([]rune(c.AdminPassword)) < 12 {
		errs = append(errs, errors.New("CLAWOPS_ADMIN_PASSWORD: must be at least 12 characters"))
	}
	if c.MaxRuns < 1 || c.MaxRuns > 1000 {
		errs = append(errs, fmt.Errorf("max runs %d: must be from 1 to 1000", c.MaxRuns))
	}
	if c.MaxRunsPerCampaign < 1 || c.MaxRunsPerCampaign > c.MaxRuns {
		errs = append(errs, fmt.Errorf("max runs per campaign %d: must be from 1 to the "+
			"max runs, %d", c.MaxRunsPerCampaign, c.MaxRuns))
	}
	if c.AuditRetentionDays < 1 || c.AuditRetentionDays > maxAuditRetentionDays {
		errs = append(errs, fmt.Errorf("audit retention %d days: must be from 1 to %d",
			c.AuditRetentionDays, maxAuditRetentionDays))
	}
	if c.SessionIdleTimeout < time.Minute || c.SessionIdleTimeout > 24*time.Hour {
		errs = append(errs, fmt.Errorf("session idle timeout %v: must be from 1m to 24h",
			c.SessionIdleTimeout))
	}
	if c.SessionLifetime < 5*time.Minute || c.SessionLifetime > 30*24*time.Hour {
		errs = append(errs, fmt.Errorf("session lifetime %v: must be from 5m to 720h",
			c.SessionLifetime))
	} else if c.SessionIdleTimeout > c.SessionLifetime {
		errs = append(errs, fmt.Errorf("session idle timeout %v: must not exceed the "+
			"session lifetime, %v", c.SessionIdleTimeout, c.SessionLifetime))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log format %q: must be text or json", c.LogFormat))
	}
	return errs
}

// SecretKeyFile is the file of the key that seals two-factor secrets.
func (c Config) SecretKeyFile() string {
	if c.KeyFile != "" {
		return c.KeyFile
	}
	return c.DBPath + ".key"
}

// Sessions are the browser session limits, with defaults for a Config built by hand.
func (c Config) Sessions() (idle, lifetime time.Duration) {
	idle, lifetime = c.SessionIdleTimeout, c.SessionLifetime
	if idle == 0 {
		idle = DefaultSessionIdleTimeout
	}
	if lifetime == 0 {
		lifetime = DefaultSessionLifetime
	}
	return idle, lifetime
}

// Logger builds the process logger the settings ask for.
func (c Config) Logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Getenv is os.Getenv, named for callers that pass the environment in.
var Getenv = os.Getenv

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
