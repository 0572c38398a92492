package pages

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/clawops/clawops/views/layout"
)

// render renders c and returns the raw output and its parsed document.
func render(t *testing.T, c templ.Component) (string, *html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := html.Parse(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("parse rendered HTML: %v", err)
	}
	return buf.String(), doc
}

// findAll returns the elements under n, in document order, for which match
// is true.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var found []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			found = append(found, d)
		}
	}
	return found
}

func byTestID(n *html.Node, id string) []*html.Node {
	return findAll(n, func(e *html.Node) bool { return attr(e, "data-testid") == id })
}

// one returns the single element with the test id, failing the test otherwise.
func one(t *testing.T, n *html.Node, id string) *html.Node {
	t.Helper()
	found := byTestID(n, id)
	if len(found) != 1 {
		t.Fatalf("found %d elements with data-testid=%q, want 1", len(found), id)
	}
	return found[0]
}

// input returns the single input under n whose name is name.
func input(t *testing.T, n *html.Node, name string) *html.Node {
	t.Helper()
	found := findAll(n, func(e *html.Node) bool {
		return e.Data == "input" && attr(e, "name") == name
	})
	if len(found) != 1 {
		t.Fatalf("found %d inputs named %q, want 1", len(found), name)
	}
	return found[0]
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func text(n *html.Node) string {
	var sb strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			sb.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(sb.String()), " ")
}

func TestLoginForm(t *testing.T) {
	vm := LoginPage{CSRFToken: "tok-123", Next: "/c/hoa-fl"}
	_, doc := render(t, Login(vm))

	form := one(t, doc, "login-form")
	got := map[string]string{"method": attr(form, "method"), "action": attr(form, "action")}
	want := map[string]string{"method": "post", "action": "/login"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("form attributes mismatch (-want +got):\n%s", diff)
	}

	hidden := map[string]string{}
	for _, name := range []string{"csrf_token", "next"} {
		in := input(t, form, name)
		if attr(in, "type") != "hidden" {
			t.Errorf("input %q has type %q, want hidden", name, attr(in, "type"))
		}
		hidden[name] = attr(in, "value")
	}
	wantHidden := map[string]string{"csrf_token": "tok-123", "next": "/c/hoa-fl"}
	if diff := cmp.Diff(wantHidden, hidden); diff != "" {
		t.Errorf("hidden fields mismatch (-want +got):\n%s", diff)
	}

	fields := []struct {
		testID, name, typ, autocomplete string
	}{
		{"login-email", "email", "email", "username"},
		{"login-password", "password", "password", "current-password"},
	}
	for _, f := range fields {
		t.Run(f.name, func(t *testing.T) {
			in := one(t, form, f.testID)
			got := []string{attr(in, "name"), attr(in, "type"), attr(in, "autocomplete")}
			want := []string{f.name, f.typ, f.autocomplete}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("name, type, autocomplete mismatch (-want +got):\n%s", diff)
			}
			if !hasAttr(in, "required") {
				t.Error("input is not required")
			}
		})
	}

	submit := one(t, form, "login-submit")
	if attr(submit, "type") != "submit" || text(submit) != "Sign in" {
		t.Errorf("submit button: type %q text %q, want submit and %q",
			attr(submit, "type"), text(submit), "Sign in")
	}
}

func TestLoginError(t *testing.T) {
	tests := []struct {
		name        string
		err         string
		wantText    []string
		wantInvalid string
	}{
		{name: "no error", err: ""},
		{
			name:        "error",
			err:         "Wrong email or password.",
			wantText:    []string{"Wrong email or password."},
			wantInvalid: "true",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, doc := render(t, Login(LoginPage{Error: tt.err, CSRFToken: "x"}))

			var got []string
			for _, n := range byTestID(doc, "login-error") {
				if attr(n, "role") != "alert" {
					t.Errorf("error region has role %q, want alert", attr(n, "role"))
				}
				got = append(got, text(n))
			}
			if diff := cmp.Diff(tt.wantText, got); diff != "" {
				t.Errorf("error regions mismatch (-want +got):\n%s", diff)
			}

			invalid := attr(one(t, doc, "login-email"), "aria-invalid")
			if invalid != tt.wantInvalid {
				t.Errorf("email aria-invalid = %q, want %q", invalid, tt.wantInvalid)
			}
		})
	}
}

