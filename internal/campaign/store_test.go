package campaign_test

import (
	"context"
	"errors"
	"testing"

	"github.com/clawops/clawops/internal/testutil/testdb"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
)

func newStore(t *testing.T) (*campaign.Store, *database.DB) {
	t.Helper()
	db := testdb.New(t)
	return campaign.NewStore(db, activity.NewStore(db, nil)), db
}

func addUser(t *testing.T, db *database.DB, id string) access.Principal {
	t.Helper()
	_, err := db.W.Exec(`INSERT INTO users (id, email, password_hash, created_at, updated_at)
		VALUES (?, ?, 'x', 'x', 'x')`, id, id+"@example.com")
	if err != nil {
		t.Fatal(err)
	}
	return access.Principal{UserID: id, PlatformRole: access.PlatformMember}
}

func scopeOf(t *testing.T, s *campaign.Store, p access.Principal, ref string) (access.Scope, error) {
	t.Helper()
	id, role, err := s.Resolve(context.Background(), ref, p.UserID)
	if err != nil {
		return access.Scope{}, err
	}
	return access.Grant(p, id, role)
}

func TestCrossCampaignIsolation(t *testing.T) {
	s, db := newStore(t)
	ctx := context.Background()
	alice := addUser(t, db, "alice")
	bob := addUser(t, db, "bob")

	a, err := s.CreateCampaign(ctx, alice, campaign.NewCampaign{Name: "Alpha", Company: "A"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.CreateCampaign(ctx, bob, campaign.NewCampaign{Name: "Bravo", Company: "B"})
	if err != nil {
		t.Fatal(err)
	}

	list, _, err := s.Campaigns(ctx, bob, campaign.ListFilter{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != b.ID {
		t.Errorf("bob lists %v, want only Bravo", list)
	}
	if _, err := scopeOf(t, s, bob, a.ID); !errors.Is(err, derrors.NotFound) {
		t.Errorf("bob's scope on Alpha: %v, want not found", err)
	}
	if _, err := scopeOf(t, s, bob, a.Slug); !errors.Is(err, derrors.NotFound) {
		t.Errorf("bob's scope on Alpha by slug: %v, want not found", err)
	}
	ov, err := s.Overview(ctx, bob)
	if err != nil {
		t.Fatal(err)
	}
	if len(ov.Campaigns) != 1 || ov.Campaigns[0].ID != b.ID {
		t.Errorf("bob's overview %v", ov.Campaigns)
	}

	// Bob's scope on his own campaign cannot reach Alice's members either.
	bs, err := scopeOf(t, s, bob, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	members, err := s.Members(ctx, bs)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 1 || members[0].UserID != "bob" {
		t.Errorf("Bravo's members %v", members)
	}
	if err := s.RemoveMember(ctx, bs, "alice"); !errors.Is(err, derrors.NotFound) {
		t.Errorf("removing Alice through Bravo: %v, want not found", err)
	}
}

func TestRolesAndOwners(t *testing.T) {
	s, db := newStore(t)
	ctx := context.Background()
	owner := addUser(t, db, "owner")
	viewer := addUser(t, db, "viewer")
	c, err := s.CreateCampaign(ctx, owner, campaign.NewCampaign{Name: "Roles", Company: "R"})
	if err != nil {
		t.Fatal(err)
	}
	os, _ := scopeOf(t, s, owner, c.ID)
	if _, err := s.SetMember(ctx, os, "viewer", access.RoleViewer); err != nil {
		t.Fatal(err)
	}
	vs, err := scopeOf(t, s, viewer, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	name := "Changed"
	if _, err := s.UpdateCampaign(ctx, vs, campaign.Patch{Name: &name}); !errors.Is(err, derrors.Forbidden) {
		t.Errorf("viewer update: %v, want forbidden", err)
	}
	if _, err := s.SetMember(ctx, os, "owner", access.RoleViewer); !errors.Is(err, derrors.Conflict) {
		t.Errorf("demoting the last owner: %v, want conflict", err)
	}
	if err := s.RemoveMember(ctx, os, "owner"); !errors.Is(err, derrors.Conflict) {
		t.Errorf("removing the last owner: %v, want conflict", err)
	}
	if _, err := s.SetMember(ctx, os, "ghost", access.RoleViewer); !errors.Is(err, campaign.ErrUserNotFound) {
		t.Errorf("unknown user: %v", err)
	}
}

func TestArchiveRestoreAndDefault(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	def, err := s.CreateCampaign(ctx, access.Principal{}, campaign.NewCampaign{
		ID: campaign.DefaultID, Name: "Default", Company: "D"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ArchiveCampaign(ctx, access.System(def.ID)); !errors.Is(err, campaign.ErrDefault) {
		t.Errorf("archive default: %v", err)
	}
	c, _ := s.CreateCampaign(ctx, access.Principal{}, campaign.NewCampaign{Name: "Temp", Company: "T"})
	sc := access.System(c.ID)
	got, err := s.ArchiveCampaign(ctx, sc)
	if err != nil || got.Status != campaign.StatusArchived || got.ArchivedAt == nil {
		t.Fatalf("archive: %+v, %v", got, err)
	}
	got, err = s.RestoreCampaign(ctx, sc)
	if err != nil || got.Status != campaign.StatusPaused || got.ArchivedAt != nil {
		t.Fatalf("restore: %+v, %v", got, err)
	}
	if _, err := s.RestoreCampaign(ctx, sc); !errors.Is(err, campaign.ErrNotArchived) {
		t.Errorf("restore twice: %v", err)
	}
	if _, err := s.CreateCampaign(ctx, access.Principal{}, campaign.NewCampaign{Name: "temp",
		Company: "T"}); !errors.Is(err, campaign.ErrSlugTaken) {
		t.Errorf("same slug: %v", err)
	}
}

func TestRoleChangesMoveAccessVersion(t *testing.T) {
	s, db := newStore(t)
	ctx := context.Background()
	owner := addUser(t, db, "owner")
	addUser(t, db, "mia")
	c, err := s.CreateCampaign(ctx, owner, campaign.NewCampaign{Name: "Versions", Company: "V"})
	if err != nil {
		t.Fatal(err)
	}
	os, _ := scopeOf(t, s, owner, c.ID)
	version := func() int {
		var v int
		db.R.QueryRow(`SELECT access_version FROM users WHERE id = 'mia'`).Scan(&v)
		return v
	}
	steps := []struct {
		name string
		do   func() error
		want int
	}{
		{"added", func() error {
			_, err := s.SetMember(ctx, os, "mia", access.RoleViewer)
			return err
		}, 1},
		{"promoted", func() error {
			_, err := s.SetMember(ctx, os, "mia", access.RoleOperator)
			return err
		}, 2},
		{"removed", func() error { return s.RemoveMember(ctx, os, "mia") }, 3},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := version(); got != st.want {
			t.Errorf("after %s: version %d, want %d", st.name, got, st.want)
		}
	}
}
