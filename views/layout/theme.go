package layout

import (
	"fmt"
	"math"
)

// DefaultCampaignColor is used when a campaign has no colour or an invalid one.
const DefaultCampaignColor = "#3B82F6"

// ThemeCSS returns the CSS rule that themes a page in the colour hex, given as
// #RRGGBB. It sets --campaign-rgb to the colour's channels, for Tailwind's
// campaign colour, and --on-campaign to the text colour that contrasts best
// with it. Anything that is not #RRGGBB falls back to DefaultCampaignColor, so
// the rule is built from numbers only and never contains the input.
func ThemeCSS(hex string) string {
	r, g, b := channelsOrDefault(hex)
	return fmt.Sprintf(":root{--campaign-rgb:%d %d %d;--on-campaign:%s}",
		r, g, b, contrastText(r, g, b))
}

// ContrastText returns "#000000" or "#FFFFFF", whichever has the higher WCAG
// contrast ratio against the colour hex. Invalid input is treated as
// DefaultCampaignColor.
func ContrastText(hex string) string {
	return contrastText(channelsOrDefault(hex))
}

func contrastText(r, g, b uint8) string {
	l := relativeLuminance(r, g, b)

	// Contrast ratio is (lighter + 0.05) / (darker + 0.05); black has a
	// luminance of 0 and white of 1.
	onBlack := (l + 0.05) / 0.05
	onWhite := 1.05 / (l + 0.05)
	if onBlack >= onWhite {
		return "#000000"
	}
	return "#FFFFFF"
}

// relativeLuminance follows the WCAG 2 definition for sRGB colours.
func relativeLuminance(r, g, b uint8) float64 {
	return 0.2126*linear(r) + 0.7152*linear(g) + 0.0722*linear(b)
}

func linear(c uint8) float64 {
	v := float64(c) / 255
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

func channelsOrDefault(hex string) (r, g, b uint8) {
	if r, g, b, ok := parseHex(hex); ok {
		return r, g, b
	}
	r, g, b, _ = parseHex(DefaultCampaignColor)
	return r, g, b
}

// parseHex reads a colour written exactly as #RRGGBB, in either case.
func parseHex(s string) (r, g, b uint8, ok bool) {
	if len(s) != 7 || s[0] != '#' {
		return 0, 0, 0, false
	}
	var ch [3]uint8
	for i := range ch {
		hi, ok1 := hexDigit(s[1+2*i])
		lo, ok2 := hexDigit(s[2+2*i])
		if !ok1 || !ok2 {
			return 0, 0, 0, false
		}
		ch[i] = hi<<4 | lo
	}
	return ch[0], ch[1], ch[2], true
}

func hexDigit(c byte) (uint8, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
