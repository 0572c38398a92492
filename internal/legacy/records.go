package legacy

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/database"
)

// recordSource says how a source table maps onto a data collection. By default a field is
// read from the column of the same name, as the original's tables and these share columns.
type recordSource struct {
	col *data.Collection
	// columns names, per field, the source columns to read it from, first present wins.
	columns map[string][]string
	// extra adds what the collection has no field for, such as address parts of a lead.
	extra func(rw row, v data.Values, is *issues)
}

// Where the original's columns differ from the collections'.
var (
	createdColumns = []string{"created_at", "scraped_at"}
	contentColumns = map[string][]string{
		"externalPostId": {"external_post_id", "facebook_post_id"},
	}
)

// slugLeads reads a {slug}_leads table: a person and a company, with an address.
var slugLeads = recordSource{col: data.Leads,
	columns: map[string][]string{"name": {"contact_name", "name"},
		"company": {"company_name", "company"}},
	extra: func(rw row, v data.Values, is *issues) {
		addr := map[string]string{}
		for _, c := range []string{"address", "city", "state", "zip"} {
			if s := rw.text(c); s != "" {
				addr[c] = s
			}
		}
		if len(addr) > 0 {
			v["rawData"] = mergeObjects(v["rawData"].(json.RawMessage), mustJSON(addr))
		}
	},
}

// slugContacts reads a {slug}_hoa_contacts table, whose columns were named like a spreadsheet.
var slugContacts = recordSource{col: data.HOAContacts, columns: map[string][]string{
	"zip":             {"zip_code", "zip"},
	"unitCount":       {"property_count", "unit_count"},
	"phone":           {"contact_phone", "phone"},
	"email":           {"contact_email", "email"},
	"contactPerson":   {"contact_name", "contact_person"},
	"title":           {"contact_title", "title"},
	"status":          {"lead_status", "status"},
	"lastContactedAt": {"last_contact_date", "last_contacted_at"},
	"sourceUrl":       {"website", "source_url"},
}}

// importRecords brings the ten data tables over, then each campaign's {slug}_content_queue,
// {slug}_leads and {slug}_hoa_contacts tables into that campaign's collections.
func (r *run) importRecords(ctx context.Context) error {
	for _, c := range data.All {
		src := recordSource{col: c}
		if c == data.ContentQueue {
			src.columns = contentColumns
		}
		if err := r.importRecordTable(ctx, c.Table, src, r.campaignScope); err != nil {
			return err
		}
	}
	kinds := []struct {
		kind string
		src  recordSource
	}{
		{"content_queue", recordSource{col: data.ContentQueue, columns: contentColumns}},
		{"leads", slugLeads},
		{"hoa_contacts", slugContacts},
	}
	for _, k := range kinds {
		for _, st := range r.slugTables(k.kind) {
			err := r.importRecordTable(ctx, st.table, k.src, r.fixedScope(st.campaign))
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *run) importRecordTable(ctx context.Context, table string, src recordSource,
	sc func(row, *issues) scope) error {
	return r.importTable(ctx, tableSpec{table: table, target: src.col.Table, scope: sc,
		write: func(ctx context.Context, tx *database.Tx, rw row, sc *scope,
			is *issues) (string, string, error) {
			return r.writeRecord(ctx, tx, rw, sc, src, is)
		}})
}

// writeRecord stores one row in its collection. A row whose natural key another row of the
// campaign has is a duplicate and is skipped.
func (r *run) writeRecord(ctx context.Context, tx *database.Tx, rw row, sc *scope,
	src recordSource, is *issues) (string, string, error) {
	v, ok := src.values(rw, is)
	if !ok {
		return Skipped, "", nil
	}
	created := stampField(rw, is, "created_at", r.now, createdColumns...)
	updated := stampField(rw, is, "updated_at", created, "updated_at")
	id, err := newID(ctx, tx, src.col.Table, rw)
	if err != nil {
		return "", "", err
	}
	key := ""
	if src.col.Key != nil {
		key = src.col.Key(v)
	}
	stored, err := insertRecord(ctx, tx, src.col, id, sc.campaign.id, key, v, created, updated)
	if err != nil {
		return "", "", err
	}
	if !stored {
		is.add("duplicate: campaign %s already has a row with the key %q", sc.campaign.id, key)
		return Skipped, "", nil
	}
	r.touch(sc.campaign.id, &created)
	for _, name := range []string{"lastContactedAt", "firstEmailSentAt", "postedAt"} {
		if t, ok := v[name].(time.Time); ok {
			r.touch(sc.campaign.id, &t)
		}
	}
	return Imported, id, nil
}

// values reads every field of the collection from the row; ok is false when a required field
// is empty.
func (src recordSource) values(rw row, is *issues) (data.Values, bool) {
	v := data.Values{}
	ok := true
	for i := range src.col.Fields {
		f := &src.col.Fields[i]
		cols, named := src.columns[f.Name]
		if !named {
			cols = []string{f.Column}
		}
		val, present := fieldValue(f, rw.get(cols...), is)
		ok = ok && present
		v[f.Name] = val
	}
	if src.extra != nil {
		src.extra(rw, v, is)
	}
	return v, ok
}

// insertRecord writes a row of a collection, its columns taken from the collection's own
// definition; stored is false when the natural key is taken.
func insertRecord(ctx context.Context, tx *database.Tx, c *data.Collection, id, campaignID,
	key string, v data.Values, created, updated time.Time) (bool, error) {
	cols := []string{"id", "campaign_id", "natural_key"}
	args := []any{id, campaignID, database.NullString(key)}
	for i := range c.Fields {
		cols = append(cols, c.Fields[i].Column)
		args = append(args, sqlValue(v[c.Fields[i].Name]))
	}
	cols = append(cols, "created_at", "updated_at")
	args = append(args, database.FormatTime(created), database.FormatTime(updated))
	res, err := tx.ExecContext(ctx, "INSERT INTO "+c.Table+" ("+strings.Join(cols, ", ")+
		") VALUES (?"+strings.Repeat(", ?", len(cols)-1)+")"+
		" ON CONFLICT (campaign_id, natural_key) WHERE natural_key IS NOT NULL DO NOTHING",
		args...)
	if err != nil {
		return false, fmt.Errorf("insert into %s: %w", c.Table, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("insert into %s: %w", c.Table, err)
	}
	return n == 1, nil
}

func sqlValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return database.FormatTime(x)
	case bool:
		if x {
			return 1
		}
		return 0
	case json.RawMessage:
		return string(x)
	}
	return v
}

// Default text limits of the data package: one-line text and long text.
const (
	maxText     = 500
	maxLongText = 20000
	maxTags     = 50
	maxTagLen   = 100
)

// fieldValue makes a source value fit a collection field, noting what had to change. present
// is false when a required field is empty.
func fieldValue(f *data.Field, v any, is *issues) (val any, present bool) {
	switch f.Kind {
	case data.Int, data.Float:
		return numberValue(f, v, is), true
	case data.Bool:
		return boolValue(f, v, is), true
	case data.Time:
		t, err := readTime(v)
		if err != nil {
			is.add("%s: %v; left empty", f.Column, err)
		}
		if t == nil {
			return nil, true
		}
		return *t, true
	case data.Object:
		return jsonObject(v, is, f.Column), true
	case data.Tags:
		return tagsValue(v, is, f.Column), true
	}
	return textValue(f, v, is)
}

func textValue(f *data.Field, v any, is *issues) (any, bool) {
	s := clean(asText(v), f.Kind == data.LongText)
	switch {
	case f.Kind == data.Enum && s != "" && !slices.Contains(f.Values, strings.ToLower(s)):
		is.add("%s: %q is not one of %s; %q used", f.Column, s, strings.Join(f.Values, ", "),
			f.Default)
		s = ""
	case f.Kind == data.Enum:
		s = strings.ToLower(s)
	case f.Kind == data.Email && s != "" && !looksLikeEmail(s):
		is.add("%s: %q is not an email address; left empty", f.Column, s)
		s = ""
	}
	if strings.TrimSpace(s) == "" {
		s = f.Default
	}
	if s == "" && f.Required {
		is.add("%s: empty, and required", f.Column)
		return nil, false
	}
	max := f.MaxLen
	if max == 0 && f.Kind == data.LongText {
		max = maxLongText
	} else if max == 0 {
		max = maxText
	}
	return limit(s, max, is, f.Column), true
}

func looksLikeEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && domain != "" && !strings.ContainsAny(s, " \t<>,;") &&
		!strings.Contains(domain, "@")
}

