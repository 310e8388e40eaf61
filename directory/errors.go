package directory

import (
	"errors"
	"fmt"
	"strings"

	scimerrors "github.com/elimity-com/scim/errors"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// A Kind says what sort of refusal an Error is, whatever the door: each
// door turns it into its own status code.
type Kind int

// The kinds of Error.
const (
	// Invalid is input the rules refuse (HTTP 400).
	Invalid Kind = iota + 1
	// NotFound is a resource, app or assignment the tenant does not have
	// (HTTP 404).
	NotFound
	// Conflict is a write the current state refuses: a value another
	// resource holds, a status change the lifecycle does not allow, a login
	// of a user who is not active (HTTP 409).
	Conflict
	// PreconditionFailed is a write whose preconditions do not hold for
	// the resource's current version (HTTP 412).
	PreconditionFailed
)

// The SCIM error types (RFC 7644 §3.12) of Error.Type.
const (
	TypeInvalidFilter = string(scimerrors.ScimTypeInvalidFilter)
	TypeInvalidPath   = string(scimerrors.ScimTypeInvalidPath)
	TypeInvalidSyntax = string(scimerrors.ScimTypeInvalidSyntax)
	TypeInvalidValue  = string(scimerrors.ScimTypeInvalidValue)
	TypeMutability    = string(scimerrors.ScimTypeMutability)
	TypeNoTarget      = string(scimerrors.ScimTypeNoTarget)
	TypeUniqueness    = string(scimerrors.ScimTypeUniqueness)
)

// An Error is a call the service refuses. Nothing was written. Detail
// says, for people, what is wrong and what to do instead; it never holds
// internal text. Errors of the store that are not about the caller's
// input (the database is unavailable, the tenant's schema changed during
// the call) are not Errors: they pass through unchanged.
type Error struct {
	Kind Kind
	// Type is the SCIM error type of the refusal, such as "invalidValue"
	// or "uniqueness", or "" when SCIM has none for it.
	Type string
	// Attribute is the attribute the refusal is about, when it is about
	// one, in SCIM notation ("userName", "urn:…:User:status").
	Attribute string
	Detail    string
	err       error // the store's error it stands for, if any
}

// Error returns the detail.
func (e *Error) Error() string { return e.Detail }

// Unwrap returns the store's error the Error stands for, so that
// errors.Is(err, storage.ErrNotFound) holds for a resource not found.
func (e *Error) Unwrap() error { return e.err }

// invalid is an Invalid error of type invalidValue.
func invalid(format string, args ...any) *Error {
	return &Error{Kind: Invalid, Type: TypeInvalidValue, Detail: fmt.Sprintf(format, args...)}
}

// refusal is an Error of a kind and a SCIM type.
func refusal(kind Kind, typ, detail string) *Error {
	return &Error{Kind: kind, Type: typ, Detail: detail}
}

// fromSCIM turns a SCIM error of the schema library or the PATCH engine
// (a scimerrors.ScimError value or pointer) into an Error; other errors
// pass unchanged.
func fromSCIM(err error) error {
	var se scimerrors.ScimError
	if pse, ok := errors.AsType[*scimerrors.ScimError](err); ok && pse != nil {
		se = *pse
	} else if se, ok = errors.AsType[scimerrors.ScimError](err); !ok {
		return err
	}
	kind := Invalid
	switch se.Status { // the HTTP status the error carries
	case 404:
		kind = NotFound
	case 409:
		kind = Conflict
	case 412:
		kind = PreconditionFailed
	case 500:
		return errors.New("directory: " + se.Detail)
	}
	return &Error{Kind: kind, Type: string(se.ScimType), Detail: se.Detail}
}

// notAnObject refuses a decoded body that is not a JSON object; what says
// what it should be.
func notAnObject(what string, body any) error {
	return &Error{Kind: Invalid, Type: TypeInvalidSyntax,
		Detail: "the request body must be a JSON object: " + what + ", not " + jsonKindOf(body)}
}

// jsonKindOf names the JSON kind of a decoded value.
func jsonKindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	case string:
		return "a string"
	case bool:
		return "a bool"
	}
	return "a number"
}

// fromCheck turns a refusal of the schema checks (schemas.CheckError),
// which names the attribute and says what to fix, into an Error; other
// errors pass unchanged.
func fromCheck(err error) error {
	if ce, ok := errors.AsType[*schemas.CheckError](err); ok {
		return &Error{Kind: Invalid, Type: ce.ScimType, Attribute: ce.Attribute, Detail: ce.Detail}
	}
	return err
}

// fromStore turns the store's errors about a write's values into Errors:
// a value the store cannot keep (invalidValue), a unique value another
// resource holds (uniqueness; noun names the resource, such as "user"), a
// resource that does not exist, a version that does not match. Other
// errors pass unchanged.
func fromStore(err error, noun string) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*Error](err); ok {
		return err
	}
	if ve, ok := errors.AsType[*storage.ValueError](err); ok {
		return &Error{Kind: Invalid, Type: TypeInvalidValue, Attribute: ve.Attribute, Detail: ve.Attribute + " " + ve.Detail, err: err}
	}
	switch {
	case errors.Is(err, storage.ErrConflict):
		e := &Error{Kind: Conflict, Type: TypeUniqueness, Detail: storage.ConflictDetail(err, noun), err: err}
		if ce, ok := errors.AsType[*storage.ConflictError](err); ok {
			e.Attribute = ce.Attribute
		}
		return e
	case errors.Is(err, storage.ErrNotFound):
		return &Error{Kind: NotFound, Detail: "the tenant has no " + noun + " with this id", err: err}
	case errors.Is(err, storage.ErrVersionMismatch):
		return &Error{Kind: PreconditionFailed, Detail: errChanged, err: err}
	}
	return err
}

// errChanged is the detail of a write whose If-Match no longer holds.
const errChanged = "the resource has changed: its version does not match If-Match; read it again and retry"

// noun names a resource type in details: "user", "group".
func noun(typ string) string { return strings.ToLower(typ) }
