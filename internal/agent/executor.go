package agent

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/clawops/clawops/internal/derrors"
)

// Executor types.
const (
	// ExecutorCommand runs a program, argv only, with the run request on stdin.
	ExecutorCommand = "command"
	// ExecutorHTTP posts the run request to a URL.
	ExecutorHTTP = "http"
	// ExecutorOpenClaw runs an agent of the openclaw runtime.
	ExecutorOpenClaw = "openclaw"
)

// Limits of executor fields.
const (
	DefaultTimeoutSeconds = 600
	MaxTimeoutSeconds     = 86400
	maxArgs               = 64
	maxArgLen             = 4096
	maxURLLen             = 2048
)

// openclawIDRE keeps an openclaw agent id to a plain name, so that it can never be read as a
// flag of the openclaw command line.
var openclawIDRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// Executor says how a run of an agent is carried out. Only the fields of its Type are set.
type Executor struct {
	Type string `json:"type"`
	// Command is the argv of a command executor; a program without a slash is looked up on
	// PATH.
	Command []string `json:"command,omitempty"`
	// URL is where an http executor posts the run request.
	URL string `json:"url,omitempty"`
	// AgentID names the openclaw agent.
	AgentID string `json:"agentId,omitempty"`
	// TimeoutSeconds bounds a run; 0 means DefaultTimeoutSeconds.
	TimeoutSeconds int `json:"timeoutSeconds"`
}

// Validate normalises e (a zero timeout becomes the default) and checks it. A failure is a
// derrors.Fields keyed executor.type, executor.command, executor.url, executor.agentId or
// executor.timeoutSeconds.
func (e *Executor) Validate() error {
	f := derrors.Fields{}
	e.check(f, "executor")
	return f.Err()
}

// check adds e's problems to f under the given prefix.
func (e *Executor) check(f derrors.Fields, prefix string) {
	if e.TimeoutSeconds == 0 {
		e.TimeoutSeconds = DefaultTimeoutSeconds
	}
	if e.TimeoutSeconds < 1 || e.TimeoutSeconds > MaxTimeoutSeconds {
		f.Add(prefix+".timeoutSeconds", "must be between 1 and "+strconv.Itoa(MaxTimeoutSeconds))
	}
	switch e.Type {
	case ExecutorCommand:
		checkCommand(f, prefix, e.Command)
	case ExecutorHTTP:
		checkURL(f, prefix, e.URL)
	case ExecutorOpenClaw:
		if !openclawIDRE.MatchString(e.AgentID) {
			f.Add(prefix+".agentId", "is required: letters, digits, '.', '_' or '-', "+
				"at most 100 characters")
		}
	default:
		f.Add(prefix+".type", "must be one of command, http, openclaw")
		return
	}
	e.checkUnused(f, prefix)
}

// checkUnused refuses fields that belong to another type: they would be silently ignored.
func (e *Executor) checkUnused(f derrors.Fields, prefix string) {
	if e.Type != ExecutorCommand && len(e.Command) > 0 {
		f.Add(prefix+".command", "is only used by command executors")
	}
	if e.Type != ExecutorHTTP && e.URL != "" {
		f.Add(prefix+".url", "is only used by http executors")
	}
	if e.Type != ExecutorOpenClaw && e.AgentID != "" {
		f.Add(prefix+".agentId", "is only used by openclaw executors")
	}
}

func checkCommand(f derrors.Fields, prefix string, argv []string) {
	field := prefix + ".command"
	if len(argv) == 0 || strings.TrimSpace(argv[0]) == "" {
		f.Add(field, "is required: the program and its arguments")
		return
	}
	if len(argv) > maxArgs {
		f.Add(field, "must have at most "+strconv.Itoa(maxArgs)+" elements")
	}
	for _, arg := range argv {
		switch {
		case strings.ContainsRune(arg, 0):
			f.Add(field, "must not contain NUL bytes")
		case !utf8.ValidString(arg):
			f.Add(field, "must be valid UTF-8")
		case len(arg) > maxArgLen:
			f.Add(field, "must have arguments of at most "+strconv.Itoa(maxArgLen)+" bytes")
		}
	}
}

func checkURL(f derrors.Fields, prefix, raw string) {
	field := prefix + ".url"
	if raw == "" {
		f.Add(field, "is required")
		return
	}
	if len(raw) > maxURLLen || strings.ContainsAny(raw, "\x00 \t\r\n") {
		f.Add(field, "must be an http or https URL")
		return
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		f.Add(field, "must be an http or https URL")
	}
}
