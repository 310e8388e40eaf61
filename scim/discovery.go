package scim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
)

// serveDiscovery answers /Schemas and /ResourceTypes (and single entries
// of them) from the tenant's elimity server, whose list responses give
// itemsPerPage as the configured maximum instead of the number returned.
func (h *Handler) serveDiscovery(w http.ResponseWriter, r *http.Request, st *requestState) {
	srv, err := h.servers.get(st.tenant.ID, st.set, st.base)
	if err != nil {
		writeError(w, toSCIMError(h.log, r, err))
		return
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, stripToV2(r))
	body := rec.Body.Bytes()
	var list map[string]any
	if rec.Code == http.StatusOK && json.NewDecoder(bytes.NewReader(body)).Decode(&list) == nil {
		if res, ok := list["Resources"].([]any); ok {
			list["itemsPerPage"] = len(res)
			list["startIndex"] = 1
			writeJSON(w, http.StatusOK, list)
			return
		}
	}
	for k, v := range rec.Header() {
		if !strings.EqualFold(k, "Content-Length") {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}
