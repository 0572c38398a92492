package schedule

import (
	"testing"
	"time"
)

func TestDescribe(t *testing.T) {
	tests := []struct{ cron, want string }{
		{"0 8 * * 1", "At 08:00 on Monday"},
		{"30 8 * * 1", "At 08:30 on Monday"},
		{"0 10 * * 1,3,5", "At 10:00 on Monday, Wednesday and Friday"},
		{"0 9 * * 1-5", "At 09:00 on weekdays"},
		{"0 14 * * 2,4", "At 14:00 on Tuesday and Thursday"},
		{"0 6 * * 0,6", "At 06:00 at weekends"},
		{"30 2 * * *", "At 02:30 every day"},
		{"0 9,17 * * *", "At 09:00 and 17:00 every day"},
		{"*/15 * * * *", "Every 15 minutes every day"},
		{"*/5 * * * 1-5", "Every 5 minutes on weekdays"},
		{"* * * * *", "Every minute every day"},
		{"0 * * * *", "Every hour, on the hour, every day"},
		{"15 * * * *", "Every hour at 15 minutes past, every day"},
		{"0 9 1 * *", "At 09:00 on day 1 of the month"},
		{"0 9 1,15 * *", "At 09:00 on days 1 and 15 of the month"},
		{"0 9 1 1,7 *", "At 09:00 on day 1 of the month in January and July"},
		{"0 9 1 * 1", "At 09:00 on day 1 of the month or on Monday"},
		{"0 9-17 * * *", "At minute 0 of hour 9-17 every day"},
		{"0 9 * * 2-4", "At 09:00 on Tuesday to Thursday"},
		{"not a cron", "Not a valid schedule"},
	}
	for _, tt := range tests {
		if got := Describe(tt.cron); got != tt.want {
			t.Errorf("Describe(%q) = %q, want %q", tt.cron, got, tt.want)
		}
	}
}

func TestOverdue(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	tests := []struct {
		name string
		s    Schedule
		want bool
	}{
		{"due soon", Schedule{Enabled: true, NextRunAt: at(time.Minute)}, false},
		{"just late", Schedule{Enabled: true, NextRunAt: at(-4 * time.Minute)}, false},
		{"late", Schedule{Enabled: true, NextRunAt: at(-6 * time.Minute)}, true},
		{"disabled", Schedule{NextRunAt: at(-time.Hour)}, false},
		{"never fires", Schedule{Enabled: true}, false},
	}
	for _, tt := range tests {
		if got := tt.s.Overdue(now); got != tt.want {
			t.Errorf("%s: Overdue = %v, want %v", tt.name, got, tt.want)
		}
	}
}
