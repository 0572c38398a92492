package web_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/clawops/clawops/internal/testutil"
)

// jsonCase is how the bad-input test calls one JSON route: a body that would be accepted,
// from which every bad one is made. A nil body marks a route that takes none.
type jsonCase func(w *world, r *isoRun) any

// badInputCases are the JSON routes, written out by hand; a route missing here fails the test.
func badInputCases() map[string]jsonCase {
	none := jsonCase(nil)
	obj := func(m map[string]any) jsonCase { return func(*world, *isoRun) any { return m } }
	run := obj(map[string]any{"message": "a task", "idempotencyKey": "k1"})
	cases := map[string]jsonCase{
		"POST /api/auth/login": obj(map[string]any{"email": testutil.AdminEmail,
			"password": testutil.AdminPassword}),
		"POST /api/auth/logout": none,
		"POST /api/tokens":      obj(map[string]any{"name": "A token", "role": "viewer"}),
		"POST /api/campaigns": obj(map[string]any{"name": "Bad input", "company": "Co",
			"color": "#112233", "icon": "🎯", "timezone": "UTC"}),
		"PUT /api/campaigns/:id": obj(map[string]any{"name": "Renamed",
			"description": "words", "quietHours": map[string]any{"start": "21:00",
				"end": "08:00"}}),
		"POST /api/campaigns/:id/restore": none,
		"POST /api/campaigns/:id/duplicate": obj(map[string]any{"name": "Copy",
			"include": []any{"agents"}}),
		"POST /api/campaigns/:id/agents": obj(map[string]any{"name": "Agent",
			"executor": map[string]any{"type": "openclaw", "agentId": "x"},
			"config":   map[string]any{}}),
		"PUT /api/campaigns/:id/agents/:agentId":      obj(map[string]any{"name": "Agent 2"}),
		"POST /api/campaigns/:id/agents/:agentId/run": run,
		"POST /api/agents/:id/run":                    run,
		"POST /api/campaigns/:id/metrics/recompute":   obj(map[string]any{"from": "2026-01-01", "to": "2026-01-02"}),
		"PUT /api/campaigns/:id/members/:userId":      obj(map[string]any{"role": "viewer"}),
		"POST /api/campaigns/:id/members": func(w *world, r *isoRun) any {
			return map[string]any{"userId": r.spare("user", w), "role": "viewer"}
		},
		"POST /api/agent-templates": obj(map[string]any{"name": "Template",
			"category": "test", "executor": map[string]any{"type": "openclaw",
				"agentId": "t"}}),
		"PUT /api/agent-templates/:id": obj(map[string]any{"name": "Template 2"}),
		"POST /api/users": obj(map[string]any{"email": "someone@example.com", "name": "N",
			"password": "a long enough passphrase", "role": "member"}),
		"PUT /api/users/:id":          obj(map[string]any{"name": "New name"}),
		"POST /api/import/legacy":     obj(map[string]any{"path": "/no/such/file.db"}),
		"POST /api/imports/:id/start": obj(map[string]any{"mapping": map[string]any{}}),
	}
	for _, p := range []struct{ base, run, sched string }{
		{"/api", "/api/runs/:id", "/api/schedules/:id"},
		{"/api/campaigns/:id", "/api/campaigns/:id/runs/:runId",
			"/api/campaigns/:id/schedules/:scheduleId"},
	} {
		cases["POST "+p.run+"/cancel"] = none
		cases["POST "+p.run+"/retry"] = none
		cases["POST "+p.base+"/schedules"] = func(w *world, _ *isoRun) any {
			return map[string]any{"agentId": w.agent, "name": "Schedule", "cron": "0 8 * * 1",
				"message": "a task", "enabled": false, "overlapPolicy": "skip"}
		}
		cases["PUT "+p.sched] = obj(map[string]any{"name": "Renamed", "cron": "0 9 * * 2",
			"timezone": "Europe/Paris"})
		cases["POST "+p.sched+"/run"] = run
	}
	for _, col := range isoCollections {
		record := func(w *world, r *isoRun) any { return col.record(w.sentinel, r.next()) }
		for _, p := range []struct{ base, item string }{
			{"/api/" + col.api, "/api/" + col.api + "/:id"},
			{"/api/campaigns/:id/" + col.api, "/api/campaigns/:id/" + col.api + "/:recordId"},
		} {
			cases["POST "+p.base] = record
			cases["PUT "+p.item] = record
			cases["POST "+p.base+"/bulk"] = func(w *world, _ *isoRun) any {
				return map[string]any{"ids": []any{w.records[col.api]}, "action": "delete"}
			}
			for _, step := range col.steps {
				cases["POST "+p.item+"/"+step] = obj(map[string]any{})
			}
		}
	}
	return cases
}

