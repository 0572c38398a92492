package executor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxErrorBody is how much of a failed answer's body goes into the error message.
const maxErrorBody = 200

// httpClient posts to HTTP agents. Its deadline is the run context's; it follows redirects
// only within the agent's own host, so an agent cannot bounce the run request, run id
// included, to a third party.
var httpClient = &http.Client{CheckRedirect: sameHost}

func sameHost(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return fmt.Errorf("executor: the agent redirected %d times", len(via))
	}
	if req.URL.Scheme != via[0].URL.Scheme || req.URL.Host != via[0].URL.Host {
		return http.ErrUseLastResponse
	}
	return nil
}

// runHTTP runs an HTTP agent: the request is POSTed to rawURL, the answer's body is the
// result.
func runHTTP(ctx context.Context, rawURL string, req Request, logf func(string)) (
	Result, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return Result{}, fmt.Errorf("executor: encode the run request: %w", err)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return Result{}, fmt.Errorf("executor: build the request to the agent: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("User-Agent", "ClawOps")
	hreq.Header.Set("X-ClawOps-Run-ID", req.RunID)

	logf("sent the run request to " + logURL(hreq.URL))
	resp, err := httpClient.Do(hreq)
	if err != nil {
		return Result{}, fmt.Errorf("executor: post the run request: %w", err)
	}
	defer resp.Body.Close()
	logf("the agent answered " + resp.Status)

	data, err := readBody(resp)
	if err != nil {
		return Result{}, err
	}
	return parseResult(data)
}

// readBody returns the body of a successful answer, or an error describing a failed one.
func readBody(resp *http.Response) ([]byte, error) {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, statusError(resp)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxResultBytes+1))
	if err != nil {
		return nil, fmt.Errorf("executor: read the agent's answer: %w", err)
	}
	if len(data) > MaxResultBytes {
		return nil, errTooLarge
	}
	return data, nil
}

// statusError describes a non-2xx answer with the start of its body, which usually says why.
func statusError(resp *http.Response) error {
	head, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	msg := "executor: the agent answered " + resp.Status
	if loc := resp.Header.Get("Location"); loc != "" && resp.StatusCode/100 == 3 {
		msg += " (a redirect to " + loc + ", not followed)"
	}
	if text := bodyExcerpt(head); text != "" {
		msg += ": " + text
	}
	return errors.New(msg)
}

// bodyExcerpt makes the start of a body fit for a one-line message.
func bodyExcerpt(b []byte) string {
	// Dropping invalid bytes also drops a character that the excerpt cut in two.
	s := strings.ToValidUTF8(string(b), "")
	return strings.Join(strings.Fields(s), " ")
}

// logURL is the agent's address without credentials or query, which may carry a token.
func logURL(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}
