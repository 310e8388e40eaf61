package scim

import (
	"errors"
	"net/http"
	"strings"
	"time"

	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/schema"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// UserRules apply the rules of SCIM user writes to writes that do not come
// through a SCIM request, such as the admin API's: the schema check the
// SCIM server's library runs on POST and PUT bodies, then the lifecycle,
// verification, profile and password-policy checks of prepareUser, the
// password hashing and the user's metadata, exactly as a SCIM POST, PUT or
// PATCH applies them. Their results are documents for storage.Create and
// storage.Update; their errors are *WriteError values.
type UserRules struct {
	// PasswordMinLength is the shortest password, in characters; 0 means
	// DefaultPasswordMinLength. Give it the SCIM API's Config value.
	PasswordMinLength int
	// MaxMultiValues limits the values of each multi-valued attribute, as
	// Config's; 0 means DefaultMaxMultiValues. Give it the SCIM API's
	// Config value.
	MaxMultiValues int
}

// A WriteError is a user write the rules refuse: the status, SCIM error
// type and detail a SCIM client gets for the same write. Nothing was
// written.
type WriteError struct {
	Status   int
	ScimType string
	Detail   string
}

func (e *WriteError) Error() string { return e.Detail }

func (u UserRules) maxMultiValues() int {
	if u.MaxMultiValues <= 0 {
		return DefaultMaxMultiValues
	}
	return u.MaxMultiValues
}

func (u UserRules) minLength() int {
	if u.PasswordMinLength <= 0 {
		return DefaultPasswordMinLength
	}
	return u.PasswordMinLength
}

// NewUser returns the document to store for a new user from body, a user
// document as a SCIM POST carries it (decoded with json.Decoder.UseNumber;
// "schemas" may be left out: it is then the core schema and the extensions
// body has keys for). body is left unchanged.
func (u UserRules) NewUser(rt *schemas.ResourceType, body map[string]any, now time.Time) (map[string]any, error) {
	doc, meta, err := validateUser(rt, body)
	if err != nil {
		return nil, err
	}
	if err := checkMultiValues(rt, doc, nil, u.maxMultiValues()); err != nil {
		return nil, asWriteError(err)
	}
	if err := prepareUser(doc, nil, writeCreate, now, u.minLength()); err != nil {
		return nil, asWriteError(err)
	}
	if err := hashPassword(doc, nil); err != nil {
		return nil, err
	}
	if meta != nil {
		setMetadata(doc, meta.value)
	}
	return doc, nil
}

// ReplaceUser returns the document that replaces a stored user's (cur) for
// body, as a SCIM PUT does: a body without the password, the scimd User
// extension or metadata keeps the stored ones, and server-managed values
// are kept. cur and body are left unchanged.
func (u UserRules) ReplaceUser(rt *schemas.ResourceType, body, cur map[string]any, now time.Time) (map[string]any, error) {
	return u.replace(rt, body, cur, writeReplace, now)
}

// MergeUser returns the stored user's (cur) document after a JSON merge
// patch (RFC 7396) of the document as clients see it (Visible), checked as
// a SCIM PATCH checks the patched document: null removes a member, objects
// merge, anything else replaces. The password may be set, never read.
func (u UserRules) MergeUser(rt *schemas.ResourceType, patch, cur map[string]any, now time.Time) (map[string]any, error) {
	if k, ok := keyOf(patch, schemas.ScimdUserURN); ok {
		// The rest of the extension may go with its status, and an
		// extension left empty reads as one the patch removed (which
		// keeps the status), so a removed status is caught here.
		if ext, _ := patch[k].(map[string]any); ext != nil {
			if sk, ok := keyOf(ext, schemas.AttrStatus); ok && (ext[sk] == nil || ext[sk] == "") {
				return nil, asWriteError(errStatusRemoved)
			}
		}
	}
	merged, _ := MergePatch(deepCopyMap(Visible(rt, cur)), patch).(map[string]any)
	if merged == nil {
		merged = map[string]any{}
	}
	keepHidden(rt, merged, cur, patch)
	return u.replace(rt, merged, cur, writePatch, now)
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

func (u UserRules) replace(rt *schemas.ResourceType, body, cur map[string]any, w userWrite, now time.Time) (map[string]any, error) {
	doc, meta, err := validateUser(rt, body)
	if err != nil {
		return nil, err
	}
	if err := checkMultiValues(rt, doc, cur, u.maxMultiValues()); err != nil {
		return nil, asWriteError(err)
	}
	if err := prepareUser(doc, cur, w, now, u.minLength()); err != nil {
		return nil, asWriteError(err)
	}
	if err := hashPassword(doc, cur); err != nil {
		return nil, err
	}
	if meta != nil {
		setMetadata(doc, meta.value)
	} else if old, ok := cur[storage.MetadataAttribute].(map[string]any); ok && w == writeReplace {
		// A PUT body without metadata keeps it; a merged document
		// without it (the patch removed it) has none.
		setMetadata(doc, old)
	}
	return doc, nil
}

// MergePatch applies a JSON merge patch (RFC 7396 §2) to target and
// returns the result; target's maps may be changed, patch's are not.
func MergePatch(target, patch any) any {
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
		t[k] = MergePatch(t[k], v)
	}
	return t
}

// validateUser runs the checks a SCIM POST or PUT body of a user passes
// before scimd's handler sees it (normalizeBody, then the library's schema
// validation) and returns the document to store (documentOf) and the
// metadata the body carries.
func validateUser(rt *schemas.ResourceType, body map[string]any) (map[string]any, *metadataRequest, error) {
	doc := deepCopyMap(body)
	meta, err := takeBodyMetadata(doc)
	if err != nil {
		return nil, nil, asWriteError(err)
	}
	normalizeManager(doc)
	if _, ok := keyOf(doc, "schemas"); !ok {
		list := []any{rt.Schema.ID}
		for _, e := range rt.Extensions {
			if _, ok := keyOf(doc, e.Schema.ID); ok {
				list = append(list, e.Schema.ID)
			}
		}
		doc["schemas"] = list
	}
	if err := rt.Check(doc); err != nil {
		return nil, nil, asWriteError(err)
	}
	attrs, serr := withExternalID(rt.Schema).Validate(doc)
	if serr != nil {
		return nil, nil, asWriteError(*serr)
	}
	for _, e := range rt.Extensions {
		k, ok := keyOf(doc, e.Schema.ID)
		if !ok || doc[k] == nil {
			if e.Required {
				return nil, nil, &WriteError{Status: http.StatusBadRequest, ScimType: string(scimerrors.ScimTypeInvalidValue),
					Detail: "the extension " + e.Schema.ID + " is required"}
			}
			continue
		}
		ext, serr := e.Schema.ValidateExtension(doc[k])
		if serr != nil {
			return nil, nil, asWriteError(*serr)
		}
		attrs[e.Schema.ID] = ext
	}
	out, _, err := documentOf(rt, attrs)
	if err != nil {
		return nil, nil, asWriteError(err)
	}
	return out, meta, nil
}

// withExternalID returns s with the common attribute externalId, as the
// library validates resources (its ResourceType.schemaWithCommon).
func withExternalID(s schema.Schema) schema.Schema {
	for _, a := range s.Attributes {
		if strings.EqualFold(a.Name(), schema.CommonAttributeExternalID) {
			return s
		}
	}
	attrs := make([]schema.CoreAttribute, len(s.Attributes), len(s.Attributes)+1)
	copy(attrs, s.Attributes)
	s.Attributes = append(attrs, schema.SimpleCoreAttribute(schema.SimpleStringParams(schema.StringParams{
		CaseExact:  true,
		Mutability: schema.AttributeMutabilityReadWrite(),
		Name:       schema.CommonAttributeExternalID,
		Uniqueness: schema.AttributeUniquenessNone(),
	})))
	return s
}

// asWriteError turns a SCIM error into a *WriteError; other errors (storage
// value errors among them) pass unchanged.
func asWriteError(err error) error {
	var se scimerrors.ScimError
	var pse *scimerrors.ScimError
	var ce *schemas.CheckError
	switch {
	case errors.As(err, &ce):
		se = checkError(ce)
	case errors.As(err, &se):
	case errors.As(err, &pse) && pse != nil:
		se = *pse
	default:
		return err
	}
	return &WriteError{Status: se.Status, ScimType: string(se.ScimType), Detail: se.Detail}
}
