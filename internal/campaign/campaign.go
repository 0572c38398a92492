// Package campaign holds the campaign — the tenant every agent, run and record belongs to — its
// rules (slug, colour, icon, timezone) and its store, including memberships and the overview.
package campaign

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/clawops/clawops/internal/derrors"
)

// DefaultID is the campaign that requests without a campaign context act on.
const DefaultID = "default-hoa-fl"

// Errors of this package.
var (
	ErrNotFound     = fmt.Errorf("campaign %w", derrors.NotFound)
	ErrSlugTaken    = fmt.Errorf("campaign: slug already in use: %w", derrors.Conflict)
	ErrDefault      = fmt.Errorf("campaign: the default campaign cannot be archived: %w", derrors.Conflict)
	ErrNotArchived  = fmt.Errorf("campaign: only an archived campaign can be restored: %w", derrors.Conflict)
	ErrArchived     = fmt.Errorf("campaign: an archived campaign cannot be changed; restore it first: %w", derrors.Conflict)
	ErrLastOwner    = fmt.Errorf("campaign: a campaign keeps at least one owner: %w", derrors.Conflict)
	ErrUserNotFound = fmt.Errorf("campaign: user %w", derrors.NotFound)
	ErrIsMember     = fmt.Errorf("campaign: already a member; change the role instead: %w",
		derrors.Conflict)
)

// QuietHours is a daily window, in the campaign's timezone, when scheduled runs must not start.
// A window whose end is before its start spans midnight.
type QuietHours struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Budget caps what a campaign's runs may cost, per day and per month in the campaign's time
// zone; a nil limit is no limit. At 80 % the feed is warned; at 100 % scheduled runs are
// skipped and manual runs need an explicit override.
type Budget struct {
	DailyUSD   *float64 `json:"dailyUsd"`
	MonthlyUSD *float64 `json:"monthlyUsd"`
}

// Campaign is one tenant, with the counts its cards and lists show.
type Campaign struct {
	ID             string          `json:"id"`
	Name           string          `json:"name"`
	Company        string          `json:"company"`
	Slug           string          `json:"slug"`
	Type           string          `json:"type"`
	Status         string          `json:"status"`
	Color          string          `json:"color"`
	Icon           string          `json:"icon"`
	Description    string          `json:"description"`
	Timezone       string          `json:"timezone"`
	QuietHours     *QuietHours     `json:"quietHours"`
	Budget         *Budget         `json:"budget"`
	Config         json.RawMessage `json:"config"`
	AgentCount     int             `json:"agentCount"`
	ScheduleCount  int             `json:"scheduleCount"`
	LeadCount      int             `json:"leadCount"`
	LastActivityAt *time.Time      `json:"lastActivityAt"`
	CreatedAt      time.Time       `json:"createdAt"`
	UpdatedAt      time.Time       `json:"updatedAt"`
	ArchivedAt     *time.Time      `json:"archivedAt"`

	// encoded is the campaign's JSON, made once when the campaign is read so that cached
	// campaigns are written without encoding them again. Code that changes a Campaign must
	// clear it.
	encoded []byte
}

// MarshalJSON writes the campaign as the API shows it.
func (c Campaign) MarshalJSON() ([]byte, error) {
	if c.encoded != nil {
		return c.encoded, nil
	}
	type plain Campaign
	return json.Marshal(plain(c))
}

// withEncoding returns c carrying its own JSON.
func (c Campaign) withEncoding() (Campaign, error) {
	b, err := c.MarshalJSON()
	if err != nil {
		return Campaign{}, fmt.Errorf("campaign: encode %s: %w", c.ID, err)
	}
	c.encoded = b
	return c, nil
}

