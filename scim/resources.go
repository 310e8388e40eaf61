package scim

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/scim/patch"
	"github.com/scimd/scimd/storage"
)

// resourceHandler connects the elimity server's callbacks for one resource
// type to storage. Reads and lists are served by scimd before the request
// reaches the library; the library calls Create, Replace, Patch and Delete.
type resourceHandler struct {
	h   *Handler
	typ string
}

var _ scim.ResourceHandler = (*resourceHandler)(nil)

func (rh *resourceHandler) state(r *http.Request) (*requestState, *schemas.ResourceType) {
	st := stateOf(r.Context())
	for _, rt := range st.set.ResourceTypes() {
		if rt.Name == rh.typ {
			return st, &rt
		}
	}
	return st, &st.set.User
}

// Create stores a new resource.
func (rh *resourceHandler) Create(r *http.Request, attrs scim.ResourceAttributes) (scim.Resource, error) {
	st, rt := rh.state(r)
	doc, members, err := documentOf(rt, attrs)
	if err != nil {
		return scim.Resource{}, rh.h.fail(r, err)
	}
	if err := checkMultiValues(rt, doc, nil, rh.h.cfg.MaxMultiValues); err != nil {
		return scim.Resource{}, rh.h.fail(r, err)
	}
	if rt.Name == schemas.UserType {
		if err := rh.h.prepareUser(doc, nil, writeCreate, time.Now()); err != nil {
			return scim.Resource{}, rh.h.fail(r, err)
		}
	}
	if err := hashPassword(doc, nil); err != nil {
		return scim.Resource{}, rh.h.fail(r, err)
	}
	if m := st.metadata; m != nil && rt.Name == schemas.UserType {
		setMetadata(doc, m.value)
	}
	res, err := rh.h.store.Create(r.Context(), st.tenant.ID, rt, storage.Resource{Attributes: doc, Members: members})
	if err != nil {
		return scim.Resource{}, rh.h.fail(r, err)
	}
	return rh.h.answer(r, st, rt, res), nil
}

// Replace replaces a resource's attributes (PUT).
func (rh *resourceHandler) Replace(r *http.Request, id string, attrs scim.ResourceAttributes) (scim.Resource, error) {
	st, rt := rh.state(r)
	pre, err := preconditionsOf(r)
	if err != nil {
		return scim.Resource{}, rh.h.fail(r, err)
	}
	doc, members, err := documentOf(rt, attrs)
	if err != nil {
		return scim.Resource{}, rh.h.fail(r, err)
	}
	res, err := rh.h.store.Update(r.Context(), st.tenant.ID, rt, id, storage.UpdateOptions{},
		func(cur storage.Resource) (storage.Edit, error) {
			if err := pre.check(cur.Meta.Version); err != nil {
				return storage.Edit{}, err
			}
			if err := checkMultiValues(rt, doc, cur.Attributes, rh.h.cfg.MaxMultiValues); err != nil {
				return storage.Edit{}, err
			}
			next := deepCopyMap(doc)
			if rt.Name == schemas.UserType {
				if err := rh.h.prepareUser(next, cur.Attributes, writeReplace, time.Now()); err != nil {
					return storage.Edit{}, err
				}
			}
			if err := hashPassword(next, cur.Attributes); err != nil {
				return storage.Edit{}, err
			}
			if rt.Name == schemas.UserType {
				// A body without metadata keeps the stored metadata, as
				// for the password: clients that PUT whole users (Okta)
				// do not know it.
				if m := st.metadata; m != nil {
					setMetadata(next, m.value)
				} else if old, ok := cur.Attributes[storage.MetadataAttribute].(map[string]any); ok {
					setMetadata(next, old)
				}
			}
			e := storage.Edit{Attributes: next, Touch: true}
			if rt.Name == schemas.GroupType {
				e.ReplaceMembers, e.Members = true, members
				if e.Members == nil {
					e.Members = []storage.Member{}
				}
			}
			return e, nil
		})
	if err != nil {
		return scim.Resource{}, rh.h.fail(r, err)
	}
	return rh.h.answer(r, st, rt, res), nil
}

// errNeedMembers makes Update run again with the member list loaded.
var errNeedMembers = errors.New("patch needs the member list")

