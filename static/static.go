// Package static holds the browser assets that the server embeds: the built
// stylesheet, the pinned htmx build and the favicon.
package static

import "embed"

// FS holds css/app.css, js/htmx.min.js and favicon.svg, rooted at this
// directory, so a file server mounted at /static/ serves them at the paths the
// layout links to.
//
//go:embed css js favicon.svg
var FS embed.FS
