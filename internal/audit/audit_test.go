package audit_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/testutil/testdb"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/audit"
)

func TestRedact(t *testing.T) {
	got := audit.Redact(map[string]any{
		"email": "a@example.com", "password": "hunter2hunter2", "newPassword": "x",
		"nested": map[string]any{"apiToken": "cwo_x", "name": "ok"}, "Authorization": "Bearer y",
		"items": []any{map[string]any{"clientSecret": "s", "id": 1}, "plain"},
	})
	want := map[string]any{
		"email": "a@example.com", "password": "[redacted]", "newPassword": "[redacted]",
		"nested": map[string]any{"apiToken": "[redacted]", "name": "ok"}, "Authorization": "[redacted]",
		"items": []any{map[string]any{"clientSecret": "[redacted]", "id": 1}, "plain"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Redact (-want +got):\n%s", diff)
	}
}

func TestRecordAndFilter(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	s := audit.NewStore(db)
	for _, e := range []audit.Entry{
		{Action: "campaign.create", CampaignID: "a", UserID: "u1", Outcome: audit.Success},
		{Action: "campaign.update", CampaignID: "b", UserID: "u2", Outcome: audit.Denied},
		{Action: "auth.login", UserID: "u1", Outcome: audit.Failure,
			Detail: map[string]any{"password": "topsecret"}},
	} {
		if err := s.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	onlyA, _, err := s.Entries(ctx, audit.Filter{CampaignID: "a", Limit: 50})
	if err != nil || len(onlyA) != 1 || onlyA[0].Action != "campaign.create" {
		t.Errorf("campaign filter: %+v, %v", onlyA, err)
	}
	byUser, _, _ := s.Entries(ctx, audit.Filter{UserID: "u1", Limit: 50})
	if len(byUser) != 2 {
		t.Errorf("user filter: %d entries, want 2", len(byUser))
	}
	all, _, _ := s.Entries(ctx, audit.Filter{Limit: 50})
	for _, e := range all {
		if strings.Contains(fmt.Sprint(e.Detail), "topsecret") {
			t.Error("a password reached the audit log")
		}
	}
}

func TestPruneActionsAndEach(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	s := audit.NewStore(db)
	now := time.Now().UTC()
	for i, e := range []audit.Entry{
		{Action: "campaign.create", CreatedAt: now.AddDate(0, 0, -400)},
		{Action: "auth.login", CreatedAt: now.AddDate(0, 0, -366)},
		{Action: "campaign.update", CreatedAt: now.AddDate(0, 0, -364)},
		{Action: "auth.login", CreatedAt: now.Add(-time.Hour)},
		{Action: "member.add", CreatedAt: now},
	} {
		e.Outcome = audit.Success
		e.RequestID = fmt.Sprint(i)
		if err := s.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	actions, err := s.Actions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"auth.login", "campaign.create", "campaign.update", "member.add"}
	if diff := cmp.Diff(want, actions); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}

	n, err := s.Prune(ctx, now.AddDate(0, 0, -365))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("pruned %d entries, want the 2 older than a year", n)
	}
	var kept []string
	err = s.Each(ctx, audit.Filter{}, func(e audit.Entry) error {
		kept = append(kept, e.RequestID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"4", "3", "2"}, kept); diff != "" {
		t.Errorf("entries kept, newest first (-want +got):\n%s", diff)
	}
}
