package data

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCSVImport reads any file as an import would, for every collection: the header is either
// refused with a reason or read, every row is either turned into values or rejected with a
// reason, accepted text is UTF-8 without NUL characters, and every cell survives the formula
// guard of an export and the import that reads it back.
func FuzzCSVImport(f *testing.F) {
	for _, s := range []string{
		"name,email\nAda,ada@example.com\n",
		"\xef\xbb\xbfEmail Address,Full Name,Notes\nada@example.com,Ada,\"multi\nline\"\n",
		"name\n=SUM(A1),x\n",
		"name,name\nx,y\n",
		"\"unterminated\nx\n",
		"hoaName,city,zip,unitCount\nOaks,Tampa,33601,12x\n",
		"platform,postUrl,status\nreddit,https://example.com/a,approved\n",
		"name,notes\n\xff\xfe,a\x00b\n",
		"id,campaignId,createdAt,name\n1,other,2026-01-01,X\n",
		",,\n,,\n",
		"'=cmd,'+x,''@y\n'-1,'\t,''=z\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, file []byte) {
		path := filepath.Join(t.TempDir(), "upload.csv")
		if err := os.WriteFile(path, file, 0o600); err != nil {
			t.Fatal(err)
		}
		headers, err := readHeader(path)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("a refused header without a reason")
			}
			return
		}
		for _, c := range All {
			mapping, _ := c.matchHeaders(headers, nil)
			if err := c.checkMapping(mapping); err != nil {
				continue // the file needs a mapping from a person first
			}
			readAll(t, c, path, &Import{Headers: headers, Mapping: mapping})
		}
	})
}

func readAll(t *testing.T, c *Collection, path string, im *Import) {
	cr, file, err := openCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if _, err := cr.Read(); err != nil {
		t.Fatalf("the header read once but not twice: %v", err)
	}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			if csvProblem(err) == "" {
				t.Fatal("a broken row without a reason")
			}
			return
		}
		for _, cell := range row {
			if got := restoreFormula(defuseFormula(cell)); got != cell {
				t.Fatalf("cell %q comes back from an export as %q", cell, got)
			}
			if d := defuseFormula(cell); d != "" && strings.ContainsRune("=+-@\t\r", rune(d[0])) {
				t.Fatalf("cell %q is exported as %q, which a spreadsheet runs", cell, d)
			}
		}
		vals, problem := c.importRow(im, row)
		if vals == nil && problem == "" {
			t.Fatalf("%s: row %q neither imported nor rejected", c.Path, row)
		}
		for name, v := range vals {
			if s, ok := v.(string); ok && (!utf8.ValidString(s) || strings.ContainsRune(s, 0)) {
				t.Fatalf("%s: row %q gives %s = %q", c.Path, row, name, s)
			}
		}
	}
}