// badBody is one bad request body and what it must get.
type badBody struct {
	name string
	body []byte
	// refuse is true when the body must be refused with a 4xx; otherwise it may also be
	// accepted, but never with a 5xx.
	refuse bool
	// status, when set, is the exact status it must get.
	status int
}

// leaves lists the paths of every string, number and boolean in v.
func leaves(v any, path []any, out *[][]any) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			leaves(e, append(slices.Clone(path), k), out)
		}
	case []any:
		for i, e := range t {
			leaves(e, append(slices.Clone(path), i), out)
		}
	default:
		*out = append(*out, path)
	}
}

// replaced returns a copy of v with the leaf at path set to x.
func replaced(v any, path []any, x any) any {
	if len(path) == 0 {
		return x
	}
	switch t := v.(type) {
	case map[string]any:
		c := map[string]any{}
		for k, e := range t {
			c[k] = e
		}
		c[path[0].(string)] = replaced(t[path[0].(string)], path[1:], x)
		return c
	case []any:
		c := slices.Clone(t)
		c[path[0].(int)] = replaced(t[path[0].(int)], path[1:], x)
		return c
	}
	return x
}

// rawString marks a string written into the JSON as raw bytes, which may be invalid UTF-8.
type rawString string

func encode(v any) []byte {
	// Raw strings are put in after encoding, since encoding/json would repair them.
	var raws []string
	var mark func(v any) any
	mark = func(v any) any {
		switch t := v.(type) {
		case rawString:
			raws = append(raws, string(t))
			return fmt.Sprintf("\x01raw%d\x01", len(raws)-1)
		case map[string]any:
			c := map[string]any{}
			for k, e := range t {
				c[k] = mark(e)
			}
			return c
		case []any:
			c := make([]any, len(t))
			for i, e := range t {
				c[i] = mark(e)
			}
			return c
		}
		return v
	}
	b, err := json.Marshal(mark(v))
	if err != nil {
		panic(err)
	}
	for i, raw := range raws {
		b = bytes.Replace(b, []byte(fmt.Sprintf(`\u0001raw%d\u0001`, i)), []byte(raw), 1)
	}
	return b
}

func badBodies(valid any) []badBody {
	good := encode(valid)
	out := []badBody{
		{"malformed", good[:len(good)-1], true, http.StatusBadRequest},
		{"not an object", []byte(`"just text"`), true, 0},
		{"a number", []byte(`42`), true, 0},
		{"a list of numbers", []byte(`[1, 2]`), true, 0},
		{"trailing data", append(slices.Clone(good), []byte(` {"x": 1}`)...), true,
			http.StatusBadRequest},
		{"stray closing brace", append(slices.Clone(good), '}'), true, http.StatusBadRequest},
		{"raw NUL byte", append([]byte{0}, good...), true, http.StatusBadRequest},
		{"oversize", []byte(`{"name": "` + strings.Repeat("a", 1<<20) + `"}`), true,
			http.StatusRequestEntityTooLarge},
	}
	if m, ok := valid.(map[string]any); ok {
		extra := map[string]any{"zzUnknownField": 1}
		for k, v := range m {
			extra[k] = v
		}
		out = append(out, badBody{"unknown field", encode(extra), true,
			http.StatusUnprocessableEntity})
		// An invalid key: encoding/json would quietly repair it to U+FFFD.
		out = append(out, badBody{"invalid UTF-8 key", []byte("{\"\xff\xfe\": 1}"), true, 0})
	}
	var paths [][]any
	leaves(valid, nil, &paths)
	for _, p := range paths {
		name := fmt.Sprint(p)
		var old any = valid
		for _, k := range p {
			switch t := old.(type) {
			case map[string]any:
				old = t[k.(string)]
			case []any:
				old = t[k.(int)]
			}
		}
		if _, isString := old.(string); isString {
			out = append(out,
				badBody{name + " NUL", encode(replaced(valid, p, "a\x00b")), true, 0},
				badBody{name + " invalid UTF-8", encode(replaced(valid, p,
					rawString("ok\xff\xfeok"))), true, 0},
				badBody{name + " number", encode(replaced(valid, p, 12345)), true, 0},
				badBody{name + " object", encode(replaced(valid, p, map[string]any{})), true,
					0},
				badBody{name + " 10 000 characters", encode(replaced(valid, p,
					strings.Repeat("x", 10_000))), false, 0},
				badBody{name + " bidi and combining marks", encode(replaced(valid, p,
					"\u202eabc\u0301\u200f\u2066x\u2069")), false, 0},
				badBody{name + " zero-width and emoji", encode(replaced(valid, p,
					"a\u200b\ufeff👩‍👩‍👧")), false, 0},
			)
		} else {
			out = append(out, badBody{name + " text", encode(replaced(valid, p, "text")),
				true, 0})
		}
	}
	return out
}

