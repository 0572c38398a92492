package components

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// badgeStyle is how one status looks: the pill's colours and its dot's.
type badgeStyle struct {
	pill string
	dot  string
}

// The colour families of status badges. Going well is green, in progress is
// blue, waiting is indigo, needs a look is amber or orange, broken is red and
// out of play is grey.
var (
	badgeGreen = badgeStyle{
		pill: "bg-emerald-50 text-emerald-700 ring-emerald-600/20 " +
			"dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/30",
		dot: "bg-emerald-500 dark:bg-emerald-400",
	}
	badgeBlue = badgeStyle{
		pill: "bg-sky-50 text-sky-700 ring-sky-600/20 " +
			"dark:bg-sky-500/10 dark:text-sky-300 dark:ring-sky-400/30",
		dot: "bg-sky-500 motion-safe:animate-pulse dark:bg-sky-400",
	}
	badgeIndigo = badgeStyle{
		pill: "bg-indigo-50 text-indigo-700 ring-indigo-600/20 " +
			"dark:bg-indigo-500/10 dark:text-indigo-300 dark:ring-indigo-400/30",
		dot: "bg-indigo-400",
	}
	badgeAmber = badgeStyle{
		pill: "bg-amber-50 text-amber-800 ring-amber-600/20 " +
			"dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-400/30",
		dot: "bg-amber-500 dark:bg-amber-400",
	}
	badgeOrange = badgeStyle{
		pill: "bg-orange-50 text-orange-800 ring-orange-600/20 " +
			"dark:bg-orange-500/10 dark:text-orange-300 dark:ring-orange-400/30",
		dot: "bg-orange-500 dark:bg-orange-400",
	}
	badgeRed = badgeStyle{
		pill: "bg-red-50 text-red-700 ring-red-600/20 " +
			"dark:bg-red-500/10 dark:text-red-300 dark:ring-red-400/30",
		dot: "bg-red-500 dark:bg-red-400",
	}
	badgeSlate = badgeStyle{
		pill: "bg-slate-100 text-slate-700 ring-slate-500/20 " +
			"dark:bg-slate-800 dark:text-slate-200 dark:ring-slate-600/40",
		dot: "bg-slate-400",
	}
	badgeGrey = badgeStyle{
		pill: "bg-slate-50 text-slate-500 ring-slate-400/20 " +
			"dark:bg-slate-900 dark:text-slate-400 dark:ring-slate-700/60",
		dot: "bg-slate-300 dark:bg-slate-600",
	}
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
