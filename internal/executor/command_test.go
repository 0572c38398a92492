package executor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/agent"
)

// testRequest is a run request as the run package would send it.
var testRequest = Request{
	RunID: "run-42",
	Campaign: Campaign{ID: "camp-1", Slug: "hoa-fl", Name: "HOA FL", Company: "HOA Funding",
		Timezone: "America/New_York", Config: json.RawMessage(`{"region":"FL"}`)},
	Agent: Agent{ID: "agent-7", Name: "lead-finder",
		Config: json.RawMessage(`{"leadsPerRun":3}`)},
	Message: "find roofing leads",
	Trigger: "manual",
}

// script writes a shell script into dir and returns its path.
func script(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// commandSpec runs the script with the given body with a timeout of timeout seconds.
func commandSpec(t *testing.T, body string, timeout int) agent.Executor {
	t.Helper()
	path := script(t, t.TempDir(), "agent.sh", body)
	return agent.Executor{Type: agent.ExecutorCommand, Command: []string{path},
		TimeoutSeconds: timeout}
}

// logLines collects the live log of a run; it is safe for the goroutine that calls logf.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, line)
}

func (l *logLines) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.lines)
}

// readPID reads the process id a script wrote into file.
func readPID(t *testing.T, file string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// waitGone fails the test unless the process pid ends. Signals arrive asynchronously, so it
// polls; the limit is only a guard against a process that was never killed.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	guard := time.Now().Add(10 * time.Second)
	for alive(pid) {
		if time.Now().After(guard) {
			t.Fatalf("process %d still runs after the run ended", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// alive reports whether pid is still the "sleep 60" the test started. A zombie, dead but
// not yet reaped by its new parent, counts as gone, and so does another program that was
// given the same number: on a busy machine process ids wrap around within seconds.
func alive(pid int) bool {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || string(cmdline) != "sleep\x0060\x00" {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses.
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

func TestCommandSuccess(t *testing.T) {
	dir := t.TempDir()
	stdinFile := filepath.Join(dir, "stdin.json")
	spec := commandSpec(t, `cat > '`+stdinFile+`'
echo "working on it" >&2
cat <<'EOF'
{"output": "Found 2 leads.", "costUsd": 0.0125, "tokensUsed": 1840,
 "records": {"leads": [{"name": "Ann", "email": "ann@example.com"}, {"name": "Bob"}],
             "contentQueue": [{"content": "A post"}], "widgets": [{"a": 1}]},
 "metrics": {"emailsSent": 2, "repliesReceived": 0}, "extra": "ignored"}
EOF`, 10)

	var log logLines
	got, err := Run(t.Context(), spec, testRequest, log.add)
	if err != nil {
		t.Fatal(err)
	}

	want := Result{
		Output: "Found 2 leads.", CostUSD: 0.0125, TokensUsed: 1840,
		Records: map[string][]json.RawMessage{
			"leads": {json.RawMessage(`{"name": "Ann", "email": "ann@example.com"}`),
				json.RawMessage(`{"name": "Bob"}`)},
			"contentQueue": {json.RawMessage(`{"content": "A post"}`)},
			"widgets":      {json.RawMessage(`{"a": 1}`)},
		},
		Metrics: map[string]int64{"emailsSent": 2, "repliesReceived": 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"working on it"}, log.all()); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
	var sent Request
	b, err := os.ReadFile(stdinFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sent); err != nil {
		t.Fatalf("stdin is not the request JSON: %v\n%s", err, b)
	}
	if diff := cmp.Diff(testRequest, sent); diff != "" {
		t.Errorf("request on stdin (-want +got):\n%s", diff)
	}
}

// TestCommandStreamsStderr shows that log lines reach logf while the agent runs: the agent
// waits for a file that only logf creates, on seeing the first line.
func TestCommandStreamsStderr(t *testing.T) {
	flag := filepath.Join(t.TempDir(), "seen")
	spec := commandSpec(t, `echo first >&2
while [ ! -e '`+flag+`' ]; do sleep 0.01; done
printf 'second\r\n' >&2
printf 'no newline at the end' >&2
echo '{"output": "ok"}'`, 10)

	var log logLines
	logf := func(line string) {
		log.add(line)
		if line == "first" {
			if err := os.WriteFile(flag, nil, 0o644); err != nil {
				t.Error(err)
			}
		}
	}
	if _, err := Run(t.Context(), spec, testRequest, logf); err != nil {
		t.Fatal(err)
	}
	want := []string{"first", "second", "no newline at the end"}
	if diff := cmp.Diff(want, log.all()); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}

func TestCommandLongLogLine(t *testing.T) {
	spec := commandSpec(t, `head -c 70000 /dev/zero | tr '\0' x >&2
printf '\nnext\n' >&2
head -c 65536 /dev/zero | tr '\0' y >&2
printf '\nlast\n' >&2
echo '{}'`, 10)

	var log logLines
	if _, err := Run(t.Context(), spec, testRequest, log.add); err != nil {
		t.Fatal(err)
	}
	want := []string{strings.Repeat("x", MaxLogLineBytes) + " …[line truncated]", "next",
		strings.Repeat("y", MaxLogLineBytes), "last"}
	if diff := cmp.Diff(want, log.all()); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}

func TestCommandFailures(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"non-zero exit", "echo oops >&2; exit 3", "executor: the agent exited with status 3"},
		{"killed by a signal", "kill -KILL $$", "executor: the agent was killed by signal 9"},
		{"invalid JSON", "echo 'Done!'", "executor: the result is not valid JSON: "},
		{"not an object", "echo '[1, 2]'", "executor: the result is a list, not a JSON object"},
		{"no result", "echo 'only a log line' >&2", "executor: the agent wrote no result"},
		{"result larger than 4 MiB", "yes '{}'", "executor: the result is larger than 4 MiB"},
		{"bad field", `echo '{"output": 42}'`,
			"executor: the result's output must be a string, not 42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Run(t.Context(), commandSpec(t, tt.body, 10), testRequest, nil)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one starting with %q", err, tt.want)
			}
			if errors.Is(err, ErrTimeout) || errors.Is(err, ErrCancelled) {
				t.Errorf("%v is a timeout or cancellation, want a plain failure", err)
			}
		})
	}
}

func TestCommandTimeoutKillsGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	spec := commandSpec(t, `sleep 60 &
echo $! > '`+pidFile+`'
wait`, 1)

	_, err := Run(t.Context(), spec, testRequest, nil)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got error %v, want ErrTimeout", err)
	}
	if want := "executor: the agent did not finish within 1 s"; err.Error() != want {
		t.Errorf("got message %q, want %q", err, want)
	}
	waitGone(t, readPID(t, pidFile))
}

