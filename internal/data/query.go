package data

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/clawops/clawops/internal/database"
)

// Query selects and orders a page of a collection.
type Query struct {
	// Filters keep rows whose field equals one of the values, by field name.
	Filters map[string][]any
	// Search keeps rows where every word appears in one of the search fields.
	Search string
	// From and To bound createdAt, To exclusive; zero means unbounded.
	From, To time.Time
	// SourceRunID keeps the rows one run produced.
	SourceRunID string
	// Sort is a field name, createdAt or updatedAt; Desc reverses it. The default is the
	// newest first.
	Sort string
	Desc bool
	// Limit is the page size; Cursor continues after the last page.
	Limit  int
	Cursor string
}

// QueryError is a query parameter that cannot be used, named by Param.
type QueryError struct {
	Param string
	Msg   string
}

func (e *QueryError) Error() string { return "query parameter " + e.Param + " " + e.Msg }

// reserved query parameters that are never filters.
var reserved = map[string]bool{"q": true, "sort": true, "limit": true, "cursor": true,
	"from": true, "to": true, "sourceRunId": true, "campaign_id": true}

// ParseQuery reads a listing's filters, search and order from URL parameters:
// ?status=new,contacted&q=palm&sort=-score&from=2026-01-01&to=2026-02-01. Unknown
// parameters are an error rather than silently ignored, so a typo never widens a bulk action.
func (c *Collection) ParseQuery(v url.Values) (Query, error) {
	q := Query{Filters: map[string][]any{}, Search: strings.TrimSpace(v.Get("q")),
		SourceRunID: v.Get("sourceRunId")}
	if utf8.RuneCountInString(q.Search) > 200 {
		return q, &QueryError{Param: "q", Msg: "must be at most 200 characters"}
	}
	for name, vals := range v {
		if reserved[name] {
			continue
		}
		f, ok := c.Field(name)
		if !ok || !f.Filter {
			return q, &QueryError{Param: name, Msg: "is not a filter of " + c.Path}
		}
		for _, raw := range vals {
			for _, part := range c.filterValues(f, raw) {
				val, msg := f.parseText(strings.TrimSpace(part))
				if msg != "" {
					return q, &QueryError{Param: name, Msg: msg}
				}
				q.Filters[name] = append(q.Filters[name], f.sqlValue(val))
			}
		}
	}
	if s := v.Get("sort"); s != "" {
		q.Sort, q.Desc = strings.TrimPrefix(s, "-"), strings.HasPrefix(s, "-")
		if _, err := c.sortColumn(q.Sort); err != nil {
			return q, &QueryError{Param: "sort", Msg: err.Error()}
		}
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		if s := v.Get(p.name); s != "" {
			t, err := parseInstant(s)
			if err != nil {
				return q, &QueryError{Param: p.name, Msg: "must be a date or an RFC 3339 time"}
			}
			*p.dst = t
		}
	}
	return q, nil
}

// FilterSplits reports whether a filter parameter on f is a comma-separated list. Statuses,
// enums, numbers and booleans never hold a comma, so "status=new,contacted" names two values;
// free text may ("company=Acme, Inc."), so it is one value, and several are given by repeating
// the parameter.
func (c *Collection) FilterSplits(f *Field) bool {
	return !textual(f.Kind) || f.Name == c.Status
}

func (c *Collection) filterValues(f *Field, raw string) []string {
	if !c.FilterSplits(f) {
		return []string{raw}
	}
	return strings.Split(raw, ",")
}

// sortKey is a column a listing may be ordered by.
type sortKey struct {
	column string
	field  *Field // nil for createdAt and updatedAt
}

func (c *Collection) sortColumn(name string) (sortKey, error) {
	switch name {
	case "", "createdAt":
		return sortKey{column: "created_at"}, nil
	case "updatedAt":
		return sortKey{column: "updated_at"}, nil
	}
	f, ok := c.Field(name)
	if !ok || f.Kind == Object || f.Kind == Tags {
		return sortKey{}, fmt.Errorf("cannot sort by %q", name)
	}
	return sortKey{column: f.Column, field: f}, nil
}

// expr is the column as it is ordered: text without regard to case.
func (k sortKey) expr() string {
	if k.field != nil && textual(k.field.Kind) {
		return k.column + " COLLATE NOCASE"
	}
	return k.column
}

// nullable reports whether the sort column can hold NULL, which sorts last either way.
func (k sortKey) nullable() bool {
	return k.field != nil && (k.field.Kind == Time || k.field.Nullable)
}

// textual kinds sort without regard to case. Enum values are a fixed list written one way,
// so they sort as they are and their indexes need no collation.
func textual(k Kind) bool { return k == Text || k == LongText || k == Email }

// selectList is the column list of every read.
func (c *Collection) selectList() string {
	cols := make([]string, 0, len(c.Fields)+5)
	cols = append(cols, "id", "campaign_id", "COALESCE(source_run_id, '')")
	for _, f := range c.Fields {
		cols = append(cols, f.Column)
	}
	cols = append(cols, "created_at", "updated_at")
	return strings.Join(cols, ", ")
}

