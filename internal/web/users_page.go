package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/auth"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/views/pages"
)

func userURL(id string) templ.SafeURL {
	return templ.SafeURL(pages.UsersPath + "/" + url.PathEscape(id))
}

// userRow is a person as the people pages show them; self is the admin looking.
func userRow(u auth.User, self string, now time.Time) pages.UserRow {
	last := "never"
	if u.LastLoginAt != nil {
		last = ago(u.LastLoginAt, now)
	}
	return pages.UserRow{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role,
		LastSignIn: last, Disabled: u.Disabled, TwoFactor: u.TwoFactor, Self: u.ID == self,
		URL: userURL(u.ID)}
}

func (s *Server) usersList(c echo.Context, oob bool) (pages.UsersList, error) {
	users, err := s.Users.Users(c.Request().Context())
	if err != nil {
		return pages.UsersList{}, err
	}
	p, _ := principal(c)
	l := pages.UsersList{OOB: oob}
	now := time.Now()
	for _, u := range users {
		l.Rows = append(l.Rows, userRow(u, p.UserID, now))
	}
	return l, nil
}

func newUserForm(c echo.Context) pages.UserCreate {
	return pages.UserCreate{Action: templ.SafeURL(pages.UsersPath), Role: access.PlatformMember,
		CSRFToken: csrfToken(c)}
}

// usersPage lists every person; htmx asks for the list alone.
func (s *Server) usersPage(c echo.Context) error {
	list, err := s.usersList(c, false)
	if err != nil {
		return err
	}
	return s.answerPage(c, http.StatusOK, pages.UsersListFragment(list), func() (templ.Component,
		error) {
		return s.usersFull(c, list, newUserForm(c))
	})
}

func (s *Server) usersFull(c echo.Context, list pages.UsersList,
	form pages.UserCreate) (templ.Component, error) {
	sh, err := s.shell(c, nil, "", "People")
	if err != nil {
		return nil, err
	}
	required, err := s.Users.RequireAdminTwoFactor(c.Request().Context())
	if err != nil {
		return nil, err
	}
	return pages.Users(pages.UsersPage{Shell: sh, List: list, Create: form,
		RequireAdminTwoFactor: required, SettingAction: templ.SafeURL(adminTwoFactorPath),
		CSRFToken: csrfToken(c)}), nil
}

