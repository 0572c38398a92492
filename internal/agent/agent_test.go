package agent

import (
	"context"
	"encoding/json"
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

// env is a migrated database with two campaigns, A and B.
type env struct {
	db    *database.DB
	store *Store
	act   *activity.Store
	a, b  access.Scope
}

func newEnv(t *testing.T) env {
	t.Helper()
	ctx := context.Background()
	db := testdb.New(t)
	act := activity.NewStore(db, nil)
	campaigns := campaign.NewStore(db, act)
	e := env{db: db, store: NewStore(db, act), act: act}
	for _, n := range []campaign.NewCampaign{
		{ID: "camp-a", Name: "Campaign A", Company: "A Corp"},
		{ID: "camp-b", Name: "Campaign B", Company: "B Corp"},
	} {
		if _, err := campaigns.CreateCampaign(ctx, access.Principal{}, n); err != nil {
			t.Fatal(err)
		}
	}
	e.a, e.b = access.System("camp-a"), access.System("camp-b")
	return e
}

func grant(t *testing.T, campaignID string, role access.Role) access.Scope {
	t.Helper()
	sc, err := access.Grant(access.Principal{UserID: "u1", PlatformRole: "member"}, campaignID,
		role)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func fieldKeys(t *testing.T, err error) []string {
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

func writerTemplate() NewTemplate {
	return NewTemplate{
		ID: "tpl-writer", Name: "writer", Description: "Writes posts.", Category: "content",
		Executor:        Executor{Type: ExecutorOpenClaw, AgentID: "writer"},
		DefaultConfig:   json.RawMessage(`{"tone": "plain", "words": 1200}`),
		DefaultSchedule: "0 8 * * 1",
	}
}

func TestExecutorValidate(t *testing.T) {
	tests := []struct {
		name     string
		in       Executor
		want     []string
		wantTime int
	}{
		{"command", Executor{Type: "command", Command: []string{"prog", "arg"}}, nil, 600},
		{"http", Executor{Type: "http", URL: "http://127.0.0.1:8080/run", TimeoutSeconds: 30},
			nil, 30},
		{"https", Executor{Type: "http", URL: "https://agents.example.com/run"}, nil, 600},
		{"openclaw", Executor{Type: "openclaw", AgentID: "hoa-content-writer",
			TimeoutSeconds: 86400}, nil, 86400},
		{"unknown type", Executor{Type: "shell"}, []string{"executor.type"}, 600},
		{"empty type", Executor{}, []string{"executor.type"}, 600},
		{"empty command", Executor{Type: "command"}, []string{"executor.command"}, 600},
		{"blank program", Executor{Type: "command", Command: []string{" "}},
			[]string{"executor.command"}, 600},
		{"NUL in argument", Executor{Type: "command", Command: []string{"prog", "a\x00b"}},
			[]string{"executor.command"}, 600},
		{"ftp url", Executor{Type: "http", URL: "ftp://example.com/x"},
			[]string{"executor.url"}, 600},
		{"url without host", Executor{Type: "http", URL: "http:///run"},
			[]string{"executor.url"}, 600},
		{"missing url", Executor{Type: "http"}, []string{"executor.url"}, 600},
		{"missing agent id", Executor{Type: "openclaw"}, []string{"executor.agentId"}, 600},
		{"agent id like a flag", Executor{Type: "openclaw", AgentID: "--help"},
			[]string{"executor.agentId"}, 600},
		{"negative timeout", Executor{Type: "command", Command: []string{"p"},
			TimeoutSeconds: -1}, []string{"executor.timeoutSeconds"}, -1},
		{"timeout over a day", Executor{Type: "command", Command: []string{"p"},
			TimeoutSeconds: 86401}, []string{"executor.timeoutSeconds"}, 86401},
		{"field of another type", Executor{Type: "command", Command: []string{"p"},
			URL: "http://example.com"}, []string{"executor.url"}, 600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.in
			got := fieldKeys(t, e.Validate())
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate() fields (-want +got):\n%s", diff)
			}
			if e.TimeoutSeconds != tt.wantTime {
				t.Errorf("TimeoutSeconds = %d, want %d", e.TimeoutSeconds, tt.wantTime)
			}
		})
	}
}

func TestCreateTemplateValidation(t *testing.T) {
	tests := []struct {
		name   string
		change func(*NewTemplate)
		want   []string
	}{
		{"valid", func(*NewTemplate) {}, nil},
		{"no schedule", func(n *NewTemplate) { n.DefaultSchedule = "" }, nil},
		{"no config", func(n *NewTemplate) { n.DefaultConfig = nil }, nil},
		{"empty name", func(n *NewTemplate) { n.Name = "  " }, []string{"name"}},
		{"long name", func(n *NewTemplate) { n.Name = strings.Repeat("x", 101) }, []string{"name"}},
		{"NUL in name", func(n *NewTemplate) { n.Name = "a\x00b" }, []string{"name"}},
		{"empty category", func(n *NewTemplate) { n.Category = "" }, []string{"category"}},
		{"long category", func(n *NewTemplate) { n.Category = strings.Repeat("c", 51) },
			[]string{"category"}},
		{"config array", func(n *NewTemplate) { n.DefaultConfig = json.RawMessage(`[1]`) },
			[]string{"defaultConfig"}},
		{"config not JSON", func(n *NewTemplate) { n.DefaultConfig = json.RawMessage(`{`) },
			[]string{"defaultConfig"}},
		{"descriptor schedule", func(n *NewTemplate) { n.DefaultSchedule = "@daily" },
			[]string{"defaultSchedule"}},
		{"six-field schedule", func(n *NewTemplate) { n.DefaultSchedule = "0 0 8 * * 1" },
			[]string{"defaultSchedule"}},
		{"out of range schedule", func(n *NewTemplate) { n.DefaultSchedule = "61 * * * *" },
			[]string{"defaultSchedule"}},
		{"bad executor", func(n *NewTemplate) { n.Executor = Executor{Type: "http"} },
			[]string{"executor.url"}},
		{"bad id", func(n *NewTemplate) { n.ID = "has space" }, []string{"id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			n := writerTemplate()
			tt.change(&n)
			_, err := e.store.CreateTemplate(context.Background(), n)
			if diff := cmp.Diff(tt.want, fieldKeys(t, err)); diff != "" {
				t.Errorf("CreateTemplate() fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTemplateLifecycle(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	created, err := e.store.CreateTemplate(ctx, writerTemplate())
	if err != nil {
		t.Fatal(err)
	}
	want := Template{
		ID: "tpl-writer", Name: "writer", Description: "Writes posts.", Category: "content",
		Executor:        Executor{Type: ExecutorOpenClaw, AgentID: "writer", TimeoutSeconds: 600},
		DefaultConfig:   json.RawMessage(`{"tone":"plain","words":1200}`),
		DefaultSchedule: "0 8 * * 1",
	}
	ignoreTimes := cmp.FilterPath(func(p cmp.Path) bool {
		f := p.Last().String()
		return f == ".CreatedAt" || f == ".UpdatedAt"
	}, cmp.Ignore())
	if diff := cmp.Diff(want, created, ignoreTimes); diff != "" {
		t.Errorf("CreateTemplate() (-want +got):\n%s", diff)
	}

	dup := writerTemplate()
	dup.ID = ""
	if _, err := e.store.CreateTemplate(ctx, dup); !errors.Is(err, derrors.Conflict) {
		t.Errorf("CreateTemplate(same name) = %v, want a conflict", err)
	}
	other := writerTemplate()
	other.Name = "other"
	if _, err := e.store.CreateTemplate(ctx, other); !errors.Is(err, derrors.Conflict) {
		t.Errorf("CreateTemplate(same id) = %v, want a conflict", err)
	}
	other.ID = ""
	if _, err := e.store.CreateTemplate(ctx, other); err != nil {
		t.Fatal(err)
	}

	name, category := "writer-v2", "blog"
	updated, err := e.store.UpdateTemplate(ctx, "tpl-writer",
		TemplatePatch{Name: &name, Category: &category})
	if err != nil {
		t.Fatal(err)
	}
	want.Name, want.Category = name, category
	if diff := cmp.Diff(want, updated, ignoreTimes); diff != "" {
		t.Errorf("UpdateTemplate() (-want +got):\n%s", diff)
	}
	taken := "other"
	if _, err := e.store.UpdateTemplate(ctx, "tpl-writer",
		TemplatePatch{Name: &taken}); !errors.Is(err, derrors.Conflict) {
		t.Errorf("UpdateTemplate(taken name) = %v, want a conflict", err)
	}
	if _, err := e.store.UpdateTemplate(ctx, "tpl-writer",
		TemplatePatch{DefaultConfig: json.RawMessage(`null`)}); err == nil {
		t.Error("UpdateTemplate(null config) succeeded, want a validation error")
	}

	list, err := e.store.Templates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tpl := range list {
		names = append(names, tpl.Name)
	}
	if diff := cmp.Diff([]string{"other", "writer-v2"}, names); diff != "" {
		t.Errorf("Templates() names (-want +got):\n%s", diff)
	}

	if err := e.store.DeleteTemplate(ctx, "tpl-writer"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Template(ctx, "tpl-writer"); !errors.Is(err, derrors.NotFound) {
		t.Errorf("Template(deleted) = %v, want not found", err)
	}
	if err := e.store.DeleteTemplate(ctx, "tpl-writer"); !errors.Is(err, ErrTemplateNotFound) {
		t.Errorf("DeleteTemplate(deleted) = %v, want ErrTemplateNotFound", err)
	}
}

func TestDeleteTemplateKeepsAgentsWorking(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if _, err := e.store.CreateTemplate(ctx, writerTemplate()); err != nil {
		t.Fatal(err)
	}
	a, err := e.store.AssignAgent(ctx, e.a, NewAgent{
		TemplateID: "tpl-writer", Config: json.RawMessage(`{"words": 800}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	wantEffective := `{"tone":"plain","words":800}`
	if got := string(a.EffectiveConfig); got != wantEffective {
		t.Errorf("EffectiveConfig = %s, want %s", got, wantEffective)
	}

	if err := e.store.DeleteTemplate(ctx, "tpl-writer"); err != nil {
		t.Fatal(err)
	}
	got, err := e.store.Agent(ctx, e.a, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.TemplateID != "" || got.TemplateName != "" {
		t.Errorf("template = %q %q, want none", got.TemplateID, got.TemplateName)
	}
	if string(got.EffectiveConfig) != wantEffective {
		t.Errorf("EffectiveConfig after delete = %s, want %s", got.EffectiveConfig, wantEffective)
	}
	if diff := cmp.Diff(a.Executor, got.Executor); diff != "" {
		t.Errorf("Executor after delete (-want +got):\n%s", diff)
	}
}

func TestAssignAgent(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if _, err := e.store.CreateTemplate(ctx, writerTemplate()); err != nil {
		t.Fatal(err)
	}
	got, err := e.store.AssignAgent(ctx, e.a, NewAgent{TemplateID: "tpl-writer"})
	if err != nil {
		t.Fatal(err)
	}
	want := Agent{
		ID: got.ID, CampaignID: "camp-a", TemplateID: "tpl-writer", TemplateName: "writer",
		TemplateConfig:  json.RawMessage(`{"tone":"plain","words":1200}`),
		Name:            "writer",
		Executor:        Executor{Type: ExecutorOpenClaw, AgentID: "writer", TimeoutSeconds: 600},
		Config:          json.RawMessage(`{}`),
		EffectiveConfig: json.RawMessage(`{"tone":"plain","words":1200}`),
		Status:          StatusIdle, MaxConcurrentRuns: 1, CreatedAt: got.CreatedAt,
		UpdatedAt: got.UpdatedAt,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AssignAgent(from template) (-want +got):\n%s", diff)
	}

	scratch, err := e.store.AssignAgent(ctx, e.a, NewAgent{
		Name:     "poller",
		Executor: &Executor{Type: ExecutorHTTP, URL: "https://agents.example.com/poll"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if scratch.TemplateID != "" || scratch.Executor.TimeoutSeconds != 600 {
		t.Errorf("AssignAgent(from scratch) = %+v, want no template and the default timeout",
			scratch)
	}

	entries, _, err := e.act.Entries(ctx, e.a, activity.Filter{Type: "agent.assigned", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].AgentID == "" {
		t.Errorf("agent.assigned entries = %+v, want two with agent ids", entries)
	}
}

func TestAssignAgentValidation(t *testing.T) {
	cmdExec := &Executor{Type: ExecutorCommand, Command: []string{"prog"}}
	tests := []struct {
		name string
		in   NewAgent
		want []string
	}{
		{"from scratch", NewAgent{Name: "x", Executor: cmdExec}, nil},
		{"name overrides template", NewAgent{TemplateID: "tpl-writer", Name: "writer-2"}, nil},
		{"no name without template", NewAgent{Executor: cmdExec}, []string{"name"}},
		{"no executor without template", NewAgent{Name: "x"}, []string{"executor"}},
		{"unknown template", NewAgent{TemplateID: "tpl-nope"},
			[]string{"executor", "name", "templateId"}},
		{"bad executor", NewAgent{TemplateID: "tpl-writer",
			Executor: &Executor{Type: ExecutorHTTP, URL: "file:///etc/passwd"}},
			[]string{"executor.url"}},
		{"NUL in name", NewAgent{Name: "a\x00", Executor: cmdExec}, []string{"name"}},
		{"long name", NewAgent{Name: strings.Repeat("n", 101), Executor: cmdExec},
			[]string{"name"}},
		{"multi-line name", NewAgent{Name: "a\nb", Executor: cmdExec}, []string{"name"}},
		{"config array", NewAgent{Name: "x", Executor: cmdExec,
			Config: json.RawMessage(`[]`)}, []string{"config"}},
		{"config string", NewAgent{Name: "x", Executor: cmdExec,
			Config: json.RawMessage(`"x"`)}, []string{"config"}},
		{"config too large", NewAgent{Name: "x", Executor: cmdExec,
			Config: json.RawMessage(`{"k":"` + strings.Repeat("v", 64<<10) + `"}`)},
			[]string{"config"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t)
			if _, err := e.store.CreateTemplate(ctx, writerTemplate()); err != nil {
				t.Fatal(err)
			}
			_, err := e.store.AssignAgent(ctx, e.a, tt.in)
			if diff := cmp.Diff(tt.want, fieldKeys(t, err)); diff != "" {
				t.Errorf("AssignAgent() fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAgentNamesUniquePerCampaign(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	n := NewAgent{Name: "scout", Executor: &Executor{Type: "command", Command: []string{"p"}}}
	if _, err := e.store.AssignAgent(ctx, e.a, n); err != nil {
		t.Fatal(err)
	}
	_, err := e.store.AssignAgent(ctx, e.a, n)
	if !errors.Is(err, ErrNameTaken) || !errors.Is(err, derrors.Conflict) {
		t.Errorf("AssignAgent(same name) = %v, want ErrNameTaken (a conflict)", err)
	}
	if _, err := e.store.AssignAgent(ctx, e.b, n); err != nil {
		t.Errorf("AssignAgent(same name, other campaign) = %v, want success", err)
	}
}

func TestUpdateAgent(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if _, err := e.store.CreateTemplate(ctx, writerTemplate()); err != nil {
		t.Fatal(err)
	}
	a, err := e.store.AssignAgent(ctx, e.a, NewAgent{TemplateID: "tpl-writer"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.store.AssignAgent(ctx, e.a, NewAgent{TemplateID: "tpl-writer", Name: "w2"})
	if err != nil {
		t.Fatal(err)
	}

	name, paused := "lead-writer", StatusPaused
	got, err := e.store.UpdateAgent(ctx, e.a, a.ID, AgentPatch{
		Name: &name, Status: &paused, Config: json.RawMessage(`{"tone": "warm"}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := a
	want.Name, want.Status = name, paused
	want.Config = json.RawMessage(`{"tone":"warm"}`)
	want.EffectiveConfig = json.RawMessage(`{"tone":"warm","words":1200}`)
	want.UpdatedAt = got.UpdatedAt
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("UpdateAgent() (-want +got):\n%s", diff)
	}

	running, taken := StatusRunning, "w2"
	tests := []struct {
		name  string
		patch AgentPatch
		want  []string
	}{
		{"status set by runs", AgentPatch{Status: &running}, []string{"status"}},
		{"bad executor", AgentPatch{Executor: &Executor{Type: "http", URL: "gopher://x"}},
			[]string{"executor.url"}},
		{"null config", AgentPatch{Config: json.RawMessage(`null`)}, []string{"config"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.store.UpdateAgent(ctx, e.a, a.ID, tt.patch)
			if diff := cmp.Diff(tt.want, fieldKeys(t, err)); diff != "" {
				t.Errorf("UpdateAgent() fields (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := e.store.UpdateAgent(ctx, e.a, a.ID,
		AgentPatch{Name: &taken}); !errors.Is(err, ErrNameTaken) {
		t.Errorf("UpdateAgent(rename to %s) = %v, want ErrNameTaken", other.Name, err)
	}
	if _, err := e.store.UpdateAgent(ctx, e.a, "nope", AgentPatch{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateAgent(unknown) = %v, want ErrNotFound", err)
	}
	after, err := e.store.Agent(ctx, e.a, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, after); diff != "" {
		t.Errorf("agent changed by failed updates (-want +got):\n%s", diff)
	}
}

func TestRemoveAgentKeepsRuns(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	a, err := e.store.AssignAgent(ctx, e.a, NewAgent{
		Name: "scout", Executor: &Executor{Type: "command", Command: []string{"p"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	now := database.FormatTime(time.Now())
	if _, err := e.db.W.ExecContext(ctx, `
		INSERT INTO runs (id, campaign_id, agent_id, agent_name, trigger, status, created_at,
			updated_at)
		VALUES ('run-1', 'camp-a', ?, '', 'manual', 'completed', ?, ?)`, a.ID, now, now); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.W.ExecContext(ctx, `
		INSERT INTO schedules (id, campaign_id, agent_id, name, cron, created_at, updated_at)
		VALUES ('sch-1', 'camp-a', ?, 'Daily', '0 8 * * *', ?, ?)`, a.ID, now, now); err != nil {
		t.Fatal(err)
	}

	if err := e.store.RemoveAgent(ctx, e.a, a.ID); err != nil {
		t.Fatal(err)
	}
	var agentID *string
	var agentName string
	if err := e.db.R.QueryRowContext(ctx, `
		SELECT agent_id, agent_name FROM runs WHERE campaign_id = 'camp-a' AND id = 'run-1'`).
		Scan(&agentID, &agentName); err != nil {
		t.Fatal(err)
	}
	if agentID != nil || agentName != "scout" {
		t.Errorf("run after removal: agent_id %v, agent_name %q; want NULL and scout",
			agentID, agentName)
	}
	if _, err := e.store.Agent(ctx, e.a, a.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Agent(removed) = %v, want ErrNotFound", err)
	}
	if err := e.store.RemoveAgent(ctx, e.a, a.ID); !errors.Is(err, derrors.NotFound) {
		t.Errorf("RemoveAgent(removed) = %v, want not found", err)
	}
	entries, _, err := e.act.Entries(ctx, e.a, activity.Filter{Type: "agent.removed", Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || !strings.Contains(entries[0].Detail, "with its schedule") {
		t.Errorf("agent.removed entries = %+v, want one naming the schedule", entries)
	}
	var schedules int
	if err := e.db.R.QueryRowContext(ctx, `
		SELECT COUNT(*) FROM schedules WHERE campaign_id = 'camp-a'`).Scan(&schedules); err != nil {
		t.Fatal(err)
	}
	if schedules != 0 {
		t.Errorf("schedules after removal = %d, want 0", schedules)
	}
}

func TestAgentsAreIsolatedByCampaign(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	n := NewAgent{Name: "a-agent", Executor: &Executor{Type: "command", Command: []string{"p"}}}
	a, err := e.store.AssignAgent(ctx, e.a, n)
	if err != nil {
		t.Fatal(err)
	}
	n.Name = "b-agent"
	if _, err := e.store.AssignAgent(ctx, e.b, n); err != nil {
		t.Fatal(err)
	}

	for _, sc := range []access.Scope{e.b, grant(t, "camp-b", access.RoleOwner)} {
		if _, err := e.store.Agent(ctx, sc, a.ID); !errors.Is(err, derrors.NotFound) {
			t.Errorf("Agent(A's agent) through B = %v, want not found", err)
		}
		name := "stolen"
		if _, err := e.store.UpdateAgent(ctx, sc, a.ID,
			AgentPatch{Name: &name}); !errors.Is(err, derrors.NotFound) {
			t.Errorf("UpdateAgent(A's agent) through B = %v, want not found", err)
		}
		if err := e.store.RemoveAgent(ctx, sc, a.ID); !errors.Is(err, derrors.NotFound) {
			t.Errorf("RemoveAgent(A's agent) through B = %v, want not found", err)
		}
		list, err := e.store.Agents(ctx, sc)
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range list {
			if got.CampaignID != "camp-b" {
				t.Errorf("Agents(B) lists %s of campaign %s", got.Name, got.CampaignID)
			}
		}
		if len(list) != 1 {
			t.Errorf("Agents(B) = %d agents, want 1", len(list))
		}
	}
	got, err := e.store.Agent(ctx, e.a, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, got); diff != "" {
		t.Errorf("A's agent changed through B (-want +got):\n%s", diff)
	}
}

func TestViewerCannotWrite(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	n := NewAgent{Name: "scout", Executor: &Executor{Type: "command", Command: []string{"p"}}}
	a, err := e.store.AssignAgent(ctx, e.a, n)
	if err != nil {
		t.Fatal(err)
	}
	viewer := grant(t, "camp-a", access.RoleViewer)
	n.Name = "other"
	if _, err := e.store.AssignAgent(ctx, viewer, n); !errors.Is(err, derrors.Forbidden) {
		t.Errorf("AssignAgent(viewer) = %v, want forbidden", err)
	}
	name := "renamed"
	if _, err := e.store.UpdateAgent(ctx, viewer, a.ID,
		AgentPatch{Name: &name}); !errors.Is(err, derrors.Forbidden) {
		t.Errorf("UpdateAgent(viewer) = %v, want forbidden", err)
	}
	if err := e.store.RemoveAgent(ctx, viewer, a.ID); !errors.Is(err, derrors.Forbidden) {
		t.Errorf("RemoveAgent(viewer) = %v, want forbidden", err)
	}
	if _, err := e.store.Agent(ctx, viewer, a.ID); err != nil {
		t.Errorf("Agent(viewer) = %v, want the agent", err)
	}
	operator := grant(t, "camp-a", access.RoleOperator)
	if _, err := e.store.UpdateAgent(ctx, operator, a.ID, AgentPatch{Name: &name}); err != nil {
		t.Errorf("UpdateAgent(operator) = %v, want success", err)
	}
}

func TestAgentJSON(t *testing.T) {
	tests := []struct {
		name       string
		templateID string
		want       string
	}{
		{"without template", "", `null`},
		{"with template", "tpl-x", `"tpl-x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(Agent{TemplateID: tt.templateID, Config: json.RawMessage(`{}`),
				EffectiveConfig: json.RawMessage(`{}`), TemplateConfig: json.RawMessage(`{}`)})
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]json.RawMessage
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if string(got["templateId"]) != tt.want {
				t.Errorf("templateId = %s, want %s", got["templateId"], tt.want)
			}
			for _, key := range []string{"campaignId", "effectiveConfig", "runCount",
				"lastRunAt", "lastRunStatus", "executor"} {
				if _, ok := got[key]; !ok {
					t.Errorf("JSON lacks %s: %s", key, b)
				}
			}
		})
	}
}

func TestMergeConfig(t *testing.T) {
	tests := []struct {
		name, defaults, overrides, want string
	}{
		{"override wins", `{"a":1,"b":2}`, `{"b":3}`, `{"a":1,"b":3}`},
		{"shallow", `{"n":{"x":1,"y":2}}`, `{"n":{"x":5}}`, `{"n":{"x":5}}`},
		{"no defaults", `{}`, `{"a":1}`, `{"a":1}`},
		{"no overrides", `{"a":1}`, `{}`, `{"a":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(mergeConfig(json.RawMessage(tt.defaults), json.RawMessage(tt.overrides)))
			if got != tt.want {
				t.Errorf("mergeConfig() = %s, want %s", got, tt.want)
			}
		})
	}
}
