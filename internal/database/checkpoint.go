package database

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"
)

// checkpointEvery is how often the checkpointer copies newly committed pages of the
// write-ahead log back into the database file, when anything was committed since its last
// pass.
var checkpointEvery = 250 * time.Millisecond

// checkpointer copies the write-ahead log back into the database file on a connection of its
// own, so that the writer does not spend its time on it. Left to the writer, the copy ran
// inside the commit that crossed the log's size limit: a third of a bulk write's time went
// to copying pages and syncing the file while every other write waited. A passive checkpoint
// takes no lock that writers or readers need, so it runs beside them.
//
// The writer still checkpoints once the log reaches walCheckpointPages, which by then finds
// most pages already copied. That keeps the log bounded when writes never pause: SQLite only
// starts the log over when a write begins after every page was copied, and a checkpoint run
// by the writer between two of its own transactions guarantees such a moment.
type checkpointer struct {
	conn     *sql.DB
	versions *versions
	stop     chan struct{}
	done     chan struct{}
}

func startCheckpointer(conn *sql.DB, v *versions) *checkpointer {
	c := &checkpointer{conn: conn, versions: v, stop: make(chan struct{}),
		done: make(chan struct{})}
	go c.run()
	return c
}

func (c *checkpointer) run() {
	defer close(c.done)
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	seen := c.versions.commitCount()
	for {
		select {
		case <-c.stop:
			return
		case <-tick.C:
		}
		n := c.versions.commitCount()
		if n == seen {
			continue
		}
		seen = n
		if err := c.checkpoint(context.Background()); err != nil {
			slog.Warn("Checkpoint failed", "err", err)
		}
	}
}

// checkpoint copies every page of the log that no reader still needs into the database file.
func (c *checkpointer) checkpoint(ctx context.Context) error {
	var busy, logged, copied int
	err := c.conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").
		Scan(&busy, &logged, &copied)
	if err != nil {
		return fmt.Errorf("database: checkpoint: %w", err)
	}
	return nil
}

// close stops the checkpointer and closes its connection.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.conn.Close()
}
