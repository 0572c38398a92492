// Package data keeps the records that a campaign's agents produce — leads, HOA contacts,
// content and engagement queues, prospects, webinars, referral partners — one table per
// collection, every row owned by one campaign. Each collection is described once (see
// Collection) and that description drives validation, storage, search, workflows and CSV.
package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/clawops/clawops/internal/derrors"
)

// Record is one row of a collection.
type Record struct {
	Collection  *Collection
	ID          string
	CampaignID  string
	SourceRunID string
	Values      Values
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Get returns the value of the field called name.
func (r Record) Get(name string) any { return r.Values[name] }

// Text returns the field called name as text, the way CSV and forms show it.
func (r Record) Text(name string) string {
	f, ok := r.Collection.Field(name)
	if !ok {
		return ""
	}
	return f.text(r.Values[name])
}

// MarshalJSON writes the record with its fields in the collection's order.
func (r Record) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"id":`)
	writeJSON(&b, r.ID)
	b.WriteString(`,"campaignId":`)
	writeJSON(&b, r.CampaignID)
	for _, f := range r.Collection.Fields {
		b.WriteByte(',')
		writeJSON(&b, f.Name)
		b.WriteByte(':')
		v := r.Values[f.Name]
		if raw, ok := v.(json.RawMessage); ok && json.Valid(raw) {
			b.Write(raw)
			continue
		}
		if err := writeJSON(&b, v); err != nil {
			return nil, fmt.Errorf("data: encode %s.%s: %w", r.Collection.Path, f.Name, err)
		}
	}
	b.WriteString(`,"sourceRunId":`)
	if r.SourceRunID == "" {
		b.WriteString("null")
	} else {
		writeJSON(&b, r.SourceRunID)
	}
	b.WriteString(`,"createdAt":`)
	writeJSON(&b, r.CreatedAt)
	b.WriteString(`,"updatedAt":`)
	writeJSON(&b, r.UpdatedAt)
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writeJSON(b *bytes.Buffer, v any) error {
	enc, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b.Write(enc)
	return nil
}

// Input is a record as a client sends it: field names to raw JSON values.
type Input map[string]json.RawMessage

// serverFields are on every record and set only by the server.
var serverFields = []string{"id", "campaignId", "sourceRunId", "createdAt", "updatedAt"}

// decode validates the fields of in. On create, absent fields take their defaults and
// required ones must be there; on update only the fields given are returned. Problems are
// added to fs under prefix+name.
func (c *Collection) decode(in Input, create bool, fs derrors.Fields, prefix string) Values {
	out := Values{}
	for _, name := range slices.Sorted(maps.Keys(in)) {
		f, ok := c.Field(name)
		if !ok {
			switch {
			case name == "id" && !create:
				fs.Add(prefix+name, "is immutable")
			case slices.Contains(serverFields, name):
				fs.Add(prefix+name, "is set by the server")
			default:
				fs.Add(prefix+name, "is not a known field")
			}
			continue
		}
		v, msg := f.decodeJSON(in[name])
		if msg != "" {
			fs.Add(prefix+name, msg)
			continue
		}
		out[name] = v
	}
	if create {
		c.fillDefaults(out, fs, prefix)
	}
	return out
}

// parse validates fields given as text — CSV cells, form values — like decode.
func (c *Collection) parse(in map[string]string, create bool, fs derrors.Fields,
	prefix string) Values {
	out := Values{}
	for _, name := range slices.Sorted(maps.Keys(in)) {
		f, ok := c.Field(name)
		if !ok {
			fs.Add(prefix+name, "is not a known field")
			continue
		}
		v, msg := f.parseText(in[name])
		if msg != "" {
			fs.Add(prefix+name, msg)
			continue
		}
		out[name] = v
	}
	if create {
		c.fillDefaults(out, fs, prefix)
	}
	return out
}

func (c *Collection) fillDefaults(v Values, fs derrors.Fields, prefix string) {
	for i := range c.Fields {
		f := &c.Fields[i]
		if _, given := v[f.Name]; given {
			continue
		}
		if f.Required {
			fs.Add(prefix+f.Name, "is required")
			continue
		}
		v[f.Name] = f.zero()
	}
	c.checkOneOf(v, fs, prefix)
}
