package patch

import (
	"errors"
	"fmt"
	"net/http"

	scimerrors "github.com/elimity-com/scim/errors"
)

// Apply returns its errors as scimerrors.ScimError values (never pointers),
// which the elimity server writes as they are. Every detail names the path
// and says what is wrong with it.

func scimError(typ scimerrors.ScimType, format string, args ...any) error {
	return scimerrors.ScimError{ScimType: typ, Detail: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
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
func inOperation(err error, index, count int, op string) error {
	var se scimerrors.ScimError
	if !errors.As(err, &se) {
		return scimerrors.ScimError{Status: http.StatusInternalServerError, Detail: "internal error"}
	}
	if count > 1 {
		se.Detail = fmt.Sprintf("operation %d (%s): %s", index+1, op, se.Detail)
	} else {
		se.Detail = fmt.Sprintf("%s: %s", op, se.Detail)
	}
	return se
}
