package data

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/internal/event"
)

// Ingested is what storing a run's records did, per result key ("hoaContacts").
type Ingested struct {
	Created  map[string]int
	Skipped  map[string]int
	Rejected []Rejection
}

// Rejection is a record of a run's result that could not be stored.
type Rejection struct {
	Collection string
	Index      int
	Reason     string
}

// maxRejections caps the rejected records listed for one run; the count stays exact.
const maxRejections = 200

// Ingest stores the records of a run's result in the scope's campaign, each collection in
// one transaction, with the run as their source. Duplicates of stored rows, by natural key,
// are skipped, so a retried run never inserts twice; records that fail validation are
// listed with the reason and never stop the others.
func (s *Store) Ingest(ctx context.Context, sc access.Scope, runID string,
	records map[string][]json.RawMessage) (Ingested, error) {
	out := Ingested{Created: map[string]int{}, Skipped: map[string]int{}}
	reject := func(key string, i int, reason string) {
		if len(out.Rejected) < maxRejections {
			out.Rejected = append(out.Rejected, Rejection{Collection: key, Index: i,
				Reason: reason})
		}
	}
	for _, key := range slices.Sorted(maps.Keys(records)) {
		items := records[key]
		c, ok := ByResultKey(key)
		if !ok {
			for i := range items {
				reject(key, i, "is not a collection agents can add to")
			}
			continue
		}
		var vals []Values
		for i, raw := range items {
			v, reason := c.decodeRecord(raw)
			if reason != "" {
				reject(key, i, reason)
				continue
			}
			vals = append(vals, v)
		}
		for start := 0; start < len(vals); start += MaxBatch {
			res, err := s.insertMany(ctx, sc, c, vals[start:min(start+MaxBatch, len(vals))],
				runID, true)
			if err != nil {
				return out, fmt.Errorf("data: ingest %s of run %s: %w", key, runID, err)
			}
			out.Created[key] += res.Created
			out.Skipped[key] += res.Skipped
		}
		if out.Created[key] > 0 && s.broker != nil {
			s.broker.Publish(event.Event{Type: "data.changed", CampaignID: sc.CampaignID(),
				Data: Change{CampaignID: sc.CampaignID(), Collection: c.Path, Op: "created"}})
		}
	}
	return out, nil
}

// decodeRecord validates one record of a result, or says why it cannot be stored.
func (c *Collection) decodeRecord(raw json.RawMessage) (Values, string) {
	var in Input
	if err := json.Unmarshal(raw, &in); err != nil || in == nil {
		return nil, "must be a JSON object"
	}
	fs := derrors.Fields{}
	v := c.decode(in, true, fs, "")
	if len(fs) > 0 {
		return nil, strings.TrimPrefix(fs.Error(), "invalid input: ")
	}
	return v, ""
}
