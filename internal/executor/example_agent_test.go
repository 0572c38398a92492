package executor

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/agent"
)

// buildExampleAgent builds the example agent program into a temporary directory.
func buildExampleAgent(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the go command is needed to build the example agent: %v", err)
		}
		t.Skipf("the go command is needed to build the example agent: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "clawops-example-agent")
	cmd := exec.CommandContext(t.Context(), goTool, "build", "-o", bin,
		"github.com/clawops/clawops/examples/agents/clawops-example-agent")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the example agent: %v\n%s", err, out)
	}
	return bin
}

// TestExampleAgent runs the example agent program as a command agent, from request to
// result, as the server does.
func TestExampleAgent(t *testing.T) {
	bin := buildExampleAgent(t)
	spec := agent.Executor{Type: agent.ExecutorCommand, Command: []string{bin}, TimeoutSeconds: 60}
	req := testRequest
	req.Agent.Config = json.RawMessage(`{"leadsPerRun": 4, "pauseMs": 0}`)

	var log logLines
	got, err := Run(t.Context(), spec, req, log.add)
	if err != nil {
		t.Fatalf("%v\nlog: %q", err, log.all())
	}

	if n := len(got.Records["leads"]); n != 4 {
		t.Errorf("got %d leads, want 4", n)
	}
	if n := len(got.Records["contentQueue"]); n < 1 || n > 2 {
		t.Errorf("got %d drafts, want 1 or 2", n)
	}
	if got.Output == "" || got.TokensUsed <= 0 || got.CostUSD <= 0 {
		t.Errorf("output %q, tokens %d, cost %v: want all set", got.Output, got.TokensUsed,
			got.CostUSD)
	}
	if diff := cmp.Diff(map[string]int64{"emailsSent": 0}, got.Metrics); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	if lines := log.all(); len(lines) != 4 || !strings.Contains(lines[0], "run-42") {
		t.Errorf("got log %q, want 4 progress lines naming the run", lines)
	}

	again, err := Run(t.Context(), spec, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, again); diff != "" {
		t.Errorf("a retried run gave other records (-first +retry):\n%s", diff)
	}
}

func TestExampleAgentFailure(t *testing.T) {
	bin := buildExampleAgent(t)
	spec := agent.Executor{Type: agent.ExecutorCommand, Command: []string{bin}, TimeoutSeconds: 60}
	req := testRequest
	req.Message = "show me how a run can fail"
	req.Agent.Config = json.RawMessage(`{"pauseMs": 0}`)

	var log logLines
	_, err := Run(t.Context(), spec, req, log.add)
	if want := "executor: the agent exited with status 2"; err == nil || err.Error() != want {
		t.Fatalf("got error %v, want %q", err, want)
	}
	isError := func(line string) bool { return strings.HasPrefix(line, "error:") }
	if !slices.ContainsFunc(log.all(), isError) {
		t.Errorf("got log %q, want an error line", log.all())
	}
}
