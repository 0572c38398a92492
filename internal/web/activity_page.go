package web

import (
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/views/pages"
)

// activityPageSize is how many entries one page of the feed shows.
const activityPageSize = 50

// activityQuery is what the activity page was asked for: its filters and where it pages from.
type activityQuery struct {
	typ, severity string
	// from and to are dates in the campaign's timezone, both included.
	from, to string
	cursor   string
}

// readActivityQuery reads the page's filters; a bad one is a 400 naming it.
func readActivityQuery(c echo.Context) (activityQuery, error) {
	q := activityQuery{typ: c.QueryParam("type"), severity: c.QueryParam("severity"),
		from: c.QueryParam("from"), to: c.QueryParam("to"), cursor: c.QueryParam("cursor")}
	if q.typ != "" && !activity.ValidType(q.typ) {
		return q, badRequest("query parameter type must be an activity type or category")
	}
	if q.severity != "" && !slices.Contains(activity.Severities, q.severity) {
		return q, badRequest("query parameter severity must be info, success, warning or error")
	}
	for _, d := range []struct{ name, v string }{{"from", q.from}, {"to", q.to}} {
		if _, err := time.Parse(time.DateOnly, d.v); d.v != "" && err != nil {
			return q, badRequest("query parameter %s must be a date as YYYY-MM-DD", d.name)
		}
	}
	if q.from != "" && q.to != "" && q.to < q.from {
		return q, badRequest("query parameter to must not be before from")
	}
	return q, nil
}

// filter is the store's filter for the query, days cut at midnight in loc.
func (q activityQuery) filter(loc *time.Location) activity.Filter {
	f := activity.Filter{Type: q.typ, Severity: q.severity, Cursor: q.cursor,
		Limit: activityPageSize}
	if d, err := time.Parse(time.DateOnly, q.from); err == nil {
		t := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		f.From = &t
	}
	if d, err := time.Parse(time.DateOnly, q.to); err == nil {
		t := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
		f.To = &t
	}
	return f
}

// values are the query's filters as URL parameters, without the cursor.
func (q activityQuery) values() url.Values {
	v := url.Values{}
	for _, p := range [][2]string{{"type", q.typ}, {"severity", q.severity}, {"from", q.from},
		{"to", q.to}} {
		if p[1] != "" {
			v.Set(p[0], p[1])
		}
	}
	return v
}

// activityPage is a campaign's feed. With htmx it answers the list alone.
func (s *Server) activityPage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	q, err := readActivityQuery(c)
	if err != nil {
		return err
	}
	entries, next, err := s.Activity.Entries(c.Request().Context(), sc, q.filter(cur.Location()))
	if err != nil {
		return err
	}
	list := activityList(cur, q, entries, next, time.Now())
	if readHTMX(c).Partial() {
		return s.render(c, http.StatusOK, pages.ActivityListFragment(list))
	}
	sh, err := s.shell(c, &cur, "activity", "Activity")
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Activity(pages.ActivityPage{Shell: sh,
		Campaign: header(cur), Filters: activityFilters(cur, q), List: list}))
}

func activityBase(cur campaign.Campaign) string {
	return "/c/" + url.PathEscape(cur.Slug) + "/activity"
}

// withQuery adds v to base as its query string.
func withQuery(base string, v url.Values) string {
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

func activityList(cur campaign.Campaign, q activityQuery, entries []activity.Entry,
	next string, now time.Time) pages.ActivityList {
	base := activityBase(cur)
	filters := q.values()
	l := pages.ActivityList{Live: q.cursor == "", Filtered: len(filters) > 0, ClearURL: base}
	self := q.values()
	if q.cursor != "" {
		self.Set("cursor", q.cursor)
		l.NewestURL = withQuery(base, filters)
	}
	l.Self = withQuery(base, self)
	if next != "" {
		older := q.values()
		older.Set("cursor", next)
		l.OlderURL = withQuery(base, older)
	}
	loc := cur.Location()
	for _, e := range entries {
		l.Entries = append(l.Entries, pages.ActivityEntry{ID: e.ID, Type: e.Type,
			Category: activity.CategoryOf(e.Type), Severity: e.Severity, Title: e.Title,
			Detail: e.Detail, When: ago(&e.CreatedAt, now),
			At:    e.CreatedAt.In(loc).Format("Mon 2 Jan 2006, 15:04 MST"),
			Stamp: e.CreatedAt.UTC().Format(time.RFC3339)})
	}
	return l
}

func activityFilters(cur campaign.Campaign, q activityQuery) pages.ActivityFilters {
	f := pages.ActivityFilters{Action: activityBase(cur), From: q.from, To: q.to}
	for _, cat := range activity.Categories {
		f.Types = append(f.Types, pages.Option{Value: cat.Key, Label: cat.Label,
			Selected: cat.Key == q.typ})
	}
	if q.typ != "" && !slices.ContainsFunc(f.Types, func(o pages.Option) bool {
		return o.Selected
	}) {
		// A full type, as a link from elsewhere may carry, is kept as its own choice.
		f.Types = append(f.Types, pages.Option{Value: q.typ, Label: q.typ, Selected: true})
	}
	for _, sev := range activity.Severities {
		f.Severities = append(f.Severities, pages.Option{Value: sev,
			Label: capitalise(sev), Selected: sev == q.severity})
	}
	return f
}
