package directory

import (
	"context"

	"github.com/scimd/scimd/storage"
)

// Get returns the resource id of type typ, with the related data opts asks
// for. A resource the tenant does not have is a NotFound Error.
func (s *Service) Get(ctx context.Context, sc Scope, typ, id string, opts storage.GetOptions) (storage.Resource, error) {
	rt, err := sc.ResourceType(typ)
	if err != nil {
		return storage.Resource{}, err
	}
	res, err := s.store.Get(ctx, sc.Tenant.ID, rt, id, opts)
	return res, fromStore(err, noun(typ))
}

// List returns a page of the resources of type typ that q selects. A
// filter or sort the tenant's schema cannot serve is the store's
// *storage.FilterError, and a cursor it did not make storage.ErrInvalidCursor.
func (s *Service) List(ctx context.Context, sc Scope, typ string, q storage.Query) (storage.Page, error) {
	rt, err := sc.ResourceType(typ)
	if err != nil {
		return storage.Page{}, err
	}
	return s.store.List(ctx, sc.Tenant.ID, rt, q)
}

// EachMember calls fn with each member of the group id, in member-ID
// order, reading them one at a time: memory does not grow with the group.
func (s *Service) EachMember(ctx context.Context, sc Scope, id string, fn func(storage.Member) error) error {
	return s.store.EachMember(ctx, sc.Tenant.ID, id, fn)
}

// Lookup returns the users an identifier names: userName, email, phone
// number, externalId, a custom identifier, an alias or a linked identity.
func (s *Service) Lookup(ctx context.Context, sc Scope, identifier string) ([]storage.Resource, error) {
	return s.store.Lookup(ctx, sc.Tenant.ID, &sc.Set.User, identifier)
}

// TagKeys returns the tag keys the tenant's users carry, with the number of
// users that carry each.
func (s *Service) TagKeys(ctx context.Context, sc Scope) ([]storage.TagKey, error) {
	return s.store.TagKeys(ctx, sc.Tenant.ID)
}
