package web

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/views/layout"
	"github.com/clawops/clawops/views/pages"
)

// registerDataPages gives every collection its console pages under /c/:slug/<page>.
func (s *Server) registerDataPages(page func(method, path string, h echo.HandlerFunc,
	action string)) {
	for _, col := range data.All {
		base := "/c/:slug/" + col.Page
		page("GET", base, s.recordsPage(col), "")
		page("GET", base+"/new", s.recordNewPage(col), "")
		page("POST", base, s.recordCreatePage(col), col.Path+".create")
		page("POST", base+"/bulk", s.recordBulkPage(col), col.Path+".bulk")
		s.registerImportPages(col, page)
		page("GET", base+"/:id", s.recordPage(col), "")
		page("POST", base+"/:id", s.recordSavePage(col), col.Path+".update")
		page("POST", base+"/:id/delete", s.recordDeletePage(col), col.Path+".delete")
		for _, a := range col.Actions {
			page("POST", base+"/:id/"+a.Name, s.recordStepPage(col, a.Name), col.Path+"."+a.Name)
		}
	}
}

// dataNav is the side navigation's entry for every collection.
func dataNav() []layout.NavItem {
	out := make([]layout.NavItem, 0, len(data.All))
	for _, col := range data.All {
		out = append(out, layout.NavItem{Key: col.Page, Label: col.Title})
	}
	return out
}

func pageBase(cur campaign.Campaign, col *data.Collection) string {
	return "/c/" + url.PathEscape(cur.Slug) + "/" + col.Page
}

// recordsPage is a collection's table. Filters, search, sorting and paging all live in the
// URL; with htmx they answer the table alone.
func (s *Server) recordsPage(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, cur, err := s.pageCampaign(c)
		if err != nil {
			return err
		}
		params := knownParams(col, pageParams(c))
		q, err := col.ParseQuery(withoutPaging(params))
		if err != nil {
			return queryErr(err)
		}
		q.Limit, q.Cursor = 50, params.Get("cursor")
		table, err := s.recordsTable(c, sc, cur, col, q, params)
		if err != nil {
			return queryErr(err)
		}
		exportURL := "/api/campaigns/" + url.PathEscape(cur.ID) + "/" + col.Path +
			"/export.csv" + encodeQuery(withoutPaging(params))
		if readHTMX(c).Partial() {
			return s.render(c, http.StatusOK, pages.RecordsTablePartial(table, exportURL))
		}
		vm := pages.RecordsPage{Campaign: header(cur), Title: col.Title, Singular: col.Singular,
			Base: pageBase(cur, col), Query: q.Search, Sort: params.Get("sort"), Table: table,
			CanEdit: table.CanEdit, CSRFToken: csrfToken(c), ExportURL: exportURL}
		if vm.Filters, err = s.recordFilters(c, sc, col, params); err != nil {
			return err
		}
		vm.Shell, err = s.shell(c, &cur, col.Page, col.Title)
		if err != nil {
			return err
		}
		return s.render(c, http.StatusOK, pages.Records(vm))
	}
}

// knownParams keeps the parameters a listing understands. A page link may carry others, such
// as a campaign's tracking tags, and a page shows its rows regardless; the API refuses them.
func knownParams(col *data.Collection, v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if f, ok := col.Field(k); (ok && f.Filter) || listingParams[k] {
			out[k] = vs
		}
	}
	return out
}

// listingParams are the parameters of every listing that are not filters.
var listingParams = map[string]bool{"q": true, "sort": true, "cursor": true, "from": true,
	"to": true, "sourceRunId": true}

// pageParams are the page's query parameters without empty values, which the filter form
// sends for "All".
func pageParams(c echo.Context) url.Values {
	out := url.Values{}
	for k, vs := range c.QueryParams() {
		for _, v := range vs {
			if strings.TrimSpace(v) != "" {
				out.Add(k, v)
			}
		}
	}
	return out
}

func withoutPaging(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if k != "cursor" && k != "limit" {
			out[k] = vs
		}
	}
	return out
}

