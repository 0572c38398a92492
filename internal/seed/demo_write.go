package seed

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/database"
)

// metricRow is one campaign's rollup for one day in its own zone.
type metricRow struct {
	campaignID, date                   string
	generated, contacted, sent, opened int
	replies, runs, errors              int
	cost                               float64
}

// computeMetrics counts the history the way the metrics rollup does, so that recomputing the
// rollup later gives the same rows: one row for every day of the window in each campaign.
func computeMetrics(h *history) []metricRow {
	var out []metricRow
	for _, f := range h.fleets {
		days := map[string]*metricRow{}
		var order []string
		for d := h.now.Add(-demoDays * day); ; d = d.Add(day) {
			key := d.In(f.loc).Format(time.DateOnly)
			if days[key] == nil {
				days[key] = &metricRow{campaignID: f.campaignID, date: key}
				order = append(order, key)
			}
			if !d.Before(h.now) {
				break
			}
		}
		countInto(h, f, days)
		slices.Sort(order)
		for _, key := range order {
			out = append(out, *days[key])
		}
	}
	return out
}

func countInto(h *history, f fleet, days map[string]*metricRow) {
	at := func(t *time.Time) *metricRow {
		if t == nil {
			return &metricRow{}
		}
		if m := days[t.In(f.loc).Format(time.DateOnly)]; m != nil {
			return m
		}
		return &metricRow{}
	}
	for _, r := range h.runs {
		if r.campaignID != f.campaignID {
			continue
		}
		// The rollup counts a run on the day it ended.
		m := at(&r.finishedAt)
		m.runs++
		if r.status == "failed" || r.status == "timeout" {
			m.errors++
		}
		m.cost += r.cost
		m.sent += r.counts.EmailsSent
		m.opened += r.counts.EmailsOpened
		m.replies += r.counts.RepliesReceived
	}
	countRecords(h, f.campaignID, at)
}

func countRecords(h *history, campaignID string, at func(*time.Time) *metricRow) {
	for _, l := range h.leads {
		if l.campaignID == campaignID {
			at(&l.createdAt).generated++
			at(l.lastContacted).contacted++
		}
	}
	for _, c := range h.contacts {
		if c.campaignID == campaignID {
			at(&c.createdAt).generated++
			at(c.lastContacted).contacted++
		}
	}
	for _, p := range h.prospects {
		if p.campaignID == campaignID {
			at(p.firstEmail).sent++
		}
	}
}

// writeDemo inserts the history, table by table, through prepared statements.
func writeDemo(ctx context.Context, tx *database.Tx, h *history) error {
	steps := []func(context.Context, *database.Tx, *history) error{
		insertRuns, insertLeads, insertContacts, insertContent, insertEngagement,
		insertProspects, insertActivity, insertMetrics, updateAgents, updateSchedules,
		backdateSetup, indexSearch, markLoaded,
	}
	for _, step := range steps {
		if err := step(ctx, tx, h); err != nil {
			return err
		}
	}
	return nil
}

// indexSearch adds the demo records to the search index.
func indexSearch(ctx context.Context, tx *database.Tx, h *history) error {
	for _, f := range h.fleets {
		if err := data.IndexNew(ctx, tx, f.campaignID); err != nil {
			return err
		}
	}
	return nil
}

// insertRows runs one prepared statement n times with the arguments of each row.
func insertRows(ctx context.Context, tx *database.Tx, query string, n int,
	args func(i int) []any) error {
	stmt, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer stmt.Close()
	for i := range n {
		if _, err := stmt.ExecContext(ctx, args(i)...); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
	}
	return nil
}

func ts(t time.Time) string { return database.FormatTime(t) }

