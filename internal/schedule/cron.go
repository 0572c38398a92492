package schedule

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/robfig/cron/v3"

	"github.com/clawops/clawops/internal/derrors"
)

// MaxPreview is the most fire times Preview computes at once.
const MaxPreview = 1000

// maxCronLen bounds a cron expression; real ones are a few dozen characters.
const maxCronLen = 200

// starBit is set by the cron parser on a day field written as "*" or "?".
const starBit = 1 << 63

// reference is where the "does this expression ever fire" check starts; a leap day fires
// within five years of any date, so any fixed date will do.
var reference = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Cron is a parsed five-field cron expression (minute, hour, day of month, month, day of week).
type Cron struct {
	expr string
	spec *cron.SpecSchedule
	// fixed is true when neither the minute nor the hour field is a wildcard: such a job runs
	// once a day at a wall-clock time, so a daylight-saving change must neither repeat nor drop
	// it. Jobs with a wildcard there follow real time, as classic cron does.
	fixed bool
}

// ParseCron parses a standard five-field cron expression. Descriptors such as "@daily" and
// time zone prefixes are refused: the time zone is the schedule's own field. A failure is a
// derrors.Fields keyed "cron".
func ParseCron(expr string) (Cron, error) {
	if reason := cronProblem(expr); reason != "" {
		return Cron{}, derrors.Fields{"cron": reason}
	}
	parsed, err := cron.ParseStandard(expr)
	if err != nil {
		return Cron{}, derrors.Fields{"cron": "is not a valid cron expression: " + err.Error()}
	}
	spec, ok := parsed.(*cron.SpecSchedule)
	if !ok {
		return Cron{}, derrors.Fields{"cron": "must be a five-field cron expression"}
	}
	if spec.Next(reference).IsZero() {
		return Cron{}, derrors.Fields{"cron": "never fires (no such date)"}
	}
	fields := strings.Fields(expr)
	fixed := !strings.ContainsAny(fields[0], "*?") && !strings.ContainsAny(fields[1], "*?")
	return Cron{expr: strings.Join(fields, " "), spec: spec, fixed: fixed}, nil
}

func cronProblem(expr string) string {
	switch {
	case strings.TrimSpace(expr) == "":
		return "is required"
	case !utf8.ValidString(expr) || strings.ContainsRune(expr, 0):
		return "must be plain text"
	case len(expr) > maxCronLen:
		return fmt.Sprintf("must be at most %d characters", maxCronLen)
	case len(strings.Fields(expr)) != 5:
		return `must have five fields (minute hour day-of-month month day-of-week), ` +
			`such as "0 8 * * 1"`
	}
	return ""
}

// String is the expression with its fields separated by single spaces.
func (c Cron) String() string { return c.expr }

// Next is the first fire time strictly after t, in loc, or the zero time when the expression
// does not fire within five years. On a daylight-saving change a fixed-time job runs once: a
// wall-clock time that repeats when clocks go back is not fired again, and one that is skipped
// when clocks go forward fires at the moment of the change.
func (c Cron) Next(t time.Time, loc *time.Location) time.Time {
	cur := t.In(loc)
	// Each round skips one repeated time; a handful of rounds covers any zone's history.
	for range 8 {
		next := c.spec.Next(cur)
		if next.IsZero() || !c.fixed {
			return next
		}
		if jump, ok := c.firstSkipped(cur, next); ok {
			return jump
		}
		if !repeatedWallClock(next) {
			return next
		}
		cur = next
	}
	return time.Time{}
}

// firstSkipped finds a clocks-forward change strictly between after and before during whose
// missing wall-clock times the job would have fired, and returns the moment of that change.
func (c Cron) firstSkipped(after, before time.Time) (time.Time, bool) {
	cur := after
	for {
		_, end := cur.ZoneBounds()
		if end.IsZero() || !end.Before(before) {
			return time.Time{}, false
		}
		if end.After(after) && c.firesInGap(end) {
			return end, true
		}
		cur = end
	}
}

// firesInGap reports whether the job matches a wall-clock minute that the zone change at
// change skipped over.
func (c Cron) firesInGap(change time.Time) bool {
	_, before := change.Add(-time.Nanosecond).Zone()
	_, after := change.Zone()
	if after <= before {
		return false
	}
	gap := time.Duration(after-before) * time.Second
	y, mo, d := change.Date()
	h, mi, _ := change.Clock()
	// Wall-clock arithmetic on a zone-free copy, since the skipped times do not exist in loc.
	wall := time.Date(y, mo, d, h, mi, 0, 0, time.UTC).Add(-gap)
	for m := time.Duration(0); m < gap; m += time.Minute {
		if c.matches(wall.Add(m)) {
			return true
		}
	}
	return false
}

// matches reports whether the wall-clock minute w (read in UTC) satisfies every field.
func (c Cron) matches(w time.Time) bool {
	s := c.spec
	if s.Minute&(1<<uint(w.Minute())) == 0 || s.Hour&(1<<uint(w.Hour())) == 0 ||
		s.Month&(1<<uint(w.Month())) == 0 {
		return false
	}
	dom := s.Dom&(1<<uint(w.Day())) != 0
	dow := s.Dow&(1<<uint(w.Weekday())) != 0
	// Classic cron: when either day field is a wildcard both must match, else either may.
	if s.Dom&starBit != 0 || s.Dow&starBit != 0 {
		return dom && dow
	}
	return dom || dow
}

// repeatedWallClock reports whether t falls in the hour that clocks-back repeats, at its
// second occurrence.
func repeatedWallClock(t time.Time) bool {
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return false
	}
	_, before := start.Add(-time.Nanosecond).Zone()
	_, now := t.Zone()
	if before <= now {
		return false
	}
	overlap := time.Duration(before-now) * time.Second
	return t.Before(start.Add(overlap))
}

// Preview returns the next n fire times of a cron expression after from, in the time zone tz
// ("" means UTC). It is what a schedule page shows before anything is saved.
func Preview(cronExpr, tz string, from time.Time, n int) ([]time.Time, error) {
	c, err := ParseCron(cronExpr)
	if err != nil {
		return nil, err
	}
	loc, err := loadLocation(tz)
	if err != nil {
		return nil, err
	}
	n = min(n, MaxPreview)
	out := make([]time.Time, 0, max(n, 0))
	t := from
	for len(out) < n {
		t = c.Next(t, loc)
		if t.IsZero() {
			break
		}
		out = append(out, t)
	}
	return out, nil
}

// loadLocation resolves a schedule's time zone; "" is UTC. A failure is a derrors.Fields
// keyed "timezone".
func loadLocation(tz string) (*time.Location, error) {
	if tz == "" {
		return time.UTC, nil
	}
	if !validTimezone(tz) {
		return nil, derrors.Fields{"timezone": "must be an IANA time zone such as Europe/London"}
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, derrors.Fields{"timezone": "must be an IANA time zone such as Europe/London"}
	}
	return loc, nil
}

// validTimezone refuses names that LoadLocation would read from the host or resolve oddly.
func validTimezone(tz string) bool {
	return tz != "Local" && len(tz) <= 64 && !strings.ContainsAny(tz, "\x00\\") &&
		!strings.Contains(tz, "..") && !strings.HasPrefix(tz, "/")
}
