package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/derrors"
)

// FuzzCron checks cron handling on any expression and time zone: parsing either fails with a
// field error on "cron" or gives an expression that parses to itself; Describe always answers;
// and Preview gives increasing times after the start that agree with Next.
func FuzzCron(f *testing.F) {
	for _, s := range []string{"0 8 * * 1", "*/15 9-17 * * 1-5", "30 2 * * *", "0 0 29 2 *",
		"0 0 30 2 *", "@daily", "0 8 * * 1 extra", "60 8 * * *", "0 8 * JAN,MAR MON-FRI",
		"0 8 ? * *", "1-59/0 * * * *", "0 8 31 4 *", " 0  8 * * 1 ", "0 8 * * 7",
		"0 8 * * 1\x00", "0 8 * * \xff", strings.Repeat("1,", 120) + "1 * * * *"} {
		for _, tz := range []string{"UTC", "America/New_York", "Europe/London",
			"Australia/Lord_Howe", "Mars/Olympus", "../etc/passwd", ""} {
			f.Add(s, tz)
		}
	}
	from := time.Date(2026, 3, 8, 1, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, expr, tz string) {
		c, err := ParseCron(expr)
		if err != nil {
			var fields derrors.Fields
			if !errors.As(err, &fields) || fields["cron"] == "" {
				t.Fatalf("ParseCron(%q) failed without a cron field error: %v", expr, err)
			}
			if d := Describe(expr); d != "Not a valid schedule" {
				t.Fatalf("Describe(%q) = %q for an invalid expression", expr, d)
			}
			if _, err := Preview(expr, "UTC", from, 3); err == nil {
				t.Fatalf("Preview(%q) accepted an invalid expression", expr)
			}
			return
		}
		again, err := ParseCron(c.String())
		if err != nil || again.String() != c.String() {
			t.Fatalf("ParseCron(%q) = %q, which parses to %q, %v", expr, c, again, err)
		}
		if d := Describe(expr); d == "" || d == "Not a valid schedule" {
			t.Fatalf("Describe(%q) = %q", expr, d)
		}
		times, err := Preview(expr, tz, from, 4)
		if err != nil {
			return // an unknown time zone
		}
		loc, _ := loadLocation(tz)
		prev := from
		for i, at := range times {
			if !at.After(prev) {
				t.Fatalf("Preview(%q, %q)[%d] = %v, not after %v", expr, tz, i, at, prev)
			}
			if next := c.Next(prev, loc); !next.Equal(at) {
				t.Fatalf("Preview(%q, %q)[%d] = %v, but Next gives %v", expr, tz, i, at, next)
			}
			prev = at
		}
	})
}