// Location is the campaign's time zone, UTC when it cannot be loaded.
func (c Campaign) Location() *time.Location {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// NewCampaign is what creating a campaign takes.
type NewCampaign struct {
	// ID is set only by seeding and import; requests leave it empty for a random one.
	ID          string          `json:"-"`
	Name        string          `json:"name"`
	Company     string          `json:"company"`
	Type        string          `json:"type"`
	Status      string          `json:"status"`
	Color       string          `json:"color"`
	Icon        string          `json:"icon"`
	Description string          `json:"description"`
	Timezone    string          `json:"timezone"`
	QuietHours  *QuietHours     `json:"quietHours"`
	Budget      *Budget         `json:"budget"`
	Config      json.RawMessage `json:"config"`
}

// normalize fills defaults and validates.
func (n *NewCampaign) normalize() (slug string, err error) {
	n.Name = strings.TrimSpace(n.Name)
	n.Company = strings.TrimSpace(n.Company)
	if n.Type == "" {
		n.Type = DefaultType
	}
	if n.Status == "" {
		n.Status = StatusActive
	}
	if n.Color == "" {
		n.Color = DefaultColor
	}
	if n.Icon == "" {
		n.Icon = DefaultIcon
	}
	if n.Timezone == "" {
		n.Timezone = DefaultTimezone
	}
	if len(n.Config) == 0 || bytes.Equal(n.Config, []byte("null")) {
		n.Config = json.RawMessage(`{}`)
	}
	f := derrors.Fields{}
	f.Text("name", n.Name, true, maxNameLen)
	f.SingleLine("name", n.Name)
	f.Text("company", n.Company, true, maxNameLen)
	f.SingleLine("company", n.Company)
	f.Text("description", n.Description, false, maxDescriptionLen)
	f.OneOf("type", n.Type, Types)
	f.OneOf("status", n.Status, []string{StatusActive, StatusPaused})
	if !ValidColor(n.Color) {
		f.Add("color", "must be a colour of the form #RRGGBB")
	}
	if !ValidIcon(n.Icon) {
		f.Add("icon", "must be a single emoji")
	}
	if !ValidTimezone(n.Timezone) {
		f.Add("timezone", "must be an IANA time zone such as America/New_York")
	}
	checkQuietHours(f, n.QuietHours)
	n.Budget = checkBudget(f, n.Budget)
	checkConfig(f, n.Config)
	if _, bad := f["name"]; !bad {
		slug = Slugify(n.Name)
		if slug == "" {
			f.Add("name", "must contain at least one letter or digit")
		}
	}
	n.Color = NormalizeColor(n.Color)
	return slug, f.Err()
}

// OptionalQuietHours distinguishes a quietHours field that is absent (leave as is), null (clear)
// or an object (set) in a partial update.
type OptionalQuietHours struct {
	Set   bool
	Value *QuietHours
}

// UnmarshalJSON records that the field was present. Problems are reported against the field
// path, such as quietHours.start.
func (o *OptionalQuietHours) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(b, []byte("null")) {
		o.Value = nil
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return derrors.Fields{"quietHours": "must be an object with start and end, or null"}
	}
	f := derrors.Fields{}
	q := &QuietHours{}
	for key, val := range raw {
		var dst *string
		switch key {
		case "start":
			dst = &q.Start
		case "end":
			dst = &q.End
		default:
			f.Add("quietHours."+key, "is not a known field")
			continue
		}
		if err := json.Unmarshal(val, dst); err != nil {
			f.Add("quietHours."+key, "must be a time of day as HH:MM")
		}
	}
	o.Value = q
	return f.Err()
}

// Patch is a partial update; nil fields are left unchanged. ID and Slug exist only so that a
// request naming them can be refused: both are immutable.
type Patch struct {
	ID          *string            `json:"id"`
	Slug        *string            `json:"slug"`
	Name        *string            `json:"name"`
	Company     *string            `json:"company"`
	Type        *string            `json:"type"`
	Status      *string            `json:"status"`
	Color       *string            `json:"color"`
	Icon        *string            `json:"icon"`
	Description *string            `json:"description"`
	Timezone    *string            `json:"timezone"`
	QuietHours  OptionalQuietHours `json:"quietHours"`
	Budget      OptionalBudget     `json:"budget"`
	Config      json.RawMessage    `json:"config"`
}

// OptionalBudget distinguishes a budget field that is absent (leave as is), null (no limits)
// or an object (set both limits; a missing or null limit is no limit) in a partial update.
type OptionalBudget struct {
	Set   bool
	Value *Budget
}

// UnmarshalJSON records that the field was present and reads it strictly.
func (o *OptionalBudget) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(b, []byte("null")) {
		o.Value = nil
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var v Budget
	if err := dec.Decode(&v); err != nil {
		return derrors.Fields{"budget": "must be an object with dailyUsd and monthlyUsd " +
			"(numbers in US dollars, or null for no limit), or null"}
	}
	o.Value = &v
	return nil
}

// apply validates p and writes it over c.
func (p Patch) apply(c *Campaign) error {
	c.encoded = nil
	f := derrors.Fields{}
	if p.ID != nil {
		f.Add("id", "is immutable")
	}
	if p.Slug != nil {
		f.Add("slug", "is immutable")
	}
	if p.Name != nil {
		c.Name = strings.TrimSpace(*p.Name)
		f.Text("name", c.Name, true, maxNameLen)
		f.SingleLine("name", c.Name)
	}
	if p.Company != nil {
		c.Company = strings.TrimSpace(*p.Company)
		f.Text("company", c.Company, true, maxNameLen)
		f.SingleLine("company", c.Company)
	}
	if p.Type != nil {
		c.Type = *p.Type
		f.OneOf("type", c.Type, Types)
	}
	if p.Status != nil {
		c.Status = *p.Status
		f.OneOf("status", c.Status, []string{StatusActive, StatusPaused})
	}
	if p.Color != nil {
		if ValidColor(*p.Color) {
			c.Color = NormalizeColor(*p.Color)
		} else {
			f.Add("color", "must be a colour of the form #RRGGBB")
		}
	}
	if p.Icon != nil {
		c.Icon = *p.Icon
		if !ValidIcon(c.Icon) {
			f.Add("icon", "must be a single emoji")
		}
	}
	if p.Description != nil {
		c.Description = *p.Description
		f.Text("description", c.Description, false, maxDescriptionLen)
	}
	if p.Timezone != nil {
		c.Timezone = *p.Timezone
		if !ValidTimezone(c.Timezone) {
			f.Add("timezone", "must be an IANA time zone such as America/New_York")
		}
	}
	if p.QuietHours.Set {
		c.QuietHours = p.QuietHours.Value
		checkQuietHours(f, c.QuietHours)
	}
	if p.Budget.Set {
		c.Budget = checkBudget(f, p.Budget.Value)
	}
	if p.Config != nil {
		if bytes.Equal(p.Config, []byte("null")) {
			f.Add("config", "must be a JSON object")
		} else {
			c.Config = p.Config
			checkConfig(f, c.Config)
		}
	}
	return f.Err()
}
