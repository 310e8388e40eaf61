package patch

import (
	"maps"

	"github.com/elimity-com/scim/schema"

	"github.com/scimd/scimd/schemas"
)

// update applies an add or replace to a resolved target. add and replace
// differ only on a multi-valued attribute without a filter: add appends,
// replace replaces the list. Everywhere else (RFC 7644 §3.5.2.1, §3.5.2.3):
// a single value is replaced, a complex value gets the given sub-attributes
// and keeps the others, and an empty value ("" or null) clears the target.
func (a *applier) update(op string, t target, v any) error {
	switch {
	case t.schemaURN != "":
		return a.container(op, t, v)
	case a.ignored(t), t.isID():
		return nil // schemas is derived; an id that got here is the resource's own
	case isMembers(a.rt, t.attr):
		return a.updateMembers(op, t, v)
	case t.filter != nil:
		return a.updateSelected(t, v)
	case t.sub != nil:
		return a.updateSub(t, v)
	case t.attr.Def.MultiValued():
		return a.updateList(op, t, v)
	case t.attr.Def.AttributeType() == typeComplex:
		return a.updateComplex(t, v)
	}
	return a.updateSimple(t, v)
}

// updateSimple sets a single-valued simple attribute such as userName.
func (a *applier) updateSimple(t target, v any) error {
	if isEmpty(v) {
		return a.clear(t)
	}
	c, err := convert(t.attr.Def, v)
	if err != nil {
		return errInvalidValue("%s: %v", t.name, err)
	}
	if err := checkImmutable(t.attr.Def, t.name, a.get(t.attr), c); err != nil {
		return err
	}
	a.set(t.attr, c)
	return nil
}

// updateComplex merges sub-attributes into a single-valued complex
// attribute such as name or the enterprise manager.
func (a *applier) updateComplex(t target, v any) error {
	if isEmpty(v) {
		return a.clear(t)
	}
	src, err := complexValue(t.attr.Def, v)
	if err != nil {
		return errInvalidValue("%s: %v", t.name, err)
	}
	return a.mergeSingular(t, src)
}

// mergeSingular merges sub-attribute values into a single-valued complex
// attribute, creating it when absent.
func (a *applier) mergeSingular(t target, src map[string]any) error {
	cur, _ := a.get(t.attr).(map[string]any)
	if cur == nil {
		cur = map[string]any{}
	}
	if err := merge(t.attr.Def, t.name, cur, src); err != nil {
		return err
	}
	a.set(t.attr, mapValue(cur))
	return nil
}

// updateSub sets one sub-attribute: name.givenName, or emails.value, which
// sets the sub-attribute of every element (and creates an element when there
// is none).
func (a *applier) updateSub(t target, v any) error {
	src, err := subValue(*t.sub, t.name, v)
	if err != nil {
		return err
	}
	if !t.attr.Def.MultiValued() {
		return a.mergeSingular(t, src)
	}
	list := a.list(t.attr)
	if len(list) == 0 {
		if el := prune(src); len(el) > 0 {
			a.set(t.attr, []any{el})
		}
		return nil
	}
	touched := make([]int, 0, len(list))
	for i, el := range list {
		m, ok := el.(map[string]any)
		if !ok {
			continue
		}
		if err := merge(t.attr.Def, t.name, m, maps.Clone(src)); err != nil {
			return err
		}
		touched = append(touched, i)
	}
	if err := fixPrimary(t, list, touched); err != nil {
		return err
	}
	a.set(t.attr, listValue(compact(list)))
	return nil
}

