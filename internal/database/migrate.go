package database

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"

	"github.com/clawops/clawops/migrations"
)

// Migrate applies every pending migration, each in its own transaction, and reports how many
// ran. A failing file leaves the database as it was before that file and is named in the error.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	return db.migrate(ctx, migrations.FS)
}

func (db *DB) migrate(ctx context.Context, fsys fs.FS) (int, error) {
	p, err := goose.NewProvider(goose.DialectSQLite3, db.W, fsys)
	if err != nil {
		return 0, fmt.Errorf("database: migrate: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		var partial *goose.PartialError
		if errors.As(err, &partial) && partial.Failed != nil {
			return len(partial.Applied), fmt.Errorf("database: migration %s failed: %w",
				partial.Failed.Source.Path, partial.Err)
		}
		return len(results), fmt.Errorf("database: migrate: %w", err)
	}
	for _, r := range results {
		slog.Info("Applied migration", "file", r.Source.Path, "duration", r.Duration)
	}
	return len(results), nil
}

// SchemaVersion is the newest applied migration version, or 0 on an empty database.
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := goose.NewProvider(goose.DialectSQLite3, db.W, migrations.FS)
	if err != nil {
		return 0, fmt.Errorf("database: schema version: %w", err)
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("database: schema version: %w", err)
	}
	return v, nil
}

// Pending reports whether migrations remain to be applied.
func (db *DB) Pending(ctx context.Context) (bool, error) {
	p, err := goose.NewProvider(goose.DialectSQLite3, db.W, migrations.FS)
	if err != nil {
		return false, fmt.Errorf("database: pending: %w", err)
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return false, fmt.Errorf("database: pending: %w", err)
	}
	return pending, nil
}
