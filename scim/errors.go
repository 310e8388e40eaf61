package scim

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	scimerrors "github.com/elimity-com/scim/errors"

	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// scimTypeInvalidCursor is RFC 9865's error type for a bad cursor.
const scimTypeInvalidCursor scimerrors.ScimType = "invalidCursor"

// retryAfterSeconds is what a 503 asks clients to wait.
const retryAfterSeconds = "5"

// errorf returns a SCIM error with a status, a type and a detail.
func errorf(status int, typ scimerrors.ScimType, detail string) scimerrors.ScimError {
	return scimerrors.ScimError{Status: status, ScimType: typ, Detail: detail}
}

// toSCIMError maps any error to the SCIM error a client sees: the
// directory service's refusals with their status, SCIM type and detail,
// SCIM errors as they are, the store's remaining errors as their SCIM
// counterparts; anything else is logged and answered with a bare 500, so
// no internal text (SQL, driver messages) reaches a response.
func toSCIMError(logger *slog.Logger, r *http.Request, err error) scimerrors.ScimError {
	if de, ok := errors.AsType[*directory.Error](err); ok {
		return errorf(kindStatus[de.Kind], scimerrors.ScimType(de.Type), de.Detail)
	}
	var se scimerrors.ScimError
	var fe *storage.FilterError
	var ce *schemas.CheckError
	switch {
	case errors.As(err, &se):
		return se
	case errors.As(err, &ce):
		return errorf(http.StatusBadRequest, scimerrors.ScimType(ce.ScimType), ce.Detail)
	case errors.As(err, &fe) && fe.SortBy:
		return errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidValue, fe.Detail)
	case errors.As(err, &fe):
		return errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidFilter, fe.Detail)
	case errors.Is(err, storage.ErrSchemaChanged):
		return errorf(http.StatusServiceUnavailable, "", "the tenant's schema changed during the request, which changed nothing; retry after the number of seconds in Retry-After")
	case errors.Is(err, storage.ErrInvalidCursor):
		return errorf(http.StatusBadRequest, scimTypeInvalidCursor, "the cursor is not valid for this query; start again with an empty cursor")
	case errors.Is(err, storage.ErrUnavailable):
		logger.ErrorContext(r.Context(), "database unavailable", "err", err)
		return errorf(http.StatusServiceUnavailable, "", "the database is temporarily unavailable; retry after the number of seconds in Retry-After")
	case errors.Is(err, storage.ErrNotFound):
		return errorf(http.StatusNotFound, "", "the resource does not exist")
	}
	logger.ErrorContext(r.Context(), "internal error", "err", err, "method", r.Method, "path", r.URL.Path)
	return errorf(http.StatusInternalServerError, "", "internal error")
}

// kindStatus is the status code of each kind of the directory service's
// errors.
var kindStatus = map[directory.Kind]int{
	directory.Invalid:            http.StatusBadRequest,
	directory.NotFound:           http.StatusNotFound,
	directory.Conflict:           http.StatusConflict,
	directory.PreconditionFailed: http.StatusPreconditionFailed,
}

// writeError writes the SCIM error response of err (toSCIMError).
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := toSCIMError(h.log, r, err)
	if e.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryAfterSeconds)
	}
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="scimd"`)
	}
	w.Header().Del("ETag")
	writeJSON(w, e.Status, e)
}

// writeJSON writes a SCIM JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"500","detail":"internal error"}`)
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

const contentType = "application/scim+json"
