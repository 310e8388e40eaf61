package scim

import (
	"net/http"
	"time"
)

// spcURN is the schema of /ServiceProviderConfig.
const spcURN = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"

// serveServiceProviderConfig answers /ServiceProviderConfig (RFC 7643 §5,
// with RFC 9865's pagination object) with those members only: strict
// client libraries refuse any other (scimd's other limits are at /Limits).
// Every feature it advertises is one scimd implements; the library's own
// version hard-codes sort and etag as unsupported, so scimd serves this
// endpoint itself.
func (h *Handler) serveServiceProviderConfig(w http.ResponseWriter, _ *http.Request, c *call) error {
	spc := map[string]any{
		"schemas":        []string{spcURN},
		"patch":          map[string]any{"supported": true},
		"bulk":           map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":         map[string]any{"supported": true, "maxResults": h.cfg.MaxResults},
		"changePassword": map[string]any{"supported": true},
		"sort":           map[string]any{"supported": true},
		"etag":           map[string]any{"supported": true},
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
			"location":     c.base + "/ServiceProviderConfig",
			"created":      startTime.Format(timeFormat),
			"lastModified": startTime.Format(timeFormat),
		},
	}
	if h.cfg.DocumentationURI != "" {
		spc["documentationUri"] = h.cfg.DocumentationURI
	}
	writeJSON(w, http.StatusOK, spc)
	return nil
}

// startTime dates the configuration: it is what this process serves.
var startTime = time.Now().UTC()
