package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// overdueAfter is how late a fire may be before its schedule counts as overdue.
const overdueAfter = 5 * time.Minute

// Overdue reports whether an enabled schedule should have fired more than five minutes
// before now and has not: the scheduler is stopped or stuck.
func (s Schedule) Overdue(now time.Time) bool {
	return s.Enabled && s.NextRunAt != nil && now.Sub(*s.NextRunAt) > overdueAfter
}

var (
	dayNames = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
		"Saturday"}
	monthNames = []string{"", "January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
)

// Describe says in plain words when a cron expression fires: "At 08:00 on Monday", "Every 15
// minutes on weekdays". An expression that cannot be parsed is described as such.
func Describe(expr string) string {
	if _, err := ParseCron(expr); err != nil {
		return "Not a valid schedule"
	}
	f := strings.Fields(expr)
	out := timePhrase(f[0], f[1]) + " " + dayPhrase(f[2], f[4])
	if f[3] != "*" {
		out += " in " + list(f[3], 1, monthNames)
	}
	return strings.ToUpper(out[:1]) + out[1:]
}

// timePhrase describes the minute and hour fields.
func timePhrase(minute, hour string) string {
	m, mOK := plainNumber(minute)
	switch {
	case mOK && hour == "*":
		if m == 0 {
			return "every hour, on the hour,"
		}
		return fmt.Sprintf("every hour at %d minutes past,", m)
	case minute == "*" && hour == "*":
		return "every minute"
	case strings.HasPrefix(minute, "*/") && hour == "*":
		return "every " + strings.TrimPrefix(minute, "*/") + " minutes"
	case mOK:
		if hours, ok := numbers(hour); ok {
			times := make([]string, len(hours))
			for i, h := range hours {
				times[i] = fmt.Sprintf("%02d:%02d", h, m)
			}
			return "at " + joinAnd(times)
		}
	}
	return "at minute " + minute + " of hour " + hour
}

// dayPhrase describes the day-of-month and day-of-week fields, which cron joins with "or".
func dayPhrase(dom, dow string) string {
	days := ""
	switch dow {
	case "*":
	case "1-5":
		days = "on weekdays"
	case "0,6", "6,0":
		days = "at weekends"
	default:
		days = "on " + list(dow, 0, dayNames)
	}
	monthDays := ""
	if dom != "*" {
		items := strings.Split(dom, ",")
		word := "day "
		if len(items) > 1 || strings.Contains(dom, "-") {
			word = "days "
		}
		monthDays = "on " + word + joinAnd(items) + " of the month"
	}
	switch {
	case days == "" && monthDays == "":
		return "every day"
	case days == "":
		return monthDays
	case monthDays == "":
		return days
	}
	return monthDays + " or " + days
}

// list names the values of a cron field: "Monday, Wednesday and Friday", "Monday to Friday".
// Values it cannot read are given as written.
func list(field string, base int, names []string) string {
	var parts []string
	for _, item := range strings.Split(field, ",") {
		lo, hi, isRange := strings.Cut(item, "-")
		a, errA := strconv.Atoi(lo)
		if errA != nil || a < base || a >= len(names) {
			parts = append(parts, strings.ToLower(item))
			continue
		}
		if !isRange {
			parts = append(parts, names[a])
			continue
		}
		b, errB := strconv.Atoi(hi)
		if errB != nil || b < base || b >= len(names) {
			parts = append(parts, strings.ToLower(item))
			continue
		}
		parts = append(parts, names[a]+" to "+names[b])
	}
	return joinAnd(parts)
}

// numbers reads a field that lists plain numbers only.
func numbers(field string) ([]int, bool) {
	var out []int
	for _, item := range strings.Split(field, ",") {
		n, ok := plainNumber(item)
		if !ok {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

func plainNumber(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// joinAnd joins words as a sentence does: "a", "a and b", "a, b and c".
func joinAnd(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
