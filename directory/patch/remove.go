package patch

import (
	"strings"

	"github.com/elimity-com/scim/schema"
)

// remove applies a remove operation (RFC 7644 §3.5.2.2). Removing what is
// not there, or with a filter that matches nothing, changes nothing and is
// not an error. Removing a required attribute is a mutability error, as the
// RFC asks.
func (a *applier) remove(t target, v any) error {
	switch {
	case t.schemaURN != "":
		return a.removeSchema(t)
	case a.ignored(t):
		return nil
	case isMembers(a.rt, t.attr):
		return a.removeMembers(t, v)
	case t.filter != nil:
		return a.removeSelected(t)
	case t.sub != nil:
		return a.removeSub(t)
	case v != nil && t.attr.Def.MultiValued():
		return a.removeValues(t, v)
	}
	if t.attr.Def.Required() {
		return errMutability("%s: %s is required and cannot be removed", t.name, t.attr.Name())
	}
	if err := checkImmutable(t.attr.Def, t.name, a.get(t.attr), nil); err != nil {
		return err
	}
	a.set(t.attr, nil)
	return nil
}

// removeSelected removes the elements a filter selects, or with a
// sub-attribute (emails[type eq "work"].display) that sub-attribute of them.
func (a *applier) removeSelected(t target) error {
	list := a.list(t.attr)
	out := list[:0:0]
	for _, el := range list {
		if !t.filter.match(el) {
			out = append(out, el)
			continue
		}
		if t.sub == nil {
			continue
		}
		if err := a.removeSubOf(t, el); err != nil {
			return err
		}
		out = append(out, el)
	}
	return a.setList(t, compact(out))
}

// removeSub removes a sub-attribute: from the complex value (name.givenName)
// or from every element (emails.display).
func (a *applier) removeSub(t target) error {
	if !t.attr.Def.MultiValued() {
		cur, _ := a.get(t.attr).(map[string]any)
		if err := a.removeSubOf(t, cur); err != nil {
			return err
		}
		a.set(t.attr, mapValue(cur))
		return nil
	}
	list := a.list(t.attr)
	for _, el := range list {
		if err := a.removeSubOf(t, el); err != nil {
			return err
		}
	}
	return a.setList(t, compact(list))
}

// removeSubOf removes the target's sub-attribute from one complex value.
func (a *applier) removeSubOf(t target, el any) error {
	sub := t.sub.Def
	if sub.Required() {
		return errMutability("%s: %s.%s is required and cannot be removed", t.name, t.attr.Name(), sub.Name())
	}
	m, ok := el.(map[string]any)
	if !ok {
		return nil
	}
	key := canonKey(m, sub.Name())
	if err := checkImmutable(sub, t.name, m[key], nil); err != nil {
		return err
	}
	delete(m, key)
	return nil
}

// removeValues removes the listed values from a multi-valued attribute: a
// remove with a path and a value, which Entra ID sends for group members and
// which is read the same way for any list. A complex value selects the
// elements whose sub-attributes equal all of the ones it gives.
func (a *applier) removeValues(t target, v any) error {
	items, err := convertAll(t.attr.Def, v)
	if err != nil {
		return errInvalidValue("%s: %v", t.name, err)
	}
	list := a.list(t.attr)
	out := list[:0:0]
	for _, el := range list {
		if !coveredBy(t.attr.Def, el, items) {
			out = append(out, el)
		}
	}
	return a.setList(t, out)
}

// coveredBy reports whether an element equals one of the given values: for
// complex values, in every sub-attribute the value gives.
func coveredBy(def schema.CoreAttribute, el any, items []any) bool {
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			if equalFor(def, el, it) {
				return true
			}
			continue
		}
		e, ok := el.(map[string]any)
		if !ok || len(m) == 0 {
			continue
		}
		all := true
		for k, want := range m {
			sub, _ := def.SubAttributes().ContainsAttribute(k)
			if !equalFor(sub, lookup(e, k), want) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// equalFor compares two values of an attribute; strings compare
// case-insensitively unless the attribute is caseExact.
func equalFor(def schema.CoreAttribute, a, b any) bool {
	if sa, ok := a.(string); ok && !def.CaseExact() {
		if sb, ok := b.(string); ok {
			return strings.EqualFold(sa, sb)
		}
	}
	return sameValue(a, b)
}

// setList stores a list after a remove; a required attribute cannot become
// empty.
func (a *applier) setList(t target, list []any) error {
	if len(list) == 0 && t.attr.Def.Required() && len(a.list(t.attr)) > 0 {
		return errMutability("%s: %s is required and cannot lose all its values", t.name, t.attr.Name())
	}
	a.set(t.attr, listValue(list))
	return nil
}

// removeSchema removes all attributes of an extension:
// remove "urn:…:enterprise:2.0:User".
func (a *applier) removeSchema(t target) error {
	if t.schemaURN == a.rt.Schema.ID {
		return errMutability("%s: the core schema of a resource cannot be removed", t.name)
	}
	for _, e := range a.rt.Extensions {
		if e.Schema.ID != t.schemaURN {
			continue
		}
		if e.Required {
			return errMutability("%s: the extension is required for every %s", t.name, a.rt.Name)
		}
		ext, _ := a.doc[canonKey(a.doc, t.schemaURN)].(map[string]any)
		for _, attr := range e.Schema.Attributes {
			if attr.Required() {
				return errMutability("%s: its attribute %s is required and cannot be removed", t.name, attr.Name())
			}
			if err := checkImmutable(attr, t.name, lookup(ext, attr.Name()), nil); err != nil {
				return err
			}
		}
	}
	delete(a.doc, canonKey(a.doc, t.schemaURN))
	return nil
}
