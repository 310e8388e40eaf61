package scim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	scimerrors "github.com/elimity-com/scim/errors"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// sessionsURN is the schema of scimd's sessions responses.
const sessionsURN = "urn:scimd:api:messages:2.0:Sessions"

// serveAction answers scimd's endpoints beyond RFC 7644, and reports
// whether path was one:
//
//	POST /Users/{id}/login                a relying app reports a login
//	GET  /Users/{id}/sessions             when the user's sessions are valid from
//	POST /Users/{id}/sessions/invalidate  invalidates the user's sessions
//	POST /sessions/invalidate             invalidates every session of the tenant
//	GET  /TagKeys                         the tag keys the tenant's users carry
func (h *Handler) serveAction(w http.ResponseWriter, r *http.Request, st *requestState, path string) bool {
	switch path {
	case "/sessions/invalidate":
		if requireMethod(w, r, http.MethodPost) {
			h.invalidateTenantSessions(w, r, st)
		}
		return true
	case "/TagKeys":
		if requireMethod(w, r, http.MethodGet) {
			h.serveTagKeys(w, r, st)
		}
		return true
	}
	rt := &st.set.User
	rest, ok := strings.CutPrefix(path, rt.Endpoint+"/")
	if !ok {
		return false
	}
	id, action, ok := strings.Cut(rest, "/")
	if !ok || id == "" || id == ".search" {
		return false
	}
	switch action {
	case "login":
		if requireMethod(w, r, http.MethodPost) {
			h.login(w, r, st, rt, id)
		}
	case "sessions":
		if requireMethod(w, r, http.MethodGet) {
			h.serveSessions(w, r, st, rt, id, nil)
		}
	case "sessions/invalidate":
		if requireMethod(w, r, http.MethodPost) {
			h.invalidateUserSessions(w, r, st, rt, id)
		}
	default:
		return false
	}
	return true
}

func requireMethod(w http.ResponseWriter, r *http.Request, method string) bool {
	if r.Method != method {
		writeMethodNotAllowed(w, r, method)
		return false
	}
	return true
}

// scimdExt returns the scimd User extension object of a document, adding
// an empty one if it has none.
func scimdExt(doc map[string]any) map[string]any {
	ext, ok := doc[schemas.ScimdUserURN].(map[string]any)
	if !ok {
		ext = map[string]any{}
		doc[schemas.ScimdUserURN] = ext
	}
	return ext
}

// loginRequest is the optional body of POST /Users/{id}/login: the linked
// identity the user signed in with.
type loginRequest struct {
	Source     string `json:"source"`
	Identifier string `json:"identifier"`
}

// login records a login of an active user: lastLoginAt, and the linked
// identity's authentication times when the body names one. It answers 200
// with the user.
func (h *Handler) login(w http.ResponseWriter, r *http.Request, st *requestState, rt *schemas.ResourceType, id string) {
	var req loginRequest
	if len(bytes.TrimSpace(st.body)) > 0 {
		if err := json.Unmarshal(st.body, &req); err != nil {
			writeError(w, errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidSyntax,
				`the body must be empty or a JSON object {"source": …, "identifier": …} naming the linked identity used`))
			return
		}
		if (req.Source == "") != (req.Identifier == "") {
			writeError(w, invalid("a login names a linked identity with both source and identifier, or neither"))
			return
		}
	}
	now := time.Now()
	res, err := h.store.Update(r.Context(), st.tenant.ID, rt, id, storage.UpdateOptions{},
		func(cur storage.Resource) (storage.Edit, error) {
			if s := statusOf(cur.Attributes); s != schemas.StatusActive {
				return storage.Edit{}, errorf(http.StatusConflict, "", "the user is "+s+"; only an active user can log in")
			}
			doc := deepCopyMap(cur.Attributes)
			ext := scimdExt(doc)
			ext[schemas.AttrLastLoginAt] = stamp(now)
			if req.Source != "" {
				found := false
				list, _ := ext[schemas.AttrLinkedIdentities].([]any)
				for _, el := range list {
					m, ok := el.(map[string]any)
					src, _ := m["source"].(string)
					if !ok || !strings.EqualFold(src, req.Source) || m["identifier"] != req.Identifier {
						continue
					}
					found = true
					m["lastAuthenticatedAt"] = stamp(now)
					if m["firstAuthenticatedAt"] == nil {
						m["firstAuthenticatedAt"] = stamp(now)
					}
				}
				if !found {
					return storage.Edit{}, invalid("the user has no linked identity with source %q and identifier %q", req.Source, req.Identifier)
				}
			}
			return storage.Edit{Attributes: doc}, nil
		})
	if err != nil {
		writeError(w, toSCIMError(h.log, r, err))
		return
	}
	w.Header().Set("ETag", etag(res.Meta.Version))
	w.Header().Set("Location", st.base+rt.Endpoint+"/"+res.ID)
	writeJSON(w, http.StatusOK, render(st, rt, res))
}

