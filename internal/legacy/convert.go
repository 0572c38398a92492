package legacy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/clawops/clawops/internal/database"
)

// issues collects what had to be changed or left out of one source row.
type issues []string

func (is *issues) add(format string, args ...any) {
	*is = append(*is, fmt.Sprintf(format, args...))
}

// asText renders any value the driver scanned as text.
func asText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case json.RawMessage:
		return string(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// timeLayouts are the forms the original wrote times in: SQLite's datetime('now'), JavaScript's
// toISOString() with Z and milliseconds, ISO 8601 with an offset written +0000 or +00:00, and
// bare dates. Fractional seconds are accepted after the seconds of any layout. Times without
// an offset are UTC, as both SQLite and the original wrote them.
var timeLayouts = []string{
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02 15:04:05 Z0700",
	"2006-01-02 15:04:05 Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// errTime is a value that is not a time in any form the original wrote.
type errTime struct{ v any }

func (e errTime) Error() string { return fmt.Sprintf("unreadable time %q", asText(e.v)) }

// readTime reads a time in any of the original's forms, or a Unix time in seconds or
// milliseconds. It returns nil for NULL and empty text.
func readTime(v any) (*time.Time, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case time.Time:
		return checkYear(x.UTC(), v)
	case int64:
		return unixTime(float64(x), v)
	case float64:
		return unixTime(x, v)
	}
	s := strings.TrimSpace(asText(v))
	if s == "" {
		return nil, nil
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		return unixTime(n, v)
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return checkYear(t.UTC(), v)
		}
	}
	return nil, errTime{v}
}

// unixTime reads seconds, or milliseconds when the number is too large to be seconds.
func unixTime(n float64, v any) (*time.Time, error) {
	ms := n
	if n < 1e11 {
		ms = n * 1000
	}
	if ms < 1e11 || ms > 1e15 {
		return nil, errTime{v}
	}
	return checkYear(time.UnixMilli(int64(math.Round(ms))).UTC(), v)
}

func checkYear(t time.Time, v any) (*time.Time, error) {
	if t.Year() < 1970 || t.Year() > 9999 {
		return nil, errTime{v}
	}
	t = t.Truncate(time.Millisecond)
	return &t, nil
}

// timeField reads a nullable time column, noting an unreadable value, which is left empty.
func timeField(r row, is *issues, name string, cols ...string) *time.Time {
	t, err := readTime(r.get(cols...))
	if err != nil {
		is.add("%s: %v; left empty", name, err)
	}
	return t
}

// stampField reads a time column that cannot be empty here: a missing or unreadable value
// becomes fallback, and an unreadable one is noted.
func stampField(r row, is *issues, name string, fallback time.Time, cols ...string) time.Time {
	t, err := readTime(r.get(cols...))
	if err != nil {
		is.add("%s: %v; %s used", name, err, database.FormatTime(fallback))
	}
	if t == nil {
		return fallback
	}
	return *t
}

// firstTime returns the first of the times that is set, or fallback.
func firstTime(fallback time.Time, ts ...*time.Time) time.Time {
	for _, t := range ts {
		if t != nil {
			return *t
		}
	}
	return fallback
}

// toInt reads a whole number from a number, a boolean or numeric text.
func toInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e15 {
			return 0, false
		}
		return int64(math.Round(x)), true
	}
	f, ok := toFloat(v)
	if !ok {
		return 0, false
	}
	return toInt(f)
}

// toFloat reads a number from a number or numeric text.
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(asText(v)), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// toBool reads true or false from a number, a boolean or text such as "yes".
func toBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case int64:
		return x != 0, true
	case float64:
		return x != 0, true
	}
	switch strings.ToLower(strings.TrimSpace(asText(v))) {
	case "1", "true", "yes", "y", "on":
		return true, true
	case "0", "false", "no", "n", "off":
		return false, true
	}
	return false, false
}

// intField reads a counter column, noting a value that is not a number.
func intField(r row, is *issues, name string, cols ...string) int64 {
	v := r.get(cols...)
	if v == nil {
		return 0
	}
	n, ok := toInt(v)
	if !ok {
		is.add("%s: %q is not a number; set to 0", name, asText(v))
	}
	return n
}

// floatField reads an amount column, noting a value that is not a number.
func floatField(r row, is *issues, name string, cols ...string) float64 {
	v := r.get(cols...)
	if v == nil {
		return 0
	}
	f, ok := toFloat(v)
	if !ok {
		is.add("%s: %q is not a number; set to 0", name, asText(v))
	}
	return f
}

// jsonObject reads a JSON object stored as text. Empty text is {}; valid JSON that is not an
// object is kept under "value"; text that is not JSON is kept under "legacyText" and noted.
func jsonObject(v any, is *issues, name string) json.RawMessage {
	s := strings.TrimSpace(asText(v))
	if s == "" || s == "null" {
		return json.RawMessage(`{}`)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		is.add("%s: broken JSON; kept as text under legacyText", name)
		return mustJSON(map[string]string{"legacyText": s})
	}
	if buf.Bytes()[0] != '{' {
		return mustJSON(map[string]json.RawMessage{"value": buf.Bytes()})
	}
	return buf.Bytes()
}

// decodeObject reads a JSON object into a map; nil when the text is not one.
func decodeObject(v any) map[string]any {
	var m map[string]any
	if json.Unmarshal([]byte(asText(v)), &m) != nil {
		return nil
	}
	return m
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("legacy: encode %T: %v", v, err))
	}
	return b
}

// clean makes text safe to store: valid UTF-8 without NUL bytes. Unless multiline, line breaks
// and other control characters become spaces, as one-line fields require.
func clean(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\x00", "")
	if multiline {
		return s
	}
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
}

// limit cuts text to max characters, noting the cut.
func limit(s string, max int, is *issues, name string) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	is.add("%s: longer than %d characters; cut", name, max)
	return string([]rune(s)[:max])
}

var idRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// keepable reports whether a source id can serve as an id here: plain enough to sit in a URL.
func keepable(id string) bool { return idRE.MatchString(id) }
