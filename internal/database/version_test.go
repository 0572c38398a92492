package database_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/clawops/clawops/internal/database"
)

func TestVersionFollowsCommittedWrites(t *testing.T) {
	db := migrated(t)
	ctx := context.Background()
	campaigns := db.Version("campaigns")
	leads := db.Version("leads")

	_, err := db.Exec(ctx, `INSERT INTO campaigns (id, name, company, slug, created_at,
		updated_at) VALUES ('a', 'A', 'C', 'a', 'x', 'x')`)
	if err != nil {
		t.Fatal(err)
	}
	if db.Version("campaigns") == campaigns {
		t.Error("an autocommitted insert left the campaigns version unchanged")
	}
	if db.Version("leads") != leads {
		t.Error("an insert into campaigns changed the leads version")
	}

	campaigns = db.Version("campaigns")
	err = db.Tx(ctx, func(tx *database.Tx) error {
		tx.ExecContext(ctx, `UPDATE campaigns SET name = 'B' WHERE id = 'a'`)
		return errors.New("give up")
	})
	if err == nil || db.Version("campaigns") != campaigns {
		t.Error("a rolled-back update changed the version")
	}

	err = db.Tx(ctx, func(tx *database.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO leads (id, campaign_id, created_at, updated_at)
			VALUES ('l', 'a', 'x', 'x')`)
		return err
	})
	if err != nil || db.Version("leads") == leads {
		t.Errorf("a committed insert into leads left its version unchanged (%v)", err)
	}
	leads = db.Version("leads")
	if _, err := db.Exec(ctx, `DELETE FROM campaigns WHERE id = 'a'`); err != nil {
		t.Fatal(err)
	}
	if db.Version("leads") == leads {
		t.Error("a cascading delete left the leads version unchanged")
	}
}

func TestCacheServesUntilTheTablesChange(t *testing.T) {
	db := migrated(t)
	ctx := context.Background()
	var loads atomic.Int32
	c := database.NewCache[string, int](db, 10, 0, "campaigns")
	load := func() (int, error) { return int(loads.Add(1)), nil }

	for i := 0; i < 3; i++ {
		if v, _ := c.Get("k", load); v != 1 {
			t.Fatalf("get %d = %d, want the first load", i, v)
		}
	}
	db.Exec(ctx, `INSERT INTO users (id, email, password_hash, created_at, updated_at)
		VALUES ('u', 'u@example.com', 'x', 'x', 'x')`)
	if v, _ := c.Get("k", load); v != 1 {
		t.Errorf("a write to another table reloaded: %d", v)
	}
	db.Exec(ctx, `INSERT INTO campaigns (id, name, company, slug, created_at, updated_at)
		VALUES ('a', 'A', 'C', 'a', 'x', 'x')`)
	if v, _ := c.Get("k", load); v != 2 {
		t.Errorf("after a write to campaigns got %d, want a reload", v)
	}
	if _, err := c.Get("bad", func() (int, error) { return 0, errors.New("no") }); err == nil {
		t.Error("the load error was lost")
	}
	if v, _ := c.Get("bad", load); v != 3 {
		t.Errorf("an error was cached: %d", v)
	}
}