// Patch applies PATCH operations. It answers 204 unless the request names
// attributes or excludedAttributes (Entra and Microsoft's tests expect
// 204); then 200 with the resource, projected (RFC 7644 §3.5.2).
func (rh *resourceHandler) Patch(r *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	st, rt := rh.state(r)
	pre, err := preconditionsOf(r)
	if err != nil {
		return scim.Resource{}, rh.h.fail(r, err)
	}
	update := func(loadMembers bool) (storage.Resource, error) { //nolint:unparam // the result is not needed for 204
		return rh.h.store.Update(r.Context(), st.tenant.ID, rt, id,
			storage.UpdateOptions{Members: loadMembers},
			func(cur storage.Resource) (storage.Edit, error) {
				if err := pre.check(cur.Meta.Version); err != nil {
					return storage.Edit{}, err
				}
				res, err := patch.Apply(rt, cur.Attributes, ops, patch.Options{ID: id, Members: cur.Members})
				if err != nil {
					return storage.Edit{}, err
				}
				if res.NeedMembers && !loadMembers {
					return storage.Edit{}, errNeedMembers
				}
				if err := checkMultiValues(rt, res.Doc, cur.Attributes, rh.h.cfg.MaxMultiValues); err != nil {
					return storage.Edit{}, err
				}
				if m := st.metadata; m != nil && len(m.ops) > 0 && rt.Name == schemas.UserType {
					applyMetadataOps(res.Doc, m.ops)
					res.Edit.Attributes = res.Doc // storage writes nothing if nothing changed
				}
				if rt.Name == schemas.UserType {
					if err := rh.h.prepareUser(res.Doc, cur.Attributes, writePatch, time.Now()); err != nil {
						return storage.Edit{}, err
					}
					res.Edit.Attributes = res.Doc // storage writes nothing if nothing changed
				}
				// Microsoft's reference tests add ids that name nothing and
				// expect 204: such members are skipped, not stored.
				res.Edit.SkipUnknownMembers = true
				if res.Edit.Attributes != nil {
					if err := hashPassword(res.Edit.Attributes, cur.Attributes); err != nil {
						return storage.Edit{}, err
					}
				}
				return res.Edit, nil
			})
	}
	_, err = update(false)
	if errors.Is(err, errNeedMembers) {
		_, err = update(true)
	}
	if err != nil {
		return scim.Resource{}, rh.h.fail(r, err)
	}
	q := r.URL.Query()
	if q.Get("attributes") == "" && q.Get("excludedAttributes") == "" {
		return scim.Resource{}, nil // 204 No Content
	}
	full, err := rh.h.store.Get(r.Context(), st.tenant.ID, rt, id, readOptions(rt, q.Get("attributes"), q.Get("excludedAttributes")))
	if err != nil {
		return scim.Resource{}, rh.h.fail(r, err)
	}
	return rh.h.answer(r, st, rt, full), nil
}

// Delete removes a resource.
func (rh *resourceHandler) Delete(r *http.Request, id string) error {
	st, rt := rh.state(r)
	pre, err := preconditionsOf(r)
	if err != nil {
		return rh.h.fail(r, err)
	}
	if err := rh.h.deleteIf(r, st, rt, id, pre); err != nil {
		return rh.h.fail(r, err)
	}
	return nil
}

// maxConditionalDeletes bounds the attempts of a conditional DELETE whose
// resource keeps changing between the test and the delete.
const maxConditionalDeletes = 5

// deleteIf deletes a resource when its preconditions hold. The version
// they are tested against is the version storage deletes (a
// compare-and-delete), so a write between the test and the delete makes
// the delete fail and the test run again on the new version.
func (h *Handler) deleteIf(r *http.Request, st *requestState, rt *schemas.ResourceType, id string, pre preconditions) error {
	if !pre.conditional() {
		return h.store.Delete(r.Context(), st.tenant.ID, rt, id, 0)
	}
	for range maxConditionalDeletes {
		cur, err := h.store.Get(r.Context(), st.tenant.ID, rt, id, storage.GetOptions{})
		if err != nil {
			return err
		}
		if err := pre.check(cur.Meta.Version); err != nil {
			return err
		}
		err = h.store.Delete(r.Context(), st.tenant.ID, rt, id, cur.Meta.Version)
		if !errors.Is(err, storage.ErrVersionMismatch) {
			return err
		}
	}
	return errorf(http.StatusPreconditionFailed, "", "the resource kept changing while its preconditions were tested; read it again and retry")
}

