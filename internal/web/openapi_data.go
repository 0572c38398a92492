package web

import (
	"strings"

	"github.com/clawops/clawops/internal/data"
)

// schemaName is the collection's name in the API document: hoa-contacts → HoaContacts.
func schemaName(col *data.Collection) string {
	var b strings.Builder
	for _, part := range strings.Split(col.Path, "-") {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func fieldSchema(f data.Field) schema {
	var s schema
	switch f.Kind {
	case data.Enum:
		s = strEnum(f.Values...)
	case data.Int:
		s = integer()
	case data.Float:
		s = number()
	case data.Bool:
		s = boolean()
	case data.Time:
		s = dateTime()
	case data.Object:
		s = anyObject()
	case data.Tags:
		s = arrayOf(str())
	case data.Email:
		s = schema{"type": "string", "format": "email"}
	default:
		s = str()
	}
	if f.Bounded {
		s["minimum"], s["maximum"] = f.Min, f.Max
	}
	if f.Default != "" {
		s["default"] = f.Default
	}
	s["title"] = f.Label
	if f.Kind == data.Time || f.Nullable {
		return schema{"oneOf": []any{s, schema{"type": "null"}}, "title": f.Label}
	}
	return s
}

// dataSchemas documents every collection from its definition: the record, its create and
// patch bodies, its list and its bulk change.
func dataSchemas() schema {
	out := schema{
		"BulkCreated": obj(schema{"created": integer(), "skipped": integer()},
			"created", "skipped"),
		"BulkOutcome": obj(schema{"changed": integer(), "skipped": arrayOf(obj(
			schema{"id": str(), "reason": str()}, "id", "reason"))}, "changed", "skipped"),
	}
	out["Import"] = obj(schema{"id": str(), "campaignId": str(), "collection": str(),
		"status":   strEnum("needs_mapping", "queued", "running", "completed", "failed"),
		"filename": str(), "headers": arrayOf(str()),
		"mapping": schema{"type": "object", "additionalProperties": str(),
			"description": "column → field name; \"\" ignores the column"},
		"unmapped": arrayOf(str()), "keepValid": boolean(),
		"phase": described(strEnum("", "checking", "storing"),
			"the pass a running job is in: checking every row, then storing the valid ones"),
		"totalRows": described(integer(), "rows in the file, known once checking ends"),
		"processed": described(integer(), "rows the current pass has read"),
		"percent": described(integer(),
			"progress over both passes, 0 to 100; it never goes back"),
		"created": integer(), "skipped": integer(),
		"rejected": integer(), "error": str(), "createdBy": str(), "createdAt": dateTime(),
		"updatedAt": dateTime(), "finishedAt": nullable(dateTime())})
	out["ImportStart"] = obj(schema{"mapping": schema{"type": "object",
		"additionalProperties": str()}, "keepValid": boolean()})
	out["CSVUpload"] = obj(schema{
		"file": schema{"type": "string", "contentMediaType": "text/csv",
			"description": "UTF-8 CSV, a header line first, at most 64 MiB"},
		"keepValid": schema{"type": "string", "enum": []string{"true", "false"},
			"description": "import the valid rows even when others are rejected"},
		"mapping": schema{"type": "string",
			"description": "JSON object of column names to field names"},
	}, "file")
	for _, col := range data.All {
		name := schemaName(col)
		record := schema{"id": str(), "campaignId": str(), "sourceRunId": nullable(str()),
			"createdAt": dateTime(), "updatedAt": dateTime()}
		input := schema{}
		var required []string
		for _, f := range col.Fields {
			record[f.Name] = fieldSchema(f)
			input[f.Name] = fieldSchema(f)
			if f.Required {
				required = append(required, f.Name)
			}
		}
		single := obj(input, required...)
		out[name] = obj(record)
		out[name+"List"] = listSchema(name)
		patch := obj(input)
		if len(col.Actions) > 0 {
			patch["description"] = "Fields to change. A status that a workflow step leads to " +
				"(approved, rejected, posted) runs that step, with its time stamp and feed " +
				"entry; it is a 409 when the step does not apply to the current status."
		}
		out[name+"Patch"] = patch
		out[name+"StepInput"] = obj(input)
		out[name+"Input"] = schema{
			"description": "One " + col.Singular + ", answered with the record; or a list of " +
				"up to 10000, answered with BulkCreated. Rows whose natural key exists are " +
				"skipped in a list and a 409 alone.",
			"oneOf": []any{single, schema{"type": "array", "items": single, "maxItems": 10000}},
		}
		actions := []string{"delete", "status"}
		for _, a := range col.Actions {
			actions = append(actions, a.Name)
		}
		out[name+"Bulk"] = obj(schema{"ids": arrayOf(str()), "action": strEnum(actions...),
			"status": str()}, "ids", "action")
	}
	return out
}

// dataQuery documents a collection's listing parameters.
func dataQuery(col *data.Collection) []any {
	q := func(name, desc string, s schema) any {
		return map[string]any{"name": name, "in": "query", "description": desc, "schema": s}
	}
	sorts := []string{"createdAt", "-createdAt", "updatedAt", "-updatedAt"}
	params := []any{
		q("q", "words that must all appear in the searched fields", str()),
		q("from", "created at or after this date or time", str()),
		q("to", "created before this date or time", str()),
		q("sourceRunId", "only what this run produced", str()),
	}
	for _, f := range col.Fields {
		if f.Kind != data.Object && f.Kind != data.Tags {
			sorts = append(sorts, f.Name, "-"+f.Name)
		}
		if f.Filter {
			params = append(params, q(f.Name, filterDoc(col, &f), str()))
		}
	}
	return append(params, q("sort", "field to order by, - for descending; newest first "+
		"by default", strEnum(sorts...)))
}

// filterDoc says how a filter parameter names several values.
func filterDoc(col *data.Collection, f *data.Field) string {
	if col.FilterSplits(f) {
		return "equal to one of these comma-separated values; the parameter may also be repeated"
	}
	return "equal to this text in any letter case, commas included; repeat the parameter " +
		"for several values"
}
