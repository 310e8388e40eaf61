package directory

import (
	"context"
	"errors"
	"time"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// WriteOptions are what a door asks of a write besides its document.
type WriteOptions struct {
	// If holds the write's preconditions on the resource's version
	// (replace, patch, merge, delete).
	If Preconditions
	// ImplicitSchemas accepts a document without "schemas", as the admin
	// API's documents are: it then lists the core schema and the
	// extensions the document has keys for. SCIM bodies must list the
	// core schema (RFC 7643 §3).
	ImplicitSchemas bool
	// RequireContact refuses a user without an email address or a phone
	// number (the admin API asks for one).
	RequireContact bool
}

// Create stores a new resource of type typ from body, its decoded document
// (json.Decoder.UseNumber): the document is read as readDocument says,
// its multi-valued attributes kept to the limit (Config.MaxMultiValues),
// and a user's is completed by the rules of user writes (status, profile
// and contact checks, password policy and hash, metadata). body's maps
// may be changed. The new resource is returned as stored.
func (s *Service) Create(ctx context.Context, sc Scope, typ string, body any, opts WriteOptions) (storage.Resource, error) {
	rt, err := sc.ResourceType(typ)
	if err != nil {
		return storage.Resource{}, err
	}
	d, err := readDocument(rt, body, opts.ImplicitSchemas)
	if err != nil {
		return storage.Resource{}, fromStore(err, noun(typ))
	}
	if err := checkMultiValues(rt, d.attrs, nil, s.maxValues); err != nil {
		return storage.Resource{}, err
	}
	if rt.Name == schemas.UserType {
		if err := s.completeUser(d.attrs, nil, d.metadata, writeCreate, time.Now()); err != nil {
			return storage.Resource{}, fromStore(err, noun(typ))
		}
		if opts.RequireContact && !hasContact(d.attrs) {
			return storage.Resource{}, errNoContact
		}
	}
	res, err := s.store.Create(sc.withActor(ctx), sc.Tenant.ID, rt, storage.Resource{Attributes: d.attrs, Members: d.members})
	return res, fromStore(err, noun(typ))
}

// Replace replaces the attributes of the resource id (a SCIM PUT): body is
// read as Create reads it, and a user's document keeps what the body does
// not know of (the password, the scimd User extension, metadata) and the
// values only the server sets. A group's members become the body's. The
// version is bumped even when nothing changes.
func (s *Service) Replace(ctx context.Context, sc Scope, typ, id string, body any, opts WriteOptions) (storage.Resource, error) {
	rt, err := sc.ResourceType(typ)
	if err != nil {
		return storage.Resource{}, err
	}
	d, err := readDocument(rt, body, opts.ImplicitSchemas)
	if err != nil {
		return storage.Resource{}, fromStore(err, noun(typ))
	}
	now := time.Now()
	res, err := s.store.Update(sc.withActor(ctx), sc.Tenant.ID, rt, id, storage.UpdateOptions{},
		func(cur storage.Resource) (storage.Edit, error) {
			if err := opts.If.check(cur.Meta.Version); err != nil {
				return storage.Edit{}, err
			}
			if err := checkMultiValues(rt, d.attrs, cur.Attributes, s.maxValues); err != nil {
				return storage.Edit{}, err
			}
			next := deepCopyMap(d.attrs) // fn may run again
			if rt.Name == schemas.UserType {
				if err := s.completeUser(next, cur.Attributes, d.metadata, writeReplace, now); err != nil {
					return storage.Edit{}, err
				}
			}
			e := storage.Edit{Attributes: next, Touch: true}
			if rt.Name == schemas.GroupType {
				e.ReplaceMembers, e.Members = true, d.members
				if e.Members == nil {
					e.Members = []storage.Member{}
				}
			}
			return e, nil
		})
	return res, fromStore(err, noun(typ))
}

// Merge changes the user id with a JSON merge patch (RFC 7396) of its
// document as clients see it (Visible), checked as a SCIM PATCH is:
// values clients never see stay unless the patch names them, and the
// password may be set but never read. Only users can be merged.
func (s *Service) Merge(ctx context.Context, sc Scope, typ, id string, patch map[string]any, opts WriteOptions) (storage.Resource, error) {
	rt, err := sc.ResourceType(typ)
	if err != nil {
		return storage.Resource{}, err
	}
	if rt.Name != schemas.UserType {
		return storage.Resource{}, errors.New("directory: Merge is for users only")
	}
	now := time.Now()
	res, err := s.store.Update(sc.withActor(ctx), sc.Tenant.ID, rt, id, storage.UpdateOptions{},
		func(cur storage.Resource) (storage.Edit, error) {
			if err := opts.If.check(cur.Meta.Version); err != nil {
				return storage.Edit{}, err
			}
			merged, err := mergeUser(rt, patch, cur.Attributes)
			if err != nil {
				return storage.Edit{}, err
			}
			d, err := readDocument(rt, merged, true)
			if err != nil {
				return storage.Edit{}, err
			}
			if err := checkMultiValues(rt, d.attrs, cur.Attributes, s.maxValues); err != nil {
				return storage.Edit{}, err
			}
			if err := s.completeUser(d.attrs, cur.Attributes, d.metadata, writePatch, now); err != nil {
				return storage.Edit{}, err
			}
			return storage.Edit{Attributes: d.attrs}, nil
		})
	return res, fromStore(err, noun(typ))
}

// maxConditionalDeletes bounds the attempts of a conditional delete whose
// resource keeps changing between the test and the delete.
const maxConditionalDeletes = 5

// Delete deletes the resource id with its memberships (and a user's app
// assignments) when opts.If holds. The version the preconditions are
// tested against is the version the store deletes (a compare-and-delete),
// so a write between the test and the delete makes the test run again on
// the new version.
func (s *Service) Delete(ctx context.Context, sc Scope, typ, id string, opts WriteOptions) error {
	rt, err := sc.ResourceType(typ)
	if err != nil {
		return err
	}
	ctx = sc.withActor(ctx)
	if !opts.If.conditional() {
		return fromStore(s.store.Delete(ctx, sc.Tenant.ID, rt, id, 0), noun(typ))
	}
	for range maxConditionalDeletes {
		cur, err := s.store.Get(ctx, sc.Tenant.ID, rt, id, storage.GetOptions{})
		if err != nil {
			return fromStore(err, noun(typ))
		}
		if err := opts.If.check(cur.Meta.Version); err != nil {
			return err
		}
		err = s.store.Delete(ctx, sc.Tenant.ID, rt, id, cur.Meta.Version)
		if !errors.Is(err, storage.ErrVersionMismatch) {
			return fromStore(err, noun(typ))
		}
	}
	return refusal(PreconditionFailed, "", "the resource kept changing while its preconditions were tested; read it again and retry")
}
