package schedule

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/testutil/testdb"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
)

// testNow is the store's clock in these tests: a Wednesday.
var testNow = time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC)

// env is a migrated database with campaign A (New York) holding agents a1 and a2, and
// campaign B (UTC) holding agent b1.
type env struct {
	db    *database.DB
	store *Store
	a, b  access.Scope
}

func newEnv(t *testing.T) env {
	t.Helper()
	ctx := context.Background()
	db := testdb.New(t)
	act := activity.NewStore(db, nil)
	campaigns := campaign.NewStore(db, act)
	for _, n := range []campaign.NewCampaign{
		{ID: "camp-a", Name: "Campaign A", Company: "A Corp", Timezone: "America/New_York"},
		{ID: "camp-b", Name: "Campaign B", Company: "B Corp"},
	} {
		if _, err := campaigns.CreateCampaign(ctx, access.Principal{}, n); err != nil {
			t.Fatal(err)
		}
	}
	now := database.FormatTime(testNow)
	for _, a := range [][2]string{{"a1", "camp-a"}, {"a2", "camp-a"}, {"b1", "camp-b"}} {
		if _, err := db.W.ExecContext(ctx, `
			INSERT INTO agents (id, campaign_id, name, executor, created_at, updated_at)
			VALUES (?, ?, ?, '{"type":"command","command":["p"]}', ?, ?)`,
			a[0], a[1], "agent-"+a[0], now, now); err != nil {
			t.Fatal(err)
		}
	}
	s := NewStore(db, act)
	s.now = func() time.Time { return testNow }
	return env{db: db, store: s, a: access.System("camp-a"), b: access.System("camp-b")}
}

func ptr[T any](v T) *T { return &v }

func keysOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	f, ok := derrors.AsFields(err)
	if !ok {
		t.Fatalf("got error %v, want a validation error", err)
	}
	var keys []string
	for k := range f {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestCreateSchedule(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	got, err := e.store.CreateSchedule(ctx, e.a, NewSchedule{
		AgentID: "a1", Name: "Morning run", Cron: "0 8 * * *", Message: "Go.",
	})
	if err != nil {
		t.Fatal(err)
	}
	// 08:00 in New York on 5 March (EST) is 13:00 UTC.
	next := time.Date(2026, 3, 5, 13, 0, 0, 0, time.UTC)
	want := Schedule{
		ID: got.ID, CampaignID: "camp-a", AgentID: "a1", AgentName: "agent-a1",
		Name: "Morning run", Cron: "0 8 * * *", EffectiveTimezone: "America/New_York",
		Message: "Go.", Enabled: true, OverlapPolicy: OverlapSkip, CatchUpPolicy: CatchUpLatest,
		CatchUpCap: DefaultCatchUpCap, NextRunAt: &next, CreatedAt: testNow, UpdatedAt: testNow,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CreateSchedule() (-want +got):\n%s", diff)
	}

	own, err := e.store.CreateSchedule(ctx, e.a, NewSchedule{
		AgentID: "a1", Cron: "0 8 * * *", Timezone: "Asia/Tokyo",
	})
	if err != nil {
		t.Fatal(err)
	}
	tokyo := time.Date(2026, 3, 4, 23, 0, 0, 0, time.UTC)
	if own.NextRunAt == nil || !own.NextRunAt.Equal(tokyo) || own.EffectiveTimezone != "Asia/Tokyo" {
		t.Errorf("own zone: next %v in %s, want %v in Asia/Tokyo", own.NextRunAt,
			own.EffectiveTimezone, tokyo)
	}
	if own.Name != "agent-a1" {
		t.Errorf("default name = %q, want the agent's name", own.Name)
	}

	off, err := e.store.CreateSchedule(ctx, e.a, NewSchedule{
		AgentID: "a2", Cron: "0 8 * * *", Enabled: ptr(false),
	})
	if err != nil {
		t.Fatal(err)
	}
	if off.Enabled || off.NextRunAt != nil {
		t.Errorf("disabled schedule: enabled %v, next %v; want false and none", off.Enabled,
			off.NextRunAt)
	}

	list, err := e.store.Schedules(ctx, e.a)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range list {
		names = append(names, s.Name)
	}
	if diff := cmp.Diff([]string{"Morning run", "agent-a1", "agent-a2"}, names); diff != "" {
		t.Errorf("Schedules() names (-want +got):\n%s", diff)
	}
}

func TestCreateScheduleValidation(t *testing.T) {
	tests := []struct {
		name string
		in   NewSchedule
		want []string
	}{
		{"valid", NewSchedule{AgentID: "a1", Cron: "*/15 * * * *"}, nil},
		{"valid zone", NewSchedule{AgentID: "a1", Cron: "0 8 * * 1", Timezone: "Europe/London"},
			nil},
		{"no agent", NewSchedule{Cron: "0 8 * * 1"}, []string{"agentId"}},
		{"unknown agent", NewSchedule{AgentID: "zz", Cron: "0 8 * * 1"}, []string{"agentId"}},
		{"agent of another campaign", NewSchedule{AgentID: "b1", Cron: "0 8 * * 1"},
			[]string{"agentId"}},
		{"no cron", NewSchedule{AgentID: "a1"}, []string{"cron"}},
		{"four fields", NewSchedule{AgentID: "a1", Cron: "0 8 * *"}, []string{"cron"}},
		{"descriptor", NewSchedule{AgentID: "a1", Cron: "@hourly"}, []string{"cron"}},
		{"minute 60", NewSchedule{AgentID: "a1", Cron: "60 8 * * *"}, []string{"cron"}},
		{"unknown zone", NewSchedule{AgentID: "a1", Cron: "0 8 * * *", Timezone: "Nowhere/City"},
			[]string{"timezone"}},
		{"bad cron and zone", NewSchedule{AgentID: "a1", Cron: "x", Timezone: "Bad/Zone"},
			[]string{"cron", "timezone"}},
		{"overlap", NewSchedule{AgentID: "a1", Cron: "0 8 * * *", OverlapPolicy: "queue"},
			[]string{"overlapPolicy"}},
		{"catch-up", NewSchedule{AgentID: "a1", Cron: "0 8 * * *", CatchUpPolicy: "some"},
			[]string{"catchUpPolicy"}},
		{"catch-up cap", NewSchedule{AgentID: "a1", Cron: "0 8 * * *", CatchUpCap: -1},
			[]string{"catchUpCap"}},
		{"long name", NewSchedule{AgentID: "a1", Cron: "0 8 * * *",
			Name: strings.Repeat("n", 101)}, []string{"name"}},
		{"NUL in message", NewSchedule{AgentID: "a1", Cron: "0 8 * * *", Message: "a\x00"},
			[]string{"message"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			_, err := e.store.CreateSchedule(context.Background(), e.a, tt.in)
			if diff := cmp.Diff(tt.want, keysOf(t, err)); diff != "" {
				t.Errorf("CreateSchedule() fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUpdateSchedule(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	s, err := e.store.CreateSchedule(ctx, e.a, NewSchedule{
		AgentID: "a1", Name: "Daily", Cron: "0 8 * * *", Enabled: ptr(false),
	})
	if err != nil {
		t.Fatal(err)
	}
	at := func(h int) *time.Time {
		v := time.Date(2026, 3, 5, h, 0, 0, 0, time.UTC)
		return &v
	}
	tests := []struct {
		name     string
		patch    Patch
		wantNext *time.Time
		check    func(Schedule) bool
	}{
		{"enable computes the next fire", Patch{Enabled: ptr(true)}, at(13), nil},
		{"message keeps the next fire", Patch{Message: ptr("New task")}, at(13),
			func(s Schedule) bool { return s.Message == "New task" }},
		{"cron change recomputes", Patch{Cron: ptr("0 9 * * *")}, at(14), nil},
		{"own zone recomputes", Patch{Timezone: ptr("UTC")}, at(9),
			func(s Schedule) bool { return s.EffectiveTimezone == "UTC" }},
		{"empty zone returns to the campaign's", Patch{Timezone: ptr("")}, at(14),
			func(s Schedule) bool { return s.Timezone == "" }},
		{"other agent", Patch{AgentID: ptr("a2")}, at(14),
			func(s Schedule) bool { return s.AgentName == "agent-a2" }},
		{"disable clears the next fire", Patch{Enabled: ptr(false)}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.store.UpdateSchedule(ctx, e.a, s.ID, tt.patch)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantNext, got.NextRunAt); diff != "" {
				t.Errorf("NextRunAt (-want +got):\n%s", diff)
			}
			if tt.check != nil && !tt.check(got) {
				t.Errorf("UpdateSchedule() = %+v", got)
			}
		})
	}

	invalid := []struct {
		name  string
		patch Patch
		want  []string
	}{
		{"bad cron", Patch{Cron: ptr("0 8 * * 9")}, []string{"cron"}},
		{"bad zone", Patch{Timezone: ptr("Europe/Atlantis")}, []string{"timezone"}},
		{"agent of another campaign", Patch{AgentID: ptr("b1")}, []string{"agentId"}},
		{"empty agent", Patch{AgentID: ptr("")}, []string{"agentId"}},
	}
	before, err := e.store.Schedule(ctx, e.a, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.store.UpdateSchedule(ctx, e.a, s.ID, tt.patch)
			if diff := cmp.Diff(tt.want, keysOf(t, err)); diff != "" {
				t.Errorf("UpdateSchedule() fields (-want +got):\n%s", diff)
			}
		})
	}
	after, err := e.store.Schedule(ctx, e.a, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("schedule changed by rejected updates (-want +got):\n%s", diff)
	}
}

