package scim

import (
	"bytes"
	"encoding/json"
	"net/http"

	scimerrors "github.com/elimity-com/scim/errors"

	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// sessionsURN is the schema of scimd's sessions responses.
const sessionsURN = "urn:scimd:api:messages:2.0:Sessions"

// scimd's endpoints beyond RFC 7644 (see routes):
//
//	POST /Users/{id}/login                a relying app reports a login
//	GET  /Users/{id}/sessions             when the user's sessions are valid from
//	POST /Users/{id}/sessions/invalidate  invalidates the user's sessions
//	POST /sessions/invalidate             invalidates every session of the tenant
//	GET  /TagKeys                         the tag keys the tenant's users carry

// loginRequest is the optional body of POST /Users/{id}/login: the linked
// identity the user signed in with.
type loginRequest struct {
	Source     string `json:"source"`
	Identifier string `json:"identifier"`
}

// login records a login of an active user: lastLoginAt, and the linked
// identity's authentication times when the body names one. It answers 200
// with the user.
func (h *Handler) login(w http.ResponseWriter, r *http.Request, c *call) error {
	var req loginRequest
	if len(bytes.TrimSpace(c.body)) > 0 {
		if err := json.Unmarshal(c.body, &req); err != nil {
			return errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidSyntax,
				`the body must be empty or a JSON object {"source": …, "identifier": …} naming the linked identity used`)
		}
	}
	res, err := h.dir.Login(r.Context(), c.scope, r.PathValue("id"), directory.Login{Source: req.Source, Identifier: req.Identifier})
	if err != nil {
		return err
	}
	rt := &c.scope.Set.User
	w.Header().Set("ETag", etag(res.Meta.Version))
	w.Header().Set("Location", c.base+rt.Endpoint+"/"+res.ID)
	writeJSON(w, http.StatusOK, render(c, rt, res))
	return nil
}

// invalidateUserSessions moves the user's sessionsValidAfter to now.
func (h *Handler) invalidateUserSessions(w http.ResponseWriter, r *http.Request, c *call) error {
	res, err := h.dir.InvalidateSessions(r.Context(), c.scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.writeSessions(w, r, c, res)
}

// serveSessions answers when the user's sessions are valid from.
func (h *Handler) serveSessions(w http.ResponseWriter, r *http.Request, c *call) error {
	res, err := h.dir.Get(r.Context(), c.scope, schemas.UserType, r.PathValue("id"), storage.GetOptions{})
	if err != nil {
		return err
	}
	return h.writeSessions(w, r, c, res)
}

// writeSessions answers when the user's sessions are valid from: the
// user's own sessionsValidAfter, the tenant's, and the later of the two,
// which is what a relying app compares the issue time of a session or
// token with. Absent values were never set.
func (h *Handler) writeSessions(w http.ResponseWriter, r *http.Request, c *call, res storage.Resource) error {
	s, err := h.dir.Sessions(r.Context(), c.scope, res)
	if err != nil {
		return err
	}
	out := map[string]any{"schemas": []string{sessionsURN}, "id": res.ID}
	for k, v := range map[string]string{"userSessionsValidAfter": s.User, "tenantSessionsValidAfter": s.Tenant,
		schemas.AttrSessionsValidAfter: s.Effective} {
		if v != "" {
			out[k] = v
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// invalidateTenantSessions moves the tenant's sessions-valid-after time to
// now.
func (h *Handler) invalidateTenantSessions(w http.ResponseWriter, r *http.Request, c *call) error {
	at, err := h.dir.InvalidateTenantSessions(r.Context(), c.scope)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"schemas": []string{sessionsURN}, "tenantSessionsValidAfter": at.UTC().Format(stampFormat)})
	return nil
}

// stampFormat renders the tenant's sessions-valid-after time as the
// directory service renders the timestamps it keeps in users' documents:
// RFC 3339 in UTC with milliseconds.
const stampFormat = "2006-01-02T15:04:05.000Z07:00"

// serveTagKeys lists the tenant's tag keys as a ListResponse of {id, key,
// users}, ordered by key; id is the key.
func (h *Handler) serveTagKeys(w http.ResponseWriter, r *http.Request, c *call) error {
	keys, err := h.dir.TagKeys(r.Context(), c.scope)
	if err != nil {
		return err
	}
	list := make([]any, len(keys))
	for i, k := range keys {
		list[i] = map[string]any{"id": k.Key, "key": k.Key, "users": k.Users}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"schemas": []string{listResponseURN}, "totalResults": len(list), "startIndex": 1, "itemsPerPage": len(list),
		"Resources": list,
	})
	return nil
}
