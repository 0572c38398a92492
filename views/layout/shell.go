package layout

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clawops/clawops/views/components"
)

// Shell is what the application frame needs: who is signed in, the switcher, the campaign on
// screen (if any) and which of its pages is open.
type Shell struct {
	Page
	UserName  string
	UserEmail string
	IsAdmin   bool
	Switcher  components.Switcher
	// Campaign is the campaign on screen; nil outside campaign pages.
	Campaign *NavCampaign
	// Active names the open page of the side navigation, e.g. "dashboard".
	Active string
	// Flash is a one-time message shown as a toast, e.g. after a redirect.
	Flash *Toast
	// DataPages are the campaign's data pages, between the dashboard and the settings:
	// Key is the page's path below the campaign.
	DataPages []NavItem
}

// NavCampaign is the campaign whose pages the side navigation links to.
type NavCampaign struct {
	Slug string
	Name string
	Icon string
}

// Toast is a short message about the outcome of an action.
type Toast struct {
	// Kind is "success", "error" or "info".
	Kind    string
	Message string
}

// NavItem is one link of the side navigation.
type NavItem struct {
	Key   string
	Label string
	Href  string
}

// ToastsID is the element toasts are appended to, also by out-of-band htmx swaps.
const ToastsID = "toasts"

// Nav lists the campaign's pages in the side navigation.
func (s Shell) Nav() []NavItem {
	if s.Campaign == nil {
		return nil
	}
	base := "/c/" + url.PathEscape(s.Campaign.Slug)
	nav := []NavItem{{Key: "dashboard", Label: "Dashboard", Href: base},
		{Key: "agents", Label: "Agents", Href: base + "/agents"},
		{Key: "schedules", Label: "Schedules", Href: base + "/schedules"},
		{Key: "runs", Label: "Runs", Href: base + "/runs"},
		{Key: "metrics", Label: "Metrics", Href: base + "/metrics"},
		{Key: "activity", Label: "Activity", Href: base + "/activity"}}
	for _, p := range s.DataPages {
		nav = append(nav, NavItem{Key: p.Key, Label: p.Label, Href: base + "/" + p.Key})
	}
	return append(nav, NavItem{Key: "settings", Label: "Settings", Href: base + "/settings"})
}

func (s Shell) displayName() string {
	if s.UserName != "" {
		return s.UserName
	}
	return s.UserEmail
}

func (s Shell) initial() string {
	r, _ := utf8.DecodeRuneInString(strings.TrimSpace(s.displayName()))
	if r == utf8.RuneError || !unicode.IsPrint(r) {
		return "?"
	}
	return string(unicode.ToUpper(r))
}

func toastClass(kind string) string {
	switch kind {
	case "success":
		return "border-emerald-300 bg-emerald-50 text-emerald-900 " +
			"dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100"
	case "error":
		return "border-red-300 bg-red-50 text-red-900 " +
			"dark:border-red-700 dark:bg-red-950 dark:text-red-100"
	}
	return "border-slate-300 bg-white text-slate-900 " +
		"dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
}
