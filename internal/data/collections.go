package data

import (
	"strings"
	"unicode"

	"github.com/clawops/clawops/internal/derrors"
)

// Collection is everything ClawOps knows about one kind of campaign data. The store, the API,
// the pages and CSV are all driven by it, so a new collection costs one definition.
type Collection struct {
	// Path is the collection's name in API URLs: /api/<path>.
	Path string
	// Page is the collection's console page: /c/:slug/<page>.
	Page string
	// List names the fields shown as columns in the console's table.
	List []string
	// Table is the SQL table; every row carries campaign_id.
	Table string
	// ResultKey is the collection's key in an agent result's records ("hoaContacts").
	ResultKey string
	// Title and Singular are what people read ("HOA contacts", "HOA contact").
	Title, Singular string
	// Fields are the collection's own columns, in the order they are shown and exported.
	Fields []Field
	// Key derives the natural key that deduplicates rows within a campaign; nil when the
	// collection has none. An empty key means the row cannot be matched and is never a
	// duplicate.
	Key func(r Values) string
	// KeyFields are the fields Key reads. With KeyFirstOf the key is the first of them that
	// has a value (a lead's email, else its phone); otherwise it is made of all of them.
	KeyFields  []string
	KeyFirstOf bool
	// OneOf names fields of which every row needs at least one, for a collection where no
	// single field is required.
	OneOf []string
	// Status names the field that workflows and bulk status changes move.
	Status string
	// Actions are the review workflow's steps (approve, reject, posted), if any.
	Actions []Action
	// Preview names the field whose text the console shows as it will read, if any.
	Preview string
	// Summary names the fields that stand for a row in lists, feeds and pickers.
	Summary []string
	// ActivityType prefixes the feed events of workflow steps ("content").
	ActivityType string

	byName map[string]*Field
}

// Action is one step of a review workflow.
type Action struct {
	// Name is the URL verb: POST /:id/<name>.
	Name string
	// From are the statuses the step may start from; To is where it leaves the row.
	From []string
	To   string
	// Stamp is a time field set to the moment of the step, if any.
	Stamp string
	// Past is the step in the past tense, for the feed ("approved").
	Past string
}

// Values are a row's field values by field name.
type Values map[string]any

// str returns a text value, or "" when absent.
func (v Values) str(name string) string {
	s, _ := v[name].(string)
	return s
}

// Field returns the field called name.
func (c *Collection) Field(name string) (*Field, bool) {
	f, ok := c.byName[name]
	return f, ok
}

// Action returns the workflow step called name.
func (c *Collection) Action(name string) (Action, bool) {
	for _, a := range c.Actions {
		if a.Name == name {
			return a, true
		}
	}
	return Action{}, false
}

// Plural is the collection's noun for many rows ("HOA contacts", "posts").
func (c *Collection) Plural() string { return plural(2, c.Singular)[2:] }

// Count says how many rows there are in words: "1 lead", "3 HOA contacts".
func (c *Collection) Count(n int) string { return plural(n, c.Singular) }

// Statuses lists the values the status field may take, when they are fixed.
func (c *Collection) Statuses() []string {
	if f, ok := c.Field(c.Status); ok && f.Kind == Enum {
		return f.Values
	}
	return nil
}

// DuplicateError says which fields make row v a duplicate of another row of its campaign, under
// the first of them, so that a form can show it beside that field.
func (c *Collection) DuplicateError(v map[string]string) derrors.Fields {
	var used []string
	for _, name := range c.KeyFields {
		if c.KeyFirstOf && strings.TrimSpace(v[name]) == "" {
			continue
		}
		used = append(used, name)
		if c.KeyFirstOf {
			break
		}
	}
	if len(used) == 0 {
		return derrors.Fields{c.Fields[0].Name: "another " + c.Singular +
			" in this campaign has the same key"}
	}
	return derrors.Fields{used[0]: "another " + c.Singular + " in this campaign has the same " +
		c.labels(used, "and")}
}

// labels names fields for a sentence: "name, email or phone".
func (c *Collection) labels(names []string, conj string) string {
	ls := make([]string, len(names))
	for i, name := range names {
		ls[i] = name
		if f, ok := c.Field(name); ok {
			ls[i] = inSentence(f.Label)
		}
	}
	if len(ls) == 1 {
		return ls[0]
	}
	return strings.Join(ls[:len(ls)-1], ", ") + " " + conj + " " + ls[len(ls)-1]
}