// Get is served by Handler.serveGet before requests reach the library; the
// library never calls it.
func (rh *resourceHandler) Get(r *http.Request, id string) (scim.Resource, error) {
	st, rt := rh.state(r)
	res, err := rh.h.store.Get(r.Context(), st.tenant.ID, rt, id, storage.GetOptions{Members: true, Groups: true, Apps: true})
	if err != nil {
		return scim.Resource{}, rh.h.fail(r, err)
	}
	return rh.h.libraryResource(res, render(st, rt, res)), nil
}

// GetAll is served by Handler.serveList; the library never calls it.
func (rh *resourceHandler) GetAll(r *http.Request, _ scim.ListRequestParams) (scim.Page, error) {
	return scim.Page{}, rh.h.fail(r, errorf(http.StatusInternalServerError, "", "internal error"))
}

// answer renders the resource a write answers with, as GET renders it for
// the request's attributes and excludedAttributes (RFC 7644 §3.9), and
// records it for guardWriter, which sends it in place of the library's
// rendering.
func (h *Handler) answer(r *http.Request, st *requestState, rt *schemas.ResourceType, res storage.Resource) scim.Resource {
	q := r.URL.Query()
	doc := parseProjection(rt, q.Get("attributes"), q.Get("excludedAttributes")).apply(render(st, rt, res))
	st.answer = &writeAnswer{doc: doc, etag: etag(res.Meta.Version)}
	return h.libraryResource(res, doc)
}

// libraryResource shapes a rendered resource for the elimity server,
// which sets the Location and ETag headers from it.
func (h *Handler) libraryResource(res storage.Resource, doc map[string]any) scim.Resource {
	attrs := make(scim.ResourceAttributes, len(doc))
	for k, v := range doc {
		if k != "id" && k != "meta" && k != "schemas" {
			attrs[k] = v
		}
	}
	out := scim.Resource{ID: res.ID, Attributes: attrs}
	created, modified := res.Meta.Created, res.Meta.LastModified
	out.Meta.Created, out.Meta.LastModified, out.Meta.Version = &created, &modified, etag(res.Meta.Version)
	return out
}

// documentOf splits validated POST or PUT attributes into the stored
// document and, for groups, the member list. Read-only input (id, meta, a
// user's groups) is dropped.
func documentOf(rt *schemas.ResourceType, attrs scim.ResourceAttributes) (map[string]any, []storage.Member, error) {
	doc := make(map[string]any, len(attrs))
	var members []storage.Member
	for k, v := range attrs {
		switch {
		case strings.EqualFold(k, "id"), strings.EqualFold(k, "meta"), strings.EqualFold(k, "schemas"):
		case rt.Name == schemas.UserType && strings.EqualFold(k, "groups"):
		case rt.Name == schemas.GroupType && strings.EqualFold(k, "members"):
			list, err := membersOf(v)
			if err != nil {
				return nil, nil, err
			}
			members = list
		default:
			doc[k] = v
		}
	}
	if doc, ok := dropEmpty(doc).(map[string]any); ok {
		return doc, members, nil
	}
	return map[string]any{}, members, nil
}

// membersOf reads a members value: a list of {value, type?, display?}.
func membersOf(v any) ([]storage.Member, error) {
	list, ok := v.([]any)
	if !ok {
		if m, isMap := v.(map[string]any); isMap {
			list = []any{m}
		} else if v != nil {
			return nil, errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidValue, "members must be a list of objects with a value")
		}
	}
	out := make([]storage.Member, 0, len(list))
	for _, el := range list {
		m, ok := el.(map[string]any)
		if !ok {
			return nil, errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidValue, "each member must be an object with a value")
		}
		id, _ := m["value"].(string)
		if id == "" {
			return nil, errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidValue, "each member needs a value: the id of a user or group")
		}
		typ, _ := m["type"].(string)
		display, _ := m["display"].(string)
		out = append(out, storage.Member{Value: id, Type: typ, Display: display})
	}
	return out, nil
}

// dropEmpty removes nulls, empty strings, empty lists and empty objects, so
// that "title": null and "addresses": [] mean absent.
func dropEmpty(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if x = dropEmpty(x); x != nil {
				out[k] = x
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		out := make([]any, 0, len(v))
		for _, x := range v {
			if x = dropEmpty(x); x != nil {
				out = append(out, x)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case string:
		if v == "" {
			return nil
		}
	}
	return v
}