func encodeQuery(v url.Values) string {
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func (s *Server) recordsTable(c echo.Context, sc access.Scope, cur campaign.Campaign,
	col *data.Collection, q data.Query, params url.Values) (pages.RecordsTable, error) {
	ctx := c.Request().Context()
	recs, next, err := s.Data.Records(ctx, sc, col, q)
	if err != nil {
		return pages.RecordsTable{}, err
	}
	total, err := s.Data.Count(ctx, sc, col, q, pages.CountLimit)
	if err != nil {
		return pages.RecordsTable{}, err
	}
	base := pageBase(cur, col)
	t := pages.RecordsTable{Total: total.N, TotalMore: total.More, CanEdit: sc.Role().AtLeast(access.RoleOperator),
		StatusField: col.Status, NotesField: notesField(col), BulkURL: base + "/bulk",
		CSRFToken: csrfToken(c), Singular: col.Singular, Plural: col.Plural(),
		Preview: col.Preview != "", Return: base + encodeQuery(params), Sort: params.Get("sort")}
	if t.StatusOptions, err = s.statusOptions(c, sc, col); err != nil {
		return pages.RecordsTable{}, err
	}
	t.Columns = recordColumns(col, base, params)
	for _, r := range recs {
		t.Rows = append(t.Rows, recordRow(col, cur, base, r))
	}
	if next != "" {
		p := withoutPaging(params)
		p.Set("cursor", next)
		t.NextURL = base + encodeQuery(p)
	}
	if q.Cursor != "" {
		t.FirstURL = base + encodeQuery(withoutPaging(params))
	}
	if q.Search != "" || len(q.Filters) > 0 || !q.From.IsZero() || !q.To.IsZero() {
		t.ClearURL = base
	}
	t.BulkActions = bulkActions(col, t.StatusOptions)
	return t, nil
}

// statusOptions are the values an operator may set the status to: the fixed list, or the
// values the campaign's rows already use.
func (s *Server) statusOptions(c echo.Context, sc access.Scope,
	col *data.Collection) ([]string, error) {
	if fixed := col.Statuses(); fixed != nil {
		return fixed, nil
	}
	f, _ := col.Field(col.Status)
	vals, err := s.Data.Distinct(c.Request().Context(), sc, col, col.Status)
	if err != nil {
		return nil, err
	}
	if f.Default != "" && !slices.Contains(vals, f.Default) {
		vals = append([]string{f.Default}, vals...)
	}
	return vals, nil
}

func recordColumns(col *data.Collection, base string, params url.Values) []pages.RecordColumn {
	cur := params.Get("sort")
	var out []pages.RecordColumn
	for _, name := range append(slices.Clone(col.List), "createdAt") {
		if name == col.Status {
			continue
		}
		label := "Added"
		if f, ok := col.Field(name); ok {
			label = f.Label
		}
		rc := pages.RecordColumn{Name: name, Label: label}
		next := name
		switch cur {
		case name:
			rc.Sorted, next = "asc", "-"+name
		case "-" + name:
			rc.Sorted = "desc"
		}
		if cur == "" && name == "createdAt" {
			rc.Sorted = "desc"
		}
		p := withoutPaging(params)
		p.Set("sort", next)
		rc.SortURL = templ.SafeURL(base + encodeQuery(p))
		out = append(out, rc)
	}
	return out
}

func recordRow(col *data.Collection, cur campaign.Campaign, base string,
	r data.Record) pages.RecordRow {
	loc := cur.Location()
	row := pages.RecordRow{ID: r.ID, Status: r.Text(col.Status),
		DetailURL: templ.SafeURL(base + "/" + url.PathEscape(r.ID)),
		SaveURL:   templ.SafeURL(base + "/" + url.PathEscape(r.ID))}
	for _, name := range col.List {
		if name != col.Status {
			row.Cells = append(row.Cells, cellText(r, name, loc))
		}
	}
	row.Cells = append(row.Cells, r.CreatedAt.In(loc).Format("2 Jan 2006 15:04"))
	if row.Cells[0] == "" {
		// The row's link names it by whatever it has, such as a lead known by phone alone.
		for _, name := range slices.Concat(col.Summary, col.KeyFields) {
			if t := strings.TrimSpace(cellText(r, name, loc)); t != "" {
				row.Cells[0] = t
				break
			}
		}
	}
	if len(row.Cells[0]) > 120 {
		row.Cells[0] = string([]rune(row.Cells[0])[:117]) + "…"
	}
	if col.Preview != "" {
		row.Preview = r.Text(col.Preview)
		row.PreviewMeta = previewMeta(col, r, loc)
	}
	if name := notesField(col); name != "" {
		row.Notes = r.Text(name)
	}
	for _, a := range col.Actions {
		if slices.Contains(a.From, row.Status) {
			row.Steps = append(row.Steps, pages.RecordStep{Name: a.Name, Label: stepLabel(a),
				URL: templ.SafeURL(base + "/" + url.PathEscape(r.ID) + "/" + a.Name)})
		}
	}
	return row
}

// notesField names the collection's free-text notes, which the table edits in place; "" when
// it has none.
func notesField(col *data.Collection) string {
	if f, ok := col.Field("notes"); ok && f.Kind == data.LongText {
		return f.Name
	}
	return ""
}

func stepLabel(a data.Action) string {
	if a.Name == "posted" {
		return "Mark posted"
	}
	return strings.ToUpper(a.Name[:1]) + a.Name[1:]
}

// cellText shows a value in a table cell: times in the campaign's zone, long text cut short.
func cellText(r data.Record, name string, loc *time.Location) string {
	if t, ok := r.Get(name).(time.Time); ok {
		return t.In(loc).Format("2 Jan 2006 15:04")
	}
	text := r.Text(name)
	if runes := []rune(text); len(runes) > 80 {
		return string(runes[:79]) + "…"
	}
	return text
}

func previewMeta(col *data.Collection, r data.Record, loc *time.Location) string {
	var parts []string
	for _, name := range []string{"platform", "community", "postType"} {
		if _, ok := col.Field(name); ok && r.Text(name) != "" {
			parts = append(parts, r.Text(name))
		}
	}
	if t, ok := r.Get("scheduledFor").(time.Time); ok {
		parts = append(parts, "scheduled for "+t.In(loc).Format("Mon 2 Jan 15:04 MST"))
	}
	return strings.Join(parts, " · ")
}

func bulkActions(col *data.Collection, statuses []string) []pages.Option {
	var out []pages.Option
	for _, a := range col.Actions {
		out = append(out, pages.Option{Value: a.Name, Label: stepLabel(a)})
	}
	for _, st := range statuses {
		out = append(out, pages.Option{Value: "status:" + st,
			Label: "Set status: " + strings.ReplaceAll(st, "_", " ")})
	}
	return append(out, pages.Option{Value: "delete", Label: "Delete"})
}

// recordFilters are the fields of the filter form: drop-downs for the status and every
// filterable field with a fixed set of values, and text boxes for the other filterable fields,
// one per value the URL gives (at least one).
func (s *Server) recordFilters(c echo.Context, sc access.Scope, col *data.Collection,
	params url.Values) ([]pages.RecordFilter, error) {
	var out []pages.RecordFilter
	for _, f := range col.Fields {
		if !f.Filter {
			continue
		}
		var values []string
		switch {
		case f.Name == col.Status:
			var err error
			if values, err = s.statusOptions(c, sc, col); err != nil {
				return nil, err
			}
		case f.Kind == data.Enum:
			values = f.Values
		case f.Kind == data.Bool:
			values = []string{"true", "false"}
		default:
			rf := pages.RecordFilter{Name: f.Name, Label: f.Label, Text: true,
				Values: params[f.Name]}
			if len(rf.Values) == 0 {
				rf.Values = []string{""}
			}
			out = append(out, rf)
			continue
		}
		rf := pages.RecordFilter{Name: f.Name, Label: f.Label}
		for _, v := range values {
			rf.Options = append(rf.Options, pages.Option{Value: v,
				Label: strings.ReplaceAll(v, "_", " "), Selected: params.Get(f.Name) == v})
		}
		out = append(out, rf)
	}
	return out, nil
}

// recordForm lays a record's fields out as inputs; rec is nil on the create form.
func recordForm(c echo.Context, col *data.Collection, rec *data.Record, action string,
	canEdit bool) pages.RecordForm {
	form := pages.RecordForm{Action: templ.SafeURL(action), CanEdit: canEdit,
		CSRFToken: csrfToken(c), New: rec == nil, Submit: "Save changes"}
	if rec == nil {
		form.Submit = "Add " + col.Singular
	}
	for _, f := range col.Fields {
		fd := pages.FormField{Name: f.Name, Label: f.Label, Required: f.Required,
			Input: formInput(f.Kind)}
		switch f.Kind {
		case data.Enum:
			fd.Options = f.Values
		case data.Bool:
			fd.Options = []string{"true", "false"}
		case data.Float:
			fd.Step = "any"
		}
		if rec != nil {
			fd.Value = rec.Text(f.Name)
		} else {
			fd.Value = f.Default
		}
		form.Fields = append(form.Fields, fd)
	}
	return form
}

func formInput(k data.Kind) string {
	switch k {
	case data.LongText, data.Object, data.Tags:
		return "textarea"
	case data.Enum, data.Bool:
		return "select"
	case data.Int, data.Float:
		return "number"
	case data.Email:
		return "email"
	}
	return "text"
}

// formValues reads the collection's fields from a submitted form; fields not in the form are
// left alone.
func formValues(c echo.Context, col *data.Collection) (map[string]string, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, badRequest("could not read the form")
	}
	out := map[string]string{}
	for _, f := range col.Fields {
		if v, ok := form[f.Name]; ok && len(v) > 0 {
			out[f.Name] = v[0]
		}
	}
	return out, nil
}

