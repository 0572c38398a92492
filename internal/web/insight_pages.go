package web

import (
	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/views/pages"
)

// registerInsightPages adds the pages that look back at what happened: a campaign's metrics
// and activity, and the admins' audit log.
func (s *Server) registerInsightPages(page func(method, path string, h echo.HandlerFunc,
	action string)) {
	page("GET", "/c/:slug/metrics", s.metricsPage, "")
	page("GET", "/c/:slug/metrics/export.csv", s.metricsExport, "")
	page("GET", "/c/:slug/activity", s.activityPage, "")
	page("GET", pages.AuditPath, requireAdminPage(s.auditPage), "")
	page("GET", pages.AuditPath+"/export.csv", requireAdminPage(s.auditExport), "")
}

// activityQueryDoc documents the activity feed's filters in the API document.
func activityQueryDoc() []any {
	return []any{
		queryParam("type", "an entry type such as run.failed, or a category such as run "+
			"for all of its types", str()),
		queryParam("severity", "info, success, warning or error", str()),
		queryParam("from", "entries at or after this time (RFC 3339, or a date as UTC "+
			"midnight)", str()),
		queryParam("to", "entries before this time (RFC 3339, or a date as UTC midnight)",
			str()),
	}
}
