package database

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/mattn/go-sqlite3"
	"golang.org/x/text/unicode/norm"
)

// SearchFold turns text into the form the search index holds: lower case, accents removed,
// every run of characters that is not a letter or a digit a single space, with a space at
// each end so that " word" marks the start of a word. Queries fold their words the same way,
// so "Grünewald", "grunewald" and "GRUNEWALD" find one another.
func SearchFold(parts ...string) string {
	var b strings.Builder
	b.WriteByte(' ')
	for _, p := range parts {
		for _, r := range norm.NFD.String(p) {
			switch {
			case unicode.Is(unicode.Mn, r):
				// A combining accent left behind by the decomposition.
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(unicode.ToLower(r))
			default:
				if s := b.String(); s[len(s)-1] != ' ' {
					b.WriteByte(' ')
				}
			}
		}
		if s := b.String(); s[len(s)-1] != ' ' {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// SearchTokens folds a query and returns its words.
func SearchTokens(q string) []string { return strings.Fields(SearchFold(q)) }

// searchFoldSQL is SearchFold as the SQL function search_fold, which the triggers that keep
// the search index use. It takes any number of column values; NULLs are skipped.
func searchFoldSQL(args ...any) (string, error) {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		switch v := a.(type) {
		case nil:
		case string:
			parts = append(parts, v)
		case []byte:
			parts = append(parts, string(v))
		case int64, float64:
			parts = append(parts, fmt.Sprint(v))
		default:
			return "", fmt.Errorf("search_fold: unexpected %T", a)
		}
	}
	return SearchFold(parts...), nil
}

// registerFunctions installs ClawOps's SQL functions on a connection.
func registerFunctions(c *sqlite3.SQLiteConn) error {
	if err := c.RegisterFunc("search_fold", searchFoldSQL, true); err != nil {
		return fmt.Errorf("database: register search_fold: %w", err)
	}
	return nil
}
