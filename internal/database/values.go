package database

import (
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
)

// TimeLayout is how times are stored: UTC, fixed width, so that text order is time order.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// FormatTime renders t in the stored form.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// NullableTime renders t in the stored form, or NULL for the zero time or a nil pointer.
func NullableTime(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return FormatTime(*t)
}

// ParseTime reads a stored time. It also accepts RFC 3339 and SQLite's own
// "YYYY-MM-DD HH:MM:SS" form, which rows written by SQL defaults use.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{TimeLayout, time.RFC3339Nano, "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("database: unreadable time %q", s)
}

// Time scans a NOT NULL time column into dst.
func Time(dst *time.Time) sql.Scanner { return timeScanner{dst: dst} }

// NullTime scans a nullable time column into dst, leaving nil for NULL.
func NullTime(dst **time.Time) sql.Scanner { return nullTimeScanner{dst: dst} }

type timeScanner struct{ dst *time.Time }

func (s timeScanner) Scan(v any) error {
	str, err := asString(v)
	if err != nil {
		return err
	}
	t, err := ParseTime(str)
	if err != nil {
		return err
	}
	*s.dst = t
	return nil
}

type nullTimeScanner struct{ dst **time.Time }

func (s nullTimeScanner) Scan(v any) error {
	if v == nil {
		*s.dst = nil
		return nil
	}
	str, err := asString(v)
	if err != nil {
		return err
	}
	if str == "" {
		*s.dst = nil
		return nil
	}
	t, err := ParseTime(str)
	if err != nil {
		return err
	}
	*s.dst = &t
	return nil
}

func asString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	case time.Time:
		return FormatTime(x), nil
	default:
		return "", fmt.Errorf("database: cannot scan %T as time", v)
	}
}

// NewID returns a version 7 UUID: a millisecond timestamp followed by a counter and random
// bits. IDs made by this process sort in the order they were made, which keyset paging relies
// on to break ties between rows written in the same millisecond.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("database: crypto/rand failed: %v", err))
	}
	ms, seq := idClock.next()
	binary.BigEndian.PutUint64(b[0:8], ms<<16|0x7000|uint64(seq&0x0fff))
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// idClock hands out (millisecond, sequence) pairs that only ever increase.
var idClock = &monotonic{}

type monotonic struct {
	mu  sync.Mutex
	ms  uint64
	seq uint16
}

func (m *monotonic) next() (uint64, uint16) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := uint64(time.Now().UnixMilli())
	switch {
	case now > m.ms:
		m.ms, m.seq = now, 0
	case m.seq < 0x0fff:
		m.seq++
	default:
		// 4 096 ids in one millisecond: borrow the next millisecond.
		m.ms, m.seq = m.ms+1, 0
	}
	return m.ms, m.seq
}

// IsUniqueViolation reports whether err comes from a UNIQUE or PRIMARY KEY constraint.
func IsUniqueViolation(err error) bool {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return false
	}
	return se.ExtendedCode == sqlite3.ErrConstraintUnique ||
		se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
}

// NullString maps the empty string to NULL.
func NullString(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

// ErrNoRows is sql.ErrNoRows, re-exported so that stores need not import database/sql to test it.
var ErrNoRows = sql.ErrNoRows

// IsNoRows reports whether err is sql.ErrNoRows.
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
