package database_test

import (
	"context"
	"os"
	"testing"
	"time"
)

// Committed pages reach the database file in the background, long before the log is large
// enough for the writer to copy them itself, and nothing is lost when the database closes.
func TestCommittedPagesReachTheFileInTheBackground(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	if _, err := db.Exec(ctx, `CREATE TABLE blobs (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	// 2 MiB is a small fraction of the log size at which the writer checkpoints.
	for range 8 {
		if _, err := db.Exec(ctx, `INSERT INTO blobs VALUES (randomblob(262144))`); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		fi, err := os.Stat(db.Path())
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() >= 2<<20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the database file holds %d bytes; the committed 2 MiB stayed in the log", fi.Size())
		}
		time.Sleep(20 * time.Millisecond)
	}
	var n int
	if err := db.R.QueryRow(`SELECT COUNT(*) FROM blobs WHERE length(b) = 262144`).Scan(&n); err != nil || n != 8 {
		t.Fatalf("readers see %d of 8 rows (%v)", n, err)
	}
}