// inSentence lower-cases a label's first letter unless it starts an acronym ("HOA", "ZIP").
func inSentence(label string) string {
	r := []rune(label)
	if len(r) > 1 && unicode.IsUpper(r[1]) {
		return label
	}
	return strings.ToLower(string(r[:1])) + string(r[1:])
}

// checkOneOf adds an error when v has none of the collection's OneOf fields.
func (c *Collection) checkOneOf(v Values, fs derrors.Fields, prefix string) {
	if len(c.OneOf) == 0 {
		return
	}
	for _, name := range c.OneOf {
		if f, ok := c.Field(name); ok && strings.TrimSpace(f.text(v[name])) != "" {
			return
		}
	}
	fs.Add(prefix+c.OneOf[0], "is required when "+c.labels(c.OneOf[1:], "and")+
		" are empty")
}

// touchesOneOf reports whether patch changes one of the OneOf fields. Only such a change is
// checked, so that rows stored before the rule (imported ones) can still change status.
func (c *Collection) touchesOneOf(patch Values) bool {
	for _, name := range c.OneOf {
		if _, ok := patch[name]; ok {
			return true
		}
	}
	return false
}

// requeue clears the times the workflow's steps stamped when patch sends cur back to the
// status the workflow starts from, so that a post waiting again for review does not still
// read as approved or posted at some time. Times given in patch are kept.
func (c *Collection) requeue(cur Record, patch Values) {
	if len(c.Actions) == 0 || len(c.Actions[0].From) == 0 {
		return
	}
	start := c.Actions[0].From[0]
	if to, _ := patch[c.Status].(string); to != start || cur.Text(c.Status) == start {
		return
	}
	for _, a := range c.Actions {
		if _, given := patch[a.Stamp]; a.Stamp != "" && !given {
			patch[a.Stamp] = nil
		}
	}
}

// StepTo is the workflow step that leaves a row at status, when status is one that only a
// step may set (approved, rejected, posted). Changing a row's status to it any other way
// runs that step, with its checks, time stamp and feed entry.
func (c *Collection) StepTo(status any) (Action, bool) {
	s, _ := status.(string)
	for _, a := range c.Actions {
		if s != "" && a.To == s {
			return a, true
		}
	}
	return Action{}, false
}

var reviewActions = func(pending string) []Action {
	return []Action{
		{Name: "approve", From: []string{pending, "rejected"}, To: "approved", Stamp: "approvedAt",
			Past: "approved"},
		{Name: "reject", From: []string{pending, "approved"}, To: "rejected", Past: "rejected"},
		{Name: "posted", From: []string{"approved"}, To: "posted", Stamp: "postedAt",
			Past: "posted"},
	}
}

// score is the 0–100 bound shared by every score field.
func score(name, column, label string) Field {
	return Field{Name: name, Column: column, Label: label, Kind: Int, Bounded: true, Min: 0,
		Max: 100}
}

// count is a non-negative counter.
func count(name, column, label string) Field {
	return Field{Name: name, Column: column, Label: label, Kind: Int, Bounded: true, Min: 0,
		Max: 1e15}
}

func at(name, column, label string) Field {
	return Field{Name: name, Column: column, Label: label, Kind: Time}
}