func TestDeleteSchedule(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	s, err := e.store.CreateSchedule(ctx, e.a, NewSchedule{AgentID: "a1", Cron: "0 8 * * *"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.DeleteSchedule(ctx, e.a, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Schedule(ctx, e.a, s.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Schedule(deleted) = %v, want ErrNotFound", err)
	}
	if err := e.store.DeleteSchedule(ctx, e.a, s.ID); !errors.Is(err, derrors.NotFound) {
		t.Errorf("DeleteSchedule(deleted) = %v, want not found", err)
	}
}

func TestSchedulesAreIsolatedByCampaign(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	s, err := e.store.CreateSchedule(ctx, e.a, NewSchedule{AgentID: "a1", Cron: "0 8 * * *"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.CreateSchedule(ctx, e.b, NewSchedule{AgentID: "b1",
		Cron: "0 8 * * *"}); err != nil {
		t.Fatal(err)
	}
	operatorB, err := access.Grant(access.Principal{UserID: "u1", PlatformRole: "member"},
		"camp-b", access.RoleOperator)
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range []access.Scope{e.b, operatorB} {
		if _, err := e.store.Schedule(ctx, sc, s.ID); !errors.Is(err, derrors.NotFound) {
			t.Errorf("Schedule(A's) through B = %v, want not found", err)
		}
		if _, err := e.store.UpdateSchedule(ctx, sc, s.ID,
			Patch{Enabled: ptr(false)}); !errors.Is(err, derrors.NotFound) {
			t.Errorf("UpdateSchedule(A's) through B = %v, want not found", err)
		}
		if err := e.store.DeleteSchedule(ctx, sc, s.ID); !errors.Is(err, derrors.NotFound) {
			t.Errorf("DeleteSchedule(A's) through B = %v, want not found", err)
		}
		list, err := e.store.Schedules(ctx, sc)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].CampaignID != "camp-b" {
			t.Errorf("Schedules(B) = %+v, want B's one schedule", list)
		}
	}
	got, err := e.store.Schedule(ctx, e.a, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, got); diff != "" {
		t.Errorf("A's schedule changed through B (-want +got):\n%s", diff)
	}
}

func TestViewerCannotWriteSchedules(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	s, err := e.store.CreateSchedule(ctx, e.a, NewSchedule{AgentID: "a1", Cron: "0 8 * * *"})
	if err != nil {
		t.Fatal(err)
	}
	viewer, err := access.Grant(access.Principal{UserID: "u1", PlatformRole: "member"},
		"camp-a", access.RoleViewer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.CreateSchedule(ctx, viewer, NewSchedule{AgentID: "a1",
		Cron: "0 8 * * *"}); !errors.Is(err, derrors.Forbidden) {
		t.Errorf("CreateSchedule(viewer) = %v, want forbidden", err)
	}
	if _, err := e.store.UpdateSchedule(ctx, viewer, s.ID,
		Patch{Enabled: ptr(false)}); !errors.Is(err, derrors.Forbidden) {
		t.Errorf("UpdateSchedule(viewer) = %v, want forbidden", err)
	}
	if err := e.store.DeleteSchedule(ctx, viewer, s.ID); !errors.Is(err, derrors.Forbidden) {
		t.Errorf("DeleteSchedule(viewer) = %v, want forbidden", err)
	}
	if _, err := e.store.Schedule(ctx, viewer, s.ID); err != nil {
		t.Errorf("Schedule(viewer) = %v, want the schedule", err)
	}
}

func TestRescheduleFollowsCampaignZone(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	follows, err := e.store.CreateSchedule(ctx, e.a, NewSchedule{AgentID: "a1", Cron: "0 8 * * *"})
	if err != nil {
		t.Fatal(err)
	}
	own, err := e.store.CreateSchedule(ctx, e.a, NewSchedule{AgentID: "a1", Cron: "0 8 * * *",
		Timezone: "America/New_York"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.W.ExecContext(ctx, `UPDATE campaigns SET timezone = 'UTC' WHERE id = ?`,
		"camp-a"); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Reschedule(ctx, e.a); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id   string
		want time.Time
	}{
		{follows.ID, time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC)},
		{own.ID, time.Date(2026, 3, 5, 13, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := e.store.Schedule(ctx, e.a, tt.id)
		if err != nil {
			t.Fatal(err)
		}
		if got.NextRunAt == nil || !got.NextRunAt.Equal(tt.want) {
			t.Errorf("NextRunAt of %s = %v, want %v", got.Timezone, got.NextRunAt, tt.want)
		}
	}
}
