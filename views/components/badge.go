package components

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// badgeStyle is how one status looks: a class of static/css/input.css that colours the pill
// and its dot. Going well is green, in progress is blue, waiting is indigo, needs a look is
// amber or orange, broken is red and out of play is grey. The classes live in the stylesheet
// so that long lists of badges stay small.
type badgeStyle struct {
	pill string
}

var (
	badgeGreen  = badgeStyle{pill: "badge-green"}
	badgeBlue   = badgeStyle{pill: "badge-blue"}
	badgeIndigo = badgeStyle{pill: "badge-indigo"}
	badgeAmber  = badgeStyle{pill: "badge-amber"}
	badgeOrange = badgeStyle{pill: "badge-orange"}
	badgeRed    = badgeStyle{pill: "badge-red"}
	badgeSlate  = badgeStyle{pill: "badge-slate"}
	badgeGrey   = badgeStyle{pill: "badge-grey"}
)

// badgeStyles covers the statuses of campaigns, agents and runs.
var badgeStyles = map[string]badgeStyle{
	"active":    badgeGreen,
	"completed": badgeGreen,
	"running":   badgeBlue,
	"pending":   badgeIndigo,
	"paused":    badgeAmber,
	"timeout":   badgeOrange,
	"error":     badgeRed,
	"failed":    badgeRed,
	"idle":      badgeSlate,
	"disabled":  badgeGrey,
	"archived":  badgeGrey,
	"cancelled": badgeGrey,
}

// statusKey is the status in the form badgeStyles uses.
func statusKey(status string) string {
	return strings.ToLower(strings.TrimSpace(status))
}

// statusStyle is how the status is drawn; an unknown one is slate.
func statusStyle(status string) badgeStyle {
	if s, ok := badgeStyles[statusKey(status)]; ok {
		return s
	}
	return badgeSlate
}

// statusLabel is the status as shown, such as "Timeout" for "timeout", or
// "Unknown" when there is none.
func statusLabel(status string) string {
	key := statusKey(status)
	if key == "" {
		return "Unknown"
	}
	r, size := utf8.DecodeRuneInString(key)
	return string(unicode.ToUpper(r)) + key[size:]
}
