package scim

import "net/http"

// limitsURN is the schema of GET /Limits, scimd's endpoint that publishes
// the request limits /ServiceProviderConfig has no member for.
const limitsURN = "urn:scimd:api:messages:2.0:Limits"

// serveLimits answers GET /Limits: each limit a client can run into, with
// the error it gets above it described in docs/configuration.md. The count
// cap is also /ServiceProviderConfig's filter.maxResults; the limit of
// multi-valued attributes is the directory service's.
func (h *Handler) serveLimits(w http.ResponseWriter, _ *http.Request, _ *call) error {
	b := map[string]any{
		"schemas":            []string{limitsURN},
		"maxBodyBytes":       h.cfg.MaxBodyBytes,
		"maxFilterBytes":     h.cfg.MaxFilterBytes,
		"maxFilterTerms":     h.cfg.MaxFilterTerms,
		"maxResults":         h.cfg.MaxResults,
		"maxPatchOperations": h.cfg.MaxPatchOperations,
		"maxPatchMembers":    h.cfg.MaxPatchMembers,
		"maxMultiValues":     h.dir.MaxMultiValues(),
	}
	if l := h.limiter; l != nil {
		b["rateLimit"] = map[string]any{"requestsPerSecond": float64(l.limit), "burst": l.burst, "per": "credential, per server instance"}
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}
