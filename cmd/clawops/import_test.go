package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// legacyFixture is the original console's database beside the repository.
const legacyFixture = "../../../shared/fixtures/legacy-clawops.db"

func TestImportLegacyCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")

	out, err := runCmd(t, "import-legacy", "--db", db, legacyFixture)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	// table, then read, imported, merged, existing and skipped.
	for _, line := range []string{
		`campaigns +3 +2 +1 +0 +0`,
		`agents +13 +1 +12 +0 +0`,
		`runs +300 +300 +0 +0 +0`,
		`\(none\) → default-hoa-fl +210 +210 +0 +0 +0`,
		`hoa_ca_expansion_content_queue +20 +20 +0 +0 +0`,
		`settings +9 +0 +0 +0 +9`,
	} {
		if !regexp.MustCompile(`(?m)^` + line + `$`).MatchString(squeeze(out)) {
			t.Errorf("first import: no line %q in\n%s", line, out)
		}
	}

	out, err = runCmd(t, "import-legacy", "--db", db, "--json", legacyFixture)
	if err != nil {
		t.Fatalf("second import: %v\n%s", err, out)
	}
	var rep struct {
		Totals struct{ Read, Imported, Merged, Existing int }
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &rep); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, out)
	}
	if rep.Totals.Imported != 0 || rep.Totals.Merged != 0 || rep.Totals.Existing == 0 {
		t.Errorf("second import totals %+v, want every row existing", rep.Totals)
	}

	if _, err := runCmd(t, "import-legacy", "--db", db); err == nil {
		t.Error("import without a path succeeded")
	}
	if _, err := runCmd(t, "import-legacy", "--db", db, db); err == nil ||
		!strings.Contains(err.Error(), "not a database of the original") {
		t.Errorf("import of a ClawOps database: %v", err)
	}
}

// squeeze joins the cells of a printed table with single spaces and trims each line.
func squeeze(s string) string {
	return regexp.MustCompile(`(?m)^ +| +$`).ReplaceAllString(
		regexp.MustCompile(`[ \t]+`).ReplaceAllString(s, " "), "")
}
