package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/testutil"
)

// Sentinels are written into each campaign's data; an answer to anyone who may not see that
// campaign must never contain its sentinel.
const (
	sentinelA = "WombatA4k2"
	sentinelB = "QuokkaB7x9"
)

// world is one campaign of the isolation test and one of each thing in it.
type world struct {
	name, id, slug, sentinel string
	agent, schedule, run     string
	// member is a member who is none of the test's callers, for the member routes.
	member string
	// token is an API token of the campaign's token person (its owner).
	token   string
	records map[string]string // record id by collection API path
	imports map[string]string // import id by collection API path
	// tokenPerson signs in to make the campaign's tokens.
	tokenPerson *caller
}

// caller is one way of calling the server.
type caller struct {
	name string
	// bearer is the API credential; pages is the browser session. A caller with a bearer and
	// no session calls pages with the bearer too. Both empty is anonymous.
	bearer          string
	pages           *session
	email, password string
	roles           map[*world]string
	admin, capped   bool
	// mint makes a new credential like bearer, for calls that end their credential.
	mint func() string
}

func (c *caller) anonymous() bool { return c.bearer == "" && c.pages == nil }

// isoRun is the state of one isolation run.
type isoRun struct {
	t      *testing.T
	s      *testutil.Server
	admin  string
	a, b   *world
	table  map[string]routeCase
	spares map[string]string
	plain  *http.Client
	calls  int
	uniq   int
	// ownSeen counts answers that showed the caller's own campaign's sentinel.
	ownSeen int
}

func (r *isoRun) next() string {
	r.uniq++
	return fmt.Sprintf("iso%d", r.uniq)
}

// must sends an API request as the admin (or tok) that has to succeed, and decodes its body.
func (r *isoRun) must(method, path, tok string, body any) map[string]any {
	r.t.Helper()
	if tok == "" {
		tok = r.admin
	}
	res := r.s.Do(method, path, tok, body)
	if res.Status >= 300 {
		r.t.Fatalf("setup %s %s: %d %s", method, path, res.Status, res.Body)
	}
	if len(res.Body) == 0 {
		return nil
	}
	return res.JSON(r.t)
}

func (r *isoRun) newUser(name string) (id, email string) {
	email = r.next() + "@example.com"
	u := r.must("POST", "/api/users", "", map[string]any{"email": email, "name": name,
		"password": "a long enough passphrase", "role": "member"})
	return u["id"].(string), email
}

func (r *isoRun) person(name string, roles map[*world]string) *caller {
	_, email := r.newUser(name)
	for w, role := range roles {
		r.addMember(w, email, role)
	}
	c := &caller{name: name, email: email, password: "a long enough passphrase", roles: roles}
	c.mint = func() string { return r.s.Login(c.email, c.password) }
	c.bearer = c.mint()
	c.pages = signInAs(r.t, r.s, c.email, c.password)
	return c
}

func (r *isoRun) addMember(w *world, email, role string) {
	id := mustUserID(r.t, r.s, r.admin, email)
	r.must("POST", "/api/campaigns/"+w.id+"/members", "", map[string]any{"userId": id,
		"role": role})
}

func (r *isoRun) campaign(name, sentinel string) *world {
	c := r.must("POST", "/api/campaigns", "", map[string]any{"name": sentinel + " " + name,
		"company": sentinel + " Company", "description": sentinel})
	return &world{name: name, id: c["id"].(string), slug: c["slug"].(string),
		sentinel: sentinel, records: map[string]string{}, imports: map[string]string{}}
}