// numberValue reads a number, keeping it within the field's bounds.
func numberValue(f *data.Field, v any, is *issues) any {
	fallback := func() any {
		if f.Nullable {
			return nil
		}
		n, _ := strconv.ParseFloat(f.Default, 64)
		return typed(f, n)
	}
	if strings.TrimSpace(asText(v)) == "" {
		return fallback()
	}
	n, ok := toFloat(v)
	if !ok {
		is.add("%s: %q is not a number; left out", f.Column, asText(v))
		return fallback()
	}
	if f.Bounded && (n < f.Min || n > f.Max) {
		is.add("%s: %s is outside %g to %g; brought within", f.Column, asText(v), f.Min,
			f.Max)
		n = min(max(n, f.Min), f.Max)
	}
	return typed(f, n)
}

func typed(f *data.Field, n float64) any {
	if f.Kind == data.Int {
		i, _ := toInt(n)
		return i
	}
	return n
}

func boolValue(f *data.Field, v any, is *issues) bool {
	if b, ok := toBool(v); ok {
		return b
	}
	if v != nil && asText(v) != "" {
		is.add("%s: %q is not true or false; the default used", f.Column, asText(v))
	}
	return f.Default == "true"
}

// tagsValue reads a JSON list of tags. Text that is not such a list is split at commas.
func tagsValue(v any, is *issues, name string) json.RawMessage {
	s := strings.TrimSpace(asText(v))
	var raw []any
	if s != "" && json.Unmarshal([]byte(s), &raw) != nil {
		is.add("%s: not a JSON list; split at commas", name)
		for _, t := range strings.Split(s, ",") {
			raw = append(raw, t)
		}
	}
	tags := []string{}
	for _, t := range raw {
		text, ok := t.(string)
		if !ok {
			text = string(mustJSON(t))
		}
		if text = clean(text, false); text != "" && len(tags) < maxTags {
			tags = append(tags, limit(text, maxTagLen, is, name))
		}
	}
	return mustJSON(tags)
}
