package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/scim"
	"github.com/scimd/scimd/storage"
)

// scimErrorJSON is the API's error shape with the SCIM error type of a
// user write that the rules of SCIM writes refuse (scim.WriteError).
type scimErrorJSON struct {
	errorJSON
	ScimType string `json:"scim_type,omitempty"`
}

func writeSCIMError(w http.ResponseWriter, status int, scimType, detail string) {
	code := errorCodes[status]
	if code == "" {
		code = strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))
	}
	writeJSON(w, status, scimErrorJSON{errorJSON{status, code, detail}, scimType})
}

// userID returns the ID of the user a request names: the {id} path value,
// or the one user that the identifier query parameter names (storage.Lookup:
// userName, email, phone, externalId, custom identifier, alias or linked
// identity). No user is 404; several are 409, since acting on one of them
// would be a guess.
func (h *Handler) userID(w http.ResponseWriter, r *http.Request, t storage.Tenant, rt *schemas.ResourceType) (string, bool) {
	if id := r.PathValue("id"); id != "" {
		return id, true
	}
	identifier := r.URL.Query().Get("identifier")
	if identifier == "" {
		writeError(w, http.StatusBadRequest, "the identifier query parameter is required: /users/by?identifier=VALUE")
		return "", false
	}
	list, err := h.store.Lookup(r.Context(), t.ID, rt, identifier)
	if err != nil {
		h.internal(w, r, "look up user", err)
		return "", false
	}
	switch len(list) {
	case 0:
		writeError(w, http.StatusNotFound, fmt.Sprintf("no user of the tenant is named by the identifier %q", identifier))
		return "", false
	case 1:
		return list[0].ID, true
	}
	ids := make([]string, 0, len(list))
	for _, u := range list {
		ids = append(ids, u.ID)
	}
	writeSCIMError(w, http.StatusConflict, "uniqueness", fmt.Sprintf(
		"the identifier %q is ambiguous: it names %d users (IDs %s); use /users/{id} with one of their IDs",
		identifier, len(list), strings.Join(ids, ", ")))
	return "", false
}