// refillForm puts what was submitted back into a refused form.
func refillForm(form *pages.RecordForm, vals map[string]string, errs derrors.Fields) {
	for i := range form.Fields {
		if v, ok := vals[form.Fields[i].Name]; ok {
			form.Fields[i].Value = v
		}
	}
	form.Errors = errs
}

func (s *Server) recordNewPage(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, cur, err := s.pageCampaign(c)
		if err != nil {
			return err
		}
		if err := sc.Require(access.RoleOperator); err != nil {
			return err
		}
		form := recordForm(c, col, nil, pageBase(cur, col), true)
		return s.renderNewRecord(c, http.StatusOK, cur, col, form)
	}
}

func (s *Server) renderNewRecord(c echo.Context, status int, cur campaign.Campaign,
	col *data.Collection, form pages.RecordForm) error {
	if readHTMX(c).Partial() {
		return s.render(c, status, pages.RecordFormFragment(form))
	}
	sh, err := s.shell(c, &cur, col.Page, "New "+col.Singular)
	if err != nil {
		return err
	}
	return s.render(c, status, pages.NewRecord(pages.RecordPage{Shell: sh,
		Campaign: header(cur), Title: col.Title, Singular: col.Singular,
		ListURL: templ.SafeURL(pageBase(cur, col)), Form: form, CanEdit: true,
		CSRFToken: csrfToken(c)}))
}

