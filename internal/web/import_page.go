package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/views/pages"
)

// registerImportPages adds the CSV import pages of one collection.
func (s *Server) registerImportPages(col *data.Collection, page func(method, path string,
	h echo.HandlerFunc, action string)) {
	base := "/c/:slug/" + col.Page + "/import"
	page("GET", base, s.importUploadPage(col), "")
	page("POST", base, s.importCreatePage(col), col.Path+".import")
	page("GET", base+"/:id", s.importStatusPage(col), "")
	page("POST", base+"/:id", s.importMapPage(col), "import.start")
	page("GET", base+"/:id/rejected.csv", s.importRejectsPage(col), "")
}

func (s *Server) importPage(c echo.Context, cur campaign.Campaign,
	col *data.Collection) (pages.ImportPage, error) {
	sh, err := s.shell(c, &cur, col.Page, "Import "+col.Title)
	if err != nil {
		return pages.ImportPage{}, err
	}
	return pages.ImportPage{Shell: sh, Campaign: header(cur), Title: col.Title,
		Singular: col.Singular, ListURL: templ.SafeURL(pageBase(cur, col)),
		Action: templ.SafeURL(pageBase(cur, col) + "/import"), CSRFToken: csrfToken(c)}, nil
}

func (s *Server) importUploadPage(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, cur, err := s.pageCampaign(c)
		if err != nil {
			return err
		}
		if err := sc.Require(access.RoleOperator); err != nil {
			return err
		}
		vm, err := s.importPage(c, cur, col)
		if err != nil {
			return err
		}
		return s.render(c, http.StatusOK, pages.ImportUpload(vm))
	}
}

func (s *Server) importCreatePage(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, cur, err := s.pageCampaign(c)
		if err != nil {
			return err
		}
		if err := sc.Require(access.RoleOperator); err != nil {
			return err
		}
		im, err := s.startUpload(c, sc, col)
		if fields, ok := derrors.AsFields(err); ok {
			vm, verr := s.importPage(c, cur, col)
			if verr != nil {
				return verr
			}
			vm.Error = "The file " + fields["file"] + "."
			return s.render(c, http.StatusUnprocessableEntity, pages.ImportUpload(vm))
		}
		if err != nil {
			return err
		}
		return redirectAfter(c, pageBase(cur, col)+"/import/"+url.PathEscape(im.ID))
	}
}

func (s *Server) startUpload(c echo.Context, sc access.Scope, col *data.Collection) (data.Import,
	error) {
	file, name, err := uploadedCSV(c)
	if err != nil {
		return data.Import{}, err
	}
	defer file.Close()
	opts := data.ImportOptions{Start: true, KeepValid: c.FormValue("keepValid") == "true"}
	im, err := s.Data.CreateImport(c.Request().Context(), sc, col, name, file, opts)
	if isTooLarge(err) {
		return data.Import{}, errUploadTooLarge
	}
	return im, err
}

// pageImport reads the import named in the URL, which must belong to this collection.
func (s *Server) pageImport(c echo.Context, sc access.Scope, col *data.Collection) (data.Import,
	error) {
	im, err := s.Data.Import(c.Request().Context(), sc, c.Param("id"))
	if err != nil {
		return data.Import{}, err
	}
	if im.Collection != col.Path {
		return data.Import{}, fmt.Errorf("web: import %s is of %s: %w", im.ID, im.Collection,
			derrors.NotFound)
	}
	return im, nil
}

func importJob(c echo.Context, cur campaign.Campaign, col *data.Collection,
	im data.Import) pages.ImportJob {
	self := pageBase(cur, col) + "/import/" + url.PathEscape(im.ID)
	j := pages.ImportJob{ID: im.ID, Status: im.Status, Filename: im.Filename, Error: im.Error,
		Percent: im.Percent, Phase: im.Phase, Total: im.TotalRows, Processed: im.Processed,
		Created: im.Created, Skipped: im.Skipped, Rejected: im.Rejected, Done: im.Done(),
		Failed: im.Status == data.ImportFailed, StatusURL: templ.SafeURL(self),
		RejectsURL: templ.SafeURL(self + "/rejected.csv"), MapAction: templ.SafeURL(self),
		ListURL: templ.SafeURL(pageBase(cur, col)), Unmapped: im.Unmapped,
		KeepValid: im.KeepValid, CSRFToken: csrfToken(c)}
	if j.Filename == "" {
		j.Filename = "a CSV file"
	}
	for _, f := range col.Fields {
		j.Fields = append(j.Fields, pages.Option{Value: f.Name, Label: f.Label})
	}
	for _, h := range im.Headers {
		if f, ok := col.Field(im.Mapping[h]); ok {
			j.Matched = append(j.Matched, pages.Option{Value: h, Label: f.Label})
		}
	}
	return j
}

// importStatusPage follows an import; htmx polls its progress region while it runs.
func (s *Server) importStatusPage(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, cur, err := s.pageCampaign(c)
		if err != nil {
			return err
		}
		im, err := s.pageImport(c, sc, col)
		if err != nil {
			return err
		}
		return s.renderImport(c, http.StatusOK, cur, col, importJob(c, cur, col, im))
	}
}

func (s *Server) renderImport(c echo.Context, status int, cur campaign.Campaign,
	col *data.Collection, job pages.ImportJob) error {
	if readHTMX(c).Partial() {
		return s.render(c, status, pages.ImportProgress(job))
	}
	vm, err := s.importPage(c, cur, col)
	if err != nil {
		return err
	}
	vm.Job = &job
	return s.render(c, status, pages.ImportStatus(vm))
}

// importMapPage takes the mapping of the columns nothing matched and starts the import.
func (s *Server) importMapPage(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, cur, err := s.pageCampaign(c)
		if err != nil {
			return err
		}
		im, err := s.pageImport(c, sc, col)
		if err != nil {
			return err
		}
		form, err := c.FormParams()
		if err != nil {
			return badRequest("could not read the form")
		}
		columns, fields := form["column"], form["field"]
		mapping := map[string]string{}
		for i, h := range columns {
			if i < len(fields) {
				mapping[h] = fields[i]
			}
		}
		_, err = s.Data.BeginImport(c.Request().Context(), sc, im.ID, mapping,
			c.FormValue("keepValid") == "true")
		if fs, ok := derrors.AsFields(err); ok {
			job := importJob(c, cur, col, im)
			job.MapErrors = map[string]string{}
			for k, msg := range fs {
				job.MapErrors[strings.TrimPrefix(k, "mapping.")] = msg
			}
			return s.renderImport(c, http.StatusUnprocessableEntity, cur, col, job)
		}
		if err != nil {
			return err
		}
		return redirectAfter(c, pageBase(cur, col)+"/import/"+url.PathEscape(im.ID))
	}
}

func (s *Server) importRejectsPage(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, _, err := s.pageCampaign(c)
		if err != nil {
			return err
		}
		im, err := s.pageImport(c, sc, col)
		if err != nil {
			return err
		}
		h := c.Response().Header()
		h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		h.Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q",
			"rejected-rows-"+im.ID+".csv"))
		c.Response().WriteHeader(http.StatusOK)
		if err := s.Data.ExportRejects(c.Request().Context(), sc, im.ID, c.Response()); err != nil {
			slog.WarnContext(c.Request().Context(), "Rejected rows report ended early",
				"err", err, "import_id", im.ID)
		}
		return nil
	}
}
