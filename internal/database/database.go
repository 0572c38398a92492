// Package database opens the SQLite database behind ClawOps, checks its settings, applies the
// embedded migrations and offers the transaction helper every store writes through.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// busyTimeout is how long a statement waits for a lock held by another connection.
const busyTimeout = 5 * time.Second

// stmtCacheSize is how many prepared statements each connection keeps for reuse. Compiling
// a statement costs about as much as running a small one, and the stores run the same few
// hundred statements over and over: a scheduler pass firing 100 schedules spent a quarter of
// its time preparing them.
const stmtCacheSize = 128

// Page cache sizes in KiB: the writer's and each reader's.
const (
	writerCacheKiB = 32 << 10
	readerCacheKiB = 8 << 10
)

// DB is an open database: one writer connection, so that writes never contend for the lock, and
// a small pool of read-only connections that read alongside it thanks to WAL.
type DB struct {
	// W is the writer pool; it holds a single connection and starts write transactions
	// immediately. Write through Tx or Exec, which keep Version current.
	W *sql.DB
	// R is the reader pool; its connections refuse writes.
	R           *sql.DB
	path        string
	versions    *versions
	checkpoints *checkpointer
}

// Open opens (creating when missing) the database file at path, configures both pools and
// verifies that SQLite accepted every setting. It does not migrate.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("database: open: empty path")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("database: open %s: %w", path, err)
		}
	}
	v := newVersions()
	hook := func(c *sqlite3.SQLiteConn) error {
		if err := registerFunctions(c); err != nil {
			return err
		}
		if err := walLimits(c); err != nil {
			return err
		}
		return v.hook(c)
	}
	w := sql.OpenDB(writerConnector{drv: &sqlite3.SQLiteDriver{ConnectHook: hook},
		dsn: dsn(path, false)})
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)

	// The writer creates the file and switches it to WAL before any reader opens it.
	if err := checkPragmas(ctx, w, false); err != nil {
		w.Close()
		return nil, fmt.Errorf("database: open %s: %w", path, err)
	}

	r, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("database: open reader %s: %w", path, err)
	}
	readers := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	r.SetConnMaxIdleTime(5 * time.Minute)
	if err := checkPragmas(ctx, r, true); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("database: open %s: %w", path, err)
	}
	// The checkpointer's connection reads and writes the file but runs no transactions.
	cp, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("database: open checkpointer %s: %w", path, err)
	}
	cp.SetMaxOpenConns(1)
	cp.SetMaxIdleConns(1)
	return &DB{W: w, R: r, path: path, versions: v, checkpoints: startCheckpointer(cp, v)}, nil
}

// Path is the file the database lives in.
func (db *DB) Path() string { return db.path }

// Close stops the checkpointer and closes both pools; the writer closes last, so that
// SQLite copies the rest of the log back and removes it.
func (db *DB) Close() error {
	return errors.Join(db.checkpoints.close(), db.R.Close(), db.W.Close())
}

// Tx is a write transaction. Work that must follow only a successful commit, such as telling
// live listeners about a change, is registered with OnCommit.
type Tx struct {
	*sql.Tx
	onCommit []func()
}

// OnCommit runs f after the transaction commits; it never runs if the transaction rolls back.
func (tx *Tx) OnCommit(f func()) { tx.onCommit = append(tx.onCommit, f) }

// Tx runs fn in one write transaction on the writer connection, committing when fn returns nil
// and rolling back otherwise.
func (db *DB) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("database: begin: %w", err)
	}
	tx := &Tx{Tx: sqlTx}
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("database: rollback: %w", rbErr))
		}
		return err
	}
	err = tx.Commit()
	db.versions.publish()
	if err != nil {
		return fmt.Errorf("database: commit: %w", err)
	}
	for _, f := range tx.onCommit {
		f()
	}
	return nil
}

// Ping checks that both pools answer a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.R.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("database: ping reader: %w", err)
	}
	if err := db.W.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("database: ping writer: %w", err)
	}
	return nil
}

// Backup writes a consistent copy of the database to dest, which must not exist yet.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("database: backup: %s already exists", dest)
	}
	// VACUUM INTO is SQLite's online, transactionally consistent copy.
	if _, err := db.W.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return fmt.Errorf("database: backup to %s: %w", dest, err)
	}
	return nil
}

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", fmt.Sprint(busyTimeout.Milliseconds()))
	q.Set("_synchronous", "NORMAL")
	q.Set("_stmt_cache_size", fmt.Sprint(stmtCacheSize))
	// database/sql hands a connection to one goroutine at a time, so SQLite need not lock
	// each connection on every call.
	q.Set("_mutex", "no")
	// The page cache, in KiB: index writes into tables of millions of rows need their inner
	// pages at hand, and each reader needs less. SQLite's default is 2 MiB a connection.
	if readOnly {
		q.Set("_query_only", "on")
		q.Set("_cache_size", fmt.Sprint(-readerCacheKiB))
	} else {
		q.Set("_txlock", "immediate")
		q.Set("_cache_size", fmt.Sprint(-writerCacheKiB))
	}
	return "file:" + uriPath(path) + "?" + q.Encode()
}

// The checkpointer copies the write-ahead log back into the database a few times a second
// (see checkpointer); the writer copies what is left once the log holds this many pages,
// which lets the log start over, so that it stays near this size under writes that never
// pause. After a copy the log file is cut back to walSizeLimit, so that it does not keep its
// peak size on disk.
const (
	walCheckpointPages = 16_000
	walSizeLimit       = 64 << 20
)

// walLimits sets the writer's checkpoint interval and log size limit, which the DSN cannot.
func walLimits(c *sqlite3.SQLiteConn) error {
	for _, p := range []string{
		fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", walCheckpointPages),
		fmt.Sprintf("PRAGMA journal_size_limit = %d", walSizeLimit),
	} {
		if _, err := c.Exec(p, nil); err != nil {
			return fmt.Errorf("database: %s: %w", p, err)
		}
	}
	return nil
}

// uriPath escapes the characters that would end or change the path part of a SQLite URI
// filename, so that a file called "a#b.db" is that file and not "a".
func uriPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// checkPragmas reads the settings back: the driver silently ignores a parameter it does not
// know, and a database without foreign keys or WAL would break isolation and durability.
func checkPragmas(ctx context.Context, db *sql.DB, readOnly bool) error {
	type setting struct{ pragma, value string }
	want := []setting{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"busy_timeout", fmt.Sprint(busyTimeout.Milliseconds())},
		{"synchronous", "1"},
	}
	if readOnly {
		want = append(want, setting{"cache_size", fmt.Sprint(-readerCacheKiB)},
			setting{"query_only", "1"})
	} else {
		want = append(want, setting{"cache_size", fmt.Sprint(-writerCacheKiB)},
			setting{"wal_autocheckpoint", fmt.Sprint(walCheckpointPages)},
			setting{"journal_size_limit", fmt.Sprint(walSizeLimit)})
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	for _, w := range want {
		var got string
		if err := conn.QueryRowContext(ctx, "PRAGMA "+w.pragma).Scan(&got); err != nil {
			return fmt.Errorf("read pragma %s: %w", w.pragma, err)
		}
		if got != w.value {
			return fmt.Errorf("pragma %s is %q, want %q", w.pragma, got, w.value)
		}
	}
	return nil
}
