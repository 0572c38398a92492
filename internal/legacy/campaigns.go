package legacy

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/database"
)

// Limits of campaign fields, as the campaign package keeps them.
const (
	maxCampaignName = 100
	maxDescription  = 2000
	maxSlug         = 64
	maxConfigBytes  = 64 << 10
)

// importCampaigns brings the source's campaigns over. A campaign here with the same id or
// slug — the default campaign, always — is kept as it is and receives the source's rows.
func (r *run) importCampaigns(ctx context.Context) error {
	err := r.importTable(ctx, tableSpec{table: "campaigns", target: "campaigns",
		known: r.knownCampaign, write: r.writeCampaign})
	if err != nil {
		return err
	}
	for _, m := range r.report.Campaigns {
		if m.Outcome == Imported {
			r.note("New campaigns take the default campaign's time zone, %s, as the original "+
				"ran every campaign on one clock.", r.def.timezone)
			break
		}
	}
	return nil
}

// knownCampaign maps a campaign an earlier import brought over.
func (r *run) knownCampaign(ctx context.Context, tx *database.Tx, rw row, _ *scope,
	id string) error {
	c, err := findCampaign(ctx, tx, id, "")
	if database.IsNoRows(err) {
		c = r.def
	} else if err != nil {
		return fmt.Errorf("campaign %s: %w", id, err)
	}
	r.addCampaign(rw.id(), rw.text("slug"), c, Existing)
	return nil
}

// newCampaign is a source campaign made to fit this system's rules.
type newCampaign struct {
	name, company, slug, typ, status, color, icon, description string
	config                                                     json.RawMessage
	created, updated                                           time.Time
}

func (r *run) writeCampaign(ctx context.Context, tx *database.Tx, rw row, _ *scope,
	is *issues) (string, string, error) {
	srcID := rw.id()
	if srcID == "" {
		is.add("no id")
		return Skipped, "", nil
	}
	n := r.campaignFields(rw, is)
	c, err := findCampaign(ctx, tx, srcID, n.slug)
	if err == nil {
		r.mergedCampaign(srcID, rw.text("slug"), n, c)
		return Merged, c.id, nil
	}
	if !database.IsNoRows(err) {
		return "", "", fmt.Errorf("campaign %s: %w", srcID, err)
	}
	id := srcID
	if !keepable(id) {
		id = database.NewID()
		is.add("id %q cannot be used here; given %s", srcID, id)
	}
	if err := insertCampaign(ctx, tx, id, n, r.def.timezone); err != nil {
		return "", "", err
	}
	r.addCampaign(srcID, rw.text("slug"), campaignRef{id: id, slug: n.slug,
		timezone: r.def.timezone, status: n.status}, Imported)
	return Imported, id, nil
}

func (r *run) mergedCampaign(srcID, srcSlug string, n newCampaign, c campaignRef) {
	r.addCampaign(srcID, srcSlug, c, Merged)
	if c.id == srcID {
		r.note("Campaign %s was here already and was kept as it is; its rows were added to it.",
			c.id)
		return
	}
	r.note("Campaign %s (%s) went into campaign %s here, which has the same slug.", srcID,
		n.name, c.id)
}

