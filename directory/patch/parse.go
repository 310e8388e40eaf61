package patch

import (
	"errors"
	"strings"

	scimerrors "github.com/elimity-com/scim/errors"
	scimfilter "github.com/elimity-com/scim/filter"
	"github.com/elimity-com/scim/schema"
	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
)

// An Operation is one PATCH operation as Parse reads it: Op in lower
// case, Path parsed (nil when the operation has none), and Value decoded
// with json.Number numbers, checked against the attribute the path names.
type Operation struct {
	Op    string
	Path  *filter.Path
	Value any
}

// Parse reads the operations of a PATCH request, each a decoded JSON
// object {"op", "path", "value"} (member names in any case), and checks
// them against rt's schemas: the path must name an attribute of the core
// schema, the common attributes or an extension; the value must have the
// attribute's type, and comes back in the form Apply takes (a multi-valued
// attribute's value as a list, unless the path selects one element;
// read-only sub-attributes dropped). A path-less value may repeat the
// resource's id under "id", which Parse drops (Okta sends it).
//
// Errors are scimerrors.ScimError values: invalidPath for an operation
// that is not an object or a path that names nothing, invalidValue for a
// value of the wrong type or an unknown op, noTarget for a remove without
// a path. The checks are those of github.com/elimity-com/scim's PATCH
// validation (MIT License), which scimd used before it parsed requests
// itself.
func Parse(rt *schemas.ResourceType, ops []any) ([]Operation, error) {
	core, exts := schemas.WithExternalID(rt.Schema), make([]schema.Schema, 0, len(rt.Extensions))
	for _, e := range rt.Extensions {
		exts = append(exts, e.Schema)
	}
	out := make([]Operation, 0, len(ops))
	for _, raw := range ops {
		v, err := newValidator(raw, core, exts)
		if err != nil {
			return nil, scimerrors.ScimErrorInvalidPath
		}
		value, err := v.validate()
		if err != nil {
			if se, ok := errors.AsType[*scimerrors.ScimError](err); ok {
				return nil, *se
			}
			return nil, scimerrors.ScimErrorInvalidValue
		}
		out = append(out, Operation{Op: v.op, Path: v.path, Value: value})
	}
	return out, nil
}

// A validator checks one operation against the resource type's schemas.
type validator struct {
	op      string
	path    *filter.Path
	value   any
	schema  schema.Schema
	schemas map[string]schema.Schema // by URN, the core schema included
}

// newValidator reads one decoded operation. Members are matched without
// regard to case, as encoding/json matches struct fields.
func newValidator(raw any, core schema.Schema, exts []schema.Schema) (validator, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return validator{}, errors.New("an operation must be an object")
	}
	var op, path string
	var value any
	for k, v := range m {
		switch strings.ToLower(k) {
		case "op":
			if op, ok = stringOrNull(v); !ok {
				return validator{}, errors.New("op must be a string")
			}
		case "path":
			if path, ok = stringOrNull(v); !ok {
				return validator{}, errors.New("path must be a string")
			}
		case "value":
			value = v
		}
	}
	if obj, ok := value.(map[string]any); ok {
		// Okta sends the resource's id in the value of a path-less
		// operation; it is never an attribute to change.
		id := ""
		for k := range obj {
			if strings.EqualFold(k, "id") {
				if id != "" {
					return validator{}, errors.New("duplicate id attributes")
				}
				id = k
			}
		}
		delete(obj, id)
	}
	v := validator{op: strings.ToLower(op), value: value, schema: core, schemas: map[string]schema.Schema{core.ID: core}}
	for _, e := range exts {
		v.schemas[e.ID] = e
	}
	if path != "" {
		p, err := parseOpPath(path, core, exts)
		if err != nil {
			return validator{}, err
		}
		v.path = &p
	}
	return v, nil
}

// parseOpPath parses and checks an operation's path. A plain path
// ([urn:…:]attr[.sub]) that names an attribute of one of the schemas is
// split by hand (the filter grammar's parser costs some 100µs a path, a
// tenth of a whole PATCH); anything else, and every error, goes through
// the schema library's path validator as before.
func parseOpPath(path string, core schema.Schema, exts []schema.Schema) (filter.Path, error) {
	if p, ok := schemas.SplitPlainPath(path); ok && plainPathValid(p.AttributePath, core, exts) {
		return p, nil
	}
	pv, err := scimfilter.NewPathValidator(path, core, exts...)
	if err != nil {
		return filter.Path{}, err
	}
	if err := pv.Validate(); err != nil {
		return filter.Path{}, err
	}
	return pv.Path(), nil
}

// plainPathValid reports whether the schema library's path validator
// accepts a path without a value filter: its URN, when it has one, is one
// of the schemas', which has the attribute (and its sub-attribute).
func plainPathValid(ap filter.AttributePath, core schema.Schema, exts []schema.Schema) bool {
	ok := func(s schema.Schema) bool {
		if uri := ap.URI(); uri != "" && uri != s.ID {
			return false
		}
		attr, found := s.Attributes.ContainsAttribute(ap.AttributeName)
		if !found {
			return false
		}
		if sub := ap.SubAttributeName(); sub != "" {
			if !attr.HasSubAttributes() {
				return false
			}
			_, found = attr.SubAttributes().ContainsAttribute(sub)
		}
		return found
	}
	if ok(core) {
		return true
	}
	for _, e := range exts {
		if ok(e) {
			return true
		}
	}
	return false
}

