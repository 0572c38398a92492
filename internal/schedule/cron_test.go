package schedule

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/derrors"
)

func TestParseCron(t *testing.T) {
	tests := []struct {
		expr    string
		wantErr bool
	}{
		{"0 8 * * 1", false},
		{"30 8 * * 1", false},
		{"0 10 * * 1,3,5", false},
		{"0 9 * * 1-5", false},
		{"*/15 * * * *", false},
		{"0 9 * * MON-FRI", false},
		{"  0   8 * * 1 ", false},
		{"0 0 29 2 *", false},
		{"", true},
		{"* * * *", true},
		{"0 0 8 * * 1", true},
		{"@daily", true},
		{"@every 1h", true},
		{"CRON_TZ=UTC 0 8 * * *", true},
		{"61 * * * *", true},
		{"0 24 * * *", true},
		{"0 8 * * 8", true},
		{"0 8 * 13 *", true},
		{"0 0 30 2 *", true},
		{"0 8 * * 1\x00", true},
		{"a b c d e", true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := ParseCron(tt.expr)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseCron(%q) error = %v, want error %v", tt.expr, err, tt.wantErr)
			}
			if err == nil {
				return
			}
			f, ok := derrors.AsFields(err)
			if !ok || f["cron"] == "" || len(f) != 1 {
				t.Errorf("ParseCron(%q) error = %#v, want a validation error on cron", tt.expr, err)
			}
		})
	}
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestPreview(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	london := mustLoad(t, "Europe/London")
	at := func(loc *time.Location, mo time.Month, d, h, mi int) time.Time {
		return time.Date(2026, mo, d, h, mi, 0, 0, loc)
	}
	edt := time.FixedZone("EDT", -4*3600)
	est := time.FixedZone("EST", -5*3600)
	tests := []struct {
		name string
		cron string
		tz   string
		from time.Time
		n    int
		want []time.Time
	}{
		{
			name: "weekly in UTC", cron: "0 8 * * 1", tz: "",
			from: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), n: 3,
			want: []time.Time{at(time.UTC, 1, 5, 8, 0), at(time.UTC, 1, 12, 8, 0),
				at(time.UTC, 1, 19, 8, 0)},
		},
		{
			name: "strictly after from", cron: "0 8 * * *", tz: "UTC",
			from: at(time.UTC, 1, 1, 8, 0), n: 1,
			want: []time.Time{at(time.UTC, 1, 2, 8, 0)},
		},
		{
			name: "local wall clock", cron: "0 9 * * *", tz: "Europe/London",
			from: at(time.UTC, 7, 1, 0, 0), n: 1,
			want: []time.Time{at(london, 7, 1, 9, 0)},
		},
		{
			// 02:00 does not exist on 8 March in New York: the job runs once, at the change.
			name: "spring forward runs once at the change", cron: "0 2 * * *",
			tz: "America/New_York", from: at(ny, 3, 6, 12, 0), n: 4,
			want: []time.Time{at(est, 3, 7, 2, 0), at(edt, 3, 8, 3, 0), at(edt, 3, 9, 2, 0),
				at(edt, 3, 10, 2, 0)},
		},
		{
			name: "spring forward half past", cron: "30 2 * * *", tz: "America/New_York",
			from: at(ny, 3, 8, 0, 0), n: 2,
			want: []time.Time{at(edt, 3, 8, 3, 0), at(edt, 3, 9, 2, 30)},
		},
		{
			// 01:30 happens twice on 1 November: a daily job runs at the first only.
			name: "fall back runs once", cron: "30 1 * * *", tz: "America/New_York",
			from: at(ny, 10, 31, 12, 0), n: 3,
			want: []time.Time{at(edt, 11, 1, 1, 30), at(est, 11, 2, 1, 30),
				at(est, 11, 3, 1, 30)},
		},
		{
			name: "fall back from between the two", cron: "30 1 * * *", tz: "America/New_York",
			from: at(edt, 11, 1, 1, 45), n: 1,
			want: []time.Time{at(est, 11, 2, 1, 30)},
		},
		{
			name: "interval jobs follow real time", cron: "*/30 * * * *", tz: "America/New_York",
			from: at(edt, 11, 1, 0, 45), n: 5,
			want: []time.Time{at(edt, 11, 1, 1, 0), at(edt, 11, 1, 1, 30), at(est, 11, 1, 1, 0),
				at(est, 11, 1, 1, 30), at(est, 11, 1, 2, 0)},
		},
		{
			name: "zero count", cron: "0 8 * * *", tz: "UTC",
			from: at(time.UTC, 1, 1, 0, 0), n: 0, want: []time.Time{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Preview(tt.cron, tt.tz, tt.from, tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(time.Time.Equal)); diff != "" {
				t.Errorf("Preview() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPreviewAcrossDSTNeverRepeats(t *testing.T) {
	for _, tz := range []string{"America/New_York", "Europe/London", "Australia/Lord_Howe",
		"America/Sao_Paulo", "UTC"} {
		for _, expr := range []string{"0 2 * * *", "30 1 * * *", "0 0 * * *", "*/20 * * * *",
			"15 2,3 * * 0"} {
			from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			got, err := Preview(expr, tz, from, 400)
			if err != nil {
				t.Fatalf("Preview(%q, %s) = %v", expr, tz, err)
			}
			if len(got) == 0 {
				t.Fatalf("Preview(%q, %s) is empty", expr, tz)
			}
			for i := 1; i < len(got); i++ {
				if !got[i].After(got[i-1]) {
					t.Errorf("Preview(%q, %s): %v does not follow %v", expr, tz, got[i], got[i-1])
				}
			}
		}
	}
}

func TestPreviewValidation(t *testing.T) {
	tests := []struct {
		name, cron, tz, wantField string
	}{
		{"bad cron", "0 8 * *", "UTC", "cron"},
		{"unknown zone", "0 8 * * *", "Mars/Olympus_Mons", "timezone"},
		{"local zone", "0 8 * * *", "Local", "timezone"},
		{"path as zone", "0 8 * * *", "../../etc/passwd", "timezone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Preview(tt.cron, tt.tz, time.Now(), 5)
			f, ok := derrors.AsFields(err)
			if !ok || f[tt.wantField] == "" {
				t.Errorf("Preview() error = %v, want a validation error on %s", err, tt.wantField)
			}
		})
	}
}
