package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/derrors"
)

// recordID is the record named by the route: :recordId on campaign routes, :id on legacy
// ones.
func recordID(c echo.Context) string {
	if id := c.Param("recordId"); id != "" {
		return id
	}
	return c.Param("id")
}

// dataRoutes gives every collection the same routes, on the legacy path (campaign from the
// context) and on the campaign path.
func (s *Server) dataRoutes() []route {
	var out []route
	for _, col := range data.All {
		for _, campaignPath := range []bool{false, true} {
			out = append(out, s.collectionRoutes(col, campaignPath)...)
		}
	}
	return out
}

func (s *Server) collectionRoutes(col *data.Collection, campaignPath bool) []route {
	base, item := "/api/"+col.Path, "/api/"+col.Path+"/:id"
	if campaignPath {
		base, item = "/api/campaigns/:id/"+col.Path, "/api/campaigns/:id/"+col.Path+"/:recordId"
	}
	one, many := col.Singular, col.Title
	r := func(method, path, verb, summary string, h echo.HandlerFunc, doc opIO) route {
		return route{method: method, path: path, action: col.Path + "." + verb, summary: summary,
			handler: h, campaign: campaignPath, context: !campaignPath, doc: doc, tag: col.Path}
	}
	name := schemaName(col)
	routes := []route{
		r("GET", base, "list", many+", filtered, searched and sorted", s.recordList(col),
			opIO{"", 200, name + "List"}),
		r("POST", base, "create", "Add one "+one+", or a list of them in bulk",
			s.recordCreate(col), opIO{name + "Input", 201, name}),
		r("GET", base+"/export.csv", "export", many+" as CSV, with the list's filters",
			s.recordExport(col), opIO{"", 200, "CSV"}),
		r("POST", base+"/import.csv", "import", "Import "+many+" from a CSV file, as a job",
			s.recordImport(col), opIO{"CSVUpload", 202, "Import"}),
		r("POST", base+"/bulk", "bulk", "Change or delete many "+many+" at once",
			s.recordBulk(col), opIO{name + "Bulk", 200, "BulkOutcome"}),
		r("GET", item, "get", "One "+one, s.recordGet(col), opIO{"", 200, name}),
		r("PUT", item, "update", "Partially update a "+one, s.recordUpdate(col),
			opIO{name + "Patch", 200, name}),
		r("DELETE", item, "delete", "Delete a "+one, s.recordDelete(col), opIO{"", 204, ""}),
	}
	routes[0].query = dataQuery(col)
	routes[2].query = dataQuery(col)
	for _, a := range col.Actions {
		routes = append(routes, r("POST", item+"/"+a.Name, a.Name,
			fmt.Sprintf("Mark a %s %s; optional fields change with it", one, a.Past),
			s.recordStep(col, a.Name), opIO{name + "StepInput", 200, name}))
	}
	return routes
}

func (s *Server) recordList(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, err := s.scope(c)
		if err != nil {
			return err
		}
		q, err := listQuery(c, col)
		if err != nil {
			return err
		}
		recs, next, err := s.Data.Records(c.Request().Context(), sc, col, q)
		if err != nil {
			return queryErr(err)
		}
		return writeList(c, recs, next)
	}
}

// listQuery reads a listing's filters, order and page from the URL.
func listQuery(c echo.Context, col *data.Collection) (data.Query, error) {
	params := maps.Clone(c.QueryParams())
	delete(params, "limit")
	delete(params, "cursor")
	q, err := col.ParseQuery(params)
	if err != nil {
		return q, queryErr(err)
	}
	if q.Limit, err = pageLimit(c); err != nil {
		return q, err
	}
	q.Cursor = c.QueryParam("cursor")
	return q, nil
}

// queryErr turns a query the collection refused into a 400 naming the parameter.
func queryErr(err error) error {
	var qe *data.QueryError
	if errors.As(err, &qe) {
		return badRequest("%s", qe.Error())
	}
	return err
}

func (s *Server) recordGet(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, err := s.scope(c)
		if err != nil {
			return err
		}
		rec, err := s.Data.Record(c.Request().Context(), sc, col, recordID(c))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, rec)
	}
}

