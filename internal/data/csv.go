package data

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/database"
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

// Export writes every row that q selects to w as CSV, one row at a time, so memory stays flat
// however large the campaign is. It reads the columns into buffers reused from row to row
// rather than building a Record for each, which roughly halves the time a large export takes.
func (s *Store) Export(ctx context.Context, sc access.Scope, c *Collection, q Query,
	w io.Writer) error {
	if err := s.export(ctx, sc, c, q, w); err != nil {
		return fmt.Errorf("data: export %s of %s: %w", c.Path, sc.CampaignID(), err)
	}
	return nil
}

func (s *Store) export(ctx context.Context, sc access.Scope, c *Collection, q Query,
	w io.Writer) error {
	plan, err := s.planSearch(ctx, c, sc.CampaignID(), q)
	if err != nil {
		return err
	}
	src, args := c.from(sc.CampaignID(), q, plan)
	order, _, _, err := c.order(Query{Sort: q.Sort, Desc: q.Desc})
	if err != nil {
		return err
	}
	rows, err := s.db.R.QueryContext(ctx,
		"SELECT "+c.selectList()+src+order, args...)
	if err != nil {
		return err
	}
	defer rows.Close()

	// A buffer far larger than the CSV writer's own 4 KiB, which it then uses as is, sends
	// the file in a few large writes rather than one small write per 4 KiB.
	buf := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(buf)
	if err := cw.Write(c.Header()); err != nil {
		return err
	}
	n := len(c.Fields)
	raw := make([]any, n+5)
	dest := make([]any, n+5)
	for i := range raw {
		dest[i] = &raw[i]
	}
	cells := make([]string, n+4)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		cells[0] = sqlText(raw[0])
		for i := range c.Fields {
			f := &c.Fields[i]
			v, err := f.fromSQL(raw[i+3])
			if err != nil {
				return err
			}
			cells[i+1] = f.text(v)
			if textual(f.Kind) {
				cells[i+1] = defuseFormula(cells[i+1])
			}
		}
		cells[n+1] = sqlText(raw[2])
		for i, col := range []any{raw[n+3], raw[n+4]} {
			stamp, err := exportedStamp(sqlText(col))
			if err != nil {
				return err
			}
			cells[n+2+i] = stamp
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return buf.Flush()
}

// sqlText is a text column as read into an any.
func sqlText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// exportedStamp turns a stored time ("2026-01-02T03:04:05.120Z") into its exported form
// ("2026-01-02T03:04:05.12Z"), as fmtTime writes it, by trimming the milliseconds' trailing
// zeros instead of parsing and formatting each of a million timestamps. Text in any other
// form is parsed.
func exportedStamp(stored string) (string, error) {
	if len(stored) != len(database.TimeLayout) || stored[19] != '.' || stored[23] != 'Z' {
		t, err := database.ParseTime(stored)
		if err != nil {
			return "", err
		}
		return fmtTime(t), nil
	}
	frac := strings.TrimRight(stored[20:23], "0")
	if frac == "" {
		return stored[:19] + "Z", nil
	}
	return stored[:20] + frac + "Z", nil
}

// defuseFormula keeps a spreadsheet from running text as a formula: a cell that starts with
// one of = + - @ or a tab or carriage return gets a leading apostrophe, which the importer
// removes again. Text that already starts with apostrophes before such a character gets one
// more, so that the importer gives back exactly what was exported.
func defuseFormula(s string) string {
	if needsDefusing(s) {
		return "'" + s
	}
	return s
}

// restoreFormula undoes defuseFormula.
func restoreFormula(s string) string {
	if len(s) > 1 && s[0] == '\'' && needsDefusing(s[1:]) {
		return s[1:]
	}
	return s
}

// needsDefusing reports whether s, after any leading apostrophes, starts with a character a
// spreadsheet reads as the start of a formula.
func needsDefusing(s string) bool {
	s = strings.TrimLeft(s, "'")
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}
