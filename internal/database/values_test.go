package database

import (
	"regexp"
	"testing"
	"time"
)

func TestNewIDOrderAndShape(t *testing.T) {
	uuid7 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	prev := ""
	for i := 0; i < 10000; i++ {
		id := NewID()
		if !uuid7.MatchString(id) {
			t.Fatalf("%q is not a version 7 UUID", id)
		}
		if id <= prev {
			t.Fatalf("id %d %q does not sort after %q", i, id, prev)
		}
		prev = id
	}
}

func TestTimeRoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 8, 7, 5, 3, 123456789, time.FixedZone("X", -5*3600))
	s := FormatTime(at)
	if s != "2026-03-08T12:05:03.123Z" {
		t.Errorf("FormatTime = %q", s)
	}
	for _, in := range []string{s, "2026-03-08T12:05:03.123Z", "2026-03-08 12:05:03",
		"2026-03-08T07:05:03.123-05:00"} {
		got, err := ParseTime(in)
		if err != nil || got.Unix() != at.Unix() {
			t.Errorf("ParseTime(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseTime("yesterday"); err == nil {
		t.Error("ParseTime accepted nonsense")
	}
	later := FormatTime(at.Add(time.Millisecond))
	if !(s < later) {
		t.Errorf("%q does not sort before %q", s, later)
	}
}
