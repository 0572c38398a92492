package seed

// region holds the invented names a campaign's demo records are drawn from. Every person,
// company and address here is made up; mail goes to example.com and example.org and phone
// numbers are in the 555-01xx range reserved for fiction.
type region struct {
	state       string
	areaCodes   []string
	cities      []city
	companies   []string
	leadSource  []string
	topics      []string
	communities []string
	platforms   []string
}

type city struct {
	name    string
	zipBase int
}

var firstNames = []string{
	"Maria", "James", "Aisha", "Robert", "Linda", "Carlos", "Priya", "Michael", "Susan",
	"David", "Grace", "Omar", "Helen", "Daniel", "Keiko", "Thomas", "Rosa", "Kevin", "Nadia",
	"Peter", "Elena", "Marcus", "Joan", "Victor", "Fatima", "George", "Irene", "Samuel",
	"Lucia", "Brian",
}

var lastNames = []string{
	"Alvarez", "Bennett", "Chen", "Delgado", "Edwards", "Fischer", "Garcia", "Hughes", "Ibrahim",
	"Jensen", "Kowalski", "Lopez", "Morrison", "Nguyen", "Okafor", "Patel", "Quinn", "Russo",
	"Schmidt", "Turner", "Underwood", "Vasquez", "Whitaker", "Xu", "Young", "Zimmerman",
	"Brooks", "Castillo", "Duarte", "Ellison",
}

var hoaPrefixes = []string{
	"Palm", "Cypress", "Heron", "Coral", "Osprey", "Magnolia", "Sawgrass", "Pelican", "Mangrove",
	"Bayview", "Sunset", "Lakeside", "Willow", "Harbor", "Oak", "Seagrape", "Juniper", "Sandpiper",
	"Vista", "Canyon",
}

var hoaSuffixes = []string{
	"Pointe", "Village", "Landing", "Isles", "Ridge", "Creek", "Shores", "Preserve", "Commons",
	"Terrace", "Gardens", "Estates", "Crossing", "Hills", "Cove",
}

var hoaKindsOfAssociation = []string{
	"HOA", "Homeowners Association", "Condominium Association", "Community Association",
}

var boardTitles = []string{"President", "Treasurer", "Secretary", "Vice President", "Director"}

var streets = []string{
	"Ocean Dr", "Palmetto Way", "Heron Blvd", "Coral Ct", "Bay Rd", "Lake Ave", "Sunrise Ln",
	"Canyon View Dr", "Mission St", "Vista Pkwy",
}

var managementCompanies = []string{
	"Coastal Community Management", "Sunstate Association Services", "Keystone Property Partners",
	"Bluewater HOA Management", "Pinnacle Community Advisors", "Evergreen Association Group",
	"Harborline Management", "Meridian Residential Services",
}

var florida = region{
	state:     "FL",
	areaCodes: []string{"305", "407", "813", "954", "941"},
	cities: []city{
		{"Miami", 33130}, {"Orlando", 32801}, {"Tampa", 33602}, {"Naples", 34102},
		{"Sarasota", 34230}, {"Boca Raton", 33431}, {"Fort Lauderdale", 33301},
		{"Jacksonville", 32202},
	},
	companies:  managementCompanies,
	leadSource: []string{"board-minutes", "website-form", "referral", "community-forum"},
	topics: []string{
		"How to fund a roof replacement without a special assessment",
		"Reserve studies: what Florida boards must know after SB 4-D",
		"Paving projects and how to finance them",
		"Milestone inspections explained for condo boards",
		"Comparing HOA loans and special assessments",
		"Hurricane hardening projects that pay for themselves",
	},
	communities: []string{"r/HOA", "r/condoassociation", "Florida HOA Board Members",
		"Condo Owners of Florida"},
	platforms: []string{"facebook", "linkedin", "blog"},
}

var california = region{
	state:     "CA",
	areaCodes: []string{"619", "714", "916", "408", "707"},
	cities: []city{
		{"San Diego", 92101}, {"Irvine", 92602}, {"Sacramento", 95814}, {"San Jose", 95113},
		{"Fresno", 93721}, {"Santa Rosa", 95401},
	},
	companies:  managementCompanies,
	leadSource: []string{"board-minutes", "website-form", "referral"},
	topics: []string{
		"SB 326 balcony inspections: funding the repairs",
		"Wildfire defensible-space projects for HOAs",
		"Solar for common areas: costs and financing",
		"Drought-tolerant landscaping conversions",
	},
	communities: []string{"r/HOA", "California HOA Boards"},
	platforms:   []string{"facebook", "linkedin", "blog"},
}

var saas = region{
	areaCodes: []string{"415", "212", "617"},
	companies: []string{
		"Brightlane Software", "Cloudcrest", "Datapier", "Flowmatic", "Ledgerly", "Metricwise",
		"Nimbus Desk", "Quillstack", "Relaypoint", "Stacksmith", "Tallyhub", "Verdant CRM",
	},
	leadSource: []string{"linkedin", "product-hunt", "indie-hackers", "webinar"},
	topics: []string{
		"Five reports every operations lead rebuilds by hand",
		"Why weekly metrics reviews fail",
	},
	communities: []string{"r/SaaS", "Indie Hackers"},
	platforms:   []string{"linkedin", "blog"},
}

var markets = region{
	topics: []string{
		"Bitcoin holds above its 50-day average",
		"Ether volatility picks up before the upgrade",
		"Stablecoin flows and what they signal",
		"Funding rates cool after the weekend rally",
		"Weekly market wrap",
	},
	platforms: []string{"twitter", "telegram"},
}

var runErrors = []string{
	"exit status 1: upstream API answered 429 Too Many Requests",
	"exit status 2: login to the community site failed: session expired",
	"invalid JSON on stdout: unexpected end of input",
	"exit status 1: page layout changed, could not find the results table",
}
