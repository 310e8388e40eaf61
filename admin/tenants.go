package admin

import (
	"errors"
	"net/http"
	"time"

	"github.com/scimd/scimd/credentials"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// The tenant endpoints: tenants, their credentials and their schema.

// tenantJSON is a tenant as the API shows it.
type tenantJSON struct {
	Name          string    `json:"name"`
	ID            string    `json:"id"`
	Created       time.Time `json:"created"`
	SchemaVersion int64     `json:"schema_version"`
	SCIMBasePath  string    `json:"scim_base_path"`
}

func newTenantJSON(t storage.Tenant) tenantJSON {
	return tenantJSON{t.Name, string(t.ID), t.Created, t.SchemaVersion, "/tenants/" + t.Name + "/scim/v2"}
}

// credentialJSON is a credential as the API shows it; Token is set only in
// the answer that creates it.
type credentialJSON struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Created  time.Time  `json:"created"`
	LastUsed *time.Time `json:"last_used"`
	Revoked  *time.Time `json:"revoked"`
	Token    string     `json:"token,omitempty"`
}

func newCredentialJSON(c storage.Credential) credentialJSON {
	return credentialJSON{ID: c.ID, Name: c.Name, Created: c.Created, LastUsed: c.LastUsed, Revoked: c.Revoked}
}

func (h *Handler) listTenants(w http.ResponseWriter, r *http.Request, p Principal) {
	list, err := h.store.Tenants(r.Context())
	if err != nil {
		h.internal(w, r, "list tenants", err)
		return
	}
	out := make([]tenantJSON, 0, len(list))
	for _, t := range list {
		if p.canRead(t.Name) {
			out = append(out, newTenantJSON(t))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tenants": out})
}

func (h *Handler) createTenant(w http.ResponseWriter, r *http.Request, _ Principal) {
	var body struct {
		Name string `json:"name"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	if body.Name == "" {
		writeError(w, http.StatusBadRequest, "name is required")
		return
	}
	t, err := h.store.CreateTenant(r.Context(), body.Name)
	if ve, ok := errors.AsType[*storage.ValueError](err); ok {
		writeError(w, http.StatusBadRequest, "invalid tenant name: "+ve.Detail)
		return
	}
	if errors.Is(err, storage.ErrConflict) {
		writeError(w, http.StatusConflict, "tenant "+body.Name+" exists already")
		return
	}
	if err != nil {
		h.internal(w, r, "create tenant", err)
		return
	}
	w.Header().Set("Location", Prefix+"/tenants/"+t.Name)
	writeJSON(w, http.StatusCreated, newTenantJSON(t))
}

// tenant looks up the tenant of the {name} path value, or answers 404.
func (h *Handler) tenant(w http.ResponseWriter, r *http.Request) (storage.Tenant, bool) {
	name := r.PathValue("name")
	t, err := h.store.Tenant(r.Context(), name)
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no tenant named "+name)
		return t, false
	}
	if err != nil {
		h.internal(w, r, "read tenant", err)
		return t, false
	}
	return t, true
}

func (h *Handler) getTenant(w http.ResponseWriter, r *http.Request, _ Principal) {
	if t, ok := h.tenant(w, r); ok {
		writeJSON(w, http.StatusOK, newTenantJSON(t))
	}
}

func (h *Handler) deleteTenant(w http.ResponseWriter, r *http.Request, p Principal) {
	t, ok := h.tenant(w, r)
	if !ok {
		return
	}
	if err := h.store.DeleteTenant(r.Context(), t.ID); err != nil {
		h.internal(w, r, "delete tenant", err)
		return
	}
	h.logger.InfoContext(r.Context(), "tenant deleted through the admin API", "tenant", t.Name, "sub", p.Subject)
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) listCredentials(w http.ResponseWriter, r *http.Request, _ Principal) {
	t, ok := h.tenant(w, r)
	if !ok {
		return
	}
	list, err := h.store.Credentials(r.Context(), t.ID)
	if err != nil {
		h.internal(w, r, "list credentials", err)
		return
	}
	out := make([]credentialJSON, 0, len(list))
	for _, c := range list {
		out = append(out, newCredentialJSON(c))
	}
	writeJSON(w, http.StatusOK, map[string]any{"credentials": out})
}

func (h *Handler) createCredential(w http.ResponseWriter, r *http.Request, _ Principal) {
	t, ok := h.tenant(w, r)
	if !ok {
		return
	}
	var body struct {
		Name string `json:"name"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	token, hash, err := credentials.NewToken()
	if err != nil {
		h.internal(w, r, "make token", err)
		return
	}
	c, err := h.store.CreateCredential(r.Context(), t.ID, body.Name, hash)
	if ve, ok := errors.AsType[*storage.ValueError](err); ok {
		writeError(w, http.StatusBadRequest, "invalid credential name: "+ve.Detail)
		return
	}
	if errors.Is(err, storage.ErrConflict) {
		writeError(w, http.StatusConflict, "the tenant has a valid credential named "+body.Name+" already")
		return
	}
	if err != nil {
		h.internal(w, r, "create credential", err)
		return
	}
	out := newCredentialJSON(c)
	out.Token = token
	w.Header().Set("Location", Prefix+"/tenants/"+t.Name+"/credentials/"+c.ID)
	writeJSON(w, http.StatusCreated, out)
}

func (h *Handler) revokeCredential(w http.ResponseWriter, r *http.Request, _ Principal) {
	t, ok := h.tenant(w, r)
	if !ok {
		return
	}
	err := h.store.RevokeCredential(r.Context(), t.ID, r.PathValue("id"))
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, "the tenant has no credential with this ID")
		return
	}
	if err != nil {
		h.internal(w, r, "revoke credential", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// schemaJSON is a tenant's schema as GET and PUT answer it.
type schemaJSON struct {
	Version    int64              `json:"version"`
	Definition schemas.Definition `json:"definition"`
}

func (h *Handler) getSchema(w http.ResponseWriter, r *http.Request, _ Principal) {
	t, ok := h.tenant(w, r)
	if !ok {
		return
	}
	d, version, err := h.dir.TenantDefinition(r.Context(), t)
	if err != nil {
		h.internal(w, r, "read schema", err)
		return
	}
	writeJSON(w, http.StatusOK, schemaJSON{version, d})
}

// putSchema makes the body (a definition, as "scimd schema set" reads it)
// the tenant's schema, through the directory service like the CLI.
func (h *Handler) putSchema(w http.ResponseWriter, r *http.Request, p Principal) {
	t, ok := h.tenant(w, r)
	if !ok {
		return
	}
	raw, ok := readBody(w, r, "")
	if !ok {
		return
	}
	_, err := h.dir.ApplyDefinition(r.Context(), t, p.actor(), raw)
	if de, ok := errors.AsType[*schemas.DefinitionError](err); ok {
		writeError(w, http.StatusBadRequest, de.Error())
		return
	}
	if _, ok := errors.AsType[*storage.SchemaConflictError](err); ok || errors.Is(err, storage.ErrVersionMismatch) {
		writeError(w, http.StatusConflict, err.Error())
		return
	}
	if errors.Is(err, storage.ErrConflict) {
		// A write that raced the change holds a value the new uniqueness
		// refuses: the change is not applied.
		writeError(w, http.StatusConflict, "a concurrent write left values the new schema's uniqueness refuses; the schema was not changed; retry")
		return
	}
	if err != nil {
		h.internal(w, r, "set schema", err)
		return
	}
	// Answer what is stored now, read back as GET reads it.
	h.getSchema(w, r, Principal{})
}