// updateList adds to or replaces a multi-valued attribute. Added values
// that are already present are skipped.
func (a *applier) updateList(op string, t target, v any) error {
	if isEmpty(v) {
		if op == opAdd {
			return nil
		}
		return a.clear(t)
	}
	items, err := convertAll(t.attr.Def, v)
	if err != nil {
		return errInvalidValue("%s: %v", t.name, err)
	}
	old := a.list(t.attr)
	var list []any
	var touched []int
	if op == opAdd {
		list = old
	}
	for _, it := range items {
		if containsValue(list, it) {
			continue
		}
		touched = append(touched, len(list))
		list = append(list, it)
	}
	if len(list) == 0 {
		return a.clear(t)
	}
	if err := checkImmutable(t.attr.Def, t.name, listValue(old), list); err != nil {
		return err
	}
	if err := fixPrimary(t, list, touched); err != nil {
		return err
	}
	// An element that held only primary, lost to another one, is empty.
	if list = compact(list); len(list) == 0 {
		return a.clear(t)
	}
	a.set(t.attr, list)
	return nil
}

// updateSelected updates the elements a filter selects, as in
// emails[type eq "work"] or emails[type eq "work"].value. When none match
// and the filter is an "and" of "eq" comparisons, a new element with those
// values is added: Entra ID replaces emails[type eq "work"].value on users
// that have no work email yet. Any other filter that matches nothing is a
// noTarget error (RFC 7644 §3.5.2.3). An empty value removes the selected
// elements, or clears the selected sub-attribute.
func (a *applier) updateSelected(t target, v any) error {
	if t.sub == nil && isEmpty(v) {
		return a.removeSelected(t)
	}
	def := t.attr.Def
	var src map[string]any // what to merge into complex elements
	var simple any         // the new value of simple elements
	var err error
	switch {
	case t.sub != nil:
		src, err = subValue(*t.sub, t.name, v)
	case def.AttributeType() == typeComplex:
		src, err = complexValue(def, v)
		if err != nil {
			err = errInvalidValue("%s: %v", t.name, err)
		}
	default:
		simple, err = convert(def, v)
		if err != nil {
			err = errInvalidValue("%s: %v", t.name, err)
		}
	}
	if err != nil {
		return err
	}
	list := a.list(t.attr)
	var touched []int
	for i, el := range list {
		if !t.filter.match(el) {
			continue
		}
		switch m, isMap := el.(map[string]any); {
		case src == nil:
			list[i] = simple
		case isMap:
			if err := merge(def, t.name, m, maps.Clone(src)); err != nil {
				return err
			}
		default:
			continue // a malformed stored element; leave it alone
		}
		touched = append(touched, i)
	}
	if len(touched) == 0 {
		if t.sub != nil && src[t.sub.Def.Name()] == nil {
			return nil // clearing a sub-attribute of nothing
		}
		el, err := a.newElement(t, src, simple)
		if err != nil {
			return err
		}
		touched = append(touched, len(list))
		list = append(list, el)
	}
	if src == nil {
		list = dedupe(list)
	}
	if err := fixPrimary(t, list, touched); err != nil {
		return err
	}
	a.set(t.attr, listValue(compact(list)))
	return nil
}

// newElement builds the element an update with a filter adds when the
// filter matched nothing: the values the filter fixes plus the given ones.
func (a *applier) newElement(t target, src map[string]any, simple any) (any, error) {
	eq, ok := t.filter.equalities()
	if !ok {
		return nil, errNoTarget("%s: no element of %s matches the filter, and it does not say what a new one would hold", t.name, t.attr.Name())
	}
	if src == nil {
		if want, fixed := eq[""]; fixed && !sameValue(want, simple) {
			return nil, errNoTarget("%s: no element of %s matches the filter", t.name, t.attr.Name())
		}
		return simple, nil
	}
	el := eq
	for k, x := range src {
		el[k] = x
	}
	el = prune(el)
	if err := checkRequiredSubs(t.attr.Def, t.name, el); err != nil {
		return nil, err
	}
	return el, nil
}

// clear removes a single-valued attribute or a whole list because the new
// value is empty. A required attribute cannot be empty (invalidValue).
func (a *applier) clear(t target) error {
	if t.attr.Def.Required() {
		return errInvalidValue("%s: %s is required and cannot be set to an empty value", t.name, t.attr.Name())
	}
	if err := checkImmutable(t.attr.Def, t.name, a.get(t.attr), nil); err != nil {
		return err
	}
	a.set(t.attr, nil)
	return nil
}

