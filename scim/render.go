package scim

import (
	"slices"
	"strings"

	"github.com/elimity-com/scim/schema"
	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// timeFormat renders meta timestamps: RFC 3339 in UTC, in seconds, the
// form the schema library uses in the responses to POST and PUT.
const timeFormat = "2006-01-02T15:04:05Z07:00"

// render is a stored resource as the client sees it: the document without
// write-only values, with id, schemas, meta, and the members of a group or
// the groups of a user when they were loaded.
func render(st *requestState, rt *schemas.ResourceType, res storage.Resource) map[string]any {
	out := make(map[string]any, len(res.Attributes)+5)
	for k, v := range res.Attributes {
		out[k] = v
	}
	stripNever(rt, out)
	if rt.Name == schemas.UserType {
		appsOf(st, res, out)
		deriveStatus(rt, out)
	}
	out["id"] = res.ID
	list := []any{rt.Schema.ID}
	for _, e := range rt.Extensions {
		if _, ok := out[e.Schema.ID]; ok {
			list = append(list, e.Schema.ID)
		}
	}
	out["schemas"] = list
	out["meta"] = map[string]any{
		"resourceType": rt.Name,
		"created":      res.Meta.Created.UTC().Format(timeFormat),
		"lastModified": res.Meta.LastModified.UTC().Format(timeFormat),
		"location":     st.base + rt.Endpoint + "/" + res.ID,
		"version":      etag(res.Meta.Version),
	}
	// An empty members or groups list is left out, as every unassigned
	// attribute is (RFC 7643 §2.5).
	if rt.Name == schemas.GroupType && len(res.Members) > 0 {
		members := make([]any, len(res.Members))
		for i, m := range res.Members {
			endpoint := "/Users/"
			if m.Type == schemas.GroupType {
				endpoint = "/Groups/"
			}
			member := map[string]any{"value": m.Value, "type": m.Type, "$ref": st.base + endpoint + m.Value}
			if m.Display != "" {
				member["display"] = m.Display
			}
			members[i] = member
		}
		out["members"] = members
	}
	if rt.Name == schemas.UserType && len(res.Groups) > 0 {
		groups := make([]any, len(res.Groups))
		for i, g := range res.Groups {
			groups[i] = map[string]any{"value": g.Value, "display": g.Display, "type": g.Type, "$ref": st.base + "/Groups/" + g.Value}
		}
		out["groups"] = groups
	}
	return out
}

// Visible returns a copy of a stored document as clients may see it: as
// SCIM responses show it (stripNever), without values that are never
// returned (password) or that the tenant's schema no longer declares, and
// for a user with its lifecycle status, derived for documents stored
// before scimd kept one (deriveStatus). Nested values are shared with doc.
func Visible(rt *schemas.ResourceType, doc map[string]any) map[string]any {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		out[k] = v
	}
	stripNever(rt, out)
	if rt.Name == schemas.UserType {
		deriveStatus(rt, out)
	}
	return out
}

// stripNever removes attributes whose definition says they are never
// returned (password), and extension values the tenant's schema no longer
// declares (a removed custom attribute, a removed extension).
func stripNever(rt *schemas.ResourceType, doc map[string]any) {
	for _, a := range rt.Schema.Attributes {
		if a.Returned() == "never" {
			delete(doc, a.Name())
		} else if v, ok := doc[a.Name()]; ok {
			doc[a.Name()] = withoutNeverSubs(a, v)
		}
	}
	declared := make(map[string]bool, len(rt.Extensions))
	for _, e := range rt.Extensions {
		declared[e.Schema.ID] = true
		ext, ok := doc[e.Schema.ID].(map[string]any)
		if !ok {
			continue
		}
		kept := make(map[string]any, len(ext))
		for _, a := range e.Schema.Attributes {
			if v, ok := ext[a.Name()]; ok && a.Returned() != "never" {
				kept[a.Name()] = withoutNeverSubs(a, v)
			}
		}
		if len(kept) == 0 {
			delete(doc, e.Schema.ID)
		} else {
			doc[e.Schema.ID] = kept
		}
	}
	for k := range doc {
		if strings.HasPrefix(k, "urn:") && !declared[k] {
			delete(doc, k)
		}
	}
}

// withoutNeverSubs returns v, a value of attribute a, without the
// sub-attributes that are never returned (a secret inside a complex or
// multi-valued complex custom attribute). It copies what it changes: the
// stored document stays whole.
func withoutNeverSubs(a schema.CoreAttribute, v any) any {
	if !a.HasSubAttributes() {
		return v
	}
	var never []string
	for _, sub := range a.SubAttributes() {
		if sub.Returned() == "never" {
			never = append(never, sub.Name())
		}
	}
	if len(never) == 0 {
		return v
	}
	strip := func(x any) any {
		m, ok := x.(map[string]any)
		if !ok {
			return x
		}
		out := make(map[string]any, len(m))
		for k, sv := range m {
			if !slices.ContainsFunc(never, func(n string) bool { return strings.EqualFold(n, k) }) {
				out[k] = sv
			}
		}
		return out
	}
	if list, ok := v.([]any); ok {
		out := make([]any, len(list))
		for i, x := range list {
			out[i] = strip(x)
		}
		return out
	}
	return strip(v)
}

