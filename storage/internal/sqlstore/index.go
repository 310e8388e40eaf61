package sqlstore

import (
	"slices"
	"strings"

	"github.com/elimity-com/scim/schema"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// A valueRow is one row of attr_values: an indexed value of a resource.
type valueRow struct {
	attr      string
	elem, pos int
	str       *string
	num       *float64
}

// columns are the values of a resource that live in columns of its table,
// and the values of its unique custom attributes.
type columns struct {
	name, nameCI string // userName or displayName
	externalID   *string
	active       *int
	unique       []uniqueRow
	meta         []metaLock // the types of a user's metadata keys
	tagKeys      []string   // the keys of a user's tags
	actors       []string   // the actorIds of a user's delegates
}

// A uniqueRow is a value of a unique extension attribute (uniqueness
// "server"): unique_values' key makes a second resource with it fail.
type uniqueRow struct {
	attr, value string
	name        string // the attribute as the schema spells it, for errors
}

// Attributes kept in columns or in the members table rather than in
// attr_values, by resource table.
func columnAttr(t table, name string) bool {
	switch strings.ToLower(name) {
	case "externalid", "id", "meta", "schemas":
		return true
	case strings.ToLower(t.nameAttr):
		return true
	}
	if t.rtype == rtypeUser {
		return strings.EqualFold(name, "active") || strings.EqualFold(name, "groups")
	}
	return strings.EqualFold(name, "members")
}

const maxNameBytes = 1024 // users.user_name_ci, groups.display_name(_ci), external_id

// extract computes the column values and index rows of a document.
func extract(t table, rt *schemas.ResourceType, doc map[string]any) (columns, []valueRow, error) {
	c, err := extractColumns(t, doc)
	if err != nil {
		return c, nil, err
	}
	ix := indexer{t: t, c: &c}
	ix.walk(rt.Schema.ID, false, rt.Schema.Attributes, doc)
	for _, e := range rt.Extensions {
		if values, ok := doc[e.Schema.ID].(map[string]any); ok {
			ix.walk(e.Schema.ID, true, e.Schema.Attributes, values)
		}
	}
	rows := ix.rows
	if t.rtype == rtypeUser {
		meta, locks, err := metadataIndex(doc)
		if err != nil {
			return c, nil, err
		}
		rows, c.meta = append(rows, meta...), locks
		if hasScimdUser(rt) {
			if err := c.scimdUser(doc); err != nil {
				return c, nil, err
			}
		}
	}
	return c, rows, nil
}

// extractColumns computes the values of a document that live in columns
// of its table: its name, externalId and (for a user) active.
func extractColumns(t table, doc map[string]any) (columns, error) {
	var c columns
	name, _ := doc[t.nameAttr].(string)
	c.name, c.nameCI = name, fold(name)
	if strings.TrimSpace(name) == "" {
		return c, &storage.ValueError{Attribute: t.nameAttr, Detail: "must not be empty"}
	}
	if len(c.nameCI) > maxNameBytes || len(name) > maxNameBytes {
		return c, &storage.ValueError{Attribute: t.nameAttr, Detail: "is longer than 1024 bytes"}
	}
	if ext, ok := doc["externalId"].(string); ok && ext != "" {
		if len(ext) > maxNameBytes {
			return c, &storage.ValueError{Attribute: "externalId", Detail: "is longer than 1024 bytes"}
		}
		c.externalID = &ext
	}
	if t.rtype == rtypeUser {
		if a, ok := doc["active"].(bool); ok {
			v := 0
			if a {
				v = 1
			}
			c.active = &v
		}
	}
	return c, nil
}

// An indexer collects the attr_values rows of a document's attributes,
// and the unique values among them in its columns.
type indexer struct {
	t    table
	c    *columns
	rows []valueRow
}

// emit adds the row of one scalar value of attribute a, stored under key.
func (ix *indexer) emit(a schemas.Attribute, key string, v any, elem, pos int) {
	r, ok := scalarRow(a.Def, key, v, elem, pos)
	if !ok {
		return
	}
	if key == phoneKey && ix.t.rtype == rtypeUser && r.str != nil {
		s := storage.NormalizePhone(*r.str)
		r.str = &s
	}
	ix.rows = append(ix.rows, r)
	// Unique values: single-valued custom attributes, each value of
	// the scimd User extension's aliases (tenants cannot define
	// multi-valued unique attributes), and each email of a tenant
	// with uniqueEmails (userName and id live in columns).
	if uniqueAttr(a) && r.str != nil {
		ix.c.addUnique(key, uniqueName(a), *r.str)
	}
}

// walk indexes the values of the attributes of one schema (urn; ext for
// an extension), found in values.
func (ix *indexer) walk(urn string, ext bool, attrs schema.Attributes, values map[string]any) {
	for i := range attrs {
		// A pointer into the schema's own list, not a copy: a copy whose
		// address sub-attributes take (Parent) is a heap allocation of a
		// large struct per attribute of the schema, on every write.
		def := &attrs[i]
		if !ext && columnAttr(ix.t, def.Name()) {
			continue
		}
		v, ok := values[def.Name()]
		if !ok || v == nil || !indexable(*def) {
			continue
		}
		a := schemas.Attribute{SchemaURN: urn, Extension: ext, Def: *def}
		key := a.Key()
		// The sort value of a multi-valued attribute (see
		// sortKeyPrefix): sortKey is the key of the values it is
		// chosen from, "" when nothing sorts the attribute.
		var pick sortPick
		sortKey := ""
		if sortDef, ok := multiSortAttr(*def); ok {
			sortKey = key
			if def.HasSubAttributes() {
				sortKey = schemas.Attribute{SchemaURN: urn, Extension: ext, Def: sortDef, Parent: def}.Key()
			}
		}
		if !def.HasSubAttributes() {
			for i, x := range elements(*def, v) {
				pos := 0
				if def.MultiValued() {
					pos = i
				}
				before := len(ix.rows)
				ix.emit(a, key, x, 0, pos)
				if sortKey != "" && len(ix.rows) > before {
					pick.offer(ix.rows[before], false)
				}
			}
		} else {
			for i, el := range elements(*def, v) {
				m, ok := el.(map[string]any)
				if !ok {
					continue
				}
				before := len(ix.rows)
				for _, sub := range def.SubAttributes() {
					sv, ok := m[sub.Name()]
					if !ok || sv == nil || !indexable(sub) {
						continue
					}
					sa := schemas.Attribute{SchemaURN: urn, Extension: ext, Def: sub, Parent: def}
					for j, x := range elements(sub, sv) {
						ix.emit(sa, sa.Key(), x, i, j)
					}
				}
				if len(ix.rows) > before { // an element with at least one value
					ix.rows = append(ix.rows, valueRow{attr: key, elem: i})
				}
				if k := slices.IndexFunc(ix.rows[before:], func(r valueRow) bool { return r.attr == sortKey }); sortKey != "" && k >= 0 {
					primary, _ := m["primary"].(bool)
					pick.offer(ix.rows[before+k], primary)
				}
			}
		}
		if r, ok := pick.sortRow(); ok {
			ix.rows = append(ix.rows, r)
		}
	}
}

// Keys of the scimd User extension's attributes in attr_values and
// unique_values.
var (
	tagKeyAttr = strings.ToLower(schemas.ScimdUserURN + ":" + schemas.AttrTags + ".key")
	linkedName = schemas.ScimdUserURN + ":" + schemas.AttrLinkedIdentities
	linkedAttr = strings.ToLower(linkedName)
)

// hasScimdUser reports whether a resource type carries the scimd User
// extension.
func hasScimdUser(rt *schemas.ResourceType) bool {
	for _, e := range rt.Extensions {
		if e.Schema.ID == schemas.ScimdUserURN {
			return true
		}
	}
	return false
}

// scimdUser checks and collects what storage keeps of the scimd User
// extension beyond the filter index: tag keys (for tag_keys), linked
// identities (unique in the tenant, for Lookup) and delegates' actors
// (which must be users of the tenant).
func (c *columns) scimdUser(doc map[string]any) error {
	keys, err := storage.UserTagKeys(doc)
	if err != nil {
		return err
	}
	c.tagKeys = keys
	slices.Sort(c.tagKeys)
	linked, err := storage.UserLinkedIdentities(doc)
	if err != nil {
		return err
	}
	for _, v := range linked {
		c.addUnique(linkedAttr, linkedName, v)
	}
	c.actors = storage.UserDelegates(doc)
	return nil
}

// uniqueAttr reports whether unique_values holds an attribute's values:
// uniqueness "server", and not a list inside a complex attribute (each
// value of a top-level list is unique, as is each element's value of a
// multi-valued complex attribute such as emails.value).
func uniqueAttr(a schemas.Attribute) bool {
	return a.Def.Uniqueness() == "server" && (!a.Def.MultiValued() || a.Parent == nil)
}

// uniqueName is an attribute's path as the schema spells it, qualified by
// its URN for extension attributes.
func uniqueName(a schemas.Attribute) string {
	if a.Extension {
		return a.SchemaURN + ":" + a.Name()
	}
	return a.Name()
}

// addUnique adds a unique value once.
func (c *columns) addUnique(attr, name, value string) {
	r := uniqueRow{attr: attr, value: value, name: name}
	if !slices.Contains(c.unique, r) {
		c.unique = append(c.unique, r)
	}
}

// indexable reports whether values of an attribute go into the filter index:
// binary values and secrets (returned "never", such as password) do not.
func indexable(def schema.CoreAttribute) bool {
	return def.AttributeType() != "binary" && def.Returned() != "never"
}

// elements returns the values of a multi-valued attribute, or the single
// value of a singular one, as a slice.
func elements(def schema.CoreAttribute, v any) []any {
	if list, ok := v.([]any); ok && def.MultiValued() {
		return list
	}
	return []any{v}
}

// scalarRow returns the index row of one simple value, or false if the value
// is empty or not of the attribute's type.
func scalarRow(def schema.CoreAttribute, key string, v any, elem, pos int) (valueRow, bool) {
	r := valueRow{attr: key, elem: elem, pos: pos}
	switch def.AttributeType() {
	case "boolean":
		b, ok := v.(bool)
		if !ok {
			return r, false
		}
		f := 0.0
		if b {
			f = 1
		}
		r.num = &f
	case "integer", "decimal":
		f, ok := number(v)
		if !ok {
			return r, false
		}
		r.num = &f
	case "dateTime":
		s, ok := v.(string)
		if !ok {
			return r, false
		}
		if s, ok = canonicalTime(s); !ok {
			return r, false
		}
		r.str = &s
	default:
		s, ok := v.(string)
		if !ok || s == "" {
			return r, false
		}
		if !def.CaseExact() {
			s = fold(s)
		}
		r.str = &s
	}
	return r, true
}
