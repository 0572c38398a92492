package web

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/clawops/clawops/internal/derrors"
)

func TestCheckText(t *testing.T) {
	tests := []struct {
		name string
		body string
		// want is the error's field and message, or its message for a bad request; empty
		// when the body passes.
		want string
	}{
		{"plain", `{"name":"Ada"}`, ""},
		{"unicode", `{"name":"Zoë 👩‍👩‍👧 \u202e"}`, ""},
		{"escaped backslash before u0000", `{"name":"C:\\u0000"}`, ""},
		{"escaped NUL", `{"name":"a\u0000b"}`, "name: must not contain NUL bytes"},
		{"escaped NUL after an escaped quote", `{"name":"say \"\u0000\""}`,
			"name: must not contain NUL bytes"},
		{"nested", `{"quietHours":{"start":"\u0000"}}`,
			"quietHours.start: must not contain NUL bytes"},
		{"in a list", `{"ids":["a","b\u0000"]}`, "ids[1]: must not contain NUL bytes"},
		{"in a list of objects", `[{"name":"ok"},{"a":[1,{}],"name":"\u0000"}]`,
			"[1].name: must not contain NUL bytes"},
		{"after other keys", "{\"a\":\"x\",\"b\":{\"c\":1},\"name\":\"\xff\"}",
			"name: must be UTF-8 text"},
		{"invalid UTF-8", "{\"name\":\"\xff\"}", "name: must be UTF-8 text"},
		{"truncated UTF-8", "{\"n\":1,\"name\":\"\xe2\x82\"}", "name: must be UTF-8 text"},
		{"escaped NUL in a key", `{"\u0000":1}`,
			"field names and text in the request body must not contain NUL bytes"},
		{"bad bytes outside strings", "{\"a\":1\xff}", "the request body must be UTF-8 text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			switch err := checkText([]byte(tt.body)).(type) {
			case nil:
			case derrors.Fields:
				for k, v := range err {
					got = k + ": " + v
				}
			default:
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("checkText(%q) = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

// fuzzRequest has a field of every kind request bodies use.
type fuzzRequest struct {
	Name    string            `json:"name"`
	Count   *int              `json:"count"`
	Score   float64           `json:"score"`
	Enabled *bool             `json:"enabled"`
	Tags    []string          `json:"tags"`
	Mapping map[string]string `json:"mapping"`
	Config  json.RawMessage   `json:"config"`
	When    *time.Time        `json:"when"`
	Inner   *struct {
		Start string `json:"start"`
	} `json:"inner"`
}

// FuzzDecodeJSON feeds request bodies through the API's reading and decoding: any body is
// either decoded into valid UTF-8 without NUL characters, or refused with a 4xx answer that
// has a code and a message.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{"name":"Ada","count":3,"score":1.5,"enabled":true,"tags":["a"],` +
			`"mapping":{"Email":"email"},"config":{"k":[1]},"when":"2026-01-02T03:04:05Z",` +
			`"inner":{"start":"21:00"}}`,
		`{"name":12}`, `{"zz":1}`, `{"name":"a\u0000b"}`, "{\"name\":\"\xff\"}", `[1,2]`,
		`{"name":"x"} {"name":"y"}`, `{"when":"yesterday"}`, `{"count":1e400}`,
		`{"tags":[null]}`, `{"inner":{"start":{}}}`, ``, `{`, `null`, `"text"`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var dst fuzzRequest
		err := checkText(body)
		if err == nil {
			err = decodeObject(trimJSONSpace(body), &dst)
		}
		if err != nil {
			status, answer := classify(err)
			if status < 400 || status >= 500 || answer.Code == "" || answer.Message == "" {
				t.Fatalf("%q: %v answers %d %+v", body, err, status, answer)
			}
			return
		}
		if !json.Valid(body) || !utf8.Valid(body) {
			t.Fatalf("%q was accepted but is not valid JSON text", body)
		}
		for _, s := range append([]string{dst.Name}, dst.Tags...) {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("%q decoded to the string %q", body, s)
			}
		}
	})
}
