package admin

import (
	"encoding/csv"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// exportPage is how many users the export reads from the store at a time:
// its memory does not grow with the number of users exported.
const exportPage = 500

// exportPageTimeout is how long the export may take to write one page to
// the client, in place of the server's write timeout for the whole
// response.
const exportPageTimeout = time.Minute

// A column is one column of the CSV export: its header and its cell of a
// user (the document as clients see it, directory.Visible).
type column struct {
	header string
	value  func(res storage.Resource, doc map[string]any) any
}

// attr is a column of a top-level attribute.
func attr(name string) column {
	return column{name, func(_ storage.Resource, doc map[string]any) any { return doc[name] }}
}

// sub is a column of a sub-attribute of a complex attribute.
func sub(parent, name string) column {
	return column{parent + "." + name, func(_ storage.Resource, doc map[string]any) any {
		m, _ := doc[parent].(map[string]any)
		return m[name]
	}}
}

// extAttr is a column of an extension's attribute, under header.
func extAttr(header, urn, name string) column {
	return column{header, func(_ storage.Resource, doc map[string]any) any {
		m, _ := doc[urn].(map[string]any)
		return m[name]
	}}
}

// primaryValue is a column of the value of the primary element of a
// multi-valued attribute (emails, phoneNumbers), or of its first one.
func primaryValue(header, name string) column {
	return column{header, func(_ storage.Resource, doc map[string]any) any {
		list, _ := doc[name].([]any)
		var first any
		for _, el := range list {
			m, ok := el.(map[string]any)
			if !ok {
				continue
			}
			if first == nil {
				first = m["value"]
			}
			if p, _ := m["primary"].(bool); p {
				return m["value"]
			}
		}
		return first
	}}
}

// coreColumns are the export's columns of the core profile, before the
// tenant's custom attributes.
var coreColumns = []column{
	{"id", func(res storage.Resource, _ map[string]any) any { return res.ID }},
	attr("userName"), attr("externalId"),
	sub("name", "formatted"), sub("name", "givenName"), sub("name", "middleName"), sub("name", "familyName"),
	sub("name", "honorificPrefix"), sub("name", "honorificSuffix"),
	attr("displayName"), attr("nickName"), attr("title"), attr("userType"),
	attr("preferredLanguage"), attr("locale"), attr("timezone"),
	primaryValue("email", "emails"), primaryValue("phone", "phoneNumbers"),
	{"status", func(res storage.Resource, _ map[string]any) any { return directory.StatusOf(res.Attributes) }},
	attr("active"),
	extAttr("statusChangedAt", schemas.ScimdUserURN, schemas.AttrStatusChangedAt),
	extAttr("lastLoginAt", schemas.ScimdUserURN, schemas.AttrLastLoginAt),
	{"created", func(res storage.Resource, _ map[string]any) any { return res.Meta.Created.UTC().Format(time.RFC3339) }},
	{"lastModified", func(res storage.Resource, _ map[string]any) any {
		return res.Meta.LastModified.UTC().Format(time.RFC3339)
	}},
	{"version", func(res storage.Resource, _ map[string]any) any { return res.Meta.Version }},
	extAttr("employeeNumber", schemas.EnterpriseUserURN, "employeeNumber"),
	extAttr("department", schemas.EnterpriseUserURN, "department"),
	extAttr("organization", schemas.EnterpriseUserURN, "organization"),
}

// exportColumns returns the columns of a tenant's export: the core ones,
// then one per custom attribute of the tenant's schema, headed
// "custom.NAME".
func exportColumns(rt *schemas.ResourceType) []column {
	cols := append([]column(nil), coreColumns...)
	for _, e := range rt.Extensions {
		if e.Schema.ID != schemas.TenantUserURN {
			continue
		}
		for _, a := range e.Schema.Attributes {
			cols = append(cols, extAttr("custom."+a.Name(), e.Schema.ID, a.Name()))
		}
	}
	return cols
}

// cell renders a value as a CSV cell: strings as they are, numbers and
// booleans in JSON form, multi-valued and complex values as JSON; then
// made safe from formula injection (safeCell).
func cell(v any) string {
	var s string
	switch v := v.(type) {
	case nil:
	case string:
		s = v
	case bool:
		s = strconv.FormatBool(v)
	case int64:
		s = strconv.FormatInt(v, 10)
	case json.Number:
		s = v.String()
	default:
		b, err := json.Marshal(v)
		if err == nil {
			s = string(b)
		}
	}
	return safeCell(s)
}

// safeCell defuses a cell that a spreadsheet would read as a formula, as
// OWASP's CSV injection advice says: a cell that starts with =, +, -, @,
// a tab or a carriage return gets a leading single quote.
func safeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// exportUsers streams the users that match the search (any the list
// takes: basic parameters, filter, sortBy, sortOrder; by ID without
// sortBy) as CSV, one header row then one row per user. It reads the store
// a page at a time with a cursor and writes each page before reading the
// next, so its memory does not depend on how many users there are. An
// error once rows are sent aborts the response, so that a cut file is
// never taken for a whole one.
func (h *Handler) exportUsers(w http.ResponseWriter, r *http.Request, p Principal) {
	q := r.URL.Query()
	for _, k := range []string{"cursor", "startIndex", "count"} {
		if q.Has(k) {
			writeError(w, http.StatusBadRequest, "the export takes every matching user: "+k+" is not allowed")
			return
		}
	}
	sc, rt, ok := h.userType(w, r, p)
	if !ok {
		return
	}
	t := sc.Tenant
	noSort := q.Get("sortBy") == ""
	query, err := userQuery(q, rt)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if noSort {
		query.SortBy, query.Descending = nil, false
	}
	query.Keyset, query.Cursor, query.Total, query.Count = true, "", false, exportPage
	page, err := h.dir.List(r.Context(), sc, schemas.UserType, query)
	if err != nil {
		h.listError(w, r, err)
		return
	}
	cols := exportColumns(rt)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": t.Name + "-users.csv"}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	cw := csv.NewWriter(w)
	row := make([]string, len(cols))
	for i, c := range cols {
		row[i] = c.header
	}
	_ = cw.Write(row)
	rows := 0
	// The server's write timeout bounds a whole response; an export of a
	// large tenant takes longer. Each page gets its own deadline instead, so
	// a client that stops reading is still cut off.
	rc := http.NewResponseController(w)
	for {
		_ = rc.SetWriteDeadline(time.Now().Add(exportPageTimeout))
		for _, res := range page.Resources {
			doc := directory.Visible(rt, res.Attributes)
			for i, c := range cols {
				row[i] = cell(c.value(res, doc))
			}
			_ = cw.Write(row)
			rows++
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			h.logger.InfoContext(r.Context(), "admin API: user export cut: client gone", "tenant", t.Name, "rows", rows, "err", err)
			return
		}
		_ = rc.Flush()
		if page.NextCursor == "" {
			break
		}
		query.Cursor = page.NextCursor
		if page, err = h.dir.List(r.Context(), sc, schemas.UserType, query); err != nil {
			h.logger.ErrorContext(r.Context(), "admin API: user export failed", "tenant", t.Name, "rows", rows, "err", err)
			panic(http.ErrAbortHandler)
		}
	}
	h.logger.InfoContext(r.Context(), "admin API: users exported", "tenant", t.Name, "rows", rows, "sub", p.Subject)
}
