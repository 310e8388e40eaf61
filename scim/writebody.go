package scim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	scimerrors "github.com/elimity-com/scim/errors"

	"github.com/scimd/scimd/schemas"
)

// decodeWrite decodes the body of a write of a resource of type typ, once,
// as the directory service takes documents (numbers as json.Number): a
// POST or PUT body, or a PATCH request when patch. A body that is not a
// JSON object is refused with a detail that says what to send.
func (c *call) decodeWrite(typ string, patch bool) (map[string]any, error) {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil || doc == nil {
		return nil, bodyError(typ, patch, err)
	}
	return doc, nil
}

// bodyError says why the body of a write of a resource of type typ is not
// a JSON object; err is what decoding it into a map returned (nil for JSON
// null).
func bodyError(typ string, patch bool, err error) error {
	what := "a " + typ + " resource"
	if patch {
		what = `a PATCH request, {"schemas": ["` + schemas.PatchOpURN + `"], "Operations": [...]}`
	}
	var syntax *json.SyntaxError
	var typErr *json.UnmarshalTypeError
	detail := "the request body must be a JSON object: " + what + ", not null"
	switch {
	case errors.Is(err, io.EOF):
		detail = "the request body is empty: send " + what
	case errors.As(err, &syntax):
		detail = "the request body is not valid JSON (at byte " + strconv.FormatInt(syntax.Offset, 10) + ": " + syntax.Error() + "): send " + what
	case errors.As(err, &typErr):
		detail = "the request body must be a JSON object: " + what + ", not " + jsonKind(typErr.Value)
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