// A projection is what the attributes and excludedAttributes parameters
// ask for (RFC 7644 §3.9).
type projection struct {
	include, exclude []schemas.Attribute
	// metaInclude and metaExclude are the keys of a user's metadata the
	// lists name ("" for metadata as a whole); no schema knows them.
	metaInclude, metaExclude []string
}

// parseProjection reads the two comma-separated lists. Names that are not
// attributes of the type are ignored, as are value filters in them
// (emails[type eq "work"] means emails).
func parseProjection(rt *schemas.ResourceType, attributes, excluded string) projection {
	var p projection
	p.include = projectionList(rt, attributes)
	p.exclude = projectionList(rt, excluded)
	if rt.Name == schemas.UserType {
		p.metaInclude, p.metaExclude = metadataList(attributes), metadataList(excluded)
	}
	return p
}

// metadataList returns the metadata keys a list names: "" for metadata,
// the normalized key for metadata.KEY.
func metadataList(list string) []string {
	var out []string
	for _, name := range strings.Split(list, ",") {
		if key, ok, err := metadataPath(strings.TrimSpace(name)); ok && err == nil {
			out = append(out, key)
		}
	}
	return out
}

func projectionList(rt *schemas.ResourceType, list string) []schemas.Attribute {
	var out []schemas.Attribute
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if i := strings.IndexByte(name, '['); i >= 0 {
			name = name[:i]
		}
		if name == "" {
			continue
		}
		path, err := filter.ParseAttrPath([]byte(name))
		if err != nil {
			continue
		}
		if a, err := rt.Resolve(path); err == nil {
			out = append(out, a)
		}
	}
	return out
}

// wants reports whether a top-level attribute of the resource type (by
// canonical name) is part of the response.
func (p projection) wants(name string) bool {
	for _, a := range p.exclude {
		if a.Parent == nil && !a.Extension && strings.EqualFold(a.Def.Name(), name) {
			return false
		}
	}
	if len(p.include) == 0 && len(p.metaInclude) == 0 {
		return true
	}
	for _, a := range p.include {
		top := a.Def.Name()
		if a.Parent != nil {
			top = a.Parent.Name()
		}
		if !a.Extension && strings.EqualFold(top, name) {
			return true
		}
	}
	return false
}

// wantsExtension reports whether a top-level attribute of an extension is
// part of the response: the projection names it, a sub-attribute of it or
// the extension, or names nothing.
func (p projection) wantsExtension(urn, name string) bool {
	names := func(a schemas.Attribute) bool {
		top := a.Def.Name()
		if a.Parent != nil {
			top = a.Parent.Name()
		}
		return a.Extension && strings.EqualFold(a.SchemaURN, urn) && strings.EqualFold(top, name)
	}
	for _, a := range p.exclude {
		if names(a) && a.Parent == nil {
			return false
		}
	}
	if len(p.include) == 0 && len(p.metaInclude) == 0 {
		return true
	}
	return slices.ContainsFunc(p.include, names)
}

// apply trims a rendered resource to the projection. id and schemas are
// always returned.
func (p projection) apply(obj map[string]any) map[string]any {
	if len(p.include) == 0 && len(p.exclude) == 0 && len(p.metaInclude) == 0 && len(p.metaExclude) == 0 {
		return obj
	}
	out := obj
	if len(p.include) > 0 || len(p.metaInclude) > 0 {
		out = map[string]any{"id": obj["id"], "schemas": obj["schemas"]}
		for _, a := range p.include {
			copyPath(out, obj, a)
		}
		for _, a := range p.include {
			compactPath(out, a)
		}
		if m, ok := obj[storage.MetadataAttribute].(map[string]any); ok {
			setMetadata(out, pickMetadata(m, p.metaInclude, true))
		}
	}
	if m, ok := out[storage.MetadataAttribute].(map[string]any); ok && len(p.metaExclude) > 0 {
		setMetadata(out, pickMetadata(m, p.metaExclude, false))
	}
	for _, a := range p.exclude {
		name := strings.ToLower(a.Def.Name())
		if a.Def.Returned() == "always" || (a.Parent == nil && (name == "id" || name == "schemas")) {
			continue
		}
		deletePath(out, a)
	}
	presentSchemas(out)
	return out
}

// presentSchemas leaves out of a projected resource the extension objects
// the projection emptied, and lists in schemas the core schema and the
// extensions whose attributes are still present (RFC 7643 §3), as render
// does for a whole resource.
func presentSchemas(obj map[string]any) {
	list, _ := obj["schemas"].([]any)
	kept := make([]any, 0, len(list))
	for i, s := range list {
		urn, _ := s.(string)
		if i > 0 {
			if ext, ok := obj[urn].(map[string]any); !ok || len(ext) == 0 {
				delete(obj, urn)
				continue
			}
		}
		kept = append(kept, s)
	}
	obj["schemas"] = kept
}

