package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	scimerrors "github.com/elimity-com/scim/errors"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// AppURN is the schema of the App resources of /Apps, scimd's own.
const AppURN = "urn:scimd:schemas:2.0:App"

// The apps endpoints (see routes): /Apps and /Apps/{id}, the tenant's
// apps; /Users/{id}/apps and /Users/{id}/apps/{appId}, a user's
// assignments.

// listApps answers GET /Apps.
func (h *Handler) listApps(w http.ResponseWriter, r *http.Request, c *call) error {
	apps, err := h.dir.Apps(r.Context(), c.scope)
	if err != nil {
		return err
	}
	list := make([]any, len(apps))
	for i, a := range apps {
		list[i] = renderApp(c, a)
	}
	writeList(w, list)
	return nil
}

// createApp answers POST /Apps.
func (h *Handler) createApp(w http.ResponseWriter, r *http.Request, c *call) error {
	in, err := readApp(c.body)
	if err != nil {
		return err
	}
	app, err := h.dir.CreateApp(r.Context(), c.scope, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", c.base+"/Apps/"+app.ID)
	writeJSON(w, http.StatusCreated, renderApp(c, app))
	return nil
}

// getApp answers GET /Apps/{id}.
func (h *Handler) getApp(w http.ResponseWriter, r *http.Request, c *call) error {
	app, err := h.dir.App(r.Context(), c.scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, renderApp(c, app))
	return nil
}

// replaceApp answers PUT /Apps/{id}.
func (h *Handler) replaceApp(w http.ResponseWriter, r *http.Request, c *call) error {
	in, err := readApp(c.body)
	if err != nil {
		return err
	}
	in.ID = r.PathValue("id")
	app, err := h.dir.UpdateApp(r.Context(), c.scope, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, renderApp(c, app))
	return nil
}

// deleteApp answers DELETE /Apps/{id}.
func (h *Handler) deleteApp(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.dir.DeleteApp(r.Context(), c.scope, r.PathValue("id")); err != nil {
		return err
	}
	w.Header().Del("Content-Type")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// writeList answers a ListResponse of every resource of a list.
func writeList(w http.ResponseWriter, list []any) {
	writeJSON(w, http.StatusOK, map[string]any{"schemas": []string{listResponseURN}, "totalResults": len(list),
		"startIndex": 1, "itemsPerPage": len(list), "Resources": list})
}

// listUserApps answers GET /Users/{id}/apps: the user's assignments.
func (h *Handler) listUserApps(w http.ResponseWriter, r *http.Request, c *call) error {
	res, err := h.userWithApps(r.Context(), c, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeList(w, renderApps(c, res))
	return nil
}

// getAssignment answers GET /Users/{id}/apps/{appId}.
func (h *Handler) getAssignment(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.writeAssignment(w, r, c, r.PathValue("id"), r.PathValue("appId"), false)
}

// assign answers POST and PUT /Users/{id}/apps/{appId}: it assigns the
// user to the app, or replaces the assignment's data.
func (h *Handler) assign(w http.ResponseWriter, r *http.Request, c *call) error {
	a, err := readAssignment(c.body)
	if err != nil {
		return err
	}
	a.User, a.App = r.PathValue("id"), r.PathValue("appId")
	if _, err := h.dir.Assign(r.Context(), c.scope, a); err != nil {
		return err
	}
	return h.writeAssignment(w, r, c, a.User, a.App, true)
}

// unassign answers DELETE /Users/{id}/apps/{appId}.
func (h *Handler) unassign(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.dir.Unassign(r.Context(), c.scope, r.PathValue("appId"), r.PathValue("id")); err != nil {
		return err
	}
	w.Header().Del("Content-Type")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// userWithApps reads a user with its app assignments.
func (h *Handler) userWithApps(ctx context.Context, c *call, user string) (storage.Resource, error) {
	res, err := h.dir.Get(ctx, c.scope, schemas.UserType, user, storage.GetOptions{Apps: true})
	if errors.Is(err, storage.ErrNotFound) {
		return res, errorf(http.StatusNotFound, "", fmt.Sprintf("no user has id %q", user))
	}
	return res, err
}

// writeAssignment answers the user's assignment to the app as the user's
// apps attribute shows it; written tells that the request just assigned
// it.
func (h *Handler) writeAssignment(w http.ResponseWriter, r *http.Request, c *call, user, appID string, written bool) error {
	res, err := h.userWithApps(r.Context(), c, user)
	if err != nil {
		return err
	}
	for i, a := range res.Apps {
		if a.App == appID {
			writeJSON(w, http.StatusOK, renderApps(c, res)[i])
			return nil
		}
	}
	if written {
		return errorf(http.StatusConflict, "", "the assignment changed meanwhile; read the user's apps again")
	}
	return errorf(http.StatusNotFound, "", fmt.Sprintf("user %q is not assigned to app %q", user, appID))
}

// renderApp is an app as /Apps returns it.
func renderApp(c *call, a storage.App) map[string]any {
	out := map[string]any{
		"schemas": []string{AppURN},
		"id":      a.ID,
		"name":    a.Name,
		"meta": map[string]any{
			"resourceType": "App",
			"created":      a.Created.UTC().Format(timeFormat),
			"lastModified": a.LastModified.UTC().Format(timeFormat),
			"location":     c.base + "/Apps/" + a.ID,
		},
	}
	if a.Description != "" {
		out["description"] = a.Description
	}
	return out
}

// renderApps is a user's apps attribute: one element per assignment.
// active is whether the user is active: a user who is not is inactive in
// every app.
func renderApps(c *call, res storage.Resource) []any {
	active, ok := res.Attributes["active"].(bool)
	active = active || !ok
	out := make([]any, len(res.Apps))
	for i, a := range res.Apps {
		el := map[string]any{"value": a.App, "$ref": c.base + "/Apps/" + a.App, "display": a.AppName, "active": active}
		if a.Username != "" {
			el["username"] = a.Username
		}
		if a.ExternalAccountID != "" {
			el["externalAccountId"] = a.ExternalAccountID
		}
		if a.CustomAppData != nil {
			el["customAppData"] = a.CustomAppData
		}
		out[i] = el
	}
	return out
}

// decodeObject reads a request body that must be one JSON object, with
// keys compared case-insensitively against known (canonical names); other
// keys but "schemas" are refused.
func decodeObject(body []byte, what string, known ...string) (map[string]any, error) {
	var raw map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if len(bytes.TrimSpace(body)) == 0 {
		return map[string]any{}, nil
	}
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidSyntax, "the body must be a JSON object "+what)
	}
	out := make(map[string]any, len(raw))
	for k, v := range raw {
		if strings.EqualFold(k, "schemas") || strings.EqualFold(k, "id") || strings.EqualFold(k, "meta") {
			continue
		}
		name := ""
		for _, n := range known {
			if strings.EqualFold(k, n) {
				name = n
			}
		}
		if name == "" {
			return nil, errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidValue,
				fmt.Sprintf("%q is not a field of %s; use %s", k, what, strings.Join(known, ", ")))
		}
		out[name] = v
	}
	return out, nil
}

// stringField reads an optional string field; null is "".
func stringField(m map[string]any, name string) (string, error) {
	switch v := m[name].(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	}
	return "", errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidValue, name+" must be a string")
}

