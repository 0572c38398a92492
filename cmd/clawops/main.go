// Command clawops is the ClawOps server and its administration commands.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	// Time zone rules ship inside the binary so that campaign timezones work on any machine.
	_ "time/tzdata"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/agent"
	"github.com/clawops/clawops/internal/app"
	"github.com/clawops/clawops/internal/auth"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/config"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/legacy"
	"github.com/clawops/clawops/internal/metrics"
	"github.com/clawops/clawops/internal/schedule"
	"github.com/clawops/clawops/internal/seed"
)

const usage = `Usage: clawops <command> [flags]

Commands:
  serve          start the server (default)
  migrate        apply pending database migrations and exit
  user add       create a user
  backup PATH    write a consistent copy of the database to PATH
  import-legacy PATH
                 import a database of the original ClawOps console and print what
                 was imported and skipped (--json prints the report as JSON)
  metrics recompute --from DATE --to DATE [--campaign ID]
                 rebuild the daily metrics of every campaign, or of one, over a
                 range of dates (YYYY-MM-DD, both included)

Run "clawops <command> -h" for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "clawops:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, stdout, stderr)
	case "migrate":
		return migrate(ctx, args, stdout, stderr)
	case "user":
		if len(args) == 0 || args[0] != "add" {
			return errors.New(`unknown user command; try "clawops user add -h"`)
		}
		return userAdd(ctx, args[1:], stdout, stderr)
	case "backup":
		return backup(ctx, args, stdout, stderr)
	case "import-legacy":
		return importLegacy(ctx, args, stdout, stderr)
	case "metrics":
		if len(args) == 0 || args[0] != "recompute" {
			return errors.New(`unknown metrics command; try "clawops metrics recompute -h"`)
		}
		return metricsRecompute(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := config.LoadServe(args, os.Getenv, stderr)
	if err != nil {
		return err
	}
	slog.SetDefault(cfg.Logger(stderr))
	start := time.Now()
	a, err := app.Open(ctx, cfg, stdout)
	if err != nil {
		return err
	}
	defer a.Close()
	slog.Info("Ready", "startup_ms", time.Since(start).Milliseconds())
	return a.Serve(ctx, stdout)
}

// dbFlags parses the flags of the maintenance commands: --db plus the command's own.
func dbFlags(name string, args []string, stderr io.Writer, extra func(*flag.FlagSet)) (*flag.FlagSet, string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("db", orEnv("CLAWOPS_DB", config.DefaultDBPath), "SQLite database file (CLAWOPS_DB)")
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, "", err
	}
	return fs, *path, nil
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	_, path, err := dbFlags("migrate", args, stderr, nil)
	if err != nil {
		return err
	}
	db, err := database.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migration(s); schema version %d\n", n, v)
	return nil
}

func userAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var email, name, role, password string
	_, path, err := dbFlags("user add", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "email address (required)")
		fs.StringVar(&name, "name", "", "display name")
		fs.StringVar(&role, "role", "member", "platform role: admin or member")
		fs.StringVar(&password, "password", "",
			"password; when empty, one is generated and printed")
	})
	if err != nil {
		return err
	}
	generated := password == ""
	if generated {
		password = auth.GeneratePassword()
	}
	db, err := database.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	u, err := auth.NewStore(db).CreateUser(ctx, auth.NewUser{Email: email, Name: name,
		Role: role, Password: password})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s user %s (%s)\n", u.Role, u.Email, u.ID)
	if generated {
		fmt.Fprintf(stdout, "password (shown once): %s\n", password)
	}
	return nil
}

func backup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, path, err := dbFlags("backup", args, stderr, nil)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("backup needs exactly one destination path")
	}
	db, err := database.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", path, fs.Arg(0))
	return nil
}

// importLegacy imports a database of the original console into the database, migrating and
// seeding it first, so that a fresh install can start from an import.
func importLegacy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var asJSON bool
	fs, path, err := dbFlags("import-legacy", args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
	})
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("import-legacy needs exactly one path: the original console's database")
	}
	db, err := database.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	act := activity.NewStore(db, nil)
	if err := seed.Defaults(ctx, db, campaign.NewStore(db, act), agent.NewStore(db, act),
		schedule.NewStore(db, act)); err != nil {
		return err
	}
	rep, err := legacy.New(db, metrics.NewStore(db, nil)).Import(ctx, fs.Arg(0))
	if rep != nil {
		if perr := printReport(stdout, rep, asJSON); perr != nil {
			return errors.Join(err, perr)
		}
	}
	return err
}

// metricsRecompute rebuilds the daily metrics of a range of dates, for one campaign (by id or
// slug) or for every campaign.
func metricsRecompute(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var fromS, toS, ref string
	_, path, err := dbFlags("metrics recompute", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&fromS, "from", "", "first date, YYYY-MM-DD (required)")
		fs.StringVar(&toS, "to", "", "last date, YYYY-MM-DD (required)")
		fs.StringVar(&ref, "campaign", "", "the campaign's id or slug; every campaign when empty")
	})
	if err != nil {
		return err
	}
	from, errFrom := time.Parse(time.DateOnly, fromS)
	to, errTo := time.Parse(time.DateOnly, toS)
	switch {
	case errFrom != nil:
		return errors.New("--from must be a date as YYYY-MM-DD")
	case errTo != nil:
		return errors.New("--to must be a date as YYYY-MM-DD")
	case to.Before(from):
		return errors.New("--to must not be before --from")
	}
	db, err := database.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	rollup := metrics.NewStore(db, nil)
	ids, err := rollup.CampaignIDs(ctx, false)
	if ref != "" {
		var id string
		id, _, err = campaign.NewStore(db, nil).Resolve(ctx, ref, "")
		ids = []string{id}
	}
	if err != nil {
		return err
	}
	for _, id := range ids {
		days, err := rollup.Recompute(ctx, access.System(id), from, to)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "recomputed %d days of %s\n", len(days), id)
	}
	return nil
}

func printReport(w io.Writer, rep *legacy.Report, asJSON bool) error {
	if !asJSON {
		return rep.WriteText(w)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

func orEnv(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
