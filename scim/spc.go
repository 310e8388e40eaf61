package scim

import (
	"net/http"
	"time"
)

// serveServiceProviderConfig answers /ServiceProviderConfig (RFC 7643 §5,
// with RFC 9865's pagination object). Every feature it advertises is one
// scimd implements; the library's own version hard-codes sort and etag as
// unsupported, so scimd serves this endpoint itself.
func (h *Handler) serveServiceProviderConfig(w http.ResponseWriter, _ *http.Request, c *call) error {
	writeJSON(w, http.StatusOK, map[string]any{
		"schemas":          []string{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig", limitsURN},
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
		limitsURN: h.limitsBlock(),
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
	})
	return nil
}

// limitsURN names scimd's extension of /ServiceProviderConfig that
// publishes the request limits RFC 7643 has no place for.
const limitsURN = "urn:scimd:params:scim:schemas:extension:2.0:ServiceProviderConfig:Limits"

// limitsBlock is the value of the limitsURN extension: each limit a client
// can run into, with the error it gets above it (see the README's Limits).
func (h *Handler) limitsBlock() map[string]any {
	b := map[string]any{
		"maxBodyBytes":       h.cfg.MaxBodyBytes,
		"maxFilterBytes":     h.cfg.MaxFilterBytes,
		"maxFilterTerms":     h.cfg.MaxFilterTerms,
		"maxResults":         h.cfg.MaxResults,
		"maxPatchOperations": h.cfg.MaxPatchOperations,
		"maxPatchMembers":    h.cfg.MaxPatchMembers,
	}
	if l := h.limiter; l != nil {
		b["rateLimit"] = map[string]any{"requestsPerSecond": float64(l.limit), "burst": l.burst, "per": "credential, per server instance"}
	}
	return b
}

// startTime dates the configuration: it is what this process serves.
var startTime = time.Now().UTC()
