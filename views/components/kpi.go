package components

import (
	"math"
	"strconv"
	"strings"
)

// KPI is one headline number with its change against the previous period.
type KPI struct {
	// ID names the card: data-testid="kpi-<ID>".
	ID string
	// Label says what is counted, such as "Leads generated".
	Label string
	// Value is Current already formatted for display, such as "128".
	Value    string
	Current  float64
	Previous float64
	// Period names what the change is measured against, such as "vs previous
	// 7 days".
	Period string
	// HigherIsBetter makes a rise good news; when false, as for failed runs, a
	// rise is bad news.
	HigherIsBetter bool
}

// The tones of a Delta.
const (
	DeltaGood    = "good"
	DeltaBad     = "bad"
	DeltaNeutral = "neutral"
)

// Delta is the change of a KPI against the previous period.
type Delta struct {
	// Text is a signed whole percentage such as "+12%" or "−8%" (one decimal
	// below 1%), "new" when there was nothing before, or "no change".
	Text string
	// Direction is 1 for a rise, -1 for a fall and 0 for no change.
	Direction int
	// Tone is DeltaGood, DeltaBad or DeltaNeutral.
	Tone string
}

// Delta compares Current with Previous. The percentage is taken against the
// size of Previous, so a negative previous value still gives the direction
// of the change. A change that rounds to 0.0% counts as no change.
func (k KPI) Delta() Delta {
	cur, prev := k.Current, k.Previous
	if !finite(cur) || !finite(prev) || cur == prev {
		return Delta{Text: "no change", Tone: DeltaNeutral}
	}
	if prev == 0 {
		return k.delta("new", sign(cur))
	}

	pct := (cur - prev) / math.Abs(prev) * 100
	text := percent(math.Abs(pct))
	if text == "" {
		return Delta{Text: "no change", Tone: DeltaNeutral}
	}
	if pct > 0 {
		return k.delta("+"+text, 1)
	}
	return k.delta("−"+text, -1)
}

func (k KPI) delta(text string, direction int) Delta {
	tone := DeltaBad
	if (direction > 0) == k.HigherIsBetter {
		tone = DeltaGood
	}
	return Delta{Text: text, Direction: direction, Tone: tone}
}

// spoken is the change as a screen reader says it, such as "up 12% vs
// previous 7 days".
func (k KPI) spoken(d Delta) string {
	var s string
	switch {
	case d.Direction == 0:
		s = "no change"
	case d.Text == "new" && d.Direction > 0:
		s = "up from 0"
	case d.Text == "new":
		s = "down from 0"
	case d.Direction > 0:
		s = "up " + strings.TrimPrefix(d.Text, "+")
	default:
		s = "down " + strings.TrimPrefix(d.Text, "−")
	}
	if k.Period == "" {
		return s
	}
	return s + " " + k.Period
}

// percent writes p, which is not negative, as a whole percentage, or with one
// decimal below 1%. It returns "" when p rounds to 0.0.
func percent(p float64) string {
	if whole := math.Round(p); whole >= 1 {
		return grouped(whole, 0) + "%"
	}
	tenths := math.Round(p * 10)
	if tenths == 0 {
		return ""
	}
	return strconv.FormatFloat(tenths/10, 'f', 1, 64) + "%"
}

func finite(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0)
}

func sign(v float64) int {
	if v < 0 {
		return -1
	}
	return 1
}

// pillClass colours the change pill by its tone.
func (d Delta) pillClass() string {
	switch d.Tone {
	case DeltaGood:
		return "bg-emerald-50 text-emerald-700 ring-emerald-600/20 " +
			"dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/30"
	case DeltaBad:
		return "bg-red-50 text-red-700 ring-red-600/20 " +
			"dark:bg-red-500/10 dark:text-red-300 dark:ring-red-400/30"
	}
	return "bg-slate-100 text-slate-600 ring-slate-500/20 " +
		"dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-600/40"
}
