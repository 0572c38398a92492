package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
)

// Kind is how a field's value is typed, checked, stored and written out.
type Kind int

// The field kinds.
const (
	// Text is one line of text.
	Text Kind = iota
	// LongText may hold line breaks: notes, drafts, summaries.
	LongText
	// Enum is one of the field's Values.
	Enum
	// Int is a whole number.
	Int
	// Float is a number with a fraction, such as money.
	Float
	// Bool is true or false, stored as 0 or 1.
	Bool
	// Email is one line of text that, when present, looks like an email address.
	Email
	// Time is an instant, RFC 3339 in JSON and CSV.
	Time
	// Object is a JSON object stored as text.
	Object
	// Tags is a JSON list of strings stored as text.
	Tags
)

// Field is one column of a collection, as the API, the pages and CSV see it.
type Field struct {
	// Name is the field's camelCase name in JSON, in query parameters and in CSV headers.
	Name string
	// Column is the snake_case column in the table.
	Column string
	// Label is the heading people read.
	Label string
	Kind  Kind
	// Required fields must be present and non-empty on create and cannot be emptied.
	Required bool
	// Nullable numbers and times may be absent (NULL); others fall back to their zero value.
	Nullable bool
	// Values are the allowed values of an Enum.
	Values []string
	// Default is the value on create when none is given, written as text ("pending", "50",
	// "true"); empty means the kind's zero value.
	Default string
	// Min and Max bound an Int or Float when Bounded is set.
	Min, Max float64
	Bounded  bool
	// MaxLen caps a text's length in characters; 0 takes the kind's default.
	MaxLen int
	// Filter fields can be filtered on by equality (?name=a,b).
	Filter bool
	// Search fields are matched by ?q=.
	Search bool
}

const (
	defaultTextLen = 500
	defaultLongLen = 20000
	maxTags        = 50
)

func (f *Field) maxLen() int {
	switch {
	case f.MaxLen > 0:
		return f.MaxLen
	case f.Kind == LongText:
		return defaultLongLen
	}
	return defaultTextLen
}

// zero is the value a field takes when it is not given and has no NULL.
func (f *Field) zero() any {
	if f.Default != "" {
		if v, msg := f.parseText(f.Default); msg == "" {
			return v
		}
	}
	switch f.Kind {
	case Text, LongText, Email, Enum:
		return ""
	case Int:
		if f.Nullable {
			return nil
		}
		return int64(0)
	case Float:
		if f.Nullable {
			return nil
		}
		return float64(0)
	case Bool:
		return false
	case Object:
		return json.RawMessage(`{}`)
	case Tags:
		return json.RawMessage(`[]`)
	}
	return nil
}

// decodeJSON reads the field's value from a request body, or reports what is wrong with it in
// words that follow the field's name ("must be a number").
func (f *Field) decodeJSON(raw json.RawMessage) (any, string) {
	raw = bytes.TrimSpace(raw)
	if string(raw) == "null" {
		return f.null()
	}
	switch f.Kind {
	case Text, LongText, Email, Enum, Time:
		s, ok := plainString(raw)
		if !ok {
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, "must be a string"
			}
		}
		return f.parseText(s)
	case Int, Float:
		if !looksLikeNumber(raw) {
			return nil, "must be a number"
		}
		return f.parseNumber(string(raw))
	case Bool:
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return nil, "must be true or false"
		}
		return b, ""
	case Object:
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil || m == nil {
			return nil, "must be a JSON object"
		}
		return compact(raw)
	case Tags:
		var tags []string
		if err := json.Unmarshal(raw, &tags); err != nil {
			return nil, "must be a list of strings"
		}
		return f.tags(tags)
	}
	return nil, "has an unknown type"
}

// plainString reads a JSON string without escapes, the common case, without the decoder's
// allocations; anything else is left to encoding/json.
func plainString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	for _, b := range body {
		if b == '\\' || b == '"' || b < 0x20 {
			return "", false
		}
	}
	if !utf8.Valid(body) {
		return "", false
	}
	return string(body), true
}

// looksLikeNumber reports whether raw is written as a JSON number: strconv alone would also
// take hexadecimal, "Inf" and "NaN".
func looksLikeNumber(raw []byte) bool {
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return false
	}
	for _, b := range raw {
		if (b < '0' || b > '9') && !bytes.ContainsRune([]byte("+-.eE"), rune(b)) {
			return false
		}
	}
	return json.Valid(raw)
}

// null is the value of an explicit null: NULL where the column allows it, the zero value for
// optional text, and a problem for required fields.
func (f *Field) null() (any, string) {
	if f.Required {
		return nil, "is required"
	}
	switch f.Kind {
	case Time:
		return nil, ""
	case Int, Float:
		if f.Nullable {
			return nil, ""
		}
		return nil, "must be a number"
	}
	return f.zero(), ""
}

