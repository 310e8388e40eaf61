package scim

import (
	"net/http"

	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/storage"
)

// createResource answers POST /Users and POST /Groups: the body, decoded
// once, goes to the directory service, which stores the resource; the
// answer is the resource as stored, projected (RFC 7644 §3.3).
func (h *Handler) createResource(w http.ResponseWriter, r *http.Request, c *call) error {
	body, err := c.decodeWrite(c.typ, false)
	if err != nil {
		return err
	}
	res, err := h.dir.Create(r.Context(), c.scope, c.typ, body, directory.WriteOptions{})
	if err != nil {
		return err
	}
	return h.writeResource(w, r, c, res, http.StatusCreated)
}

// replaceResource answers PUT /Users/{id} and PUT /Groups/{id}.
func (h *Handler) replaceResource(w http.ResponseWriter, r *http.Request, c *call) error {
	pre, err := preconditionsOf(r)
	if err != nil {
		return err
	}
	body, err := c.decodeWrite(c.typ, false)
	if err != nil {
		return err
	}
	res, err := h.dir.Replace(r.Context(), c.scope, c.typ, r.PathValue("id"), body, directory.WriteOptions{If: pre})
	if err != nil {
		return err
	}
	return h.writeResource(w, r, c, res, http.StatusOK)
}

// patchResource answers PATCH /Users/{id} and PATCH /Groups/{id} with 204,
// unless the request names attributes or excludedAttributes (Entra and
// Microsoft's tests expect 204); then with 200 and the resource, projected
// (RFC 7644 §3.5.2).
func (h *Handler) patchResource(w http.ResponseWriter, r *http.Request, c *call) error {
	pre, err := preconditionsOf(r)
	if err != nil {
		return err
	}
	body, err := c.decodeWrite(c.typ, true)
	if err != nil {
		return err
	}
	// The envelope is checked before the limits, the operations after.
	if err := directory.CheckPatchRequest(body); err != nil {
		return err
	}
	if err := h.checkPatchLimits(body); err != nil {
		return err
	}
	req, err := h.dir.ParsePatch(c.scope, c.typ, body)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	res, err := h.dir.Patch(r.Context(), c.scope, id, req, directory.WriteOptions{If: pre})
	if err != nil {
		return err
	}
	q := r.URL.Query()
	attributes, excluded := q.Get("attributes"), q.Get("excludedAttributes")
	if attributes == "" && excluded == "" {
		w.Header().Del("Content-Type")
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	rt, err := c.scope.ResourceType(c.typ)
	if err != nil {
		return err
	}
	if res, err = h.dir.Get(r.Context(), c.scope, c.typ, id, readOptions(rt, attributes, excluded)); err != nil {
		return err
	}
	return h.writeResource(w, r, c, res, http.StatusOK)
}

// deleteResource answers DELETE /Users/{id} and DELETE /Groups/{id}.
func (h *Handler) deleteResource(w http.ResponseWriter, r *http.Request, c *call) error {
	pre, err := preconditionsOf(r)
	if err != nil {
		return err
	}
	if err := h.dir.Delete(r.Context(), c.scope, c.typ, r.PathValue("id"), directory.WriteOptions{If: pre}); err != nil {
		return err
	}
	w.Header().Del("Content-Type")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// writeResource answers a write with the resource as GET renders it for
// the request's attributes and excludedAttributes (RFC 7644 §3.9), its
// ETag and, for a new resource, its Location.
func (h *Handler) writeResource(w http.ResponseWriter, r *http.Request, c *call, res storage.Resource, status int) error {
	rt, err := c.scope.ResourceType(c.typ)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	doc := parseProjection(rt, q.Get("attributes"), q.Get("excludedAttributes")).apply(render(c, rt, res))
	w.Header().Set("ETag", etag(res.Meta.Version))
	if status == http.StatusCreated {
		w.Header().Set("Location", c.base+rt.Endpoint+"/"+res.ID)
	}
	writeJSON(w, status, doc)
	return nil
}