// filterCollation makes free-text filters match whatever the letter case ("acme, inc."
// finds "Acme, Inc."), as the sort indexes on such columns already compare.
func (f *Field) filterCollation() string {
	if f.Kind == Text || f.Kind == Email {
		return " COLLATE NOCASE"
	}
	return ""
}

// from builds the FROM and WHERE clauses of q. Every statement's WHERE starts with
// campaign_id = ?: a query can only ever narrow one campaign's rows.
func (c *Collection) from(campaignID string, q Query, plan searchPlan) (string, []any) {
	src, args := plan.source(c, campaignID)
	var b strings.Builder
	b.WriteString(src)
	args = append(args, campaignID)
	b.WriteString(" WHERE " + c.Table + ".campaign_id = ?")
	for i := range c.Fields {
		f := &c.Fields[i]
		vals := q.Filters[f.Name]
		if len(vals) == 0 {
			continue
		}
		b.WriteString(" AND " + f.Column + f.filterCollation() + " IN (?" +
			strings.Repeat(", ?", len(vals)-1) + ")")
		args = append(args, vals...)
	}
	if q.SourceRunID != "" {
		b.WriteString(" AND source_run_id = ?")
		args = append(args, q.SourceRunID)
	}
	if !q.From.IsZero() {
		b.WriteString(" AND created_at >= ?")
		args = append(args, database.FormatTime(q.From))
	}
	if !q.To.IsZero() {
		b.WriteString(" AND created_at < ?")
		args = append(args, database.FormatTime(q.To))
	}
	cond, condArgs := plan.condition(c, campaignID)
	b.WriteString(cond)
	return b.String(), append(args, condArgs...)
}

// order returns the ORDER BY clause of q and the keyset condition that continues after the
// cursor, ties broken by id.
func (c *Collection) order(q Query) (clause, after string, args []any, err error) {
	k, err := c.sortColumn(q.Sort)
	if err != nil {
		return "", "", nil, &QueryError{Param: "sort", Msg: err.Error()}
	}
	dir, cmp := "ASC", ">"
	if q.Desc || q.Sort == "" {
		dir, cmp = "DESC", "<"
	}
	clause = " ORDER BY " + k.expr() + " " + dir + ", id " + dir
	if k.nullable() {
		clause = " ORDER BY " + k.column + " IS NULL, " + k.expr() + " " + dir + ", id " + dir
	}
	if q.Cursor == "" {
		return clause, "", nil, nil
	}
	parts, err := database.DecodeCursor(q.Cursor, 3)
	if err != nil {
		return "", "", nil, err
	}
	isNull, val, id := parts[0] == "1", parts[1], parts[2]
	switch {
	case isNull:
		after = " AND " + k.column + " IS NULL AND id " + cmp + " ?"
		args = []any{id}
	case k.nullable():
		v, err := cursorValue(k, val)
		if err != nil {
			return "", "", nil, err
		}
		after = " AND (" + k.expr() + " " + cmp + " ? OR (" + k.expr() + " = ? AND id " + cmp +
			" ?) OR " + k.column + " IS NULL)"
		args = []any{v, v, id}
	default:
		v, err := cursorValue(k, val)
		if err != nil {
			return "", "", nil, err
		}
		if k.field != nil && textual(k.field.Kind) {
			// SQLite does not seek a row value whose first part carries a collation, so the
			// condition is spelled out: its first term bounds the sort index's range, and the
			// rest settles ties. Without it a deep page read the index from the start.
			after = " AND " + k.expr() + " " + cmp + "= ? AND (" + k.expr() + " " + cmp +
				" ? OR " + k.expr() + " = ? AND id " + cmp + " ?)"
			args = []any{v, v, v, id}
			break
		}
		// A row value lets SQLite seek straight to the cursor in the sort index.
		after = " AND (" + k.expr() + ", id) " + cmp + " (?, ?)"
		args = []any{v, id}
	}
	return clause, after, args, nil
}

// cursorValue turns a cursor's text back into a value that compares like the column's.
func cursorValue(k sortKey, s string) (any, error) {
	if k.field == nil {
		return s, nil
	}
	switch k.field.Kind {
	case Int, Bool:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, database.ErrBadCursor
		}
		return n, nil
	case Float:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, database.ErrBadCursor
		}
		return x, nil
	}
	return s, nil
}

// cursorAfter is the cursor that continues after r in the order of q.
func (c *Collection) cursorAfter(r Record, q Query) string {
	k, _ := c.sortColumn(q.Sort)
	var v any
	switch k.column {
	case "created_at":
		return database.EncodeCursor("0", database.FormatTime(r.CreatedAt), r.ID)
	case "updated_at":
		return database.EncodeCursor("0", database.FormatTime(r.UpdatedAt), r.ID)
	}
	v = k.field.sqlValue(r.Values[k.field.Name])
	if v == nil {
		return database.EncodeCursor("1", "", r.ID)
	}
	return database.EncodeCursor("0", fmt.Sprint(v), r.ID)
}
