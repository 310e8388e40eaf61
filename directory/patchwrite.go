package directory

import (
	"context"
	"errors"
	"time"

	scimerrors "github.com/elimity-com/scim/errors"

	"github.com/scimd/scimd/directory/patch"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// patchOpURN is the schema of a PATCH request body (RFC 7644 §3.5.2).
const patchOpURN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

// A PatchRequest is a PATCH request body as ParsePatch reads it, for Patch.
type PatchRequest struct {
	typ      string
	ops      []patch.Operation
	metadata []metadataOp // a user's metadata operations, in request order
}

// ParsePatch reads the decoded body of a PATCH request (RFC 7644 §3.5.2)
// of a resource of type typ: "schemas" must be exactly the PatchOp
// message's, and "Operations" must hold at least one operation
// (CheckPatchRequest). The client quirks are normalised (see quirks.go); a
// user's metadata operations are taken out, since no schema declares
// metadata; paths that name read-only attributes are mutability errors;
// each operation, and the removes a quirk makes of it, is checked against
// the resource type's schemas (schemas.ResourceType.CheckPatchOp, whose
// refusals name the attribute and say what to fix); the rest is checked by
// patch.Parse. body's maps may be changed.
func (s *Service) ParsePatch(sc Scope, typ string, body any) (PatchRequest, error) {
	rt, err := sc.ResourceType(typ)
	if err != nil {
		return PatchRequest{}, err
	}
	if err := CheckPatchRequest(body); err != nil {
		return PatchRequest{}, err
	}
	ops, err := patchEnvelope(body)
	if err != nil {
		return PatchRequest{}, err
	}
	req := PatchRequest{typ: typ}
	user, exts := rt.Name == schemas.UserType, extensionURNs(sc.Set)
	var out []any
	for i, o := range ops {
		op, ok := o.(map[string]any)
		if !ok {
			out = append(out, o) // patch.Parse refuses it
			continue
		}
		if user {
			mops, done, err := takeMetadataOps(op)
			if err != nil {
				return PatchRequest{}, fromStore(err, "user")
			}
			req.metadata = append(req.metadata, mops...)
			if done {
				continue
			}
		}
		if err := checkReadOnlyPath(op, user); err != nil {
			return PatchRequest{}, err
		}
		normalizeOp(op, exts)
		cleared := clearedKeys(op)
		if err := checkPatchOp(rt, i+1, op, cleared); err != nil {
			return PatchRequest{}, err
		}
		out = append(out, op)
		out = append(out, cleared...)
	}
	if req.ops, err = patch.Parse(rt, out); err != nil {
		return PatchRequest{}, fromSCIM(err)
	}
	return req, nil
}

// CheckPatchRequest checks a decoded PATCH request body as sent, before
// any of its operations is read (schemas.CheckPatchRequest): it must be an
// object whose "schemas" is exactly the PatchOp message's and whose
// "Operations" is an array of at least one object with a valid op and
// path. ParsePatch checks it too; a door that limits the operations of a
// request may check it before counting them.
func CheckPatchRequest(body any) error {
	doc, ok := body.(map[string]any)
	if !ok {
		return notAnObject(`a PATCH request, {"schemas": ["`+patchOpURN+`"], "Operations": [...]}`, body)
	}
	return fromCheck(schemas.CheckPatchRequest(doc))
}

// checkPatchOp checks PATCH operation n (from 1, as sent) and the remove
// operations the quirks made of it (clearedKeys), as normalised.
func checkPatchOp(rt *schemas.ResourceType, n int, op map[string]any, cleared []any) error {
	if err := rt.CheckPatchOp(n, op); err != nil {
		return fromCheck(err)
	}
	for _, c := range cleared {
		if err := rt.CheckPatchOp(n, c.(map[string]any)); err != nil {
			return fromCheck(err)
		}
	}
	return nil
}

// patchEnvelope checks the members of a PATCH body around its operations
// and returns the operations. CheckPatchRequest refuses first, naming the
// member; these are the schema library's checks, kept as they were.
func patchEnvelope(body any) ([]any, error) {
	doc, ok := body.(map[string]any)
	if !ok {
		return nil, fromSCIM(scimerrors.ScimErrorInvalidSyntax)
	}
	var list []any
	if k, ok := keyOf(doc, "schemas"); ok && doc[k] != nil {
		if list, ok = doc[k].([]any); !ok {
			return nil, fromSCIM(scimerrors.ScimErrorInvalidSyntax)
		}
	}
	for _, s := range list {
		if _, ok := s.(string); !ok {
			return nil, fromSCIM(scimerrors.ScimErrorInvalidSyntax)
		}
	}
	var ops []any
	if k, ok := keyOf(doc, "Operations"); ok && doc[k] != nil {
		if ops, ok = doc[k].([]any); !ok {
			return nil, fromSCIM(scimerrors.ScimErrorInvalidSyntax)
		}
	}
	if len(list) != 1 || list[0] != patchOpURN || len(ops) == 0 {
		return nil, fromSCIM(scimerrors.ScimErrorInvalidValue)
	}
	return ops, nil
}

// errNeedMembers makes Update run again with the member list loaded.
var errNeedMembers = errors.New("patch needs the member list")

// Patch applies a parsed PATCH request to the resource id, in one update:
// either every operation applies or nothing changes. A user's patched
// document is completed by the rules of user writes, as a replace's is.
// Group members that name no resource are skipped (Microsoft's reference
// tests add such ids and expect success). The resource is returned as
// stored; its version is unchanged when nothing changed.
func (s *Service) Patch(ctx context.Context, sc Scope, id string, req PatchRequest, opts WriteOptions) (storage.Resource, error) {
	rt, err := sc.ResourceType(req.typ)
	if err != nil {
		return storage.Resource{}, err
	}
	ctx, now := sc.withActor(ctx), time.Now()
	update := func(loadMembers bool) (storage.Resource, error) {
		return s.store.Update(ctx, sc.Tenant.ID, rt, id, storage.UpdateOptions{Members: loadMembers},
			func(cur storage.Resource) (storage.Edit, error) {
				if err := opts.If.check(cur.Meta.Version); err != nil {
					return storage.Edit{}, err
				}
				return s.patchEdit(rt, cur, id, req, loadMembers, now)
			})
	}
	res, err := update(false)
	if errors.Is(err, errNeedMembers) {
		res, err = update(true)
	}
	return res, fromStore(err, noun(req.typ))
}

// patchEdit is the edit of one PATCH of cur.
func (s *Service) patchEdit(rt *schemas.ResourceType, cur storage.Resource, id string, req PatchRequest, loaded bool, now time.Time) (storage.Edit, error) {
	res, err := patch.Apply(rt, cur.Attributes, req.ops, patch.Options{ID: id, Members: cur.Members})
	if err != nil {
		return storage.Edit{}, fromSCIM(err)
	}
	if res.NeedMembers && !loaded {
		return storage.Edit{}, errNeedMembers
	}
	if err := checkMultiValues(rt, res.Doc, cur.Attributes, s.maxValues); err != nil {
		return storage.Edit{}, err
	}
	if rt.Name == schemas.UserType {
		if len(req.metadata) > 0 {
			applyMetadataOps(res.Doc, req.metadata)
		}
		if err := prepareUser(res.Doc, cur.Attributes, writePatch, now, s.minPassword); err != nil {
			return storage.Edit{}, err
		}
		res.Edit.Attributes = res.Doc // storage writes nothing if nothing changed
	}
	res.Edit.SkipUnknownMembers = true
	if res.Edit.Attributes != nil {
		if err := hashPassword(res.Edit.Attributes, cur.Attributes); err != nil {
			return storage.Edit{}, err
		}
	}
	return res.Edit, nil
}
