package data_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/internal/testutil/testdb"
)

type fixture struct {
	db       *database.DB
	store    *data.Store
	activity *activity.Store
	a, b     access.Scope
}

func newFixture(t testing.TB) fixture {
	t.Helper()
	db := testdb.New(t)
	for _, id := range []string{"camp-a", "camp-b"} {
		testdb.Exec(t, db, `INSERT INTO campaigns (id, name, company, slug, created_at, updated_at)
			VALUES (?, ?, 'Co', ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
			id, id, id)
	}
	act := activity.NewStore(db, nil)
	return fixture{db: db, store: data.NewStore(db, act, nil), activity: act,
		a: access.System("camp-a"), b: access.System("camp-b")}
}

// input builds a request body from Go values.
func input(t *testing.T, fields map[string]any) data.Input {
	t.Helper()
	in := data.Input{}
	for k, v := range fields {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		in[k] = b
	}
	return in
}

// samples are one valid record per collection, with a distinctive word in a searched field.
var samples = map[string]map[string]any{
	"leads":              {"name": "Ada Sample", "email": "ada@example.com", "score": 70},
	"hoa-contacts":       {"hoaName": "Sample Palms HOA", "city": "Tampa", "zip": "33601"},
	"content-queue":      {"content": "Sample post about reserves", "platform": "linkedin"},
	"engagement-queue":   {"platform": "reddit", "postUrl": "https://reddit.com/r/hoa/1", "postTitle": "Sample thread"},
	"community-accounts": {"platform": "facebook", "communityName": "Sample Board Members"},
	"linkedin-prospects": {"linkedinUrl": "https://linkedin.com/in/sample", "fullName": "Sam Sample"},
	"email-prospects":    {"email": "sample@mgmt.example", "companyName": "Sample Management"},
	"quora-questions":    {"questionUrl": "https://quora.com/q/1", "questionText": "Sample question?", "topicTags": []string{"hoa", "loans"}},
	"webinars":           {"title": "Sample webinar on funding"},
	"referral-partners":  {"partnerName": "Sample Roofing", "partnerType": "contractor"},
}

func TestEveryCollectionRoundTrips(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, col := range data.All {
		t.Run(col.Path, func(t *testing.T) {
			sample, ok := samples[col.Path]
			if !ok {
				t.Fatalf("no sample for %s", col.Path)
			}
			rec, err := f.store.CreateRecord(ctx, f.a, col, input(t, sample))
			if err != nil {
				t.Fatal(err)
			}
			if rec.CampaignID != "camp-a" || rec.ID == "" {
				t.Errorf("created %+v", rec)
			}
			got, err := f.store.Record(ctx, f.a, col, rec.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantJSON, _ := json.Marshal(rec)
			gotJSON, _ := json.Marshal(got)
			if diff := cmp.Diff(string(wantJSON), string(gotJSON)); diff != "" {
				t.Errorf("read back (-created +read):\n%s", diff)
			}
			var m map[string]any
			if err := json.Unmarshal(gotJSON, &m); err != nil {
				t.Fatal(err)
			}
			for name, v := range sample {
				want, _ := json.Marshal(v)
				have, _ := json.Marshal(m[name])
				if string(want) != string(have) {
					t.Errorf("%s = %s, want %s", name, have, want)
				}
			}

			status, _ := col.Field(col.Status)
			newStatus := "archived-by-test"
			if status.Kind == data.Enum {
				newStatus = status.Values[len(status.Values)-1]
			}
			upd, err := f.store.UpdateRecord(ctx, f.a, col, rec.ID,
				input(t, map[string]any{col.Status: newStatus}))
			if err != nil {
				t.Fatal(err)
			}
			if upd.Text(col.Status) != newStatus || !upd.UpdatedAt.After(rec.CreatedAt.Add(-1)) {
				t.Errorf("after update: %s = %q", col.Status, upd.Text(col.Status))
			}

			list, _, err := f.store.Records(ctx, f.a, col, data.Query{Search: "sample"})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].ID != rec.ID {
				t.Errorf("search found %d records", len(list))
			}

			if err := f.store.DeleteRecord(ctx, f.a, col, rec.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := f.store.Record(ctx, f.a, col, rec.ID); !errors.Is(err, derrors.NotFound) {
				t.Errorf("after delete: %v", err)
			}
		})
	}
}

func TestValidationNamesTheField(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		col   *data.Collection
		body  map[string]any
		field string
		msg   string
	}{
		{"unknown field", data.Leads, map[string]any{"name": "x", "favouriteColour": "red"},
			"favouriteColour", "is not a known field"},
		{"server field", data.Leads, map[string]any{"campaignId": "camp-b"}, "campaignId",
			"is set by the server"},
		{"wrong type", data.Leads, map[string]any{"score": "high"}, "score", "must be a number"},
		{"fraction for whole number", data.Leads, map[string]any{"score": 7.5}, "score",
			"must be a whole number"},
		{"out of range", data.Leads, map[string]any{"score": 101}, "score",
			"must be from 0 to 100"},
		{"bad email", data.Leads, map[string]any{"email": "not an email"}, "email",
			"must be an email address"},
		{"bad status", data.Leads, map[string]any{"status": "hot"}, "status",
			"must be one of new, contacted, qualified, converted, dead"},
		{"bad time", data.Leads, map[string]any{"nextFollowUpAt": "next tuesday"},
			"nextFollowUpAt", "must be a time such as 2026-01-31T09:00:00Z"},
		{"nul byte", data.Leads, map[string]any{"name": "a\x00b"}, "name",
			"must not contain NUL bytes"},
		{"too long", data.Leads, map[string]any{"name": strings.Repeat("x", 10000)}, "name",
			"must be at most 500 characters"},
		{"line break in one-line text", data.Leads, map[string]any{"name": "a\nb"}, "name",
			"must be a single line without control characters"},
		{"raw data not an object", data.Leads, map[string]any{"rawData": []int{1}}, "rawData",
			"must be a JSON object"},
		{"a lead with nothing to reach it by", data.Leads,
			map[string]any{"company": "Acme", "notes": "x"}, "name",
			"is required when email and phone are empty"},
		{"required missing", data.HOAContacts, map[string]any{"city": "Tampa"}, "hoaName",
			"is required"},
		{"required blank", data.HOAContacts, map[string]any{"hoaName": "  "}, "hoaName",
			"is required"},
		{"required null", data.ContentQueue, map[string]any{"content": nil}, "content",
			"is required"},
		{"tags not strings", data.QuoraQuestions,
			map[string]any{"questionUrl": "u", "topicTags": []int{1}}, "topicTags",
			"must be a list of strings"},
		{"bool as text", data.EngagementQueue, map[string]any{"platform": "x", "postUrl": "u",
			"includesLink": "yes"}, "includesLink", "must be true or false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.store.CreateRecord(ctx, f.a, tt.col, input(t, tt.body))
			fs, ok := derrors.AsFields(err)
			if !ok {
				t.Fatalf("err = %v, want a validation failure", err)
			}
			if fs[tt.field] != tt.msg {
				t.Errorf("fields = %v, want %s: %q", fs, tt.field, tt.msg)
			}
		})
	}
	for _, col := range data.All {
		if n, _ := f.store.Count(ctx, f.a, col, data.Query{}, 100); n.N != 0 {
			t.Errorf("%s holds %d rows after refused creates", col.Path, n.N)
		}
	}
}

func TestTextThatLooksLikeCodeIsStoredAsIs(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	name := `Robert'); DROP TABLE leads;-- <script>alert(1)</script> 🎯`
	rec, err := f.store.CreateRecord(ctx, f.a, data.Leads, input(t, map[string]any{"name": name}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.store.Record(ctx, f.a, data.Leads, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text("name") != name {
		t.Errorf("name = %q", got.Text("name"))
	}
	found, _, err := f.store.Records(ctx, f.a, data.Leads, data.Query{Search: "DROP TABLE"})
	if err != nil || len(found) != 1 {
		t.Errorf("search for the text: %d found, %v", len(found), err)
	}
}

func TestNaturalKeysDeduplicate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	items := []data.Input{
		input(t, map[string]any{"name": "Ann", "email": "Ann@Example.com"}),
		input(t, map[string]any{"name": "Ann again", "email": " ann@example.COM "}),
		input(t, map[string]any{"name": "By phone", "phone": "+1 (407) 555-0100"}),
		input(t, map[string]any{"name": "Same phone", "phone": "14075550100"}),
		input(t, map[string]any{"name": "No key at all"}),
		input(t, map[string]any{"name": "No key either"}),
	}
	res, err := f.store.CreateRecords(ctx, f.a, data.Leads, items)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(data.BulkResult{Created: 4, Skipped: 2}, res); diff != "" {
		t.Errorf("first batch (-want +got):\n%s", diff)
	}
	// A retried batch adds nothing, in this campaign; the other campaign has its own keys.
	res, err = f.store.CreateRecords(ctx, f.a, data.Leads, items)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 2 || res.Skipped != 4 {
		t.Errorf("retried batch = %+v: only rows without a key may be added again", res)
	}
	res, err = f.store.CreateRecords(ctx, f.b, data.Leads, items[:2])
	if err != nil || res.Created != 1 {
		t.Errorf("other campaign: %+v, %v", res, err)
	}

	_, err = f.store.CreateRecord(ctx, f.a, data.Leads, input(t, map[string]any{
		"email": "ANN@example.com"}))
	if !errors.Is(err, derrors.Conflict) {
		t.Errorf("single duplicate: %v, want a conflict", err)
	}

	// Changing a row onto another row's key is refused and changes nothing.
	other, err := f.store.CreateRecord(ctx, f.a, data.Leads, input(t, map[string]any{
		"email": "zed@example.com"}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.store.UpdateRecord(ctx, f.a, data.Leads, other.ID, input(t, map[string]any{
		"email": "ann@example.com"}))
	if !errors.Is(err, derrors.Conflict) {
		t.Errorf("update onto a taken key: %v", err)
	}
	got, _ := f.store.Record(ctx, f.a, data.Leads, other.ID)
	if got.Text("email") != "zed@example.com" {
		t.Errorf("email after refused update = %q", got.Text("email"))
	}

	contacts := []data.Input{
		input(t, map[string]any{"hoaName": "Palm Grove HOA", "city": "Tampa", "zip": "33601"}),
		input(t, map[string]any{"hoaName": "palm  grove hoa", "city": "TAMPA", "zip": "33601"}),
		input(t, map[string]any{"hoaName": "Palm Grove HOA", "city": "Tampa", "zip": "33602"}),
	}
	res, err = f.store.CreateRecords(ctx, f.a, data.HOAContacts, contacts)
	if err != nil || res.Created != 2 || res.Skipped != 1 {
		t.Errorf("contacts by fingerprint: %+v, %v", res, err)
	}
}

func TestBulkCreateIsAllOrNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	items := []data.Input{
		input(t, map[string]any{"name": "Good"}),
		input(t, map[string]any{"name": "Bad", "score": -1}),
	}
	_, err := f.store.CreateRecords(ctx, f.a, data.Leads, items)
	fs, ok := derrors.AsFields(err)
	if !ok || fs["[1].score"] == "" {
		t.Fatalf("err = %v, want [1].score named", err)
	}
	if n, _ := f.store.Count(ctx, f.a, data.Leads, data.Query{}, 100); n.N != 0 {
		t.Errorf("%d leads stored from a refused batch", n.N)
	}
}

func TestCampaignsAreIsolated(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, col := range data.All {
		t.Run(col.Path, func(t *testing.T) {
			mine, err := f.store.CreateRecord(ctx, f.a, col, input(t, samples[col.Path]))
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := f.store.CreateRecord(ctx, f.b, col, input(t, samples[col.Path]))
			if err != nil {
				t.Fatalf("the same natural key in another campaign: %v", err)
			}

			list, _, err := f.store.Records(ctx, f.a, col, data.Query{Search: "sample"})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].ID != mine.ID {
				t.Errorf("campaign A lists %d records", len(list))
			}
			if _, err := f.store.Record(ctx, f.a, col, theirs.ID); !errors.Is(err, derrors.NotFound) {
				t.Errorf("get of B's record from A: %v", err)
			}
			_, err = f.store.UpdateRecord(ctx, f.a, col, theirs.ID, input(t, samples[col.Path]))
			if !errors.Is(err, derrors.NotFound) {
				t.Errorf("update of B's record from A: %v", err)
			}
			if err := f.store.DeleteRecord(ctx, f.a, col, theirs.ID); !errors.Is(err, derrors.NotFound) {
				t.Errorf("delete of B's record from A: %v", err)
			}
			out, err := f.store.ChangeRecords(ctx, f.a, col, data.BulkChange{
				IDs: []string{theirs.ID}, Action: "delete"})
			if err != nil || out.Changed != 0 {
				t.Errorf("bulk delete of B's record from A: %+v, %v", out, err)
			}
			var buf bytes.Buffer
			if err := f.store.Export(ctx, f.a, col, data.Query{}, &buf); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(buf.String(), theirs.ID) {
				t.Error("A's export holds B's record")
			}
			if _, err := f.store.Record(ctx, f.b, col, theirs.ID); err != nil {
				t.Errorf("B's record after A's attempts: %v", err)
			}
		})
	}
}

func TestViewersCannotChangeData(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	rec, err := f.store.CreateRecord(ctx, f.a, data.ContentQueue,
		input(t, samples["content-queue"]))
	if err != nil {
		t.Fatal(err)
	}
	viewer, err := access.Grant(access.Principal{UserID: "v", PlatformRole: "member"}, "camp-a",
		access.RoleViewer)
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]error{}
	_, checks["create"] = f.store.CreateRecord(ctx, viewer, data.ContentQueue,
		input(t, samples["content-queue"]))
	_, checks["bulk create"] = f.store.CreateRecords(ctx, viewer, data.ContentQueue,
		[]data.Input{input(t, samples["content-queue"])})
	_, checks["update"] = f.store.UpdateRecord(ctx, viewer, data.ContentQueue, rec.ID,
		input(t, map[string]any{"topic": "x"}))
	checks["delete"] = f.store.DeleteRecord(ctx, viewer, data.ContentQueue, rec.ID)
	_, checks["approve"] = f.store.Step(ctx, viewer, data.ContentQueue, rec.ID, "approve", nil)
	_, checks["bulk"] = f.store.ChangeRecords(ctx, viewer, data.ContentQueue,
		data.BulkChange{IDs: []string{rec.ID}, Action: "delete"})
	for name, err := range checks {
		if !errors.Is(err, derrors.Forbidden) {
			t.Errorf("%s by a viewer: %v", name, err)
		}
	}
	if _, _, err := f.store.Records(ctx, viewer, data.ContentQueue, data.Query{}); err != nil {
		t.Errorf("a viewer reads: %v", err)
	}
}

func TestKeysetPagingVisitsEveryRowOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var items []data.Input
	for i := 0; i < 57; i++ {
		fields := map[string]any{"name": fmt.Sprintf("Lead %02d", i), "score": i % 5}
		if i%3 == 0 {
			fields["nextFollowUpAt"] = fmt.Sprintf("2026-02-%02dT09:00:00Z", 1+i%7)
		}
		items = append(items, input(t, fields))
	}
	if _, err := f.store.CreateRecords(ctx, f.a, data.Leads, items); err != nil {
		t.Fatal(err)
	}
	for _, sort := range []string{"", "score", "-score", "nextFollowUpAt", "-nextFollowUpAt",
		"name", "-name", "createdAt"} {
		t.Run("sort="+sort, func(t *testing.T) {
			q, err := data.Leads.ParseQuery(url.Values{"sort": {sort}})
			if sort == "" {
				q, err = data.Leads.ParseQuery(url.Values{})
			}
			if err != nil {
				t.Fatal(err)
			}
			q.Limit = 10
			var all []data.Record
			for pages := 0; pages < 20; pages++ {
				page, next, err := f.store.Records(ctx, f.a, data.Leads, q)
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, page...)
				if next == "" {
					break
				}
				q.Cursor = next
			}
			ids := map[string]bool{}
			for _, r := range all {
				ids[r.ID] = true
			}
			if len(all) != 57 || len(ids) != 57 {
				t.Fatalf("paged through %d rows, %d distinct, want 57", len(all), len(ids))
			}
			whole, _, err := f.store.Records(ctx, f.a, data.Leads, data.Query{Sort: q.Sort,
				Desc: q.Desc, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for i := range whole {
				if whole[i].ID != all[i].ID {
					t.Fatalf("row %d differs between paged and whole listing", i)
				}
			}
			if strings.HasSuffix(sort, "nextFollowUpAt") && whole[len(whole)-1].Get(
				"nextFollowUpAt") != nil {
				t.Error("rows without a follow-up date should come last")
			}
		})
	}
	if _, _, err := f.store.Records(ctx, f.a, data.Leads, data.Query{Cursor: "bogus!"}); !errors.Is(
		err, database.ErrBadCursor) {
		t.Errorf("bad cursor: %v", err)
	}
}

func TestFiltersAndSearch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	items := []data.Input{
		input(t, map[string]any{"name": "María López", "company": "Palm Management",
			"status": "qualified"}),
		input(t, map[string]any{"name": "Mario Rossi", "company": "Oak Partners",
			"email": "m.rossi@oak.example", "status": "new"}),
		input(t, map[string]any{"name": "100% sure", "notes": "under_score", "status": "dead"}),
		input(t, map[string]any{"name": "Ann Acme", "company": "Acme, Inc.", "status": "new"}),
	}
	if _, err := f.store.CreateRecords(ctx, f.a, data.Leads, items); err != nil {
		t.Fatal(err)
	}
	// The other campaign's rows share the words but never show up.
	if _, err := f.store.CreateRecords(ctx, f.b, data.Leads, []data.Input{
		input(t, map[string]any{"name": "Mario Bianchi", "company": "Palm Partners"}),
	}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"q=mari", []string{"Mario Rossi", "María López"}},
		{"q=MARI+palm", []string{"María López"}},
		{"q=lopez", []string{"María López"}},
		{"q=l%C3%B3pez", []string{"María López"}},
		// Words match from their start, not from their middle.
		{"q=ari", nil},
		{"q=100%25", []string{"100% sure"}},
		{"q=under_score", []string{"100% sure"}},
		{"q=score", []string{"100% sure"}},
		{"q=rossi%40oak", []string{"Mario Rossi"}},
		{"q=m.rossi%40oak.example", []string{"Mario Rossi"}},
		{"q=%25%25", []string{"100% sure", "Ann Acme", "Mario Rossi", "María López"}},
		{"status=new,dead", []string{"100% sure", "Ann Acme", "Mario Rossi"}},
		{"status=new&status=dead", []string{"100% sure", "Ann Acme", "Mario Rossi"}},
		{"status=qualified&q=rossi", nil},
		{"company=Oak+Partners", []string{"Mario Rossi"}},
		// Free text keeps its commas; several values repeat the parameter.
		{"company=Acme%2C+Inc.", []string{"Ann Acme"}},
		{"company=Acme", nil},
		// Whole values match whatever their letter case.
		{"company=oak+PARTNERS", []string{"Mario Rossi"}},
		{"company=Acme%2C+Inc.&company=Oak+Partners", []string{"Ann Acme", "Mario Rossi"}},
	}
	plans := []struct {
		name        string
		small, hits int
	}{
		{"every row", 20_000, 1000},
		{"index", 0, 1000},
		{"walk", 0, 0},
	}
	for _, p := range plans {
		restore := data.SetSearchThresholds(p.small, p.hits)
		for _, tt := range tests {
			t.Run(p.name+"/"+tt.query, func(t *testing.T) {
				v, _ := url.ParseQuery(tt.query)
				q, err := data.Leads.ParseQuery(v)
				if err != nil {
					t.Fatal(err)
				}
				recs, _, err := f.store.Records(ctx, f.a, data.Leads, q)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range recs {
					got = append(got, r.Text("name"))
				}
				slices.Sort(got)
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
				if n, err := f.store.Count(ctx, f.a, data.Leads, q, 100); err != nil ||
					n.N != len(tt.want) || n.More {
					t.Errorf("count = %d, %v; want %d", n.N, err, len(tt.want))
				}
			})
		}
		restore()
	}
	for _, bad := range []string{"nope=1", "status=hot", "sort=rawData", "sort=nope", "from=soon",
		"notes=x"} {
		v, _ := url.ParseQuery(bad)
		var qe *data.QueryError
		if _, err := data.Leads.ParseQuery(v); !errors.As(err, &qe) {
			t.Errorf("%s: %v, want a query error", bad, err)
		}
	}
	// A search may have 200 characters, however many bytes they take.
	if _, err := data.Leads.ParseQuery(url.Values{"q": {strings.Repeat("é", 200)}}); err != nil {
		t.Errorf("a search of 200 accented letters: %v", err)
	}
	if _, err := data.Leads.ParseQuery(url.Values{"q": {strings.Repeat("é", 201)}}); err == nil {
		t.Error("a search of 201 letters was accepted")
	}
}

func TestReviewWorkflow(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	post, err := f.store.CreateRecord(ctx, f.a, data.ContentQueue,
		input(t, map[string]any{"content": "Draft", "topic": "Reserves"}))
	if err != nil {
		t.Fatal(err)
	}
	if post.Text("status") != "pending" {
		t.Fatalf("new post is %q", post.Text("status"))
	}
	if _, err := f.store.Step(ctx, f.a, data.ContentQueue, post.ID, "posted", nil); !errors.Is(
		err, derrors.Conflict) {
		t.Errorf("posting a pending post: %v", err)
	}
	approved, err := f.store.Step(ctx, f.a, data.ContentQueue, post.ID, "approve", nil)
	if err != nil {
		t.Fatal(err)
	}
	if approved.Text("status") != "approved" || approved.Get("approvedAt") == nil {
		t.Errorf("approved: status %q approvedAt %v", approved.Text("status"),
			approved.Get("approvedAt"))
	}
	posted, err := f.store.Step(ctx, f.a, data.ContentQueue, post.ID, "posted",
		input(t, map[string]any{"externalPostId": "fb_42"}))
	if err != nil {
		t.Fatal(err)
	}
	if posted.Text("status") != "posted" || posted.Text("externalPostId") != "fb_42" ||
		posted.Get("postedAt") == nil {
		t.Errorf("posted: %s", posted.Text("status"))
	}
	_, err = f.store.Step(ctx, f.a, data.ContentQueue, post.ID, "approve",
		input(t, map[string]any{"status": "pending"}))
	if _, ok := derrors.AsFields(err); !ok {
		t.Errorf("a step that sets status itself: %v", err)
	}

	entries, _, err := f.activity.Entries(ctx, f.a, activity.Filter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range entries {
		types = append(types, e.Type)
	}
	want := []string{"content.posted", "content.approved", "content.created"}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("feed (-want +got):\n%s", diff)
	}

	var ids []string
	for i := 0; i < 3; i++ {
		r, err := f.store.CreateRecord(ctx, f.a, data.EngagementQueue, input(t, map[string]any{
			"platform": "reddit", "postUrl": fmt.Sprintf("https://reddit.com/%d", i)}))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	if _, err := f.store.Step(ctx, f.a, data.EngagementQueue, ids[0], "reject", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Step(ctx, f.a, data.EngagementQueue, ids[1], "approve", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Step(ctx, f.a, data.EngagementQueue, ids[1], "posted", nil); err != nil {
		t.Fatal(err)
	}
	out, err := f.store.ChangeRecords(ctx, f.a, data.EngagementQueue, data.BulkChange{
		IDs: append(ids, "missing"), Action: "approve"})
	if err != nil {
		t.Fatal(err)
	}
	wantOut := data.BulkOutcome{Changed: 2, Skipped: []data.SkippedItem{
		{ID: "missing", Reason: "not found"}, {ID: ids[1], Reason: "is posted"}}}
	slices.SortFunc(out.Skipped, func(a, b data.SkippedItem) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(wantOut.Skipped, func(a, b data.SkippedItem) int { return strings.Compare(a.ID, b.ID) })
	if diff := cmp.Diff(wantOut, out); diff != "" {
		t.Errorf("bulk approve (-want +got):\n%s", diff)
	}
	entries, _, _ = f.activity.Entries(ctx, f.a, activity.Filter{Limit: 1})
	if len(entries) != 1 || entries[0].Title != "2 engagements approved" {
		t.Errorf("bulk feed entry = %+v", entries)
	}

	for _, bad := range []data.BulkChange{{Action: "approve"}, {IDs: ids, Action: "launch"},
		{IDs: ids, Action: "status", Status: "hot"}} {
		if _, err := f.store.ChangeRecords(ctx, f.a, data.EngagementQueue, bad); err == nil {
			t.Errorf("bulk %+v was accepted", bad)
		}
	}
}

func TestStatusChangesFollowTheReviewWorkflow(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	post, err := f.store.CreateRecord(ctx, f.a, data.ContentQueue, input(t, map[string]any{
		"platform": "facebook", "content": "Spring newsletter", "topic": "spring"}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.store.UpdateRecord(ctx, f.a, data.ContentQueue, post.ID,
		input(t, map[string]any{"status": "posted"}))
	if !errors.Is(err, derrors.Conflict) ||
		!strings.Contains(err.Error(), "only approved posts can be posted; this one is pending") {
		t.Errorf("posting a pending post by its status: %v", err)
	}
	approved, err := f.store.UpdateRecordText(ctx, f.a, data.ContentQueue, post.ID,
		map[string]string{"status": "approved", "topic": "spring sale"})
	if err != nil {
		t.Fatal(err)
	}
	if approved.Get("approvedAt") == nil || approved.Text("topic") != "spring sale" {
		t.Errorf("approved by its status: approvedAt %v, topic %q", approved.Get("approvedAt"),
			approved.Text("topic"))
	}
	entries, _, _ := f.activity.Entries(ctx, f.a, activity.Filter{Limit: 1})
	if len(entries) != 1 || entries[0].Type != "content.approved" {
		t.Errorf("feed after approving by status = %+v", entries)
	}
	// Saving the form again with the status it already has is an ordinary edit.
	if _, err := f.store.UpdateRecordText(ctx, f.a, data.ContentQueue, post.ID,
		map[string]string{"status": "approved", "topic": "spring"}); err != nil {
		t.Errorf("saving an approved post: %v", err)
	}

	pending, err := f.store.CreateRecord(ctx, f.a, data.ContentQueue, input(t, map[string]any{
		"platform": "facebook", "content": "Second post"}))
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.store.ChangeRecords(ctx, f.a, data.ContentQueue, data.BulkChange{
		IDs: []string{post.ID, pending.ID}, Action: "status", Status: "posted"})
	if err != nil {
		t.Fatal(err)
	}
	want := data.BulkOutcome{Changed: 1,
		Skipped: []data.SkippedItem{{ID: pending.ID, Reason: "is pending"}}}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("bulk status posted (-want +got):\n%s", diff)
	}
	got, _ := f.store.Record(ctx, f.a, data.ContentQueue, post.ID)
	if got.Text("status") != "posted" || got.Get("postedAt") == nil {
		t.Errorf("after a bulk status change to posted: %s, postedAt %v", got.Text("status"),
			got.Get("postedAt"))
	}
	entries, _, _ = f.activity.Entries(ctx, f.a, activity.Filter{Limit: 1})
	if len(entries) != 1 || entries[0].Title != "1 post posted" {
		t.Errorf("feed after the bulk change = %+v", entries)
	}
	// Statuses no step leads to may still be set directly.
	if _, err := f.store.UpdateRecord(ctx, f.a, data.ContentQueue, pending.ID,
		input(t, map[string]any{"status": "skipped"})); err != nil {
		t.Errorf("skipping a post: %v", err)
	}
	// Sent back for review, a post no longer reads as approved or posted.
	requeued, err := f.store.UpdateRecord(ctx, f.a, data.ContentQueue, post.ID,
		input(t, map[string]any{"status": "pending"}))
	if err != nil {
		t.Fatal(err)
	}
	if requeued.Get("approvedAt") != nil || requeued.Get("postedAt") != nil {
		t.Errorf("back to pending: approvedAt %v, postedAt %v", requeued.Get("approvedAt"),
			requeued.Get("postedAt"))
	}
}

func TestALeadKeepsAWayToReachIt(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	lead, err := f.store.CreateRecord(ctx, f.a, data.Leads, input(t, map[string]any{
		"phone": "+1 555 0100"}))
	if err != nil {
		t.Fatalf("a lead with only a phone: %v", err)
	}
	_, err = f.store.UpdateRecord(ctx, f.a, data.Leads, lead.ID,
		input(t, map[string]any{"phone": ""}))
	if fs, ok := derrors.AsFields(err); !ok || fs["name"] == "" {
		t.Errorf("blanking the only contact detail: %v", err)
	}
	got, _ := f.store.Record(ctx, f.a, data.Leads, lead.ID)
	if got.Text("phone") != "+1 555 0100" {
		t.Errorf("phone is %q after a refused change", got.Text("phone"))
	}
	// A lead stored without any, as an imported one may be, still moves through its statuses.
	testdb.Exec(t, f.db, `UPDATE leads SET phone = '', natural_key = NULL WHERE id = ?`, lead.ID)
	if _, err := f.store.UpdateRecord(ctx, f.a, data.Leads, lead.ID,
		input(t, map[string]any{"status": "contacted"})); err != nil {
		t.Errorf("a status change of a lead without contact details: %v", err)
	}
}

func TestDuplicateErrorNamesTheKey(t *testing.T) {
	tests := []struct {
		col   *data.Collection
		vals  map[string]string
		field string
		msg   string
	}{
		{data.Leads, map[string]string{"name": "Ann", "email": "a@x.com", "phone": "1"},
			"email", "another lead in this campaign has the same email"},
		{data.Leads, map[string]string{"name": "Ann", "phone": "1"},
			"phone", "another lead in this campaign has the same phone"},
		{data.HOAContacts, map[string]string{"hoaName": "Palm", "city": "Tampa"},
			"hoaName", "another HOA contact in this campaign has the same HOA, city and ZIP"},
		{data.EmailProspects, map[string]string{"companyName": "Co", "email": "a@x.com"},
			"email", "another email prospect in this campaign has the same email"},
	}
	for _, tt := range tests {
		got := tt.col.DuplicateError(tt.vals)
		if len(got) != 1 || got[tt.field] != tt.msg {
			t.Errorf("%s %v: %v, want %s: %q", tt.col.Path, tt.vals, got, tt.field, tt.msg)
		}
	}
	for _, col := range data.All {
		if (col.Key == nil) != (len(col.KeyFields) == 0) {
			t.Errorf("%s: a natural key must name the fields it is made of", col.Path)
		}
		for _, name := range col.KeyFields {
			if _, ok := col.Field(name); !ok {
				t.Errorf("%s: key field %q is not a field", col.Path, name)
			}
		}
	}
}

func TestExportIsValidCSV(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tricky := []string{`He said "hi", then left`, "two\nlines", "=HYPERLINK(\"x\")", "+1 555", "plain"}
	for i, notes := range tricky {
		_, err := f.store.CreateRecord(ctx, f.a, data.Leads, input(t, map[string]any{
			"name": fmt.Sprintf("L%d", i), "notes": notes, "status": []string{"new", "dead"}[i%2]}))
		if err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	q, _ := data.Leads.ParseQuery(url.Values{"status": {"new"}, "sort": {"name"}})
	if err := f.store.Export(ctx, f.a, data.Leads, q, &buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("export does not parse: %v", err)
	}
	if diff := cmp.Diff(data.Leads.Header(), rows[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	notesAt := slices.Index(rows[0], "notes")
	var got []string
	for _, r := range rows[1:] {
		got = append(got, r[notesAt])
	}
	want := []string{`He said "hi", then left`, "'=HYPERLINK(\"x\")", "plain"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("notes of new leads (-want +got):\n%s", diff)
	}
}

func TestBlankNumbersTakeTheirDefault(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	rec, err := f.store.CreateRecordText(ctx, f.a, data.HOAContacts, map[string]string{
		"hoaName": "Blank Fields HOA", "confidenceScore": " ", "unitCount": ""})
	if err != nil {
		t.Fatalf("a form with blank numbers was refused: %v", err)
	}
	if got := rec.Get("confidenceScore"); got != int64(50) {
		t.Errorf("confidenceScore = %v, want its default 50", got)
	}
	if got := rec.Get("unitCount"); got != nil {
		t.Errorf("unitCount = %v, want none", got)
	}
	if _, err := f.store.CreateRecordText(ctx, f.a, data.HOAContacts, map[string]string{
		"hoaName": "Bad Number HOA", "confidenceScore": "lots"}); err == nil {
		t.Error("a number field holding words was accepted")
	}
}
