package admin

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// defaultAuditPage is the page size of the audit endpoints without count.
const defaultAuditPage = 100

// auditEntryJSON is one audit log entry as the API shows it.
type auditEntryJSON struct {
	ID           string                    `json:"id"`
	Time         time.Time                 `json:"time"`
	Actor        auditActorJSON            `json:"actor"`
	Operation    string                    `json:"operation"`
	ResourceType string                    `json:"resource_type"`
	ResourceID   string                    `json:"resource_id"`
	Changes      []storage.AttributeChange `json:"changes"`
}

// auditActorJSON is who made a change.
type auditActorJSON struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

func newAuditEntryJSON(e storage.AuditEntry) auditEntryJSON {
	changes := e.Changes
	if changes == nil {
		changes = []storage.AttributeChange{}
	}
	return auditEntryJSON{
		ID: e.ID, Time: e.Time,
		Actor:     auditActorJSON{e.Actor.Kind, e.Actor.ID, e.Actor.Name},
		Operation: e.Operation, ResourceType: e.ResourceType, ResourceID: e.ResourceID,
		Changes: changes,
	}
}

// tenantAudit answers a page of the tenant's audit log, newest first.
func (h *Handler) tenantAudit(w http.ResponseWriter, r *http.Request, _ Principal) {
	h.audit(w, r, "", "")
}

// userAudit answers a page of a user's timeline: the entries of the user
// itself (its creation, updates, app assignments and deletion), newest
// first. A deleted user's timeline stays readable, so an unknown ID is no
// error: its timeline is empty.
func (h *Handler) userAudit(w http.ResponseWriter, r *http.Request, _ Principal) {
	h.audit(w, r, schemas.UserType, r.PathValue("id"))
}

// audit answers a page of the tenant's log: every entry, or those of one
// resource of one type.
func (h *Handler) audit(w http.ResponseWriter, r *http.Request, resourceType, resource string) {
	t, ok := h.tenant(w, r)
	if !ok {
		return
	}
	q := storage.AuditQuery{ResourceType: resourceType, ResourceID: resource, Count: defaultAuditPage, Cursor: r.URL.Query().Get("cursor")}
	if v := r.URL.Query().Get("count"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > storage.MaxAuditCount {
			writeError(w, http.StatusBadRequest, "count must be an integer from 1 to "+strconv.Itoa(storage.MaxAuditCount))
			return
		}
		q.Count = n
	}
	page, err := h.store.Audit(r.Context(), t.ID, q)
	if errors.Is(err, storage.ErrInvalidCursor) {
		writeError(w, http.StatusBadRequest, "cursor is not a next_cursor this endpoint returned; start again without it")
		return
	}
	if err != nil {
		h.internal(w, r, "read audit log", err)
		return
	}
	out := make([]auditEntryJSON, 0, len(page.Entries))
	for _, e := range page.Entries {
		out = append(out, newAuditEntryJSON(e))
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out, "next_cursor": page.NextCursor})
}