func (s *Server) recordCreatePage(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, cur, err := s.pageCampaign(c)
		if err != nil {
			return err
		}
		vals, err := formValues(c, col)
		if err != nil {
			return err
		}
		rec, err := s.Data.CreateRecordText(c.Request().Context(), sc, col, vals)
		if fields, ok := derrors.AsFields(err); ok {
			form := recordForm(c, col, nil, pageBase(cur, col), true)
			refillForm(&form, vals, fields)
			return s.renderNewRecord(c, http.StatusUnprocessableEntity, cur, col, form)
		}
		if errors.Is(err, derrors.Conflict) {
			form := recordForm(c, col, nil, pageBase(cur, col), true)
			refillForm(&form, vals, col.DuplicateError(vals))
			return s.renderNewRecord(c, http.StatusUnprocessableEntity, cur, col, form)
		}
		if err != nil {
			return err
		}
		s.flash(c, "success", capitalise(col.Singular)+" added.")
		return redirectAfter(c, pageBase(cur, col)+"/"+url.PathEscape(rec.ID))
	}
}

func (s *Server) recordPage(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, cur, err := s.pageCampaign(c)
		if err != nil {
			return err
		}
		rec, err := s.Data.Record(c.Request().Context(), sc, col, c.Param("id"))
		if err != nil {
			return err
		}
		canEdit := sc.Role().AtLeast(access.RoleOperator)
		form := recordForm(c, col, &rec, pageBase(cur, col)+"/"+url.PathEscape(rec.ID), canEdit)
		return s.renderRecord(c, http.StatusOK, cur, col, rec, form)
	}
}

func (s *Server) renderRecord(c echo.Context, status int, cur campaign.Campaign,
	col *data.Collection, rec data.Record, form pages.RecordForm) error {
	if readHTMX(c).Partial() {
		return s.render(c, status, pages.RecordFormFragment(form))
	}
	sh, err := s.shell(c, &cur, col.Page, recordTitle(col, rec))
	if err != nil {
		return err
	}
	base := pageBase(cur, col)
	item := base + "/" + url.PathEscape(rec.ID)
	vm := pages.RecordPage{Shell: sh, Campaign: header(cur), Title: col.Title,
		Singular: col.Singular, Heading: rec.Summary(), ListURL: templ.SafeURL(base), Form: form,
		DeleteURL: templ.SafeURL(item + "/delete"), CanEdit: form.CanEdit,
		CSRFToken: csrfToken(c)}
	row := recordRow(col, cur, base, rec)
	if form.CanEdit {
		vm.Steps = row.Steps
	}
	vm.Preview, vm.PreviewMeta = row.Preview, row.PreviewMeta
	loc := cur.Location()
	vm.Meta = []pages.Fact{{Label: "Id", Value: rec.ID},
		{Label: "Added", Value: rec.CreatedAt.In(loc).Format("2 Jan 2006 15:04 MST")},
		{Label: "Last changed", Value: rec.UpdatedAt.In(loc).Format("2 Jan 2006 15:04 MST")}}
	if rec.SourceRunID != "" {
		vm.Meta = append(vm.Meta, pages.Fact{Label: "Found by run", Value: rec.SourceRunID})
	}
	return s.render(c, status, pages.Record(vm))
}

