package executor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
)

// openclawProgram is the command of the openclaw runtime, looked up on PATH.
const openclawProgram = "openclaw"

// openclawAnswer is the part of `openclaw agent --json` output that a run uses.
type openclawAnswer struct {
	Payloads []struct {
		Text string `json:"text"`
	} `json:"payloads"`
	Meta struct {
		Aborted bool `json:"aborted"`
		Error   *struct {
			Kind    string `json:"kind"`
			Message string `json:"message"`
		} `json:"error"`
		AgentMeta *struct {
			Usage *openclawUsage `json:"usage"`
		} `json:"agentMeta"`
	} `json:"meta"`
}

// openclawUsage counts the tokens of a run. The counts are read as numbers of any form,
// since the format belongs to another project.
type openclawUsage struct {
	Input      float64         `json:"input"`
	Output     float64         `json:"output"`
	CacheRead  float64         `json:"cacheRead"`
	CacheWrite float64         `json:"cacheWrite"`
	Total      float64         `json:"total"`
	Cost       json.RawMessage `json:"cost"`
}

// runOpenClaw runs an agent of the openclaw runtime, the same way as a command agent, as
//
//	openclaw agent --local --json --agent <agentID> --message <message>
//
// with nothing on stdin, and maps its JSON answer to a Result:
//   - Output: the text of each payload (payloads[].text), in order, joined by blank lines;
//     payloads without text (media only) are skipped.
//   - TokensUsed: meta.agentMeta.usage.total when present, else the sum of its input, output,
//     cacheRead and cacheWrite counts, which is how openclaw computes its total: tokens read
//     from or written to the prompt cache are tokens the model processed.
//   - CostUSD: meta.agentMeta.usage.cost when openclaw reports one, as a number or as an
//     object with a total; otherwise 0.
//   - Records and Metrics: none, openclaw produces neither.
//
// An answer whose meta carries an error (a context overflow, say) or says the run was aborted
// fails the run with openclaw's words.
func runOpenClaw(ctx context.Context, agentID string, req Request, logf func(string)) (
	Result, error) {
	argv := []string{openclawProgram, "agent", "--local", "--json",
		"--agent", agentID, "--message", req.Message}
	out, err := runProgram(ctx, argv, childEnv(req), nil, logf)
	if err != nil {
		return Result{}, err
	}
	return parseOpenClaw(out)
}

// parseOpenClaw maps the output of `openclaw agent --json` to a Result.
func parseOpenClaw(out []byte) (Result, error) {
	out = jsonStart(out)
	if len(out) == 0 {
		return Result{}, errNoResult
	}
	if err := checkObject(out, "openclaw's answer"); err != nil {
		return Result{}, err
	}
	var a openclawAnswer
	if err := json.Unmarshal(out, &a); err != nil {
		return Result{}, fmt.Errorf("executor: openclaw's answer has an unexpected shape: %w",
			err)
	}
	if e := a.Meta.Error; e != nil {
		return Result{}, fmt.Errorf("executor: openclaw failed (%s): %s", e.Kind, e.Message)
	}
	if a.Meta.Aborted {
		return Result{}, errors.New("executor: openclaw aborted the run")
	}

	texts := make([]string, 0, len(a.Payloads))
	for _, p := range a.Payloads {
		if t := strings.TrimSpace(p.Text); t != "" {
			texts = append(texts, t)
		}
	}
	res := Result{Output: strings.Join(texts, "\n\n")}
	if a.Meta.AgentMeta != nil && a.Meta.AgentMeta.Usage != nil {
		return a.Meta.AgentMeta.Usage.addTo(res)
	}
	return res, nil
}

// addTo sets the tokens and cost of res from u.
func (u *openclawUsage) addTo(res Result) (Result, error) {
	tokens := u.Total
	if tokens == 0 {
		tokens = u.Input + u.Output + u.CacheRead + u.CacheWrite
	}
	cost, err := u.cost()
	if err != nil {
		return Result{}, err
	}
	if tokens < 0 || cost < 0 {
		return Result{}, errors.New("executor: openclaw reported a negative usage")
	}
	res.TokensUsed = int64(math.Round(tokens))
	res.CostUSD = cost
	return res, nil
}

func (u *openclawUsage) cost() (float64, error) {
	if isNull(u.Cost) {
		return 0, nil
	}
	var n float64
	if json.Unmarshal(u.Cost, &n) == nil {
		return n, nil
	}
	var o struct {
		Total float64 `json:"total"`
	}
	if err := json.Unmarshal(u.Cost, &o); err != nil {
		return 0, fmt.Errorf("executor: openclaw's usage cost must be a number or an object "+
			"with a total, not %s", describe(u.Cost))
	}
	return o.Total, nil
}

// jsonStart skips any line printed on stdout before the JSON answer, so that a stray banner or
// log line does not fail the run: the answer starts at the first line that opens an object.
func jsonStart(out []byte) []byte {
	out = bytes.TrimSpace(out)
	if len(out) == 0 || out[0] == '{' {
		return out
	}
	if i := bytes.Index(out, []byte("\n{")); i >= 0 {
		return out[i+1:]
	}
	return out
}