// Leads are people who may buy.
var Leads = &Collection{
	Path: "leads", Page: "leads",
	List: []string{"name", "email", "company", "source", "status", "score"}, Table: "leads", ResultKey: "leads", Title: "Leads", Singular: "lead",
	Status: "status", Summary: []string{"name", "email", "company"}, ActivityType: "lead",
	Fields: []Field{
		{Name: "name", Column: "name", Label: "Name", Kind: Text, Search: true},
		{Name: "email", Column: "email", Label: "Email", Kind: Email, Search: true},
		{Name: "phone", Column: "phone", Label: "Phone", Kind: Text, Search: true, MaxLen: 50},
		{Name: "company", Column: "company", Label: "Company", Kind: Text, Search: true,
			Filter: true},
		{Name: "source", Column: "source", Label: "Source", Kind: Text, Filter: true},
		{Name: "status", Column: "status", Label: "Status", Kind: Enum, Filter: true,
			Values:  []string{"new", "contacted", "qualified", "converted", "dead"},
			Default: "new"},
		score("score", "score", "Score"),
		{Name: "assignedTo", Column: "assigned_to", Label: "Assigned to", Kind: Text,
			Filter: true},
		at("lastContactedAt", "last_contacted_at", "Last contacted"),
		at("nextFollowUpAt", "next_follow_up_at", "Next follow-up"),
		count("followUpCount", "follow_up_count", "Follow-ups"),
		at("convertedAt", "converted_at", "Converted"),
		{Name: "conversionValue", Column: "conversion_value", Label: "Conversion value",
			Kind: Float, Nullable: true, Bounded: true, Min: 0, Max: 1e12},
		{Name: "notes", Column: "notes", Label: "Notes", Kind: LongText, Search: true},
		{Name: "rawData", Column: "raw_data", Label: "Raw data", Kind: Object},
	},
	KeyFields:  []string{"email", "phone"},
	KeyFirstOf: true,
	OneOf:      []string{"name", "email", "phone"},
	Key: func(r Values) string {
		if e := strings.ToLower(strings.TrimSpace(r.str("email"))); e != "" {
			return "email:" + e
		}
		if p := digits(r.str("phone")); p != "" {
			return "phone:" + p
		}
		return ""
	},
}

// HOAContacts are the boards and managers of homeowners' associations.
var HOAContacts = &Collection{
	Path: "hoa-contacts", Page: "contacts",
	List: []string{"hoaName", "contactPerson", "email", "city", "status", "confidenceScore"}, Table: "hoa_contacts", ResultKey: "hoaContacts",
	Title: "HOA contacts", Singular: "HOA contact", Status: "status",
	Summary: []string{"hoaName", "contactPerson", "city"}, ActivityType: "contact",
	Fields: []Field{
		{Name: "hoaName", Column: "hoa_name", Label: "HOA", Kind: Text, Required: true,
			Search: true},
		{Name: "entityNumber", Column: "entity_number", Label: "Entity number", Kind: Text},
		{Name: "contactPerson", Column: "contact_person", Label: "Contact", Kind: Text,
			Search: true},
		{Name: "title", Column: "title", Label: "Title", Kind: Text},
		{Name: "email", Column: "email", Label: "Email", Kind: Email, Search: true},
		{Name: "phone", Column: "phone", Label: "Phone", Kind: Text, MaxLen: 50},
		{Name: "propertyAddress", Column: "property_address", Label: "Address", Kind: Text},
		{Name: "city", Column: "city", Label: "City", Kind: Text, Filter: true, Search: true},
		{Name: "state", Column: "state", Label: "State", Kind: Text, Filter: true, MaxLen: 50},
		{Name: "zip", Column: "zip", Label: "ZIP", Kind: Text, Filter: true, MaxLen: 20},
		{Name: "unitCount", Column: "unit_count", Label: "Units", Kind: Int, Nullable: true,
			Bounded: true, Min: 0, Max: 1e9},
		{Name: "managementCompany", Column: "management_company", Label: "Management company",
			Kind: Text, Filter: true, Search: true},
		{Name: "sourceUrl", Column: "source_url", Label: "Source URL", Kind: Text, MaxLen: 2000},
		{Name: "sourceType", Column: "source_type", Label: "Source type", Kind: Text,
			Filter: true},
		{Name: "confidenceScore", Column: "confidence_score", Label: "Confidence", Kind: Int,
			Bounded: true, Min: 0, Max: 100, Default: "50"},
		{Name: "status", Column: "status", Label: "Status", Kind: Enum, Filter: true,
			Values: []string{"new", "contacted", "qualified", "disqualified"}, Default: "new"},
		{Name: "notes", Column: "notes", Label: "Notes", Kind: LongText, Search: true},
		at("lastContactedAt", "last_contacted_at", "Last contacted"),
	},
	KeyFields: []string{"hoaName", "city", "zip"},
	Key: func(r Values) string {
		name := fold(r.str("hoaName"))
		if name == "" {
			return ""
		}
		return name + "|" + fold(r.str("city")) + "|" + strings.TrimSpace(r.str("zip"))
	},
}