// pickMetadata returns the keys of m that keys name (keep) or the others
// (!keep), in a new map; "" names them all.
func pickMetadata(m map[string]any, keys []string, keep bool) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		named := slices.ContainsFunc(keys, func(key string) bool { return key == "" || strings.EqualFold(key, k) })
		if named == keep {
			out[k] = v
		}
	}
	return out
}

// container returns the map that holds an attribute: the resource itself,
// or its extension object.
func container(obj map[string]any, a schemas.Attribute, create bool) map[string]any {
	if !a.Extension {
		return obj
	}
	ext, ok := obj[a.SchemaURN].(map[string]any)
	if !ok && create {
		ext = map[string]any{}
		obj[a.SchemaURN] = ext
	}
	return ext
}

func copyPath(dst, src map[string]any, a schemas.Attribute) {
	from := container(src, a, false)
	if from == nil {
		return
	}
	if a.Parent == nil {
		if v, ok := from[a.Def.Name()]; ok {
			container(dst, a, true)[a.Def.Name()] = v
		}
		return
	}
	v, ok := from[a.Parent.Name()]
	if !ok {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		sub, ok := v[a.Def.Name()]
		if !ok {
			return
		}
		to := container(dst, a, true)
		m, _ := to[a.Parent.Name()].(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		m[a.Def.Name()] = sub
		to[a.Parent.Name()] = m
	case []any: // a sub-attribute of every element
		to := container(dst, a, true)
		// One element per source element, so that a second sub-attribute
		// of the same attribute (emails.value,emails.type) joins the first;
		// compactPath drops the elements that received nothing.
		list, _ := to[a.Parent.Name()].([]any)
		if len(list) != len(v) {
			list = make([]any, len(v))
		}
		for i, el := range v {
			m, _ := list[i].(map[string]any)
			if m == nil {
				m = map[string]any{}
				list[i] = m
			}
			if src, ok := el.(map[string]any); ok {
				if sub, ok := src[a.Def.Name()]; ok {
					m[a.Def.Name()] = sub
				}
			}
		}
		to[a.Parent.Name()] = list
	}
}

// compactPath removes from the multi-valued attribute that holds a the
// elements copyPath left empty, and the attribute if none is left (an
// empty list is unassigned, RFC 7643 §2.5).
func compactPath(obj map[string]any, a schemas.Attribute) {
	to := container(obj, a, false)
	if to == nil || a.Parent == nil {
		return
	}
	list, ok := to[a.Parent.Name()].([]any)
	if !ok {
		return
	}
	kept := make([]any, 0, len(list))
	for _, el := range list {
		if m, ok := el.(map[string]any); !ok || len(m) > 0 {
			kept = append(kept, el)
		}
	}
	if len(kept) == 0 {
		delete(to, a.Parent.Name())
	} else {
		to[a.Parent.Name()] = kept
	}
}

func deletePath(obj map[string]any, a schemas.Attribute) {
	from := container(obj, a, false)
	if from == nil {
		return
	}
	if a.Parent == nil {
		delete(from, a.Def.Name())
		return
	}
	switch v := from[a.Parent.Name()].(type) {
	case map[string]any:
		delete(v, a.Def.Name())
	case []any:
		for _, el := range v {
			if m, ok := el.(map[string]any); ok {
				delete(m, a.Def.Name())
			}
		}
	}
}

// readOptions says which related data a read must load: a group's members
// and a user's groups only when the response includes them.
func readOptions(rt *schemas.ResourceType, attributes, excluded string) storage.GetOptions {
	p := parseProjection(rt, attributes, excluded)
	return storage.GetOptions{
		Members: rt.Name == schemas.GroupType && p.wants("members"),
		Groups:  rt.Name == schemas.UserType && p.wants("groups"),
		Apps:    rt.Name == schemas.UserType && p.wantsExtension(schemas.ScimdUserURN, schemas.AppsAttributeName),
	}
}

// deriveStatus gives a user stored before scimd kept a lifecycle status
// the status its active attribute implies. stripNever made the extension
// object a copy, so it can be changed.
func deriveStatus(rt *schemas.ResourceType, doc map[string]any) {
	for _, e := range rt.Extensions {
		if e.Schema.ID != schemas.ScimdUserURN {
			continue
		}
		ext, _ := doc[schemas.ScimdUserURN].(map[string]any)
		if _, ok := ext[schemas.AttrStatus]; ok {
			return
		}
		if ext == nil {
			ext = map[string]any{}
		}
		ext[schemas.AttrStatus] = statusOf(doc)
		doc[schemas.ScimdUserURN] = ext
		return
	}
}
