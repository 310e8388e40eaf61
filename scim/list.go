package scim

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// URNs of SCIM messages.
const (
	listResponseURN  = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	searchRequestURN = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
)

// listParams are the parameters of a list or search request (RFC 7644
// §3.4.2, RFC 9865).
type listParams struct {
	filter, sortBy, sortOrder string
	attributes, excluded      string
	startIndex, count         int
	countSet                  bool
	cursor                    *string // nil: index pagination
}

func (h *Handler) parseListQuery(r *http.Request) (listParams, error) {
	q := r.URL.Query()
	p := listParams{filter: q.Get("filter"), sortBy: q.Get("sortBy"), sortOrder: q.Get("sortOrder"),
		attributes: q.Get("attributes"), excluded: q.Get("excludedAttributes"), startIndex: 1}
	for name, dst := range map[string]*int{"startIndex": &p.startIndex, "count": &p.count} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return p, errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidValue, name+" must be an integer")
			}
			*dst = n
			p.countSet = p.countSet || name == "count"
		}
	}
	if q.Has("cursor") {
		c := q.Get("cursor")
		p.cursor = &c
	}
	return p, nil
}

func (h *Handler) parseSearchBody(body []byte) (listParams, error) {
	p := listParams{startIndex: 1}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return p, errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidSyntax, "the search request is not a JSON object")
	}
	bad := func(name, want string) error {
		return errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidValue, name+" must be "+want)
	}
	for k, v := range raw {
		var err error
		switch strings.ToLower(k) {
		case "filter":
			err = json.Unmarshal(v, &p.filter)
		case "sortby":
			err = json.Unmarshal(v, &p.sortBy)
		case "sortorder":
			err = json.Unmarshal(v, &p.sortOrder)
		case "attributes":
			p.attributes, err = stringList(v)
		case "excludedattributes":
			p.excluded, err = stringList(v)
		case "startindex":
			if json.Unmarshal(v, &p.startIndex) != nil {
				return p, bad("startIndex", "an integer")
			}
		case "count":
			if json.Unmarshal(v, &p.count) != nil {
				return p, bad("count", "an integer")
			}
			p.countSet = true
		case "cursor":
			var c string
			err = json.Unmarshal(v, &c)
			p.cursor = &c
		}
		if err != nil {
			return p, bad(k, "a string (or, for attribute lists, an array of strings)")
		}
	}
	return p, nil
}

// stringList reads a JSON array of strings, or one string, as a
// comma-separated list.
func stringList(v json.RawMessage) (string, error) {
	var list []string
	if err := json.Unmarshal(v, &list); err == nil {
		return strings.Join(list, ","), nil
	}
	var s string
	err := json.Unmarshal(v, &s)
	return s, err
}

// query turns list parameters into a storage query for one resource type.
func (h *Handler) query(rt *schemas.ResourceType, p listParams) (storage.Query, string, error) {
	var q storage.Query
	if p.filter != "" {
		e, err := h.limitedFilter(p.filter)
		if err != nil {
			return q, "", err
		}
		q.Filter = e
	}
	if p.sortBy != "" {
		path, err := filter.ParseAttrPath([]byte(strings.TrimSpace(p.sortBy)))
		if err != nil {
			return q, "", errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidValue, "sortBy must name an attribute, e.g. userName")
		}
		q.SortBy = &path
	}
	switch strings.ToLower(p.sortOrder) {
	case "", "ascending":
	case "descending":
		q.Descending = true
	default:
		return q, "", errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidValue, "sortOrder must be ascending or descending")
	}
	q.Count = DefaultPageSize
	if p.countSet {
		q.Count = min(max(p.count, 0), h.cfg.MaxResults)
	}
	q.StartIndex = max(p.startIndex, 1)
	q.GetOptions = readOptions(rt, p.attributes, p.excluded)
	q.Raw = rt.Name == schemas.UserType && p.attributes == "" && p.excluded == ""
	// The fingerprint binds cursors and walk positions to one query.
	fp := rt.Name + "\x00" + p.filter + "\x00" + strings.ToLower(p.sortBy) + "\x00" + strconv.FormatBool(q.Descending)
	return q, fp, nil
}

// serveList answers GET /Users and GET /Groups.
func (h *Handler) serveList(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.list(w, r, c, false)
}

// serveSearch answers POST /Users/.search and POST /Groups/.search.
func (h *Handler) serveSearch(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.list(w, r, c, true)
}

