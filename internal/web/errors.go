package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/views/layout"
	"github.com/clawops/clawops/views/pages"
)

// apiError is the body of every failed API answer.
type apiError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// errBadRequest marks a malformed request: unreadable JSON, a bad query parameter.
type errBadRequest struct{ msg string }

func (e errBadRequest) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return errBadRequest{msg: fmt.Sprintf(format, args...)}
}

// errUnauthorized is a request without valid credentials.
var errUnauthorized = errors.New("authentication required")

// errWrongPassword is a failed sign-in; it never says which of the two was wrong.
var errWrongPassword = errors.New("wrong email or password")

// errTooLarge is a body over the limit.
var errTooLarge = errors.New("request body too large")

// errRateLimited asks the client to come back after a while; msg, when set, says why.
type errRateLimited struct {
	retryAfter time.Duration
	msg        string
}

func (e errRateLimited) Error() string { return "too many attempts" }

// classify maps an error to its status, code and public message.
func classify(err error) (int, apiError) {
	var he *echo.HTTPError
	var br errBadRequest
	var rl errRateLimited
	if status, body, ok := classifySignIn(err); ok {
		return status, body
	}
	if f, ok := derrors.AsFields(err); ok {
		return http.StatusUnprocessableEntity, apiError{Code: "validation_failed",
			Message: "The request has invalid fields.", Fields: f}
	}
	switch {
	case errors.Is(err, database.ErrBadCursor):
		return http.StatusBadRequest, apiError{Code: "bad_request",
			Message: "query parameter cursor is not a cursor this server issued"}
	case errors.As(err, &br):
		return http.StatusBadRequest, apiError{Code: "bad_request", Message: br.msg}
	case errors.Is(err, errWrongPassword):
		return http.StatusUnauthorized, apiError{Code: "unauthorized",
			Message: "The email or the password is wrong."}
	case errors.Is(err, errUnauthorized):
		return http.StatusUnauthorized, apiError{Code: "unauthorized",
			Message: "Sign in or send a valid bearer token."}
	case errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge, apiError{Code: "payload_too_large",
			Message: "The request body is larger than 1 MiB."}
	case errors.As(err, &rl):
		msg := rl.msg
		if msg == "" {
			msg = "Too many attempts; try again later."
		}
		return http.StatusTooManyRequests, apiError{Code: "rate_limited", Message: msg}
	case errors.Is(err, derrors.NotFound):
		return http.StatusNotFound, apiError{Code: "not_found", Message: "Not found."}
	case errors.Is(err, derrors.Forbidden):
		return http.StatusForbidden, apiError{Code: "forbidden",
			Message: "Your role does not allow this."}
	case errors.Is(err, derrors.Conflict):
		return http.StatusConflict, apiError{Code: "conflict", Message: publicConflict(err)}
	case errors.As(err, &he):
		return classifyHTTP(he)
	}
	return http.StatusInternalServerError, apiError{Code: "internal",
		Message: "Something went wrong on our side."}
}

// publicConflict turns "campaign: slug already in use: conflict" into "Slug already in use."
func publicConflict(err error) string {
	msg := strings.TrimSuffix(err.Error(), ": "+derrors.Conflict.Error())
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	if msg == "" {
		return "Conflict."
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

func classifyHTTP(he *echo.HTTPError) (int, apiError) {
	switch he.Code {
	case http.StatusNotFound:
		return he.Code, apiError{Code: "not_found", Message: "Not found."}
	case http.StatusMethodNotAllowed:
		return he.Code, apiError{Code: "method_not_allowed", Message: "Method not allowed."}
	case http.StatusRequestEntityTooLarge:
		return he.Code, apiError{Code: "payload_too_large",
			Message: "The request body is larger than 1 MiB."}
	case http.StatusUnauthorized:
		return he.Code, apiError{Code: "unauthorized", Message: "Sign in or send a valid bearer token."}
	case http.StatusForbidden:
		return he.Code, apiError{Code: "forbidden", Message: fmt.Sprint(he.Message)}
	case http.StatusBadRequest:
		return he.Code, apiError{Code: "bad_request", Message: fmt.Sprint(he.Message)}
	case http.StatusServiceUnavailable:
		return he.Code, apiError{Code: "unavailable", Message: fmt.Sprint(he.Message)}
	}
	if he.Code >= 500 {
		return http.StatusInternalServerError, apiError{Code: "internal",
			Message: "Something went wrong on our side."}
	}
	return he.Code, apiError{Code: strings.ToLower(strings.ReplaceAll(
		http.StatusText(he.Code), " ", "_")), Message: http.StatusText(he.Code)}
}

// handleError is Echo's one error handler: JSON for the API, a page for browsers.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, body := classify(err)
	if status >= 500 {
		slog.ErrorContext(c.Request().Context(), "Request failed", "err", err,
			"method", c.Request().Method, "path", c.Request().URL.Path,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	var rl errRateLimited
	if errors.As(err, &rl) {
		secs := int(rl.retryAfter.Round(time.Second) / time.Second)
		c.Response().Header().Set("Retry-After", strconv.Itoa(max(1, secs)))
	}
	var werr error
	switch {
	case c.Request().Method == http.MethodHead:
		werr = c.NoContent(status)
	case isAPI(c):
		werr = c.JSON(status, map[string]apiError{"error": body})
	case readHTMX(c).Partial():
		// htmx asked for a fragment: the page stays as it is and says what went wrong in a
		// toast, rather than an error page inside a table cell or nothing at all.
		c.Response().Header().Set("HX-Reswap", "none")
		werr = s.render(c, status, layout.OOBToast(layout.Toast{Kind: "error",
			Message: body.Message}))
	default:
		vm := pages.ErrorPage{Status: status, Message: body.Message, CSRFToken: csrfToken(c)}
		if status == http.StatusNotFound || status >= 500 {
			// The page's own words explain these better than the API's terse message.
			vm.Message = ""
		}
		werr = s.render(c, status, pages.Error(vm))
	}
	if werr != nil {
		slog.WarnContext(c.Request().Context(), "Writing error response failed", "err", werr)
	}
}

func isAPI(c echo.Context) bool {
	return strings.HasPrefix(c.Request().URL.Path, "/api/") || c.Request().URL.Path == "/api"
}