// fill creates one of everything in w, each carrying w's sentinel.
func (r *isoRun) fill(w *world) {
	base := "/api/campaigns/" + w.id
	w.agent = r.newAgent(w)
	w.schedule = r.newSchedule(w)
	run := r.must("POST", base+"/agents/"+w.agent+"/run", "", map[string]any{
		"message": w.sentinel + " harbor run"})
	w.run = run["id"].(string)
	for _, col := range isoCollections {
		w.records[col.api] = r.newRecord(w, col.api)
		rec := col.record(w.sentinel, r.next())
		var keys, cells []string
		for k, v := range rec {
			keys = append(keys, k)
			cells = append(cells, fmt.Sprint(v))
		}
		// The second row has a cell too many, so that it is rejected and kept with its cells.
		csv := strings.Join(keys, ",") + "\n" + strings.Join(cells, ",") + "\n" +
			w.sentinel + " rejected,x,y,z,w,v,u\n"
		res := r.s.Do("POST", base+"/"+col.api+"/import.csv", r.admin, csv,
			"Content-Type", "text/csv")
		if res.Status >= 300 {
			r.t.Fatalf("import into %s: %d %s", col.api, res.Status, res.Body)
		}
		w.imports[col.api] = res.JSON(r.t)["id"].(string)
	}
	memberID, _ := r.newUser(w.sentinel + " member")
	r.must("POST", base+"/members", "", map[string]any{"userId": memberID, "role": "viewer"})
	w.member = memberID
	w.token = r.newToken(w)
}

func (r *isoRun) newAgent(w *world) string {
	a := r.must("POST", "/api/campaigns/"+w.id+"/agents", "", map[string]any{
		"name":     w.sentinel + " harbor agent " + r.next(),
		"executor": map[string]any{"type": "openclaw", "agentId": "iso-agent"}})
	return a["id"].(string)
}

func (r *isoRun) newSchedule(w *world) string {
	sc := r.must("POST", "/api/campaigns/"+w.id+"/schedules", "", map[string]any{
		"agentId": w.agent, "name": w.sentinel + " harbor schedule " + r.next(),
		"cron": "0 8 * * 1", "message": w.sentinel, "enabled": false})
	return sc["id"].(string)
}

func (r *isoRun) newRecord(w *world, api string) string {
	for _, col := range isoCollections {
		if col.api == api {
			rec := r.must("POST", "/api/campaigns/"+w.id+"/"+api, "",
				col.record(w.sentinel, r.next()))
			return rec["id"].(string)
		}
	}
	r.t.Fatalf("no collection %s", api)
	return ""
}

func (r *isoRun) newToken(w *world) string {
	tok := r.must("POST", "/api/tokens", w.tokenPerson.bearer, map[string]any{
		"name": w.sentinel + " token " + r.next()})
	return tok["tokenInfo"].(map[string]any)["id"].(string)
}

// spare returns a thing of kind in w that a consuming route may use up; a new one is made
// once the last was used.
func (r *isoRun) spare(kind string, w *world) string {
	key := kind + "|" + w.id
	if id, ok := r.spares[key]; ok {
		return id
	}
	var id string
	switch {
	case kind == "agent":
		id = r.newAgent(w)
	case kind == "schedule":
		id = r.newSchedule(w)
	case kind == "member":
		id, _ = r.newUser("spare")
		r.must("POST", "/api/campaigns/"+w.id+"/members", "", map[string]any{
			"userId": id, "role": "viewer"})
	case kind == "token":
		id = r.newToken(w)
	case kind == "user":
		id, _ = r.newUser("spare")
	case kind == "template":
		tpl := r.must("POST", "/api/agent-templates", "", map[string]any{
			"name": "Spare " + r.next(), "category": "test",
			"executor": map[string]any{"type": "openclaw", "agentId": "spare"}})
		id = tpl["id"].(string)
	case strings.HasPrefix(kind, "record:"):
		id = r.newRecord(w, strings.TrimPrefix(kind, "record:"))
	default:
		r.t.Fatalf("no spare %s", kind)
	}
	r.spares[key] = id
	return id
}

// collectionOf names the collection a path segment stands for, by API path or page.
func collectionOf(seg string) (string, bool) {
	for _, c := range isoCollections {
		if seg == c.api || seg == c.page {
			return c.api, true
		}
	}
	return "", false
}

// target is who a call is made on: the campaign in its path or context, and the world its
// other ids come from (the same, or the other campaign for a mixed call).
type target struct {
	camp, obj *world
	label     string
}

func (tg target) mixed() bool { return tg.camp != nil && tg.camp != tg.obj }

