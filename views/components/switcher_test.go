package components_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/clawops/clawops/views/components"
)

// switcherDoc is a rendered switcher, parsed, with its raw HTML kept for
// checks that must see exactly what was sent.
type switcherDoc struct {
	raw  string
	root *html.Node
}

func renderSwitcher(t *testing.T, s components.Switcher) switcherDoc {
	t.Helper()
	return renderSwitcherPart(t, components.CampaignSwitcher(s))
}

func renderSwitcherPart(t *testing.T, c templ.Component) switcherDoc {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	root, err := html.Parse(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("parse rendered HTML: %v", err)
	}
	return switcherDoc{raw: buf.String(), root: root}
}

// all returns the elements under n for which match is true, in document order.
func (d switcherDoc) all(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var found []*html.Node
	for e := range n.Descendants() {
		if e.Type == html.ElementNode && match(e) {
			found = append(found, e)
		}
	}
	return found
}

func (d switcherDoc) byTestID(id string) []*html.Node {
	return d.all(d.root, func(e *html.Node) bool { return d.attr(e, "data-testid") == id })
}

// one returns the single element with the test id, failing the test otherwise.
func (d switcherDoc) one(t *testing.T, id string) *html.Node {
	t.Helper()
	found := d.byTestID(id)
	if len(found) != 1 {
		t.Fatalf("found %d elements with data-testid=%q, want 1", len(found), id)
	}
	return found[0]
}

func (d switcherDoc) attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func (d switcherDoc) has(n *html.Node, key string) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == key })
}

// link returns the only <a> under n, failing the test otherwise.
func (d switcherDoc) link(t *testing.T, n *html.Node) *html.Node {
	t.Helper()
	links := d.all(n, func(e *html.Node) bool { return e.Data == "a" })
	if len(links) != 1 {
		t.Fatalf("found %d links in %s, want 1", len(links), d.text(n))
	}
	return links[0]
}

func (d switcherDoc) text(n *html.Node) string {
	var sb strings.Builder
	for e := range n.Descendants() {
		if e.Type == html.TextNode {
			sb.WriteString(e.Data)
		}
	}
	return strings.Join(strings.Fields(sb.String()), " ")
}

func testSwitcher() components.Switcher {
	items := []components.SwitcherItem{
		{
			Name: "Default HOA Florida", Slug: "default-hoa-fl", Icon: "🏠", Color: "#0EA5E9",
			Company: "Sunshine HOA", Status: "active", Agents: 3, Schedules: 1,
			Href: "/c/default-hoa-fl/settings", Current: true,
		},
		{
			Name: "Roofing Texas", Slug: "roofing-tx", Color: "#DC2626",
			Company: "Lone Star Roofs", Status: "paused", Agents: 1, Schedules: 4,
			Href: "/c/roofing-tx/settings",
		},
		{
			Name: "Old Launch", Slug: "old-launch", Status: "archived",
			Href: "/c/old-launch/settings",
		},
	}
	return components.Switcher{
		Current:    &items[0],
		Items:      items,
		CreateHref: "/?new=1#new-campaign",
	}
}

func TestSwitcherLinksEveryCampaign(t *testing.T) {
	s := testSwitcher()
	d := renderSwitcher(t, s)

	var got []string
	for _, opt := range d.byTestID("switcher-option") {
		got = append(got, d.attr(opt, "data-slug")+" "+d.attr(d.link(t, opt), "href"))
	}
	want := []string{
		"default-hoa-fl /c/default-hoa-fl/settings",
		"roofing-tx /c/roofing-tx/settings",
		"old-launch /c/old-launch/settings",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("option slugs and links (-want +got):\n%s", diff)
	}

	if href := d.attr(d.one(t, "switcher-create"), "href"); href != s.CreateHref {
		t.Errorf("create link href = %q, want %q", href, s.CreateHref)
	}
	if href := d.attr(d.one(t, "switcher-all"), "href"); href != "/" {
		t.Errorf("all campaigns link href = %q, want %q", href, "/")
	}
}

func TestSwitcherOptionText(t *testing.T) {
	d := renderSwitcher(t, testSwitcher())
	opts := d.byTestID("switcher-option")
	if len(opts) != 3 {
		t.Fatalf("found %d options, want 3", len(opts))
	}

	got := d.text(opts[1])
	wants := []string{"Roofing Texas", "Lone Star Roofs", "Paused", "1 agent · 4 schedules"}
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("option text %q does not contain %q", got, want)
		}
	}
}