// ContentQueue holds posts drafted by agents, waiting for a person's approval.
var ContentQueue = &Collection{
	Path: "content-queue", Page: "content",
	List: []string{"topic", "platform", "status", "scheduledFor"}, Table: "content_queue", ResultKey: "contentQueue",
	Title: "Content queue", Singular: "post", Status: "status",
	Summary: []string{"topic", "platform"}, ActivityType: "content", Preview: "content",
	Actions: reviewActions("pending"),
	Fields: []Field{
		{Name: "platform", Column: "platform", Label: "Platform", Kind: Text, Filter: true,
			Default: "facebook", MaxLen: 50},
		{Name: "postType", Column: "post_type", Label: "Post type", Kind: Text, Filter: true,
			Default: "page", MaxLen: 50},
		{Name: "content", Column: "content", Label: "Content", Kind: LongText, Required: true,
			Search: true},
		{Name: "topic", Column: "topic", Label: "Topic", Kind: Text, Search: true},
		{Name: "sourceAgent", Column: "source_agent", Label: "Agent", Kind: Text, Filter: true},
		{Name: "status", Column: "status", Label: "Status", Kind: Enum, Filter: true,
			Values:  []string{"pending", "approved", "rejected", "posted", "failed", "skipped"},
			Default: "pending"},
		at("scheduledFor", "scheduled_for", "Scheduled for"),
		at("approvedAt", "approved_at", "Approved"),
		at("postedAt", "posted_at", "Posted"),
		{Name: "externalPostId", Column: "external_post_id", Label: "External post id",
			Kind: Text},
		{Name: "errorMessage", Column: "error_message", Label: "Error", Kind: LongText,
			MaxLen: 5000},
	},
}

// EngagementQueue holds community threads with a drafted reply, waiting for review.
var EngagementQueue = &Collection{
	Path: "engagement-queue", Page: "engagement",
	List: []string{"postTitle", "community", "platform", "relevanceScore", "status"}, Table: "lg_engagement_queue", ResultKey: "engagementQueue",
	Title: "Engagement queue", Singular: "engagement", Status: "status",
	Summary: []string{"postTitle", "community", "platform"}, ActivityType: "engagement",
	Preview: "draftResponse",
	Actions: reviewActions("pending_review"),
	Fields: []Field{
		{Name: "platform", Column: "platform", Label: "Platform", Kind: Text, Required: true,
			Filter: true, MaxLen: 50},
		{Name: "community", Column: "community", Label: "Community", Kind: Text, Filter: true,
			Search: true},
		{Name: "postUrl", Column: "post_url", Label: "Post URL", Kind: Text, Required: true,
			MaxLen: 2000},
		{Name: "postTitle", Column: "post_title", Label: "Post title", Kind: Text,
			Search: true},
		{Name: "postSummary", Column: "post_summary", Label: "Summary", Kind: LongText,
			Search: true},
		{Name: "postAuthor", Column: "post_author", Label: "Author", Kind: Text},
		{Name: "postAgeHours", Column: "post_age_hours", Label: "Age (hours)", Kind: Int,
			Nullable: true, Bounded: true, Min: 0, Max: 1e6},
		score("relevanceScore", "relevance_score", "Relevance"),
		{Name: "recommendedTemplate", Column: "recommended_template", Label: "Template",
			Kind: Text},
		{Name: "draftResponse", Column: "draft_response", Label: "Draft reply", Kind: LongText,
			Search: true},
		{Name: "includesLink", Column: "includes_link", Label: "Includes link", Kind: Bool,
			Filter: true},
		{Name: "linkUrl", Column: "link_url", Label: "Link URL", Kind: Text, MaxLen: 2000},
		{Name: "status", Column: "status", Label: "Status", Kind: Enum, Filter: true,
			Values:  []string{"pending_review", "approved", "rejected", "posted", "expired"},
			Default: "pending_review"},
		at("approvedAt", "approved_at", "Approved"),
		at("postedAt", "posted_at", "Posted"),
		count("engagementLikes", "engagement_likes", "Likes"),
		count("engagementReplies", "engagement_replies", "Replies"),
		count("engagementClicks", "engagement_clicks", "Clicks"),
		{Name: "notes", Column: "notes", Label: "Notes", Kind: LongText},
	},
	KeyFields: []string{"postUrl"},
	Key:       func(r Values) string { return normURL(r.str("postUrl")) },
}

