package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// Page sizes of the group list and of a group's members.
const (
	defaultGroupPage = 100
	maxGroupPage     = 1000
)

// groupSort is the order of the group list: displayName, ascending.
var groupSort = filter.AttributePath{AttributeName: "displayName"}

// groupJSON is a group as the API shows it: a summary and the SCIM
// document, without members (they are paged by the members endpoint).
//
// It carries no member count: storage keeps none, and counting means
// streaming every member row. GET .../members?count=0 answers the count
// as total_results.
type groupJSON struct {
	ID           string         `json:"id"`
	DisplayName  string         `json:"display_name"`
	ExternalID   string         `json:"external_id,omitempty"`
	Created      time.Time      `json:"created"`
	LastModified time.Time      `json:"last_modified"`
	Version      int64          `json:"version"`
	Attributes   map[string]any `json:"attributes"`
}

func newGroupJSON(rt *schemas.ResourceType, res storage.Resource) groupJSON {
	doc := directory.Visible(rt, res.Attributes)
	delete(doc, "members")
	str := func(k string) string { s, _ := doc[k].(string); return s }
	return groupJSON{
		ID:           res.ID,
		DisplayName:  str("displayName"),
		ExternalID:   str("externalId"),
		Created:      res.Meta.Created,
		LastModified: res.Meta.LastModified,
		Version:      res.Meta.Version,
		Attributes:   doc,
	}
}

// memberJSON is one member of a group.
type memberJSON struct {
	Value   string `json:"value"`
	Type    string `json:"type"`
	Display string `json:"display,omitempty"`
}

// groupType makes the scope of the request's calls of the directory
// service (Handler.scope) and returns it with the tenant's Group resource
// type, or answers 404 or 500.
func (h *Handler) groupType(w http.ResponseWriter, r *http.Request, p Principal) (directory.Scope, *schemas.ResourceType, bool) {
	sc, ok := h.scope(w, r, p)
	return sc, &sc.Set.Group, ok
}

// paging reads count (0 to max, def when absent) and startIndex (1-based,
// 1 when absent) of q.
func paging(q url.Values, def, maxCount int) (count, startIndex int, err error) {
	count, startIndex = def, 1
	for name, dst := range map[string]*int{"count": &count, "startIndex": &startIndex} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return 0, 0, errors.New(name + " must be an integer")
			}
			*dst = n
		}
	}
	return min(max(count, 0), maxCount), max(startIndex, 1), nil
}

// listGroups answers a page of the tenant's groups, ordered by
// displayName, that match the optional SCIM filter, with the total.
// Members are not loaded.
func (h *Handler) listGroups(w http.ResponseWriter, r *http.Request, p Principal) {
	q := r.URL.Query()
	query := storage.Query{SortBy: &groupSort}
	var err error
	if query.Count, query.StartIndex, err = paging(q, defaultGroupPage, maxGroupPage); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if f := q.Get("filter"); f != "" {
		if query.Filter, err = directory.ParseFilter(f); err != nil {
			writeError(w, http.StatusBadRequest, "invalid filter: "+err.Error())
			return
		}
	}
	sc, rt, ok := h.groupType(w, r, p)
	if !ok {
		return
	}
	page, err := h.dir.List(r.Context(), sc, schemas.GroupType, query)
	if fe, ok := errors.AsType[*storage.FilterError](err); ok {
		writeError(w, http.StatusBadRequest, fe.Detail)
		return
	}
	if err != nil {
		h.internal(w, r, "list groups", err)
		return
	}
	groups := make([]groupJSON, 0, len(page.Resources))
	for _, res := range page.Resources {
		groups = append(groups, newGroupJSON(rt, res))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"total_results": page.Total, "start_index": query.StartIndex, "count": len(groups), "groups": groups,
	})
}

// group reads the {id} group without its members, or answers 404 or 500.
func (h *Handler) group(w http.ResponseWriter, r *http.Request, p Principal) (directory.Scope, *schemas.ResourceType, storage.Resource, bool) {
	sc, rt, ok := h.groupType(w, r, p)
	if !ok {
		return sc, nil, storage.Resource{}, false
	}
	res, err := h.dir.Get(r.Context(), sc, schemas.GroupType, r.PathValue("id"), storage.GetOptions{Members: false})
	if err != nil {
		h.serviceError(w, r, "read group", err)
		return sc, rt, res, false
	}
	return sc, rt, res, true
}

func (h *Handler) getGroup(w http.ResponseWriter, r *http.Request, p Principal) {
	if _, rt, res, ok := h.group(w, r, p); ok {
		writeJSON(w, http.StatusOK, newGroupJSON(rt, res))
	}
}

// listMembers answers a page of the group's members in member-ID order,
// with their total. It streams the members with storage.EachMember, keeps
// only the page, and counts the rest: memory is bounded by the page size
// whatever the size of the group.
func (h *Handler) listMembers(w http.ResponseWriter, r *http.Request, p Principal) {
	count, startIndex, err := paging(r.URL.Query(), defaultGroupPage, maxGroupPage)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	sc, _, res, ok := h.group(w, r, p)
	if !ok {
		return
	}
	members := make([]memberJSON, 0, min(count, 64))
	total := 0
	err = h.dir.EachMember(r.Context(), sc, res.ID, func(m storage.Member) error {
		total++
		if total >= startIndex && len(members) < count {
			members = append(members, memberJSON{Value: m.Value, Type: m.Type, Display: m.Display})
		}
		return nil
	})
	if err != nil {
		h.internal(w, r, "list group members", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"total_results": total, "start_index": startIndex, "count": len(members), "members": members,
	})
}

// addMembers adds the body's members to the group in one update (the
// directory service's AddMembers, which refuses unknown IDs) and answers
// the group as stored. Members present already are left as they are.
func (h *Handler) addMembers(w http.ResponseWriter, r *http.Request, p Principal) {
	var body struct {
		Members []struct {
			Value string `json:"value"`
			Type  string `json:"type"`
		} `json:"members"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	add := make([]storage.Member, 0, len(body.Members))
	for _, m := range body.Members {
		add = append(add, storage.Member{Value: m.Value, Type: m.Type})
	}
	h.editMembers(w, r, p, "add group members", http.StatusOK, func(sc directory.Scope, id string) (storage.Resource, error) {
		return h.dir.AddMembers(r.Context(), sc, id, add)
	})
}

// removeMember removes the {memberId} member from the group. Removing a
// member the group does not have is not an error.
func (h *Handler) removeMember(w http.ResponseWriter, r *http.Request, p Principal) {
	h.editMembers(w, r, p, "remove group member", http.StatusNoContent, func(sc directory.Scope, id string) (storage.Resource, error) {
		return h.dir.RemoveMember(r.Context(), sc, id, r.PathValue("memberId"))
	})
}

// editMembers changes the members of the {id} group with edit and answers
// status, with the group as stored for 200. A member the service refuses
// (unknown ID, wrong type, the group itself, a cycle of nested groups) is
// 400.
func (h *Handler) editMembers(w http.ResponseWriter, r *http.Request, p Principal, what string, status int,
	edit func(sc directory.Scope, id string) (storage.Resource, error),
) {
	sc, rt, ok := h.groupType(w, r, p)
	if !ok {
		return
	}
	res, err := edit(sc, r.PathValue("id"))
	if err != nil {
		h.serviceError(w, r, what, err)
		return
	}
	h.logger.InfoContext(r.Context(), "admin API: "+what, "tenant", sc.Tenant.Name, "group", res.ID, "sub", p.Subject)
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, newGroupJSON(rt, res))
}
