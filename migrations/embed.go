// Package migrations holds the versioned SQL migrations of the ClawOps schema, embedded into the
// binary. Files are named NNNNN_name.sql and carry goose annotations; an applied file is never
// edited, a change is a new file.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
