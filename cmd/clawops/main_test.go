package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawops/clawops/migrations"
)

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")

	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, "migrate", "--db", db)
	if err != nil || !strings.Contains(out, fmt.Sprintf("applied %d migration", len(files))) {
		t.Fatalf("migrate: %q, %v", out, err)
	}
	out, err = runCmd(t, "migrate", "--db", db)
	if err != nil || !strings.Contains(out, "applied 0 migration") {
		t.Errorf("second migrate: %q, %v", out, err)
	}

	out, err = runCmd(t, "user", "add", "--db", db, "--email", "ops@example.com", "--role", "admin")
	if err != nil || !strings.Contains(out, "created admin user ops@example.com") ||
		!strings.Contains(out, "password (shown once): ") {
		t.Errorf("user add: %q, %v", out, err)
	}
	if _, err := runCmd(t, "user", "add", "--db", db, "--email", "ops@example.com",
		"--password", "another long password"); err == nil {
		t.Error("a second user with the same email was created")
	}
	if _, err := runCmd(t, "user", "add", "--db", db, "--email", "x@example.com",
		"--password", "short"); err == nil || !strings.Contains(err.Error(), "password") {
		t.Errorf("short password: %v", err)
	}

	backup := filepath.Join(dir, "backup.db")
	if out, err := runCmd(t, "backup", "--db", db, backup); err != nil {
		t.Fatalf("backup: %q, %v", out, err)
	}
	if st, err := os.Stat(backup); err != nil || st.Size() == 0 {
		t.Errorf("backup file: %v", err)
	}
	if _, err := runCmd(t, "backup", "--db", db, backup); err == nil {
		t.Error("backup overwrote an existing file")
	}

	if _, err := runCmd(t, "frobnicate"); err == nil {
		t.Error("an unknown command succeeded")
	}
	if _, err := runCmd(t, "serve", "--addr", "bad"); err == nil {
		t.Error("serve accepted a bad address")
	}
}