func readApp(body []byte) (storage.App, error) {
	m, err := decodeObject(body, "describing an app", "name", "description")
	if err != nil {
		return storage.App{}, err
	}
	var a storage.App
	if a.Name, err = stringField(m, "name"); err != nil {
		return a, err
	}
	if a.Description, err = stringField(m, "description"); err != nil {
		return a, err
	}
	return a, nil
}

func readAssignment(body []byte) (storage.AppAssignment, error) {
	m, err := decodeObject(body, "describing an assignment", "username", "externalAccountId", "customAppData")
	if err != nil {
		return storage.AppAssignment{}, err
	}
	var a storage.AppAssignment
	if a.Username, err = stringField(m, "username"); err != nil {
		return a, err
	}
	if a.ExternalAccountID, err = stringField(m, "externalAccountId"); err != nil {
		return a, err
	}
	switch v := m["customAppData"].(type) {
	case nil:
	case map[string]any:
		a.CustomAppData = v
	default:
		return a, errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidValue, "customAppData must be a JSON object")
	}
	return a, nil
}

// appsOf adds a user's apps to its rendered scimd extension.
func appsOf(c *call, res storage.Resource, out map[string]any) {
	if len(res.Apps) == 0 {
		return
	}
	ext, _ := out[schemas.ScimdUserURN].(map[string]any)
	if ext == nil {
		ext = map[string]any{}
		out[schemas.ScimdUserURN] = ext
	}
	ext[schemas.AppsAttributeName] = renderApps(c, res)
}