// list answers a list or search request of the route's resource type.
func (h *Handler) list(w http.ResponseWriter, r *http.Request, c *call, search bool) error {
	typ := c.typ
	rt, err := c.scope.ResourceType(typ)
	if err != nil {
		return err
	}
	p, err := h.listParams(r, c, search)
	if err != nil {
		return err
	}
	q, fp, err := h.query(rt, p)
	if err != nil {
		return err
	}
	resp := map[string]any{"schemas": []string{listResponseURN}}
	var page storage.Page
	if p.cursor != nil {
		// RFC 9865 makes totalResults optional: it is counted once, on
		// the first page, so later pages cost what they return.
		q.Keyset, q.Total = true, *p.cursor == ""
		if *p.cursor != "" {
			if q.Cursor, err = h.cursors.decode(c.scope.Tenant.ID, fp, *p.cursor); err != nil {
				return err
			}
		}
		if page, err = h.dir.List(r.Context(), c.scope, typ, q); err != nil {
			return err
		}
		if page.NextCursor != "" {
			resp["nextCursor"] = h.cursors.encode(c.scope.Tenant.ID, fp, page.NextCursor)
		}
	} else {
		if page, err = h.indexPage(r, c, typ, q, fp); err != nil {
			return err
		}
		resp["startIndex"] = q.StartIndex
	}
	if page.Total >= 0 {
		resp["totalResults"] = page.Total
	}
	resp["itemsPerPage"] = len(page.Resources)
	return writeResources(w, c, rt, parseProjection(rt, p.attributes, p.excluded), resp, page.Resources)
}

// indexPage serves startIndex/count. When an earlier page of the same
// query ended just before startIndex, it continues from that keyset
// position, so a sequential walk costs the same on every page.
func (h *Handler) indexPage(r *http.Request, c *call, typ string, q storage.Query, fp string) (storage.Page, error) {
	tenant := c.scope.Tenant.ID
	if q.StartIndex > 1 && q.Count > 0 {
		if w, ok := h.walks.get(walkKey{tenant: tenant, query: fp, start: q.StartIndex}); ok {
			kq := q
			kq.Keyset, kq.Cursor = true, w.cursor
			page, err := h.dir.List(r.Context(), c.scope, typ, kq)
			if err == nil {
				// A walk reports the total its first page counted.
				page.Total = w.total
				h.rememberWalk(tenant, fp, q.StartIndex+len(page.Resources), page)
				return page, nil
			}
		}
	}
	q.Keyset = false
	page, err := h.dir.List(r.Context(), c.scope, typ, q)
	if err == nil {
		h.rememberWalk(tenant, fp, q.StartIndex+len(page.Resources), page)
	}
	return page, err
}

func (h *Handler) rememberWalk(tenant storage.TenantID, fp string, next int, page storage.Page) {
	if page.NextCursor != "" {
		h.walks.put(walkKey{tenant: tenant, query: fp, start: next}, walkEntry{cursor: page.NextCursor, total: page.Total})
	}
}

func (h *Handler) listParams(r *http.Request, c *call, search bool) (listParams, error) {
	if search {
		return h.parseSearchBody(c.body)
	}
	return h.parseListQuery(r)
}

// serveRootList answers GET / over users and groups (rootList).
func (h *Handler) serveRootList(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.rootList(w, r, c, false)
}

// serveRootSearch answers POST /.search over users and groups (rootList).
func (h *Handler) serveRootSearch(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.rootList(w, r, c, true)
}

// rootList answers a list or search over users and groups, users first. A
// filter attribute that one type lacks matches nothing of that type.
func (h *Handler) rootList(w http.ResponseWriter, r *http.Request, c *call, search bool) error {
	p, err := h.listParams(r, c, search)
	if err == nil && p.cursor != nil {
		err = errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidValue, "cursor pagination is offered per resource type: use /Users or /Groups")
	}
	if err != nil {
		return err
	}
	resources := []any{}
	total, skip, matched := 0, 0, false
	var sortErr error // the first type's refusal of sortBy
	for _, rt := range c.scope.Set.ResourceTypes() {
		q, _, err := h.query(&rt, p)
		if err != nil {
			return err
		}
		q.Raw = false // rendered below from decoded documents
		counted := q
		counted.Count = 0
		page, err := h.dir.List(r.Context(), c.scope, rt.Name, counted)
		if fe, ok := errors.AsType[*storage.FilterError](err); ok {
			if fe.SortBy && sortErr == nil {
				sortErr = err
			}
			continue
		}
		if err != nil {
			return err
		}
		matched = true
		start := q.StartIndex - skip // position within this type
		skip += page.Total
		total += page.Total
		want := q.Count - len(resources)
		if want <= 0 || start > page.Total {
			continue
		}
		q.StartIndex, q.Count = max(start, 1), want
		if page, err = h.dir.List(r.Context(), c.scope, rt.Name, q); err != nil {
			return err
		}
		proj := parseProjection(&rt, p.attributes, p.excluded)
		for _, res := range page.Resources {
			resources = append(resources, proj.apply(render(c, &rt, res)))
		}
	}
	if !matched && sortErr != nil {
		return sortErr
	}
	if !matched {
		return errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidFilter, "the filter names an attribute that neither User nor Group has")
	}
	writeJSON(w, http.StatusOK, map[string]any{"schemas": []string{listResponseURN}, "totalResults": total,
		"startIndex": max(p.startIndex, 1), "itemsPerPage": len(resources), "Resources": resources})
	return nil
}
