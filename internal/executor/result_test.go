package executor

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseResult(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Result
		wantErr string
	}{
		{"output only", `{"output": "done"}`, Result{Output: "done"}, ""},
		{"empty object", ` {} `, Result{}, ""},
		{"nulls", `{"output": null, "costUsd": null, "records": null, "metrics": null}`,
			Result{}, ""},
		{"unknown collection kept", `{"records": {"gizmos": [{"x": 1}], "leads": null}}`,
			Result{Records: map[string][]json.RawMessage{"gizmos": {json.RawMessage(`{"x": 1}`)}}},
			""},
		{"empty", "  \n", Result{}, "executor: the agent wrote no result"},
		{"two values", `{} {}`, Result{}, "executor: the result is not valid JSON: "},
		{"number", `42`, Result{}, "executor: the result is a number, not a JSON object"},
		{"output not a string", `{"output": ["a"]}`, Result{},
			`executor: the result's output must be a string, not ["a"]`},
		{"cost not a number", `{"costUsd": "0.1"}`, Result{},
			`executor: the result's costUsd must be a number, not "0.1"`},
		{"negative cost", `{"costUsd": -0.01}`, Result{},
			"executor: the result's costUsd must not be negative"},
		{"fractional tokens", `{"tokensUsed": 12.5}`, Result{},
			"executor: the result's tokensUsed must be a whole number, not 12.5"},
		{"negative tokens", `{"tokensUsed": -1}`, Result{},
			"executor: the result's tokensUsed must not be negative"},
		{"records not an object", `{"records": [{"name": "x"}]}`, Result{},
			`executor: the result's records must be an object, not [{"name": "x"}]`},
		{"collection not a list", `{"records": {"leads": {"name": "x"}}}`, Result{},
			`executor: the result's records.leads must be a list, not an object`},
		{"row not an object", `{"records": {"leads": [{"name": "x"}, "y"]}}`, Result{},
			`executor: the result's records.leads[1] must be an object, not a string`},
		{"metric not a count", `{"metrics": {"emailsSent": 1.5}}`, Result{},
			"executor: the result's metrics.emailsSent must be a whole number of at least 0"},
		{"negative metric", `{"metrics": {"emailsSent": -2}}`, Result{},
			"executor: the result's metrics.emailsSent must be a whole number of at least 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseResult([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one starting with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}