// stringOrNull reads a JSON string member; null reads as "".
func stringOrNull(v any) (string, bool) {
	if v == nil {
		return "", true
	}
	s, ok := v.(string)
	return s, ok
}

// validate checks the operation and returns its value as Apply takes it.
func (v validator) validate() (any, error) {
	switch v.op {
	case opAdd, opReplace:
		return v.validateUpdate()
	case opRemove:
		return v.validateRemove()
	}
	return nil, errors.New("invalid op: " + v.op)
}

// attribute returns the definition an attribute path names.
func (v validator) attribute(p filter.AttributePath) (*schema.CoreAttribute, error) {
	ref := v.schema
	if uri := p.URI(); uri != "" {
		var ok bool
		if ref, ok = v.schemas[uri]; !ok {
			return nil, errors.New("invalid uri prefix: " + uri)
		}
	}
	var attr *schema.CoreAttribute
	for _, a := range ref.Attributes {
		if strings.EqualFold(a.Name(), p.AttributeName) {
			attr = &a
			break
		}
	}
	if attr == nil {
		return nil, errors.New("no such attribute")
	}
	if sub := p.SubAttributeName(); sub != "" {
		return subAttribute(attr, sub)
	}
	return attr, nil
}

// subAttribute returns the sub-attribute name of attr.
func subAttribute(attr *schema.CoreAttribute, name string) (*schema.CoreAttribute, error) {
	for _, a := range attr.SubAttributes() {
		if strings.EqualFold(a.Name(), name) {
			return &a, nil
		}
	}
	return nil, errors.New("no such sub-attribute: " + name)
}

// validateUpdate checks an add or replace (RFC 7644 §3.5.2.1, §3.5.2.3).
func (v validator) validateUpdate() (any, error) {
	if v.value == nil {
		return nil, errors.New("an add or replace operation must have a value")
	}
	if v.path == nil {
		return v.validatePathless()
	}
	attr, err := v.attribute(v.path.AttributePath)
	if err != nil {
		return nil, err
	}
	if v.path.ValueExpression != nil {
		ref := schema.Schema{Attributes: attr.SubAttributes()}
		if err := scimfilter.NewFilterValidator(v.path.ValueExpression, ref).Validate(); err != nil {
			return nil, err
		}
	}
	if sub := v.path.SubAttributeName(); sub != "" {
		if attr, err = subAttribute(attr, sub); err != nil {
			return nil, err
		}
	}
	return v.values(attr, v.path.ValueExpression == nil)
}

// validateRemove checks a remove (RFC 7644 §3.5.2.2).
func (v validator) validateRemove() (any, error) {
	if v.path == nil {
		return nil, &scimerrors.ScimErrorNoTarget
	}
	attr, err := v.attribute(v.path.AttributePath)
	if err != nil {
		return nil, err
	}
	if v.path.ValueExpression != nil {
		ref := schema.Schema{Attributes: scimfilter.MultiValuedFilterAttributes(*attr)}
		if err := scimfilter.NewFilterValidator(v.path.ValueExpression, ref).Validate(); err != nil {
			return nil, err
		}
	}
	if sub := v.path.SubAttributeName(); sub != "" {
		if attr, err = subAttribute(attr, sub); err != nil {
			return nil, err
		}
	}
	if v.value == nil {
		return nil, nil
	}
	return v.values(attr, true)
}

// values checks the value of an attribute: one value, or for a
// multi-valued attribute a list, or one value that wrap puts in a list.
func (v validator) values(attr *schema.CoreAttribute, wrap bool) (any, error) {
	if !attr.MultiValued() {
		return singular(attr, v.value)
	}
	if list, ok := v.value.([]any); ok {
		var out []any
		for _, el := range list {
			x, err := singular(attr, el)
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, nil
	}
	x, err := singular(attr, v.value)
	if err != nil || !wrap {
		return x, err
	}
	return []any{x}, nil
}

// singular checks one value with the schema library.
func singular(attr *schema.CoreAttribute, v any) (any, error) {
	x, serr := attr.ValidateSingular(v)
	if serr != nil {
		return nil, serr
	}
	return x, nil
}

// validatePathless checks a path-less add or replace: every key of the
// value is an attribute path of its own, or the URN of an extension whose
// attributes it holds.
func (v validator) validatePathless() (any, error) {
	attrs, ok := v.value.(map[string]any)
	if !ok {
		return nil, errors.New("without a path the value must be an object")
	}
	out := map[string]any{}
	for k, value := range attrs {
		if ext, ok := v.schemas[k]; ok {
			obj, ok := value.(map[string]any)
			if !ok {
				return nil, errors.New("the value of " + k + " must be an object")
			}
			inner := validator{op: v.op, value: obj, schema: ext, schemas: v.schemas}
			x, err := inner.validatePathless()
			if err != nil {
				return nil, err
			}
			out[k] = x
			continue
		}
		p, err := filter.ParsePath([]byte(k))
		if err != nil {
			return nil, errors.New("invalid attribute path: " + k)
		}
		inner := validator{op: v.op, path: &p, value: value, schema: v.schema, schemas: v.schemas}
		x, err := inner.validate()
		if err != nil {
			return nil, err
		}
		out[k] = x
	}
	return out, nil
}
