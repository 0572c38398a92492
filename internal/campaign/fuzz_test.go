package campaign

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

var slugShape = regexp.MustCompile(`^([a-z0-9]+(-[a-z0-9]+)*)?$`)

// FuzzSlugify checks that any name gives a slug of lower-case ASCII letters and digits joined
// by single hyphens, at most 64 bytes, that slugifies to itself, and that is empty only when
// the name has no letter or digit that folds to ASCII.
func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"HOA FL Lead Gen (Legacy)", "Café Crème", "  --a--b--  ", "",
		"日本語", "Ǆemal", "ﬁnance", "K", "x\u0301y", strings.Repeat("ab-", 40), "\xff\xfe",
		"İstanbul", "Straße", "٣٤٥", "ＡＢＣ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		slug := Slugify(name)
		if len(slug) > maxSlugLen || !slugShape.MatchString(slug) {
			t.Fatalf("Slugify(%q) = %q", name, slug)
		}
		if again := Slugify(slug); again != slug {
			t.Fatalf("Slugify(%q) = %q, but that slugifies to %q", name, slug, again)
		}
		asciiAlnum := strings.ContainsFunc(name, func(r rune) bool {
			return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
		})
		if asciiAlnum && slug == "" {
			t.Fatalf("Slugify(%q) is empty though the name has ASCII letters or digits", name)
		}
	})
}

// FuzzValidColor checks ValidColor against the rule written out by hand: # and six hex digits.
func FuzzValidColor(f *testing.F) {
	for _, s := range []string{"#3B82F6", "#3b82f6", "#FFF", "3B82F6", "#3B82F6 ", "#GGGGGG",
		"red", "#3B82F6;background:url(x)", "#３B82F6", "#3B82F\u0301", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := len(s) == 7 && s[0] == '#' && !strings.ContainsFunc(s[1:], func(r rune) bool {
			return !strings.ContainsRune("0123456789abcdefABCDEF", r)
		})
		if got := ValidColor(s); got != want {
			t.Fatalf("ValidColor(%q) = %v, want %v", s, got, want)
		}
		if want && (!ValidColor(NormalizeColor(s)) || NormalizeColor(s) != strings.ToUpper(s)) {
			t.Fatalf("NormalizeColor(%q) = %q", s, NormalizeColor(s))
		}
	})
}

// FuzzValidIcon checks that an accepted icon is short, valid UTF-8 and holds no character that
// could break out of the markup or the layout it is shown in.
func FuzzValidIcon(f *testing.F) {
	for _, s := range []string{"🏠", "🎯", "👩‍👩‍👧", "👍🏽", "🇫🇷", "#️⃣", "1⃣", "☀️", "🚀🚀", "ab",
		"<", "🏠\u200d", "\u200d🏠", "🏳️‍🌈", "\xf0\x9f", "🏴\U000E0067\U000E0062\U000E007F", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !ValidIcon(s) {
			return
		}
		if len(s) > 64 || !utf8.ValidString(s) {
			t.Fatalf("ValidIcon(%q) accepted a long or broken string", s)
		}
		for i, r := range s {
			keycapBase := i == 0 && strings.ContainsRune("0123456789#*", r)
			if (r < 0x80 && !keycapBase) || unicode.IsSpace(r) || unicode.Is(unicode.Cc, r) ||
				unicode.Is(unicode.Bidi_Control, r) {
				t.Fatalf("ValidIcon(%q) accepted %U at byte %d", s, r, i)
			}
		}
	})
}
