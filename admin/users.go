package admin

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// Page sizes of the user list.
const (
	defaultUserPage = 100
	maxUserPage     = 1000
)

// defaultUserSort is the list's order when the request names none: the
// scimd User extension's lastLoginAt, descending. Storage sorts users
// without a value last in ascending order and, being the exact reverse,
// first in descending order: users who never logged in come first.
var defaultUserSort = filter.AttributePath{URIPrefix: ptr(schemas.ScimdUserURN), AttributeName: schemas.AttrLastLoginAt}

func ptr[T any](v T) *T { return &v }

// userJSON is a user as the API shows it: a summary, and the SCIM document
// as SCIM clients see it (directory.Visible: no password).
type userJSON struct {
	ID                 string         `json:"id"`
	UserName           string         `json:"user_name"`
	ExternalID         string         `json:"external_id,omitempty"`
	Status             string         `json:"status"`
	StatusChangedAt    string         `json:"status_changed_at,omitempty"`
	LastLoginAt        string         `json:"last_login_at,omitempty"`
	SessionsValidAfter string         `json:"sessions_valid_after,omitempty"`
	Created            time.Time      `json:"created"`
	LastModified       time.Time      `json:"last_modified"`
	Version            int64          `json:"version"`
	Attributes         map[string]any `json:"attributes"`
}

func newUserJSON(rt *schemas.ResourceType, res storage.Resource) userJSON {
	doc := directory.Visible(rt, res.Attributes)
	ext, _ := doc[schemas.ScimdUserURN].(map[string]any)
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	return userJSON{
		ID:                 res.ID,
		UserName:           str(doc, "userName"),
		ExternalID:         str(doc, "externalId"),
		Status:             directory.StatusOf(res.Attributes),
		StatusChangedAt:    str(ext, schemas.AttrStatusChangedAt),
		LastLoginAt:        str(ext, schemas.AttrLastLoginAt),
		SessionsValidAfter: str(ext, schemas.AttrSessionsValidAfter),
		Created:            res.Meta.Created,
		LastModified:       res.Meta.LastModified,
		Version:            res.Meta.Version,
		Attributes:         doc,
	}
}

// userType looks up the tenant of the {name} path value and makes the
// scope of the request's calls of the directory service, with p as the
// actor, and the tenant's User resource type; or answers 404 or 500.
func (h *Handler) userType(w http.ResponseWriter, r *http.Request, p Principal) (directory.Scope, *schemas.ResourceType, bool) {
	sc, ok := h.scope(w, r, p)
	return sc, &sc.Set.User, ok
}

// scope looks up the tenant of the {name} path value and makes the scope
// of the request's calls of the directory service, with p as the actor; or
// answers 404 or 500.
func (h *Handler) scope(w http.ResponseWriter, r *http.Request, p Principal) (directory.Scope, bool) {
	t, ok := h.tenant(w, r)
	if !ok {
		return directory.Scope{}, false
	}
	sc, err := h.dir.Scope(r.Context(), t, p.actor())
	if err != nil {
		h.internal(w, r, "read tenant schema", err)
		return sc, false
	}
	return sc, true
}

// statusFilters are the filters of each status: the stored status, or for
// users stored before scimd kept one, what active implies (directory.StatusOf).
var statusFilters = map[string]string{
	schemas.StatusPending: statusAttr + ` eq "pending"`,
	schemas.StatusActive: statusAttr + ` eq "active" or ` +
		`(not (` + statusAttr + ` pr) and not (active eq false))`,
	schemas.StatusSuspended: statusAttr + ` eq "suspended"`,
	schemas.StatusDeprovisioned: statusAttr + ` eq "deprovisioned" or ` +
		`(not (` + statusAttr + ` pr) and active eq false)`,
}

// statusAttr is the full path of the scimd User extension's status.
const statusAttr = schemas.ScimdUserURN + ":" + schemas.AttrStatus