func TestCommandCancel(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	spec := commandSpec(t, `sleep 60 &
echo $! > '`+pidFile+`'
echo ready >&2
wait`, 60)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	logf := func(line string) {
		if line == "ready" {
			cancel()
		}
	}
	_, err := Run(ctx, spec, testRequest, logf)
	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("got error %v, want ErrCancelled", err)
	}
	waitGone(t, readPID(t, pidFile))
}

func TestCommandCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Run(ctx, commandSpec(t, "echo '{}'", 10), testRequest, nil)
	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("got error %v, want ErrCancelled", err)
	}
}

// TestCommandGrandchildKeepsOutput shows that a background process holding the agent's stdout
// neither keeps Run waiting nor outlives the run.
func TestCommandGrandchildKeepsOutput(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	spec := commandSpec(t, `sleep 60 &
echo $! > '`+pidFile+`'
echo '{"output": "done"}'`, 60)

	got, err := Run(t.Context(), spec, testRequest, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Output != "done" {
		t.Errorf("got output %q, want done", got.Output)
	}
	waitGone(t, readPID(t, pidFile))
}

// TestCommandEscapedProcess shows that a process which left the agent's group, and so is out
// of reach, cannot keep Run waiting by holding the agent's stdout and stderr open.
func TestCommandEscapedProcess(t *testing.T) {
	old := drainTimeout
	drainTimeout = 50 * time.Millisecond
	t.Cleanup(func() { drainTimeout = old })

	pidFile := filepath.Join(t.TempDir(), "pid")
	spec := commandSpec(t, `setsid sleep 60 &
echo $! > '`+pidFile+`'
echo '{"output": "done"}'`, 60)

	got, err := Run(t.Context(), spec, testRequest, nil)
	pid := readPID(t, pidFile)
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
	if err != nil {
		t.Fatal(err)
	}
	if got.Output != "done" {
		t.Errorf("got output %q, want done", got.Output)
	}
}

func TestCommandNotFound(t *testing.T) {
	tests := []struct {
		name    string
		program string
		want    string
	}{
		{"on PATH", "clawops-no-such-agent",
			`executor: the program "clawops-no-such-agent" was not found on PATH`},
		{"by path", "/nonexistent/clawops-agent",
			`executor: cannot run the program "/nonexistent/clawops-agent": `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := agent.Executor{Type: agent.ExecutorCommand, Command: []string{tt.program}}
			_, err := Run(t.Context(), spec, testRequest, nil)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one starting with %q", err, tt.want)
			}
		})
	}
}

func TestCommandEnvironment(t *testing.T) {
	t.Setenv("CLAWOPS_ADMIN_PASSWORD", "hunter2")
	t.Setenv("CLAWOPS_SESSION_KEY", "s3cret")
	envFile := filepath.Join(t.TempDir(), "env")
	spec := commandSpec(t, `env > '`+envFile+`'; echo '{}'`, 10)

	if _, err := Run(t.Context(), spec, testRequest, nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for line := range strings.Lines(string(b)) {
		name, value, _ := strings.Cut(strings.TrimSuffix(line, "\n"), "=")
		got[name] = value
	}
	delete(got, "PWD") // set by the shell itself
	lang := os.Getenv("LANG")
	if lang == "" {
		lang = "C.UTF-8"
	}
	want := map[string]string{
		"PATH": os.Getenv("PATH"), "HOME": os.Getenv("HOME"), "LANG": lang, "TZ": "UTC",
		"CLAWOPS_RUN_ID": "run-42", "CLAWOPS_CAMPAIGN_ID": "camp-1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("environment of the agent (-want +got):\n%s", diff)
	}
}

func TestRunRejectsInvalidExecutor(t *testing.T) {
	spec := agent.Executor{Type: "shell", Command: []string{"/bin/true"}}
	_, err := Run(t.Context(), spec, testRequest, nil)
	if err == nil || !strings.Contains(err.Error(), "executor.type") {
		t.Fatalf("got error %v, want one naming executor.type", err)
	}
}
