package auth

import (
	_ "embed"
	"strings"
	"sync"
)

//go:generate go run gen_common_passwords.go

// commonList is one password a line, lower case, each at least MinPasswordLen characters.
//
//go:embed common_passwords.txt
var commonList string

// commonSet is built on first use, so that start-up and commands that never check a new
// password do not pay for it.
var commonSet = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, strings.Count(commonList, "\n"))
	for line := range strings.Lines(commonList) {
		if line = strings.TrimSpace(line); line != "" {
			set[line] = struct{}{}
		}
	}
	return set
})

// leet undoes the symbol substitutions that make a common password look less common.
var leet = strings.NewReplacer("@", "a", "$", "s")

// IsCommonPassword reports whether pw is on the list of common passwords shipped in the
// binary, compared without regard to case, to spaces between words, or to "@" and "$" written
// for "a" and "s".
func IsCommonPassword(pw string) bool {
	set := commonSet()
	lower := strings.ToLower(strings.TrimSpace(pw))
	for _, v := range []string{lower, strings.Join(strings.Fields(lower), ""),
		leet.Replace(lower), leet.Replace(strings.Join(strings.Fields(lower), ""))} {
		if _, ok := set[v]; ok {
			return true
		}
	}
	return false
}
