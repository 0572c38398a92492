package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/data"
	"github.com/clawops/clawops/internal/testutil"
)

// dataSamples are one valid record per collection, each carrying the word "sentinel".
var dataSamples = map[string]map[string]any{
	"leads":              {"name": "Sentinel Lead", "email": "sentinel@example.com"},
	"hoa-contacts":       {"hoaName": "Sentinel Palms HOA", "city": "Tampa", "zip": "33601"},
	"content-queue":      {"content": "Sentinel post", "platform": "linkedin"},
	"engagement-queue":   {"platform": "reddit", "postUrl": "https://reddit.com/r/hoa/s", "postTitle": "Sentinel thread"},
	"community-accounts": {"platform": "facebook", "communityName": "Sentinel Boards"},
	"linkedin-prospects": {"linkedinUrl": "https://linkedin.com/in/sentinel", "fullName": "Sentinel Person"},
	"email-prospects":    {"email": "sentinel@mgmt.example", "companyName": "Sentinel Management"},
	"quora-questions":    {"questionUrl": "https://quora.com/q/sentinel", "questionText": "Sentinel question?"},
	"webinars":           {"title": "Sentinel webinar"},
	"referral-partners":  {"partnerName": "Sentinel Roofing"},
}

type dataWorld struct {
	s                    *testutil.Server
	admin, bTok, viewerA string
	aID, bID             string
}

func newDataWorld(t *testing.T) dataWorld {
	t.Helper()
	s := testutil.NewServer(t, false)
	admin := s.AdminToken()
	a := createCampaign(t, s, admin, map[string]any{"name": "Alpha Data", "company": "A"})
	b := createCampaign(t, s, admin, map[string]any{"name": "Bravo Data", "company": "B"})
	w := dataWorld{s: s, admin: admin, aID: a["id"].(string), bID: b["id"].(string)}
	var bUser, viewer string
	bUser, w.bTok = newMember(t, s, admin, "bravo-data@example.com")
	viewer, w.viewerA = newMember(t, s, admin, "viewer-data@example.com")
	for _, m := range []struct{ campaign, user, role string }{
		{w.bID, bUser, "operator"}, {w.aID, viewer, "viewer"}} {
		res := s.Do("POST", "/api/campaigns/"+m.campaign+"/members", admin,
			map[string]string{"userId": m.user, "role": m.role})
		if res.Status != http.StatusCreated {
			t.Fatalf("add member: %d %s", res.Status, res.Body)
		}
	}
	return w
}