// recordCreate takes one JSON object, or a JSON list of them for a bulk create that answers
// how many were created and how many skipped as duplicates.
func (s *Server) recordCreate(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, err := s.scope(c)
		if err != nil {
			return err
		}
		body, err := readJSON(c)
		if err != nil {
			return err
		}
		if body[0] == '[' {
			items, err := decodeItems(body)
			if err != nil {
				return err
			}
			res, err := s.Data.CreateRecords(c.Request().Context(), sc, col, items)
			if err != nil {
				return err
			}
			return c.JSON(http.StatusCreated, res)
		}
		in, err := decodeInput(body)
		if err != nil {
			return err
		}
		rec, err := s.Data.CreateRecord(c.Request().Context(), sc, col, in)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, rec)
	}
}

func (s *Server) recordUpdate(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, err := s.scope(c)
		if err != nil {
			return err
		}
		in, err := readInput(c, true)
		if err != nil {
			return err
		}
		rec, err := s.Data.UpdateRecord(c.Request().Context(), sc, col, recordID(c), in)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, rec)
	}
}

func (s *Server) recordDelete(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, err := s.scope(c)
		if err != nil {
			return err
		}
		if err := s.Data.DeleteRecord(c.Request().Context(), sc, col, recordID(c)); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

// recordStep moves a record through its review workflow; the body is optional.
func (s *Server) recordStep(col *data.Collection, action string) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, err := s.scope(c)
		if err != nil {
			return err
		}
		in, err := readInput(c, false)
		if err != nil {
			return err
		}
		rec, err := s.Data.Step(c.Request().Context(), sc, col, recordID(c), action, in)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, rec)
	}
}

func (s *Server) recordBulk(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, err := s.scope(c)
		if err != nil {
			return err
		}
		var ch data.BulkChange
		if err := decodeJSON(c, &ch); err != nil {
			return err
		}
		out, err := s.Data.ChangeRecords(c.Request().Context(), sc, col, ch)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, out)
	}
}

// recordExport streams the filtered collection as CSV. Once the first bytes are out the status
// cannot change, so a failure midway is logged and the download ends short.
func (s *Server) recordExport(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, err := s.scope(c)
		if err != nil {
			return err
		}
		params := c.QueryParams()
		q, err := col.ParseQuery(params)
		if err != nil {
			return queryErr(err)
		}
		name := fmt.Sprintf("%s-%s-%s.csv", sc.CampaignID(), col.Path,
			time.Now().UTC().Format("20060102"))
		h := c.Response().Header()
		h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		h.Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", name))
		h.Set("Cache-Control", "no-store")
		c.Response().WriteHeader(http.StatusOK)
		if err := s.Data.Export(c.Request().Context(), sc, col, q, c.Response()); err != nil {
			slog.WarnContext(c.Request().Context(), "Export ended early", "err", err,
				"collection", col.Path, "campaign_id", sc.CampaignID())
		}
		return nil
	}
}

// readJSON reads a body that must be a JSON object or list.
func readJSON(c echo.Context) ([]byte, error) {
	body, err := readBody(c)
	if err != nil {
		return nil, err
	}
	if len(body) == 0 || (body[0] != '{' && body[0] != '[') {
		return nil, badRequest("the request body must be a JSON object or a list of objects")
	}
	return body, nil
}

// readInput reads an object body; an empty body is an empty object unless required.
func readInput(c echo.Context, required bool) (data.Input, error) {
	body, err := readBody(c)
	if err != nil {
		return nil, err
	}
	if len(body) == 0 && !required {
		return data.Input{}, nil
	}
	if len(body) == 0 || body[0] != '{' {
		return nil, badRequest("the request body must be a JSON object")
	}
	return decodeInput(body)
}

func decodeInput(body []byte) (data.Input, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var in data.Input
	if err := dec.Decode(&in); err != nil {
		return nil, jsonError(err)
	}
	if !atEnd(dec) {
		return nil, badRequest("the request body must hold a single JSON object")
	}
	return in, nil
}

func decodeItems(body []byte) ([]data.Input, error) {
	// One pass decodes a well-formed list; only a broken one is read again, item by item,
	// to name the item that is wrong.
	var items []data.Input
	if err := json.Unmarshal(body, &items); err == nil && len(items) > 0 &&
		!slices.ContainsFunc(items, func(in data.Input) bool { return in == nil }) {
		return items, nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, jsonError(err)
	}
	if len(raw) == 0 {
		return nil, derrors.Fields{"body": "must hold at least one record"}
	}
	items = make([]data.Input, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r, &items[i]); err != nil || items[i] == nil {
			return nil, derrors.Fields{fieldName("", i): "must be a JSON object"}
		}
	}
	return items, nil
}
