package seed

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/agent"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/internal/schedule"
)

// DemoMarkerCampaign is the demo campaign whose "demo.loaded" activity entry records that the
// demo data set is in; Demo does nothing once it is there.
const DemoMarkerCampaign = "demo-saas-outreach"

// demoDays is how far back the demo's history reaches.
const demoDays = 30

// Kinds of agent in the demo, by the records their runs produce.
const (
	kindLeads      = "leads"
	kindContacts   = "contacts"
	kindContent    = "content"
	kindEngagement = "engagement"
	kindProspects  = "prospects"
	kindEmail      = "email"
	kindReport     = "report"
)

// demoCampaign is one campaign of the demo set.
type demoCampaign struct {
	campaign.NewCampaign
	agents []demoAgent
}

// demoAgent is a demo agent, assigned from the example agent template.
type demoAgent struct {
	name, kind, config      string
	cron, schedule, message string
	enabled                 bool
}

var demoCampaigns = []demoCampaign{
	{
		NewCampaign: campaign.NewCampaign{
			ID: DemoMarkerCampaign, Name: "SaaS Cold Outreach", Company: "Northwind Analytics",
			Type: "outreach", Color: "#10B981", Icon: "🚀", Timezone: "Europe/London",
			Description: "Cold outreach to heads of operations at mid-sized SaaS companies.",
		},
		agents: []demoAgent{
			{name: "lead-finder", kind: kindLeads, config: `{"leadsPerRun":5,"segment":"saas-ops"}`,
				cron: "0 9 * * 1-5", schedule: "Weekday lead search", enabled: true,
				message: "Find five SaaS operations leaders who posted about reporting pain."},
			{name: "email-writer", kind: kindProspects, config: `{"tone":"friendly"}`,
				cron: "0 11 * * 1-5", schedule: "Weekday first emails", enabled: true,
				message: "Write and send first emails to new prospects."},
			{name: "reply-tracker", kind: kindEmail, config: `{}`,
				cron: "0 9,13,17 * * 1-5", schedule: "Reply check",
				message: "Check the outreach inbox for opens and replies."},
			{name: "linkedin-scout", kind: kindLeads, config: `{"source":"linkedin"}`},
		},
	},
	{
		NewCampaign: campaign.NewCampaign{
			ID: "demo-hoa-ca-expansion", Name: "HOA CA Expansion", Company: "HOA Project Funding",
			Type: "lead-gen", Color: "#F59E0B", Icon: "🌴", Timezone: "America/Los_Angeles",
			Description: "Taking HOA project funding to California communities.",
		},
		agents: []demoAgent{
			{name: "ca-discovery", kind: kindContacts, config: `{"state":"CA"}`,
				cron: "0 6 * * 1", schedule: "Weekly CA discovery", enabled: true,
				message: "Find California HOA communities with more than 50 units."},
			{name: "ca-contact-finder", kind: kindContacts, config: `{"state":"CA"}`,
				cron: "0 8 * * 2", schedule: "Board contact search",
				message: "Find board contacts for newly discovered California HOAs."},
			{name: "ca-outreach-drafter", kind: kindProspects, config: `{"state":"CA"}`,
				cron: "0 9 * * 4", schedule: "Weekly outreach drafts",
				message: "Draft outreach to California management companies."},
			{name: "ca-content-writer", kind: kindContent, config: `{"audience":"CA boards"}`},
			{name: "ca-minutes-monitor", kind: kindLeads, config: `{"state":"CA"}`},
		},
	},
	{
		NewCampaign: campaign.NewCampaign{
			ID: "demo-crypto-monitor", Name: "Crypto Trading Monitor",
			Company: "Orbit Capital Labs", Type: "trading", Status: campaign.StatusPaused,
			Color: "#8B5CF6", Icon: "📈", Timezone: "UTC",
			Description: "Market watch and daily summaries for the research channel.",
		},
		agents: []demoAgent{
			{name: "price-watcher", kind: kindReport, config: `{"pairs":["BTC-USD","ETH-USD"]}`,
				cron: "0 */6 * * *", schedule: "Price check", enabled: true,
				message: "Check prices and flag moves above three percent."},
			{name: "news-scanner", kind: kindContent, config: `{}`,
				cron: "0 8,14,20 * * *", schedule: "News scan",
				message: "Summarise market news worth a post."},
			{name: "daily-report", kind: kindContent, config: `{"channel":"research"}`,
				cron: "0 18 * * *", schedule: "Daily market report", enabled: true,
				message: "Write the daily market summary."},
		},
	},
}