func TestLoginEscapesEmail(t *testing.T) {
	const email = `"><script>alert(1)</script>`
	raw, doc := render(t, Login(LoginPage{Email: email, CSRFToken: "x"}))

	if strings.Contains(raw, "<script>alert(1)") {
		t.Errorf("rendered page contains the email unescaped:\n%s", raw)
	}
	if got := attr(one(t, doc, "login-email"), "value"); got != email {
		t.Errorf("email field value = %q, want %q", got, email)
	}
}

func TestLayoutCSRFHeader(t *testing.T) {
	const token = `a"b</script><c`
	_, doc := render(t, Login(LoginPage{CSRFToken: token}))

	body := findAll(doc, func(e *html.Node) bool { return e.Data == "body" })[0]
	var got map[string]string
	if err := json.Unmarshal([]byte(attr(body, "hx-headers")), &got); err != nil {
		t.Fatalf("hx-headers is not JSON: %v (%q)", err, attr(body, "hx-headers"))
	}
	if diff := cmp.Diff(map[string]string{"X-CSRF-Token": token}, got); diff != "" {
		t.Errorf("hx-headers mismatch (-want +got):\n%s", diff)
	}
}

// overview wraps cards into an overview page of one active group.
func overview(cards ...CampaignCard) OverviewPage {
	return OverviewPage{
		Shell: layout.Shell{Page: layout.Page{CSRFToken: "tok-9"}, UserName: "Ada Admin",
			UserEmail: "ada@example.com"},
		Totals: OverviewTotals{Campaigns: len(cards)},
		Groups: []CampaignGroup{{Status: "active", Title: "Active", Cards: cards}},
		Form:   CampaignForm{CSRFToken: "tok-9"},
	}
}

func TestOverviewCampaignCards(t *testing.T) {
	raw, doc := render(t, Overview(overview(
		CampaignCard{Name: "HOA FL Lead Gen", Slug: "hoa-fl", Status: "active", Color: "#10B981"},
		CampaignCard{Name: "<b>Evil</b> & Co", Slug: "evil", Status: "active", Failed7d: 2,
			NeedsAttention: true},
		CampaignCard{Name: "SaaS Cold Outreach", Slug: "saas", Status: "active", Leads7d: 12,
			LeadsPrev7d: 10},
	)))

	var names, links []string
	for _, card := range byTestID(doc, "campaign-card") {
		names = append(names, text(one(t, card, "campaign-name")))
		a := findAll(card, func(e *html.Node) bool { return e.Data == "a" })
		links = append(links, attr(a[0], "href"))
	}
	wantNames := []string{"HOA FL Lead Gen", "<b>Evil</b> & Co", "SaaS Cold Outreach"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("card names mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"/c/hoa-fl", "/c/evil", "/c/saas"}, links); diff != "" {
		t.Errorf("card links mismatch (-want +got):\n%s", diff)
	}
	if strings.Contains(raw, "<b>Evil</b>") {
		t.Error("campaign name rendered unescaped")
	}
	if n := len(byTestID(doc, "attention")); n != 1 {
		t.Errorf("%d cards flagged for attention, want 1", n)
	}
	deltas := byTestID(doc, "leads-delta")
	if got := strings.TrimSpace(text(deltas[2])); got != "+20%" {
		t.Errorf("leads delta %q, want +20%%", got)
	}
	if got := text(one(t, doc, "user-name")); !strings.Contains(got, "Ada Admin") {
		t.Errorf("user name = %q", got)
	}
}

func TestOverviewEmpty(t *testing.T) {
	_, doc := render(t, Overview(overview()))
	if n := len(byTestID(doc, "campaign-card")); n != 0 {
		t.Errorf("found %d campaign cards, want 0", n)
	}
	one(t, doc, "campaigns-empty")
	one(t, doc, "new-campaign-form")
}

func TestShellLogoutForm(t *testing.T) {
	_, doc := render(t, Overview(overview()))

	button := one(t, doc, "logout")
	forms := findAll(doc, func(e *html.Node) bool {
		return e.Data == "form" && attr(e, "action") == "/logout"
	})
	if len(forms) != 1 {
		t.Fatalf("found %d forms posting to /logout, want 1", len(forms))
	}
	form := forms[0]
	if attr(form, "method") != "post" {
		t.Errorf("logout form method = %q, want post", attr(form, "method"))
	}
	if got := attr(input(t, form, "csrf_token"), "value"); got != "tok-9" {
		t.Errorf("logout csrf_token = %q, want %q", got, "tok-9")
	}
	if len(findAll(form, func(e *html.Node) bool { return e == button })) != 1 {
		t.Error("logout button is not inside the logout form")
	}
}

func TestNewCampaignFormErrors(t *testing.T) {
	_, doc := render(t, NewCampaignForm(CampaignForm{CSRFToken: "t", Name: "X",
		Slug: "x", Errors: map[string]string{"company": "is required"}}))
	one(t, doc, "form-errors")
	company := one(t, doc, "new-campaign-company")
	if attr(company, "aria-invalid") != "true" {
		t.Error("the refused field is not marked invalid")
	}
	if got := text(one(t, doc, "nc-company-error")); got != "is required" {
		t.Errorf("company error %q", got)
	}
	if got := text(one(t, doc, "slug-preview")); !strings.Contains(got, "/c/x") {
		t.Errorf("slug preview %q", got)
	}
}

func TestCampaignBandColor(t *testing.T) {
	tests := []struct {
		name  string
		color string
		// wantFill is the band's fill; empty means no fill is drawn at all.
		wantFill string
	}{
		{name: "valid colour", color: "#10B981", wantFill: "#10B981"},
		{name: "no colour", color: ""},
		{name: "css injection", color: "red;background:url(x)"},
		{name: "attribute breakout", color: `#fff" onmouseover="alert(1)`},
		{name: "named colour", color: "red"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, doc := render(t, Overview(overview(CampaignCard{Name: "C", Slug: "c",
				Status: "active", Color: tt.color})))

			band := one(t, doc, "campaign-band")
			var fills []string
			for _, r := range findAll(band, func(n *html.Node) bool { return n.Data == "rect" }) {
				fills = append(fills, attr(r, "fill"))
			}
			var want []string
			if tt.wantFill != "" {
				want = []string{tt.wantFill}
			}
			if diff := cmp.Diff(want, fills); diff != "" {
				t.Errorf("band fills (-want +got):\n%s", diff)
			}
			// The Content-Security-Policy blocks style attributes, so none may be rendered.
			if hasAttr(band, "style") || strings.Contains(raw, " style=") {
				t.Error("the overview renders a style attribute")
			}
			if strings.Contains(raw, "url(x)") || hasAttr(band, "onmouseover") {
				t.Errorf("unsafe colour %q reached the page", tt.color)
			}
		})
	}
}