// parseText reads a value given as text: from JSON strings, CSV cells and form fields.
func (f *Field) parseText(s string) (any, string) {
	switch f.Kind {
	case Int, Float:
		s = strings.TrimSpace(s)
		// An empty form field or CSV cell means "nothing to say": the default, or NULL
		// where the column allows it.
		if s == "" && !f.Nullable && !f.Required {
			return f.zero(), ""
		}
		if s == "" {
			return f.null()
		}
		return f.parseNumber(s)
	case Bool:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true", "1", "yes", "y":
			return true, ""
		case "false", "0", "no", "n", "":
			return false, ""
		}
		return nil, "must be true or false"
	case Time:
		s = strings.TrimSpace(s)
		if s == "" {
			return f.null()
		}
		t, err := parseInstant(s)
		if err != nil {
			return nil, "must be a time such as 2026-01-31T09:00:00Z"
		}
		return t, ""
	case Object, Tags:
		if strings.TrimSpace(s) == "" {
			return f.zero(), ""
		}
		return f.decodeJSON(json.RawMessage(s))
	}
	fs := derrors.Fields{}
	fs.Text(f.Name, s, f.Required, f.maxLen())
	if f.Kind != LongText {
		fs.SingleLine(f.Name, s)
	}
	if msg, bad := fs[f.Name]; bad {
		return nil, msg
	}
	switch {
	case s == "" && f.Default != "":
		return f.Default, ""
	case f.Kind == Enum:
		fs.OneOf(f.Name, s, f.Values)
		if msg, bad := fs[f.Name]; bad {
			return nil, msg
		}
	case f.Kind == Email && s != "":
		s = strings.TrimSpace(s)
		if !looksLikeEmail(s) {
			return nil, "must be an email address"
		}
	}
	return s, ""
}

func (f *Field) parseNumber(s string) (any, string) {
	if f.Kind == Int {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, "must be a whole number"
		}
		if f.Bounded && (float64(n) < f.Min || float64(n) > f.Max) {
			return nil, fmt.Sprintf("must be from %g to %g", f.Min, f.Max)
		}
		return n, ""
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
		return nil, "must be a number"
	}
	if f.Bounded && (x < f.Min || x > f.Max) {
		return nil, fmt.Sprintf("must be from %g to %g", f.Min, f.Max)
	}
	return x, ""
}

func (f *Field) tags(tags []string) (any, string) {
	if len(tags) > maxTags {
		return nil, fmt.Sprintf("must hold at most %d tags", maxTags)
	}
	clean := make([]string, 0, len(tags))
	for _, t := range tags {
		fs := derrors.Fields{}
		fs.Text(f.Name, t, false, 100)
		fs.SingleLine(f.Name, t)
		if msg, bad := fs[f.Name]; bad {
			return nil, "tags " + strings.TrimPrefix(msg, "must ")
		}
		if t = strings.TrimSpace(t); t != "" {
			clean = append(clean, t)
		}
	}
	b, err := json.Marshal(clean)
	if err != nil {
		return nil, "must be a list of strings"
	}
	return json.RawMessage(b), ""
}

func compact(raw json.RawMessage) (any, string) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, "must be valid JSON"
	}
	if buf.Len() > 64<<10 {
		return nil, "must be at most 64 KiB of JSON"
	}
	if bytes.ContainsRune(buf.Bytes(), 0) || bytes.Contains(buf.Bytes(), []byte(`\u0000`)) {
		return nil, "must not contain NUL bytes"
	}
	return json.RawMessage(buf.Bytes()), ""
}

// parseInstant accepts RFC 3339 with or without fractions, and a bare date as midnight UTC.
func parseInstant(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05",
		"2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1900 || t.Year() > 9999 {
				break
			}
			return t.UTC().Truncate(time.Millisecond), nil
		}
	}
	return time.Time{}, fmt.Errorf("data: unreadable time %q", s)
}

// sqlValue is a field's value as it is written to the database.
func (f *Field) sqlValue(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
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

// fromSQL turns what the driver scanned into the field's Go value.
func (f *Field) fromSQL(v any) (any, error) {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	if v == nil {
		if f.Kind == Time || f.Nullable {
			return nil, nil
		}
		return f.zero(), nil
	}
	switch f.Kind {
	case Int:
		switch x := v.(type) {
		case int64:
			return x, nil
		case float64:
			return int64(x), nil
		}
	case Float:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
	case Bool:
		if x, ok := v.(int64); ok {
			return x != 0, nil
		}
	case Time:
		if s, ok := v.(string); ok {
			return database.ParseTime(s)
		}
	case Object, Tags:
		if s, ok := v.(string); ok {
			if !json.Valid([]byte(s)) {
				return f.zero(), nil
			}
			return json.RawMessage(s), nil
		}
	default:
		if s, ok := v.(string); ok {
			return s, nil
		}
	}
	return nil, fmt.Errorf("data: column %s holds %T", f.Column, v)
}

// text renders a value as one CSV cell or form value.
func (f *Field) text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case json.RawMessage:
		return string(x)
	}
	return fmt.Sprint(v)
}

func looksLikeEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && domain != "" && !strings.ContainsAny(s, " \t<>,;") &&
		!strings.Contains(domain, "@")
}
