package web

import (
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/campaign"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/views/pages"
)

func settingsForm(c echo.Context, cur campaign.Campaign, sc access.Scope) pages.SettingsForm {
	f := pages.SettingsForm{
		CSRFToken: csrfToken(c), Slug: cur.Slug, Name: cur.Name, Company: cur.Company,
		Type: cur.Type, Description: cur.Description, Color: cur.Color, Icon: cur.Icon,
		Timezone: cur.Timezone, Status: cur.Status, CanEdit: sc.Role().AtLeast(access.RoleOwner),
		Archived: cur.Status == campaign.StatusArchived,
	}
	if q := cur.QuietHours; q != nil {
		f.QuietStart, f.QuietEnd = q.Start, q.End
	}
	if b := cur.Budget; b != nil {
		f.DailyBudget, f.MonthlyBudget = dollars(b.DailyUSD), dollars(b.MonthlyUSD)
	}
	return f
}

func dollars(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// limitsPatch reads the quiet hours and budget fields of the settings form into p. Both are
// set as a whole: empty fields clear them.
func limitsPatch(c echo.Context, p *campaign.Patch) derrors.Fields {
	f := derrors.Fields{}
	start := strings.TrimSpace(c.FormValue("quietStart"))
	end := strings.TrimSpace(c.FormValue("quietEnd"))
	p.QuietHours.Set = true
	switch {
	case start == "" && end == "":
	case start == "" || end == "":
		f.Add("quietHours", "needs both a start and an end, or neither")
	default:
		p.QuietHours.Value = &campaign.QuietHours{Start: start, End: end}
	}
	budget := &campaign.Budget{}
	for _, b := range []struct {
		form, field string
		dst         **float64
	}{{"dailyBudget", "budget.dailyUsd", &budget.DailyUSD},
		{"monthlyBudget", "budget.monthlyUsd", &budget.MonthlyUSD}} {
		v := strings.TrimSpace(strings.TrimPrefix(c.FormValue(b.form), "$"))
		if v == "" {
			continue
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			f.Add(b.field, "must be an amount such as 25 or 12.50")
			continue
		}
		*b.dst = &x
	}
	p.Budget = campaign.OptionalBudget{Set: true, Value: budget}
	return f
}

func (s *Server) settingsPage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	return s.renderSettings(c, http.StatusOK, sc, cur, settingsForm(c, cur, sc), "")
}

func (s *Server) renderSettings(c echo.Context, status int, sc access.Scope, cur campaign.Campaign,
	form pages.SettingsForm, archiveErr string) error {
	return s.renderSettingsWith(c, status, sc, cur, form, archiveErr, nil)
}

// renderSettingsWith renders the settings page; members, when given, replaces the members
// section as stored (a refused member form, say).
func (s *Server) renderSettingsWith(c echo.Context, status int, sc access.Scope,
	cur campaign.Campaign, form pages.SettingsForm, archiveErr string,
	members *pages.MembersSection) error {
	sh, err := s.shell(c, &cur, "settings", "Settings")
	if err != nil {
		return err
	}
	if members == nil {
		m, err := s.membersSection(c, sc, cur, memberForm{}, nil)
		if err != nil {
			return err
		}
		members = &m
	}
	return s.render(c, status, pages.Settings(pages.SettingsPage{
		Shell: sh, Campaign: header(cur), Form: form, CanEdit: form.CanEdit,
		Archived: form.Archived, ArchiveError: archiveErr, IsDefault: cur.ID == campaign.DefaultID,
		Members: *members,
	}))
}

// settingsSave applies the settings form: the form again with 422 when a field is refused,
// otherwise the saved form (htmx, with a toast) or a redirect back to the page.
func (s *Server) settingsSave(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	color := c.FormValue("color")
	if color == "custom" {
		color = c.FormValue("color_custom")
	}
	patch := campaign.Patch{}
	for field, dst := range map[string]**string{"name": &patch.Name, "company": &patch.Company,
		"type": &patch.Type, "status": &patch.Status, "icon": &patch.Icon,
		"timezone": &patch.Timezone, "description": &patch.Description} {
		if v, ok := c.Request().PostForm[field]; ok && len(v) > 0 {
			val := strings.TrimSpace(v[0])
			*dst = &val
		}
	}
	if color != "" {
		patch.Color = &color
	}
	var updated campaign.Campaign
	limits := limitsPatch(c, &patch)
	err = limits.Err()
	if err == nil {
		updated, err = s.Campaigns.UpdateCampaign(c.Request().Context(), sc, patch)
	}
	form := settingsForm(c, cur, sc)
	if fields, ok := derrors.AsFields(err); ok {
		refill(&form, patch)
		form.QuietStart, form.QuietEnd = c.FormValue("quietStart"), c.FormValue("quietEnd")
		form.DailyBudget = c.FormValue("dailyBudget")
		form.MonthlyBudget = c.FormValue("monthlyBudget")
		form.Errors = fields
		if readHTMX(c).Partial() {
			return s.render(c, http.StatusUnprocessableEntity, pages.SettingsFormFragment(form))
		}
		return s.renderSettings(c, http.StatusUnprocessableEntity, sc, cur, form, "")
	}
	if err != nil {
		return err
	}
	if err := s.timezoneMoved(c, sc, cur.Timezone, updated.Timezone); err != nil {
		return err
	}
	if readHTMX(c).Partial() {
		// The colour, name or icon may have changed: reload so the frame follows.
		c.Response().Header().Set("HX-Refresh", "true")
		s.flash(c, "success", "Settings saved.")
		return s.render(c, http.StatusOK, pages.SettingsFormFragment(settingsForm(c, updated, sc)))
	}
	s.flash(c, "success", "Settings saved.")
	return c.Redirect(http.StatusSeeOther, "/c/"+url.PathEscape(updated.Slug)+"/settings")
}

