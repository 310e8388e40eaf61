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
// username?}) through the directory service; assigning again replaces the
// username when the body has one and keeps everything else of the
// assignment. Unknown app or user is 404, a username another user of the
// app has is 409.
func (h *Handler) assignApp(w http.ResponseWriter, r *http.Request, p Principal) {
	sc, ok := h.scope(w, r, p)
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
	current, err := h.dir.UserApps(r.Context(), sc, want.User)
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
	a, err := h.dir.Assign(r.Context(), sc, want)
	if err != nil {
		h.serviceError(w, r, "assign app", err)
		return
	}
	h.logger.InfoContext(r.Context(), "admin API: app assigned", "tenant", sc.Tenant.Name, "user", a.User, "app", a.App, "sub", p.Subject)
	writeJSON(w, http.StatusOK, assignmentJSON{AppID: a.App, AppName: a.AppName, UserID: a.User, Username: a.Username})
}

// unassignApp removes the {id} user's assignment to the {appId} app.
func (h *Handler) unassignApp(w http.ResponseWriter, r *http.Request, p Principal) {
	sc, ok := h.scope(w, r, p)
	if !ok {
		return
	}
	user, app := r.PathValue("id"), r.PathValue("appId")
	if err := h.dir.Unassign(r.Context(), sc, app, user); err != nil {
		h.serviceError(w, r, "unassign app", err)
		return
	}
	h.logger.InfoContext(r.Context(), "admin API: app unassigned", "tenant", sc.Tenant.Name, "user", user, "app", app, "sub", p.Subject)
	w.WriteHeader(http.StatusNoContent)
}
