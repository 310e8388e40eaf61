package patch

import (
	"errors"
	"fmt"

	scimerrors "github.com/elimity-com/scim/errors"
)

// Apply and Parse return their errors as scimerrors.ScimError values (never
// pointers), which the directory service turns into its own errors. Every
// detail of Apply names the path and says what is wrong with it.

// statusBadRequest is the HTTP status of every refusal of a PATCH, which
// SCIM errors carry (RFC 7644 §3.12).
const statusBadRequest = 400

func scimError(typ scimerrors.ScimType, format string, args ...any) error {
	return scimerrors.ScimError{ScimType: typ, Detail: fmt.Sprintf(format, args...), Status: statusBadRequest}
}

func errInvalidPath(format string, args ...any) error {
	return scimError(scimerrors.ScimTypeInvalidPath, format, args...)
}

func errInvalidValue(format string, args ...any) error {
	return scimError(scimerrors.ScimTypeInvalidValue, format, args...)
}

func errInvalidFilter(format string, args ...any) error {
	return scimError(scimerrors.ScimTypeInvalidFilter, format, args...)
}

func errMutability(format string, args ...any) error {
	return scimError(scimerrors.ScimTypeMutability, format, args...)
}

func errNoTarget(format string, args ...any) error {
	return scimError(scimerrors.ScimTypeNoTarget, format, args...)
}

func errInvalidSyntax(format string, args ...any) error {
	return scimError(scimerrors.ScimTypeInvalidSyntax, format, args...)
}

// errNeedMembers stops Apply when an operation needs the group's current
// member list and the caller did not load it.
var errNeedMembers = errors.New("patch: the operation needs the member list")

// inOperation prefixes the detail of a SCIM error with the operation it
// belongs to, so that a client sending many operations knows which failed.
// Other errors pass unchanged.
func inOperation(err error, index, count int, op string) error {
	var se scimerrors.ScimError
	if !errors.As(err, &se) {
		return err
	}
	if count > 1 {
		se.Detail = fmt.Sprintf("operation %d (%s): %s", index+1, op, se.Detail)
	} else {
		se.Detail = fmt.Sprintf("%s: %s", op, se.Detail)
	}
	return se
}
