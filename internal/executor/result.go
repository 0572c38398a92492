package executor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// errNoResult is the failure of an agent that finished without writing anything.
var errNoResult = errors.New("executor: the agent wrote no result")

// wireResult is the result JSON before its fields are checked one by one, so that each
// problem gets a message in the agent author's terms rather than Go's.
type wireResult struct {
	Output     json.RawMessage `json:"output"`
	CostUSD    json.RawMessage `json:"costUsd"`
	TokensUsed json.RawMessage `json:"tokensUsed"`
	Records    json.RawMessage `json:"records"`
	Metrics    json.RawMessage `json:"metrics"`
}

// parseResult reads and checks the result JSON an agent sent back. Unknown top-level keys
// are ignored, so agents may send more than this version reads.
func parseResult(data []byte) (Result, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return Result{}, errNoResult
	}
	if err := checkObject(data, "the result"); err != nil {
		return Result{}, err
	}
	var w wireResult
	if err := json.Unmarshal(data, &w); err != nil {
		// Unreachable for a valid object, since every field is raw.
		return Result{}, fmt.Errorf("executor: the result is not valid JSON: %w", err)
	}
	return w.result()
}

// checkObject reports whether data is one valid JSON object.
func checkObject(data []byte, what string) error {
	var v json.RawMessage
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("executor: %s is not valid JSON: %w", what, err)
	}
	if kind := jsonKind(v); kind != "an object" {
		return fmt.Errorf("executor: %s is %s, not a JSON object", what, kind)
	}
	return nil
}

func (w *wireResult) result() (Result, error) {
	var r Result
	if err := decodeField(w.Output, &r.Output, "output", "a string"); err != nil {
		return Result{}, err
	}
	if err := decodeField(w.CostUSD, &r.CostUSD, "costUsd", "a number"); err != nil {
		return Result{}, err
	}
	if r.CostUSD < 0 {
		return Result{}, errors.New("executor: the result's costUsd must not be negative")
	}
	err := decodeField(w.TokensUsed, &r.TokensUsed, "tokensUsed", "a whole number")
	if err != nil {
		return Result{}, err
	}
	if r.TokensUsed < 0 {
		return Result{}, errors.New("executor: the result's tokensUsed must not be negative")
	}
	if r.Records, err = records(w.Records); err != nil {
		return Result{}, err
	}
	if r.Metrics, err = metrics(w.Metrics); err != nil {
		return Result{}, err
	}
	return r, nil
}

// decodeField decodes raw into dst unless it is absent or null.
func decodeField(raw json.RawMessage, dst any, name, want string) error {
	if isNull(raw) {
		return nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("executor: the result's %s must be %s, not %s", name, want,
			describe(raw))
	}
	return nil
}

// records checks that records maps names to lists of objects. The collection names and the
// fields of the rows are the caller's to check.
func records(raw json.RawMessage) (map[string][]json.RawMessage, error) {
	var in map[string]json.RawMessage
	if err := decodeField(raw, &in, "records", "an object"); err != nil || len(in) == 0 {
		return nil, err
	}
	out := make(map[string][]json.RawMessage, len(in))
	for key, raw := range in {
		if isNull(raw) {
			continue
		}
		var rows []json.RawMessage
		if err := json.Unmarshal(raw, &rows); err != nil {
			return nil, fmt.Errorf("executor: the result's records.%s must be a list, not %s",
				key, jsonKind(raw))
		}
		for i, row := range rows {
			if kind := jsonKind(row); kind != "an object" {
				return nil, fmt.Errorf("executor: the result's records.%s[%d] must be an "+
					"object, not %s", key, i, kind)
			}
		}
		out[key] = rows
	}
	return out, nil
}

// metrics checks that metrics maps names to counts.
func metrics(raw json.RawMessage) (map[string]int64, error) {
	var in map[string]json.RawMessage
	if err := decodeField(raw, &in, "metrics", "an object"); err != nil || len(in) == 0 {
		return nil, err
	}
	out := make(map[string]int64, len(in))
	for key, raw := range in {
		if isNull(raw) {
			continue
		}
		var n int64
		if err := json.Unmarshal(raw, &n); err != nil || n < 0 {
			return nil, fmt.Errorf("executor: the result's metrics.%s must be a whole number "+
				"of at least 0", key)
		}
		out[key] = n
	}
	return out, nil
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// describe shows a short JSON value as it is and a long one by its kind.
func describe(raw json.RawMessage) string {
	if len(raw) <= 40 {
		return string(raw)
	}
	return jsonKind(raw)
}

// jsonKind names the kind of a valid JSON value for error messages.
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
