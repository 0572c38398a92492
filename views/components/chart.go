package components

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Chart is a daily bar chart drawn as server-side SVG.
type Chart struct {
	// ID is unique on the page. The figure has data-testid="chart-<ID>" and the
	// SVG's element ids start with "chart-<ID>-". Characters other than ASCII
	// letters, digits, '-' and '_' are replaced by '-'.
	ID string
	// Title is the visible heading and the SVG's accessible <title>.
	Title string
	// Description is the SVG's accessible <desc>, such as "Leads per day, last
	// 7 days"; it is also shown under the heading.
	Description string
	// Labels holds one date per bar group, written as 2006-01-02. A label in
	// another form is shown as it is.
	Labels []string
	// Series are stacked bottom to top when there is more than one.
	Series []Series
	// Unit is "" for counts and "$" for money, which is shown with two
	// decimals. Any other unit is written after the number.
	Unit string
}

// Series is one named set of values in a Chart.
type Series struct {
	Name string
	// Values has one value per label. A missing value counts as 0; negative and
	// non-finite values draw no bar but are listed in the data table.
	Values []float64
	// Tone is ToneCampaign, ToneDanger or ToneMuted. Anything else is drawn
	// in the campaign colour.
	Tone string
}

// The tones a Series can be drawn in.
const (
	// ToneCampaign is the campaign's own colour.
	ToneCampaign = "campaign"
	// ToneDanger is red, for failures and errors.
	ToneDanger = "danger"
	// ToneMuted is slate, for secondary figures.
	ToneMuted = "muted"
)

// The SVG is drawn in a fixed coordinate system and scaled to the width of its
// container, so every position below is in viewBox units.
const (
	// Charts sit in cards 300 to 500 pixels wide, so a width of 400 units draws the
	// 13-unit labels at 10 to 16 pixels.
	chartWidth  = 400
	chartHeight = 200
	plotLeft    = 44.0
	plotRight   = 394.0
	plotTop     = 10.0
	plotBottom  = 174.0
	// axisLabelX is where the right-aligned value labels end.
	axisLabelX = plotLeft - 6
	// dayLabelY is the baseline of the day labels under the bars.
	dayLabelY = plotBottom + 18
	// barShare is the part of a day's slot its bar fills; maxBarWidth keeps a
	// chart of one or two days from drawing slabs.
	barShare    = 0.64
	maxBarWidth = 48.0
	// axisSteps is roughly how many grid intervals the value axis gets.
	axisSteps = 5
	// maxDayLabels keeps day labels from overlapping; wideDays is the most days
	// that still have room for labels such as "Mon 1".
	maxDayLabels = 8
	wideDays     = 7
)

// axis is the value scale of a chart: it runs from 0 to max in steps of step.
type axis struct {
	max  float64
	step float64
}

// chartView is a Chart laid out for drawing, with every coordinate formatted.
type chartView struct {
	id         string
	titleID    string
	descID     string
	labelledBy string
	viewBox    string
	grid       []gridLine
	bars       []bar
	dayLabels  []dayLabel
	empty      bool
}

// gridLine is one horizontal line across the plot with its value label. The
// line at zero is the baseline.
type gridLine struct {
	y     string
	label string
	base  bool
}

// bar is one rectangle: a single value, or one series' part of a stack.
type bar struct {
	x, y, width, height string
	class               string
	// tip is the hover text: the series, its exact value and the full date.
	tip string
}

// dayLabel is one label under the bars, centred on its day's slot.
type dayLabel struct {
	x    string
	text string
}

// tableRow is one day of the data table that screen readers use.
type tableRow struct {
	day    string
	values []string
}

// view lays c out for drawing.
func (c Chart) view() chartView {
	top := c.maxTotal()
	a := niceAxis(top, c.Unit != "$")
	id := c.domID()
	v := chartView{
		id:         id,
		titleID:    id + "-title",
		descID:     id + "-desc",
		labelledBy: id + "-title",
		viewBox:    "0 0 " + strconv.Itoa(chartWidth) + " " + strconv.Itoa(chartHeight),
		grid:       gridLines(a, c.Unit),
		bars:       c.bars(a),
		dayLabels:  c.dayLabels(),
		empty:      top == 0,
	}
	if c.Description != "" {
		v.labelledBy += " " + v.descID
	}
	return v
}

