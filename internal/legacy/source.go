package legacy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrNotLegacy is a file that is not a database of the original console.
var ErrNotLegacy = errors.New("not a database of the original ClawOps console")

// source is a database of the original console, opened read-only.
type source struct {
	db *sql.DB
	// columns lists each table's columns, lower case, in their order.
	columns map[string][]string
	// tables are the source's tables in name order, without SQLite's own.
	tables []string
}

// openSource opens the file at path read-only and checks that the original console made it.
func openSource(ctx context.Context, path string) (*source, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("legacy: open %s: %w", path, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("legacy: open %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("legacy: open %s: not a regular file", path)
	}
	db, err := sql.Open("sqlite3", sourceDSN(abs, !hasLog(abs)))
	if err != nil {
		return nil, fmt.Errorf("legacy: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	src := &source{db: db, columns: map[string][]string{}}
	if err := src.load(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("legacy: open %s: %w", path, err)
	}
	return src, nil
}

// sourceDSN names the file as an SQLite URI that can only read. immutable tells SQLite that
// nothing changes the file while it is open, so that it takes no lock and never creates the
// -shm file a WAL database otherwise needs: the original's files say WAL in their header and
// often sit in folders this process may not write to.
func sourceDSN(abs string, immutable bool) string {
	q := "mode=ro"
	if immutable {
		q += "&immutable=1"
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q}
	return u.String()
}

// hasLog reports whether a write-ahead log with content sits beside the file. Its pages would
// be ignored by an immutable open, so such a file is opened read-only but not immutable.
func hasLog(abs string) bool {
	st, err := os.Stat(abs + "-wal")
	return err == nil && st.Size() > 0
}

func (s *source) close() error { return s.db.Close() }

// load lists the tables and their columns and checks the two tables every version of the
// original had: users with bcrypt passwords, and agents.
func (s *source) load(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM sqlite_master
		WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		if strings.Contains(err.Error(), "not a database") {
			return ErrNotLegacy
		}
		return fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return fmt.Errorf("list tables: %w", err)
		}
		s.tables = append(s.tables, name)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	for _, t := range s.tables {
		if s.columns[t], err = s.tableColumns(ctx, t); err != nil {
			return err
		}
	}
	if !slices.Contains(s.columns["users"], "password") || !s.has("agents") {
		return ErrNotLegacy
	}
	return nil
}

func (s *source) tableColumns(ctx context.Context, table string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`,
		table)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("columns of %s: %w", table, err)
		}
		cols = append(cols, strings.ToLower(c))
	}
	return cols, rows.Err()
}

// has reports whether the source has the table.
func (s *source) has(table string) bool {
	_, ok := s.columns[table]
	return ok
}

// count counts a table's rows.
func (s *source) count(ctx context.Context, table string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quote(table)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("legacy: count %s: %w", table, err)
	}
	return n, nil
}

// each calls fn with every row of the table, in the order they were written. The columns fn
// reads are marked in used.
func (s *source) each(ctx context.Context, table string, used map[string]bool,
	fn func(row) error) error {
	cols := s.columns[table]
	// The unary plus hides each column's declared type from the driver, which would turn a
	// DATETIME or BOOLEAN it cannot parse into a zero time or false; values come as stored.
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = "+" + quote(c)
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+strings.Join(quoted, ", ")+" FROM "+
		quote(table)+" ORDER BY rowid")
	if err != nil {
		return fmt.Errorf("legacy: read %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		vals := make([]any, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("legacy: read %s: %w", table, err)
		}
		r := row{vals: make(map[string]any, len(cols)), used: used}
		for i, c := range cols {
			r.vals[c] = vals[i]
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("legacy: read %s: %w", table, err)
	}
	return nil
}

// unused lists the columns of a table that are not marked in used.
func (s *source) unused(table string, used map[string]bool) []string {
	var out []string
	for _, c := range s.columns[table] {
		if !used[c] {
			out = append(out, c)
		}
	}
	return out
}

// installation names the original console the file comes from: the id of its first user,
// created when it was installed. It keeps the import records of two installations apart.
func (s *source) installation(ctx context.Context) (string, error) {
	var id sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT id FROM users ORDER BY created_at, rowid LIMIT 1`).
		Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("legacy: installation: %w", err)
	}
	return id.String, nil
}

// quote quotes an SQL identifier read from the source's own catalog.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// row is one source row: its values by lower-case column name. Reading a value marks its
// column as used, so that the report can name the columns nothing was carried from.
type row struct {
	vals map[string]any
	used map[string]bool
}

// get returns the first present, non-NULL value among the columns.
func (r row) get(cols ...string) any {
	for _, c := range cols {
		r.used[c] = true
		if v := r.vals[c]; v != nil {
			return v
		}
	}
	return nil
}

// text returns the first non-empty value among the columns as trimmed text.
func (r row) text(cols ...string) string {
	for _, c := range cols {
		if s := strings.TrimSpace(asText(r.get(c))); s != "" {
			return s
		}
	}
	return ""
}

// id is the row's id as text.
func (r row) id() string { return r.text("id") }

// integerID reports whether the row's id is a number, as in the original's AUTOINCREMENT
// tables; such ids mean nothing outside their table and are never kept.
func (r row) integerID() bool {
	_, ok := r.vals["id"].(int64)
	return ok
}