// CommunityAccounts are the forums and groups a campaign takes part in.
var CommunityAccounts = &Collection{
	Path: "community-accounts", Page: "communities",
	List: []string{"communityName", "platform", "memberCount", "ourStatus", "postsMade"}, Table: "lg_community_accounts", ResultKey: "communityAccounts",
	Title: "Community accounts", Singular: "community account", Status: "ourStatus",
	Summary: []string{"communityName", "platform"}, ActivityType: "community",
	Fields: []Field{
		{Name: "platform", Column: "platform", Label: "Platform", Kind: Text, Required: true,
			Filter: true, MaxLen: 50},
		{Name: "communityName", Column: "community_name", Label: "Community", Kind: Text,
			Required: true, Search: true},
		{Name: "communityUrl", Column: "community_url", Label: "URL", Kind: Text, MaxLen: 2000},
		{Name: "memberCount", Column: "member_count", Label: "Members", Kind: Int,
			Nullable: true, Bounded: true, Min: 0, Max: 1e12},
		{Name: "ourStatus", Column: "our_status", Label: "Our status", Kind: Text,
			Filter: true, Default: "discovered", MaxLen: 50},
		at("joinedAt", "joined_at", "Joined"),
		count("postsMade", "posts_made", "Posts made"),
		{Name: "avgEngagement", Column: "avg_engagement", Label: "Average engagement",
			Kind: Float, Bounded: true, Min: 0, Max: 1e12},
		at("lastScanned", "last_scanned", "Last scanned"),
		{Name: "rulesNotes", Column: "rules_notes", Label: "Rules", Kind: LongText,
			Search: true},
		{Name: "isActive", Column: "is_active", Label: "Active", Kind: Bool, Filter: true,
			Default: "true"},
	},
	KeyFields: []string{"platform", "communityName"},
	Key: func(r Values) string {
		name := fold(r.str("communityName"))
		if name == "" {
			return ""
		}
		return fold(r.str("platform")) + "|" + name
	},
}

// LinkedInProspects are people found on LinkedIn.
var LinkedInProspects = &Collection{
	Path: "linkedin-prospects", Page: "linkedin",
	List: []string{"fullName", "title", "company", "connectionStatus", "leadScore"}, Table: "linkedin_prospects", ResultKey: "linkedinProspects",
	Title: "LinkedIn prospects", Singular: "LinkedIn prospect", Status: "connectionStatus",
	Summary: []string{"fullName", "title", "company"}, ActivityType: "prospect",
	Fields: []Field{
		{Name: "linkedinUrl", Column: "linkedin_url", Label: "Profile URL", Kind: Text,
			Required: true, MaxLen: 2000},
		{Name: "fullName", Column: "full_name", Label: "Name", Kind: Text, Search: true},
		{Name: "title", Column: "title", Label: "Title", Kind: Text, Search: true},
		{Name: "company", Column: "company", Label: "Company", Kind: Text, Search: true,
			Filter: true},
		{Name: "location", Column: "location", Label: "Location", Kind: Text, Filter: true},
		{Name: "connectionStatus", Column: "connection_status", Label: "Connection",
			Kind: Text, Filter: true, Default: "pending", MaxLen: 50},
		at("firstMessageSentAt", "first_message_sent_at", "First message"),
		at("lastInteractionAt", "last_interaction_at", "Last interaction"),
		count("responseCount", "response_count", "Responses"),
		score("leadScore", "lead_score", "Score"),
		{Name: "notes", Column: "notes", Label: "Notes", Kind: LongText, Search: true},
	},
	KeyFields: []string{"linkedinUrl"},
	Key:       func(r Values) string { return normURL(r.str("linkedinUrl")) },
}