// domID is the prefix of every id and test id in the chart. It is kept to
// characters that are safe in an id list such as aria-labelledby.
func (c Chart) domID() string {
	var b strings.Builder
	b.WriteString("chart-")
	for _, r := range c.ID {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

// maxTotal is the height of the tallest stack.
func (c Chart) maxTotal() float64 {
	top := 0.0
	for i := range c.Labels {
		total := 0.0
		for _, s := range c.Series {
			total += drawn(s, i)
		}
		top = math.Max(top, total)
	}
	return top
}

// bars returns one rectangle per drawn value, stacking the series of a day
// from the first upwards. Each stack's edges are rounded once, so the parts
// of a stack meet without gaps.
func (c Chart) bars(a axis) []bar {
	var bars []bar
	for i, label := range c.Labels {
		x, width := barSlot(i, len(c.Labels))
		total := 0.0
		for _, s := range c.Series {
			v := drawn(s, i)
			if v == 0 {
				continue
			}
			bottom := yAt(total, a)
			total += v
			top := yAt(total, a)
			bars = append(bars, bar{
				x:      coord(x),
				y:      coord(top),
				width:  coord(width),
				height: coord(bottom - top),
				class:  toneFill(s.Tone),
				tip:    barTip(s.Name, FormatValue(v, c.Unit), label),
			})
		}
	}
	return bars
}

// dayLabels returns the labels under the bars, leaving some days out when
// there are too many to fit.
func (c Chart) dayLabels() []dayLabel {
	n := len(c.Labels)
	var labels []dayLabel
	for i := 0; i < n; i += labelEvery(n) {
		x, width := barSlot(i, n)
		labels = append(labels, dayLabel{
			x:    coord(x + width/2),
			text: shortDay(c.Labels[i], n > wideDays),
		})
	}
	return labels
}

// seriesNames are the column headings of the data table.
func (c Chart) seriesNames() []string {
	names := make([]string, len(c.Series))
	for i, s := range c.Series {
		names[i] = s.Name
		if names[i] == "" {
			names[i] = "Value"
		}
	}
	return names
}

// tableRows lists every value exactly, day by day.
func (c Chart) tableRows() []tableRow {
	rows := make([]tableRow, len(c.Labels))
	for i, label := range c.Labels {
		values := make([]string, len(c.Series))
		for j, s := range c.Series {
			v := 0.0
			if i < len(s.Values) {
				v = s.Values[i]
			}
			values[j] = FormatValue(v, c.Unit)
		}
		rows[i] = tableRow{day: longDay(label), values: values}
	}
	return rows
}

// drawn is the height the i-th value of s adds to its stack.
func drawn(s Series, i int) float64 {
	if i >= len(s.Values) {
		return 0
	}
	v := s.Values[i]
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0
	}
	return v
}

// niceAxis returns the axis for values up to top. Its step is 1, 2 or 5 times
// a power of ten, picked for about axisSteps intervals, and its maximum is
// the first multiple of the step at or above top. A whole axis never steps by
// less than one, so counts get no fractional grid lines. An empty chart gets
// the axis of a chart whose tallest bar is 1.
func niceAxis(top float64, whole bool) axis {
	if !(top > 0) || math.IsInf(top, 0) {
		top = 1
	}
	step := niceCeil(top / axisSteps)
	if whole && step < 1 {
		step = 1
	}

	// The tolerance keeps a top that is already a multiple of the step, such
	// as 0.6 with a step of 0.2, from gaining a further step through rounding.
	n := math.Ceil(top/step - 1e-9)
	return axis{max: n * step, step: step}
}

// niceCeil returns the smallest number of the form 1, 2 or 5 × 10^n that is
// at least x, for x > 0.
func niceCeil(x float64) float64 {
	pow := math.Pow10(int(math.Floor(math.Log10(x))))
	f := x / pow
	const eps = 1e-9
	switch {
	case f <= 1+eps:
		return pow
	case f <= 2+eps:
		return 2 * pow
	case f <= 5+eps:
		return 5 * pow
	}
	return 10 * pow
}

// gridLines returns a line for every step of a, from zero up.
func gridLines(a axis, unit string) []gridLine {
	n := int(math.Round(a.max / a.step))
	lines := make([]gridLine, 0, n+1)
	for i := 0; i <= n; i++ {
		v := float64(i) * a.step
		lines = append(lines, gridLine{
			y:     coord(yAt(v, a)),
			label: tickLabel(v, a, unit),
			base:  i == 0,
		})
	}
	return lines
}

// yAt is the vertical position of the value v, rounded to a tenth of a unit.
func yAt(v float64, a axis) float64 {
	return round1(plotBottom - v/a.max*(plotBottom-plotTop))
}

// barSlot returns the left edge and width of the bar for day i of n. Every day
// gets an equal slot and its bar is centred in it.
func barSlot(i, n int) (x, width float64) {
	slot := (plotRight - plotLeft) / float64(n)
	width = math.Min(slot*barShare, maxBarWidth)
	return plotLeft + slot*float64(i) + (slot-width)/2, width
}

// labelEvery is how many days apart the labels under n bars are.
func labelEvery(n int) int {
	return max(1, (n+maxDayLabels-1)/maxDayLabels)
}

func round1(v float64) float64 {
	return math.Round(v*10) / 10
}

// coord formats an SVG coordinate with one decimal.
func coord(v float64) string {
	return strconv.FormatFloat(round1(v), 'f', 1, 64)
}

// shortDay is the label under a bar: "Mon 1" when there is room, "12/01" when
// there are more than a week's bars.
func shortDay(label string, compact bool) string {
	d, err := time.Parse(time.DateOnly, label)
	if err != nil {
		return label
	}
	if compact {
		return d.Format("01/02")
	}
	return d.Format("Mon 2")
}

// longDay is the date in tooltips and the data table, such as "Tue 1 Dec 2026".
func longDay(label string) string {
	d, err := time.Parse(time.DateOnly, label)
	if err != nil {
		return label
	}
	return d.Format("Mon 2 Jan 2006")
}

func barTip(series, value, label string) string {
	if series == "" {
		return value + " on " + longDay(label)
	}
	return series + ": " + value + " on " + longDay(label)
}

// gridClass is the stroke class of a grid line; the baseline is darker.
func gridClass(base bool) string {
	if base {
		return "stroke-slate-300 dark:stroke-slate-600"
	}
	return "stroke-slate-200 dark:stroke-slate-700"
}

// toneFill is the fill class of a bar in the given tone.
func toneFill(tone string) string {
	switch tone {
	case ToneDanger:
		return "fill-red-500 dark:fill-red-400"
	case ToneMuted:
		return "fill-slate-400 dark:fill-slate-500"
	}
	return "fill-campaign"
}

// toneSwatch is the background class of a legend swatch in the given tone.
func toneSwatch(tone string) string {
	switch tone {
	case ToneDanger:
		return "bg-red-500 dark:bg-red-400"
	case ToneMuted:
		return "bg-slate-400 dark:bg-slate-500"
	}
	return "bg-campaign"
}

// FormatValue writes v as a Chart with the given unit shows it: counts with
// thousands separators and at most two decimals ("1,234", "2.5"), money with
// exactly two ("$12.50"), and any other unit after the number ("3 min").
func FormatValue(v float64, unit string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	var s string
	switch unit {
	case "$":
		s = "$" + grouped(math.Abs(v), 2)
	case "":
		s = trimZeros(grouped(math.Abs(v), 2))
	default:
		s = trimZeros(grouped(math.Abs(v), 2)) + " " + unit
	}
	if v < 0 && strings.ContainsAny(s, "123456789") {
		return "−" + s
	}
	return s
}

// tickLabel writes a value on the axis briefly: thousands as "k", millions as
// "M", and decimals only when the axis steps by less than one.
func tickLabel(v float64, a axis, unit string) string {
	prefix := ""
	if unit == "$" {
		prefix = "$"
	}
	switch {
	case v >= 1e6:
		return prefix + trimZeros(strconv.FormatFloat(v/1e6, 'f', 2, 64)) + "M"
	case v >= 1e3:
		return prefix + trimZeros(strconv.FormatFloat(v/1e3, 'f', 2, 64)) + "k"
	case a.step < 1 && unit == "$":
		return prefix + strconv.FormatFloat(v, 'f', max(2, stepDecimals(a.step)), 64)
	case a.step < 1:
		return trimZeros(strconv.FormatFloat(v, 'f', stepDecimals(a.step), 64))
	}
	return prefix + strconv.FormatFloat(v, 'f', 0, 64)
}

// stepDecimals is how many decimals tell apart the multiples of a step below one: a step
// of 0.005 needs three, or $0.005 and $0.010 would both read $0.01.
func stepDecimals(step float64) int {
	return int(math.Ceil(-math.Log10(step) - 1e-9))
}

// grouped formats v, which must be finite and not negative, with the given
// decimals and a comma between every three digits of the whole part.
func grouped(v float64, decimals int) string {
	whole, frac, _ := strings.Cut(strconv.FormatFloat(v, 'f', decimals, 64), ".")
	var b strings.Builder
	for i := 0; i < len(whole); i++ {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(whole[i])
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

// trimZeros drops trailing zeros after a decimal point, and the point itself
// when nothing follows it.
func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}
