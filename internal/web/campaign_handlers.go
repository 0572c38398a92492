package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/internal/metrics"
)

func (s *Server) campaignList(c echo.Context) error {
	p, _ := principal(c)
	limit, err := pageLimit(c)
	if err != nil {
		return err
	}
	f := campaign.ListFilter{Type: c.QueryParam("type"), Query: c.QueryParam("q"),
		Limit: limit, Cursor: c.QueryParam("cursor")}
	switch st := c.QueryParam("status"); st {
	case "":
	case "all":
		f.Statuses = campaign.Statuses
	default:
		for _, v := range strings.Split(st, ",") {
			if !slices.Contains(campaign.Statuses, v) {
				return badRequest("query parameter status must be a comma-separated list of " +
					"active, paused, archived, or all")
			}
			f.Statuses = append(f.Statuses, v)
		}
	}
	if f.Type != "" && !slices.Contains(campaign.Types, f.Type) {
		return badRequest("query parameter type must be one of %s",
			strings.Join(campaign.Types, ", "))
	}
	items, next, err := s.Campaigns.Campaigns(c.Request().Context(), p, f)
	if err != nil {
		return err
	}
	return writeList(c, items, next)
}

func (s *Server) campaignCreate(c echo.Context) error {
	var in campaign.NewCampaign
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, _ := principal(c)
	created, err := s.Campaigns.CreateCampaign(c.Request().Context(), p, in)
	if err != nil {
		return err
	}
	c.Set(keyAuditCampaign, created.ID)
	return c.JSON(http.StatusCreated, created)
}

func (s *Server) campaignOverview(c echo.Context) error {
	p, _ := principal(c)
	ov, err := s.Campaigns.Overview(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ov)
}

func (s *Server) campaignGet(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	got, err := s.Campaigns.Campaign(c.Request().Context(), sc)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, got)
}

func (s *Server) campaignUpdate(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	var patch campaign.Patch
	if err := decodeJSON(c, &patch); err != nil {
		return err
	}
	before, err := s.Campaigns.Campaign(c.Request().Context(), sc)
	if err != nil {
		return err
	}
	got, err := s.Campaigns.UpdateCampaign(c.Request().Context(), sc, patch)
	if err != nil {
		return err
	}
	if err := s.timezoneMoved(c, sc, before.Timezone, got.Timezone); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, got)
}

// timezoneMoved follows a change of the campaign's timezone: schedules without a timezone of
// their own fire at the new local times, and the daily metrics are counted again between the
// new midnights.
func (s *Server) timezoneMoved(c echo.Context, sc access.Scope, before, after string) error {
	if before == after {
		return nil
	}
	ctx := c.Request().Context()
	if err := s.Schedules.Reschedule(ctx, sc); err != nil {
		return err
	}
	return s.Metrics.RecomputeHistory(ctx, sc)
}

func (s *Server) campaignArchive(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	got, err := s.Campaigns.ArchiveCampaign(c.Request().Context(), sc)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, got)
}

func (s *Server) campaignRestore(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	got, err := s.Campaigns.RestoreCampaign(c.Request().Context(), sc)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, got)
}

func (s *Server) campaignDuplicate(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	var req campaign.DuplicateRequest
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	p, _ := principal(c)
	got, err := s.Campaigns.DuplicateCampaign(c.Request().Context(), sc, p, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, got)
}

func (s *Server) memberList(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	members, err := s.Campaigns.Members(c.Request().Context(), sc)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(members, ""))
}

type memberInput struct {
	UserID string `json:"userId"`
	Role   string `json:"role"`
}

func (s *Server) memberAdd(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	// Refused before the body is read, so that a role that may not do this never learns
	// more than that.
	if err := sc.Require(access.RoleOwner); err != nil {
		return err
	}
	var in memberInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	f := derrors.Fields{}
	if in.UserID == "" {
		f.Add("userId", "is required")
	}
	role, rerr := access.ParseRole(in.Role)
	if rerr != nil {
		f.Add("role", "must be owner, operator or viewer")
	}
	if err := f.Err(); err != nil {
		return err
	}
	if _, err := s.Campaigns.Member(c.Request().Context(), sc, in.UserID); err == nil {
		return campaign.ErrIsMember
	}
	m, err := s.Campaigns.SetMember(c.Request().Context(), sc, in.UserID, role)
	if err != nil {
		return memberError(err)
	}
	return c.JSON(http.StatusCreated, m)
}

