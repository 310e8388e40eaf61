package directory

import (
	"strings"
	"time"

	"github.com/elimity-com/scim/schema"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// completeUser applies the rules of a user write to doc, the user's new
// document, against the stored one (cur, nil on create): the lifecycle,
// verification, profile, password-policy and tag checks of prepareUser,
// the password hash, and the metadata the request set (meta) or, for a
// replace without it, the stored metadata. doc is changed in place and
// must not share maps or slices with cur.
func (s *Service) completeUser(doc, cur map[string]any, meta *metadataRequest, w userWrite, now time.Time) error {
	if err := prepareUser(doc, cur, w, now, s.minPassword); err != nil {
		return err
	}
	if err := hashPassword(doc, cur); err != nil {
		return err
	}
	switch old, ok := cur[storage.MetadataAttribute].(map[string]any); {
	case meta != nil:
		setMetadata(doc, meta.value)
	case ok && w == writeReplace:
		// A PUT body without metadata keeps it, as it keeps the password:
		// clients that PUT whole users (Okta) do not know it.
		setMetadata(doc, old)
	}
	return nil
}

// hasContact reports whether a user document has an email or a phone
// number with a value.
func hasContact(doc map[string]any) bool {
	for _, attr := range []string{"emails", "phoneNumbers"} {
		list, _ := doc[attr].([]any)
		for _, el := range list {
			if m, ok := el.(map[string]any); ok {
				if v, _ := m["value"].(string); strings.TrimSpace(v) != "" {
					return true
				}
			}
		}
	}
	return false
}

// errNoContact refuses a user without an email or phone number, where a
// door asks for one (WriteOptions.RequireContact).
var errNoContact = &Error{Kind: Invalid, Type: TypeInvalidValue, Attribute: "emails",
	Detail: "a user needs at least one email (emails[].value) or phone number (phoneNumbers[].value)"}

// mergeUser returns the stored user's (cur) document after a JSON merge
// patch (RFC 7396) of the document as clients see it (Visible): null
// removes a member, objects merge, anything else replaces. Values clients
// never see are kept unless the patch names them (keepHidden); the
// password may be set, never read. The result is a body for readDocument.
func mergeUser(rt *schemas.ResourceType, patch, cur map[string]any) (map[string]any, error) {
	if k, ok := keyOf(patch, schemas.ScimdUserURN); ok {
		// The rest of the extension may go with its status, and an
		// extension left empty reads as one the patch removed (which
		// keeps the status), so a removed status is caught here.
		if ext, _ := patch[k].(map[string]any); ext != nil {
			if sk, ok := keyOf(ext, schemas.AttrStatus); ok && (ext[sk] == nil || ext[sk] == "") {
				return nil, errStatusRemoved
			}
		}
	}
	merged, _ := mergePatch(deepCopyMap(Visible(rt, cur)), patch).(map[string]any)
	if merged == nil {
		merged = map[string]any{}
	}
	keepHidden(rt, merged, cur, patch)
	return merged, nil
}

// keepHidden puts back into merged the stored values that GET does not
// show (attributes and sub-attributes that are never returned, such as a
// custom attribute's secret) of every attribute the patch does not name:
// a merge patch that does not touch them must not remove them. The
// password is kept by hashPassword instead.
func keepHidden(rt *schemas.ResourceType, merged, cur, patch map[string]any) {
	hides := func(a schema.CoreAttribute) bool {
		if a.Returned() == "never" {
			return true
		}
		for _, sub := range a.SubAttributes() {
			if sub.Returned() == "never" {
				return true
			}
		}
		return false
	}
	restore := func(dst, stored, p map[string]any, attrs []schema.CoreAttribute) {
		for _, a := range attrs {
			if !hides(a) || strings.EqualFold(a.Name(), "password") {
				continue
			}
			if _, named := keyOf(p, a.Name()); named {
				continue
			}
			if v, ok := stored[a.Name()]; ok {
				dst[a.Name()] = deepCopyValue(v)
			}
		}
	}
	restore(merged, cur, patch, rt.Schema.Attributes)
	for _, e := range rt.Extensions {
		stored, _ := cur[e.Schema.ID].(map[string]any)
		if stored == nil {
			continue
		}
		var p map[string]any
		if k, ok := keyOf(patch, e.Schema.ID); ok {
			if p, ok = patch[k].(map[string]any); !ok {
				continue // the patch removes or replaces the whole extension
			}
		}
		dst, _ := merged[e.Schema.ID].(map[string]any)
		if dst == nil {
			dst = map[string]any{}
		}
		restore(dst, stored, p, e.Schema.Attributes)
		if len(dst) > 0 {
			merged[e.Schema.ID] = dst
		}
	}
}

// mergePatch applies a JSON merge patch (RFC 7396 §2) to target and
// returns the result; target's maps may be changed, patch's are not.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return deepCopyValue(patch)
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = mergePatch(t[k], v)
	}
	return t
}
