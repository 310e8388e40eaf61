package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/scim"
	"github.com/scimd/scimd/storage"
)

// Page sizes of the group list and of a group's members.
const (
	defaultGroupPage = scim.DefaultPageSize
	maxGroupPage     = scim.DefaultMaxResults
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
	doc := scim.Visible(rt, res.Attributes)
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

// groupType looks up the tenant of the {name} path value and its Group
// resource type, or answers 404 or 500.
func (h *Handler) groupType(w http.ResponseWriter, r *http.Request) (storage.Tenant, *schemas.ResourceType, bool) {
	t, ok := h.tenant(w, r)
	if !ok {
		return t, nil, false
	}
	set, err := h.schemas.ForTenant(r.Context(), string(t.ID), t.SchemaVersion)
	if err != nil {
		h.internal(w, r, "read tenant schema", err)
		return t, nil, false
	}
	return t, &set.Group, true
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
func (h *Handler) listGroups(w http.ResponseWriter, r *http.Request, _ Principal) {
	q := r.URL.Query()
	query := storage.Query{SortBy: &groupSort}
	var err error
	if query.Count, query.StartIndex, err = paging(q, defaultGroupPage, maxGroupPage); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if f := q.Get("filter"); f != "" {
		if query.Filter, err = scim.ParseFilter(f); err != nil {
			writeError(w, http.StatusBadRequest, "invalid filter: "+err.Error())
			return
		}
	}
	t, rt, ok := h.groupType(w, r)
	if !ok {
		return
	}
	page, err := h.store.List(r.Context(), t.ID, rt, query)
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
func (h *Handler) group(w http.ResponseWriter, r *http.Request) (storage.Tenant, *schemas.ResourceType, storage.Resource, bool) {
	t, rt, ok := h.groupType(w, r)
	if !ok {
		return t, nil, storage.Resource{}, false
	}
	res, err := h.store.Get(r.Context(), t.ID, rt, r.PathValue("id"), storage.GetOptions{Members: false})
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, "the tenant has no group with this ID")
		return t, rt, res, false
	}
	if err != nil {
		h.internal(w, r, "read group", err)
		return t, rt, res, false
	}
	return t, rt, res, true
}

func (h *Handler) getGroup(w http.ResponseWriter, r *http.Request, _ Principal) {
	if _, rt, res, ok := h.group(w, r); ok {
		writeJSON(w, http.StatusOK, newGroupJSON(rt, res))
	}
}

// listMembers answers a page of the group's members in member-ID order,
// with their total. It streams the members with storage.EachMember, keeps
// only the page, and counts the rest: memory is bounded by the page size
// whatever the size of the group.
func (h *Handler) listMembers(w http.ResponseWriter, r *http.Request, _ Principal) {
	count, startIndex, err := paging(r.URL.Query(), defaultGroupPage, maxGroupPage)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	t, _, res, ok := h.group(w, r)
	if !ok {
		return
	}
	members := make([]memberJSON, 0, min(count, 64))
	total := 0
	err = h.store.EachMember(r.Context(), t.ID, res.ID, func(m storage.Member) error {
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

// addMembers adds the body's members to the group with one storage.Update
// (Edit.AddMembers, as SCIM PATCH does, but refusing unknown IDs) and
// answers the group as stored. Members present already are left as they
// are.
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
	if len(body.Members) == 0 {
		writeError(w, http.StatusBadRequest, "members must list at least one member")
		return
	}
	add := make([]storage.Member, 0, len(body.Members))
	for i, m := range body.Members {
		at := "members[" + strconv.Itoa(i) + "]"
		if strings.TrimSpace(m.Value) == "" {
			writeError(w, http.StatusBadRequest, at+": value is required: the ID of a user or group of the tenant")
			return
		}
		switch {
		case m.Type == "":
		case strings.EqualFold(m.Type, schemas.UserType):
			m.Type = schemas.UserType
		case strings.EqualFold(m.Type, schemas.GroupType):
			m.Type = schemas.GroupType
		default:
			writeError(w, http.StatusBadRequest, at+": type must be User or Group")
			return
		}
		add = append(add, storage.Member{Value: m.Value, Type: m.Type})
	}
	h.editMembers(w, r, p, "add group members", storage.Edit{AddMembers: add}, http.StatusOK)
}

// removeMember removes the {memberId} member from the group. Removing a
// member the group does not have is not an error, as in storage.
func (h *Handler) removeMember(w http.ResponseWriter, r *http.Request, p Principal) {
	h.editMembers(w, r, p, "remove group member", storage.Edit{RemoveMembers: []string{r.PathValue("memberId")}}, http.StatusNoContent)
}

// editMembers applies a member edit to the {id} group in one
// storage.Update. A member storage refuses (unknown ID, wrong type, the
// group itself, a cycle of nested groups) is 400.
func (h *Handler) editMembers(w http.ResponseWriter, r *http.Request, p Principal, what string, edit storage.Edit, status int) {
	t, rt, ok := h.groupType(w, r)
	if !ok {
		return
	}
	res, err := h.store.Update(r.Context(), t.ID, rt, r.PathValue("id"), storage.UpdateOptions{},
		func(storage.Resource) (storage.Edit, error) { return edit, nil })
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, "the tenant has no group with this ID")
		return
	}
	if ve, ok := errors.AsType[*storage.ValueError](err); ok {
		writeError(w, http.StatusBadRequest, "invalid "+ve.Attribute+": "+ve.Detail)
		return
	}
	if err != nil {
		h.internal(w, r, what, err)
		return
	}
	h.logger.InfoContext(r.Context(), "admin API: "+what, "tenant", t.Name, "group", res.ID, "sub", p.Subject)
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, newGroupJSON(rt, res))
}
