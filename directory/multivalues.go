package directory

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/elimity-com/scim/schema"

	"github.com/scimd/scimd/schemas"
)

// checkMultiValues refuses a document a write would store (doc) when one
// of its multi-valued attributes, or a multi-valued sub-attribute of one
// of their elements, holds more than limit values: each value is a set of
// index rows, and a resource with tens of thousands of them held the
// SQLite writer for seconds on every write. The members of a group are
// not counted (documents do not hold them; the SCIM API's MaxPatchMembers
// bounds a request's). prev is the stored document, nil on a create: an
// attribute the write leaves exactly as stored is not checked, so that a
// resource stored under a higher limit can still change its other
// attributes. Nothing has been written when it refuses.
func checkMultiValues(rt *schemas.ResourceType, doc, prev map[string]any, limit int) error {
	if limit <= 0 {
		return nil
	}
	core := rt.Schema.Attributes
	if rt.Name == schemas.GroupType {
		core = slices.DeleteFunc(slices.Clone(core), func(a schema.CoreAttribute) bool { return strings.EqualFold(a.Name(), "members") })
	}
	if err := checkSchemaValues("", core, doc, prev, limit); err != nil {
		return err
	}
	for _, e := range rt.Extensions {
		k, ok := keyOf(doc, e.Schema.ID)
		if !ok {
			continue
		}
		values, _ := doc[k].(map[string]any)
		var old map[string]any
		if pk, ok := keyOf(prev, e.Schema.ID); ok {
			old, _ = prev[pk].(map[string]any)
		}
		if err := checkSchemaValues(e.Schema.ID+":", e.Schema.Attributes, values, old, limit); err != nil {
			return err
		}
	}
	return nil
}

// checkSchemaValues is checkMultiValues for the attributes of one schema;
// prefix qualifies the attribute names in errors.
func checkSchemaValues(prefix string, attrs []schema.CoreAttribute, doc, prev map[string]any, limit int) error {
	for _, a := range attrs {
		if !a.MultiValued() {
			continue
		}
		k, ok := keyOf(doc, a.Name())
		if !ok {
			continue
		}
		list, _ := doc[k].([]any)
		over := len(list) > limit
		subs := 0 // the most values a multi-valued sub-attribute has in one element
		var sub string
		for _, el := range list {
			m, _ := el.(map[string]any)
			for _, s := range a.SubAttributes() {
				if !s.MultiValued() {
					continue
				}
				if sk, ok := keyOf(m, s.Name()); ok {
					if l, _ := m[sk].([]any); len(l) > subs {
						subs, sub = len(l), s.Name()
					}
				}
			}
		}
		if !over && subs <= limit {
			continue
		}
		if pk, ok := keyOf(prev, a.Name()); ok && sameJSON(prev[pk], doc[k]) {
			continue // stored so: this write does not change it
		}
		if over {
			return tooManyValues(prefix+a.Name(), len(list), limit)
		}
		return tooManyValues(prefix+a.Name()+"."+sub, subs, limit)
	}
	return nil
}

func tooManyValues(attr string, n, limit int) error {
	return &Error{Kind: Invalid, Type: TypeInvalidValue, Attribute: attr,
		Detail: "the attribute " + attr + " has " + strconv.Itoa(n) + " values; the limit is " + strconv.Itoa(limit) +
			" values per multi-valued attribute: remove " + strconv.Itoa(n-limit) + " of them"}
}

// sameJSON reports whether two decoded JSON values encode alike.
func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}
