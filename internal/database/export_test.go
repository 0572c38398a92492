package database

import (
	"context"
	"io/fs"
)

// MigrateFS applies the migrations of fsys instead of the embedded ones.
func MigrateFS(ctx context.Context, db *DB, fsys fs.FS) (int, error) { return db.migrate(ctx, fsys) }
