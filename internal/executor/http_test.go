package executor

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/clawops/clawops/internal/agent"
)

func httpSpec(url string, timeout int) agent.Executor {
	return agent.Executor{Type: agent.ExecutorHTTP, URL: url, TimeoutSeconds: timeout}
}

func TestHTTPSuccess(t *testing.T) {
	var sent Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method != http.MethodPost:
			t.Errorf("got method %s, want POST", r.Method)
		case r.Header.Get("Content-Type") != "application/json":
			t.Errorf("got Content-Type %q", r.Header.Get("Content-Type"))
		case r.Header.Get("X-ClawOps-Run-ID") != "run-42":
			t.Errorf("got X-ClawOps-Run-ID %q", r.Header.Get("X-ClawOps-Run-ID"))
		}
		if err := json.NewDecoder(r.Body).Decode(&sent); err != nil {
			t.Errorf("decode the request: %v", err)
		}
		io.WriteString(w, `{"output": "posted", "tokensUsed": 12,
			"records": {"contentQueue": [{"content": "Hi"}]}, "metrics": {"emailsSent": 1}}`)
	}))
	defer srv.Close()

	var log logLines
	got, err := Run(t.Context(), httpSpec(srv.URL+"/run?token=abc", 10), testRequest, log.add)
	if err != nil {
		t.Fatal(err)
	}

	want := Result{
		Output: "posted", TokensUsed: 12,
		Records: map[string][]json.RawMessage{
			"contentQueue": {json.RawMessage(`{"content": "Hi"}`)},
		},
		Metrics: map[string]int64{"emailsSent": 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(testRequest, sent); diff != "" {
		t.Errorf("request body (-want +got):\n%s", diff)
	}
	wantLog := []string{"sent the run request to " + srv.URL + "/run", "the agent answered 200 OK"}
	if diff := cmp.Diff(wantLog, log.all()); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}

func TestHTTPFailures(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"server error", 500, "boom\n",
			"executor: the agent answered 500 Internal Server Error: boom"},
		{"long error body", 502, "x" + strings.Repeat("é", 150),
			"executor: the agent answered 502 Bad Gateway: x" + strings.Repeat("é", 99)},
		{"invalid JSON", 200, "<html>", "executor: the result is not valid JSON: "},
		{"not an object", 200, `"done"`, "executor: the result is a string, not a JSON object"},
		{"empty body", 200, "", "executor: the agent wrote no result"},
		{"negative cost", 200, `{"costUsd": -0.5}`,
			"executor: the result's costUsd must not be negative"},
		{"larger than 4 MiB", 200, `{"output": "` + strings.Repeat("a", MaxResultBytes) + `"}`,
			"executor: the result is larger than 4 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answer := func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}
			srv := httptest.NewServer(http.HandlerFunc(answer))
			defer srv.Close()

			_, err := Run(t.Context(), httpSpec(srv.URL, 10), testRequest, nil)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one starting with %q", err, tt.want)
			}
			if tt.status != 200 && err.Error() != tt.want {
				t.Errorf("got message %q, want %q", err, tt.want)
			}
		})
	}
}

// stuckServer is an agent that never answers. It calls arrived once the request is read,
// and lets go of the request when the client leaves or the test ends.
func stuckServer(t *testing.T, arrived func()) *httptest.Server {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		// The server notices a client that left only once the body is read.
		io.Copy(io.Discard, r.Body)
		arrived()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv
}

func TestHTTPTimeout(t *testing.T) {
	srv := stuckServer(t, func() {})

	_, err := Run(t.Context(), httpSpec(srv.URL, 1), testRequest, nil)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got error %v, want ErrTimeout", err)
	}
	if want := "executor: the agent did not finish within 1 s"; err.Error() != want {
		t.Errorf("got message %q, want %q", err, want)
	}
}

func TestHTTPCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	srv := stuckServer(t, cancel)

	_, err := Run(ctx, httpSpec(srv.URL, 60), testRequest, nil)
	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("got error %v, want ErrCancelled", err)
	}
}

func TestHTTPRedirects(t *testing.T) {
	var otherHit atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		otherHit.Store(true)
		io.WriteString(w, `{"output": "from elsewhere"}`)
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/same":
			http.Redirect(w, r, "/final", http.StatusTemporaryRedirect)
		case "/other":
			http.Redirect(w, r, other.URL+"/final", http.StatusTemporaryRedirect)
		case "/final":
			io.WriteString(w, `{"output": "here"}`)
		}
	}))
	defer srv.Close()

	got, err := Run(t.Context(), httpSpec(srv.URL+"/same", 10), testRequest, nil)
	if err != nil || got.Output != "here" {
		t.Errorf("redirect within the host: got %q, %v; want here", got.Output, err)
	}

	_, err = Run(t.Context(), httpSpec(srv.URL+"/other", 10), testRequest, nil)
	want := "executor: the agent answered 307 Temporary Redirect (a redirect to " + other.URL +
		"/final, not followed)"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("redirect to another host: got error %v, want one starting with %q", err, want)
	}
	if otherHit.Load() {
		t.Error("the run request was sent to another host")
	}
}