// statusFilter returns the parsed filter of a status.
func statusFilter(status string) (filter.Expression, error) {
	f, ok := statusFilters[status]
	if !ok {
		return nil, errors.New("status must be one of " + strings.Join(directory.Statuses(), ", "))
	}
	return directory.ParseFilter(f)
}

// and joins two filters; nil is no filter.
func and(a, b filter.Expression) filter.Expression {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return &filter.LogicalExpression{Left: a, Right: b, Operator: filter.AND}
}

// basicSearch maps the basic search parameters to the attribute they
// compare with eq.
var basicSearch = []struct{ param, attr, sub string }{
	{"userName", "userName", ""},
	{"externalId", "externalId", ""},
	{"email", "emails", "value"},
	{"phone", "phoneNumbers", "value"},
}

// customParam prefixes a basic search parameter on a custom attribute of
// the tenant's schema (custom.badgeId=B-1), as the CSV export heads its
// columns.
const customParam = "custom."

// searchFilter reads the search parameters of q: the basic ones (status,
// email, phone, userName, externalId, custom.NAME for a custom attribute
// or identifier; each an exact match as SCIM's eq compares) and filter
// (any SCIM filter), all of which must hold.
func searchFilter(q url.Values, rt *schemas.ResourceType) (filter.Expression, error) {
	var e filter.Expression
	if f := q.Get("filter"); f != "" {
		parsed, err := directory.ParseFilter(f)
		if err != nil {
			return nil, errors.New("invalid filter: " + err.Error())
		}
		e = parsed
	}
	for _, b := range basicSearch {
		if !q.Has(b.param) {
			continue
		}
		path := filter.AttributePath{AttributeName: b.attr}
		if b.sub != "" {
			path.SubAttribute = ptr(b.sub)
		}
		e = and(e, &filter.AttributeExpression{AttributePath: path, Operator: filter.EQ, CompareValue: q.Get(b.param)})
	}
	// custom.NAME: a custom attribute of the tenant's schema, such as a
	// custom identifier (an unknown NAME is the storage's FilterError, 400).
	var customs []string
	for name := range q {
		if strings.HasPrefix(name, customParam) {
			customs = append(customs, name)
		}
	}
	slices.Sort(customs)
	for _, name := range customs {
		v, path, err := customValue(rt, name, q.Get(name))
		if err != nil {
			return nil, err
		}
		e = and(e, &filter.AttributeExpression{AttributePath: path, Operator: filter.EQ, CompareValue: v})
	}
	if q.Has("status") {
		s, err := statusFilter(strings.ToLower(strings.TrimSpace(q.Get("status"))))
		if err != nil {
			return nil, err
		}
		e = and(e, s)
	}
	return e, nil
}

// listError answers an error of storage.List: a filter or sort the tenant's
// schema cannot serve is the caller's (400).
func (h *Handler) listError(w http.ResponseWriter, r *http.Request, err error) {
	if fe, ok := errors.AsType[*storage.FilterError](err); ok {
		writeError(w, http.StatusBadRequest, fe.Detail)
		return
	}
	if errors.Is(err, storage.ErrInvalidCursor) {
		writeError(w, http.StatusBadRequest, errInvalidCursor.Error())
		return
	}
	h.internal(w, r, "list users", err)
}

// customValue reads the basic search parameter custom.NAME=raw: the path
// of the tenant's custom attribute NAME, and raw as a value of its type.
func customValue(rt *schemas.ResourceType, param, raw string) (any, filter.AttributePath, error) {
	name := strings.TrimPrefix(param, customParam)
	path := filter.AttributePath{URIPrefix: ptr(schemas.TenantUserURN), AttributeName: name}
	a, err := rt.Resolve(path)
	if name == "" || strings.ContainsAny(name, ".[]") || err != nil || a.Type() == "complex" {
		return nil, path, fmt.Errorf("%s: name one custom attribute of the tenant's schema that is not complex, as custom.NAME", param)
	}
	switch a.Type() {
	case "integer":
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil, path, fmt.Errorf("%s is an integer attribute: %q is not an integer", param, raw)
		}
		return n, path, nil
	case "decimal":
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return nil, path, fmt.Errorf("%s is a decimal attribute: %q is not a number", param, raw)
		}
		return f, path, nil
	case "boolean":
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return nil, path, fmt.Errorf("%s is a boolean attribute: %q is not true or false", param, raw)
		}
		return b, path, nil
	}
	return raw, path, nil
}