func insertCampaign(ctx context.Context, tx *database.Tx, id string, n newCampaign,
	tz string) error {
	var archived any
	if n.status == campaign.StatusArchived {
		archived = database.FormatTime(n.updated)
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO campaigns (id, name, company, slug, type, status, color, icon, description,
			timezone, config, created_at, updated_at, archived_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, n.name, n.company, n.slug, n.typ, n.status, n.color, n.icon, n.description, tz,
		string(n.config), database.FormatTime(n.created), database.FormatTime(n.updated), archived)
	if err != nil {
		return fmt.Errorf("insert campaign %s: %w", id, err)
	}
	return nil
}

// campaignFields reads a source campaign, replacing what this system's rules refuse.
func (r *run) campaignFields(rw row, is *issues) newCampaign {
	n := newCampaign{
		name:    limit(clean(rw.text("name"), false), maxCampaignName, is, "name"),
		company: limit(clean(rw.text("company"), false), maxCampaignName, is, "company"),
		typ:     oneOf(strings.ToLower(rw.text("type")), campaign.Types, "other", is, "type"),
		status: oneOf(strings.ToLower(rw.text("status")), campaign.Statuses, "active", is,
			"status"),
		description: limit(clean(rw.text("description"), true), maxDescription, is, "description"),
		config:      jsonObject(rw.get("config"), is, "config"),
	}
	if n.name == "" {
		n.name = rw.id()
		is.add("name: empty; named after its id")
	}
	if n.company == "" {
		n.company = n.name
		is.add("company: empty; set to the name")
	}
	n.slug = campaignSlug(rw.text("slug"), n.name, is)
	n.color, n.icon = r.look(rw, is)
	if len(n.config) > maxConfigBytes {
		n.config = json.RawMessage(`{}`)
		is.add("config: larger than 64 KiB; left empty")
	}
	n.created = stampField(rw, is, "created_at", r.now, "created_at")
	n.updated = stampField(rw, is, "updated_at", n.created, "updated_at")
	return n
}

// look reads a campaign's colour and icon, falling back to the defaults.
func (r *run) look(rw row, is *issues) (color, icon string) {
	color, icon = rw.text("color"), rw.text("icon")
	switch {
	case campaign.ValidColor(color):
		color = campaign.NormalizeColor(color)
	case color != "":
		is.add("color: %q is not #RRGGBB; the default used", color)
		fallthrough
	default:
		color = campaign.DefaultColor
	}
	if !campaign.ValidIcon(icon) {
		if icon != "" {
			is.add("icon: %q is not a single emoji; the default used", icon)
		}
		icon = campaign.DefaultIcon
	}
	return color, icon
}

// campaignSlug keeps the source's slug when it is one this system would make, and derives
// one from the name otherwise.
func campaignSlug(slug, name string, is *issues) string {
	if slug != "" && campaign.Slugify(slug) == slug && len(slug) <= maxSlug {
		return slug
	}
	derived := campaign.Slugify(name)
	if len(derived) > maxSlug {
		derived = strings.Trim(derived[:maxSlug], "-")
	}
	if derived == "" {
		derived = "campaign-" + strings.ToLower(database.NewID()[:8])
	}
	if slug != "" {
		is.add("slug: %q is not a valid slug; %q used", slug, derived)
	}
	return derived
}

// oneOf returns v when it is allowed, and otherwise the fallback, noting a value replaced.
func oneOf(v string, allowed []string, fallback string, is *issues, name string) string {
	if slices.Contains(allowed, v) {
		return v
	}
	if v != "" {
		is.add("%s: %q is not one of %s; %q used", name, v, strings.Join(allowed, ", "),
			fallback)
	}
	return fallback
}

// addCampaign records where a source campaign went, and the slug that names its {slug}_
// tables in the source.
func (r *run) addCampaign(srcID, srcSlug string, c campaignRef, outcome string) {
	r.campaigns[srcID] = c
	r.slugs[srcID] = srcSlug
	r.report.Campaigns = append(r.report.Campaigns, CampaignMap{SourceID: srcID,
		CampaignID: c.id, Slug: c.slug, Status: c.status, Outcome: outcome})
}

// findCampaign returns the campaign here with the id, or else with the slug.
func findCampaign(ctx context.Context, q querier, id, slug string) (campaignRef, error) {
	var c campaignRef
	err := q.QueryRowContext(ctx, `
		SELECT id, slug, timezone, status FROM campaigns WHERE id = ? OR slug = ?
		ORDER BY id = ? DESC LIMIT 1`, id, slug, id).Scan(&c.id, &c.slug, &c.timezone, &c.status)
	return c, err
}
