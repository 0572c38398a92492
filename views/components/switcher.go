// Package components holds templ components shared by several pages, each
// taking a small view model of its own.
package components

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SwitcherListboxID is the id of the switcher's option list, which the search
// box names in aria-controls.
const SwitcherListboxID = "switcher-listbox"

// SwitcherItem is one campaign in the switcher list.
type SwitcherItem struct {
	// Color is a validated #RRGGBB; templ's style sanitiser still guards it.
	Name, Slug, Icon, Color, Company, Status string
	Agents, Schedules                        int
	// Href is where choosing the campaign goes: the same kind of page in that
	// campaign, e.g. /c/<slug>/settings.
	Href    string
	Current bool
}

// Switcher is the top bar's campaign switcher.
type Switcher struct {
	// Current is nil on pages outside a campaign, such as the overview.
	Current *SwitcherItem
	// Items are listed in the order given.
	Items []SwitcherItem
	// CreateHref opens the campaign creation form, e.g. "/?new=1#new-campaign".
	CreateHref string
	// Total counts every campaign the user can open; when it is more than len(Items), the
	// search box asks SearchURL for matches instead of filtering the page's list alone.
	Total     int
	SearchURL string
}

// searchURL is where typed searches go, or "" when the list on the page is complete.
func (s Switcher) searchURL() string {
	if s.Total <= len(s.Items) {
		return ""
	}
	return s.SearchURL
}

func (i SwitcherItem) optionID() string {
	return "switcher-opt-" + i.Slug
}

func (i SwitcherItem) selected() string {
	if i.Current {
		return "true"
	}
	return "false"
}

// icon is the campaign's icon, or the first letter of its name when it has none.
func (i SwitcherItem) icon() string {
	if i.Icon != "" {
		return i.Icon
	}
	r, _ := utf8.DecodeRuneInString(strings.TrimSpace(i.Name))
	if r == utf8.RuneError || !unicode.IsPrint(r) {
		return "?"
	}
	return string(unicode.ToUpper(r))
}

// counts reads like "3 agents · 1 schedule".
func (i SwitcherItem) counts() string {
	return switcherCount(i.Agents, "agent") + " · " + switcherCount(i.Schedules, "schedule")
}

func switcherCount(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// createHref falls back to the overview's creation form when the caller
// leaves CreateHref empty, so the link never points at the current page.
func (s Switcher) createHref() string {
	if s.CreateHref != "" {
		return s.CreateHref
	}
	return "/?new=1#new-campaign"
}

// totalText adds the number of campaigns to "All campaigns" when the list is cut short.
func (s Switcher) totalText() string {
	if s.Total <= len(s.Items) {
		return ""
	}
	return " (" + strconv.Itoa(s.Total) + ")"
}
