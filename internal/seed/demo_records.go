package seed

import (
	"fmt"
	"math"
	"strings"
	"time"
)

type leadRow struct {
	id, campaignID, runID, email, source, name, phone, company, status, notes string
	score, followUps                                                          int
	lastContacted, nextFollowUp, converted                                    *time.Time
	value                                                                     *float64
	createdAt, updatedAt                                                      time.Time
}

type contactRow struct {
	id, campaignID, runID, key, hoaName, entity, person, title, email, phone string
	address, city, state, zip, management, sourceURL, sourceType, status     string
	units, confidence                                                        int
	lastContacted                                                            *time.Time
	createdAt, updatedAt                                                     time.Time
}

type contentRow struct {
	id, campaignID, runID, platform, postType, content, topic, agent, status, externalID string
	scheduledFor, approvedAt, postedAt                                                   *time.Time
	createdAt, updatedAt                                                                 time.Time
}

type engagementRow struct {
	id, campaignID, runID, platform, community, url, title, summary, author string
	draft, linkURL, status                                                  string
	ageHours, relevance, likes, replies, clicks                             int
	approvedAt, postedAt                                                    *time.Time
	createdAt, updatedAt                                                    time.Time
}

type prospectRow struct {
	id, campaignID, runID, company, contact, email, phone, website, state string
	source, status                                                        string
	hoas                                                                  *int
	opens, clicks, replies, score                                         int
	firstEmail                                                            *time.Time
	createdAt, updatedAt                                                  time.Time
}

const day = 24 * time.Hour

// person invents a name and a unique address at example.com or example.org.
func (g *generator) person() (name, email string) {
	first, last := pick(g, firstNames), pick(g, lastNames)
	g.seq++
	domain := pick(g, []string{"example.com", "example.org"})
	email = fmt.Sprintf("%s.%s%d@%s", strings.ToLower(first), strings.ToLower(last), g.seq,
		domain)
	return first + " " + last, email
}

// phone is a number in the 555-0100 to 555-0199 range, which is reserved for fiction.
func (g *generator) phone(r *region) string {
	area := "555"
	if len(r.areaCodes) > 0 {
		area = pick(g, r.areaCodes)
	}
	return fmt.Sprintf("+1-%s-555-01%02d", area, g.rng.IntN(100))
}

func (g *generator) lead(f *fleet, r *runRow) {
	name, email := g.person()
	l := leadRow{
		id: g.id(), campaignID: f.campaignID, runID: r.id, email: email, name: name,
		phone: g.phone(f.region), company: pick(g, f.region.companies),
		source: pick(g, f.region.leadSource), score: 20 + g.rng.IntN(76),
		createdAt: r.finishedAt,
	}
	l.status = g.weighted([]string{"new", "contacted", "qualified", "converted", "dead"},
		[]int{25, 35, 20, 8, 12})
	if g.now.Sub(l.createdAt) < 36*time.Hour {
		l.status = "new"
	}
	l.updatedAt = l.createdAt
	if l.status != "new" {
		g.progressLead(&l)
	}
	r.found++
	g.h.leads = append(g.h.leads, l)
}

// progressLead gives a lead that moved past new its contact and conversion times.
func (g *generator) progressLead(l *leadRow) {
	contacted := g.between(l.createdAt.Add(2*time.Hour), minTime(l.createdAt.Add(5*day), g.now))
	l.lastContacted, l.updatedAt = &contacted, contacted
	l.followUps = 1 + g.rng.IntN(3)
	switch l.status {
	case "contacted", "qualified":
		next := contacted.Add(time.Duration(3+g.rng.IntN(5)) * day)
		l.nextFollowUp = &next
		l.notes = "Asked for a call after the next board meeting."
	case "converted":
		at := g.between(contacted, g.now)
		value := math.Round(float64(15000+g.rng.IntN(235000))/100) * 100
		l.converted, l.value, l.updatedAt = &at, &value, at
		l.notes = "Signed the term sheet."
	case "dead":
		l.notes = "Not interested this year."
	}
}

func (g *generator) contact(f *fleet, r *runRow) {
	reg := f.region
	c := pick(g, reg.cities)
	name := fmt.Sprintf("%s %s %s", pick(g, hoaPrefixes), pick(g, hoaSuffixes),
		pick(g, hoaKindsOfAssociation))
	zip := fmt.Sprintf("%05d", c.zipBase+g.rng.IntN(40))
	name = g.unique(f.campaignID+"/hoa", name, "|"+c.name+"|"+zip)
	person, email := g.person()
	k := contactRow{
		id: g.id(), campaignID: f.campaignID, runID: r.id, hoaName: name,
		key:    strings.ToLower(name + "|" + c.name + "|" + zip),
		entity: fmt.Sprintf("N%08d", g.rng.IntN(100000000)), person: person,
		title: pick(g, boardTitles), email: email, phone: g.phone(reg),
		address: fmt.Sprintf("%d %s", 100+g.rng.IntN(9800), pick(g, streets)),
		city:    c.name, state: reg.state, zip: zip, management: pick(g, managementCompanies),
		sourceType: pick(g, []string{"state-registry", "county-records", "community-website"}),
		units:      40 + g.rng.IntN(560), confidence: 40 + g.rng.IntN(59), createdAt: r.finishedAt,
	}
	k.sourceURL = fmt.Sprintf("https://records.example.org/%s/%s", strings.ToLower(reg.state),
		k.entity)
	k.status = g.weighted([]string{"new", "contacted", "qualified", "disqualified"},
		[]int{45, 30, 15, 10})
	k.updatedAt = k.createdAt
	if k.status != "new" && g.now.Sub(k.createdAt) > day {
		at := g.between(k.createdAt.Add(time.Hour), minTime(k.createdAt.Add(4*day), g.now))
		k.lastContacted, k.updatedAt = &at, at
	} else {
		k.status = "new"
	}
	r.found++
	g.h.contacts = append(g.h.contacts, k)
}

