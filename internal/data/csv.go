package data

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/clawops/clawops/internal/access"
)

// Header is the first line of an exported file: the record's id, its fields and its
// bookkeeping columns, named as in JSON so that an export imports again.
func (c *Collection) Header() []string {
	h := make([]string, 0, len(c.Fields)+4)
	h = append(h, "id")
	for _, f := range c.Fields {
		h = append(h, f.Name)
	}
	return append(h, "sourceRunId", "createdAt", "updatedAt")
}

// flusher is a writer that can push what it holds to the client, such as an HTTP response.
type flusher interface{ Flush() }

// exportFlushEvery is how many rows are written between pushes to the client.
const exportFlushEvery = 1000

// Export writes every row that q selects to w as CSV, one row at a time, so memory stays flat
// however large the campaign is.
func (s *Store) Export(ctx context.Context, sc access.Scope, c *Collection, q Query,
	w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(c.Header()); err != nil {
		return fmt.Errorf("data: export %s: %w", c.Path, err)
	}
	row := make([]string, 0, len(c.Fields)+4)
	n := 0
	err := s.Each(ctx, sc, c, q, func(r Record) error {
		row = append(row[:0], r.ID)
		for i := range c.Fields {
			f := &c.Fields[i]
			cell := f.text(r.Values[f.Name])
			if textual(f.Kind) {
				cell = defuseFormula(cell)
			}
			row = append(row, cell)
		}
		row = append(row, r.SourceRunID, fmtTime(r.CreatedAt), fmtTime(r.UpdatedAt))
		if err := cw.Write(row); err != nil {
			return err
		}
		if n++; n%exportFlushEvery == 0 {
			cw.Flush()
			if f, ok := w.(flusher); ok {
				f.Flush()
			}
		}
		return cw.Error()
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	if err != nil {
		return fmt.Errorf("data: export %s of %s: %w", c.Path, sc.CampaignID(), err)
	}
	return nil
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// defuseFormula keeps a spreadsheet from running text as a formula: a cell that starts with
// one of = + - @ or a tab or carriage return gets a leading apostrophe, which the importer
// removes again.
func defuseFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// restoreFormula undoes defuseFormula.
func restoreFormula(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}