// userQuery reads the search (searchFilter), paging (count, startIndex,
// cursor) and order (sortBy, sortOrder) parameters of the user list. A
// cursor parameter, empty for the first page, selects cursor pagination.
func userQuery(q url.Values, rt *schemas.ResourceType) (storage.Query, error) {
	query := storage.Query{Count: defaultUserPage, StartIndex: 1}
	var err error
	if query.Filter, err = searchFilter(q, rt); err != nil {
		return query, err
	}
	for name, dst := range map[string]*int{"count": &query.Count, "startIndex": &query.StartIndex} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return query, errors.New(name + " must be an integer")
			}
			*dst = n
		}
	}
	query.Count = min(max(query.Count, 0), maxUserPage)
	query.StartIndex = max(query.StartIndex, 1)
	if q.Has("cursor") {
		if q.Has("startIndex") {
			return query, errors.New("give cursor or startIndex, not both")
		}
		raw, err := base64.RawURLEncoding.DecodeString(q.Get("cursor"))
		if err != nil {
			return query, errInvalidCursor
		}
		query.Keyset, query.Cursor, query.Total = true, string(raw), true
	}
	switch strings.ToLower(q.Get("sortOrder")) {
	case "":
	case "ascending":
	case "descending":
		query.Descending = true
	default:
		return query, errors.New("sortOrder must be ascending or descending")
	}
	if s := strings.TrimSpace(q.Get("sortBy")); s != "" {
		path, err := filter.ParseAttrPath([]byte(s))
		if err != nil {
			return query, errors.New("sortBy must name an attribute, e.g. userName")
		}
		query.SortBy = &path
	} else {
		query.SortBy = &defaultUserSort
		query.Descending = q.Get("sortOrder") == "" || query.Descending
	}
	return query, nil
}

// errInvalidCursor is a cursor that is not one the list answered.
var errInvalidCursor = errors.New("the cursor is not valid for this search; start again without one (cursor=) and keep the search and sort parameters")

// nextCursor returns a page's opaque next cursor, or "" on the last page.
func nextCursor(page storage.Page) string {
	if page.NextCursor == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(page.NextCursor))
}

// listUsers answers a page of the tenant's users that match the search,
// with the total and, unless it is the last page, the cursor of the next
// one (next_cursor, for the cursor parameter).
func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request, p Principal) {
	sc, rt, ok := h.userType(w, r, p)
	if !ok {
		return
	}
	query, err := userQuery(r.URL.Query(), rt)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	page, err := h.dir.List(r.Context(), sc, schemas.UserType, query)
	if err != nil {
		h.listError(w, r, err)
		return
	}
	users := make([]userJSON, 0, len(page.Resources))
	for _, res := range page.Resources {
		users = append(users, newUserJSON(rt, res))
	}
	out := map[string]any{"total_results": page.Total, "count": len(users), "users": users}
	if !query.Keyset {
		out["start_index"] = query.StartIndex
	}
	if c := nextCursor(page); c != "" {
		out["next_cursor"] = c
	}
	writeJSON(w, http.StatusOK, out)
}

