package data

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/clawops/clawops/internal/database"
)

// How a search is carried out depends on how many rows it has to look through. A campaign
// with few rows of the collection tests each row's folded words. A large one first looks at
// the rows the listing would show first: when the words are common there, walking the
// listing's order and testing each row fills a page soonest; when they are rare, the
// full-text index finds the few rows that have them.
var (
	// smallCollection is the row count up to which testing every row beats the index.
	smallCollection = 20_000
	// probeRows is how many rows of the listing's order a search samples, and probeHits how
	// many of them must match for the walk to be chosen over the index: at that density the
	// walk fills a page of 50 within a few thousand rows, while the index would return a
	// large share of the campaign.
	probeRows = 2000
	probeHits = 10
)

type searchMode int

const (
	searchNone  searchMode = iota
	searchRows             // test every row of the campaign's collection
	searchIndex            // look the words up in the full-text index
	searchWalk             // test rows in the listing's order until the page is full
)

// searchPlan is how one listing finds the rows whose words start with the search's words.
type searchPlan struct {
	mode  searchMode
	words []string
}

// planSearch decides how to run the search of q in the campaign's rows of c.
func (s *Store) planSearch(ctx context.Context, c *Collection, campaignID string,
	q Query) (searchPlan, error) {
	p := searchPlan{words: database.SearchTokens(q.Search)}
	if len(p.words) == 0 {
		return p, nil
	}
	n, err := s.cappedCount(ctx, `SELECT 1 FROM search_docs
		WHERE campaign_id = ? AND collection = ?`, smallCollection, campaignID, c.Path)
	if err != nil {
		return p, fmt.Errorf("data: plan search: %w", err)
	}
	if n <= smallCollection {
		p.mode = searchRows
		return p, nil
	}
	p.mode = searchWalk
	src, args := c.from(campaignID, Query{Filters: q.Filters, From: q.From, To: q.To,
		SourceRunID: q.SourceRunID}, searchPlan{})
	order, _, _, err := c.order(Query{Sort: q.Sort, Desc: q.Desc})
	if err != nil {
		return p, err
	}
	cond, condArgs := p.condition(c, campaignID)
	var hits int
	err = s.db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT id"+src+
		order+" LIMIT ?) "+c.Table+" WHERE 1 = 1"+cond,
		append(append(args, probeRows), condArgs...)...).Scan(&hits)
	if err != nil {
		return p, fmt.Errorf("data: plan search: %w", err)
	}
	if hits < probeHits {
		p.mode = searchIndex
	}
	return p, nil
}

// cappedCount counts the rows query returns, stopping once it passes limit.
func (s *Store) cappedCount(ctx context.Context, query string, limit int,
	args ...any) (int, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM ("+query+" LIMIT ?)",
		append(args, limit+1)...).Scan(&n)
	return n, err
}

// match is the full-text query: every word, as the start of a word. Words hold only letters
// and digits, so none can be read as a query operator.
func (p searchPlan) match() string {
	parts := make([]string, len(p.words))
	for i, w := range p.words {
		parts[i] = w + "*"
	}
	return strings.Join(parts, " ")
}

// source is the FROM clause of a listing. An index search starts from the rows the index
// found and sorts them: CROSS JOIN fixes that order, since SQLite would otherwise walk the
// campaign's rows in the listing's order and test each against the hits, and keeps the
// full-text table outermost, where MATCH is evaluated once.
func (p searchPlan) source(c *Collection, campaignID string) (string, []any) {
	if p.mode != searchIndex {
		return " FROM " + c.Table, nil
	}
	return " FROM (SELECT d.record_id AS hit FROM search_fts" +
			" CROSS JOIN search_docs d ON d.docid = search_fts.docid" +
			" WHERE search_fts MATCH ? AND d.campaign_id = ? AND d.collection = ?) AS hits" +
			" CROSS JOIN " + c.Table + " ON " + c.Table + ".id = hits.hit",
		[]any{p.match(), campaignID, c.Path}
}

// condition is the search's part of a listing's WHERE clause over table.
func (p searchPlan) condition(c *Collection, campaignID string) (string, []any) {
	var b strings.Builder
	var args []any
	likes := func() {
		for _, w := range p.words {
			b.WriteString(" AND d.body LIKE ?")
			args = append(args, "% "+w+"%")
		}
	}
	switch p.mode {
	case searchRows:
		b.WriteString(" AND id IN (SELECT d.record_id FROM search_docs d" +
			" WHERE d.campaign_id = ? AND d.collection = ?")
		args = append(args, campaignID, c.Path)
		likes()
		b.WriteString(")")
	case searchWalk:
		b.WriteString(" AND EXISTS (SELECT 1 FROM search_docs d" +
			" WHERE d.collection = ? AND d.record_id = " + c.Table + ".id")
		args = append(args, c.Path)
		likes()
		b.WriteString(")")
	}
	return b.String(), args
}

// searchColumns lists the columns whose words the index holds, for search_fold.
func (c *Collection) searchColumns() string {
	var cols []string
	for _, f := range c.Fields {
		if f.Search {
			cols = append(cols, f.Column)
		}
	}
	return strings.Join(cols, ", ")
}

// searchDoc is a record's entry in the search index: its id and its folded words.
type searchDoc [2]string

// searchDocs folds the searchable words of recs. Bulk inserts call it before their
// transaction, so that the writer is not held while words are folded.
func (c *Collection) searchDocs(recs []Record) []searchDoc {
	docs := make([]searchDoc, len(recs))
	parts := make([]string, 0, 8)
	for i, r := range recs {
		parts = parts[:0]
		for _, f := range c.Fields {
			if f.Search {
				parts = append(parts, r.Text(f.Name))
			}
		}
		docs[i] = searchDoc{r.ID, database.SearchFold(parts...)}
	}
	return docs
}

// index adds just-inserted rows to the search index in one statement, from their folded
// words rather than by reading the rows back. Changes and deletions are followed by triggers
// (see the search migration).
func (c *Collection) index(ctx context.Context, tx *database.Tx, campaignID string,
	docs []searchDoc) error {
	if len(docs) == 0 {
		return nil
	}
	list, err := json.Marshal(docs)
	if err != nil {
		return fmt.Errorf("index %s: %w", c.Path, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO search_docs (campaign_id, collection, record_id, body)
		SELECT ?, ?, value ->> 0, value ->> 1 FROM json_each(?)`,
		campaignID, c.Path, string(list))
	if err != nil {
		return fmt.Errorf("index %s: %w", c.Path, err)
	}
	return nil
}

// IndexNew adds to the search index every row of the campaign that it does not hold yet.
// Code that inserts rows with its own SQL, such as the demo data and imports of other
// databases, calls it once it is done.
func IndexNew(ctx context.Context, tx *database.Tx, campaignID string) error {
	for _, c := range All {
		_, err := tx.ExecContext(ctx, `INSERT INTO search_docs
			(campaign_id, collection, record_id, body)
			SELECT campaign_id, ?, id, search_fold(`+c.searchColumns()+`) FROM `+c.Table+` t
			WHERE campaign_id = ? AND NOT EXISTS (SELECT 1 FROM search_docs d
				WHERE d.collection = ? AND d.record_id = t.id)`,
			c.Path, campaignID, c.Path)
		if err != nil {
			return fmt.Errorf("data: index new %s of %s: %w", c.Path, campaignID, err)
		}
	}
	return nil
}
