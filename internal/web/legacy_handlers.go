package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/internal/legacy"
)

// maxLegacyUpload bounds an uploaded database of the original console; isUpload exempts the
// route from the server-wide 1 MiB body limit.
const maxLegacyUpload = 1 << 30

// legacyImport imports a database of the original console and answers the report. The file
// is named by its path on the server's disk, {"path": "..."}, or uploaded as the multipart
// field file. The import runs to its end even when the client goes away: a second import of
// the same file adds nothing, and the outcome is logged.
func (s *Server) legacyImport(c echo.Context) error {
	path, field, name, cleanup, err := legacyFile(c)
	if err != nil {
		return err
	}
	defer cleanup()
	if err := s.checkLegacyFile(path, field); err != nil {
		return err
	}
	ctx := context.WithoutCancel(c.Request().Context())
	rep, err := legacy.New(s.DB, s.Metrics).Import(ctx, path)
	if errors.Is(err, legacy.ErrNotLegacy) {
		return derrors.Fields{field: "is not a database of the original ClawOps console"}
	}
	if err != nil {
		return err
	}
	rep.Source = name
	return c.JSON(http.StatusOK, rep)
}

// legacyFile finds the file to import, the request field that named it and the name the
// report shows; cleanup removes an uploaded copy.
func legacyFile(c echo.Context) (path, field, name string, cleanup func(), err error) {
	ct, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	switch ct {
	case "multipart/form-data":
		path, name, err := saveLegacyUpload(c)
		return path, "file", name, func() { os.Remove(path) }, err
	case "application/json", "":
		var in struct {
			Path string `json:"path"`
		}
		if err := decodeJSON(c, &in); err != nil {
			return "", "", "", nil, err
		}
		if strings.TrimSpace(in.Path) == "" {
			return "", "", "", nil, derrors.Fields{"path": "is required"}
		}
		return in.Path, "path", in.Path, func() {}, nil
	}
	return "", "", "", nil, badRequest(`send {"path": "..."} as JSON, or the file as ` +
		`multipart/form-data in the field file`)
}

// saveLegacyUpload keeps an uploaded database in a temporary file, since SQLite reads files,
// and returns it with the name the file was uploaded under.
func saveLegacyUpload(c echo.Context) (string, string, error) {
	r := c.Request()
	r.Body = http.MaxBytesReader(c.Response(), r.Body, maxLegacyUpload)
	fh, err := c.FormFile("file")
	if isTooLarge(err) {
		return "", "", derrors.Fields{"file": "must be at most 1 GiB"}
	}
	if err != nil {
		return "", "", derrors.Fields{"file": "is required: attach the original console's " +
			"database"}
	}
	src, err := fh.Open()
	if err != nil {
		return "", "", fmt.Errorf("web: open legacy upload: %w", err)
	}
	defer src.Close()
	dst, err := os.CreateTemp("", "clawops-legacy-*.db")
	if err != nil {
		return "", "", fmt.Errorf("web: keep legacy upload: %w", err)
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst.Name())
		return "", "", fmt.Errorf("web: keep legacy upload: %w", err)
	}
	return dst.Name(), filepath.Base(fh.Filename), nil
}

// checkLegacyFile refuses, naming the field, a path that is not a readable file or that is
// this server's own database.
func (s *Server) checkLegacyFile(path, field string) error {
	if !filepath.IsAbs(path) {
		return derrors.Fields{field: "must be an absolute path on the server"}
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return derrors.Fields{field: "names no file on the server"}
	case err != nil:
		return derrors.Fields{field: "cannot be read by the server"}
	case !st.Mode().IsRegular():
		return derrors.Fields{field: "must name a file"}
	}
	if own, err := os.Stat(s.DB.Path()); err == nil && os.SameFile(st, own) {
		return derrors.Fields{field: "is this server's own database"}
	}
	return nil
}