func recordTitle(col *data.Collection, rec data.Record) string {
	for _, name := range col.Summary {
		if t := strings.TrimSpace(rec.Text(name)); t != "" {
			if r := []rune(t); len(r) > 60 {
				t = string(r[:59]) + "…"
			}
			return t
		}
	}
	return capitalise(col.Singular)
}

// recordSavePage saves the detail form, or one field changed inline in the table, which
// answers its row.
func (s *Server) recordSavePage(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, cur, err := s.pageCampaign(c)
		if err != nil {
			return err
		}
		vals, err := formValues(c, col)
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		id := c.Param("id")
		rec, err := s.Data.UpdateRecordText(ctx, sc, col, id, vals)
		inline := readHTMX(c).Target == "row-"+id
		if err == nil && inline {
			return s.renderRow(c, sc, cur, col, rec, "success", "Saved.")
		}
		fields, invalid := derrors.AsFields(err)
		if inline && (invalid || errors.Is(err, derrors.Conflict)) {
			// The row goes back to what is stored, and the toast says why.
			return s.refusedRow(c, sc, cur, col, id, err)
		}
		switch {
		case errors.Is(err, data.ErrDuplicate):
			fields, invalid = col.DuplicateError(vals), true
		case errors.Is(err, derrors.Conflict):
			fields, invalid = derrors.Fields{col.Status: publicConflict(err)}, true
		}
		if invalid {
			cur2, gerr := s.Data.Record(ctx, sc, col, id)
			if gerr != nil {
				return gerr
			}
			form := recordForm(c, col, &cur2, pageBase(cur, col)+"/"+url.PathEscape(id), true)
			refillForm(&form, vals, fields)
			return s.renderRecord(c, http.StatusUnprocessableEntity, cur, col, cur2, form)
		}
		if err != nil {
			return err
		}
		s.flash(c, "success", "Saved.")
		if back := localReturn(c, cur, col); back != "" {
			return redirectAfter(c, back)
		}
		return redirectAfter(c, pageBase(cur, col)+"/"+url.PathEscape(id))
	}
}

// refusedRow answers a refused inline change with the row as it is stored and an error toast
// saying why.
func (s *Server) refusedRow(c echo.Context, sc access.Scope, cur campaign.Campaign,
	col *data.Collection, id string, refusal error) error {
	rec, err := s.Data.Record(c.Request().Context(), sc, col, id)
	if err != nil {
		return err
	}
	msg := publicConflict(refusal)
	if fields, ok := derrors.AsFields(refusal); ok {
		var parts []string
		for _, name := range slices.Sorted(maps.Keys(fields)) {
			label := name
			if f, ok := col.Field(name); ok {
				label = f.Label
			}
			parts = append(parts, label+" "+fields[name]+".")
		}
		msg = strings.Join(parts, " ")
	}
	return s.renderRow(c, sc, cur, col, rec, "error", msg)
}

// renderRow answers an inline change with the row and a toast.
func (s *Server) renderRow(c echo.Context, sc access.Scope, cur campaign.Campaign,
	col *data.Collection, rec data.Record, kind, msg string) error {
	base := pageBase(cur, col)
	t := pages.RecordsTable{CanEdit: true, StatusField: col.Status, NotesField: notesField(col),
		CSRFToken: csrfToken(c), Preview: col.Preview != "", Return: localReturn(c, cur, col)}
	var err error
	if t.StatusOptions, err = s.statusOptions(c, sc, col); err != nil {
		return err
	}
	if err := s.render(c, http.StatusOK, pages.RecordRowFragment(t,
		recordRow(col, cur, base, rec))); err != nil {
		return err
	}
	return layout.OOBToast(layout.Toast{Kind: kind, Message: msg}).Render(
		c.Request().Context(), c.Response())
}