// EmailProspects are companies reached by email, such as management firms.
var EmailProspects = &Collection{
	Path: "email-prospects", Page: "prospects",
	List: []string{"companyName", "contactName", "email", "stateCode", "status", "replyCount"}, Table: "email_prospects", ResultKey: "emailProspects",
	Title: "Email prospects", Singular: "email prospect", Status: "status",
	Summary: []string{"companyName", "contactName", "email"}, ActivityType: "prospect",
	Fields: []Field{
		{Name: "companyName", Column: "company_name", Label: "Company", Kind: Text,
			Search: true},
		{Name: "contactName", Column: "contact_name", Label: "Contact", Kind: Text,
			Search: true},
		{Name: "email", Column: "email", Label: "Email", Kind: Email, Required: true,
			Search: true},
		{Name: "phone", Column: "phone", Label: "Phone", Kind: Text, MaxLen: 50},
		{Name: "website", Column: "website", Label: "Website", Kind: Text, MaxLen: 2000},
		{Name: "hoasManaged", Column: "hoas_managed", Label: "HOAs managed", Kind: Int,
			Nullable: true, Bounded: true, Min: 0, Max: 1e9},
		{Name: "stateCode", Column: "state_code", Label: "State", Kind: Text, Filter: true,
			MaxLen: 50},
		{Name: "source", Column: "source", Label: "Source", Kind: Text, Filter: true},
		{Name: "status", Column: "status", Label: "Status", Kind: Text, Filter: true,
			Default: "new", MaxLen: 50},
		at("firstEmailSentAt", "first_email_sent_at", "First email"),
		at("lastContactedAt", "last_contacted_at", "Last contacted"),
		count("openCount", "open_count", "Opens"),
		count("clickCount", "click_count", "Clicks"),
		count("replyCount", "reply_count", "Replies"),
		score("leadScore", "lead_score", "Score"),
	},
	KeyFields: []string{"email"},
	Key:       func(r Values) string { return strings.ToLower(strings.TrimSpace(r.str("email"))) },
}

// QuoraQuestions are questions worth answering.
var QuoraQuestions = &Collection{
	Path: "quora-questions", Page: "quora",
	List: []string{"questionText", "viewCount", "relevanceScore", "status"}, Table: "quora_questions", ResultKey: "quoraQuestions",
	Title: "Quora questions", Singular: "Quora question", Status: "status",
	Summary: []string{"questionText"}, ActivityType: "question",
	Fields: []Field{
		{Name: "questionUrl", Column: "question_url", Label: "Question URL", Kind: Text,
			Required: true, MaxLen: 2000},
		{Name: "questionText", Column: "question_text", Label: "Question", Kind: LongText,
			Search: true, MaxLen: 5000},
		count("viewCount", "view_count", "Views"),
		count("answerCount", "answer_count", "Answers"),
		{Name: "topicTags", Column: "topic_tags", Label: "Topics", Kind: Tags, Search: true},
		score("relevanceScore", "relevance_score", "Relevance"),
		{Name: "status", Column: "status", Label: "Status", Kind: Text, Filter: true,
			Default: "pending", MaxLen: 50},
		at("answeredAt", "answered_at", "Answered"),
		count("ourAnswerViews", "our_answer_views", "Our answer's views"),
		count("ourAnswerUpvotes", "our_answer_upvotes", "Our answer's upvotes"),
	},
	KeyFields: []string{"questionUrl"},
	Key:       func(r Values) string { return normURL(r.str("questionUrl")) },
}

// Webinars are events a campaign runs to meet leads.
var Webinars = &Collection{
	Path: "webinars", Page: "webinars",
	List: []string{"title", "scheduledFor", "platform", "totalRegistered", "status"}, Table: "webinars", ResultKey: "webinars", Title: "Webinars",
	Singular: "webinar", Status: "status", Summary: []string{"title", "scheduledFor"},
	ActivityType: "webinar",
	Fields: []Field{
		{Name: "title", Column: "title", Label: "Title", Kind: Text, Required: true,
			Search: true},
		{Name: "topic", Column: "topic", Label: "Topic", Kind: Text, Search: true},
		at("scheduledFor", "scheduled_for", "Scheduled for"),
		{Name: "durationMinutes", Column: "duration_minutes", Label: "Minutes", Kind: Int,
			Bounded: true, Min: 0, Max: 1440, Default: "60"},
		{Name: "platform", Column: "platform", Label: "Platform", Kind: Text, Filter: true,
			Default: "zoom", MaxLen: 50},
		{Name: "registrationUrl", Column: "registration_url", Label: "Registration URL",
			Kind: Text, MaxLen: 2000},
		{Name: "replayUrl", Column: "replay_url", Label: "Replay URL", Kind: Text,
			MaxLen: 2000},
		count("totalRegistered", "total_registered", "Registered"),
		count("totalAttended", "total_attended", "Attended"),
		count("totalLeads", "total_leads", "Leads"),
		{Name: "status", Column: "status", Label: "Status", Kind: Text, Filter: true,
			Default: "planned", MaxLen: 50},
	},
}