func TestErrorPage(t *testing.T) {
	tests := []struct {
		name        string
		vm          ErrorPage
		wantTitle   string
		wantMessage string
	}{
		{
			name:      "not found defaults",
			vm:        ErrorPage{Status: 404},
			wantTitle: "Page not found",
			wantMessage: "The address may be mistyped, or the campaign or record it names does " +
				"not exist or is not shared with you.",
		},
		{
			name:        "server error with text",
			vm:          ErrorPage{Status: 500, Title: "Database <down>", Message: "Try later."},
			wantTitle:   "Database <down>",
			wantMessage: "Try later.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, doc := render(t, Error(tt.vm))

			page := one(t, doc, "error-page")
			got := []string{text(one(t, page, "error-title")), text(one(t, page, "error-message"))}
			if diff := cmp.Diff([]string{tt.wantTitle, tt.wantMessage}, got); diff != "" {
				t.Errorf("title and message mismatch (-want +got):\n%s", diff)
			}
			if href := attr(one(t, page, "error-home"), "href"); href != "/" {
				t.Errorf("home link href = %q, want /", href)
			}
		})
	}
}

func TestRecordsCount(t *testing.T) {
	tests := []struct {
		total int
		more  bool
		want  string
	}{
		{0, false, "0 leads"},
		{1, false, "1 lead"},
		{999, false, "999 leads"},
		{1000, false, "1\u202f000 leads"},
		{1000, true, "More than 1\u202f000 leads"},
		{CountLimit, true, "More than 10\u202f000 leads"},
	}
	for _, tt := range tests {
		got := recordsCount(RecordsTable{Total: tt.total, TotalMore: tt.more,
			Singular: "lead", Plural: "leads"})
		if got != tt.want {
			t.Errorf("recordsCount(%d) = %q, want %q", tt.total, got, tt.want)
		}
	}
}

// The overview writes a change the way the dashboard's tiles do.
func TestDeltaTextMatchesTheDashboard(t *testing.T) {
	for _, tt := range []struct {
		cur, prev int
		want      string
	}{
		{1819, 1, "+181,800%"},
		{12, 10, "+20%"},
		{5, 10, "−50%"},
		{3, 0, "new"},
		{0, 0, "±0"},
		{7, 7, "±0"},
	} {
		if got := deltaText(tt.cur, tt.prev); got != tt.want {
			t.Errorf("deltaText(%d, %d) = %q, want %q", tt.cur, tt.prev, got, tt.want)
		}
	}
}