func TestDataRoutesOfEveryCollection(t *testing.T) {
	w := newDataWorld(t)
	s := w.s
	for _, col := range data.All {
		t.Run(col.Path, func(t *testing.T) {
			campPath := "/api/campaigns/" + w.aID + "/" + col.Path
			res := s.Do("POST", campPath, w.admin, dataSamples[col.Path])
			if res.Status != http.StatusCreated {
				t.Fatalf("create: %d %s", res.Status, res.Body)
			}
			rec := res.JSON(t)
			id := rec["id"].(string)
			if rec["campaignId"] != w.aID {
				t.Errorf("campaignId = %v", rec["campaignId"])
			}

			// The legacy path reaches the same collection through the context.
			for _, legacy := range []struct {
				path    string
				headers []string
			}{
				{"/api/" + col.Path + "/" + id, []string{"X-Campaign-ID", w.aID}},
				{"/api/" + col.Path + "/" + id + "?campaign_id=" + w.aID, nil},
			} {
				if res := s.Do("GET", legacy.path, w.admin, nil, legacy.headers...); res.Status != http.StatusOK {
					t.Errorf("GET %s: %d", legacy.path, res.Status)
				}
			}
			list := s.Do("GET", "/api/"+col.Path+"?q=sentinel", w.admin, nil, "X-Campaign-ID", w.aID)
			if got := list.JSON(t)["data"].([]any); len(got) != 1 {
				t.Errorf("legacy list holds %d records", len(got))
			}

			// Campaign B's operator cannot reach A's record by any path.
			for _, probe := range []struct {
				method, path string
				headers      []string
			}{
				{"GET", campPath, nil},
				{"GET", campPath + "/" + id, nil},
				{"GET", "/api/campaigns/" + w.bID + "/" + col.Path + "/" + id, nil},
				{"GET", "/api/" + col.Path + "/" + id, []string{"X-Campaign-ID", w.bID}},
				{"GET", "/api/" + col.Path + "/" + id, []string{"X-Campaign-ID", w.aID}},
				{"PUT", "/api/campaigns/" + w.bID + "/" + col.Path + "/" + id, nil},
				{"DELETE", "/api/campaigns/" + w.bID + "/" + col.Path + "/" + id, nil},
				{"DELETE", "/api/" + col.Path + "/" + id, nil},
			} {
				var body any
				if probe.method == "PUT" {
					body = dataSamples[col.Path]
				}
				res := s.Do(probe.method, probe.path, w.bTok, body, probe.headers...)
				if res.Status != http.StatusNotFound {
					t.Errorf("B's operator %s %s: %d, want 404", probe.method, probe.path, res.Status)
				}
			}
			bList := s.Do("GET", "/api/campaigns/"+w.bID+"/"+col.Path, w.bTok, nil)
			if bList.Status != http.StatusOK || strings.Contains(string(bList.Body), id) {
				t.Errorf("B's list: %d, holds A's record: %v", bList.Status,
					strings.Contains(string(bList.Body), id))
			}
			bExport := s.Do("GET", "/api/campaigns/"+w.bID+"/"+col.Path+"/export.csv", w.bTok, nil)
			if strings.Contains(string(bExport.Body), id) || strings.Contains(
				strings.ToLower(string(bExport.Body)), "sentinel") {
				t.Error("B's export holds A's record")
			}

			// A's viewer reads but cannot change.
			if res := s.Do("GET", campPath+"/"+id, w.viewerA, nil); res.Status != http.StatusOK {
				t.Errorf("viewer get: %d", res.Status)
			}
			if res := s.Do("POST", campPath, w.viewerA, dataSamples[col.Path]); res.Status != http.StatusForbidden {
				t.Errorf("viewer create: %d, want 403", res.Status)
			}
			if res := s.Do("DELETE", campPath+"/"+id, w.viewerA, nil); res.Status != http.StatusForbidden {
				t.Errorf("viewer delete: %d, want 403", res.Status)
			}

			// Export streams CSV with the list's filters.
			exp := s.Do("GET", campPath+"/export.csv?q=sentinel", w.admin, nil)
			if exp.Status != http.StatusOK || !strings.HasPrefix(exp.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("export: %d %s", exp.Status, exp.Header.Get("Content-Type"))
			}
			rows, err := csv.NewReader(strings.NewReader(string(exp.Body))).ReadAll()
			if err != nil || len(rows) != 2 || rows[1][0] != id {
				t.Errorf("export rows = %v, %v", rows, err)
			}

			upd := s.Do("PUT", campPath+"/"+id, w.admin, map[string]any{"id": "other"})
			if upd.Status != http.StatusUnprocessableEntity || !strings.Contains(string(upd.Body), `"id":"is immutable"`) {
				t.Errorf("changing the id: %d %s", upd.Status, upd.Body)
			}
			if res := s.Do("DELETE", campPath+"/"+id, w.admin, nil); res.Status != http.StatusNoContent {
				t.Errorf("delete: %d", res.Status)
			}
			if res := s.Do("GET", campPath+"/"+id, w.admin, nil); res.Status != http.StatusNotFound {
				t.Errorf("get after delete: %d", res.Status)
			}
		})
	}
}

func TestDataLegacyPathDefaultsToTheDefaultCampaign(t *testing.T) {
	w := newDataWorld(t)
	res := w.s.Do("POST", "/api/leads", w.admin, map[string]any{"name": "Old script lead"})
	if res.Status != http.StatusCreated || res.JSON(t)["campaignId"] != "default-hoa-fl" {
		t.Fatalf("create without context: %d %s", res.Status, res.Body)
	}
	if res := w.s.Do("GET", "/api/leads", w.admin, nil, "X-Campaign-ID", "no-such"); res.Status != http.StatusNotFound {
		t.Errorf("unknown context campaign: %d, want 404", res.Status)
	}
	// B's operator is no member of the default campaign: no silent fallback.
	if res := w.s.Do("GET", "/api/leads", w.bTok, nil); res.Status != http.StatusNotFound {
		t.Errorf("default campaign for a non-member: %d, want 404", res.Status)
	}
}

