package activity_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/event"
	"github.com/clawops/clawops/internal/testutil/testdb"
)

func setup(t *testing.T) (*activity.Store, *database.DB, *event.Broker) {
	t.Helper()
	db := testdb.New(t)
	for _, id := range []string{"a", "b"} {
		if _, err := db.W.Exec(`INSERT INTO campaigns (id, name, company, slug, created_at,
			updated_at) VALUES (?, ?, 'C', ?, 'x', 'x')`, id, id, id); err != nil {
			t.Fatal(err)
		}
	}
	broker := event.NewBroker()
	return activity.NewStore(db, broker), db, broker
}

func record(t *testing.T, s *activity.Store, db *database.DB, sc access.Scope, e activity.Entry) {
	t.Helper()
	err := db.Tx(context.Background(), func(tx *database.Tx) error {
		return s.Record(context.Background(), tx, sc, e)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestFeedIsScopedAndPaged(t *testing.T) {
	s, db, _ := setup(t)
	ctx := context.Background()
	base := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for i := 0; i < 5; i++ {
		record(t, s, db, access.System("a"), activity.Entry{Type: "run.completed",
			Severity: activity.Success, Title: "A run", CreatedAt: base.Add(time.Duration(i) * time.Minute)})
	}
	record(t, s, db, access.System("a"), activity.Entry{Type: "run.failed",
		Severity: activity.Error, Title: "A failure", CreatedAt: base.Add(time.Hour)})
	record(t, s, db, access.System("b"), activity.Entry{Type: "run.completed", Title: "B run"})

	var got []activity.Entry
	cursor := ""
	for {
		page, next, err := s.Entries(ctx, access.System("a"), activity.Filter{Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
		if next == "" {
			break
		}
		cursor = next
	}
	if len(got) != 6 {
		t.Fatalf("A's feed has %d entries, want 6", len(got))
	}
	for i, e := range got {
		if e.CampaignID != "a" {
			t.Errorf("entry %d belongs to %s", i, e.CampaignID)
		}
		if i > 0 && e.CreatedAt.After(got[i-1].CreatedAt) {
			t.Errorf("entry %d is newer than the one before", i)
		}
	}
	failed, _, _ := s.Entries(ctx, access.System("a"), activity.Filter{Limit: 50, Severity: activity.Error})
	if len(failed) != 1 || failed[0].Type != "run.failed" {
		t.Errorf("error filter gave %v", failed)
	}
	bFeed, _, _ := s.Entries(ctx, access.System("b"), activity.Filter{Limit: 50})
	if len(bFeed) != 1 || bFeed[0].Title != "B run" {
		t.Errorf("B's feed %v", bFeed)
	}
}

func TestLiveEventsOnlyAfterCommitAndOnlyToTheCampaign(t *testing.T) {
	s, db, broker := setup(t)
	subA := broker.Subscribe("a")
	defer subA.Close()
	subB := broker.Subscribe("b")
	defer subB.Close()

	// A rolled-back entry is never announced.
	_ = db.Tx(context.Background(), func(tx *database.Tx) error {
		if err := s.Record(context.Background(), tx, access.System("a"),
			activity.Entry{Type: "x", Title: "rolled back"}); err != nil {
			return err
		}
		return context.Canceled
	})
	record(t, s, db, access.System("a"), activity.Entry{Type: "campaign.updated", Title: "kept"})

	select {
	case e := <-subA.C:
		if e.Type != "activity.created" || e.Data.(activity.Entry).Title != "kept" {
			t.Errorf("A heard %+v", e)
		}
	case <-time.After(time.Second):
		t.Fatal("A heard nothing")
	}
	select {
	case e := <-subA.C:
		t.Errorf("A heard a second event %+v", e)
	case e := <-subB.C:
		t.Errorf("B heard A's event %+v", e)
	default:
	}
}

func TestFeedFiltersByCategoryTypeSeverityAndTime(t *testing.T) {
	s, db, _ := setup(t)
	ctx := context.Background()
	base := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	entries := []activity.Entry{
		{Type: activity.RunStarted, Title: "started"},
		{Type: activity.RunFailed, Severity: activity.Error, Title: "failed"},
		{Type: activity.RunCompleted, Severity: activity.Success, Title: "completed"},
		{Type: "runner.odd", Title: "not a run"},
		{Type: activity.ScheduleUpdated, Title: "schedule"},
	}
	for i, e := range entries {
		e.CreatedAt = base.Add(time.Duration(i) * time.Hour)
		record(t, s, db, access.System("a"), e)
	}
	record(t, s, db, access.System("b"), activity.Entry{Type: activity.RunFailed, Title: "b"})
	at := func(h int) *time.Time { t := base.Add(time.Duration(h) * time.Hour); return &t }
	tests := []struct {
		name string
		f    activity.Filter
		want []string
	}{
		{"a category stands for its types", activity.Filter{Type: "run"},
			[]string{"completed", "failed", "started"}},
		{"a full type", activity.Filter{Type: activity.RunFailed}, []string{"failed"}},
		{"severity", activity.Filter{Severity: activity.Success}, []string{"completed"}},
		{"time from included, to excluded", activity.Filter{From: at(1), To: at(3)},
			[]string{"completed", "failed"}},
		{"everything together", activity.Filter{Type: "run", From: at(1), Severity: "error"},
			[]string{"failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, _, err := s.Entries(ctx, access.System("a"), tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range page {
				got = append(got, e.Title)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("titles (-want +got):\n%s", diff)
			}
		})
	}
}
