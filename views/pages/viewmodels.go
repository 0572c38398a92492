// Package pages holds the full-page templ components, each taking a view model
// shaped like its screen.
package pages

import (
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// LoginPage is the sign-in screen.
type LoginPage struct {
	// Email refills the email field after a failed attempt.
	Email string
	// Error is shown above the form when it is not empty.
	Error string
	// CSRFToken goes into the form's hidden csrf_token field.
	CSRFToken string
	// Next is the local path to return to after signing in; the server must
	// check it is local before redirecting to it.
	Next string
	// CodeStep asks for the one-time code of an account with two-factor sign-in,
	// after its password was right.
	CodeStep bool
}

// ErrorPage is the page shown for an HTTP error such as 404 or 500.
type ErrorPage struct {
	// Status is the HTTP status code.
	Status int
	// Title is the heading; empty means the status text.
	Title string
	// Message explains what happened; empty means a default for the status.
	Message string
	// CSRFToken is passed to the layout for htmx requests.
	CSRFToken string
}

func (vm ErrorPage) heading() string {
	switch {
	case vm.Title != "":
		return vm.Title
	case vm.Status == http.StatusNotFound:
		return "Page not found"
	case http.StatusText(vm.Status) != "":
		return http.StatusText(vm.Status)
	}
	return "Something went wrong"
}

func (vm ErrorPage) message() string {
	switch {
	case vm.Message != "":
		return vm.Message
	case vm.Status == http.StatusNotFound:
		return "The address may be mistyped, or the campaign or record it names does not " +
			"exist or is not shared with you."
	case vm.Status == http.StatusForbidden:
		return "You do not have permission to see this page."
	case vm.Status >= 500:
		return "Something went wrong on our side. Please try again in a moment."
	}
	return "The request could not be completed."
}

func (vm ErrorPage) pageTitle() string {
	return fmt.Sprintf("%d %s · ClawOps", vm.Status, vm.heading())
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// initial is the first letter of s, upper-cased, or "?" when s has none.
func initial(s string) string {
	r, _ := utf8.DecodeRuneInString(strings.TrimSpace(s))
	if r == utf8.RuneError || !unicode.IsPrint(r) {
		return "?"
	}
	return string(unicode.ToUpper(r))
}
