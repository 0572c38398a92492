package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/audit"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/views/pages"
)

// auditPageSize is how many entries one page of the audit log shows.
const auditPageSize = 100

// auditOutcomes are the outcomes the audit log records.
var auditOutcomes = []string{audit.Success, audit.Failure, audit.Denied}

// auditQuery is what the audit page was asked for. Dates are UTC, both included.
type auditQuery struct {
	userID, campaignID, action, outcome, from, to, cursor string
}

// readAuditQuery reads the page's filters; a bad one is a 400 naming it.
func readAuditQuery(c echo.Context) (auditQuery, error) {
	q := auditQuery{userID: c.QueryParam("userId"), campaignID: c.QueryParam("campaignId"),
		action: c.QueryParam("action"), outcome: c.QueryParam("outcome"),
		from: c.QueryParam("from"), to: c.QueryParam("to"), cursor: c.QueryParam("cursor")}
	if q.outcome != "" && !slices.Contains(auditOutcomes, q.outcome) {
		return q, badRequest("query parameter outcome must be success, failure or denied")
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

func (q auditQuery) filter(limit int) audit.Filter {
	f := audit.Filter{UserID: q.userID, CampaignID: q.campaignID, Action: q.action,
		Outcome: q.outcome, Limit: limit, Cursor: q.cursor}
	if d, err := time.Parse(time.DateOnly, q.from); err == nil {
		f.From = &d
	}
	if d, err := time.Parse(time.DateOnly, q.to); err == nil {
		end := d.AddDate(0, 0, 1)
		f.To = &end
	}
	return f
}

func (q auditQuery) values() url.Values {
	v := url.Values{}
	for _, p := range [][2]string{{"userId", q.userID}, {"campaignId", q.campaignID},
		{"action", q.action}, {"outcome", q.outcome}, {"from", q.from}, {"to", q.to}} {
		if p[1] != "" {
			v.Set(p[0], p[1])
		}
	}
	return v
}

// requireAdminPage refuses console pages to anyone but platform admins.
func requireAdminPage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if p, _ := principal(c); !p.IsAdmin() {
			return echo.NewHTTPError(http.StatusForbidden,
				"Only platform admins may see this page.")
		}
		return next(c)
	}
}

// auditNames are the people and campaigns the audit page names by their ids.
type auditNames struct {
	people, campaigns map[string]string
	peopleOpts        []pages.Option
	campaignOpts      []pages.Option
}

func (s *Server) auditNames(c echo.Context, q auditQuery) (auditNames, error) {
	ctx := c.Request().Context()
	n := auditNames{people: map[string]string{}, campaigns: map[string]string{}}
	users, err := s.Users.Users(ctx)
	if err != nil {
		return n, err
	}
	for _, u := range users {
		n.people[u.ID] = u.Email
		n.peopleOpts = append(n.peopleOpts, pages.Option{Value: u.ID, Label: u.Email,
			Selected: u.ID == q.userID})
	}
	p, _ := principal(c)
	list, _, err := s.Campaigns.Campaigns(ctx, p, campaign.ListFilter{Limit: 500,
		Statuses: campaign.Statuses})
	if err != nil {
		return n, err
	}
	for _, x := range list {
		n.campaigns[x.ID] = x.Name
		n.campaignOpts = append(n.campaignOpts, pages.Option{Value: x.ID, Label: x.Name,
			Selected: x.ID == q.campaignID})
	}
	return n, nil
}