func TestDataBadInputIsA4xx(t *testing.T) {
	w := newDataWorld(t)
	path := "/api/campaigns/" + w.aID + "/leads"
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		status int
		want   string
	}{
		{"malformed JSON", "POST", path, `{"name":`, 400, "bad_request"},
		{"not an object", "POST", path, `"lead"`, 400, "bad_request"},
		{"empty body", "POST", path, ``, 400, "bad_request"},
		{"list of non-objects", "POST", path, `[1, 2]`, 422, `"[0]":"must be a JSON object"`},
		{"empty list", "POST", path, `[]`, 422, `"body"`},
		{"unknown field", "POST", path, `{"nmae":"x"}`, 422, `"nmae":"is not a known field"`},
		{"wrong type", "POST", path, `{"name":42}`, 422, `"name":"must be a string"`},
		{"NUL byte", "POST", path, `{"name":"a\u0000b"}`, 422, `"name":"must not contain NUL bytes"`},
		{"long string", "POST", path, `{"notes":"` + strings.Repeat("x", 20001) + `"}`, 422,
			`"notes":"must be at most 20000 characters"`},
		{"odd unicode", "POST", path, "{\"name\":\"\xff\xfe\"}", 422, `"name"`},
		{"bad item in a list", "POST", path, `[{"name":"ok"},{"score":"x"}]`, 422,
			`"[1].score":"must be a number"`},
		{"oversize body", "POST", path, `{"notes":"` + strings.Repeat("x", 1<<20) + `"}`, 413,
			"payload_too_large"},
		{"unknown filter", "GET", path + "?colour=red", nil, 400, "colour is not a filter"},
		{"bad sort", "GET", path + "?sort=rawData", nil, 400, "cannot sort"},
		{"bad cursor", "GET", path + "?cursor=zzz", nil, 400, "cursor"},
		{"bad limit", "GET", path + "?limit=501", nil, 400, "limit"},
		{"bad bulk action", "POST", path + "/bulk", `{"ids":["x"],"action":"launch"}`, 422,
			`"action"`},
		// No such route: Echo answers 404 or 405; either way, nothing runs.
		{"workflow step of a collection without one", "POST", path + "/x/approve", ``, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := w.s.Do(tt.method, tt.path, w.admin, tt.body)
			if tt.status == 0 && res.Status >= 400 && res.Status < 500 {
				return
			}
			if res.Status != tt.status || !strings.Contains(string(res.Body), tt.want) {
				t.Errorf("%d %s, want %d with %s", res.Status, res.Body, tt.status, tt.want)
			}
		})
	}
	list := w.s.Do("GET", path, w.admin, nil).JSON(t)["data"].([]any)
	if len(list) != 0 {
		t.Errorf("%d leads stored by refused requests", len(list))
	}
}

