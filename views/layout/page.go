// Package layout holds the HTML document shell shared by every page and the
// campaign theming it applies.
package layout

import (
	"context"
	"html"
	"io"

	"github.com/a-h/templ"
)

// Page is what the document shell needs from a page.
type Page struct {
	// Title is the whole <title> text; an empty one shows the product name.
	Title string
	// CSRFToken travels in the X-CSRF-Token header of every htmx request.
	CSRFToken string
	// CampaignColor is the campaign's #RRGGBB colour, already validated by the
	// server. It may be empty, and then the default colour is used.
	CampaignColor string
	// FaviconHref is the tab icon; empty means the product's own. Campaign pages point it at
	// the campaign's favicon so that tabs of different campaigns are told apart.
	FaviconHref string
	// EventsURL is the campaign's live event stream, which static/js/app.js opens and turns
	// into "clawops:*" DOM events; empty on pages outside a campaign.
	EventsURL string
}

func (p Page) favicon() string {
	if p.FaviconHref == "" {
		return "/static/favicon.svg"
	}
	return p.FaviconHref
}

func (p Page) title() string {
	if p.Title == "" {
		return "ClawOps"
	}
	return p.Title
}

// csrfHeaders is the JSON value of the body's hx-headers attribute. It is
// encoded, never concatenated, so no token value can break out of it.
func csrfHeaders(token string) (string, error) {
	return templ.JSONString(map[string]string{"X-CSRF-Token": token})
}

// htmxConfig keeps htmx 2's default response handling, except that error
// answers are swapped too: the server re-renders an invalid form with 422, and
// answers any other failed htmx request with an out-of-band error toast and
// HX-Reswap: none, so the page stays as it was and says what went wrong.
// It also fits the Content-Security-Policy: htmx evaluates no code (no hx-on,
// js: values or trigger filters), runs no script found in swapped markup, and
// injects no indicator <style> of its own.
const htmxConfig = `{"allowEval":false,"allowScriptTags":false,` +
	`"includeIndicatorStyles":false,"selfRequestsOnly":true,` +
	`"responseHandling":[` +
	`{"code":"204","swap":false},` +
	`{"code":"[23]..","swap":true},` +
	`{"code":"422","swap":true},` +
	`{"code":"[45]..","swap":true,"error":true},` +
	`{"code":"...","swap":false}]}`

// themeStyle renders the <style> element that themes the page. Writing it
// unescaped is safe only because ThemeCSS builds the rule from three numbers
// and a constant text colour: no caller-supplied text ever reaches it, so it
// cannot close the element or add rules. Do not pass anything else here.
func themeStyle(hex string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		open := "<style>"
		if nonce := templ.GetNonce(ctx); nonce != "" {
			open = `<style nonce="` + html.EscapeString(nonce) + `">`
		}
		return templ.Raw(open+ThemeCSS(hex)+"</style>").Render(ctx, w)
	})
}
