package scim

import (
	"errors"
	"net/http"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// serveGet answers GET /Users/{id} and /Groups/{id}, with projection and
// If-None-Match. A group's members are read only when the response
// includes them.
func (h *Handler) serveGet(w http.ResponseWriter, r *http.Request, st *requestState, rt *schemas.ResourceType, id string) {
	q := r.URL.Query()
	res, err := h.store.Get(r.Context(), st.tenant.ID, rt, id, readOptions(rt, q.Get("attributes"), q.Get("excludedAttributes")))
	if err != nil {
		writeError(w, toSCIMError(h.log, r, err))
		return
	}
	w.Header().Set("ETag", etag(res.Meta.Version))
	if noneMatch(r, res.Meta.Version) {
		w.Header().Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Location", st.base+rt.Endpoint+"/"+res.ID)
	obj := parseProjection(rt, q.Get("attributes"), q.Get("excludedAttributes")).apply(render(st, rt, res))
	writeJSON(w, http.StatusOK, obj)
}

func asFilterError(err error, target **storage.FilterError) bool { return errors.As(err, target) }
