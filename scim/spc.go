package scim

import (
	"net/http"
	"time"
)

// serveServiceProviderConfig answers /ServiceProviderConfig (RFC 7643 §5,
// with RFC 9865's pagination object). Every feature it advertises is one
// scimd implements; the library's own version hard-codes sort and etag as
// unsupported, so scimd serves this endpoint itself.
func (h *Handler) serveServiceProviderConfig(w http.ResponseWriter, _ *http.Request, st *requestState) {
	writeJSON(w, http.StatusOK, map[string]any{
		"schemas":          []string{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"},
		"documentationUri": "https://github.com/scimd/scimd#readme",
		"patch":            map[string]any{"supported": true},
		"bulk":             map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":           map[string]any{"supported": true, "maxResults": h.cfg.MaxResults},
		"changePassword":   map[string]any{"supported": true},
		"sort":             map[string]any{"supported": true},
		"etag":             map[string]any{"supported": true},
		"pagination": map[string]any{
			"cursor":                  true,
			"index":                   true,
			"defaultPaginationMethod": "index",
			"defaultPageSize":         DefaultPageSize,
			"maxPageSize":             h.cfg.MaxResults,
		},
		"authenticationSchemes": []any{map[string]any{
			"type":        "oauthbearertoken",
			"name":        "Bearer token",
			"description": "A per-tenant SCIM credential sent as Authorization: Bearer <token>",
			"primary":     true,
		}},
		"meta": map[string]any{
			"resourceType": "ServiceProviderConfig",
			"location":     st.base + "/ServiceProviderConfig",
			"created":      startTime.Format(timeFormat),
			"lastModified": startTime.Format(timeFormat),
		},
	})
}

// startTime dates the configuration: it is what this process serves.
var startTime = time.Now().UTC()