// readUserBody decodes a JSON object body as SCIM reads one (numbers kept
// as json.Number), or answers 400 or 413.
func readUserBody(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	raw, ok := readBody(w, r, "invalidSyntax")
	if !ok {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var body map[string]any
	if err := dec.Decode(&body); err != nil {
		bodyError(w, err)
		return nil, false
	}
	if dec.More() || body == nil {
		writeError(w, http.StatusBadRequest, "the body must be one JSON object: a user document")
		return nil, false
	}
	return body, true
}

// userWriteError answers an error of a user write: the rules' refusals and
// storage's value and uniqueness errors are the caller's; nothing was
// written.
func (h *Handler) userWriteError(w http.ResponseWriter, r *http.Request, what string, err error) {
	if we, ok := errors.AsType[*scim.WriteError](err); ok {
		writeSCIMError(w, we.Status, we.ScimType, we.Detail)
		return
	}
	if ve, ok := errors.AsType[*storage.ValueError](err); ok {
		writeSCIMError(w, http.StatusBadRequest, "invalidValue", ve.Attribute+" "+ve.Detail)
		return
	}
	switch {
	case errors.Is(err, storage.ErrNotFound):
		writeError(w, http.StatusNotFound, "the tenant has no user with this ID")
	case errors.Is(err, storage.ErrConflict):
		writeSCIMError(w, http.StatusConflict, "uniqueness", storage.ConflictDetail(err, "user"))
	default:
		h.internal(w, r, what, err)
	}
}

// hasContact reports whether a user document has an email or a phone
// number with a value.
func hasContact(doc map[string]any) bool {
	for _, attr := range []string{"emails", "phoneNumbers"} {
		list, _ := doc[attr].([]any)
		for _, el := range list {
			if m, ok := el.(map[string]any); ok {
				if v, _ := m["value"].(string); strings.TrimSpace(v) != "" {
					return true
				}
			}
		}
	}
	return false
}

// createUser creates a user from a SCIM user document, checked by the
// rules of a SCIM POST (scim.UserRules.NewUser); the admin API also asks
// for at least one email or phone number.
func (h *Handler) createUser(w http.ResponseWriter, r *http.Request, p Principal) {
	t, rt, ok := h.userType(w, r)
	if !ok {
		return
	}
	body, ok := readUserBody(w, r)
	if !ok {
		return
	}
	doc, err := h.rules.NewUser(rt, body, time.Now())
	if err != nil {
		h.userWriteError(w, r, "create user", err)
		return
	}
	if !hasContact(doc) {
		writeSCIMError(w, http.StatusBadRequest, "invalidValue",
			"a user needs at least one email (emails[].value) or phone number (phoneNumbers[].value)")
		return
	}
	res, err := h.store.Create(r.Context(), t.ID, rt, storage.Resource{Attributes: doc})
	if err != nil {
		h.userWriteError(w, r, "create user", err)
		return
	}
	h.logger.InfoContext(r.Context(), "admin API: user created", "tenant", t.Name, "user", res.ID, "sub", p.Subject)
	w.Header().Set("Location", Prefix+"/tenants/"+url.PathEscape(t.Name)+"/users/"+res.ID)
	writeJSON(w, http.StatusCreated, newUserJSON(rt, res))
}

// replaceUser replaces a user's document, as a SCIM PUT does
// (scim.UserRules.ReplaceUser).
func (h *Handler) replaceUser(w http.ResponseWriter, r *http.Request, p Principal) {
	h.writeUser(w, r, p, "replace user", true, func(rt *schemas.ResourceType, body, cur map[string]any, now time.Time) (map[string]any, error) {
		return h.rules.ReplaceUser(rt, body, cur, now)
	})
}

// mergeUser changes a user with a JSON merge patch (RFC 7396) of its
// document as GET shows it (the attributes member), checked as a SCIM
// PATCH is (scim.UserRules.MergeUser).
func (h *Handler) mergeUser(w http.ResponseWriter, r *http.Request, p Principal) {
	h.writeUser(w, r, p, "update user", false, func(rt *schemas.ResourceType, body, cur map[string]any, now time.Time) (map[string]any, error) {
		return h.rules.MergeUser(rt, body, cur, now)
	})
}

// writeUser reads the body and changes the user the request names with
// change, in one storage.Update, and answers the user as stored. touch
// bumps the version even when nothing changes, as a SCIM PUT does.
func (h *Handler) writeUser(w http.ResponseWriter, r *http.Request, p Principal, what string, touch bool,
	change func(rt *schemas.ResourceType, body, cur map[string]any, now time.Time) (map[string]any, error),
) {
	t, rt, ok := h.userType(w, r)
	if !ok {
		return
	}
	body, ok := readUserBody(w, r)
	if !ok {
		return
	}
	id, ok := h.userID(w, r, t, rt)
	if !ok {
		return
	}
	now := time.Now()
	res, err := h.store.Update(r.Context(), t.ID, rt, id, storage.UpdateOptions{},
		func(cur storage.Resource) (storage.Edit, error) {
			doc, err := change(rt, body, cur.Attributes, now)
			if err != nil {
				return storage.Edit{}, err
			}
			return storage.Edit{Attributes: doc, Touch: touch}, nil
		})
	if err != nil {
		h.userWriteError(w, r, what, err)
		return
	}
	h.logger.InfoContext(r.Context(), "admin API: "+what, "tenant", t.Name, "user", res.ID, "sub", p.Subject)
	writeJSON(w, http.StatusOK, newUserJSON(rt, res))
}

// deleteUser deletes the user the request names, with its memberships and
// app assignments.
func (h *Handler) deleteUser(w http.ResponseWriter, r *http.Request, p Principal) {
	t, rt, ok := h.userType(w, r)
	if !ok {
		return
	}
	id, ok := h.userID(w, r, t, rt)
	if !ok {
		return
	}
	if err := h.store.Delete(r.Context(), t.ID, rt, id, 0); err != nil {
		h.userWriteError(w, r, "delete user", err)
		return
	}
	h.logger.InfoContext(r.Context(), "admin API: user deleted", "tenant", t.Name, "user", id, "sub", p.Subject)
	w.WriteHeader(http.StatusNoContent)
}
