// Package testdb gives tests a real, migrated SQLite database of their own. It depends on the
// database package alone, so that any package's tests can use it.
package testdb

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/clawops/clawops/internal/database"
)

// New opens a fresh database file in t.TempDir(), applies every migration and closes it when
// the test ends.
func New(t testing.TB) *database.DB {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(t.TempDir(), "clawops.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// Exec runs a setup statement through the writer, failing the test on error.
func Exec(t testing.TB, db *database.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
