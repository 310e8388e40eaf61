package scim

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"

	scimerrors "github.com/elimity-com/scim/errors"

	"github.com/scimd/scimd/internal/jsonutf8"
)

// checkBody refuses a request body that scimd cannot read as the JSON text
// the client meant: one of another media type (415), or with text that is
// not UTF-8 (400 invalidSyntax naming the attribute). An empty body passes.
func checkBody(r *http.Request, body []byte) error {
	if len(body) == 0 {
		return nil
	}
	if err := checkMediaType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	if e := jsonutf8.Check(body); e != nil {
		return errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidSyntax,
			utf8Detail(body, e, r.Method == http.MethodPatch)+"; send text as UTF-8 (RFC 8259 §8.1)")
	}
	return nil
}

// checkMediaType accepts a body of media type application/scim+json or
// application/json (RFC 7644 §3.1, §8.1), with any parameters but a
// charset other than UTF-8, in any case; no Content-Type reads as JSON.
// Anything else is 415.
func checkMediaType(ct string) error {
	if strings.TrimSpace(ct) == "" {
		return nil
	}
	const accepted = "application/scim+json or application/json"
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil && !errors.Is(err, mime.ErrInvalidMediaParameter) { // a bad parameter is not worth a refusal
		return errorf(http.StatusUnsupportedMediaType, "", "the Content-Type of the body is not a media type; send "+accepted)
	}
	if mt != "application/scim+json" && mt != "application/json" {
		return errorf(http.StatusUnsupportedMediaType, "", "the body's media type "+strconv.Quote(clip(mt, 64))+
			" is not JSON; send "+accepted+" (RFC 7644 §3.1)")
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return errorf(http.StatusUnsupportedMediaType, "", "the body's charset "+strconv.Quote(clip(cs, 64))+
			" is not UTF-8; send "+accepted+" in UTF-8 (RFC 7644 §3.8)")
	}
	return nil
}

// clip cuts s to at most n bytes, for details that quote what a client
// sent.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// utf8Detail says where the text that is not UTF-8 is: the attribute, in
// SCIM's notation (urn:…:User:manager.value, emails[1].value), and for a
// PATCH the operation and the attribute its path or value names.
func utf8Detail(body []byte, e *jsonutf8.Error, patch bool) string {
	path, op := e.Path, ""
	if patch && len(path) >= 2 {
		if k, _ := path[0].(string); strings.EqualFold(k, "Operations") {
			if i, ok := path[1].(int); ok {
				op = "operation " + strconv.Itoa(i+1)
				if member, _ := pathAt(path, 2).(string); e.Name == "" && len(path) == 3 && !strings.EqualFold(member, "value") {
					return op + ": its " + member + " is not valid UTF-8" // "path" or "op"
				}
				path = patchValuePath(body, i, path[2:])
			}
		}
	}
	where := jsonutf8.Dotted(path)
	var what string
	switch {
	case e.Name != "":
		what = "the attribute name " + strconv.Quote(e.Name) + " is not valid UTF-8"
	case where == "" && e.Path == nil:
		return "the request body is not valid UTF-8"
	default:
		what = "the value is not valid UTF-8"
	}
	switch {
	case op != "" && where != "":
		return where + " (" + op + "): " + what
	case op != "":
		return op + ": " + what
	case where != "":
		return where + ": " + what
	}
	return what
}

// pathAt returns path[i], or nil past its end.
func pathAt(path []any, i int) any {
	if i < len(path) {
		return path[i]
	}
	return nil
}

// patchValuePath rewrites the path of bad text inside PATCH operation i
// (rest, the path below the operation): in the value of an operation with
// a path, it leads from that path; in a path-less value, from the value's
// keys; "path" and "op" stay as they are.
func patchValuePath(body []byte, i int, rest []any) []any {
	if len(rest) == 0 {
		return nil
	}
	if k, _ := rest[0].(string); !strings.EqualFold(k, "value") {
		return rest
	}
	var doc map[string]any
	_ = json.Unmarshal(body, &doc) // the document is JSON: Check walked it
	opsKey, _ := keyOf(doc, "Operations")
	ops, _ := doc[opsKey].([]any)
	if i < len(ops) {
		if m, ok := ops[i].(map[string]any); ok {
			if k, ok := keyOf(m, "path"); ok {
				if p, _ := m[k].(string); p != "" {
					return append([]any{p}, rest[1:]...)
				}
			}
		}
	}
	if len(rest) == 1 {
		return []any{"value"}
	}
	return rest[1:]
}
