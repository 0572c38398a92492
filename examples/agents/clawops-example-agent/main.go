// Command clawops-example-agent is an agent that ClawOps can run as a command executor without
// any agent runtime. It reads the run request on stdin, logs its progress on stderr and
// prints a result on stdout: a few invented leads and one or two post drafts.
//
// The same campaign, message and agent name always give the same records, so a retried run
// adds nothing new; another message gives others. Its agent config may set leadsPerRun
// (default 3, at most 20) and pauseMs, the pause between progress lines (default 300, or
// CLAWOPS_EXAMPLE_PAUSE_MS). A message containing the word "fail" makes it exit with status 2.
package main

import (
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
)

//go:embed data.json
var dataJSON []byte

// errAskedToFail is the failure the message asked for, to show how failed runs look.
var errAskedToFail = errors.New("the message asked this run to fail")

type request struct {
	RunID    string `json:"runId"`
	Campaign struct {
		Slug    string `json:"slug"`
		Name    string `json:"name"`
		Company string `json:"company"`
	} `json:"campaign"`
	Agent struct {
		Name   string          `json:"name"`
		Config json.RawMessage `json:"config"`
	} `json:"agent"`
	Message string `json:"message"`
}

type config struct {
	LeadsPerRun *int `json:"leadsPerRun"`
	PauseMs     *int `json:"pauseMs"`
}

type samples struct {
	FirstNames []string `json:"firstNames"`
	LastNames  []string `json:"lastNames"`
	Companies  []string `json:"companies"`
	Topics     []string `json:"topics"`
	Platforms  []string `json:"platforms"`
	Drafts     []string `json:"drafts"`
}

type lead struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	Company string `json:"company"`
	Source  string `json:"source"`
	Status  string `json:"status"`
	Score   int    `json:"score"`
	Notes   string `json:"notes"`
}

type draft struct {
	Platform    string `json:"platform"`
	PostType    string `json:"postType"`
	Content     string `json:"content"`
	Topic       string `json:"topic"`
	SourceAgent string `json:"sourceAgent"`
	Status      string `json:"status"`
}

type result struct {
	Output     string  `json:"output"`
	CostUSD    float64 `json:"costUsd"`
	TokensUsed int64   `json:"tokensUsed"`
	Records    struct {
		Leads        []lead  `json:"leads"`
		ContentQueue []draft `json:"contentQueue"`
	} `json:"records"`
	Metrics map[string]int64 `json:"metrics"`
}

func main() {
	if err := run(os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		if errors.Is(err, errAskedToFail) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func run(stdin io.Reader, stdout, stderr io.Writer) error {
	var req request
	if err := json.NewDecoder(stdin).Decode(&req); err != nil {
		return fmt.Errorf("read the run request: %w", err)
	}
	var data samples
	if err := json.Unmarshal(dataJSON, &data); err != nil {
		return fmt.Errorf("read the bundled data: %w", err)
	}
	leadCount, pause := settings(req.Agent.Config)
	progress := func(line string) {
		fmt.Fprintln(stderr, line)
		time.Sleep(pause)
	}

	progress("starting run " + req.RunID + " for campaign " + req.Campaign.Slug)
	if hasWord(req.Message, "fail") {
		return errAskedToFail
	}
	p := &picker{seed: sha256.Sum256([]byte(req.Campaign.Slug + "\x00" + req.Message + "\x00" +
		req.Agent.Name))}
	var res result
	res.Records.Leads = leads(p, data, leadCount, req.Message)
	progress("found " + count(len(res.Records.Leads), "sample lead"))
	res.Records.ContentQueue = drafts(p, data, req)
	progress("drafted " + count(len(res.Records.ContentQueue), "post"))

	res.Output = fmt.Sprintf("Found %s and drafted %s for %s.",
		count(len(res.Records.Leads), "sample lead"), count(len(res.Records.ContentQueue), "post"),
		req.Campaign.Name)
	res.TokensUsed = int64(400 + 150*len(res.Records.Leads) + 220*len(res.Records.ContentQueue) +
		len(req.Message))
	res.CostUSD = math.Round(float64(res.TokensUsed)*3) / 1e6
	res.Metrics = map[string]int64{"emailsSent": 0}
	fmt.Fprintln(stderr, "done")
	return json.NewEncoder(stdout).Encode(res)
}

// settings reads the number of leads and the pause between progress lines.
func settings(raw json.RawMessage) (int, time.Duration) {
	var c config
	_ = json.Unmarshal(raw, &c) // a config of another shape leaves the defaults
	n := 3
	if c.LeadsPerRun != nil {
		n = max(0, min(*c.LeadsPerRun, 20))
	}
	ms := 300
	if v, err := strconv.Atoi(os.Getenv("CLAWOPS_EXAMPLE_PAUSE_MS")); err == nil {
		ms = v
	}
	if c.PauseMs != nil {
		ms = *c.PauseMs
	}
	return n, time.Duration(max(0, min(ms, 5000))) * time.Millisecond
}

func leads(p *picker, data samples, n int, message string) []lead {
	out := make([]lead, 0, n)
	seen := map[string]bool{}
	for len(out) < n {
		first, last := pick(p, data.FirstNames), pick(p, data.LastNames)
		domain := pick(p, []string{"example.com", "example.org"})
		email := fmt.Sprintf("%s.%s.%d@%s", strings.ToLower(first), strings.ToLower(last),
			10+p.intn(90), domain)
		if seen[email] {
			continue
		}
		seen[email] = true
		out = append(out, lead{
			Name:    first + " " + last,
			Email:   email,
			Phone:   fmt.Sprintf("+1-555-01%02d", p.intn(100)),
			Company: pick(p, data.Companies),
			Source:  "example-agent",
			Status:  "new",
			Score:   40 + p.intn(61),
			Notes:   "Invented by the example agent for: " + short(message),
		})
	}
	return out
}

func drafts(p *picker, data samples, req request) []draft {
	company := req.Campaign.Company
	if company == "" {
		company = "our team"
	}
	out := make([]draft, 1+p.intn(2))
	for i := range out {
		topic := pick(p, data.Topics)
		text := strings.NewReplacer("{topic}", topic, "{company}", company).
			Replace(pick(p, data.Drafts))
		out[i] = draft{Platform: pick(p, data.Platforms), PostType: "post", Content: text,
			Topic: topic, SourceAgent: req.Agent.Name, Status: "pending"}
	}
	return out
}

// count writes n and the noun, in the plural unless n is 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// short cuts a message to fit a note.
func short(message string) string {
	if r := []rune(message); len(r) > 120 {
		return string(r[:120]) + "…"
	}
	return message
}

// hasWord reports whether text contains word as a whole word, in any case.
func hasWord(text, word string) bool {
	isSep := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
	for _, w := range strings.FieldsFunc(text, isSep) {
		if strings.EqualFold(w, word) {
			return true
		}
	}
	return false
}

// picker draws a fixed sequence of numbers from its seed, the same on every platform and Go
// version.
type picker struct {
	seed [32]byte
	n    uint64
}

func (p *picker) intn(n int) int {
	var buf [40]byte
	copy(buf[:], p.seed[:])
	binary.BigEndian.PutUint64(buf[32:], p.n)
	p.n++
	sum := sha256.Sum256(buf[:])
	return int(binary.BigEndian.Uint64(sum[:8]) % uint64(n))
}

func pick(p *picker, from []string) string {
	return from[p.intn(len(from))]
}
