package seed

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/clawops/clawops/internal/schedule"
)

// demoSeed fixes the demo's random choices, so that the history depends only on its now.
const (
	demoSeedHi = 0x436c61774f7073
	demoSeedLo = 2026
)

// history is every row the demo inserts.
type history struct {
	now        time.Time
	fleets     []fleet
	runs       []runRow
	leads      []leadRow
	contacts   []contactRow
	content    []contentRow
	engagement []engagementRow
	prospects  []prospectRow
	activity   []activityRow
	metrics    []metricRow
}

type runRow struct {
	id, campaignID, agentID, agentName, scheduleID string
	trigger, status, message, output, err          string
	startedAt, finishedAt                          time.Time
	fireAt                                         *time.Time
	tokens                                         int
	cost                                           float64
	records, metrics                               string
	counts                                         runCounts
	// found counts the leads and contacts the run produced.
	found int
}

// runCounts are the increments a run reports besides its records.
type runCounts struct {
	EmailsSent      int `json:"emailsSent,omitempty"`
	EmailsOpened    int `json:"emailsOpened,omitempty"`
	RepliesReceived int `json:"repliesReceived,omitempty"`
}

type activityRow struct {
	id, campaignID, typ, severity, title, detail, agentID, runID string
	at                                                           time.Time
}

// generator draws the demo history from one seeded source, campaign by campaign, day by day.
type generator struct {
	rng  *rand.Rand
	now  time.Time
	h    *history
	seq  int
	keys map[string]bool
}

// generate builds the whole history for the fleets, ending at now.
func generate(now time.Time, fleets []fleet) *history {
	g := &generator{
		rng:  rand.New(rand.NewPCG(demoSeedHi, demoSeedLo)),
		now:  now,
		h:    &history{now: now, fleets: fleets},
		keys: map[string]bool{},
	}
	for i := range fleets {
		g.campaign(&fleets[i])
	}
	g.keepReviewQueue()
	g.h.metrics = computeMetrics(g.h)
	return g.h
}

// reviewQueue is how many drafts each campaign keeps waiting for approval, whatever the time
// of day the demo is loaded at, so that the review workflow always has something to show.
const reviewQueue = 3

// keepReviewQueue turns the newest drafts of each campaign back into pending ones until it
// has reviewQueue of them. The rollup counts posted email content, so metrics follow.
func (g *generator) keepReviewQueue() {
	pending := map[string]int{}
	for _, c := range g.h.content {
		if c.status == "pending" {
			pending[c.campaignID]++
		}
	}
	for i := len(g.h.content) - 1; i >= 0; i-- {
		c := &g.h.content[i]
		if c.status == "pending" || pending[c.campaignID] >= reviewQueue {
			continue
		}
		c.status, c.approvedAt, c.scheduledFor, c.postedAt = "pending", nil, nil, nil
		c.externalID, c.updatedAt = "", c.createdAt
		pending[c.campaignID]++
	}
}

func (g *generator) campaign(f *fleet) {
	if len(f.members) == 0 {
		return
	}
	from := g.now.Add(-demoDays * day)
	until := g.now.Add(-time.Duration(f.quietDays) * day)
	var plan []planned
	for _, m := range f.members {
		plan = append(plan, g.fires(f, m, from, until)...)
	}
	plan = append(plan, g.manual(f, from, until)...)
	slices.SortStableFunc(plan, func(a, b planned) int { return a.start.Compare(b.start) })
	for _, p := range plan {
		g.run(f, p)
	}
}

// planned is a run to generate: a fire of the agent's schedule, or one started by hand.
type planned struct {
	m     member
	start time.Time
	fire  *time.Time
}

// fires are the scheduled runs of m: its cron's fire times in the campaign's zone, less the
// odd one missed while the server was down.
func (g *generator) fires(f *fleet, m member, from, until time.Time) []planned {
	if m.cron == "" {
		return nil
	}
	c, err := schedule.ParseCron(m.cron)
	if err != nil {
		return nil
	}
	var out []planned
	for t := c.Next(from, f.loc); !t.IsZero() && t.Before(until); t = c.Next(t, f.loc) {
		if g.rng.IntN(12) == 0 {
			continue
		}
		fire := t.UTC()
		start := fire.Add(time.Duration(g.rng.IntN(30000)) * time.Millisecond)
		out = append(out, planned{m: m, start: start, fire: &fire})
	}
	return out
}

// manual are the runs people started, a few a day at any time.
func (g *generator) manual(f *fleet, from, until time.Time) []planned {
	var out []planned
	for d := from; d.Before(until); d = d.Add(day) {
		for range g.rng.IntN(f.maxManual + 1) {
			start := g.between(d, minTime(d.Add(day), until))
			out = append(out, planned{m: pick(g, f.members), start: start})
		}
	}
	return out
}

func (g *generator) run(f *fleet, p planned) {
	m := p.m
	r := runRow{id: g.id(), campaignID: f.campaignID, agentID: m.id, agentName: m.name,
		fireAt: p.fire}
	r.trigger, r.scheduleID, r.message = g.trigger(p)
	r.status = g.weighted([]string{"completed", "failed", "timeout"}, []int{84, 11, 5})
	duration := g.duration(r.status, m.timeout)
	// A run still going at the end of the history would never finish: leave it out.
	if p.start.Add(duration).After(g.now) {
		return
	}
	r.startedAt, r.finishedAt = p.start, p.start.Add(duration)
	switch r.status {
	case "completed":
		r.tokens = 2000 + g.rng.IntN(28000)
		g.produce(f, m, &r)
	case "failed":
		r.tokens = g.rng.IntN(2000)
		r.err = pick(g, runErrors)
	default:
		r.err = fmt.Sprintf("timed out after %d s", int(m.timeout.Seconds()))
	}
	r.cost = math.Round(float64(r.tokens)*0.000009*1e4) / 1e4
	r.metrics = marshal(r.counts)
	if r.records == "" {
		r.records = "{}"
	}
	g.h.runs = append(g.h.runs, r)
	g.runActivity(m, r)
}