// userCreatePage adds a person. A password left empty is generated and shown once, in the
// answer itself rather than after a redirect, so that it is never stored to be shown later.
func (s *Server) userCreatePage(c echo.Context) error {
	in := auth.NewUser{Email: strings.TrimSpace(c.FormValue("email")),
		Name: strings.TrimSpace(c.FormValue("name")), Role: c.FormValue("role"),
		Password: c.FormValue("password")}
	generated := in.Password == ""
	if generated {
		in.Password = auth.GeneratePassword()
	}
	form := newUserForm(c)
	u, err := s.Users.CreateUser(c.Request().Context(), in)
	if errors.Is(err, auth.ErrEmailTaken) {
		err = derrors.Fields{"email": "is already in use by another person"}
	}
	if fields, ok := derrors.AsFields(err); ok {
		form.Email, form.Name, form.Role, form.Errors = in.Email, in.Name, in.Role, fields
		return s.answerUsers(c, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return err
	}
	form.Created = &pages.CreatedUser{Email: u.Email, URL: userURL(u.ID)}
	if generated {
		form.Created.Password = in.Password
	}
	return s.answerUsers(c, http.StatusCreated, form)
}

// answerUsers answers the create form: for htmx the form with the list beside it, out of
// band; otherwise the whole page.
func (s *Server) answerUsers(c echo.Context, status int, form pages.UserCreate) error {
	list, err := s.usersList(c, true)
	if err != nil {
		return err
	}
	frag := templ.Join(pages.UserCreateFragment(form), pages.UsersListFragment(list))
	return s.answerPage(c, status, frag, func() (templ.Component, error) {
		list.OOB = false
		return s.usersFull(c, list, form)
	})
}

// userPage shows one person to admins.
func (s *Server) userPage(c echo.Context) error {
	u, err := s.Users.User(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return s.renderUser(c, http.StatusOK, u, s.userEditForm(c, u), "")
}

func (s *Server) userEditForm(c echo.Context, u auth.User) pages.UserEditForm {
	p, _ := principal(c)
	return pages.UserEditForm{Action: userURL(u.ID), Name: u.Name, Role: u.Role,
		CSRFToken: csrfToken(c), Self: u.ID == p.UserID}
}

// renderUser answers the person's page: its content for htmx, the whole page otherwise.
func (s *Server) renderUser(c echo.Context, status int, u auth.User, form pages.UserEditForm,
	newPassword string) error {
	vm, err := s.userView(c, u, form, newPassword)
	if err != nil {
		return err
	}
	return s.answerPage(c, status, pages.UserMainFragment(vm), func() (templ.Component,
		error) {
		sh, err := s.shell(c, nil, "", u.Email)
		vm.Shell = sh
		return pages.User(vm), err
	})
}

func (s *Server) userView(c echo.Context, u auth.User, form pages.UserEditForm,
	newPassword string) (pages.UserPage, error) {
	p, _ := principal(c)
	vm := pages.UserPage{User: userRow(u, p.UserID, time.Now()), Form: form,
		NewPassword: newPassword, CSRFToken: csrfToken(c),
		DisableAction:        userURL(u.ID) + "/disable",
		EnableAction:         userURL(u.ID) + "/enable",
		ResetTwoFactorAction: userURL(u.ID) + "/two-factor/reset"}
	memberships, err := s.Campaigns.MembershipsOf(c.Request().Context(), p, u.ID)
	if err != nil {
		return vm, err
	}
	for _, m := range memberships {
		vm.Campaigns = append(vm.Campaigns, pages.UserMembership{Campaign: m.Name,
			Role: string(m.Role), URL: templ.SafeURL("/c/" + url.PathEscape(m.Slug))})
	}
	return vm, nil
}

// userDone answers a change of a person that worked.
func (s *Server) userDone(c echo.Context, id, msg string) error {
	return s.done(c, msg, string(userURL(id)), func() (templ.Component, error) {
		u, err := s.Users.User(c.Request().Context(), id)
		if err != nil {
			return nil, err
		}
		vm, err := s.userView(c, u, s.userEditForm(c, u), "")
		return pages.UserMainFragment(vm), err
	})
}

// userSavePage changes a person's name and role, and resets their password when asked; a
// generated password is shown once in the answer.
func (s *Server) userSavePage(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := s.Users.User(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	form := s.userEditForm(c, u)
	name := strings.TrimSpace(c.FormValue("name"))
	patch := auth.UserPatch{Name: &name}
	if role := c.FormValue("role"); role != "" && !form.Self {
		patch.Role = &role
	}
	mode, generated := c.FormValue("password_mode"), ""
	switch mode {
	case "", "keep":
	case "generate":
		generated = auth.GeneratePassword()
		patch.Password = &generated
	case "set":
		pw := c.FormValue("password")
		patch.Password = &pw
	default:
		return derrors.Fields{"password_mode": "must be keep, generate or set"}
	}
	updated, err := s.Users.UpdateUser(ctx, u.ID, patch)
	if fields, ok := derrors.AsFields(err); ok {
		form.Name, form.Password, form.Errors = name, mode, fields
		if patch.Role != nil {
			form.Role = *patch.Role
		}
		return s.renderUser(c, http.StatusUnprocessableEntity, u, form, "")
	}
	if err != nil {
		return err
	}
	if generated != "" {
		return s.renderUser(c, http.StatusOK, updated, s.userEditForm(c, updated), generated)
	}
	return s.userDone(c, u.ID, "Saved "+updated.Email+".")
}

// userDisablePage disables a person: their sessions and tokens stop working at once, and
// their open event streams close.
func (s *Server) userDisablePage(c echo.Context) error {
	p, _ := principal(c)
	id := c.Param("id")
	if id == p.UserID {
		return derrors.Fields{"id": "you cannot disable yourself"}
	}
	if err := s.Users.DisableUser(c.Request().Context(), id); err != nil {
		return err
	}
	return s.userDone(c, id, "Disabled; they are signed out everywhere.")
}

func (s *Server) userEnablePage(c echo.Context) error {
	off := false
	u, err := s.Users.UpdateUser(c.Request().Context(), c.Param("id"),
		auth.UserPatch{Disabled: &off})
	if err != nil {
		return err
	}
	return s.userDone(c, u.ID, u.Email+" can sign in again. Their old tokens stay revoked.")
}

// userResetTwoFactorPage turns a person's two-factor sign-in off, for someone who lost their
// authenticator and their recovery codes.
func (s *Server) userResetTwoFactorPage(c echo.Context) error {
	id := c.Param("id")
	if err := s.Users.DisableTwoFactor(c.Request().Context(), id); err != nil {
		return err
	}
	return s.userDone(c, id, "Two-factor sign-in is off; they can set it up again.")
}

// requireTwoFactorPage sets whether admins must use two-factor sign-in.
func (s *Server) requireTwoFactorPage(c echo.Context) error {
	on := c.FormValue("require") == "true"
	if err := s.Users.SetRequireAdminTwoFactor(c.Request().Context(), on); err != nil {
		return err
	}
	msg := "Admins may sign in without a second factor."
	if on {
		msg = "Admins must now sign in with a second factor."
	}
	s.flash(c, "success", msg)
	return redirectAfter(c, pages.UsersPath)
}
