package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/derrors"
)

// isUpload reports whether a request carries a file to import — a CSV file or a database of
// the original console — which may be far larger than the 1 MiB every other body is held to.
func isUpload(c echo.Context) bool {
	p := c.Request().URL.Path
	return c.Request().Method == http.MethodPost &&
		(strings.HasSuffix(p, "/import.csv") || strings.HasSuffix(p, "/import") ||
			p == "/api/import/legacy")
}

// errUploadTooLarge is a CSV over data.MaxImportBytes.
var errUploadTooLarge = derrors.Fields{"file": fmt.Sprintf("must be at most %d MiB",
	data.MaxImportBytes>>20)}

// uploadedCSV finds the file in a request: the "file" part of a multipart form, or the body
// itself when it is sent as text/csv.
func uploadedCSV(c echo.Context) (io.ReadCloser, string, error) {
	r := c.Request()
	r.Body = http.MaxBytesReader(c.Response(), r.Body, data.MaxImportBytes+1<<20)
	ct, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	switch ct {
	case "text/csv", "application/csv", "text/plain":
		return r.Body, c.QueryParam("filename"), nil
	case "multipart/form-data":
		fh, err := c.FormFile("file")
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, "", errUploadTooLarge
			}
			return nil, "", derrors.Fields{"file": "is required: attach a CSV file"}
		}
		f, err := fh.Open()
		if err != nil {
			return nil, "", fmt.Errorf("web: open upload: %w", err)
		}
		return f, fh.Filename, nil
	}
	return nil, "", badRequest("send the file as multipart/form-data (field file) or as text/csv")
}

// importOptions reads keepValid and a JSON mapping from the query or the form.
func importOptions(c echo.Context) (data.ImportOptions, error) {
	opts := data.ImportOptions{Start: true}
	if v := c.FormValue("keepValid"); v != "" {
		keep, err := strconv.ParseBool(v)
		if err != nil {
			return opts, badRequest("keepValid must be true or false")
		}
		opts.KeepValid = keep
	}
	if m := c.FormValue("mapping"); m != "" {
		if err := decodeMapping(m, &opts.Mapping); err != nil {
			return opts, err
		}
	}
	return opts, nil
}

func (s *Server) recordImport(col *data.Collection) echo.HandlerFunc {
	return func(c echo.Context) error {
		sc, err := s.scope(c)
		if err != nil {
			return err
		}
		if err := sc.Require(access.RoleOperator); err != nil {
			return err
		}
		file, name, err := uploadedCSV(c)
		if err != nil {
			return err
		}
		defer file.Close()
		opts, err := importOptions(c)
		if err != nil {
			return err
		}
		im, err := s.Data.CreateImport(c.Request().Context(), sc, col, name, file, opts)
		if errors.Is(err, data.ErrImportTooLarge) || isTooLarge(err) {
			return errUploadTooLarge
		}
		if err != nil {
			return err
		}
		return c.JSON(http.StatusAccepted, im)
	}
}

func isTooLarge(err error) bool {
	var tooBig *http.MaxBytesError
	return errors.As(err, &tooBig)
}

// importScope finds an import's campaign and checks the caller may see it; an import of a
// campaign the caller may not see is not found, like one that does not exist.
func (s *Server) importScope(c echo.Context) (access.Scope, error) {
	p, ok := principal(c)
	if !ok {
		return access.Scope{}, errUnauthorized
	}
	campaignID, err := s.Data.ImportCampaign(c.Request().Context(), c.Param("id"))
	if err != nil {
		return access.Scope{}, err
	}
	id, role, err := s.Campaigns.Resolve(c.Request().Context(), campaignID, p.UserID)
	if err != nil {
		return access.Scope{}, err
	}
	return access.Grant(p, id, role)
}

func (s *Server) importGet(c echo.Context) error {
	sc, err := s.importScope(c)
	if err != nil {
		return err
	}
	im, err := s.Data.Import(c.Request().Context(), sc, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, im)
}

// importStartRequest maps the headers an import could not match and starts it.
type importStartRequest struct {
	Mapping   map[string]string `json:"mapping"`
	KeepValid bool              `json:"keepValid"`
}

func (s *Server) importStart(c echo.Context) error {
	sc, err := s.importScope(c)
	if err != nil {
		return err
	}
	var in importStartRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	im, err := s.Data.BeginImport(c.Request().Context(), sc, c.Param("id"), in.Mapping,
		in.KeepValid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, im)
}

func (s *Server) importRejects(c echo.Context) error {
	sc, err := s.importScope(c)
	if err != nil {
		return err
	}
	im, err := s.Data.Import(c.Request().Context(), sc, c.Param("id"))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q",
		"rejected-rows-"+im.ID+".csv"))
	c.Response().WriteHeader(http.StatusOK)
	if err := s.Data.ExportRejects(c.Request().Context(), sc, im.ID, c.Response()); err != nil {
		slog.WarnContext(c.Request().Context(), "Rejected rows report ended early", "err", err,
			"import_id", im.ID)
	}
	return nil
}

// decodeMapping reads a JSON object of column names to field names.
func decodeMapping(raw string, dst *map[string]string) error {
	if err := json.Unmarshal([]byte(raw), dst); err != nil {
		return derrors.Fields{"mapping": "must be a JSON object of column names to field names"}
	}
	return nil
}
