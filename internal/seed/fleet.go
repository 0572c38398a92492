package seed

// FleetAgent is one agent of the HOA fleet: its template, its agent in the default campaign
// and, when it has a cron, its schedule there.
type FleetAgent struct {
	// Name is the agent's name and its openclaw agent id.
	Name        string
	Description string
	Category    string
	// Cron is the schedule's five-field cron in the campaign's zone; "" for no schedule.
	Cron string
	// Schedule names the schedule.
	Schedule string
	// Message is the task the schedule gives the agent.
	Message string
}

// HOAFleet is the fleet of the default campaign, in the order of the product specification.
var HOAFleet = []FleetAgent{
	{
		Name: "hoa-content-writer", Category: "content",
		Description: "Writes SEO blog posts for HOA boards.",
		Cron:        "0 8 * * 1", Schedule: "Weekly SEO blog post",
		Message: "Write this week's SEO blog post for Florida HOA boards. Pick the next topic " +
			"from the content plan (reserve studies, special assessments, financing capital " +
			"projects), aim for 1,200 to 1,500 words and queue it for approval.",
	},
	{
		Name: "hoa-cms-publisher", Category: "content",
		Description: "Publishes approved posts to the website.",
		Cron:        "30 8 * * 1", Schedule: "Publish approved posts",
		Message: "Publish every approved blog post to the website and report the URLs.",
	},
	{
		Name: "hoa-social-media", Category: "social",
		Description: "Turns published articles into social posts.",
		Cron:        "0 10 * * 1,3,5", Schedule: "Social posts from new articles",
		Message: "Turn the latest published articles into Facebook and LinkedIn posts and add " +
			"them to the content queue for approval.",
	},
	{
		Name: "hoa-social-engagement", Category: "social",
		Description: "Drafts replies to comments on our pages and posts.",
		Cron:        "0 9 * * 1-5", Schedule: "Daily comment replies",
		Message: "Draft replies to new comments on our pages and posts and queue each one " +
			"for review.",
	},
	{
		Name: "hoa-networker", Category: "social",
		Description: "Finds community threads and drafts helpful replies.",
		Cron:        "0 14 * * 2,4", Schedule: "Community thread scan",
		Message: "Find new HOA community threads where board members ask about funding " +
			"repairs or projects, and draft helpful replies for review.",
	},
	{
		Name: "hoa-email-campaigns", Category: "outreach",
		Description: "Drafts nurture emails and the newsletter.",
		Cron:        "0 10 * * 5", Schedule: "Weekly newsletter and nurture drafts",
		Message: "Draft this week's newsletter and the next nurture email for new leads.",
	},
	{
		Name: "hoa-facebook-poster", Category: "social",
		Description: "Posts content-queue items that are due.",
	},
	{
		Name: "hoa-website-publisher", Category: "content",
		Description: "Updates website copy.",
	},
	{
		Name: "hoa-discovery", Category: "research",
		Description: "Finds HOA communities.",
		Cron:        "0 6 * * 1", Schedule: "Weekly HOA discovery",
		Message: "Find Florida HOA communities that are not in the contact list yet, with " +
			"their unit counts and management companies.",
	},
	{
		Name: "hoa-contact-finder", Category: "research",
		Description: "Finds board contacts of HOA communities.",
		Cron:        "0 8 * * 2", Schedule: "Board contact search",
		Message: "Find the board members and their contact details for newly discovered HOAs.",
	},
	{
		Name: "hoa-contact-enricher", Category: "research",
		Description: "Enriches contacts with missing details.",
	},
	{
		Name: "hoa-outreach-drafter", Category: "outreach",
		Description: "Drafts personalised outreach emails.",
		Cron:        "0 9 * * 4", Schedule: "Weekly outreach drafts",
		Message: "Draft personalised outreach emails for qualified contacts who have not " +
			"been contacted yet.",
	},
	{
		Name: "hoa-minutes-monitor", Category: "research",
		Description: "Scores board minutes for buying signals.",
		Cron:        "0 7 * * 1,4", Schedule: "Board minutes review",
		Message: "Read newly posted board minutes and score them for buying signals such as " +
			"upcoming special assessments or roof and paving projects.",
	},
}

// TemplateID is the stable id of a fleet agent's template.
func (a FleetAgent) TemplateID() string { return "tpl-" + a.Name }

// AgentID is the stable id of a fleet agent in the default campaign.
func (a FleetAgent) AgentID() string { return "agt-" + a.Name }

// ScheduleID is the stable id of a fleet agent's schedule in the default campaign.
func (a FleetAgent) ScheduleID() string { return "sch-" + a.Name }
