package web

import (
	"encoding/csv"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/metrics"
	"github.com/clawops/clawops/views/components"
	"github.com/clawops/clawops/views/pages"
)

// metricsRanges are the spans, in days, the metrics page offers; the first is the default.
var metricsRanges = []int{30, 7, 90}

// metric is one figure of the rollup as the console shows it.
type metric struct {
	id, label, chart string
	unit, tone       string
	higherIsBetter   bool
	of               func(metrics.Day) float64
}

// shownMetrics are the rollup's figures in the order the page shows them.
var shownMetrics = []metric{
	{"leads", "Leads generated", "New leads and HOA contacts", "", components.ToneCampaign, true,
		func(d metrics.Day) float64 { return float64(d.LeadsGenerated) }},
	{"contacted", "Leads contacted", "Leads and contacts reached", "", components.ToneCampaign,
		true, func(d metrics.Day) float64 { return float64(d.LeadsContacted) }},
	{"sent", "Emails sent", "Emails sent", "", components.ToneCampaign, true,
		func(d metrics.Day) float64 { return float64(d.EmailsSent) }},
	{"opened", "Emails opened", "Emails opened", "", components.ToneCampaign, true,
		func(d metrics.Day) float64 { return float64(d.EmailsOpened) }},
	{"replies", "Replies received", "Replies received", "", components.ToneCampaign, true,
		func(d metrics.Day) float64 { return float64(d.RepliesReceived) }},
	{"runs", "Agent runs", "Agent runs that ended", "", components.ToneCampaign, true,
		func(d metrics.Day) float64 { return float64(d.AgentRuns) }},
	{"errors", "Agent errors", "Runs that failed or timed out", "", components.ToneDanger,
		false, func(d metrics.Day) float64 { return float64(d.AgentErrors) }},
	{"cost", "Cost", "Agent cost in US dollars", "$", components.ToneCampaign, false,
		func(d metrics.Day) float64 { return d.CostUSD }},
}

// metricsPage shows a campaign's daily figures over a range against the period before. With
// htmx it answers the figures alone.
func (s *Server) metricsPage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	days, err := pageRangeDays(c)
	if err != nil {
		return err
	}
	body, err := s.metricsBody(c, sc, cur, days)
	if err != nil {
		return err
	}
	if readHTMX(c).Partial() {
		return s.render(c, http.StatusOK, pages.MetricsFigures(body))
	}
	sh, err := s.shell(c, &cur, "metrics", "Metrics")
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Metrics(pages.MetricsPage{Shell: sh,
		Campaign: header(cur), Body: body}))
}

// pageRangeDays reads the page's ?range=, one of metricsRanges.
func pageRangeDays(c echo.Context) (int, error) {
	v := c.QueryParam("range")
	if v == "" {
		return metricsRanges[0], nil
	}
	days, err := strconv.Atoi(v)
	if err != nil || !slices.Contains(metricsRanges, days) {
		return 0, badRequest("query parameter range must be 7, 30 or 90")
	}
	return days, nil
}