// subValue returns {sub: value} for merging a sub-attribute value; an empty
// value maps to nil, which clears the sub-attribute.
func subValue(sub schemas.Attribute, path string, v any) (map[string]any, error) {
	name := sub.Def.Name()
	if isEmpty(v) {
		return map[string]any{name: nil}, nil
	}
	var c any
	var err error
	if sub.Def.MultiValued() {
		c, err = convertAll(sub.Def, v)
	} else {
		c, err = convert(sub.Def, v)
	}
	if err != nil {
		return nil, errInvalidValue("%s: %v", path, err)
	}
	return map[string]any{name: c}, nil
}

// merge writes converted sub-attribute values into a complex value: nil
// deletes a sub-attribute, anything else replaces it.
func merge(def schema.CoreAttribute, path string, dst, src map[string]any) error {
	for k, x := range src {
		sub, _ := def.SubAttributes().ContainsAttribute(k)
		key := canonKey(dst, k)
		if x == nil && sub.Required() {
			return errInvalidValue("%s: %s.%s is required and cannot be set to an empty value", path, def.Name(), k)
		}
		if err := checkImmutable(sub, path, dst[key], x); err != nil {
			return err
		}
		if x == nil {
			delete(dst, key)
		} else {
			dst[key] = x
		}
	}
	if len(dst) == 0 {
		return nil
	}
	return checkRequiredSubs(def, path, dst)
}

// checkRequiredSubs refuses a complex value that lacks a required
// sub-attribute.
func checkRequiredSubs(def schema.CoreAttribute, path string, m map[string]any) error {
	for _, sub := range def.SubAttributes() {
		if sub.Required() && sub.Mutability() != readOnly && isEmpty(lookup(m, sub.Name())) {
			return errInvalidValue("%s: %s.%s is required", path, def.Name(), sub.Name())
		}
	}
	return nil
}

// checkImmutable refuses to change an immutable value that is set. Setting
// one that is absent is allowed (RFC 7643 §2.2: "immutable" values may be
// defined once).
func checkImmutable(def schema.CoreAttribute, path string, old, next any) error {
	if def.Mutability() != immutable || isEmpty(old) || sameValue(old, next) {
		return nil
	}
	return errMutability("%s: %s is immutable; it was set when the resource was created and cannot change", path, def.Name())
}

// fixPrimary keeps at most one element with primary=true (RFC 7643 §2.4):
// when an operation set primary on an element, every other element loses
// it (RFC 7644 §3.5.2). An operation that sets primary on more than one
// element (two primary values in one list, or a path that selects several
// elements) is refused: invalidValue, as a POST or PUT body with two
// primary values is.
func fixPrimary(t target, list []any, touched []int) error {
	def := t.attr.Def
	sub, ok := def.SubAttributes().ContainsAttribute("primary")
	if !ok || sub.AttributeType() != typeBoolean {
		return nil
	}
	key := sub.Name()
	winner, n := -1, 0
	for _, i := range touched {
		if m, ok := list[i].(map[string]any); ok && lookup(m, key) == true {
			if winner < 0 {
				winner = i
			}
			n++
		}
	}
	if n > 1 {
		return errInvalidValue("%s: at most one value of %s may be primary, got %d; mark one value primary", t.name, t.attr.Name(), n)
	}
	if winner < 0 {
		return nil
	}
	for i, el := range list {
		if m, ok := el.(map[string]any); ok && i != winner && lookup(m, key) == true {
			delete(m, canonKey(m, key))
		}
	}
	return nil
}

// containsValue reports whether list holds a value equal to v.
func containsValue(list []any, v any) bool {
	for _, x := range list {
		if sameValue(x, v) {
			return true
		}
	}
	return false
}

// dedupe drops repeated values from a list of simple values.
func dedupe(list []any) []any {
	out := list[:0]
	for _, x := range list {
		if !containsValue(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// mapValue is the stored form of a complex value: nil when it is empty.
func mapValue(m map[string]any) any {
	if len(m) == 0 {
		return nil
	}
	return m
}
