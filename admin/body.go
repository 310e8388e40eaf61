package admin

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/scimd/scimd/internal/jsonutf8"
)

// readBody reads a request body whose text is UTF-8 (RFC 8259 §8.1), or
// answers 413, or 400 naming where the text is not UTF-8: decoders would
// read it as U+FFFD, and store other text than the client sent. The 400
// carries scimType when it is not empty (user writes, which answer as
// SCIM does).
func readBody(w http.ResponseWriter, r *http.Request, scimType string) ([]byte, bool) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		bodyError(w, err)
		return nil, false
	}
	if e := jsonutf8.Check(raw); e != nil {
		detail := e.Error() + "; send text as UTF-8 (RFC 8259 §8.1)"
		if scimType != "" {
			writeSCIMError(w, http.StatusBadRequest, scimType, detail)
		} else {
			writeError(w, http.StatusBadRequest, detail)
		}
		return nil, false
	}
	return raw, true
}

// typeErrorDetail says which member of a body has a value of the wrong
// JSON type, as in "members holds a string where an array is expected",
// for a decoding error that is a *json.UnmarshalTypeError with a field.
// (The field of an element of an array is the array's.)
func typeErrorDetail(err error) (string, bool) {
	te, ok := errors.AsType[*json.UnmarshalTypeError](err)
	if !ok || te.Field == "" || te.Type == nil {
		return "", false
	}
	var want string
	switch te.Type.Kind() {
	case reflect.String:
		want = "a string"
	case reflect.Bool:
		want = "a boolean"
	case reflect.Slice, reflect.Array:
		want = "an array"
	case reflect.Struct, reflect.Map:
		want = "an object"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		want = "an integer"
	case reflect.Float32, reflect.Float64:
		want = "a number"
	default:
		return "", false
	}
	got, literal, _ := strings.Cut(te.Value, " ") // "number 1.5"
	switch got {
	case "number":
		if literal != "" {
			got = literal
		} else {
			got = "a number"
		}
	case "array", "object":
		got = "an " + got
	case "bool":
		got = "a boolean"
	default:
		got = "a " + got
	}
	return te.Field + " holds " + got + " where " + want + " is expected", true
}
