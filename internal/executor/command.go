package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

// runCommand runs a command agent: the request on stdin, the result on stdout.
func runCommand(ctx context.Context, argv []string, req Request, logf func(string)) (
	Result, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return Result{}, fmt.Errorf("executor: encode the run request: %w", err)
	}
	out, err := runProgram(ctx, argv, childEnv(req), body, logf)
	if err != nil {
		return Result{}, err
	}
	return parseResult(out)
}

// lookPath resolves the program of argv: on PATH when its name has no slash, as given
// otherwise.
func lookPath(name string) (string, error) {
	path, err := exec.LookPath(name)
	if err == nil {
		return path, nil
	}
	if !strings.Contains(name, "/") {
		return "", fmt.Errorf("executor: the program %q was not found on PATH", name)
	}
	return "", fmt.Errorf("executor: cannot run the program %q: %w", name, err)
}

// childEnv is the whole environment of an agent program. It is built from scratch so that
// the server's own settings and secrets (the admin password, the session key, ...) never
// reach an agent.
//
// TODO: let an executor name further variables to pass on, for agents that read an API key
// from their environment; until then such agents read their secrets from files under HOME.
func childEnv(req Request) []string {
	path := os.Getenv("PATH")
	if path == "" {
		path = "/usr/local/bin:/usr/bin:/bin"
	}
	lang := os.Getenv("LANG")
	if lang == "" {
		lang = "C.UTF-8"
	}
	env := []string{
		"PATH=" + path,
		"LANG=" + lang,
		"TZ=UTC",
		"CLAWOPS_RUN_ID=" + req.RunID,
		"CLAWOPS_CAMPAIGN_ID=" + req.Campaign.ID,
	}
	if home := os.Getenv("HOME"); home != "" {
		env = append(env, "HOME="+home)
	}
	return env
}

// exitError says how a program that did not succeed ended.
func exitError(err error) error {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return fmt.Errorf("executor: wait for the agent: %w", err)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return fmt.Errorf("executor: the agent was killed by signal %d (%s)", int(ws.Signal()),
			ws.Signal())
	}
	return fmt.Errorf("executor: the agent exited with status %d", ee.ExitCode())
}

// signalGroup sends sig to every process of the group led by pid. The group may be gone
// already, which is not an error worth reporting.
func signalGroup(pid int, sig syscall.Signal) {
	if err := syscall.Kill(-pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		slog.Debug("signal agent process group", "pid", pid, "signal", sig.String(),
			"err", err)
	}
}