// auditPage is the audit log for platform admins. With htmx it answers the list alone.
func (s *Server) auditPage(c echo.Context) error {
	q, err := readAuditQuery(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	entries, next, err := s.Audit.Entries(ctx, q.filter(auditPageSize))
	if err != nil {
		return err
	}
	names, err := s.auditNames(c, q)
	if err != nil {
		return err
	}
	list := auditList(q, entries, next, names, s.AuditRetentionDays)
	if readHTMX(c).Partial() {
		return s.render(c, http.StatusOK, pages.AuditListFragment(list))
	}
	actions, err := s.Audit.Actions(ctx)
	if err != nil {
		return err
	}
	sh, err := s.shell(c, nil, "", "Audit log")
	if err != nil {
		return err
	}
	vm := pages.AuditPage{Shell: sh, List: list, Filters: pages.AuditFilters{
		People: names.peopleOpts, Campaigns: names.campaignOpts, From: q.from, To: q.to}}
	for _, a := range actions {
		vm.Filters.Actions = append(vm.Filters.Actions, pages.Option{Value: a, Label: a,
			Selected: a == q.action})
	}
	for _, o := range auditOutcomes {
		vm.Filters.Outcomes = append(vm.Filters.Outcomes, pages.Option{Value: o,
			Label: capitalise(o), Selected: o == q.outcome})
	}
	return s.render(c, http.StatusOK, pages.Audit(vm))
}

func auditList(q auditQuery, entries []audit.Entry, next string, n auditNames,
	retention int) pages.AuditList {
	filters := q.values()
	l := pages.AuditList{Filtered: len(filters) > 0, RetentionDays: retention,
		ExportURL: withQuery(pages.AuditPath+"/export.csv", filters)}
	if q.cursor != "" {
		l.NewestURL = withQuery(pages.AuditPath, filters)
	}
	if next != "" {
		older := q.values()
		older.Set("cursor", next)
		l.OlderURL = withQuery(pages.AuditPath, older)
	}
	for _, e := range entries {
		l.Rows = append(l.Rows, pages.AuditRow{
			At: e.CreatedAt.UTC().Format("2006-01-02 15:04:05"), Stamp: e.CreatedAt.UTC().
				Format(time.RFC3339), Person: orDash(n.people[e.UserID], e.UserID),
			Action: e.Action, Campaign: orDash(n.campaigns[e.CampaignID], e.CampaignID),
			Outcome: e.Outcome, Status: e.Status, Request: e.Method + " " + e.Path, IP: e.IP})
	}
	return l
}

// orDash is the first of name and id that is not empty, or a dash.
func orDash(name, id string) string {
	switch {
	case name != "":
		return name
	case id != "":
		return id
	}
	return "—"
}

// auditCSVHeader names the export's columns.
var auditCSVHeader = []string{"time", "userId", "email", "tokenId", "action", "resource",
	"campaignId", "method", "path", "status", "outcome", "ip", "requestId", "detail"}

// auditExport downloads every entry the filters select as CSV, newest first. The details
// were redacted when they were recorded.
func (s *Server) auditExport(c echo.Context) error {
	q, err := readAuditQuery(c)
	if err != nil {
		return err
	}
	q.cursor = ""
	ctx := c.Request().Context()
	users, err := s.Users.Users(ctx)
	if err != nil {
		return err
	}
	emails := map[string]string{}
	for _, u := range users {
		emails[u.ID] = u.Email
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q",
		"audit-"+time.Now().UTC().Format("20060102")+".csv"))
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	err = w.Write(auditCSVHeader)
	if err == nil {
		err = s.Audit.Each(ctx, q.filter(0), func(e audit.Entry) error {
			return w.Write(auditRecord(e, emails[e.UserID]))
		})
	}
	w.Flush()
	if err = firstErr(err, w.Error()); err != nil {
		slog.WarnContext(ctx, "Audit export ended early", "err", err)
	}
	return nil
}

func auditRecord(e audit.Entry, email string) []string {
	detail, _ := json.Marshal(e.Detail)
	rec := []string{e.CreatedAt.UTC().Format(time.RFC3339Nano), e.UserID, email, e.TokenID,
		e.Action, e.Resource, e.CampaignID, e.Method, e.Path, strconv.Itoa(e.Status), e.Outcome,
		e.IP, e.RequestID, string(detail)}
	for i, v := range rec {
		rec[i] = defuse(v)
	}
	return rec
}

// defuse keeps a spreadsheet from running a cell as a formula.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// firstErr is the first error that is not nil.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