// refill puts the submitted values back into a refused form.
func refill(f *pages.SettingsForm, p campaign.Patch) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&f.Name, p.Name)
	set(&f.Company, p.Company)
	set(&f.Type, p.Type)
	set(&f.Status, p.Status)
	set(&f.Icon, p.Icon)
	set(&f.Timezone, p.Timezone)
	set(&f.Description, p.Description)
	set(&f.Color, p.Color)
}

// campaignArchivePage archives after the campaign's name was typed to confirm.
func (s *Server) campaignArchivePage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	if strings.TrimSpace(c.FormValue("confirm")) != cur.Name {
		return s.renderSettings(c, http.StatusUnprocessableEntity, sc, cur,
			settingsForm(c, cur, sc), "Type the campaign's name exactly to archive it.")
	}
	if _, err := s.Campaigns.ArchiveCampaign(c.Request().Context(), sc); err != nil {
		if errors.Is(err, derrors.Conflict) {
			return s.renderSettings(c, http.StatusConflict, sc, cur, settingsForm(c, cur, sc),
				"This campaign cannot be archived.")
		}
		return err
	}
	s.flash(c, "success", "Campaign "+cur.Name+" archived.")
	return redirectAfter(c, "/c/"+url.PathEscape(cur.Slug)+"/settings")
}

func (s *Server) campaignRestorePage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	if _, err := s.Campaigns.RestoreCampaign(c.Request().Context(), sc); err != nil &&
		!errors.Is(err, campaign.ErrNotArchived) {
		return err
	}
	s.flash(c, "success", "Campaign "+cur.Name+" restored; it is paused until you resume it.")
	return redirectAfter(c, "/c/"+url.PathEscape(cur.Slug)+"/settings")
}

func (s *Server) campaignDuplicatePage(c echo.Context) error {
	sc, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(c.FormValue("name"))
	req := campaign.DuplicateRequest{Include: c.Request().PostForm["include"]}
	if req.Include == nil {
		req.Include = []string{}
	}
	if name != "" {
		req.Name = &name
	}
	p, _ := principal(c)
	dup, err := s.Campaigns.DuplicateCampaign(c.Request().Context(), sc, p, req)
	if fields, ok := derrors.AsFields(err); ok {
		s.flash(c, "error", "Could not duplicate: "+fields.Error())
		return redirectAfter(c, "/c/"+url.PathEscape(cur.Slug)+"/settings")
	}
	if errors.Is(err, campaign.ErrSlugTaken) {
		s.flash(c, "error", "A campaign with that name already exists.")
		return redirectAfter(c, "/c/"+url.PathEscape(cur.Slug)+"/settings")
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Copied to "+dup.Name+"; it is paused with its schedules disabled.")
	return redirectAfter(c, "/c/"+url.PathEscape(dup.Slug)+"/settings")
}

// campaignFavicon draws the campaign's icon on its colour, so that tabs of different
// campaigns are told apart.
func (s *Server) campaignFavicon(c echo.Context) error {
	_, cur, err := s.pageCampaign(c)
	if err != nil {
		return err
	}
	color := campaign.DefaultColor
	if campaign.ValidColor(cur.Color) {
		color = cur.Color
	}
	svg := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">`+
		`<rect width="64" height="64" rx="14" fill="%s"/>`+
		`<text x="32" y="44" font-size="36" text-anchor="middle">%s</text></svg>`,
		color, html.EscapeString(cur.Icon))
	c.Response().Header().Set("Cache-Control", "private, max-age=60")
	return c.Blob(http.StatusOK, "image/svg+xml", []byte(svg))
}
