package executor

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/agent"
)

// openclawAnswerJSON is shaped like the output of `openclaw agent --local --json`.
const openclawAnswerJSON = `{
  "payloads": [
    {"text": "Drafted two posts about reserve studies.", "mediaUrl": null},
    {"mediaUrl": "https://example.com/chart.png"},
    {"text": "Both are waiting for review in the content queue."}
  ],
  "meta": {
    "durationMs": 18342,
    "agentMeta": {
      "sessionId": "0b6c2f9e-5d1a-4c8e-9f3b-2a7d1e6c4b90",
      "provider": "anthropic",
      "model": "claude-sonnet-4-5",
      "usage": {"input": 2150, "output": 612, "cacheRead": 10240, "cacheWrite": 830,
                "total": 13832}
    },
    "stopReason": "stop"
  }
}`

// TestOpenClaw runs a fake openclaw found on PATH, which fails unless it gets the expected
// arguments.
func TestOpenClaw(t *testing.T) {
	dir := t.TempDir()
	script(t, dir, "openclaw", `if [ $# -ne 7 ] ||
   [ "$1 $2 $3 $4 $5 $6" != "agent --local --json --agent hoa-writer --message" ] ||
   [ "$7" != "Write about 'reserves' & \"assessments\"" ]; then
  echo "unexpected arguments: $*" >&2
  exit 64
fi
echo "[agent] running hoa-writer" >&2
cat <<'EOF'
`+openclawAnswerJSON+`
EOF`)
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))

	req := testRequest
	req.Message = `Write about 'reserves' & "assessments"`
	spec := agent.Executor{Type: agent.ExecutorOpenClaw, AgentID: "hoa-writer", TimeoutSeconds: 10}
	var log logLines
	got, err := Run(t.Context(), spec, req, log.add)
	if err != nil {
		t.Fatalf("%v\nlog: %q", err, log.all())
	}

	want := Result{
		Output: "Drafted two posts about reserve studies.\n\n" +
			"Both are waiting for review in the content queue.",
		TokensUsed: 13832,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"[agent] running hoa-writer"}, log.all()); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}

func TestOpenClawNotInstalled(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	spec := agent.Executor{Type: agent.ExecutorOpenClaw, AgentID: "hoa-writer"}
	_, err := Run(t.Context(), spec, testRequest, nil)
	want := `executor: the program "openclaw" was not found on PATH`
	if err == nil || err.Error() != want {
		t.Fatalf("got error %v, want %q", err, want)
	}
}

func TestParseOpenClaw(t *testing.T) {
	tests := []struct {
		name    string
		out     string
		want    Result
		wantErr string
	}{
		{"total", openclawAnswerJSON, Result{Output: "Drafted two posts about reserve studies." +
			"\n\nBoth are waiting for review in the content queue.", TokensUsed: 13832}, ""},
		{"sum without a total",
			`{"payloads": [{"text": "ok"}], "meta": {"agentMeta": {"usage":
			{"input": 100, "output": 20, "cacheRead": 3, "cacheWrite": 4}}}}`,
			Result{Output: "ok", TokensUsed: 127}, ""},
		{"cost as a number",
			`{"payloads": [], "meta": {"agentMeta": {"usage": {"total": 9, "cost": 0.25}}}}`,
			Result{TokensUsed: 9, CostUSD: 0.25}, ""},
		{"cost as an object",
			`{"payloads": [], "meta": {"agentMeta": {"usage": {"cost": {"total": 0.5}}}}}`,
			Result{CostUSD: 0.5}, ""},
		{"no usage", `{"payloads": [{"text": " hi \n"}], "meta": {"durationMs": 5}}`,
			Result{Output: "hi"}, ""},
		{"line before the answer", "openclaw 2026.2.1\n{\"payloads\": [{\"text\": \"ok\"}]}",
			Result{Output: "ok"}, ""},
		{"error in meta", `{"payloads": [], "meta": {"error": {"kind": "context_overflow",
			"message": "the prompt is too long"}}}`, Result{},
			"executor: openclaw failed (context_overflow): the prompt is too long"},
		{"aborted", `{"payloads": [], "meta": {"aborted": true}}`, Result{},
			"executor: openclaw aborted the run"},
		{"negative usage", `{"meta": {"agentMeta": {"usage": {"total": -5}}}}`, Result{},
			"executor: openclaw reported a negative usage"},
		{"bad cost", `{"meta": {"agentMeta": {"usage": {"cost": "free"}}}}`, Result{},
			`executor: openclaw's usage cost must be a number or an object with a total, ` +
				`not "free"`},
		{"nothing", "\n", Result{}, "executor: the agent wrote no result"},
		{"not JSON", "Error: no such agent", Result{},
			"executor: openclaw's answer is not valid JSON: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseOpenClaw([]byte(tt.out))
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
