package campaign

import "testing"

func TestSlugify(t *testing.T) {
	tests := []struct{ name, want string }{
		{"HOA FL Lead Gen (Legacy)", "hoa-fl-lead-gen-legacy"},
		{"2026 Launch", "2026-launch"},
		{"  Café   Crème ", "cafe-creme"},
		{"SaaS---Cold__Outreach", "saas-cold-outreach"},
		{"🚀🚀", ""},
		{"Ünïcödé ½", "unicode-1-2"},
		{"a/b\\c?d", "a-b-c-d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Slugify(tt.name); got != tt.want {
				t.Errorf("Slugify(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
	long := Slugify(string(make([]byte, 0)) + "word " + repeat("abcdefghij ", 20))
	if len(long) > maxSlugLen || long[len(long)-1] == '-' {
		t.Errorf("long slug %q (%d)", long, len(long))
	}
}

func repeat(s string, n int) string {
	out := ""
	for i := 0; i < n; i++ {
		out += s
	}
	return out
}

func TestValidIcon(t *testing.T) {
	tests := []struct {
		icon string
		want bool
	}{
		{"🏠", true}, {"🚀", true}, {"📈", true}, {"⭐", true}, {"☀️", true},
		{"👩🏽‍💻", true}, {"🇺🇸", true}, {"1️⃣", true}, {"👨‍👩‍👧", true},
		{"", false}, {"a", false}, {"🚀🚀", false}, {"🏠 ", false}, {"<b>", false},
		{"\u200d🚀", false}, {"🚀\u200d", false}, {"🇺", false}, {"️", false},
	}
	for _, tt := range tests {
		if got := ValidIcon(tt.icon); got != tt.want {
			t.Errorf("ValidIcon(%q) = %v, want %v", tt.icon, got, tt.want)
		}
	}
}

func TestValidColorAndTimezone(t *testing.T) {
	for _, c := range []string{"#3B82F6", "#abcdef", "#000000"} {
		if !ValidColor(c) {
			t.Errorf("%s refused", c)
		}
	}
	for _, c := range []string{"red", "#FFF", "#GGGGGG", "#3B82F6;x", "red;background:url(x)", ""} {
		if ValidColor(c) {
			t.Errorf("%q accepted", c)
		}
	}
	for _, tz := range []string{"UTC", "America/New_York", "Europe/London", "Asia/Kolkata"} {
		if !ValidTimezone(tz) {
			t.Errorf("%s refused", tz)
		}
	}
	for _, tz := range []string{"", "Local", "Mars/Olympus", "../../etc/passwd", "EST5EDT\x00"} {
		if ValidTimezone(tz) {
			t.Errorf("%q accepted", tz)
		}
	}
}
