package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func newRequest(message, config string) string {
	return `{"runId":"run-1","campaign":{"id":"c1","slug":"hoa-fl","name":"HOA FL",` +
		`"company":"HOA Project Funding","timezone":"America/New_York","config":{}},` +
		`"agent":{"id":"a1","name":"lead-finder","config":` + config + `},` +
		`"message":` + quote(message) + `,"trigger":"manual"}`
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// runAgent runs the agent on request without pauses and decodes its result.
func runAgent(t *testing.T, request string) (result, string, string) {
	t.Helper()
	t.Setenv("CLAWOPS_EXAMPLE_PAUSE_MS", "0")
	var stdout, stderr bytes.Buffer
	if err := run(strings.NewReader(request), &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, stderr.String())
	}
	var res result
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("decode the result: %v\n%s", err, stdout.String())
	}
	return res, stdout.String(), stderr.String()
}

func emails(res result) []string {
	var out []string
	for _, l := range res.Records.Leads {
		out = append(out, l.Email)
	}
	return out
}

func TestDeterministic(t *testing.T) {
	_, first, _ := runAgent(t, newRequest("find roofing leads", `{}`))
	_, again, _ := runAgent(t, newRequest("find roofing leads", `{}`))
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("a retried run gave another result (-want +got):\n%s", diff)
	}

	a, _, _ := runAgent(t, newRequest("find roofing leads", `{}`))
	b, _, _ := runAgent(t, newRequest("find pool contractors", `{}`))
	if cmp.Equal(emails(a), emails(b)) {
		t.Errorf("two messages gave the same leads: %v", emails(a))
	}
}

func TestResultShape(t *testing.T) {
	res, _, stderr := runAgent(t, newRequest("find roofing leads", `{}`))

	if len(res.Records.Leads) != 3 {
		t.Errorf("got %d leads, want the default 3", len(res.Records.Leads))
	}
	for _, l := range res.Records.Leads {
		domain := l.Email[strings.LastIndex(l.Email, "@")+1:]
		if domain != "example.com" && domain != "example.org" {
			t.Errorf("email %q is not at example.com or example.org", l.Email)
		}
		if l.Name == "" || l.Phone == "" || l.Company == "" || l.Source != "example-agent" ||
			l.Status != "new" || l.Score < 0 || l.Score > 100 || l.Notes == "" {
			t.Errorf("incomplete lead: %+v", l)
		}
	}
	if n := len(res.Records.ContentQueue); n < 1 || n > 2 {
		t.Errorf("got %d drafts, want 1 or 2", n)
	}
	for _, d := range res.Records.ContentQueue {
		if d.Platform == "" || d.PostType == "" || d.Topic == "" || d.Status != "pending" ||
			d.SourceAgent != "lead-finder" || !strings.Contains(d.Content, "HOA Project Funding") {
			t.Errorf("incomplete draft: %+v", d)
		}
	}
	if res.Output == "" || res.TokensUsed <= 0 || res.CostUSD <= 0 {
		t.Errorf("output %q, tokens %d, cost %v: want all set", res.Output, res.TokensUsed,
			res.CostUSD)
	}
	if diff := cmp.Diff(map[string]int64{"emailsSent": 0}, res.Metrics); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	if lines := strings.Count(stderr, "\n"); lines != 4 {
		t.Errorf("got %d progress lines, want 4:\n%s", lines, stderr)
	}
}

func TestLeadsPerRun(t *testing.T) {
	tests := []struct {
		name   string
		config string
		want   int
	}{
		{"default", `{}`, 3},
		{"null config", `null`, 3},
		{"set", `{"leadsPerRun":7}`, 7},
		{"capped", `{"leadsPerRun":500}`, 20},
		{"none", `{"leadsPerRun":0}`, 0},
		{"negative", `{"leadsPerRun":-4}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, _ := runAgent(t, newRequest("find leads", tt.config))
			if got := len(res.Records.Leads); got != tt.want {
				t.Errorf("got %d leads, want %d", got, tt.want)
			}
		})
	}
}

func TestFailures(t *testing.T) {
	tests := []struct {
		name    string
		request string
		asked   bool
	}{
		{"asked to fail", newRequest("please FAIL this run", `{}`), true},
		{"not valid JSON", `{"runId":`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CLAWOPS_EXAMPLE_PAUSE_MS", "0")
			var stdout, stderr bytes.Buffer
			err := run(strings.NewReader(tt.request), &stdout, &stderr)
			if err == nil {
				t.Fatal("run succeeded, want an error")
			}
			if got := errors.Is(err, errAskedToFail); got != tt.asked {
				t.Errorf("errors.Is(%v, errAskedToFail) = %v, want %v", err, got, tt.asked)
			}
			if stdout.Len() != 0 {
				t.Errorf("a failed run printed a result: %s", stdout.String())
			}
		})
	}
}

func TestHasWord(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"fail", true},
		{"Please FAIL this run.", true},
		{"demo: fail!", true},
		{"find leads that failed to reply", false},
		{"failsafe", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := hasWord(tt.text, "fail"); got != tt.want {
			t.Errorf("hasWord(%q, fail) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
