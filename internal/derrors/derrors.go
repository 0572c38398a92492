// Package derrors holds the error kinds shared by every domain package, so that the web layer
// maps them to one status each without knowing the packages that produced them.
package derrors

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kinds of failure. Domain packages wrap these, adding what failed.
var (
	// NotFound: the thing does not exist, or the caller may not see it.
	NotFound = errors.New("not found")
	// Conflict: the request clashes with the current state (a duplicate slug, say).
	Conflict = errors.New("conflict")
	// Forbidden: the caller may see the thing but not do this to it.
	Forbidden = errors.New("forbidden")
)

// Fields is a validation failure: a message per offending field, keyed by the field's name as
// the client sent it (camelCase for JSON).
type Fields map[string]string

// Error lists the fields in a stable order.
func (f Fields) Error() string {
	var b strings.Builder
	b.WriteString("invalid input: ")
	for i, k := range slices.Sorted(maps.Keys(f)) {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s %s", k, f[k])
	}
	return b.String()
}

// Add records a message for field unless one is already there: the first problem found is the
// one worth reporting.
func (f Fields) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Err returns f as an error, or nil when it holds no field.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return f
}

// AsFields extracts a validation failure from err.
func AsFields(err error) (Fields, bool) {
	var f Fields
	if errors.As(err, &f) {
		return f, true
	}
	return nil, false
}

// Text checks a text field: no NUL bytes, valid Unicode (no replacement characters left by
// broken escapes), present when required, and at most maxLen characters.
func (f Fields) Text(field, v string, required bool, maxLen int) {
	switch {
	case strings.ContainsRune(v, 0):
		f.Add(field, "must not contain NUL bytes")
	case !utf8.ValidString(v) || strings.ContainsRune(v, utf8.RuneError):
		f.Add(field, "must be valid Unicode text")
	case required && strings.TrimSpace(v) == "":
		f.Add(field, "is required")
	case utf8.RuneCountInString(v) > maxLen:
		f.Add(field, "must be at most "+strconv.Itoa(maxLen)+" characters")
	}
}

// SingleLine checks that a text field holds no line breaks or other control characters.
func (f Fields) SingleLine(field, v string) {
	if strings.ContainsFunc(v, unicode.IsControl) {
		f.Add(field, "must be a single line without control characters")
	}
}

// OneOf checks that v is one of the allowed values.
func (f Fields) OneOf(field, v string, allowed []string) {
	if !slices.Contains(allowed, v) {
		f.Add(field, "must be one of "+strings.Join(allowed, ", "))
	}
}
