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

// appRoute reports whether a path (after /scim/v2) is one of the apps
// endpoints: /Apps, /Apps/{id}, /Users/{id}/apps and
// /Users/{id}/apps/{appId}.
func appRoute(path string) bool {
	if path == "/Apps" || strings.HasPrefix(path, "/Apps/") {
		return true
	}
	rest, ok := strings.CutPrefix(path, "/Users/")
	if !ok {
		return false
	}
	_, sub, ok := strings.Cut(rest, "/")
	return ok && (sub == "apps" || strings.HasPrefix(sub, "apps/"))
}

// serveApps answers the apps endpoints.
func (h *Handler) serveApps(w http.ResponseWriter, r *http.Request, c *call, path string) error {
	if rest, ok := strings.CutPrefix(path, "/Users/"); ok {
		user, sub, _ := strings.Cut(rest, "/")
		appID, _ := strings.CutPrefix(sub, "apps")
		appID = strings.TrimPrefix(appID, "/")
		return h.serveUserApps(w, r, c, user, appID)
	}
	return h.serveAppResources(w, r, c, strings.TrimPrefix(strings.TrimPrefix(path, "/Apps"), "/"))
}

// serveAppResources answers /Apps and /Apps/{id}.
func (h *Handler) serveAppResources(w http.ResponseWriter, r *http.Request, c *call, id string) error {
	ctx := r.Context()
	if strings.Contains(id, "/") {
		return errorf(http.StatusNotFound, "", "no endpoint at this path: apps are at /Apps and /Apps/{id}")
	}
	if id == "" {
		switch r.Method {
		case http.MethodGet:
			apps, err := h.dir.Apps(ctx, c.scope)
			if err != nil {
				return err
			}
			list := make([]any, len(apps))
			for i, a := range apps {
				list[i] = renderApp(c, a)
			}
			writeList(w, list)
			return nil
		case http.MethodPost:
			in, err := readApp(c.body)
			if err != nil {
				return err
			}
			app, err := h.dir.CreateApp(ctx, c.scope, in)
			if err != nil {
				return err
			}
			w.Header().Set("Location", c.base+"/Apps/"+app.ID)
			writeJSON(w, http.StatusCreated, renderApp(c, app))
			return nil
		}
		return methodNotAllowed(w, c, "GET, POST")
	}
	switch r.Method {
	case http.MethodGet:
		app, err := h.dir.App(ctx, c.scope, id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, renderApp(c, app))
	case http.MethodPut:
		in, err := readApp(c.body)
		if err != nil {
			return err
		}
		in.ID = id
		app, err := h.dir.UpdateApp(ctx, c.scope, in)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, renderApp(c, app))
	case http.MethodDelete:
		if err := h.dir.DeleteApp(ctx, c.scope, id); err != nil {
			return err
		}
		w.Header().Del("Content-Type")
		w.WriteHeader(http.StatusNoContent)
	default:
		return methodNotAllowed(w, c, "GET, PUT, DELETE")
	}
	return nil
}

// writeList answers a ListResponse of every resource of a list.
func writeList(w http.ResponseWriter, list []any) {
	writeJSON(w, http.StatusOK, map[string]any{"schemas": []string{listResponseURN}, "totalResults": len(list),
		"startIndex": 1, "itemsPerPage": len(list), "Resources": list})
}

// serveUserApps answers /Users/{id}/apps (GET: the user's apps) and
// /Users/{id}/apps/{appId} (GET one, POST or PUT: assign or replace the
// assignment's data, DELETE: unassign).
func (h *Handler) serveUserApps(w http.ResponseWriter, r *http.Request, c *call, user, appID string) error {
	ctx := r.Context()
	if user == "" || strings.Contains(appID, "/") {
		return errorf(http.StatusNotFound, "", "no endpoint at this path: a user's apps are at /Users/{id}/apps and /Users/{id}/apps/{appId}")
	}
	if appID == "" {
		if r.Method != http.MethodGet {
			return methodNotAllowed(w, c, "GET")
		}
		res, err := h.userWithApps(ctx, c, user)
		if err != nil {
			return err
		}
		writeList(w, renderApps(c, res))
		return nil
	}
	switch r.Method {
	case http.MethodGet:
		return h.writeAssignment(w, r, c, user, appID, false)
	case http.MethodPost, http.MethodPut:
		a, err := readAssignment(c.body)
		if err != nil {
			return err
		}
		a.App, a.User = appID, user
		if _, err := h.dir.Assign(ctx, c.scope, a); err != nil {
			return err
		}
		return h.writeAssignment(w, r, c, user, appID, true)
	case http.MethodDelete:
		if err := h.dir.Unassign(ctx, c.scope, appID, user); err != nil {
			return err
		}
		w.Header().Del("Content-Type")
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return methodNotAllowed(w, c, "GET, POST, PUT, DELETE")
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
