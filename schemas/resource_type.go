package schemas

import (
	"fmt"
	"strings"

	"github.com/elimity-com/scim/schema"
	"github.com/scim2/filter-parser/v2"
)

// A ResourceType is one kind of resource: its core schema and the extensions
// a resource of that kind may carry.
type ResourceType struct {
	Name       string // "User"
	Endpoint   string // "/Users"
	Schema     schema.Schema
	Extensions []Extension
	// SchemaVersion is the version of the tenant schema the type belongs
	// to (0: no tenant definition). Storage refuses writes checked against
	// a version that is no longer the tenant's.
	SchemaVersion int64
}

// An Extension is a schema extension of a resource type.
type Extension struct {
	Schema   schema.Schema
	Required bool
}

// An Attribute is an attribute definition resolved from a path, together
// with where it was found.
type Attribute struct {
	// SchemaURN is the URN of the schema that defines the attribute, or ""
	// for the common attributes (id, externalId, meta).
	SchemaURN string
	// Extension tells whether SchemaURN is one of the resource type's
	// extensions, whose values live under the URN key of a document.
	Extension bool
	// Def is the definition of the attribute itself; for a sub-attribute it
	// is the sub-attribute's definition.
	Def schema.CoreAttribute
	// Parent is the definition of the enclosing complex attribute of a
	// sub-attribute, and nil otherwise.
	Parent *schema.CoreAttribute
}

// Name returns the canonical attribute path within its schema, such as
// "userName" or "name.givenName".
func (a Attribute) Name() string {
	if a.Parent != nil {
		return a.Parent.Name() + "." + a.Def.Name()
	}
	return a.Def.Name()
}

// Key returns the attribute's canonical, lower-case key: the path for core
// and common attributes ("name.givenname"), and the URN-qualified path for
// extension attributes ("urn:…:enterprise:2.0:user:department"). Keys are
// what storage indexes values under.
func (a Attribute) Key() string {
	if a.Extension {
		return strings.ToLower(a.SchemaURN + ":" + a.Name())
	}
	return strings.ToLower(a.Name())
}

// Type returns the attribute's SCIM data type ("string", "boolean",
// "decimal", "integer", "dateTime", "reference", "binary" or "complex").
func (a Attribute) Type() string { return a.Def.AttributeType() }

// MultiValued reports whether the attribute, or the complex attribute that
// contains it, holds more than one value.
func (a Attribute) MultiValued() bool {
	return a.Def.MultiValued() || (a.Parent != nil && a.Parent.MultiValued())
}

// Schemas returns the core schema followed by every extension schema.
func (rt ResourceType) Schemas() []schema.Schema {
	out := make([]schema.Schema, 0, 1+len(rt.Extensions))
	out = append(out, rt.Schema)
	for _, e := range rt.Extensions {
		out = append(out, e.Schema)
	}
	return out
}

// An UnknownAttributeError is returned by Resolve for a path that names no
// attribute of the resource type.
type UnknownAttributeError struct{ Path string }

func (e *UnknownAttributeError) Error() string {
	return fmt.Sprintf("unknown attribute %q", e.Path)
}

// Resolve finds the attribute a filter or PATCH path names. Attribute names
// are case-insensitive (RFC 7643 §2.1). A path without a URN is looked up in
// the common attributes, then the core schema, then each extension in order.
func (rt ResourceType) Resolve(p filter.AttributePath) (Attribute, error) {
	top, err := rt.resolveTop(p)
	if err != nil {
		return Attribute{}, err
	}
	if p.SubAttribute == nil {
		return top, nil
	}
	sub, ok := top.Def.SubAttributes().ContainsAttribute(*p.SubAttribute)
	if !ok || !top.Def.HasSubAttributes() {
		return Attribute{}, &UnknownAttributeError{Path: p.String()}
	}
	parent := top.Def
	top.Parent, top.Def = &parent, sub
	return top, nil
}

// Sub resolves a sub-attribute of a complex attribute, as used inside a value
// filter such as emails[type eq "work"].
func (a Attribute) Sub(name string) (Attribute, error) {
	if a.Parent != nil || !a.Def.HasSubAttributes() {
		return Attribute{}, &UnknownAttributeError{Path: a.Name() + "." + name}
	}
	sub, ok := a.Def.SubAttributes().ContainsAttribute(name)
	if !ok {
		return Attribute{}, &UnknownAttributeError{Path: a.Name() + "." + name}
	}
	parent := a.Def
	a.Parent, a.Def = &parent, sub
	return a, nil
}

func (rt ResourceType) resolveTop(p filter.AttributePath) (Attribute, error) {
	unknown := &UnknownAttributeError{Path: p.String()}
	if uri := p.URI(); uri != "" {
		if strings.EqualFold(uri, rt.Schema.ID) {
			if a, ok := rt.Schema.Attributes.ContainsAttribute(p.AttributeName); ok {
				return Attribute{SchemaURN: rt.Schema.ID, Def: a}, nil
			}
			return Attribute{}, unknown
		}
		for _, e := range rt.Extensions {
			if strings.EqualFold(uri, e.Schema.ID) {
				if a, ok := e.Schema.Attributes.ContainsAttribute(p.AttributeName); ok {
					return Attribute{SchemaURN: e.Schema.ID, Extension: true, Def: a}, nil
				}
				return Attribute{}, unknown
			}
		}
		return Attribute{}, unknown
	}
	if a, ok := Common().ContainsAttribute(p.AttributeName); ok {
		return Attribute{Def: a}, nil
	}
	if a, ok := rt.Schema.Attributes.ContainsAttribute(p.AttributeName); ok {
		return Attribute{SchemaURN: rt.Schema.ID, Def: a}, nil
	}
	for _, e := range rt.Extensions {
		if a, ok := e.Schema.Attributes.ContainsAttribute(p.AttributeName); ok {
			return Attribute{SchemaURN: e.Schema.ID, Extension: true, Def: a}, nil
		}
	}
	return Attribute{}, unknown
}

// Walk calls fn for every attribute and sub-attribute of the core schema and
// the extensions (not the common attributes), parents before children.
func (rt ResourceType) Walk(fn func(Attribute)) {
	walk := func(urn string, ext bool, attrs schema.Attributes) {
		for _, a := range attrs {
			top := Attribute{SchemaURN: urn, Extension: ext, Def: a}
			fn(top)
			if a.HasSubAttributes() {
				parent := new(schema.CoreAttribute) // one copy shared by the sub-attributes: callers only read it
				*parent = a
				for _, s := range a.SubAttributes() {
					fn(Attribute{SchemaURN: urn, Extension: ext, Def: s, Parent: parent})
				}
			}
		}
	}
	walk(rt.Schema.ID, false, rt.Schema.Attributes)
	for _, e := range rt.Extensions {
		walk(e.Schema.ID, true, e.Schema.Attributes)
	}
}
