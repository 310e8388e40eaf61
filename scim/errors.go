package scim

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	scimerrors "github.com/elimity-com/scim/errors"

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

// toSCIMError maps any error to the SCIM error a client sees. Storage
// sentinels and typed errors become their SCIM counterparts; SCIM errors pass
// through; anything else is logged and answered with a bare 500, so no
// internal text (SQL, driver messages) reaches a response.
func toSCIMError(logger *slog.Logger, r *http.Request, err error) scimerrors.ScimError {
	var se scimerrors.ScimError
	var pse *scimerrors.ScimError
	var fe *storage.FilterError
	var ve *storage.ValueError
	var ce *schemas.CheckError
	switch {
	case errors.As(err, &se):
		return se
	case errors.As(err, &ce):
		return checkError(ce)
	case errors.As(err, &pse) && pse != nil:
		return *pse
	case errors.As(err, &fe) && fe.SortBy:
		return errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidValue, fe.Detail)
	case errors.As(err, &fe):
		return errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidFilter, fe.Detail)
	case errors.As(err, &ve):
		return errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidValue, ve.Attribute+" "+ve.Detail)
	case errors.Is(err, storage.ErrNotFound):
		return errorf(http.StatusNotFound, "", "the resource does not exist")
	case errors.Is(err, storage.ErrConflict):
		return errorf(http.StatusConflict, scimerrors.ScimTypeUniqueness, storage.ConflictDetail(err, "resource"))
	case errors.Is(err, storage.ErrSchemaChanged):
		return errorf(http.StatusServiceUnavailable, "", "the tenant's schema changed during the request, which changed nothing; retry after the number of seconds in Retry-After")
	case errors.Is(err, storage.ErrVersionMismatch):
		return errorf(http.StatusPreconditionFailed, "", "the resource has changed: its version does not match If-Match; read it again and retry")
	case errors.Is(err, storage.ErrInvalidCursor):
		return errorf(http.StatusBadRequest, scimTypeInvalidCursor, "the cursor is not valid for this query; start again with an empty cursor")
	case errors.Is(err, storage.ErrUnavailable):
		logger.ErrorContext(r.Context(), "database unavailable", "err", err)
		return errorf(http.StatusServiceUnavailable, "", "the database is temporarily unavailable; retry after the number of seconds in Retry-After")
	}
	logger.ErrorContext(r.Context(), "internal error", "err", err, "method", r.Method, "path", r.URL.Path)
	return errorf(http.StatusInternalServerError, "", "internal error")
}

// writeError writes a SCIM error response.
func writeError(w http.ResponseWriter, e scimerrors.ScimError) {
	if e.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryAfterSeconds)
	}
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="scimd"`)
	}
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

// guardWriter sits between the elimity server and the client. The library
// turns every error that is not a SCIM error, and every SCIM error whose
// status it deems inapplicable to the method (such as 503 on POST), into a
// 500 whose detail is the error's text. guardWriter replaces such a 500
// with the error scimd meant (remembered in the request state) or with a
// bare internal error. It also replaces the body of a successful write
// with the resource scimd rendered (requestState.answer): the library
// lists every extension in schemas and knows nothing of the attributes
// and excludedAttributes parameters.
type guardWriter struct {
	http.ResponseWriter
	st      *requestState
	wrote   bool // the status is sent
	swallow bool // the library's body is not the client's
}

// A writeAnswer is a resource as a write's response shows it.
type writeAnswer struct {
	doc  map[string]any
	etag string
}

func (g *guardWriter) WriteHeader(status int) {
	if g.wrote {
		return
	}
	g.wrote = true
	switch {
	case status == http.StatusInternalServerError:
		e := errorf(http.StatusInternalServerError, "", "internal error")
		if g.st.err != nil {
			e = *g.st.err
		}
		g.swallow = true
		g.ResponseWriter.Header().Del("Etag")
		writeError(g.ResponseWriter, e)
	case g.st.answer != nil && status >= 200 && status < 300:
		// A PATCH that asked for attributes is answered with 200 and the
		// resource (RFC 7644 §3.5.2), whatever the library chose.
		if status != http.StatusCreated {
			status = http.StatusOK
		}
		g.swallow = true
		g.ResponseWriter.Header().Set("Etag", g.st.answer.etag)
		writeJSON(g.ResponseWriter, status, g.st.answer.doc)
	default:
		g.ResponseWriter.WriteHeader(status)
	}
}

func (g *guardWriter) Write(b []byte) (int, error) {
	if !g.wrote {
		g.WriteHeader(http.StatusOK)
	}
	if g.swallow {
		return len(b), nil
	}
	return g.ResponseWriter.Write(b)
}
