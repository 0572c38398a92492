package layout

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const defaultRule = ":root{--campaign-rgb:59 130 246;--on-campaign:#000000}"

func TestThemeCSS(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		want string
	}{
		{"default colour", "#3B82F6", defaultRule},
		{"white", "#FFFFFF", ":root{--campaign-rgb:255 255 255;--on-campaign:#000000}"},
		{"black", "#000000", ":root{--campaign-rgb:0 0 0;--on-campaign:#FFFFFF}"},
		{"lower case", "#0f172a", ":root{--campaign-rgb:15 23 42;--on-campaign:#FFFFFF}"},
		{"yellow", "#FACC15", ":root{--campaign-rgb:250 204 21;--on-campaign:#000000}"},
		{"empty falls back", "", defaultRule},
		{"css injection falls back", "red;background:url(x)", defaultRule},
		{"closing style tag falls back", "#FFF</style><script>", defaultRule},
		{"named colour falls back", "red", defaultRule},
		{"short hex falls back", "#FFF", defaultRule},
		{"no hash falls back", "3B82F6A", defaultRule},
		{"non-hex digit falls back", "#3B82FG", defaultRule},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ThemeCSS(tt.hex)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ThemeCSS(%q) mismatch (-want +got):\n%s", tt.hex, diff)
			}
		})
	}
}

func TestContrastText(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		want string
	}{
		{"white gets black", "#FFFFFF", "#000000"},
		{"black gets white", "#000000", "#FFFFFF"},
		// #3B82F6 reaches 5.7:1 with black but only 3.7:1 with white.
		{"default blue gets black", "#3B82F6", "#000000"},
		{"yellow gets black", "#FACC15", "#000000"},
		{"dark violet gets white", "#5B21B6", "#FFFFFF"},
		{"dark red gets white", "#991B1B", "#FFFFFF"},
		{"invalid uses default colour", "red;background:url(x)", "#000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ContrastText(tt.hex)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ContrastText(%q) mismatch (-want +got):\n%s", tt.hex, diff)
			}
		})
	}
}

func TestContrastTextMeetsAA(t *testing.T) {
	// The better of black and white always reaches at least sqrt(21):1, so
	// the chosen text meets WCAG AA (4.5:1) on any campaign colour.
	colours := []string{"#3B82F6", "#FACC15", "#10B981", "#EF4444", "#F97316", "#8B5CF6"}
	for v := 0; v < 256; v += 5 {
		colours = append(colours, fmt.Sprintf("#%02X%02X%02X", v, v, v))
	}
	for _, hex := range colours {
		r, g, b, _ := parseHex(hex)
		bg := relativeLuminance(r, g, b)
		text := 1.0
		if ContrastText(hex) == "#000000" {
			text = 0
		}
		ratio := (max(bg, text) + 0.05) / (min(bg, text) + 0.05)
		if ratio < 4.5 {
			t.Errorf("%s text on %s has contrast %.2f:1, want at least 4.5:1",
				ContrastText(hex), hex, ratio)
		}
	}
}

func TestBaseThemeStyle(t *testing.T) {
	tests := []struct {
		name  string
		color string
		want  string
	}{
		{"campaign colour", "#FACC15", "<style>" + ThemeCSS("#FACC15") + "</style>"},
		{"no colour", "", "<style>" + defaultRule + "</style>"},
		{"hostile colour", "red;}</style><script>alert(1)</script>", "<style>" + defaultRule + "</style>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Base(Page{CampaignColor: tt.color}).Render(context.Background(), &buf)
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			got := buf.String()
			if !strings.Contains(got, tt.want) {
				t.Errorf("page does not contain %q:\n%s", tt.want, got)
			}
			if strings.Contains(got, "alert(1)") {
				t.Errorf("page contains the hostile colour:\n%s", got)
			}
		})
	}
}
