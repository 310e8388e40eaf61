package sqlstore

import (
	"errors"
	"slices"
	"strings"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// sortLocation resolves a sortBy attribute to where its sort value is held,
// or returns a sort error (storage.NewSortError) that says why the
// attribute cannot be sorted by. A multi-valued attribute sorts by the value
// of its primary element, else its first value (RFC 7644 §3.4.2.3), which
// attr_values holds under the sort key of its values (see sortKeyPrefix):
// "emails" and "emails.value" sort alike.
func (tr *translator) sortLocation(p filter.AttributePath) (location, error) {
	path := p.String()
	if tr.t.rtype == rtypeUser && p.URIPrefix == nil && strings.EqualFold(p.AttributeName, storage.MetadataAttribute) {
		return location{}, storage.NewSortError("cannot sort by %q: metadata is schemaless and holds no sort values; sort by an attribute of the User schema", path)
	}
	a, err := tr.rt.Resolve(p)
	if err != nil {
		return location{}, storage.NewSortError("cannot sort by %q: it is not an attribute of %s", path, tr.rt.Name)
	}
	if a.Def.Returned() == "never" {
		return location{}, storage.NewSortError("cannot sort by %q: it is write-only (returned \"never\"), so it is not indexed, and an order by it would disclose its values", path)
	}
	if a.Type() == "binary" {
		return location{}, storage.NewSortError("cannot sort by %q: binary values have no order", path)
	}
	top := a
	if a.Parent != nil {
		top.Def, top.Parent = *a.Parent, nil
	}
	root := strings.ToLower(top.Def.Name())
	switch {
	case !top.Extension && tr.t.rtype == rtypeUser && root == "groups":
		return location{}, storage.NewSortError("cannot sort by %q: a user's groups have no order; sort by an attribute of the user", path)
	case !top.Extension && tr.t.rtype == rtypeGroup && root == "members":
		return location{}, storage.NewSortError("cannot sort by %q: a group's members have no order; sort by an attribute of the group, such as displayName", path)
	case !top.Extension && root == "schemas":
		return location{}, storage.NewSortError("cannot sort by %q: it lists the resource's schema URIs, which have no order", path)
	case !top.Extension && root == "meta" && !slices.Contains([]string{"meta.created", "meta.lastmodified", "meta.resourcetype"}, strings.ToLower(a.Name())):
		return location{}, storage.NewSortError("cannot sort by %q: of meta, sort by meta.created or meta.lastModified", path)
	case top.Extension && tr.t.rtype == rtypeUser && strings.EqualFold(top.SchemaURN, storage.AppsURN) && root == strings.ToLower(storage.AppsAttribute):
		return location{}, storage.NewSortError("cannot sort by %q: a user's apps have no order; sort by an attribute of the user", path)
	case top.Def.MultiValued():
		return tr.multiSortLocation(path, a, top)
	case a.Def.MultiValued():
		return location{}, storage.NewSortError("cannot sort by %q: it is a list inside the complex attribute %s; sort by a single-valued attribute or by a multi-valued attribute's value", path, top.Name())
	case a.Def.HasSubAttributes():
		for _, sub := range a.Def.SubAttributes() {
			if !sub.MultiValued() && !sub.HasSubAttributes() && indexable(sub) && sub.AttributeType() != "binary" {
				return location{}, storage.NewSortError("cannot sort by %q: it is complex; sort by one of its sub-attributes, such as %s.%s", path, path, sub.Name())
			}
		}
		return location{}, storage.NewSortError("cannot sort by %q: it is complex and has no sub-attribute that can be sorted by", path)
	}
	loc, err := tr.locate(p)
	if fe, ok := errors.AsType[*storage.FilterError](err); ok {
		return location{}, storage.NewSortError("cannot sort by %q: %s", path, fe.Detail)
	}
	return loc, err
}

// multiSortLocation resolves a sort by the multi-valued attribute top, or
// by a, one of its sub-attributes, to the attribute's sort value.
func (tr *translator) multiSortLocation(path string, a, top schemas.Attribute) (location, error) {
	def, ok := multiSortAttr(top.Def)
	if !ok {
		return location{}, storage.NewSortError("cannot sort by %q: a multi-valued attribute sorts by the value of its primary (else first) element, and %s has no value that can be sorted by", path, top.Name())
	}
	value := top
	if top.Def.HasSubAttributes() {
		if a.Parent != nil && !strings.EqualFold(a.Def.Name(), def.Name()) {
			return location{}, storage.NewSortError("cannot sort by %q: a multi-valued attribute sorts by the value of its primary (else first) element; sort by %s.%s", path, top.Name(), def.Name())
		}
		parent := top.Def
		value.Def, value.Parent = def, &parent
	}
	return location{kind: locValues, key: sortKeyPrefix + value.Key(), typ: value.Type(), fold: !def.CaseExact(),
		multi: true, attr: value, path: path}, nil
}
