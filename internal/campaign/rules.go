package campaign

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/clawops/clawops/internal/derrors"
)

// Limits on campaign fields.
const (
	maxNameLen        = 100
	maxDescriptionLen = 2000
	maxSlugLen        = 64
	maxConfigBytes    = 64 << 10
)

// Types a campaign may have.
var Types = []string{"lead-gen", "marketing", "outreach", "content", "social", "trading", "other"}

// Statuses a campaign may have; archived is reached only through Archive.
var Statuses = []string{StatusActive, StatusPaused, StatusArchived}

// Campaign statuses.
const (
	StatusActive   = "active"
	StatusPaused   = "paused"
	StatusArchived = "archived"
)

// Defaults for a new campaign.
const (
	DefaultColor    = "#3B82F6"
	DefaultIcon     = "🎯"
	DefaultType     = "other"
	DefaultTimezone = "UTC"
)

var (
	colorRE = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)
	clockRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// Slugify derives a URL slug from a campaign name: lower case ASCII letters and digits joined
// by single hyphens, accents folded ("Café" → "cafe"). It may start with a digit, and is empty
// when the name holds no letter or digit.
func Slugify(name string) string {
	var b strings.Builder
	pendingDash := false
	for _, r := range norm.NFKD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if pendingDash && b.Len() > 0 {
				b.WriteByte('-')
			}
			pendingDash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			pendingDash = true
		}
		if b.Len() >= maxSlugLen {
			break
		}
	}
	return strings.TrimRight(b.String()[:min(b.Len(), maxSlugLen)], "-")
}

// ValidColor reports whether s is a colour of the form #RRGGBB.
func ValidColor(s string) bool { return colorRE.MatchString(s) }

// NormalizeColor upper-cases a valid colour.
func NormalizeColor(s string) string { return strings.ToUpper(s) }

// ValidIcon reports whether s is exactly one emoji: one pictograph, optionally with variation
// selectors, skin tones, keycaps or zero-width-joined parts, or one regional-indicator flag.
func ValidIcon(s string) bool {
	if s == "" || len(s) > 64 || !utf8.ValidString(s) {
		return false
	}
	runes := []rune(s)
	if len(runes) == 2 && isRegional(runes[0]) && isRegional(runes[1]) {
		return true
	}
	// A keycap: digit, # or *, optional VS16, then U+20E3.
	if strings.HasSuffix(s, "\u20e3") && strings.ContainsRune("0123456789#*", runes[0]) {
		rest := runes[1 : len(runes)-1]
		return len(rest) == 0 || (len(rest) == 1 && rest[0] == 0xFE0F)
	}
	bases := 0
	joined := true // the first rune must be a base
	for _, r := range runes {
		switch {
		case r == 0x200D:
			if joined {
				return false
			}
			joined = true
		case r == 0xFE0F || r == 0xFE0E || (r >= 0x1F3FB && r <= 0x1F3FF) ||
			(r >= 0xE0020 && r <= 0xE007F):
			if bases == 0 {
				return false
			}
		case isPictograph(r):
			if !joined {
				return false
			}
			bases++
			joined = false
		default:
			return false
		}
	}
	return bases >= 1 && !joined
}

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// isPictograph covers the Unicode blocks emoji are drawn from.
func isPictograph(r rune) bool {
	switch {
	case isRegional(r), r >= 0x1F3FB && r <= 0x1F3FF:
		return false // only valid in pairs, or as a modifier
	case r >= 0x1F000 && r <= 0x1FAFF, // symbols, pictographs, emoticons, transport, etc.
		r >= 0x2600 && r <= 0x27BF, // miscellaneous symbols, dingbats
		r >= 0x2300 && r <= 0x23FF, // technical (⌚, ⏰)
		r >= 0x2B00 && r <= 0x2BFF, // arrows and stars (⭐)
		r >= 0x2190 && r <= 0x21FF, // arrows
		r == 0x00A9, r == 0x00AE, r == 0x203C, r == 0x2049, r == 0x2122, r == 0x2139,
		r >= 0x2194 && r <= 0x2199, r == 0x24C2, r >= 0x25AA && r <= 0x25FE,
		r == 0x3030, r == 0x303D, r == 0x3297, r == 0x3299:
		return true
	}
	return false
}

// ValidTimezone reports whether s names an IANA time zone.
func ValidTimezone(s string) bool {
	if s == "" || s == "Local" || strings.ContainsAny(s, "\x00\\") || strings.Contains(s, "..") {
		return false
	}
	_, err := time.LoadLocation(s)
	return err == nil
}

func checkQuietHours(f derrors.Fields, q *QuietHours) {
	if q == nil {
		return
	}
	switch {
	case !clockRE.MatchString(q.Start):
		f.Add("quietHours.start", "must be a time of day as HH:MM")
	case !clockRE.MatchString(q.End):
		f.Add("quietHours.end", "must be a time of day as HH:MM")
	case q.Start == q.End:
		f.Add("quietHours", "must not start and end at the same time")
	}
}

// maxBudgetUSD bounds a budget limit, far above any real one.
const maxBudgetUSD = 1e9

// checkBudget validates b and returns it, or nil when it sets no limit at all.
func checkBudget(f derrors.Fields, b *Budget) *Budget {
	if b == nil {
		return nil
	}
	for name, v := range map[string]*float64{"dailyUsd": b.DailyUSD, "monthlyUsd": b.MonthlyUSD} {
		if v != nil && (!(*v > 0) || *v > maxBudgetUSD) {
			f.Add("budget."+name, "must be more than 0 and at most 1000000000 US dollars")
		}
	}
	if b.DailyUSD == nil && b.MonthlyUSD == nil {
		return nil
	}
	return b
}

func checkConfig(f derrors.Fields, cfg json.RawMessage) {
	if cfg == nil {
		return
	}
	if len(cfg) > maxConfigBytes {
		f.Add("config", "must be at most 64 KiB")
		return
	}
	var obj map[string]any
	if err := json.Unmarshal(cfg, &obj); err != nil || obj == nil {
		f.Add("config", "must be a JSON object")
	}
}
