package scim

import (
	"slices"
	"strings"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// timeFormat renders meta timestamps: RFC 3339 in UTC, in seconds, as
// scimd has always shown them.
const timeFormat = "2006-01-02T15:04:05Z07:00"

// render is a stored resource as the client sees it: the document without
// write-only values, with id, schemas, meta, and the members of a group or
// the groups of a user when they were loaded.
func render(c *call, rt *schemas.ResourceType, res storage.Resource) map[string]any {
	out := directory.Visible(rt, res.Attributes)
	if rt.Name == schemas.UserType {
		appsOf(c, res, out)
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
		"location":     c.base + rt.Endpoint + "/" + res.ID,
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
			member := map[string]any{"value": m.Value, "type": m.Type, "$ref": c.base + endpoint + m.Value}
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
			groups[i] = map[string]any{"value": g.Value, "display": g.Display, "type": g.Type, "$ref": c.base + "/Groups/" + g.Value}
		}
		out["groups"] = groups
	}
	return out
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
		if key, ok := metadataKey(strings.TrimSpace(name)); ok {
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

// metadataKey reads a name of an attributes or excludedAttributes list
// that names a user's metadata: "metadata" (key "") or "metadata.KEY", in
// any case, with the key normalized as storage keeps it.
func metadataKey(name string) (string, bool) {
	lower := strings.ToLower(name)
	if lower == storage.MetadataAttribute {
		return "", true
	}
	if !strings.HasPrefix(lower, storage.MetadataAttribute+".") {
		return "", false
	}
	key, err := storage.NormalizeMetadataKey(name[len(storage.MetadataAttribute)+1:])
	return key, err == nil
}

// setMetadata sets a rendered user's metadata; an empty object is none.
func setMetadata(doc, m map[string]any) {
	if len(m) == 0 {
		delete(doc, storage.MetadataAttribute)
		return
	}
	doc[storage.MetadataAttribute] = m
}