func (g *generator) contentItem(f *fleet, m member, r *runRow) {
	topic := pick(g, f.region.topics)
	c := contentRow{
		id: g.id(), campaignID: f.campaignID, runID: r.id, topic: topic, agent: m.name,
		platform: pick(g, f.region.platforms), createdAt: r.finishedAt,
	}
	c.postType, c.content = contentText(c.platform, topic)
	c.status = g.weighted([]string{"pending", "approved", "posted", "rejected"},
		[]int{15, 20, 55, 10})
	if g.now.Sub(c.createdAt) < day {
		c.status = "pending"
	}
	c.updatedAt = c.createdAt
	if c.status == "approved" || c.status == "posted" {
		g.publish(&c)
	}
	g.h.content = append(g.h.content, c)
}

// publish approves an item and posts it when its slot has passed.
func (g *generator) publish(c *contentRow) {
	approved := c.createdAt.Add(time.Duration(1+g.rng.IntN(12)) * time.Hour)
	slot := approved.Add(day)
	c.approvedAt, c.scheduledFor, c.updatedAt = &approved, &slot, approved
	if c.status == "posted" && slot.Before(g.now) {
		c.postedAt, c.updatedAt = &slot, slot
		c.externalID = fmt.Sprintf("%s_%d", c.platform, 1000000+g.rng.IntN(9000000))
	} else {
		c.status = "approved"
	}
}

func contentText(platform, topic string) (postType, text string) {
	switch platform {
	case "blog":
		return "article", "Draft article: " + topic + ". About 1,400 words with a checklist " +
			"for board members and a call to book a funding review."
	case "twitter", "telegram":
		return "update", topic + ". Levels to watch and what moved overnight in today's " +
			"summary."
	}
	return "page", topic + " — a short guide for boards planning their next project. " +
		"Link in the comments."
}

func (g *generator) engagementItem(f *fleet, r *runRow) {
	community := pick(g, f.region.communities)
	g.seq++
	e := engagementRow{
		id: g.id(), campaignID: f.campaignID, runID: r.id, community: community,
		platform: "reddit", author: fmt.Sprintf("user%04d", g.rng.IntN(10000)),
		title:     "How did your board pay for " + strings.ToLower(pick(g, f.region.topics)) + "?",
		summary:   "A board member asks how other communities handled a large project.",
		ageHours:  1 + g.rng.IntN(48),
		relevance: 55 + g.rng.IntN(44), createdAt: r.finishedAt,
		draft: "We went through this last year: get a reserve study first, then compare a " +
			"loan with a special assessment. Happy to share our checklist.",
	}
	if !strings.HasPrefix(community, "r/") {
		e.platform = "facebook"
	}
	e.url = fmt.Sprintf("https://forum.example.org/%s/t/%d", e.platform, g.seq)
	if g.rng.IntN(3) == 0 {
		e.linkURL = "https://www.example.com/guides/project-funding"
	}
	e.status = g.weighted([]string{"pending_review", "approved", "posted", "rejected", "expired"},
		[]int{20, 15, 40, 15, 10})
	e.updatedAt = e.createdAt
	if e.status == "approved" || e.status == "posted" {
		at := g.between(e.createdAt, minTime(e.createdAt.Add(day), g.now))
		e.approvedAt, e.updatedAt = &at, at
	}
	if e.status == "posted" {
		e.postedAt = e.approvedAt
		e.likes, e.replies, e.clicks = g.rng.IntN(25), g.rng.IntN(6), g.rng.IntN(10)
	}
	g.h.engagement = append(g.h.engagement, e)
}

func (g *generator) prospect(f *fleet, r *runRow) {
	company := pick(g, f.region.companies)
	name, email := g.person()
	p := prospectRow{
		id: g.id(), campaignID: f.campaignID, runID: r.id, company: company, contact: name,
		email: email, phone: g.phone(f.region), state: f.region.state, status: "new",
		website:   "https://" + slug(company) + ".example.com",
		source:    pick(g, []string{"license-list", "linkedin", "directory"}),
		score:     10 + g.rng.IntN(81),
		createdAt: r.finishedAt, updatedAt: r.finishedAt,
	}
	if f.region.state != "" {
		n := 5 + g.rng.IntN(146)
		p.hoas = &n
	}
	if g.rng.IntN(5) < 3 {
		at := minTime(p.createdAt.Add(time.Duration(10+g.rng.IntN(110))*time.Minute), g.now)
		p.firstEmail, p.updatedAt, p.status = &at, at, "contacted"
		p.opens, p.clicks = g.rng.IntN(4), g.rng.IntN(2)
		if g.rng.IntN(10) == 0 {
			p.replies, p.status = 1, "replied"
		} else if p.opens > 0 {
			p.status = "opened"
		}
	}
	g.h.prospects = append(g.h.prospects, p)
}

func slug(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), " ", "-")
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
