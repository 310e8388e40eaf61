package patch

import (
	"errors"
	"strings"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/directory/internal/filtertext"
	"github.com/scimd/scimd/schemas"
)

// A target is what the path of an operation selects.
type target struct {
	// name is the path as written, for error details.
	name string
	// schemaURN is set when the path names a whole schema (an extension
	// container such as "urn:…:enterprise:2.0:User"); the other fields are
	// then empty.
	schemaURN string
	// attr is the top-level attribute the path starts with.
	attr schemas.Attribute
	// filter selects elements of a multi-valued attribute, or is nil.
	filter *cond
	// sub is the sub-attribute the path ends with, or nil.
	sub *schemas.Attribute
}

// errUnknown reports a path that names no attribute of the resource type.
// Explicit paths turn it into invalidPath; keys of a path-less value that
// name no attribute are ignored, as unknown attributes are on POST.
var errUnknown = errors.New("unknown attribute")

// parseKey parses a key of a path-less value. Extension containers are
// recognized before parsing: the filter grammar reads a bare URN such as
// "urn:…:enterprise:2.0:User" as attribute "User" of schema "urn:…:2.0".
func (a *applier) parseKey(key string) (target, error) {
	if urn, ok := a.schemaURN(key); ok {
		return target{name: key, schemaURN: urn}, nil
	}
	p, err := parsePath(key)
	if err != nil {
		return target{}, errInvalidPath("%q is not an attribute path", key)
	}
	return a.resolve(p, key)
}

// parsePath parses a path-less value's key. Plain keys such as "userName",
// "name.givenName" or "urn:…:User:employeeNumber" are split by hand: the
// filter grammar's parser costs a few hundred microseconds per key. Keys
// with a filter, and anything unusual, go to filter.ParsePath.
func parsePath(key string) (filter.Path, error) {
	key = strings.TrimSpace(key)
	if p, ok := schemas.SplitPlainPath(key); ok {
		return p, nil
	}
	return filter.ParsePath([]byte(filtertext.UpperHexEscapes(key)))
}

// parseKeyIn parses a key inside the object of a schema container. Keys of
// an extension's object name attributes of that extension.
func (a *applier) parseKeyIn(key, urn string) (target, error) {
	p, err := parsePath(key)
	if err != nil {
		return target{}, errInvalidPath("%q in %s is not an attribute path", key, urn)
	}
	if urn != a.rt.Schema.ID {
		p = qualify(p, urn)
	}
	return a.resolve(p, key)
}

// schemaURN reports whether s names the core schema or an extension of the
// resource type, case-insensitively, and returns its canonical URN.
func (a *applier) schemaURN(s string) (string, bool) {
	for _, sc := range a.rt.Schemas() {
		if strings.EqualFold(s, sc.ID) {
			return sc.ID, true
		}
	}
	return "", false
}

// resolve finds the attribute definitions a parsed path names and compiles
// its value filter.
func (a *applier) resolve(p filter.Path, name string) (target, error) {
	ap := p.AttributePath
	if uri := ap.URI(); uri != "" {
		// "urn:…:2.0:User" parses as attribute "User" of schema "urn:…:2.0";
		// "urn:…:2.0:User.department" (Entra's legacy separator) as its
		// sub-attribute "department".
		if urn, ok := a.schemaURN(uri + ":" + ap.AttributeName); ok {
			if ap.SubAttribute == nil && p.ValueExpression == nil && p.SubAttribute == nil {
				return target{name: name, schemaURN: urn}, nil
			}
			if ap.SubAttribute != nil {
				ap = filter.AttributePath{URIPrefix: &urn, AttributeName: *ap.SubAttribute}
			}
		}
	}
	if ap.SubAttribute != nil && (p.ValueExpression != nil || p.SubAttribute != nil) {
		return target{}, errInvalidPath("%s: a filter or sub-attribute must follow the attribute name, as in emails[type eq \"work\"].value", name)
	}
	top, err := a.rt.Resolve(filter.AttributePath{URIPrefix: ap.URIPrefix, AttributeName: ap.AttributeName})
	if err != nil {
		return target{}, errUnknown
	}
	t := target{name: name, attr: top}
	subName := ap.SubAttributeName()
	if subName == "" {
		subName = p.SubAttributeName()
	}
	if subName != "" {
		sub, err := top.Sub(subName)
		if err != nil {
			return target{}, errUnknown
		}
		t.sub = &sub
	}
	if p.ValueExpression != nil {
		if !top.Def.MultiValued() {
			return target{}, errInvalidPath("%s: %s is single-valued; a [filter] only selects elements of a multi-valued attribute", name, top.Name())
		}
		c, err := compile(top, p.ValueExpression, name)
		if err != nil {
			return target{}, err
		}
		t.filter = c
	}
	return t, nil
}

// qualify returns a path of a key inside an extension container: the key
// with the container's URN as its schema.
func qualify(p filter.Path, urn string) filter.Path {
	if p.AttributePath.URIPrefix == nil {
		p.AttributePath.URIPrefix = &urn
	}
	return p
}

// readOnlyPart returns the name of the read-only attribute or sub-attribute
// a target writes, or "".
func (t target) readOnlyPart() string {
	if t.sub != nil && t.sub.Def.Mutability() == readOnly {
		return t.sub.Def.Name()
	}
	if t.attr.Def.Mutability() == readOnly {
		return t.attr.Name()
	}
	return ""
}
