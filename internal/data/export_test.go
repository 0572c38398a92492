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
