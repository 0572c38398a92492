package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/audit"
	"github.com/clawops/clawops/internal/auth"
)

// Context keys.
const (
	keyPrincipal = "principal"
	keyScope     = "scope"
	// keyAuditCampaign names the campaign a request created, for its audit row.
	keyAuditCampaign = "audit_campaign"
	sessionUser      = "user_id"
)

// logRequests logs one line per request with its request id and outcome.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			// Let the error handler write the answer now so that the logged status is true.
			c.Error(err)
		}
		req := c.Request()
		attrs := []any{
			"method", req.Method, "path", req.URL.Path, "status", c.Response().Status,
			"duration_ms", float64(time.Since(start).Microseconds()) / 1000,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID),
		}
		if p, ok := c.Get(keyPrincipal).(access.Principal); ok {
			attrs = append(attrs, "user_id", p.UserID)
		}
		if sc, ok := c.Get(keyScope).(access.Scope); ok {
			attrs = append(attrs, "campaign_id", sc.CampaignID())
		}
		level := slog.LevelInfo
		if strings.HasPrefix(req.URL.Path, "/static/") || req.URL.Path == "/healthz" ||
			req.URL.Path == "/readyz" {
			level = slog.LevelDebug
		}
		slog.Log(req.Context(), level, "Request", attrs...)
		return nil
	}
}

// authenticate finds the caller: a bearer token, or else the browser session. It does not
// refuse anonymous requests; requireUser does.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
			secret, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				return errUnauthorized
			}
			p, err := s.Users.PrincipalForToken(ctx, strings.TrimSpace(secret))
			if errors.Is(err, auth.ErrBadToken) {
				return errUnauthorized
			}
			if err != nil {
				return err
			}
			c.Set(keyPrincipal, p)
			return next(c)
		}
		// A session that answered itself (sending an admin to enrol) stops here.
		if err := s.sessionPrincipal(c); err != nil || c.Response().Committed {
			return err
		}
		return next(c)
	}
}

// principal is the authenticated caller, if any.
func principal(c echo.Context) (access.Principal, bool) {
	p, ok := c.Get(keyPrincipal).(access.Principal)
	return p, ok
}

// viaSession reports whether the caller authenticated with the browser cookie.
func viaSession(c echo.Context) bool {
	p, ok := principal(c)
	return ok && p.TokenID == ""
}

// requireAPIUser refuses anonymous API calls, and cookie-authenticated API changes: the
// cookie is accepted only for reads and the event stream, so that no other site can make a
// browser change data through the API.
func requireAPIUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := principal(c); !ok {
			return errUnauthorized
		}
		if viaSession(c) && !isSafeMethod(c.Request().Method) {
			return errUnauthorized
		}
		return next(c)
	}
}

// requireAdmin refuses callers who are not platform admins.
func requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, _ := principal(c)
		if !p.IsAdmin() {
			return echo.NewHTTPError(http.StatusForbidden, "Only platform admins may do this.")
		}
		return next(c)
	}
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// auditChanges records every API change with its outcome, after the handler has answered.
func (s *Server) auditChanges(action string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if isSafeMethod(c.Request().Method) {
				return next(c)
			}
			err := next(c)
			status := c.Response().Status
			if err != nil {
				status, _ = classify(err)
			}
			s.recordAudit(c, action, status, nil)
			if status < 400 && accessActions[action] {
				s.revocations.Add(1)
			}
			return err
		}
	}
}

// accessActions are the changes that may take away someone's access; open event streams
// check their callers again after any of them.
var accessActions = map[string]bool{"auth.logout": true, "token.revoke": true,
	"user.update": true, "user.disable": true, "member.update": true, "member.remove": true,
	"session.revoke": true, "session.revokeAll": true, "account.password": true}

// recordAudit writes one audit entry for the current request. A failure to audit is logged,
// not returned: the change itself has already happened.
func (s *Server) recordAudit(c echo.Context, action string, status int, detail map[string]any) {
	p, _ := principal(c)
	e := audit.Entry{
		UserID: p.UserID, TokenID: p.TokenID, Action: action, Method: c.Request().Method,
		Path: c.Request().URL.Path, Status: status, IP: c.RealIP(),
		RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
		Resource:  resourceOf(c), Detail: detail,
	}
	if sc, ok := c.Get(keyScope).(access.Scope); ok {
		e.CampaignID = sc.CampaignID()
	}
	if id, ok := c.Get(keyAuditCampaign).(string); ok {
		e.CampaignID = id
	}
	switch {
	case status < 400:
		e.Outcome = audit.Success
	case status == http.StatusUnauthorized || status == http.StatusForbidden ||
		status == http.StatusNotFound || status == http.StatusTooManyRequests:
		e.Outcome = audit.Denied
	default:
		e.Outcome = audit.Failure
	}
	// A client that hangs up must not cost the audit row of a change that happened.
	if err := s.Audit.Record(context.WithoutCancel(c.Request().Context()), e); err != nil {
		slog.ErrorContext(c.Request().Context(), "Audit write failed", "err", err,
			"action", action)
	}
}

// resourceOf names what a request acted on from its path parameters, e.g. "campaign:x".
func resourceOf(c echo.Context) string {
	var parts []string
	for i, name := range c.ParamNames() {
		vals := c.ParamValues()
		if i < len(vals) {
			parts = append(parts, strings.TrimSuffix(name, "Id")+":"+vals[i])
		}
	}
	return strings.Join(parts, "/")
}
