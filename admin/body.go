package admin

import (
	"io"
	"net/http"

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