// resolve fills a route pattern with tg's ids. It fails the test on a parameter it does not
// know, so that a new kind of route gets a fixture. It also says which kind of thing a
// consuming route used up, and whether the path names anything inside the campaign.
func (r *isoRun) resolve(key, pattern string, tg target, consumes bool) (path, used string,
	inside bool) {
	if pattern == "/static*" {
		return "/static/js/app.js", "", false
	}
	parts := strings.Split(pattern, "/")
	for i, p := range parts {
		if !strings.HasPrefix(p, ":") {
			continue
		}
		prev := parts[i-1]
		kind := ""
		switch prev {
		case "campaigns":
			parts[i] = tg.camp.id
			continue
		case "c":
			parts[i] = tg.camp.slug
			continue
		case "agents":
			kind, parts[i] = "agent", tg.obj.agent
		case "schedules":
			kind, parts[i] = "schedule", tg.obj.schedule
		case "runs":
			kind, parts[i] = "run", tg.obj.run
		case "members":
			kind, parts[i] = "member", tg.obj.member
		case "tokens":
			kind, parts[i] = "token", tg.obj.token
		case "users":
			kind, parts[i] = "user", r.spare("user", r.a)
		case "agent-templates", "templates":
			kind, parts[i] = "template", r.spare("template", r.a)
		case "imports":
			parts[i] = tg.obj.imports["leads"]
		case "import":
			api, _ := collectionOf(parts[i-2])
			parts[i] = tg.obj.imports[api]
		default:
			api, ok := collectionOf(prev)
			if !ok {
				r.t.Fatalf("%s: no fixture for %s after %q", key, p, prev)
			}
			kind, parts[i] = "record:"+api, tg.obj.records[api]
		}
		inside = inside || (kind != "user" && kind != "template")
		if consumes {
			used = kind
			parts[i] = r.spare(kind, tg.obj)
		}
	}
	return strings.Join(parts, "/"), used, inside
}

// answer is what one call got back.
type answer struct {
	status   int
	location string
	body     []byte
}

func (a answer) outcome(api bool) string {
	switch {
	case a.status >= 500:
		return fmt.Sprintf("error %d", a.status)
	case a.status == http.StatusUnauthorized:
		return "unauth"
	// Signing out also ends at /login; only a sign-in asking where to go back to means the
	// caller was not signed in.
	case !api && a.status/100 == 3 && strings.HasPrefix(a.location, "/login?"):
		return "unauth"
	case a.status == http.StatusForbidden:
		return "forbidden"
	case a.status == http.StatusNotFound:
		return "notfound"
	case a.status == http.StatusBadRequest || a.status == http.StatusUnprocessableEntity:
		return "invalid"
	}
	return "ok"
}

var roleRank = map[string]int{"viewer": 1, "operator": 2, "owner": 3}
var classRank = map[string]int{clsRead: 1, clsOperate: 2, clsOwn: 3}

// expected is the outcome the table says c must get on a route of case rc at tg. "ok" takes
// in answers to bad input (the test sends empty bodies), which show the call got through.
func expected(rc routeCase, c *caller, tg target) string {
	switch {
	case rc.class == clsPublic:
		return "ok"
	case c.anonymous():
		return "unauth"
	case rc.class == clsUser:
		return "ok"
	case rc.class == clsUncapped && c.capped, rc.class == clsAdmin && !c.admin:
		return "forbidden"
	case rc.class == clsUncapped, rc.class == clsAdmin:
		return "ok"
	case rc.class == clsTokenOwner:
		switch {
		case c.capped:
			return "forbidden"
		case c.admin || tg.obj.tokenPerson.email == c.email:
			return "ok"
		}
		return "notfound"
	}
	role := c.roles[tg.camp]
	if c.admin {
		role = "owner"
	}
	switch {
	case role == "":
		return "notfound"
	case roleRank[role] < classRank[rc.class]:
		return "forbidden"
	case tg.mixed():
		return "notfound"
	}
	return "ok"
}

