package database

import (
	"encoding/base64"
	"errors"
	"strings"
)

// ErrBadCursor is returned for a paging cursor that this server did not issue.
var ErrBadCursor = errors.New("database: malformed cursor")

// EncodeCursor packs the sort key of the last row of a page into an opaque cursor.
func EncodeCursor(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "\x1f")))
}

// DecodeCursor unpacks a cursor made by EncodeCursor with n parts.
func DecodeCursor(c string, n int) ([]string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, ErrBadCursor
	}
	parts := strings.Split(string(b), "\x1f")
	if len(parts) != n {
		return nil, ErrBadCursor
	}
	return parts, nil
}
