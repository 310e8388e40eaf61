package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// scimErrorJSON is the API's error shape with the SCIM error type of a
// write the directory service refuses (directory.Error).
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
func (h *Handler) userID(w http.ResponseWriter, r *http.Request, sc directory.Scope) (string, bool) {
	if id := r.PathValue("id"); id != "" {
		return id, true
	}
	identifier := r.URL.Query().Get("identifier")
	if identifier == "" {
		writeError(w, http.StatusBadRequest, "the identifier query parameter is required: /users/by?identifier=VALUE")
		return "", false
	}
	list, err := h.dir.Lookup(r.Context(), sc, identifier)
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

// serviceError answers an error of the directory service: its refusals
// with their status, SCIM error type and detail; nothing was written.
// Anything else is internal (500 or 503).
func (h *Handler) serviceError(w http.ResponseWriter, r *http.Request, what string, err error) {
	if de, ok := errors.AsType[*directory.Error](err); ok {
		writeSCIMError(w, kindStatus[de.Kind], de.Type, de.Detail)
		return
	}
	h.internal(w, r, what, err)
}

// kindStatus is the status code of each kind of the directory service's
// errors.
var kindStatus = map[directory.Kind]int{
	directory.Invalid:            http.StatusBadRequest,
	directory.NotFound:           http.StatusNotFound,
	directory.Conflict:           http.StatusConflict,
	directory.PreconditionFailed: http.StatusPreconditionFailed,
}

// createUser creates a user from a SCIM user document, by the rules of a
// SCIM POST (the directory service's Create); "schemas" may be left out,
// and the admin API also asks for at least one email or phone number.
func (h *Handler) createUser(w http.ResponseWriter, r *http.Request, p Principal) {
	sc, rt, ok := h.userType(w, r, p)
	if !ok {
		return
	}
	body, ok := readUserBody(w, r)
	if !ok {
		return
	}
	res, err := h.dir.Create(r.Context(), sc, schemas.UserType, body,
		directory.WriteOptions{ImplicitSchemas: true, RequireContact: true})
	if err != nil {
		h.serviceError(w, r, "create user", err)
		return
	}
	h.logger.InfoContext(r.Context(), "admin API: user created", "tenant", sc.Tenant.Name, "user", res.ID, "sub", p.Subject)
	w.Header().Set("Location", Prefix+"/tenants/"+url.PathEscape(sc.Tenant.Name)+"/users/"+res.ID)
	writeJSON(w, http.StatusCreated, newUserJSON(rt, res))
}

// replaceUser replaces a user's document, as a SCIM PUT does (the
// directory service's Replace).
func (h *Handler) replaceUser(w http.ResponseWriter, r *http.Request, p Principal) {
	h.writeUser(w, r, p, "replace user", func(sc directory.Scope, id string, body map[string]any) (storage.Resource, error) {
		return h.dir.Replace(r.Context(), sc, schemas.UserType, id, body, directory.WriteOptions{ImplicitSchemas: true})
	})
}

// mergeUser changes a user with a JSON merge patch (RFC 7396) of its
// document as GET shows it (the attributes member), checked as a SCIM
// PATCH is (the directory service's Merge).
func (h *Handler) mergeUser(w http.ResponseWriter, r *http.Request, p Principal) {
	h.writeUser(w, r, p, "update user", func(sc directory.Scope, id string, body map[string]any) (storage.Resource, error) {
		return h.dir.Merge(r.Context(), sc, schemas.UserType, id, body, directory.WriteOptions{})
	})
}

// writeUser reads the body and changes the user the request names with
// change, and answers the user as stored.
func (h *Handler) writeUser(w http.ResponseWriter, r *http.Request, p Principal, what string,
	change func(sc directory.Scope, id string, body map[string]any) (storage.Resource, error),
) {
	sc, rt, ok := h.userType(w, r, p)
	if !ok {
		return
	}
	body, ok := readUserBody(w, r)
	if !ok {
		return
	}
	id, ok := h.userID(w, r, sc)
	if !ok {
		return
	}
	res, err := change(sc, id, body)
	if err != nil {
		h.serviceError(w, r, what, err)
		return
	}
	h.logger.InfoContext(r.Context(), "admin API: "+what, "tenant", sc.Tenant.Name, "user", res.ID, "sub", p.Subject)
	writeJSON(w, http.StatusOK, newUserJSON(rt, res))
}

// deleteUser deletes the user the request names, with its memberships and
// app assignments.
func (h *Handler) deleteUser(w http.ResponseWriter, r *http.Request, p Principal) {
	sc, _, ok := h.userType(w, r, p)
	if !ok {
		return
	}
	id, ok := h.userID(w, r, sc)
	if !ok {
		return
	}
	if err := h.dir.Delete(r.Context(), sc, schemas.UserType, id, directory.WriteOptions{}); err != nil {
		h.serviceError(w, r, "delete user", err)
		return
	}
	h.logger.InfoContext(r.Context(), "admin API: user deleted", "tenant", sc.Tenant.Name, "user", id, "sub", p.Subject)
	w.WriteHeader(http.StatusNoContent)
}