func (g *generator) trigger(p planned) (trigger, scheduleID, message string) {
	if p.fire != nil {
		return "scheduled", p.m.scheduleID, p.m.message
	}
	if g.rng.IntN(6) == 0 {
		return "api", "", "Run requested by an API client."
	}
	return "manual", "", "Run now."
}

func (g *generator) duration(status string, timeout time.Duration) time.Duration {
	switch status {
	case "completed":
		return time.Duration(20+g.rng.IntN(340)) * time.Second
	case "failed":
		return time.Duration(2+g.rng.IntN(88)) * time.Second
	}
	return timeout
}

// produce makes the records of a completed run and says what it did.
func (g *generator) produce(f *fleet, m member, r *runRow) {
	switch m.kind {
	case kindLeads:
		n := 1 + g.rng.IntN(4)
		for range n {
			g.lead(f, r)
		}
		r.records, r.output = marshal(map[string]int{"leads": n}),
			fmt.Sprintf("Found %d new leads worth a follow-up.", n)
	case kindContacts:
		n := 2 + g.rng.IntN(4)
		for range n {
			g.contact(f, r)
		}
		r.records, r.output = marshal(map[string]int{"hoaContacts": n}),
			fmt.Sprintf("Found %d HOA board contacts.", n)
	case kindContent:
		n := 1 + g.rng.IntN(2)
		for range n {
			g.contentItem(f, m, r)
		}
		r.records, r.output = marshal(map[string]int{"contentQueue": n}),
			fmt.Sprintf("Drafted %d posts and queued them for approval.", n)
	default:
		g.produceMore(f, m, r)
	}
}

func (g *generator) produceMore(f *fleet, m member, r *runRow) {
	switch m.kind {
	case kindEngagement:
		n := g.rng.IntN(3)
		for range n {
			g.engagementItem(f, r)
		}
		r.records, r.output = marshal(map[string]int{"engagementQueue": n}),
			fmt.Sprintf("Scanned the communities; %d threads worth a reply.", n)
	case kindProspects:
		n := 1 + g.rng.IntN(3)
		for range n {
			g.prospect(f, r)
		}
		r.records, r.output = marshal(map[string]int{"emailProspects": n}),
			fmt.Sprintf("Researched %d prospects and drafted first emails.", n)
	case kindEmail:
		r.counts = runCounts{EmailsSent: 5 + g.rng.IntN(16), EmailsOpened: 2 + g.rng.IntN(7),
			RepliesReceived: g.rng.IntN(3)}
		r.output = fmt.Sprintf("Sent %d emails; %d opened, %d replied.", r.counts.EmailsSent,
			r.counts.EmailsOpened, r.counts.RepliesReceived)
	default:
		r.output = fmt.Sprintf("Checked %d items; nothing needs attention.", 3+g.rng.IntN(20))
	}
}

func (g *generator) runActivity(m member, r runRow) {
	a := activityRow{id: g.id(), campaignID: r.campaignID, agentID: m.id, runID: r.id,
		at: r.finishedAt}
	switch r.status {
	case "completed":
		a.typ, a.severity, a.title = "run.completed", "success", "Run completed"
		a.detail = m.name + ": " + r.output
	case "failed":
		a.typ, a.severity, a.title = "run.failed", "error", "Run failed"
		a.detail = m.name + ": " + r.err
	default:
		a.typ, a.severity, a.title = "run.failed", "error", "Run timed out"
		a.detail = m.name + ": " + r.err
	}
	g.h.activity = append(g.h.activity, a)
	if n := r.found; n > 0 {
		g.h.activity = append(g.h.activity, activityRow{
			id: g.id(), campaignID: r.campaignID, typ: "lead.generated", severity: "success",
			title: leadsGenerated(n), detail: "From a run of " + m.name + ".",
			agentID: m.id, runID: r.id, at: r.finishedAt,
		})
	}
}

func leadsGenerated(n int) string {
	if n == 1 {
		return "1 lead generated"
	}
	return fmt.Sprintf("%d leads generated", n)
}

// id is a version 4 UUID drawn from the seeded source.
func (g *generator) id() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], g.rng.Uint64())
	binary.BigEndian.PutUint64(b[8:], g.rng.Uint64())
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// weighted picks one option with the given relative weights.
func (g *generator) weighted(options []string, weights []int) string {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return options[i]
		}
		n -= w
	}
	return options[len(options)-1]
}

// between is a time in [a, b), or a when the span is empty.
func (g *generator) between(a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	return a.Add(time.Duration(g.rng.Int64N(int64(b.Sub(a))))).Truncate(time.Millisecond)
}

// unique returns name, or name with a number appended, such that name+rest is new in space.
func (g *generator) unique(space, name, rest string) string {
	n := name
	for i := 2; g.keys[space+"\x00"+strings.ToLower(n+rest)]; i++ {
		n = fmt.Sprintf("%s %d", name, i)
	}
	g.keys[space+"\x00"+strings.ToLower(n+rest)] = true
	return n
}

func pick[T any](g *generator, list []T) T { return list[g.rng.IntN(len(list))] }

func marshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}
