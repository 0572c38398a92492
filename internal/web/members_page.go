package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/auth"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/views/pages"
)

// memberForm is what the add-member form was filled with.
type memberForm struct{ email, role string }

func membersBase(cur campaign.Campaign) string {
	return "/c/" + url.PathEscape(cur.Slug) + "/members"
}

// membersSection builds the campaign's members for its settings page; filled and errs refill
// a refused form.
func (s *Server) membersSection(c echo.Context, sc access.Scope, cur campaign.Campaign,
	filled memberForm, errs derrors.Fields) (pages.MembersSection, error) {
	members, err := s.Campaigns.Members(c.Request().Context(), sc)
	if err != nil {
		return pages.MembersSection{}, err
	}
	p, _ := principal(c)
	base := membersBase(cur)
	m := pages.MembersSection{CanManage: sc.Role().AtLeast(access.RoleOwner),
		AddAction: templ.SafeURL(base), Email: filled.email,
		Role: cmpOr(filled.role, string(access.RoleViewer)), Errors: errs,
		CSRFToken: csrfToken(c)}
	for _, mb := range members {
		item := base + "/" + url.PathEscape(mb.UserID)
		m.Rows = append(m.Rows, pages.MemberRow{UserID: mb.UserID, Email: mb.Email,
			Name: mb.Name, Role: string(mb.Role), Self: mb.UserID == p.UserID,
			RoleAction: templ.SafeURL(item), RemoveAction: templ.SafeURL(item + "/remove")})
	}
	return m, nil
}

func cmpOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// answerMembers answers a refused member change: the section for htmx, otherwise the whole
// settings page, with status.
func (s *Server) answerMembers(c echo.Context, status int, sc access.Scope,
	cur campaign.Campaign, filled memberForm, errs derrors.Fields) error {
	m, err := s.membersSection(c, sc, cur, filled, errs)
	if err != nil {
		return err
	}
	if readHTMX(c).Partial() {
		return s.render(c, status, pages.MembersFragment(m))
	}
	return s.renderSettingsWith(c, status, sc, cur, settingsForm(c, cur, sc), "", &m)
}

// memberDone answers a member change that worked. A change to the person's own membership
// may take their right to manage members away, so the whole page is loaded again.
func (s *Server) memberDone(c echo.Context, sc access.Scope, cur campaign.Campaign, msg,
	userID string) error {
	p, _ := principal(c)
	path := "/c/" + url.PathEscape(cur.Slug) + "/settings"
	if userID == p.UserID {
		s.flash(c, "success", msg)
		return redirectAfter(c, path)
	}
	return s.done(c, msg, path, func() (templ.Component, error) {
		m, err := s.membersSection(c, sc, cur, memberForm{}, nil)
		return pages.MembersFragment(m), err
	})
}

// memberAddPage adds a person, found by email, to the campaign with a role.
func (s *Server) memberAddPage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	// Checked before the email is looked up, so that only owners learn who has an account.
	if err := sc.Require(access.RoleOwner); err != nil {
		return err
	}
	ctx := c.Request().Context()
	f := memberForm{email: strings.TrimSpace(c.FormValue("email")), role: c.FormValue("role")}
	errs := derrors.Fields{}
	role, rerr := access.ParseRole(f.role)
	if rerr != nil {
		errs.Add("role", "must be owner, operator or viewer")
	}
	var u auth.User
	if f.email == "" {
		errs.Add("email", "is required")
	} else if u, err = s.Users.UserByEmail(ctx, f.email); errors.Is(err, auth.ErrNotFound) {
		errs.Add("email", "belongs to nobody here; an admin adds people first")
	} else if err != nil {
		return err
	} else if _, err := s.Campaigns.Member(ctx, sc, u.ID); err == nil {
		errs.Add("email", "is already a member")
	}
	if len(errs) > 0 {
		return s.answerMembers(c, http.StatusUnprocessableEntity, sc, cur, f, errs)
	}
	if _, err := s.Campaigns.SetMember(ctx, sc, u.ID, role); err != nil {
		return err
	}
	return s.memberDone(c, sc, cur, u.Email+" is now "+string(role)+".", u.ID)
}

// memberRolePage changes a member's role; the last owner keeps theirs.
func (s *Server) memberRolePage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	id := c.Param("userId")
	role, err := access.ParseRole(c.FormValue("role"))
	if err != nil {
		return derrors.Fields{"role": "must be owner, operator or viewer"}
	}
	m, err := s.Campaigns.Member(ctx, sc, id)
	if err != nil {
		return err
	}
	_, err = s.Campaigns.SetMember(ctx, sc, id, role)
	if errors.Is(err, campaign.ErrLastOwner) {
		return s.answerMembers(c, http.StatusConflict, sc, cur, memberForm{},
			derrors.Fields{"members": "The campaign needs at least one owner: make " +
				"someone else owner first."})
	}
	if err != nil {
		return err
	}
	return s.memberDone(c, sc, cur, m.Email+" is now "+string(role)+".", id)
}

// memberRemovePage takes a member out of the campaign; the last owner stays.
func (s *Server) memberRemovePage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	id := c.Param("userId")
	m, err := s.Campaigns.Member(ctx, sc, id)
	if err != nil {
		return err
	}
	err = s.Campaigns.RemoveMember(ctx, sc, id)
	if errors.Is(err, campaign.ErrLastOwner) {
		return s.answerMembers(c, http.StatusConflict, sc, cur, memberForm{},
			derrors.Fields{"members": "The campaign needs at least one owner: make " +
				"someone else owner first."})
	}
	if err != nil {
		return err
	}
	return s.memberDone(c, sc, cur, m.Email+" was removed.", id)
}