func TestDataBulkAndWorkflowOverHTTP(t *testing.T) {
	w := newDataWorld(t)
	s := w.s
	path := "/api/campaigns/" + w.aID + "/content-queue"
	var items []map[string]any
	for i := 0; i < 3; i++ {
		items = append(items, map[string]any{"content": fmt.Sprintf("Draft %d", i)})
	}
	res := s.Do("POST", path, w.admin, items)
	if res.Status != http.StatusCreated || !strings.Contains(string(res.Body), `"created":3`) {
		t.Fatalf("bulk create: %d %s", res.Status, res.Body)
	}
	var page struct {
		Data []struct{ ID, Status string }
	}
	s.Do("GET", path+"?status=pending", w.admin, nil).Decode(t, &page)
	if len(page.Data) != 3 {
		t.Fatalf("%d pending", len(page.Data))
	}
	first := page.Data[0].ID
	if res := s.Do("POST", path+"/"+first+"/posted", w.admin, nil); res.Status != http.StatusConflict {
		t.Errorf("posting a pending post: %d %s", res.Status, res.Body)
	}
	if res := s.Do("POST", path+"/"+first+"/approve", w.viewerA, nil); res.Status != http.StatusForbidden {
		t.Errorf("viewer approve: %d", res.Status)
	}
	if res := s.Do("POST", path+"/"+first+"/approve", w.bTok, nil); res.Status != http.StatusNotFound {
		t.Errorf("other campaign's approve: %d", res.Status)
	}
	ids := []string{page.Data[0].ID, page.Data[1].ID, page.Data[2].ID}
	res = s.Do("POST", path+"/bulk", w.admin, map[string]any{"ids": ids, "action": "approve"})
	if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"changed":3`) {
		t.Fatalf("bulk approve: %d %s", res.Status, res.Body)
	}
	res = s.Do("POST", path+"/"+first+"/posted", w.admin, map[string]any{"externalPostId": "li_9"})
	if res.Status != http.StatusOK || res.JSON(t)["status"] != "posted" {
		t.Errorf("posted: %d %s", res.Status, res.Body)
	}
	act := s.Do("GET", "/api/campaigns/"+w.aID+"/activity?limit=2", w.admin, nil)
	if !strings.Contains(string(act.Body), "content.posted") ||
		!strings.Contains(string(act.Body), "3 posts approved") {
		t.Errorf("feed: %s", act.Body)
	}
	audit := s.Do("GET", "/api/audit?action="+url.QueryEscape("content-queue.bulk"), w.admin, nil)
	if !strings.Contains(string(audit.Body), w.aID) {
		t.Errorf("the bulk change is not audited: %s", audit.Body)
	}
}

// upload sends a CSV file as a multipart form with extra fields.
func upload(t *testing.T, s *testutil.Server, path, token, body string,
	fields map[string]string) testutil.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "people.csv")
	io.WriteString(fw, body)
	mw.Close()
	return s.Do("POST", path, token, buf.Bytes(), "Content-Type", mw.FormDataContentType())
}

// waitImport polls an import until it ends.
func waitImport(t *testing.T, s *testutil.Server, token, id string) map[string]any {
	t.Helper()
	for i := 0; i < 200; i++ {
		im := s.Do("GET", "/api/imports/"+id, token, nil).JSON(t)
		if im["status"] == "completed" || im["status"] == "failed" {
			return im
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("import %s did not end", id)
	return nil
}

func TestDataImportOverHTTP(t *testing.T) {
	w := newDataWorld(t)
	s := w.s
	path := "/api/campaigns/" + w.aID + "/leads/import.csv"
	body := "Name,Email,Score,Shoe size\nAnn,ann@example.com,10,38\nBob,bob@example.com,x,44\n"

	res := upload(t, s, path, w.admin, body, nil)
	if res.Status != http.StatusAccepted || res.JSON(t)["status"] != "needs_mapping" {
		t.Fatalf("upload with an unknown column: %d %s", res.Status, res.Body)
	}
	id := res.JSON(t)["id"].(string)
	if res := s.Do("GET", "/api/imports/"+id, w.bTok, nil); res.Status != http.StatusNotFound {
		t.Errorf("another campaign's operator reads the import: %d", res.Status)
	}
	if res := s.Do("POST", "/api/imports/"+id+"/start", w.bTok, map[string]any{}); res.Status != http.StatusNotFound {
		t.Errorf("another campaign's operator starts the import: %d", res.Status)
	}
	res = s.Do("POST", "/api/imports/"+id+"/start", w.admin, map[string]any{
		"mapping": map[string]string{"Shoe size": ""}, "keepValid": true})
	if res.Status != http.StatusAccepted {
		t.Fatalf("start: %d %s", res.Status, res.Body)
	}
	im := waitImport(t, s, w.admin, id)
	if im["status"] != "completed" || im["created"] != float64(1) || im["rejected"] != float64(1) {
		t.Errorf("finished import = %v", im)
	}
	report := s.Do("GET", "/api/imports/"+id+"/rejected.csv", w.admin, nil)
	if !strings.Contains(string(report.Body), "3,score must be a whole number,Bob") {
		t.Errorf("rejected rows: %s", report.Body)
	}

	// The same file again, as text/csv on the legacy path, adds nothing new.
	res = s.Do("POST", "/api/leads/import.csv?keepValid=true&mapping="+
		url.QueryEscape(`{"Shoe size":""}`), w.admin, body, "Content-Type", "text/csv",
		"X-Campaign-ID", w.aID)
	if res.Status != http.StatusAccepted {
		t.Fatalf("text/csv upload: %d %s", res.Status, res.Body)
	}
	im = waitImport(t, s, w.admin, res.JSON(t)["id"].(string))
	if im["created"] != float64(0) || im["skipped"] != float64(1) {
		t.Errorf("second import = %v", im)
	}

	if res := upload(t, s, path, w.viewerA, body, nil); res.Status != http.StatusForbidden {
		t.Errorf("viewer import: %d, want 403", res.Status)
	}
	if res := upload(t, s, path, w.admin, "", nil); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(res.Body), `"file":"is empty`) {
		t.Errorf("empty file: %d %s", res.Status, res.Body)
	}
	if res := s.Do("POST", path, w.admin, `{"a":1}`); res.Status != http.StatusBadRequest {
		t.Errorf("JSON body: %d, want 400", res.Status)
	}
	big := strings.Repeat("name\n", (data.MaxImportBytes/5)+10)
	if res := s.Do("POST", path, w.admin, big, "Content-Type", "text/csv"); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(res.Body), "at most 64 MiB") {
		t.Errorf("oversize file: %d %.200s", res.Status, res.Body)
	}
}
