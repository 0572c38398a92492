package web

import "github.com/labstack/echo/v4"

// htmxRequest is what htmx tells the server about a request.
type htmxRequest struct {
	Request        bool
	Boosted        bool
	HistoryRestore bool
	Target         string
}

func readHTMX(c echo.Context) htmxRequest {
	h := c.Request().Header
	return htmxRequest{
		Request:        h.Get("HX-Request") == "true",
		Boosted:        h.Get("HX-Boosted") == "true",
		HistoryRestore: h.Get("HX-History-Restore-Request") == "true",
		Target:         h.Get("HX-Target"),
	}
}

// Partial reports whether the answer should be the fragment alone: htmx asked for it, and it
// is neither a boosted navigation nor a history restore, which need the whole page.
func (h htmxRequest) Partial() bool { return h.Request && !h.Boosted && !h.HistoryRestore }