// ReferralPartners are businesses that send a campaign referrals.
var ReferralPartners = &Collection{
	Path: "referral-partners", Page: "partners",
	List: []string{"partnerName", "partnerType", "contactName", "status", "totalReferrals"}, Table: "referral_partners", ResultKey: "referralPartners",
	Title: "Referral partners", Singular: "referral partner", Status: "status",
	Summary: []string{"partnerName", "partnerType"}, ActivityType: "partner",
	Fields: []Field{
		{Name: "partnerName", Column: "partner_name", Label: "Partner", Kind: Text,
			Required: true, Search: true},
		{Name: "partnerType", Column: "partner_type", Label: "Type", Kind: Text, Filter: true},
		{Name: "contactName", Column: "contact_name", Label: "Contact", Kind: Text,
			Search: true},
		{Name: "contactEmail", Column: "contact_email", Label: "Email", Kind: Email,
			Search: true},
		{Name: "contactPhone", Column: "contact_phone", Label: "Phone", Kind: Text, MaxLen: 50},
		{Name: "website", Column: "website", Label: "Website", Kind: Text, MaxLen: 2000},
		{Name: "status", Column: "status", Label: "Status", Kind: Text, Filter: true,
			Default: "prospecting", MaxLen: 50},
		at("agreementSignedAt", "agreement_signed_at", "Agreement signed"),
		count("totalReferrals", "total_referrals", "Referrals"),
		count("qualifiedReferrals", "qualified_referrals", "Qualified"),
		count("closedDeals", "closed_deals", "Closed deals"),
		{Name: "totalRevenue", Column: "total_revenue", Label: "Revenue", Kind: Float,
			Bounded: true, Min: 0, Max: 1e15},
	},
	KeyFields: []string{"partnerName"},
	Key:       func(r Values) string { return fold(r.str("partnerName")) },
}

// All is every collection, in the order the console lists them.
var All = []*Collection{Leads, HOAContacts, ContentQueue, EngagementQueue, CommunityAccounts,
	LinkedInProspects, EmailProspects, QuoraQuestions, Webinars, ReferralPartners}

// ByPath returns the collection served at path.
func ByPath(path string) (*Collection, bool) {
	for _, c := range All {
		if c.Path == path {
			return c, true
		}
	}
	return nil, false
}

// ByPage returns the collection shown on the console page called page.
func ByPage(page string) (*Collection, bool) {
	for _, c := range All {
		if c.Page == page {
			return c, true
		}
	}
	return nil, false
}

// ByResultKey returns the collection named key in an agent result's records.
func ByResultKey(key string) (*Collection, bool) {
	for _, c := range All {
		if c.ResultKey == key {
			return c, true
		}
	}
	return nil, false
}

func init() {
	for _, c := range All {
		c.byName = make(map[string]*Field, len(c.Fields))
		for i := range c.Fields {
			c.byName[c.Fields[i].Name] = &c.Fields[i]
		}
	}
}

// fold lower-cases s and squeezes its spaces, so that "Palm  Grove HOA" and "palm grove hoa"
// are one key.
func fold(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// normURL makes the key of a URL: no scheme, no "www.", no trailing slash or fragment, lower
// case host.
func normURL(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	if _, rest, ok := strings.Cut(s, "://"); ok {
		s = rest
	}
	host, path, _ := strings.Cut(s, "/")
	host = strings.TrimPrefix(strings.ToLower(host), "www.")
	if host == "" {
		return ""
	}
	return strings.TrimRight(host+"/"+path, "/")
}