// localReturn is the submitted return address when it is one of this collection's pages,
// so that a form can never send the browser elsewhere.
func localReturn(c echo.Context, cur campaign.Campaign, col *data.Collection) string {
	back := c.FormValue("return")
	base := pageBase(cur, col)
	if back == base || strings.HasPrefix(back, base+"?") {
		return back
	}
	return ""
}

func (s *Server) recordDeletePage(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, cur, err := s.pageCampaign(c)
		if err != nil {
			return err
		}
		id := c.Param("id")
		if c.FormValue("confirm") != "yes" {
			s.flash(c, "error", "Tick the box to confirm the deletion.")
			return redirectAfter(c, pageBase(cur, col)+"/"+url.PathEscape(id))
		}
		if err := s.Data.DeleteRecord(c.Request().Context(), sc, col, id); err != nil {
			return err
		}
		s.flash(c, "success", capitalise(col.Singular)+" deleted.")
		return redirectAfter(c, pageBase(cur, col))
	}
}

// recordStepPage runs a workflow step from a row (answering the row) or from the record's page.
func (s *Server) recordStepPage(col *data.Collection, action string) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, cur, err := s.pageCampaign(c)
		if err != nil {
			return err
		}
		id := c.Param("id")
		a, _ := col.Action(action)
		rec, err := s.Data.Step(c.Request().Context(), sc, col, id, action, nil)
		if errors.Is(err, derrors.Conflict) {
			s.flash(c, "error", "That step is no longer possible: "+publicConflict(err))
			return redirectAfter(c, pageBase(cur, col)+"/"+url.PathEscape(id))
		}
		if err != nil {
			return err
		}
		msg := capitalise(col.Singular) + " " + a.Past + "."
		if readHTMX(c).Target == "row-"+id {
			return s.renderRow(c, sc, cur, col, rec, "success", msg)
		}
		s.flash(c, "success", msg)
		if back := localReturn(c, cur, col); back != "" {
			return redirectAfter(c, back)
		}
		return redirectAfter(c, pageBase(cur, col)+"/"+url.PathEscape(id))
	}
}

// recordBulkPage applies the bulk bar's action to the ticked rows and comes back to the
// table as it was.
func (s *Server) recordBulkPage(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, cur, err := s.pageCampaign(c)
		if err != nil {
			return err
		}
		back := localReturn(c, cur, col)
		if back == "" {
			back = pageBase(cur, col)
		}
		form, err := c.FormParams()
		if err != nil {
			return badRequest("could not read the form")
		}
		ch := data.BulkChange{IDs: form["ids"], Action: c.FormValue("action")}
		if st, ok := strings.CutPrefix(ch.Action, "status:"); ok {
			ch.Action, ch.Status = "status", st
		}
		switch {
		case len(ch.IDs) == 0:
			s.flash(c, "error", "Tick the rows to change first.")
			return redirectAfter(c, back)
		case ch.Action == "delete" && c.FormValue("confirm") != "yes":
			s.flash(c, "error", "Tick “Confirm deleting” to delete the selected rows.")
			return redirectAfter(c, back)
		}
		out, err := s.Data.ChangeRecords(c.Request().Context(), sc, col, ch)
		if fields, ok := derrors.AsFields(err); ok {
			s.flash(c, "error", "Could not apply: "+fields.Error())
			return redirectAfter(c, back)
		}
		if err != nil {
			return err
		}
		kind, msg := "success", bulkDone(col, ch, out.Changed)
		if len(out.Skipped) > 0 {
			left := fmt.Sprintf("%d left as they were (%s).", len(out.Skipped),
				out.Skipped[0].Reason)
			msg += " " + left
			if out.Changed == 0 {
				kind, msg = "error", "Nothing changed: "+left
			}
		}
		s.flash(c, kind, msg)
		return redirectAfter(c, back)
	}
}

// bulkDone says what a bulk change did: "3 leads deleted.", "2 posts approved.".
func bulkDone(col *data.Collection, ch data.BulkChange, n int) string {
	switch ch.Action {
	case "delete":
		return col.Count(n) + " deleted."
	case "status":
		if a, ok := col.StepTo(ch.Status); ok {
			return col.Count(n) + " " + a.Past + "."
		}
		return fmt.Sprintf("%s set to %s.", col.Count(n), ch.Status)
	}
	if a, ok := col.Action(ch.Action); ok && a.Past != "" {
		return col.Count(n) + " " + a.Past + "."
	}
	return col.Count(n) + " changed."
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