// today is the current date in loc, as a date.
func today(loc *time.Location) time.Time {
	y, m, d := time.Now().In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (s *Server) metricsBody(c echo.Context, sc access.Scope, cur campaign.Campaign,
	days int) (pages.MetricsBody, error) {
	end := today(cur.Location())
	start := end.AddDate(0, 0, -(days - 1))
	rows, err := s.Metrics.Days(c.Request().Context(), sc, start.AddDate(0, 0, -days), end)
	if err != nil {
		return pages.MetricsBody{}, err
	}
	return metricsView(cur, days, rows[:days], rows[days:]), nil
}

// metricsView builds the figures of a range (rows) against the period before it (prev).
func metricsView(cur campaign.Campaign, days int, prev, rows []metrics.Day) pages.MetricsBody {
	b := pages.MetricsBody{Slug: cur.Slug, Range: days, Ranges: []int{7, 30, 90},
		Timezone: cur.Timezone,
		Period:   spanWords(rows[0].Date, rows[len(rows)-1].Date),
		Previous: "the " + strconv.Itoa(days) + " days before"}
	period := fmt.Sprintf("vs previous %d days", days)
	labels := make([]string, len(rows))
	for i, d := range rows {
		labels[i] = d.Date
	}
	for _, m := range shownMetrics {
		values := make([]float64, len(rows))
		var total, before float64
		for i, d := range rows {
			values[i] = m.of(d)
			total += values[i]
		}
		for _, d := range prev {
			before += m.of(d)
		}
		b.KPIs = append(b.KPIs, components.KPI{ID: m.id, Label: m.label,
			Value: components.FormatValue(total, m.unit), Current: total, Previous: before,
			Period: period, HigherIsBetter: m.higherIsBetter})
		b.Charts = append(b.Charts, components.Chart{
			ID: m.id, Title: m.label, Labels: labels, Unit: m.unit,
			Description: fmt.Sprintf("%s per day, last %d days", m.chart, days),
			Series:      []components.Series{{Name: m.label, Values: values, Tone: m.tone}},
		})
		b.Table.Columns = append(b.Table.Columns, m.label)
		b.Table.Totals = append(b.Table.Totals, components.FormatValue(total, m.unit))
		b.Table.PreviousTotals = append(b.Table.PreviousTotals,
			components.FormatValue(before, m.unit))
	}
	for i := len(rows) - 1; i >= 0; i-- {
		row := pages.MetricsRow{Date: rows[i].Date}
		for _, m := range shownMetrics {
			row.Cells = append(row.Cells, components.FormatValue(m.of(rows[i]), m.unit))
		}
		b.Table.Rows = append(b.Table.Rows, row)
	}
	return b
}

// spanWords writes two dates as people read a period: "3 Nov – 2 Dec 2026".
func spanWords(from, to string) string {
	a, errA := time.Parse(time.DateOnly, from)
	b, errB := time.Parse(time.DateOnly, to)
	if errA != nil || errB != nil {
		return from + " – " + to
	}
	if a.Year() == b.Year() {
		return a.Format("2 Jan") + " – " + b.Format("2 Jan 2006")
	}
	return a.Format("2 Jan 2006") + " – " + b.Format("2 Jan 2006")
}

// metricsExport downloads a range of the rollup as CSV: the page's ?range=, or ?from=&to=
// as the API takes them.
func (s *Server) metricsExport(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	from, to, err := exportRange(c, cur.Location())
	if err != nil {
		return err
	}
	rows, err := s.Metrics.Days(c.Request().Context(), sc, from, to)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%s-metrics-%s-%s.csv", cur.Slug, from.Format(time.DateOnly),
		to.Format(time.DateOnly))
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", name))
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	if err := writeMetricsCSV(c.Response(), rows); err != nil {
		slog.WarnContext(c.Request().Context(), "Metrics export ended early", "err", err,
			"campaign_id", sc.CampaignID())
	}
	return nil
}

func exportRange(c echo.Context, loc *time.Location) (time.Time, time.Time, error) {
	if c.QueryParam("from") != "" || c.QueryParam("to") != "" {
		return parseRange(c.QueryParam("from"), c.QueryParam("to"), badRequestRange)
	}
	days, err := pageRangeDays(c)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	end := today(loc)
	return end.AddDate(0, 0, -(days - 1)), end, nil
}

// metricsCSVHeader names the export's columns as the JSON API names its fields.
var metricsCSVHeader = []string{"date", "leadsGenerated", "leadsContacted", "emailsSent",
	"emailsOpened", "repliesReceived", "agentRuns", "agentErrors", "costUsd"}

func writeMetricsCSV(w http.ResponseWriter, rows []metrics.Day) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(metricsCSVHeader); err != nil {
		return err
	}
	for _, d := range rows {
		rec := []string{d.Date}
		for _, n := range []int{d.LeadsGenerated, d.LeadsContacted, d.EmailsSent,
			d.EmailsOpened, d.RepliesReceived, d.AgentRuns, d.AgentErrors} {
			rec = append(rec, strconv.Itoa(n))
		}
		rec = append(rec, strconv.FormatFloat(d.CostUSD, 'f', -1, 64))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
