package scim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	scimerrors "github.com/elimity-com/scim/errors"

	"github.com/scimd/scimd/schemas"
)

// The bodies of resource writes are checked against the resource type's
// schemas (schemas.ResourceType.Check, CheckPatchRequest and CheckPatchOp)
// before the schema library sees them, so that a refusal names the
// attribute and says what to fix instead of the library's boilerplate.

// writeType returns the resource type a request writes, as the library
// routes it: a POST to the type's endpoint, a PUT or PATCH to one of its
// resources; nil for anything else, which the library answers.
func writeType(r *http.Request, st *requestState) *schemas.ResourceType {
	path := route(r)
	for _, rt := range st.set.ResourceTypes() {
		id, one := strings.CutPrefix(path, rt.Endpoint+"/")
		switch {
		case r.Method == http.MethodPost && path == rt.Endpoint:
		case (r.Method == http.MethodPut || r.Method == http.MethodPatch) && one && id != "" && !strings.Contains(id, "/"):
		default:
			continue
		}
		return &rt
	}
	return nil
}

// decodeBody decodes a request body into a document (numbers as
// json.Number). A body that is not a JSON object is refused when rt, the
// type the request writes, is not nil, and passes (nil, nil) otherwise.
func decodeBody(body []byte, rt *schemas.ResourceType, patch bool) (map[string]any, error) {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil || doc == nil {
		if rt == nil {
			return nil, nil //nolint:nilerr // the library answers invalid JSON with invalidSyntax
		}
		return nil, bodyError(rt, patch, err)
	}
	return doc, nil
}

// bodyError says why the body of a resource write is not a JSON object;
// err is what decoding it into a map returned (nil for JSON null).
func bodyError(rt *schemas.ResourceType, patch bool, err error) error {
	what := "a " + rt.Name + " resource"
	if patch {
		what = `a PATCH request, {"schemas": ["` + schemas.PatchOpURN + `"], "Operations": [...]}`
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	detail := "the request body must be a JSON object: " + what + ", not null"
	switch {
	case errors.Is(err, io.EOF):
		detail = "the request body is empty: send " + what
	case errors.As(err, &syntax):
		detail = "the request body is not valid JSON (at byte " + strconv.FormatInt(syntax.Offset, 10) + ": " + syntax.Error() + "): send " + what
	case errors.As(err, &typ):
		detail = "the request body must be a JSON object: " + what + ", not " + jsonKind(typ.Value)
	case err != nil:
		detail = "the request body is not valid JSON: send " + what
	}
	return errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidSyntax, detail)
}

// jsonKind names a JSON kind as json.UnmarshalTypeError.Value does.
func jsonKind(v string) string {
	switch v {
	case "array", "object":
		return "an " + v
	case "":
		return "another value"
	}
	return "a " + v
}

// checkEnvelope checks a PATCH body as sent, when rt is not nil.
func checkEnvelope(rt *schemas.ResourceType, doc map[string]any) error {
	if rt == nil {
		return nil
	}
	return schemas.CheckPatchRequest(doc)
}

// checkResource checks a POST or PUT body as normalized, when rt is not
// nil.
func checkResource(rt *schemas.ResourceType, doc map[string]any) error {
	if rt == nil {
		return nil
	}
	return rt.Check(doc)
}

// checkOp checks PATCH operation i (from 0, as sent) and the remove
// operations normalizeBody made of it (clearedKeys), as normalized, when
// rt is not nil.
func checkOp(rt *schemas.ResourceType, i int, op map[string]any, cleared []any) error {
	if rt == nil {
		return nil
	}
	if err := rt.CheckPatchOp(i+1, op); err != nil {
		return err
	}
	for _, c := range cleared {
		if err := rt.CheckPatchOp(i+1, c.(map[string]any)); err != nil {
			return err
		}
	}
	return nil
}

// checkError is the SCIM error of a refusal of the schema checks.
func checkError(e *schemas.CheckError) scimerrors.ScimError {
	return errorf(http.StatusBadRequest, scimerrors.ScimType(e.ScimType), e.Detail)
}