func insertRuns(ctx context.Context, tx *database.Tx, h *history) error {
	return insertRows(ctx, tx, `
		INSERT INTO runs (id, campaign_id, agent_id, agent_name, schedule_id, trigger, status,
			message, fire_at, started_at, finished_at, duration_ms, tokens_used, cost_usd,
			output, error, records_ingested, metrics, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		len(h.runs), func(i int) []any {
			r := h.runs[i]
			return []any{r.id, r.campaignID, r.agentID, r.agentName,
				database.NullString(r.scheduleID), r.trigger, r.status, r.message,
				database.NullableTime(r.fireAt), ts(r.startedAt), ts(r.finishedAt),
				r.finishedAt.Sub(r.startedAt).Milliseconds(),
				r.tokens, r.cost, r.output, r.err, r.records, r.metrics, ts(r.startedAt),
				ts(r.finishedAt)}
		})
}

func insertLeads(ctx context.Context, tx *database.Tx, h *history) error {
	return insertRows(ctx, tx, `
		INSERT INTO leads (id, campaign_id, source_run_id, natural_key, source, name, email,
			phone, company, status, score, last_contacted_at, next_follow_up_at,
			follow_up_count, converted_at, conversion_value, notes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		len(h.leads), func(i int) []any {
			l := h.leads[i]
			return []any{l.id, l.campaignID, l.runID, l.email, l.source, l.name, l.email,
				l.phone, l.company, l.status, l.score, database.NullableTime(l.lastContacted),
				database.NullableTime(l.nextFollowUp), l.followUps,
				database.NullableTime(l.converted), l.value, l.notes, ts(l.createdAt),
				ts(l.updatedAt)}
		})
}

func insertContacts(ctx context.Context, tx *database.Tx, h *history) error {
	return insertRows(ctx, tx, `
		INSERT INTO hoa_contacts (id, campaign_id, source_run_id, natural_key, hoa_name,
			entity_number, contact_person, title, email, phone, property_address, city, state,
			zip, unit_count, management_company, source_url, source_type, confidence_score,
			status, last_contacted_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		len(h.contacts), func(i int) []any {
			c := h.contacts[i]
			return []any{c.id, c.campaignID, c.runID, c.key, c.hoaName, c.entity, c.person,
				c.title, c.email, c.phone, c.address, c.city, c.state, c.zip, c.units,
				c.management, c.sourceURL, c.sourceType, c.confidence, c.status,
				database.NullableTime(c.lastContacted), ts(c.createdAt), ts(c.updatedAt)}
		})
}

func insertContent(ctx context.Context, tx *database.Tx, h *history) error {
	return insertRows(ctx, tx, `
		INSERT INTO content_queue (id, campaign_id, source_run_id, platform, post_type, content,
			topic, source_agent, status, scheduled_for, approved_at, posted_at, external_post_id,
			created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		len(h.content), func(i int) []any {
			c := h.content[i]
			return []any{c.id, c.campaignID, c.runID, c.platform, c.postType, c.content,
				c.topic, c.agent, c.status, database.NullableTime(c.scheduledFor),
				database.NullableTime(c.approvedAt), database.NullableTime(c.postedAt),
				c.externalID, ts(c.createdAt), ts(c.updatedAt)}
		})
}

func insertEngagement(ctx context.Context, tx *database.Tx, h *history) error {
	return insertRows(ctx, tx, `
		INSERT INTO lg_engagement_queue (id, campaign_id, source_run_id, natural_key, platform,
			community, post_url, post_title, post_summary, post_author, post_age_hours,
			relevance_score, draft_response, includes_link, link_url, status, approved_at,
			posted_at, engagement_likes, engagement_replies, engagement_clicks, created_at,
			updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		len(h.engagement), func(i int) []any {
			e := h.engagement[i]
			return []any{e.id, e.campaignID, e.runID, e.url, e.platform, e.community, e.url,
				e.title, e.summary, e.author, e.ageHours, e.relevance, e.draft, e.linkURL != "",
				e.linkURL, e.status, database.NullableTime(e.approvedAt),
				database.NullableTime(e.postedAt), e.likes, e.replies, e.clicks,
				ts(e.createdAt), ts(e.updatedAt)}
		})
}

func insertProspects(ctx context.Context, tx *database.Tx, h *history) error {
	return insertRows(ctx, tx, `
		INSERT INTO email_prospects (id, campaign_id, source_run_id, natural_key, company_name,
			contact_name, email, phone, website, hoas_managed, state_code, source, status,
			first_email_sent_at, last_contacted_at, open_count, click_count, reply_count,
			lead_score, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		len(h.prospects), func(i int) []any {
			p := h.prospects[i]
			return []any{p.id, p.campaignID, p.runID, p.email, p.company, p.contact, p.email,
				p.phone, p.website, p.hoas, p.state, p.source, p.status,
				database.NullableTime(p.firstEmail), database.NullableTime(p.firstEmail),
				p.opens, p.clicks, p.replies, p.score, ts(p.createdAt), ts(p.updatedAt)}
		})
}

func insertActivity(ctx context.Context, tx *database.Tx, h *history) error {
	return insertRows(ctx, tx, `
		INSERT INTO campaign_activity (id, campaign_id, type, severity, title, detail, agent_id,
			run_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		len(h.activity), func(i int) []any {
			a := h.activity[i]
			return []any{a.id, a.campaignID, a.typ, a.severity, a.title, a.detail,
				database.NullString(a.agentID), database.NullString(a.runID), ts(a.at)}
		})
}

func insertMetrics(ctx context.Context, tx *database.Tx, h *history) error {
	// The rollup may already count real work of the default campaign; the demo adds to it, as
	// a recompute of those days would.
	return insertRows(ctx, tx, `
		INSERT INTO campaign_metrics (campaign_id, date, leads_generated, leads_contacted,
			emails_sent, emails_opened, replies_received, agent_runs, agent_errors, cost_usd,
			updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (campaign_id, date) DO UPDATE SET
			leads_generated = leads_generated + excluded.leads_generated,
			leads_contacted = leads_contacted + excluded.leads_contacted,
			emails_sent = emails_sent + excluded.emails_sent,
			emails_opened = emails_opened + excluded.emails_opened,
			replies_received = replies_received + excluded.replies_received,
			agent_runs = agent_runs + excluded.agent_runs,
			agent_errors = agent_errors + excluded.agent_errors,
			cost_usd = cost_usd + excluded.cost_usd, updated_at = excluded.updated_at`,
		len(h.metrics), func(i int) []any {
			m := h.metrics[i]
			return []any{m.campaignID, m.date, m.generated, m.contacted, m.sent, m.opened,
				m.replies, m.runs, m.errors, m.cost, ts(h.now)}
		})
}
