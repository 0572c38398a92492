package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync"
	"sync/atomic"

	"github.com/mattn/go-sqlite3"
)

// versions counts committed changes per table, so that read caches can tell whether what they
// hold is still current. SQLite reports each changed row to an update hook on the writer
// connection; a commit hook moves the tables touched by the committing transaction aside, and
// they are published — their counters bumped — only after the commit has returned, so that no
// reader can see a new counter before it can see the new rows.
type versions struct {
	mu        sync.Mutex
	dirty     map[string]struct{} // changed by the open transaction
	committed map[string]struct{} // committed, not yet published
	gen       map[string]uint64
	commits   atomic.Uint64 // commits on the writer since the database was opened
}

func newVersions() *versions {
	return &versions{dirty: map[string]struct{}{}, committed: map[string]struct{}{},
		gen: map[string]uint64{}}
}

// hook installs the callbacks on the writer's connections.
func (v *versions) hook(c *sqlite3.SQLiteConn) error {
	c.RegisterUpdateHook(func(_ int, _ string, table string, _ int64) {
		v.mu.Lock()
		v.dirty[table] = struct{}{}
		v.mu.Unlock()
	})
	c.RegisterCommitHook(func() int {
		v.commits.Add(1)
		v.mu.Lock()
		for t := range v.dirty {
			v.committed[t] = struct{}{}
		}
		clear(v.dirty)
		v.mu.Unlock()
		return 0
	})
	c.RegisterRollbackHook(func() {
		v.mu.Lock()
		clear(v.dirty)
		v.mu.Unlock()
	})
	return nil
}

// commitCount is how many transactions the writer has committed, whichever way it wrote.
func (v *versions) commitCount() uint64 { return v.commits.Load() }

// publish bumps the counters of every committed table.
func (v *versions) publish() {
	v.mu.Lock()
	for t := range v.committed {
		v.gen[t]++
	}
	clear(v.committed)
	v.mu.Unlock()
}

// Version is a number that changes whenever a committed write has touched one of the tables.
// A cache keyed on it never serves rows older than the last published write.
func (db *DB) Version(tables ...string) uint64 {
	db.versions.mu.Lock()
	defer db.versions.mu.Unlock()
	var sum uint64
	for _, t := range tables {
		sum += db.versions.gen[t]
	}
	return sum
}

// Exec runs one autocommitted write on the writer connection. Writes outside Exec and Tx are
// invisible to Version.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := db.W.ExecContext(ctx, query, args...)
	db.versions.publish()
	return res, err
}

// writerConnector opens writer connections through a driver that carries the hooks.
type writerConnector struct {
	drv *sqlite3.SQLiteDriver
	dsn string
}

func (c writerConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }

func (c writerConnector) Driver() driver.Driver { return c.drv }
