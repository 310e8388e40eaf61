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
// itemsPerPage as the configured maximum instead of the number returned,
// and whose discovery schemas are not named as RFC 7643 §8.7.2 names them.
func (h *Handler) serveDiscovery(w http.ResponseWriter, r *http.Request, st *requestState) {
	srv, err := h.servers.get(st.tenant.ID, st.set, st.base)
	if err != nil {
		writeError(w, toSCIMError(h.log, r, err))
		return
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, stripToV2(r))
	body := rec.Body.Bytes()
	var doc map[string]any
	if rec.Code == http.StatusOK && json.NewDecoder(bytes.NewReader(body)).Decode(&doc) == nil {
		if res, ok := doc["Resources"].([]any); ok {
			for _, e := range res {
				if m, ok := e.(map[string]any); ok {
					rfcSchemaName(m)
				}
			}
			doc["itemsPerPage"] = len(res)
			doc["startIndex"] = 1
			writeJSON(w, http.StatusOK, doc)
			return
		}
		if rfcSchemaName(doc) {
			writeJSON(w, http.StatusOK, doc)
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

// rfcSchemaNames are the names RFC 7643 §8.7.2 gives the schemas of the
// discovery resources (the library says "Resource Type" and "Service
// Provider Config").
var rfcSchemaNames = map[string]string{
	"urn:ietf:params:scim:schemas:core:2.0:ResourceType": "ResourceType",
	spcURN: "Service Provider Configuration",
	"urn:ietf:params:scim:schemas:core:2.0:Schema": "Schema",
}

// rfcSchemaName gives a schema resource of /Schemas its RFC name, and
// reports whether it is one of the discovery schemas.
func rfcSchemaName(doc map[string]any) bool {
	id, _ := doc["id"].(string)
	name, ok := rfcSchemaNames[id]
	if ok {
		doc["name"] = name
	}
	return ok
}
