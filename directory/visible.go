package directory

import (
	"slices"
	"strings"

	"github.com/elimity-com/scim/schema"

	"github.com/scimd/scimd/schemas"
)

// Visible returns a copy of a stored document as clients may see it: as
// SCIM responses show it (stripNever), without values that are never
// returned (password) or that the tenant's schema no longer declares, and
// for a user with its lifecycle status, derived for documents stored
// before scimd kept one (deriveStatus). Nested values are shared with doc.
func Visible(rt *schemas.ResourceType, doc map[string]any) map[string]any {
	// Room for what a door adds when it renders the document: id, schemas,
	// meta, a group's members or a user's groups.
	out := make(map[string]any, len(doc)+5)
	for k, v := range doc {
		out[k] = v
	}
	stripNever(rt, out)
	if rt.Name == schemas.UserType {
		deriveStatus(rt, out)
	}
	return out
}

// stripNever removes attributes whose definition says they are never
// returned (password), and extension values the tenant's schema no longer
// declares (a removed custom attribute, a removed extension).
func stripNever(rt *schemas.ResourceType, doc map[string]any) {
	for _, a := range rt.Schema.Attributes {
		if a.Returned() == "never" {
			delete(doc, a.Name())
		} else if v, ok := doc[a.Name()]; ok {
			doc[a.Name()] = withoutNeverSubs(a, v)
		}
	}
	declared := make(map[string]bool, len(rt.Extensions))
	for _, e := range rt.Extensions {
		declared[e.Schema.ID] = true
		ext, ok := doc[e.Schema.ID].(map[string]any)
		if !ok {
			continue
		}
		kept := make(map[string]any, len(ext))
		for _, a := range e.Schema.Attributes {
			if v, ok := ext[a.Name()]; ok && a.Returned() != "never" {
				kept[a.Name()] = withoutNeverSubs(a, v)
			}
		}
		if len(kept) == 0 {
			delete(doc, e.Schema.ID)
		} else {
			doc[e.Schema.ID] = kept
		}
	}
	for k := range doc {
		if strings.HasPrefix(k, "urn:") && !declared[k] {
			delete(doc, k)
		}
	}
}

// withoutNeverSubs returns v, a value of attribute a, without the
// sub-attributes that are never returned (a secret inside a complex or
// multi-valued complex custom attribute). It copies what it changes: the
// stored document stays whole.
func withoutNeverSubs(a schema.CoreAttribute, v any) any {
	if !a.HasSubAttributes() {
		return v
	}
	var never []string
	for _, sub := range a.SubAttributes() {
		if sub.Returned() == "never" {
			never = append(never, sub.Name())
		}
	}
	if len(never) == 0 {
		return v
	}
	strip := func(x any) any {
		m, ok := x.(map[string]any)
		if !ok {
			return x
		}
		out := make(map[string]any, len(m))
		for k, sv := range m {
			if !slices.ContainsFunc(never, func(n string) bool { return strings.EqualFold(n, k) }) {
				out[k] = sv
			}
		}
		return out
	}
	if list, ok := v.([]any); ok {
		out := make([]any, len(list))
		for i, x := range list {
			out[i] = strip(x)
		}
		return out
	}
	return strip(v)
}

// deriveStatus gives a user stored before scimd kept a lifecycle status
// the status its active attribute implies. stripNever made the extension
// object a copy, so it can be changed.
func deriveStatus(rt *schemas.ResourceType, doc map[string]any) {
	for _, e := range rt.Extensions {
		if e.Schema.ID != schemas.ScimdUserURN {
			continue
		}
		ext, _ := doc[schemas.ScimdUserURN].(map[string]any)
		if _, ok := ext[schemas.AttrStatus]; ok {
			return
		}
		if ext == nil {
			ext = map[string]any{}
		}
		ext[schemas.AttrStatus] = statusOf(doc)
		doc[schemas.ScimdUserURN] = ext
		return
	}
}
