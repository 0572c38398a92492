package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/derrors"
)

// maxBody is the largest JSON body accepted.
const maxBody = 1 << 20

// decodeJSON reads the request body into dst strictly: one JSON object, no unknown fields,
// every value of the right type. Problems name the offending field.
func decodeJSON(c echo.Context, dst any) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	return decodeObject(body, dst)
}

// decodeObject decodes a body already read as decodeJSON does.
func decodeObject(body []byte, dst any) error {
	if len(body) == 0 {
		return badRequest("the request body must be a JSON object")
	}
	if body[0] != '{' {
		return badRequest("the request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if !atEnd(dec) {
		return badRequest("the request body must hold a single JSON object")
	}
	return nil
}

// atEnd reports whether nothing but white space follows the value dec has decoded. Decoder.More
// is not enough: it reports false for a stray closing "}" or "]".
func atEnd(dec *json.Decoder) bool {
	_, err := dec.Token()
	return errors.Is(err, io.EOF)
}

// readBody reads the whole request body, up to maxBody, without surrounding white space. It
// refuses strings that are not UTF-8 or hold a NUL character, naming their field:
// encoding/json would quietly turn bad bytes into U+FFFD, and NUL characters cut text short in
// files and tools downstream.
func readBody(c echo.Context) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, errTooLarge
		}
		return nil, badRequest("could not read the request body")
	}
	if err := checkText(body); err != nil {
		return nil, err
	}
	return trimJSONSpace(body), nil
}

// trimJSONSpace cuts the white space JSON allows around a value: space, tab, line feed and
// carriage return. bytes.TrimSpace would also cut Unicode spaces such as a form feed, which
// JSON does not allow, and so accept a body that is not JSON text.
func trimJSONSpace(body []byte) []byte { return bytes.Trim(body, " \t\n\r") }

// checkText refuses a JSON body with a string that is not UTF-8 or holds the escape \u0000.
// Raw NUL bytes and bad bytes outside strings are left to the decoder, which refuses them as
// malformed JSON.
func checkText(body []byte) error {
	valid := utf8.Valid(body)
	if valid && !bytes.Contains(body, []byte(`\u0000`)) {
		return nil
	}
	field, problem, found := textProblem(body)
	switch {
	case found && field != "":
		return derrors.Fields{field: problem}
	case found:
		return badRequest("field names and text in the request body %s", problem)
	case !valid:
		return badRequest("the request body must be UTF-8 text")
	}
	return nil
}

// jsonFrame is one open object or list while textProblem walks a body.
type jsonFrame struct {
	object   bool
	key      string
	index    int
	wantsKey bool
}

// textProblem finds the first JSON string in body that is not UTF-8 or holds the escape
// \u0000, and names the field it is the value of as the API names fields ("quietHours.start",
// "ids[2]", "[1].name"); field is empty for a bad field name or a bare string. found is false
// when there is no such string.
func textProblem(body []byte) (field, problem string, found bool) {
	var stack []jsonFrame
	for i := 0; i < len(body); i++ {
		top := len(stack) - 1
		switch body[i] {
		case '{':
			stack = append(stack, jsonFrame{object: true, wantsKey: true})
		case '[':
			stack = append(stack, jsonFrame{})
		case '}', ']':
			if top >= 0 {
				stack = stack[:top]
			}
		case ',':
			if top >= 0 {
				stack[top].wantsKey = stack[top].object
				stack[top].index++
			}
		case '"':
			end, p := scanString(body, i+1)
			isKey := top >= 0 && stack[top].object && stack[top].wantsKey
			if p != "" {
				if isKey || top < 0 {
					return "", p, true
				}
				return fieldPath(stack), p, true
			}
			if isKey {
				stack[top].key, stack[top].wantsKey = string(body[i+1:end]), false
			}
			i = end
		}
	}
	return "", "", false
}

// scanString reads the JSON string whose text starts at body[from] and returns the index of its
// closing quote and what is wrong with it, if anything.
func scanString(body []byte, from int) (end int, problem string) {
	i := from
	for ; i < len(body) && body[i] != '"'; i++ {
		if body[i] == '\\' && i+1 < len(body) {
			if body[i+1] == 'u' && bytes.HasPrefix(body[i+2:], []byte("0000")) &&
				problem == "" {
				problem = "must not contain NUL bytes"
			}
			i++
		}
	}
	if !utf8.Valid(body[from:i]) {
		problem = "must be UTF-8 text"
	}
	return i, problem
}

func fieldPath(stack []jsonFrame) string {
	var b strings.Builder
	for _, f := range stack {
		if f.object {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		} else {
			fmt.Fprintf(&b, "[%d]", f.index)
		}
	}
	return b.String()
}

// jsonError turns a decoding failure into a 400 for broken JSON or a 422 naming the field.
func jsonError(err error) error {
	if f, ok := derrors.AsFields(err); ok {
		return f
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return badRequest("malformed JSON at byte %d", syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("malformed JSON: the body ends too early")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return badRequest("the request body must be a JSON object")
		}
		return derrors.Fields{field: "must be " + describeType(typ.Type.String())}
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		return derrors.Fields{name: "is not a known field"}
	}
	// Errors from a field's own UnmarshalJSON carry the field name before a colon.
	if field, rest, ok := strings.Cut(msg, ": "); ok && !strings.Contains(field, " ") {
		return derrors.Fields{field: "is invalid: " + rest}
	}
	return badRequest("malformed JSON: %s", msg)
}

func describeType(goType string) string {
	switch {
	case strings.Contains(goType, "string"):
		if strings.HasPrefix(goType, "[]") {
			return "a list of strings"
		}
		return "a string"
	case strings.Contains(goType, "bool"):
		return "true or false"
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "a number"
	case strings.HasPrefix(goType, "[]"), strings.HasPrefix(goType, "*[]"):
		return "a list"
	}
	return "an object"
}

// queryInt reads an integer query parameter within [lo, hi], def when absent.
func queryInt(c echo.Context, name string, def, lo, hi int) (int, error) {
	v := c.QueryParam(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badRequest("query parameter %s must be a whole number from %d to %d", name, lo, hi)
	}
	return n, nil
}

// pageLimit reads ?limit= with the contract's default of 50 and maximum of 500.
func pageLimit(c echo.Context) (int, error) { return queryInt(c, "limit", 50, 1, 500) }

// list is the shape of every list answer.
type list[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"nextCursor"`
}

func listOf[T any](items []T, next string) list[T] {
	if items == nil {
		items = []T{}
	}
	l := list[T]{Data: items}
	if next != "" {
		l.NextCursor = &next
	}
	return l
}

func fieldName(prefix string, i int) string { return fmt.Sprintf("%s[%d]", prefix, i) }

// writeList answers a list whose items encode themselves, such as campaigns that carry their
// JSON from the cache, without passing each item through encoding/json again.
func writeList[T json.Marshaler](c echo.Context, items []T, next string) error {
	var buf bytes.Buffer
	buf.Grow(512 * (len(items) + 1))
	buf.WriteString(`{"data":[`)
	for i, item := range items {
		if i > 0 {
			buf.WriteByte(',')
		}
		b, err := item.MarshalJSON()
		if err != nil {
			return fmt.Errorf("web: encode list item: %w", err)
		}
		buf.Write(b)
	}
	buf.WriteString(`],"nextCursor":`)
	if next == "" {
		buf.WriteString("null")
	} else {
		b, err := json.Marshal(next)
		if err != nil {
			return fmt.Errorf("web: encode cursor: %w", err)
		}
		buf.Write(b)
	}
	buf.WriteString("}\n")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, buf.Bytes())
}
