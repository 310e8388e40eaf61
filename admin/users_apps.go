package admin

import (
	"errors"
	"net/http"

	"github.com/scimd/scimd/storage"
)

// assignmentJSON is a user's assignment to an app as the API shows it.
type assignmentJSON struct {
	AppID    string `json:"app_id"`
	AppName  string `json:"app_name,omitempty"`
	UserID   string `json:"user_id"`
	Username string `json:"username,omitempty"`
}

// assignApp assigns the {id} user to the app of the body ({appId,
// username?}) through storage.Assign; assigning again replaces the
// username when the body has one and keeps everything else of the
// assignment. Unknown app or user is 404, a username another user of the
// app has is 409.
func (h *Handler) assignApp(w http.ResponseWriter, r *http.Request, p Principal) {
	t, ok := h.tenant(w, r)
	if !ok {
		return
	}
	var body struct {
		AppID    string  `json:"appId"`
		Username *string `json:"username"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	if body.AppID == "" {
		writeError(w, http.StatusBadRequest, "appId is required: the ID of one of the tenant's apps")
		return
	}
	// Assigning again changes the username only: the assignment's other
	// values (externalAccountId, customAppData, set through SCIM) stay, and
	// so does the username when the body has none.
	want := storage.AppAssignment{App: body.AppID, User: r.PathValue("id")}
	current, err := h.store.UserApps(r.Context(), t.ID, want.User)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		h.internal(w, r, "read the user's apps", err)
		return
	}
	for _, c := range current {
		if c.App == want.App {
			want = c
		}
	}
	if body.Username != nil {
		want.Username = *body.Username
	}
	a, err := h.store.Assign(r.Context(), t.ID, want)
	if ve, ok := errors.AsType[*storage.ValueError](err); ok {
		writeSCIMError(w, http.StatusBadRequest, "invalidValue", ve.Attribute+" "+ve.Detail)
		return
	}
	switch {
	case errors.Is(err, storage.ErrAppNotFound):
		writeError(w, http.StatusNotFound, "the tenant has no app with ID "+body.AppID)
		return
	case errors.Is(err, storage.ErrNotFound):
		writeError(w, http.StatusNotFound, "the tenant has no user with this ID")
		return
	case errors.Is(err, storage.ErrConflict):
		writeSCIMError(w, http.StatusConflict, "uniqueness", "another user of the app has the username "+want.Username)
		return
	case err != nil:
		h.internal(w, r, "assign app", err)
		return
	}
	h.logger.InfoContext(r.Context(), "admin API: app assigned", "tenant", t.Name, "user", a.User, "app", a.App, "sub", p.Subject)
	writeJSON(w, http.StatusOK, assignmentJSON{AppID: a.App, AppName: a.AppName, UserID: a.User, Username: a.Username})
}

// unassignApp removes the {id} user's assignment to the {appId} app.
func (h *Handler) unassignApp(w http.ResponseWriter, r *http.Request, p Principal) {
	t, ok := h.tenant(w, r)
	if !ok {
		return
	}
	user, app := r.PathValue("id"), r.PathValue("appId")
	err := h.store.Unassign(r.Context(), t.ID, app, user)
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, "the tenant has no user with this ID assigned to an app with this ID")
		return
	}
	if err != nil {
		h.internal(w, r, "unassign app", err)
		return
	}
	h.logger.InfoContext(r.Context(), "admin API: app unassigned", "tenant", t.Name, "user", user, "app", app, "sub", p.Subject)
	w.WriteHeader(http.StatusNoContent)
}
