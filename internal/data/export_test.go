package data

// SetSearchThresholds changes how searches choose their plan, so that tests can run every
// plan on a handful of rows: small is the largest collection tested row by row, hits the
// matches among the first rows that make a search walk rather than use the index. It returns
// a function that puts the defaults back.
func SetSearchThresholds(small, hits int) (restore func()) {
	oldSmall, oldHits := smallCollection, probeHits
	smallCollection, probeHits = small, hits
	return func() { smallCollection, probeHits = oldSmall, oldHits }
}

// PageSQL is the statement Records runs for a page of q without a search, and its arguments.
func PageSQL(c *Collection, campaignID string, q Query) (string, []any, error) {
	src, args := c.from(campaignID, q, searchPlan{})
	order, after, afterArgs, err := c.order(q)
	if err != nil {
		return "", nil, err
	}
	return "SELECT " + c.selectList() + src + after + order + " LIMIT 51",
		append(args, afterArgs...), nil
}

// ExportedStamp and FormatExported are the two ways an export writes a stored time.
var (
	ExportedStamp  = exportedStamp
	FormatExported = fmtTime
)