// acceptable reports whether outcome got meets want. Ids of another campaign may also be
// refused for a role too low, or for the empty body, before they are looked up: neither
// says anything about them, and the row hashes show that nothing changed.
func acceptable(got, want string, tg target) bool {
	switch {
	case got == want, got == "invalid" && want == "ok":
		return true
	case tg.mixed() && (want == "forbidden" || want == "notfound"):
		return got == "forbidden" || got == "notfound" || got == "invalid"
	}
	return false
}

// scoped reports whether routes of class act in one campaign.
func scoped(class string) bool {
	return class == clsRead || class == clsOperate || class == clsOwn
}

// call makes one request as c and returns the answer.
func (r *isoRun) call(method, path string, rc routeCase, c *caller, tg target) answer {
	r.calls++
	api := strings.HasPrefix(path, "/api/")
	var body io.Reader
	ctype := ""
	switch {
	case isSafe(method) || method == http.MethodDelete:
	case strings.HasSuffix(path, "/import.csv"):
		body, ctype = strings.NewReader(""), "text/csv"
	case api:
		body, ctype = strings.NewReader("{}"), "application/json"
	default:
		// confirm=yes gets past the confirmation boxes of deletions, so that the call reaches
		// the change itself.
		form := url.Values{"confirm": {"yes"}}
		if c.pages != nil {
			form.Set("csrf_token", c.pages.token)
		}
		body, ctype = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, r.s.URL+path, body)
	if err != nil {
		r.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if scoped(rc.class) && api && !strings.Contains(path, "/campaigns/") && tg.camp != nil {
		req.Header.Set("X-Campaign-ID", tg.camp.id)
	}
	client := r.plain
	switch {
	case rc.endsCredential && c.pages != nil && !api:
		client = signInAs(r.t, r.s, c.email, c.password).c
	case rc.endsCredential && c.mint != nil:
		req.Header.Set("Authorization", "Bearer "+c.mint())
	case c.pages != nil && !api:
		client = c.pages.c
	case c.bearer != "":
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	res, err := client.Do(req)
	if err != nil {
		r.t.Fatalf("%s %s as %s: %v", method, path, c.name, err)
	}
	defer res.Body.Close()
	var data []byte
	if strings.HasSuffix(path, "/events") && res.StatusCode == http.StatusOK {
		// A stream never ends: its greeting is all there is to read.
		buf := make([]byte, 4096)
		n, _ := res.Body.Read(buf)
		data = buf[:n]
	} else {
		data, err = io.ReadAll(io.LimitReader(res.Body, 8<<20))
		if err != nil {
			r.t.Fatalf("%s %s as %s: read: %v", method, path, c.name, err)
		}
	}
	return answer{status: res.StatusCode, location: res.Header.Get("Location"), body: data}
}

// step is one caller calling every route on one kind of target.
type step struct {
	c *caller
	// targets are the campaign targets this caller is sent to; neutral routes (those not in
	// one campaign) are called when neutral is set.
	targets []target
	neutral bool
	// scan is the sentinel no answer may contain; own is the caller's own, counted to show
	// that the sentinels do reach the answers that may show them.
	scan, own string
}

// runSteps calls every route of the table for every step, checking each outcome.
func (r *isoRun) runSteps(routes []string, steps []step) {
	for _, key := range routes {
		method, pattern, _ := strings.Cut(key, " ")
		rc := r.table[key]
		for _, st := range steps {
			var tgs []target
			switch {
			case scoped(rc.class) || rc.class == clsTokenOwner:
				tgs = st.targets
			case st.neutral:
				tgs = []target{{obj: r.a, label: "-"}}
			}
			for _, tg := range tgs {
				if tg.mixed() && !scoped(rc.class) {
					continue
				}
				if tg.mixed() && strings.HasPrefix(pattern, "/api/imports/") {
					continue // an import names its own campaign
				}
				// Only a call that may succeed gets a thing of its own to use up; the others
				// must leave the standing fixtures alone, and making spares inside the other
				// campaign would change the rows being watched.
				fresh := rc.consumes && expected(rc, st.c, tg) == "ok"
				path, used, inside := r.resolve(key, pattern, tg, fresh)
				if tg.mixed() && !inside {
					continue // nothing but the campaign to mix
				}
				if r.check(method, path, key, rc, st, tg) == "ok" && used != "" {
					delete(r.spares, used+"|"+tg.obj.id)
				}
			}
		}
	}
}

// check makes one call and compares it with the table; it returns the call's outcome.
func (r *isoRun) check(method, path, key string, rc routeCase, st step, tg target) string {
	api := strings.HasPrefix(path, "/api/")
	got := r.call(method, path, rc, st.c, tg)
	want := expected(rc, st.c, tg)
	out := got.outcome(api)
	if !acceptable(out, want, tg) {
		r.t.Errorf("%s as %s on %s (%s): %s (%d), want %s: %.200s", key, st.c.name, tg.label,
			path, out, got.status, want, got.body)
	}
	if st.own != "" && bytes.Contains(got.body, []byte(st.own)) {
		r.ownSeen++
	}
	if st.scan != "" && bytes.Contains(got.body, []byte(st.scan)) {
		r.t.Errorf("%s as %s on %s (%s): the answer shows the other campaign's %s", key,
			st.c.name, tg.label, path, st.scan)
	}
	if rc.archives && out == "ok" {
		r.s.Do("POST", "/api/campaigns/"+tg.camp.id+"/restore", r.admin, nil)
		r.s.Do("PUT", "/api/campaigns/"+tg.camp.id, r.admin, map[string]any{"status": "active"})
	}
	if rc.signsOutEverywhere && out == "ok" {
		r.signBackIn(st.c)
	}
	// Lists and searches are asked again with a word every campaign's data holds.
	segs := strings.Split(key, "/")
	if st.scan != "" && method == "GET" && !strings.HasPrefix(segs[len(segs)-1], ":") &&
		!strings.HasSuffix(path, "/events") && got.status == http.StatusOK {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		again := r.call(method, path+sep+"q=harbor", rc, st.c, tg)
		if again.status >= 500 || bytes.Contains(again.body, []byte(st.scan)) {
			r.t.Errorf("%s as %s searching: %d, or the answer shows %s", key, st.c.name,
				again.status, st.scan)
		}
	}
	return out
}

// signBackIn gives c new credentials after it signed out everywhere, which ended its browser
// session and its sign-in tokens.
func (r *isoRun) signBackIn(c *caller) {
	c.pages = signInAs(r.t, r.s, c.email, c.password)
	c.bearer = c.mint()
	if c.admin {
		r.admin = c.bearer
	}
}

// settle waits until no run and no import is in progress, so that a hash is not taken in the
// middle of background work.
func (r *isoRun) settle() {
	r.t.Helper()
	r.s.App.Data.WaitImports()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var n int
		err := r.s.App.DB.R.QueryRow(
			`SELECT COUNT(*) FROM runs WHERE status IN ('pending', 'running')`).Scan(&n)
		if err != nil {
			r.t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("%d runs still going", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// rowHashes digests, table by table, every row a campaign owns: its own row and every row of
// every table with a campaign_id column, found from the schema so that a new table is covered
// without a change here. The audit log records attempts, not data, and is left out.
type rowHashes map[string]string

// changed names the tables whose rows differ between h and other.
func (h rowHashes) changed(other rowHashes) []string {
	var out []string
	for table, sum := range h {
		if other[table] != sum {
			out = append(out, table)
		}
	}
	slices.Sort(out)
	return out
}

func (r *isoRun) hash(w *world) rowHashes {
	r.t.Helper()
	r.settle()
	db := r.s.App.DB.R
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		r.t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	sums := rowHashes{}
	dump := func(table, where string, arg string) {
		rows, err := db.Query(`SELECT * FROM "`+table+`" WHERE `+where, arg)
		if err != nil {
			r.t.Fatalf("read %s: %v", table, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				r.t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%q", vals))
		}
		sort.Strings(lines)
		sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		sums[table] = fmt.Sprintf("%d rows %s", len(lines), hex.EncodeToString(sum[:8]))
	}
	dump("campaigns", "id = ?", w.id)
	for _, table := range tables {
		if table == "audit_log" {
			continue
		}
		cols, err := db.Query(`SELECT name FROM pragma_table_info(?)`, table)
		if err != nil {
			r.t.Fatal(err)
		}
		owned := false
		for cols.Next() {
			var name string
			cols.Scan(&name)
			owned = owned || name == "campaign_id"
		}
		cols.Close()
		if owned {
			dump(table, "campaign_id = ?", w.id)
		}
	}
	return sums
}

func newIsoRun(t *testing.T) *isoRun {
	s := testutil.NewServer(t, false)
	r := &isoRun{t: t, s: s, admin: s.AdminToken(), table: isolationTable(),
		spares: map[string]string{},
		plain: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}}
	r.a = r.campaign("Alpha", sentinelA)
	r.b = r.campaign("Bravo", sentinelB)
	return r
}

// TestIsolationOfEveryRoute calls every route of the server as anonymous, a platform admin,
// the owner, operator and viewer of campaign A, an owner of campaign B only and a token bound
// to B, with A's ids, B's ids and A's campaign holding B's ids. Every outcome must match the
// table; B's rows must not change while only A's people call, nor A's while only B's do; and
// no answer to one side may show the other side's sentinel.
func TestIsolationOfEveryRoute(t *testing.T) {
	start := time.Now()
	r := newIsoRun(t)
	anon := &caller{name: "anonymous", roles: map[*world]string{}}
	owner := r.person("owner of A", map[*world]string{r.a: "owner"})
	operator := r.person("operator of A", map[*world]string{r.a: "operator"})
	viewer := r.person("viewer of A", map[*world]string{r.a: "viewer"})
	memberB := r.person("owner of B", map[*world]string{r.b: "owner"})
	r.a.tokenPerson, r.b.tokenPerson = owner, memberB
	mintB := func() string {
		tok := r.must("POST", "/api/tokens", memberB.bearer, map[string]any{
			"name": "bound " + r.next(), "campaignId": r.b.id, "role": "operator"})
		return tok["token"].(string)
	}
	tokenB := &caller{name: "token bound to B", email: "-", capped: true,
		roles: map[*world]string{r.b: "operator"}, mint: mintB}
	tokenB.bearer = mintB()
	admin := &caller{name: "admin", email: testutil.AdminEmail,
		password: testutil.AdminPassword, admin: true, roles: map[*world]string{},
		bearer: r.admin, pages: signInAs(t, r.s, testutil.AdminEmail, testutil.AdminPassword)}
	admin.mint = func() string { return r.s.Login(admin.email, admin.password) }
	r.fill(r.a)
	r.fill(r.b)

	var routes []string
	seen := map[string]bool{}
	for _, rt := range r.s.App.Server.Routes() {
		key := rt.Method + " " + rt.Path
		if seen[key] {
			continue
		}
		seen[key] = true
		if _, ok := r.table[key]; !ok {
			t.Errorf("route %s is not in the isolation table; say who may call it", key)
			continue
		}
		routes = append(routes, key)
	}
	for key := range r.table {
		if !seen[key] {
			t.Errorf("the isolation table lists %s, which the server does not have", key)
		}
	}
	slices.Sort(routes)

	onA := target{camp: r.a, obj: r.a, label: "A"}
	onB := target{camp: r.b, obj: r.b, label: "B"}
	aHoldingB := target{camp: r.a, obj: r.b, label: "A with B's ids"}
	bHoldingA := target{camp: r.b, obj: r.a, label: "B with A's ids"}
	aPeople := []*caller{owner, operator, viewer}

	// Outsiders of B: nobody here may change B or see its sentinel.
	before := r.hash(r.b)
	steps := []step{{c: anon, targets: []target{onA, onB}, neutral: true}}
	for _, c := range aPeople {
		steps = append(steps, step{c: c, targets: []target{onB, aHoldingB}, neutral: true,
			scan: sentinelB})
	}
	r.runSteps(routes, steps)
	if changed := r.hash(r.b).changed(before); len(changed) > 0 {
		t.Errorf("B's rows changed while only people outside B called: %v", changed)
	}

	// Outsiders of A.
	before = r.hash(r.a)
	r.runSteps(routes, []step{
		{c: memberB, targets: []target{onA, bHoldingA}, neutral: true, scan: sentinelA},
		{c: tokenB, targets: []target{onA, bHoldingA}, neutral: true, scan: sentinelA},
	})
	if changed := r.hash(r.a).changed(before); len(changed) > 0 {
		t.Errorf("A's rows changed while only people outside A called: %v", changed)
	}

	// Each side at home: A's people change A, never B, and see nothing of B.
	before = r.hash(r.b)
	steps = nil
	for _, c := range aPeople {
		steps = append(steps, step{c: c, targets: []target{onA}, scan: sentinelB,
			own: sentinelA})
	}
	r.runSteps(routes, steps)
	if changed := r.hash(r.b).changed(before); len(changed) > 0 {
		t.Errorf("B's rows changed while A's people worked in A: %v", changed)
	}
	before = r.hash(r.a)
	r.runSteps(routes, []step{
		{c: memberB, targets: []target{onB}, scan: sentinelA, own: sentinelB},
		{c: tokenB, targets: []target{onB}, scan: sentinelA, own: sentinelB},
	})
	if changed := r.hash(r.a).changed(before); len(changed) > 0 {
		t.Errorf("A's rows changed while B's people worked in B: %v", changed)
	}

	// The admin sees and may do everything, but ids of one campaign still do not reach
	// through another.
	r.runSteps(routes, []step{{c: admin, targets: []target{onA, onB, aHoldingB},
		neutral: true}})
	r.settle()
	// Each side's lists, pages and exports show its own sentinel, so the scans above could
	// have found the other's.
	if r.ownSeen < 100 {
		t.Errorf("only %d answers showed their own campaign's sentinel", r.ownSeen)
	}
	t.Logf("%d routes, %d calls, %d answers with their own sentinel, in %s", len(routes),
		r.calls, r.ownSeen, time.Since(start).Round(time.Millisecond))
}

// watchStream opens a campaign's event stream as tok and collects what it carries until the
// test ends.
func watchStream(t *testing.T, s *testutil.Server, campaignID, tok string) func() string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/api/campaigns/"+campaignID+
		"/events", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("stream of %s: %d", campaignID, res.StatusCode)
	}
	var mu sync.Mutex
	var buf bytes.Buffer
	go func() {
		defer res.Body.Close()
		chunk := make([]byte, 4096)
		for {
			n, err := res.Body.Read(chunk)
			mu.Lock()
			buf.Write(chunk[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		return buf.String()
	}
}

// TestEventStreamsStayInTheirCampaign runs agents in two campaigns at once: each campaign's
// stream carries its own runs and never the other's.
func TestEventStreamsStayInTheirCampaign(t *testing.T) {
	r := newIsoRun(t)
	ownerA := r.person("owner of A", map[*world]string{r.a: "owner"})
	ownerB := r.person("owner of B", map[*world]string{r.b: "owner"})
	res := r.s.Do("GET", "/api/campaigns/"+r.b.id+"/events", ownerA.bearer, nil)
	if res.Status != http.StatusNotFound {
		t.Fatalf("A's owner opens B's stream: %d, want 404", res.Status)
	}
	streamA := watchStream(t, r.s, r.a.id, ownerA.bearer)
	streamB := watchStream(t, r.s, r.b.id, ownerB.bearer)
	for _, w := range []*world{r.a, r.b} {
		w.agent = r.newAgent(w)
		r.must("POST", "/api/campaigns/"+w.id+"/agents/"+w.agent+"/run", "",
			map[string]any{"message": w.sentinel + " streamed run"})
		r.must("POST", "/api/campaigns/"+w.id+"/leads", "",
			map[string]any{"name": w.sentinel + " streamed lead"})
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(streamA(), sentinelA) || !strings.Contains(streamB(), sentinelB) {
		if time.Now().After(deadline) {
			t.Fatalf("the streams did not carry their own campaign's events:\nA: %.300s\nB: %.300s",
				streamA(), streamB())
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.settle()
	if strings.Contains(streamA(), sentinelB) {
		t.Error("A's stream carried B's events")
	}
	if strings.Contains(streamB(), sentinelA) {
		t.Error("B's stream carried A's events")
	}
}