func (s *Server) memberUpdate(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	// Refused before the body is read, so that a role that may not do this never learns
	// more than that.
	if err := sc.Require(access.RoleOwner); err != nil {
		return err
	}
	var in struct {
		Role string `json:"role"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	role, err := access.ParseRole(in.Role)
	if err != nil {
		return derrors.Fields{"role": "must be owner, operator or viewer"}
	}
	if _, err := s.Campaigns.Member(c.Request().Context(), sc, c.Param("userId")); err != nil {
		return err
	}
	m, err := s.Campaigns.SetMember(c.Request().Context(), sc, c.Param("userId"), role)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}

// memberError reports an unknown user in a member request as a field problem, not a missing
// route.
func memberError(err error) error {
	if err == campaign.ErrUserNotFound {
		return derrors.Fields{"userId": "is not a known user"}
	}
	return err
}

func (s *Server) memberRemove(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	if err := s.Campaigns.RemoveMember(c.Request().Context(), sc, c.Param("userId")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) metricsGet(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	from, to, err := metricsRange(c, s.campaignLocation(c, sc))
	if err != nil {
		return err
	}
	days, err := s.Metrics.Days(c.Request().Context(), sc, from, to)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"data": days})
}

// metricsRange reads ?days= or ?from=&to=, defaulting to the last 7 days in the campaign's
// timezone.
func metricsRange(c echo.Context, loc *time.Location) (time.Time, time.Time, error) {
	fromQ, toQ := c.QueryParam("from"), c.QueryParam("to")
	if fromQ == "" && toQ == "" {
		days, err := queryInt(c, "days", 7, 1, metrics.MaxRange)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		y, m, d := time.Now().In(loc).Date()
		to := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return to.AddDate(0, 0, -(days - 1)), to, nil
	}
	return parseRange(fromQ, toQ, badRequestRange)
}

func badRequestRange(field, msg string) error {
	return badRequest("query parameter %s %s", field, msg)
}

// parseRange reads an inclusive date range; report builds the error for a bad field.
func parseRange(fromS, toS string, report func(field, msg string) error) (time.Time, time.Time, error) {
	from, err := time.Parse(time.DateOnly, fromS)
	if err != nil {
		return time.Time{}, time.Time{}, report("from", "must be a date as YYYY-MM-DD")
	}
	to, err := time.Parse(time.DateOnly, toS)
	if err != nil {
		return time.Time{}, time.Time{}, report("to", "must be a date as YYYY-MM-DD")
	}
	if to.Before(from) {
		return time.Time{}, time.Time{}, report("to", "must not be before from")
	}
	if to.Sub(from) > (metrics.MaxRange-1)*24*time.Hour {
		return time.Time{}, time.Time{}, report("to", "must be at most 366 days after from")
	}
	return from, to, nil
}

func (s *Server) metricsRecompute(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	if err := sc.Require(access.RoleOperator); err != nil {
		return err
	}
	var in struct {
		From string `json:"from"`
		To   string `json:"to"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	from, to, err := parseRange(in.From, in.To, func(field, msg string) error {
		return derrors.Fields{field: msg}
	})
	if err != nil {
		return err
	}
	days, err := s.Metrics.Recompute(c.Request().Context(), sc, from, to)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"data": days})
}

// campaignLocation is the scope's campaign timezone, UTC if it cannot be read.
func (s *Server) campaignLocation(c echo.Context, sc access.Scope) *time.Location {
	got, err := s.Campaigns.Campaign(c.Request().Context(), sc)
	if err != nil {
		return time.UTC
	}
	return got.Location()
}

func (s *Server) activityList(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	limit, err := pageLimit(c)
	if err != nil {
		return err
	}
	f, err := activityFilter(c)
	if err != nil {
		return err
	}
	f.Limit, f.Cursor = limit, c.QueryParam("cursor")
	items, next, err := s.Activity.Entries(c.Request().Context(), sc, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(items, next))
}

// activityFilter reads ?type= (a type or a category), ?severity=, ?from= and ?to=.
func activityFilter(c echo.Context) (activity.Filter, error) {
	f := activity.Filter{Type: c.QueryParam("type"), Severity: c.QueryParam("severity")}
	if f.Type != "" && !activity.ValidType(f.Type) {
		return f, badRequest("query parameter type must be an activity type such as " +
			"run.failed, or a category such as run")
	}
	if f.Severity != "" && !slices.Contains(activity.Severities, f.Severity) {
		return f, badRequest("query parameter severity must be info, success, warning or error")
	}
	var err error
	if f.From, err = queryTime(c, "from"); err != nil {
		return f, err
	}
	if f.To, err = queryTime(c, "to"); err != nil {
		return f, err
	}
	return f, nil
}