func TestSwitcherARIA(t *testing.T) {
	d := renderSwitcher(t, testSwitcher())

	root := d.one(t, "switcher")
	if root.Data != "details" {
		t.Errorf("switcher is <%s>, want <details> so it opens without JavaScript", root.Data)
	}
	if summary := d.one(t, "switcher-button"); summary.Data != "summary" {
		t.Errorf("switcher button is <%s>, want <summary>", summary.Data)
	}

	search := d.one(t, "switcher-search")
	if got := d.attr(search, "role"); got != "combobox" {
		t.Errorf("search role = %q, want combobox", got)
	}
	if got := d.attr(search, "aria-expanded"); got != "false" {
		t.Errorf("search aria-expanded = %q, want false while closed", got)
	}
	if got := d.attr(search, "aria-autocomplete"); got != "list" {
		t.Errorf("search aria-autocomplete = %q, want list", got)
	}

	listboxes := d.all(d.root, func(e *html.Node) bool { return d.attr(e, "role") == "listbox" })
	if len(listboxes) != 1 {
		t.Fatalf("found %d listboxes, want 1", len(listboxes))
	}
	got, want := d.attr(search, "aria-controls"), d.attr(listboxes[0], "id")
	if got == "" || got != want {
		t.Errorf("search aria-controls = %q, want the listbox id %q", got, want)
	}

	var opts []string
	for _, opt := range d.byTestID("switcher-option") {
		if d.attr(opt, "role") != "option" || opt.Parent != listboxes[0] {
			t.Errorf("option %q is not a role=option child of the listbox", d.attr(opt, "data-slug"))
		}
		opts = append(opts, d.attr(opt, "id")+" "+d.attr(opt, "aria-selected"))
	}
	wantOpts := []string{
		"switcher-opt-default-hoa-fl true",
		"switcher-opt-roofing-tx false",
		"switcher-opt-old-launch false",
	}
	if diff := cmp.Diff(wantOpts, opts); diff != "" {
		t.Errorf("option ids and aria-selected (-want +got):\n%s", diff)
	}
}

func TestSwitcherShowsCurrentCampaign(t *testing.T) {
	d := renderSwitcher(t, testSwitcher())
	button := d.one(t, "switcher-button")

	got := d.text(button)
	if !strings.Contains(got, "🏠") || !strings.Contains(got, "Default HOA Florida") {
		t.Errorf("button text = %q, want the current campaign's icon and name", got)
	}
	dots := d.all(button, func(e *html.Node) bool {
		return d.attr(e, "data-testid") == "switcher-dot"
	})
	if len(dots) != 1 {
		t.Fatalf("found %d colour dots in the button, want 1", len(dots))
	}
	fills := d.all(dots[0], func(e *html.Node) bool { return e.Data == "circle" })
	if len(fills) != 1 || d.attr(fills[0], "fill") != "#0EA5E9" {
		t.Errorf("dot has %d circles, want one filled with the campaign colour", len(fills))
	}
	if d.has(dots[0], "style") {
		t.Error("dot has a style attribute, which the Content-Security-Policy blocks")
	}
}

func TestSwitcherWithoutCurrentCampaign(t *testing.T) {
	s := testSwitcher()
	s.Current = nil
	s.Items[0].Current = false
	d := renderSwitcher(t, s)

	if got := d.text(d.one(t, "switcher-button")); got != "All campaigns" {
		t.Errorf("button text = %q, want %q", got, "All campaigns")
	}
	for _, opt := range d.byTestID("switcher-option") {
		if d.attr(opt, "aria-selected") != "false" {
			t.Errorf("option %q is selected with no current campaign", d.attr(opt, "data-slug"))
		}
	}
}

func TestSwitcherEmpty(t *testing.T) {
	d := renderSwitcher(t, components.Switcher{CreateHref: "/?new=1#new-campaign"})

	if got := d.text(d.one(t, "switcher-empty")); got != "No campaigns yet" {
		t.Errorf("empty text = %q, want %q", got, "No campaigns yet")
	}
	if n := len(d.byTestID("switcher-option")); n != 0 {
		t.Errorf("found %d options, want none", n)
	}
	d.one(t, "switcher-create")
}

func TestSwitcherEscapesUserData(t *testing.T) {
	evil := components.SwitcherItem{
		Name:    `<script>alert(1)</script>`,
		Slug:    "evil",
		Company: `"><img src=x onerror=alert(1)>`,
		Color:   "red;background:url(x)",
		Href:    "javascript:alert(1)",
		Current: true,
	}
	d := renderSwitcher(t, components.Switcher{Current: &evil, Items: []components.SwitcherItem{evil}})

	verbatim := []string{"<script>", "<img", "red;background:url(x)", "url(x)", "javascript:"}
	for _, bad := range verbatim {
		if strings.Contains(d.raw, bad) {
			t.Errorf("rendered HTML contains %q verbatim", bad)
		}
	}
	injected := d.all(d.root, func(e *html.Node) bool { return e.Data == "script" || e.Data == "img" })
	if len(injected) != 0 {
		t.Errorf("found %d injected elements, want none", len(injected))
	}
	opt := d.one(t, "switcher-option")
	if got := d.text(d.one(t, "switcher-option-name")); got != evil.Name {
		t.Errorf("option name = %q, want the name shown as text %q", got, evil.Name)
	}
	if got := d.attr(opt, "data-company"); got != evil.Company {
		t.Errorf("data-company = %q, want %q kept as attribute text", got, evil.Company)
	}
}

func TestThemeToggle(t *testing.T) {
	d := renderSwitcherPart(t, components.ThemeToggle())
	button := d.one(t, "theme-toggle")

	if button.Data != "button" || d.attr(button, "type") != "button" {
		t.Errorf("theme toggle is <%s type=%q>, want <button type=\"button\">",
			button.Data, d.attr(button, "type"))
	}
	if !d.has(button, "data-theme-toggle") {
		t.Error("theme toggle has no data-theme-toggle attribute for the script to find")
	}
	if d.attr(button, "aria-label") == "" {
		t.Error("theme toggle has no accessible label")
	}
	labels := d.all(button, func(e *html.Node) bool { return d.has(e, "data-theme-label") })
	if len(labels) != 1 {
		t.Errorf("found %d [data-theme-label] elements in the toggle, want 1", len(labels))
	}
}