// hoaKinds says what each HOA fleet agent produces in the demo history.
var hoaKinds = map[string]string{
	"hoa-content-writer":    kindContent,
	"hoa-social-media":      kindContent,
	"hoa-social-engagement": kindEngagement,
	"hoa-networker":         kindEngagement,
	"hoa-email-campaigns":   kindEmail,
	"hoa-discovery":         kindContacts,
	"hoa-contact-finder":    kindContacts,
	"hoa-outreach-drafter":  kindProspects,
	"hoa-minutes-monitor":   kindLeads,
}

// Demo loads the demo data set once: three more campaigns with agents from the example agent
// template and schedules, and for them and the default campaign thirty days of runs, leads,
// contacts, content, prospects, metrics and activity before now. The history depends only on
// now, so two databases seeded with the same now hold the same rows.
func Demo(ctx context.Context, db *database.DB, campaigns *campaign.Store, agents *agent.Store,
	schedules *schedule.Store, now time.Time) error {
	if err := Defaults(ctx, db, campaigns, agents, schedules); err != nil {
		return err
	}
	if loaded, err := demoLoaded(ctx, db.R); err != nil || loaded {
		return err
	}
	for _, dc := range demoCampaigns {
		if err := ensureCampaign(ctx, campaigns, dc.NewCampaign); err != nil {
			return fmt.Errorf("seed: demo: %w", err)
		}
	}
	now = now.UTC().Truncate(time.Millisecond)
	err := db.Tx(ctx, func(tx *database.Tx) error {
		if loaded, err := demoLoaded(ctx, tx); err != nil || loaded {
			return err
		}
		if err := assignDemoAgents(ctx, tx, agents, schedules); err != nil {
			return err
		}
		fleets, err := readFleets(ctx, tx)
		if err != nil {
			return err
		}
		return writeDemo(ctx, tx, generate(now, fleets))
	})
	if err != nil {
		return fmt.Errorf("seed: demo: %w", err)
	}
	return nil
}

// rowQuerier is the reader pool or a transaction.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func demoLoaded(ctx context.Context, q rowQuerier) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `
		SELECT COUNT(*) FROM campaign_activity WHERE campaign_id = ? AND type = 'demo.loaded'`,
		DemoMarkerCampaign).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("seed: demo marker: %w", err)
	}
	return n > 0, nil
}

// ensureCampaign creates a demo campaign unless it exists; a crash between this and the data
// transaction is repaired by the next start, which finds the campaigns and no marker.
func ensureCampaign(ctx context.Context, campaigns *campaign.Store, n campaign.NewCampaign) error {
	_, err := campaigns.Campaign(ctx, access.System(n.ID))
	if err == nil {
		return nil
	}
	if !errors.Is(err, derrors.NotFound) {
		return err
	}
	_, err = campaigns.CreateCampaign(ctx, access.Principal{}, n)
	return err
}

// assignDemoAgents gives each demo campaign its agents and schedules.
func assignDemoAgents(ctx context.Context, tx *database.Tx, agents *agent.Store,
	schedules *schedule.Store) error {
	tplID, err := ensureTemplate(ctx, tx, agents, ExampleTemplate())
	if err != nil {
		return err
	}
	for _, dc := range demoCampaigns {
		sc := access.System(dc.ID)
		for _, da := range dc.agents {
			a, err := agents.AssignAgentTx(ctx, tx, sc, agent.NewAgent{
				ID: "agt-" + dc.ID + "-" + da.name, TemplateID: tplID, Name: da.name,
				Config: json.RawMessage(da.config),
			})
			if err != nil {
				return fmt.Errorf("agent %s of %s: %w", da.name, dc.ID, err)
			}
			if da.cron == "" {
				continue
			}
			enabled := da.enabled
			if _, err := schedules.CreateScheduleTx(ctx, tx, sc, schedule.NewSchedule{
				ID: "sch-" + dc.ID + "-" + da.name, AgentID: a.ID, Name: da.schedule,
				Cron: da.cron, Message: da.message, Enabled: &enabled,
			}); err != nil {
				return fmt.Errorf("schedule of %s in %s: %w", da.name, dc.ID, err)
			}
		}
	}
	return nil
}