// TestBadInputOverEveryJSONRoute sends each JSON route of the router malformed JSON, wrong
// types, unknown fields, oversize bodies, NUL bytes, invalid UTF-8, very long strings and odd
// Unicode: the bad ones get a 4xx, and every answer at 400 or above has the error shape. None
// gets a 500.
func TestBadInputOverEveryJSONRoute(t *testing.T) {
	r := newIsoRun(t)
	r.a.tokenPerson = r.person("owner", map[*world]string{r.a: "owner"})
	r.fill(r.a)
	cases := badInputCases()
	seen := map[string]bool{}
	var keys []string
	for _, rt := range r.s.App.Server.Routes() {
		key := rt.Method + " " + rt.Path
		if seen[key] || !strings.HasPrefix(rt.Path, "/api/") || isSafe(rt.Method) ||
			rt.Method == http.MethodDelete || strings.HasSuffix(rt.Path, "/import.csv") {
			continue
		}
		seen[key] = true
		if _, ok := cases[key]; !ok {
			t.Errorf("route %s has no bad-input case", key)
			continue
		}
		keys = append(keys, key)
	}
	for key := range cases {
		if !seen[key] {
			t.Errorf("the bad-input cases list %s, which the server does not have", key)
		}
	}
	// Signing in goes last: its failures are throttled, which would slow nothing else but
	// is best kept away from the routes that need the admin's token.
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmpBool(strings.HasSuffix(a, "/login"), strings.HasSuffix(b, "/login")),
			strings.Compare(a, b))
	})
	sent := 0
	onA := target{camp: r.a, obj: r.a, label: "A"}
	for _, key := range keys {
		method, pattern, _ := strings.Cut(key, " ")
		path, _, _ := r.resolve(key, pattern, onA, false)
		var bodies []badBody
		if mk := cases[key]; mk == nil {
			bodies = []badBody{{"oversize", []byte(`{"name": "` +
				strings.Repeat("a", 1<<20) + `"}`), true, http.StatusRequestEntityTooLarge}}
		} else {
			bodies = badBodies(mk(r.a, r))
		}
		for _, b := range bodies {
			sent++
			res := r.s.Do(method, path, r.admin, b.body, "X-Campaign-ID", r.a.id)
			checkBadAnswer(t, key, b, res)
		}
	}
	t.Logf("%d JSON routes, %d bad bodies", len(keys), sent)
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func checkBadAnswer(t *testing.T, key string, b badBody, res testutil.Response) {
	t.Helper()
	switch {
	case res.Status >= 500:
		t.Errorf("%s, %s: %d %.200s", key, b.name, res.Status, res.Body)
		return
	case b.status != 0 && res.Status != b.status:
		t.Errorf("%s, %s: %d, want %d: %.200s", key, b.name, res.Status, b.status, res.Body)
	case b.refuse && res.Status < 400:
		t.Errorf("%s, %s: %d, want it refused", key, b.name, res.Status)
	}
	if res.Status < 400 {
		return
	}
	var e struct {
		Error struct {
			Code, Message string
			Fields        map[string]string
		}
	}
	if err := json.Unmarshal(res.Body, &e); err != nil || e.Error.Code == "" ||
		e.Error.Message == "" {
		t.Errorf("%s, %s: %d without the error shape: %.200s", key, b.name, res.Status,
			res.Body)
	}
	if b.name == "unknown field" && res.Status == http.StatusUnprocessableEntity &&
		e.Error.Fields["zzUnknownField"] == "" {
		t.Errorf("%s, unknown field: the error does not name it: %s", key, res.Body)
	}
}
