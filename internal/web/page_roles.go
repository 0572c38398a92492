package web

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
)

// pageRole is the least campaign role a console change needs, by its audit action: owners
// change the campaign itself and its members, operators everything else in it.
func pageRole(action string) access.Role {
	if strings.HasPrefix(action, "campaign.") || strings.HasPrefix(action, "member.") {
		return access.RoleOwner
	}
	return access.RoleOperator
}

// requirePageRole refuses a console change in a campaign to anyone below min before the
// handler reads the form, so that a viewer's post is answered 403, not with the form's
// validation errors or a confirmation prompt, and a campaign the caller may not see is 404.
func (s *Server) requirePageRole(min access.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if isSafeMethod(c.Request().Method) {
				return next(c)
			}
			sc, err := s.scope(c)
			if err != nil {
				return err
			}
			if err := sc.Require(min); err != nil {
				return err
			}
			return next(c)
		}
	}
}