// invalidateUserSessions moves the user's sessionsValidAfter to now.
func (h *Handler) invalidateUserSessions(w http.ResponseWriter, r *http.Request, st *requestState, rt *schemas.ResourceType, id string) {
	now := time.Now()
	res, err := h.store.Update(r.Context(), st.tenant.ID, rt, id, storage.UpdateOptions{},
		func(cur storage.Resource) (storage.Edit, error) {
			doc, changed := InvalidateUserSessions(cur.Attributes, now)
			if !changed {
				return storage.Edit{}, nil // never backwards
			}
			return storage.Edit{Attributes: doc}, nil
		})
	if err != nil {
		writeError(w, toSCIMError(h.log, r, err))
		return
	}
	h.serveSessions(w, r, st, rt, id, &res)
}

// laterStamp reports whether the timestamp a is after b ("" is before
// everything).
func laterStamp(a, b string) bool {
	tb, err := time.Parse(time.RFC3339Nano, b)
	if err != nil {
		return true
	}
	ta, err := time.Parse(time.RFC3339Nano, a)
	return err == nil && ta.After(tb)
}

// serveSessions answers when the user's sessions are valid from: the
// user's own sessionsValidAfter, the tenant's, and the later of the two,
// which is what a relying app compares the issue time of a session or
// token with. Absent values were never set.
func (h *Handler) serveSessions(w http.ResponseWriter, r *http.Request, st *requestState, rt *schemas.ResourceType, id string, res *storage.Resource) {
	if res == nil {
		got, err := h.store.Get(r.Context(), st.tenant.ID, rt, id, storage.GetOptions{})
		if err != nil {
			writeError(w, toSCIMError(h.log, r, err))
			return
		}
		res = &got
	}
	tenantAt, err := h.store.TenantSessionsValidAfter(r.Context(), st.tenant.ID)
	if err != nil {
		writeError(w, toSCIMError(h.log, r, err))
		return
	}
	out := map[string]any{"schemas": []string{sessionsURN}, "id": res.ID}
	ext, _ := res.Attributes[schemas.ScimdUserURN].(map[string]any)
	effective := ""
	if u, _ := ext[schemas.AttrSessionsValidAfter].(string); u != "" {
		out["userSessionsValidAfter"], effective = u, u
	}
	if !tenantAt.IsZero() {
		t := stamp(tenantAt)
		out["tenantSessionsValidAfter"] = t
		if laterStamp(t, effective) {
			effective = t
		}
	}
	if effective != "" {
		out[schemas.AttrSessionsValidAfter] = effective
	}
	writeJSON(w, http.StatusOK, out)
}

// invalidateTenantSessions moves the tenant's sessions-valid-after time to
// now.
func (h *Handler) invalidateTenantSessions(w http.ResponseWriter, r *http.Request, st *requestState) {
	at, err := h.store.InvalidateTenantSessions(r.Context(), st.tenant.ID, time.Now())
	if err != nil {
		writeError(w, toSCIMError(h.log, r, err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"schemas": []string{sessionsURN}, "tenantSessionsValidAfter": stamp(at)})
}

// serveTagKeys lists the tenant's tag keys as a ListResponse of {id, key,
// users}, ordered by key; id is the key.
func (h *Handler) serveTagKeys(w http.ResponseWriter, r *http.Request, st *requestState) {
	keys, err := h.store.TagKeys(r.Context(), st.tenant.ID)
	if err != nil {
		writeError(w, toSCIMError(h.log, r, err))
		return
	}
	list := make([]any, len(keys))
	for i, k := range keys {
		list[i] = map[string]any{"id": k.Key, "key": k.Key, "users": k.Users}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"schemas": []string{listResponseURN}, "totalResults": len(list), "startIndex": 1, "itemsPerPage": len(list),
		"Resources": list,
	})
}
