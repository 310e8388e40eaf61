package patch

import (
	"strings"

	"github.com/scimd/scimd/schemas"
)

// The working document is reached only through get and set, which know that
// extension attributes live in an object under their schema URN and that
// stored keys should be canonical but might not be.

// get returns the value of a top-level attribute, or nil.
func (a *applier) get(attr schemas.Attribute) any {
	h := a.holder(attr, false)
	if h == nil {
		return nil
	}
	return h[canonKey(h, attr.Def.Name())]
}

// set stores the value of a top-level attribute; nil removes it, and an
// extension object left empty is removed too.
func (a *applier) set(attr schemas.Attribute, v any) {
	h := a.holder(attr, v != nil)
	if h == nil {
		return
	}
	key := canonKey(h, attr.Def.Name())
	if v == nil {
		delete(h, key)
		if attr.Extension && len(h) == 0 {
			delete(a.doc, attr.SchemaURN)
		}
		return
	}
	h[key] = v
}

// holder returns the object that holds a top-level attribute: the document
// itself, or the extension's object, created when create is set.
func (a *applier) holder(attr schemas.Attribute, create bool) map[string]any {
	if !attr.Extension {
		return a.doc
	}
	key := canonKey(a.doc, attr.SchemaURN)
	h, ok := a.doc[key].(map[string]any)
	if !ok {
		if !create {
			return nil
		}
		h = map[string]any{}
		a.doc[key] = h
	}
	return h
}

// list returns the elements of a multi-valued attribute.
func (a *applier) list(attr schemas.Attribute) []any {
	v := a.get(attr)
	if isEmpty(v) {
		return nil
	}
	return asList(v)
}

// canonKey returns name after renaming a key of m that differs from it only
// in case, so that later reads and writes use the canonical spelling.
func canonKey(m map[string]any, name string) string {
	if _, ok := m[name]; ok {
		return name
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			delete(m, k)
			m[name] = v
			break
		}
	}
	return name
}

// compact drops elements left empty, such as an email whose only
// sub-attribute was removed.
func compact(list []any) []any {
	out := list[:0]
	for _, el := range list {
		if !isEmptyDeep(el) {
			out = append(out, el)
		}
	}
	return out
}

// listValue is the stored form of a list: nil when it is empty.
func listValue(list []any) any {
	if len(list) == 0 {
		return nil
	}
	return list
}
