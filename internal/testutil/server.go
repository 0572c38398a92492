package testutil

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clawops/clawops/internal/app"
	"github.com/clawops/clawops/internal/config"
)

// AdminEmail and AdminPassword sign in to every test server.
const (
	AdminEmail    = "admin@clawops.test"
	AdminPassword = "correct horse battery staple"
)

// Server is a running ClawOps over a fresh SQLite file.
type Server struct {
	*httptest.Server
	App    *app.App
	DBPath string
	t      testing.TB
}

// NewServer starts ClawOps on a new database in t.TempDir(); demo loads the demo data.
func NewServer(t testing.TB, demo bool) *Server {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clawops.db")
	return NewServerAt(t, path, demo)
}

// NewServerAt starts ClawOps on the database at path, creating it when missing, and stops it
// when the test ends.
func NewServerAt(t testing.TB, path string, demo bool) *Server {
	t.Helper()
	s, err := Start(path, demo)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(s.Stop)
	return s.For(t)
}

// Start starts ClawOps on the database at path; the caller stops it with Stop.
func Start(path string, demo bool) (*Server, error) {
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	cfg := config.Config{Addr: "127.0.0.1:0", DBPath: path, Demo: demo,
		AdminEmail: AdminEmail, AdminPassword: AdminPassword, LogFormat: "text"}
	a, err := app.Open(context.Background(), cfg, io.Discard)
	if err != nil {
		return nil, err
	}
	// Runs are carried out; schedules fire only when a test makes the scheduler's passes,
	// so that the demo's schedules never start runs in the middle of a test.
	a.StartRuns()
	return &Server{Server: httptest.NewServer(a.Server), App: a, DBPath: path}, nil
}

// Stop closes the listener and the database.
func (s *Server) Stop() {
	s.Server.Close()
	s.App.Close()
}

// For returns the server reporting failures to t.
func (s *Server) For(t testing.TB) *Server {
	c := *s
	c.t = t
	return &c
}

// Response is an answer read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic map.
func (r Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
	return m
}

// Decode decodes the body into v.
func (r Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Do sends a request with an optional bearer token and body (a string is sent as is, anything
// else as JSON) and reads the whole answer.
func (s *Server) Do(method, path, token string, body any, headers ...string) Response {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			s.t.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		s.t.Fatalf("new request: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := s.Client().Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatalf("read %s %s: %v", method, path, err)
	}
	return Response{Status: res.StatusCode, Header: res.Header, Body: data}
}

// Login signs in through the API and returns the bearer token.
func (s *Server) Login(email, password string) string {
	s.t.Helper()
	res := s.Do("POST", "/api/auth/login", "", map[string]string{"email": email,
		"password": password})
	if res.Status != http.StatusOK {
		s.t.Fatalf("login %s: status %d: %s", email, res.Status, res.Body)
	}
	var body struct {
		Token struct {
			Token string `json:"token"`
		} `json:"token"`
	}
	res.Decode(s.t, &body)
	return body.Token.Token
}

// AdminToken signs in as the admin.
func (s *Server) AdminToken() string { return s.Login(AdminEmail, AdminPassword) }
