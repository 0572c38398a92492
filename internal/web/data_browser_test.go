package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/testutil"
)

func TestDataPagesInTheBrowser(t *testing.T) {
	s := testutil.NewServer(t, true)
	ctx := testutil.Browser(t)
	signIn(t, ctx, s.URL)
	admin := s.AdminToken()

	t.Run("filter and search the leads", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(s.URL+"/c/hoa-fl-lead-gen/leads"),
			chromedp.WaitVisible(byTestID("records-table")),
			chromedp.SetValue(byTestID("filter-status"), "qualified"),
			chromedp.Poll[chromedp.Void](`location.search.includes('status=qualified')`),
		)
		if err != nil {
			t.Fatal(err)
		}
		statuses, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('[data-testid="row-status"]')].map(s => s.value)`))
		if err != nil {
			t.Fatal(err)
		}
		if len(statuses) == 0 {
			t.Fatal("no qualified leads in the demo data")
		}
		for _, st := range statuses {
			if st != "qualified" {
				t.Errorf("filtered table shows a %q lead", st)
			}
		}
		shot(t, ctx, "leads.png")

		// Search as you type narrows the same table and keeps the filter in the address.
		first, err := chromedp.Run(ctx, chromedp.Text(byTestID("record-link")))
		if err != nil {
			t.Fatal(err)
		}
		word := strings.Fields(first)[0]
		err = chromedp.Do(ctx,
			typeInto(byTestID("records-search"), word),
			chromedp.Poll[chromedp.Void](`location.search.includes('q=`+url.QueryEscape(word)+`')`),
		)
		if err != nil {
			t.Fatal(err)
		}
		names, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('[data-testid="record-link"]')].map(a => a.textContent)`))
		for _, n := range names {
			if !strings.Contains(strings.ToLower(n), strings.ToLower(word)) {
				t.Errorf("search for %q shows %q", word, n)
			}
		}
		if loc := location(t, ctx); !strings.Contains(loc, "status=qualified") {
			t.Errorf("the search lost the filter: %s", loc)
		}

		// An order chosen from a column heading outlives a later change of the filters.
		err = chromedp.Do(ctx,
			chromedp.Navigate(s.URL+"/c/hoa-fl-lead-gen/leads"),
			chromedp.WaitVisible(byTestID("records-table")),
			chromedp.Click(byTestID("sort-name")),
			chromedp.Poll[chromedp.Void](`location.search.includes('sort=name')`),
			chromedp.SetValue(byTestID("filter-status"), "new"),
			chromedp.Poll[chromedp.Void](`location.search.includes('status=new')`),
		)
		if err != nil {
			t.Fatal(err)
		}
		if loc := location(t, ctx); !strings.Contains(loc, "sort=name") {
			t.Errorf("the filter dropped the order chosen from the heading: %s", loc)
		}
		names, _ = chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('[data-testid="record-link"]')].map(a => a.textContent.trim().toLowerCase())`))
		if len(names) < 2 || !slices.IsSorted(names) {
			t.Errorf("new leads after sorting by name, then filtering: %q", names)
		}
	})

	t.Run("filter by a text field, then go back", func(t *testing.T) {
		for _, company := range []string{"Acme, Inc.", "Acme Roofing"} {
			res := s.Do("POST", "/api/leads", admin, map[string]any{
				"name": "Text Filter " + company, "company": company, "status": "qualified"})
			if res.Status != http.StatusCreated {
				t.Fatalf("create: %d %s", res.Status, res.Body)
			}
		}
		err := chromedp.Do(ctx,
			chromedp.Navigate(s.URL+"/c/hoa-fl-lead-gen/leads"),
			chromedp.WaitVisible(byTestID("records-table")),
			chromedp.Click(`[data-testid="more-filters"] summary`),
			// A text filter applies on Enter, matching whole values in any case.
			typeInto(byTestID("filter-company"), "acme, inc.\r"),
			chromedp.Poll[chromedp.Void](`new URLSearchParams(location.search).get('company') === 'acme, inc.'`),
			// SetValue fires the change event a person's choice would.
			chromedp.SetValue(byTestID("filter-status"), "qualified"),
			chromedp.Poll[chromedp.Void](`location.search.includes('status=qualified')`),
		)
		if err != nil {
			t.Fatal(err)
		}
		names, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('[data-testid="record-link"]')].map(a => a.textContent.trim())`))
		if diff := cmp.Diff([]string{"Text Filter Acme, Inc."}, names); diff != "" {
			t.Errorf("leads of company %q that are qualified (-want +got):\n%s", "Acme, Inc.", diff)
		}
		// The address names only the filters in use.
		if loc := location(t, ctx); regexp.MustCompile(`[?&][^=&]+=(&|$)`).MatchString(loc) {
			t.Errorf("the address carries empty filters: %s", loc)
		}

		// Back to before the status was chosen: the fields show what the address holds.
		err = chromedp.Do(ctx,
			chromedp.Evaluate[chromedp.Void](`history.back()`),
			chromedp.Poll[chromedp.Void](`!location.search.includes('status=qualified')`),
		)
		if err != nil {
			t.Fatal(err)
		}
		fields, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[
			document.querySelector('[data-testid="filter-company"]').value,
			document.querySelector('[data-testid="filter-status"]').value]`))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"acme, inc.", ""}, fields); diff != "" {
			t.Errorf("company and status after going back (-want +got):\n%s", diff)
		}
	})

	t.Run("edit notes in the table", func(t *testing.T) {
		id := firstRow(t, ctx, s.URL+"/c/hoa-fl-lead-gen/leads?q=text+filter", "row-notes")
		sel := `#row-` + id + ` [data-testid="row-notes"]`
		err := chromedp.Do(ctx,
			typeInto(chromedp.CSS(sel), "Call back on Tuesday"),
			// Leaving the box saves it.
			chromedp.Focus(byTestID("records-search")),
			chromedp.WaitVisible(byTestID("toast-success")),
		)
		if err != nil {
			t.Fatal(err)
		}
		res := s.Do("GET", "/api/leads/"+id, admin, nil)
		if res.Status != http.StatusOK || res.JSON(t)["notes"] != "Call back on Tuesday" {
			t.Errorf("after editing the notes inline: %d %s", res.Status, res.Body)
		}
	})

	t.Run("a refused refresh says why, once", func(t *testing.T) {
		// The same failing request twice, as a poll that keeps failing would send it.
		refresh := `htmx.ajax('GET', location.pathname + '?sort=nope', {target: '#records-table', swap: 'outerHTML'})`
		err := chromedp.Do(ctx,
			chromedp.Navigate(s.URL+"/c/hoa-fl-lead-gen/leads"),
			chromedp.WaitVisible(byTestID("record-row")),
			chromedp.Evaluate[chromedp.Void](refresh),
			chromedp.WaitVisible(byTestID("toast-error")),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="toast-error"]').dataset.first = 'yes'`),
			chromedp.Evaluate[chromedp.Void](refresh),
			// The second toast arrives and takes the first one's place.
			chromedp.Poll[chromedp.Void](`document.querySelectorAll('[data-testid="toast-error"]').length === 1 &&
				!document.querySelector('[data-testid="toast-error"][data-first]')`),
		)
		if err != nil {
			t.Fatal(err)
		}
		toast, err := chromedp.Run(ctx, chromedp.Text(byTestID("toast-error")))
		if err != nil || !strings.Contains(toast, `cannot sort by "nope"`) {
			t.Errorf("the error toast says %q (%v)", toast, err)
		}
		rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](
			`document.querySelectorAll('[data-testid="record-row"]').length`))
		if err != nil || rows == 0 {
			t.Errorf("the table was replaced by the failed refresh: %d rows (%v)", rows, err)
		}
	})

	t.Run("change a status inline", func(t *testing.T) {
		id := firstRow(t, ctx, s.URL+"/c/hoa-fl-lead-gen/leads?status=new", "row-status")
		sel := `#row-` + id + ` [data-testid="row-status"]`
		err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS(sel), "contacted"),
			chromedp.WaitVisible(byTestID("toast-success")),
		)
		if err != nil {
			t.Fatal(err)
		}
		res := s.Do("GET", "/api/leads/"+id, admin, nil)
		if res.Status != http.StatusOK || res.JSON(t)["status"] != "contacted" {
			t.Errorf("after the inline change: %d %s", res.Status, res.Body)
		}
	})

	t.Run("a status only a step may set is refused inline", func(t *testing.T) {
		id := firstRow(t, ctx, s.URL+"/c/hoa-fl-lead-gen/content?status=pending", "row-status")
		sel := `#row-` + id + ` [data-testid="row-status"]`
		err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS(sel), "posted"),
			chromedp.WaitVisible(byTestID("toast-error")),
		)
		if err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[
			document.querySelector('[data-testid="toast-error"]').textContent,
			document.querySelector('`+sel+`').value]`))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got[0], "Only approved posts can be posted; this one is pending.") ||
			got[1] != "pending" {
			t.Errorf("toast %q, row status %q; want the refusal and the row still pending",
				got[0], got[1])
		}
		if st := s.Do("GET", "/api/content-queue/"+id, admin, nil).JSON(t)["status"]; st != "pending" {
			t.Errorf("the post is %v", st)
		}
	})

	t.Run("bulk approve the pending content", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(s.URL+"/c/hoa-fl-lead-gen/content?status=pending"),
			chromedp.WaitVisible(byTestID("record-preview")),
		)
		if err != nil {
			t.Fatal(err)
		}
		shot(t, ctx, "content-queue.png")
		ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('[data-testid="record-row"]')].map(r => r.dataset.id)`))
		if err != nil || len(ids) == 0 {
			t.Fatalf("pending posts: %v %v", ids, err)
		}
		err = chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`[data-select-all]`)),
			chromedp.SetValue(byTestID("bulk-action"), "approve"),
			chromedp.Click(byTestID("bulk-submit")),
			chromedp.WaitVisible(byTestID("toast-success")),
			chromedp.WaitVisible(byTestID("records-empty")),
		)
		if err != nil {
			t.Fatal(err)
		}
		toast, err := chromedp.Run(ctx, chromedp.Text(byTestID("toast-success")))
		want := fmt.Sprintf("%d posts approved.", len(ids))
		if len(ids) == 1 {
			want = "1 post approved."
		}
		if err != nil || !strings.Contains(toast, want) {
			t.Errorf("the toast says %q (%v), want %q", toast, err, want)
		}
		for _, id := range ids {
			res := s.Do("GET", "/api/content-queue/"+id, admin, nil)
			if got := res.JSON(t)["status"]; got != "approved" {
				t.Errorf("post %s is %v after the bulk approve", id, got)
			}
		}
		if loc := location(t, ctx); !strings.Contains(loc, "status=pending") {
			t.Errorf("the bulk change lost the filter: %s", loc)
		}
	})

	t.Run("import a CSV file and follow its progress", func(t *testing.T) {
		var csv strings.Builder
		csv.WriteString("Full Name,E-mail,Score,Shoe size\n")
		for i := 0; i < 5000; i++ {
			fmt.Fprintf(&csv, "Browser Import %d,browser.import.%d@example.com,%d,%d\n", i, i,
				i%100, 36+i%10)
		}
		file := filepath.Join(t.TempDir(), "people.csv")
		if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		err := chromedp.Do(ctx,
			chromedp.Navigate(s.URL+"/c/hoa-fl-lead-gen/leads"),
			chromedp.Click(byTestID("import-link")),
			chromedp.WaitVisible(byTestID("import-form")),
			chromedp.SetUploadFiles(byTestID("import-file"), []string{file}),
			chromedp.Click(byTestID("import-submit")),
			// "Shoe size" matches no field: the page asks what it is, and the first choice
			// ignores it.
			chromedp.WaitVisible(byTestID("import-mapping")),
			chromedp.Click(byTestID("map-submit")),
			chromedp.WaitVisible(`[data-testid="import-progress"][data-status="completed"]`),
		)
		if err != nil {
			t.Fatal(err)
		}
		shot(t, ctx, "import.png")
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[
			document.querySelector('[role="progressbar"]').getAttribute('aria-valuenow'),
			document.querySelector('[data-testid="import-created"]').textContent,
			document.querySelector('[data-testid="import-rejected"]').textContent]`))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"100", "5000", "0"}, got); diff != "" {
			t.Errorf("finished import: progress, added, rejected (-want +got):\n%s", diff)
		}
		res := s.Do("GET", "/api/leads?q=browser.import.4999", admin, nil)
		if !strings.Contains(string(res.Body), "Browser Import 4999") {
			t.Errorf("the last row is not among the leads: %.300s", res.Body)
		}
	})
}

// firstRow opens a data page, waits for the element with the test id wait, and returns the id
// of the table's first row.
func firstRow(t *testing.T, ctx context.Context, page, wait string) string {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(byTestID(wait)))
	if err != nil {
		t.Fatal(err)
	}
	id, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`document.querySelector('[data-testid="record-row"]').dataset.id`))
	if err != nil {
		t.Fatal(err)
	}
	return id
}
