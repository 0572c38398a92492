package config

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadServe(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    Config
		wantErr string
	}{
		{name: "defaults", want: Config{Addr: DefaultAddr, DBPath: DefaultDBPath,
			AdminEmail: DefaultAdminEmail, LogFormat: "text", LogLevel: slog.LevelInfo,
			MaxRuns: DefaultMaxRuns, MaxRunsPerCampaign: DefaultMaxRunsPerCampaign,
			AuditRetentionDays: DefaultAuditRetentionDays,
			SessionIdleTimeout: DefaultSessionIdleTimeout, SessionLifetime: DefaultSessionLifetime}},
		{name: "environment", env: map[string]string{"CLAWOPS_ADDR": "127.0.0.1:9000",
			"CLAWOPS_DB": "/tmp/x.db", "CLAWOPS_DEMO": "true", "CLAWOPS_LOG_FORMAT": "json",
			"CLAWOPS_ADMIN_EMAIL": "ops@example.com", "CLAWOPS_ADMIN_PASSWORD": "long enough pw",
			"CLAWOPS_LOG_LEVEL": "debug", "CLAWOPS_MAX_RUNS": "20",
			"CLAWOPS_MAX_RUNS_PER_CAMPAIGN": "5"},
			want: Config{Addr: "127.0.0.1:9000", DBPath: "/tmp/x.db", Demo: true,
				AdminEmail: "ops@example.com", AdminPassword: "long enough pw", LogFormat: "json",
				LogLevel: slog.LevelDebug, MaxRuns: 20, MaxRunsPerCampaign: 5,
				AuditRetentionDays: DefaultAuditRetentionDays,
				SessionIdleTimeout: DefaultSessionIdleTimeout, SessionLifetime: DefaultSessionLifetime}},
		{name: "flags win", args: []string{"--addr", "127.0.0.1:1", "--db", "f.db", "--demo"},
			env: map[string]string{"CLAWOPS_ADDR": "127.0.0.1:9000"},
			want: Config{Addr: "127.0.0.1:1", DBPath: "f.db", Demo: true,
				AdminEmail: DefaultAdminEmail, LogFormat: "text", LogLevel: slog.LevelInfo,
				MaxRuns: DefaultMaxRuns, MaxRunsPerCampaign: DefaultMaxRunsPerCampaign,
				AuditRetentionDays: DefaultAuditRetentionDays,
				SessionIdleTimeout: DefaultSessionIdleTimeout, SessionLifetime: DefaultSessionLifetime}},
		{name: "bad run limit", args: []string{"--max-runs", "0"}, wantErr: "max runs"},
		{name: "campaign limit over the whole", args: []string{"--max-runs", "2",
			"--max-runs-per-campaign", "3"}, wantErr: "max runs per campaign"},
		{name: "run limit not a number", env: map[string]string{"CLAWOPS_MAX_RUNS": "many"},
			wantErr: "CLAWOPS_MAX_RUNS"},
		{name: "audit retention", args: []string{"--audit-retention-days", "90"},
			env: map[string]string{"CLAWOPS_AUDIT_RETENTION_DAYS": "30"},
			want: Config{Addr: DefaultAddr, DBPath: DefaultDBPath, AdminEmail: DefaultAdminEmail,
				LogFormat: "text", LogLevel: slog.LevelInfo, MaxRuns: DefaultMaxRuns,
				MaxRunsPerCampaign: DefaultMaxRunsPerCampaign, AuditRetentionDays: 90,
				SessionIdleTimeout: DefaultSessionIdleTimeout, SessionLifetime: DefaultSessionLifetime}},
		{name: "audit retention not a number",
			env:     map[string]string{"CLAWOPS_AUDIT_RETENTION_DAYS": "a year"},
			wantErr: "CLAWOPS_AUDIT_RETENTION_DAYS"},
		{name: "audit retention of no days", args: []string{"--audit-retention-days", "0"},
			wantErr: "audit retention"},
		{name: "session limits", args: []string{"--session-lifetime", "8h"},
			env: map[string]string{"CLAWOPS_SESSION_IDLE_TIMEOUT": "15m",
				"CLAWOPS_SESSION_LIFETIME": "1h", "CLAWOPS_KEY_FILE": "/etc/clawops.key"},
			want: Config{Addr: DefaultAddr, DBPath: DefaultDBPath, AdminEmail: DefaultAdminEmail,
				LogFormat: "text", LogLevel: slog.LevelInfo, MaxRuns: DefaultMaxRuns,
				MaxRunsPerCampaign: DefaultMaxRunsPerCampaign,
				AuditRetentionDays: DefaultAuditRetentionDays, SessionIdleTimeout: 15 * time.Minute,
				SessionLifetime: 8 * time.Hour, KeyFile: "/etc/clawops.key"}},
		{name: "idle timeout not a duration",
			env:     map[string]string{"CLAWOPS_SESSION_IDLE_TIMEOUT": "half an hour"},
			wantErr: "CLAWOPS_SESSION_IDLE_TIMEOUT"},
		{name: "idle timeout too short", args: []string{"--session-idle-timeout", "10s"},
			wantErr: "session idle timeout"},
		{name: "lifetime too long", args: []string{"--session-lifetime", "1000h"},
			wantErr: "session lifetime"},
		{name: "idle timeout over the lifetime", args: []string{"--session-idle-timeout", "2h",
			"--session-lifetime", "1h"}, wantErr: "must not exceed the session lifetime"},
		{name: "bad address", args: []string{"--addr", "nope"}, wantErr: "addr"},
		{name: "bad bool", env: map[string]string{"CLAWOPS_DEMO": "maybe"}, wantErr: "CLAWOPS_DEMO"},
		{name: "short admin password", env: map[string]string{"CLAWOPS_ADMIN_PASSWORD": "short"},
			wantErr: "CLAWOPS_ADMIN_PASSWORD"},
		{name: "bad admin email", env: map[string]string{"CLAWOPS_ADMIN_EMAIL": "admin"},
			wantErr: "CLAWOPS_ADMIN_EMAIL"},
		{name: "bad log format", args: []string{"--log-format", "xml"}, wantErr: "log format"},
		{name: "bad log level", args: []string{"--log-level", "loud"}, wantErr: "log level"},
		{name: "stray argument", args: []string{"extra"}, wantErr: "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadServe(tt.args, envOf(tt.env), io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDerivedSettings(t *testing.T) {
	c := Config{DBPath: "/var/lib/clawops/clawops.db"}
	if got := c.SecretKeyFile(); got != "/var/lib/clawops/clawops.db.key" {
		t.Errorf("key file %q, want the database path + .key", got)
	}
	idle, life := c.Sessions()
	if idle != DefaultSessionIdleTimeout || life != DefaultSessionLifetime {
		t.Errorf("sessions of a hand-built config: %v, %v", idle, life)
	}
}

func TestTrustedProxies(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    []string
		wantErr string
	}{
		{name: "none"},
		{name: "environment",
			env:  map[string]string{"CLAWOPS_TRUSTED_PROXIES": "10.0.0.1, 192.168.7.0/16,::1"},
			want: []string{"10.0.0.1/32", "192.168.0.0/16", "::1/128"}},
		{name: "flag wins", args: []string{"--trusted-proxies", "172.16.5.4/12"},
			env:  map[string]string{"CLAWOPS_TRUSTED_PROXIES": "10.0.0.1"},
			want: []string{"172.16.0.0/12"}},
		{name: "host name", env: map[string]string{"CLAWOPS_TRUSTED_PROXIES": "proxy.local"},
			wantErr: "CLAWOPS_TRUSTED_PROXIES"},
		{name: "bad address", args: []string{"--trusted-proxies", "300.1.1.1"},
			wantErr: "trusted-proxies"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := LoadServe(tt.args, envOf(tt.env), io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range cfg.TrustedProxies {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("trusted proxies (-want +got):\n%s", diff)
			}
		})
	}
}