// countUsers answers how many of the tenant's users match the search (all
// of them without search parameters), in total and by status, without
// reading any user: storage.List with Count 0.
func (h *Handler) countUsers(w http.ResponseWriter, r *http.Request, p Principal) {
	sc, rt, ok := h.userType(w, r, p)
	if !ok {
		return
	}
	base, err := searchFilter(r.URL.Query(), rt)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	count := func(f filter.Expression) (int, bool) {
		page, err := h.dir.List(r.Context(), sc, schemas.UserType, storage.Query{Filter: f, Count: 0, StartIndex: 1})
		if err != nil {
			h.listError(w, r, err)
			return 0, false
		}
		return page.Total, true
	}
	total, ok := count(base)
	if !ok {
		return
	}
	byStatus := make(map[string]int, len(statusFilters))
	for _, s := range directory.Statuses() {
		f, err := statusFilter(s)
		if err != nil {
			h.internal(w, r, "status filter", err)
			return
		}
		if byStatus[s], ok = count(and(base, f)); !ok {
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "by_status": byStatus})
}

// getUser answers the user of the {id} or {identifier} path value.
func (h *Handler) getUser(w http.ResponseWriter, r *http.Request, p Principal) {
	sc, rt, ok := h.userType(w, r, p)
	if !ok {
		return
	}
	id, ok := h.userID(w, r, sc)
	if !ok {
		return
	}
	res, err := h.dir.Get(r.Context(), sc, schemas.UserType, id, storage.GetOptions{})
	if err != nil {
		h.serviceError(w, r, "read user", err)
		return
	}
	writeJSON(w, http.StatusOK, newUserJSON(rt, res))
}

// lookupUsers answers the users an identifier names (storage.Lookup):
// userName, email, phone, externalId, custom identifier, alias or linked
// identity. An identifier may name several users; none is an empty list.
func (h *Handler) lookupUsers(w http.ResponseWriter, r *http.Request, p Principal) {
	identifier := r.URL.Query().Get("identifier")
	if strings.TrimSpace(identifier) == "" {
		writeError(w, http.StatusBadRequest, "the identifier query parameter is required")
		return
	}
	sc, rt, ok := h.userType(w, r, p)
	if !ok {
		return
	}
	list, err := h.dir.Lookup(r.Context(), sc, identifier)
	if err != nil {
		h.internal(w, r, "look up users", err)
		return
	}
	users := make([]userJSON, 0, len(list))
	for _, res := range list {
		users = append(users, newUserJSON(rt, res))
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": users})
}

func (h *Handler) suspendUser(w http.ResponseWriter, r *http.Request, p Principal) {
	h.changeStatus(w, r, p, schemas.StatusSuspended)
}

func (h *Handler) activateUser(w http.ResponseWriter, r *http.Request, p Principal) {
	h.changeStatus(w, r, p, schemas.StatusActive)
}

// changeStatus moves a user to status by the rules of client writes (the
// directory service's ChangeStatus); a user already there is not changed.
// A move the rules refuse is 409.
func (h *Handler) changeStatus(w http.ResponseWriter, r *http.Request, p Principal, status string) {
	h.updateUser(w, r, p, "change user status to "+status, func(sc directory.Scope, id string) (storage.Resource, error) {
		return h.dir.ChangeStatus(r.Context(), sc, id, status)
	})
}

// invalidateSessions moves the user's sessionsValidAfter to now, as the
// SCIM action does.
func (h *Handler) invalidateSessions(w http.ResponseWriter, r *http.Request, p Principal) {
	h.updateUser(w, r, p, "invalidate user sessions", func(sc directory.Scope, id string) (storage.Resource, error) {
		return h.dir.InvalidateSessions(r.Context(), sc, id)
	})
}

// updateUser changes the {id} user with change and answers the user as
// stored.
func (h *Handler) updateUser(w http.ResponseWriter, r *http.Request, p Principal, what string,
	change func(sc directory.Scope, id string) (storage.Resource, error),
) {
	sc, rt, ok := h.userType(w, r, p)
	if !ok {
		return
	}
	res, err := change(sc, r.PathValue("id"))
	if err != nil {
		h.serviceError(w, r, what, err)
		return
	}
	h.logger.InfoContext(r.Context(), "admin API: "+what, "tenant", sc.Tenant.Name, "user", res.ID, "sub", p.Subject)
	writeJSON(w, http.StatusOK, newUserJSON(rt, res))
}
