package directory

import (
	"context"
	"errors"
	"fmt"

	"github.com/scimd/scimd/storage"
)

// Apps returns the tenant's apps ordered by name, then ID.
func (s *Service) Apps(ctx context.Context, sc Scope) ([]storage.App, error) {
	return s.store.Apps(ctx, sc.Tenant.ID)
}

// App returns the app id, or a NotFound Error.
func (s *Service) App(ctx context.Context, sc Scope, id string) (storage.App, error) {
	a, err := s.store.App(ctx, sc.Tenant.ID, id)
	return a, appError(err, id)
}

// CreateApp stores a new app: a name of 1 to storage.MaxAppName characters
// and an optional description.
func (s *Service) CreateApp(ctx context.Context, sc Scope, a storage.App) (storage.App, error) {
	a, err := s.store.CreateApp(sc.withActor(ctx), sc.Tenant.ID, a)
	return a, fromStore(err, "app")
}

// UpdateApp replaces the name and description of the app a.ID.
func (s *Service) UpdateApp(ctx context.Context, sc Scope, a storage.App) (storage.App, error) {
	out, err := s.store.UpdateApp(sc.withActor(ctx), sc.Tenant.ID, a)
	return out, appError(err, a.ID)
}

// DeleteApp deletes the app id and every assignment to it.
func (s *Service) DeleteApp(ctx context.Context, sc Scope, id string) error {
	return appError(s.store.DeleteApp(sc.withActor(ctx), sc.Tenant.ID, id), id)
}

// UserApps returns the assignments of the user id, ordered by app ID.
func (s *Service) UserApps(ctx context.Context, sc Scope, id string) ([]storage.AppAssignment, error) {
	list, err := s.store.UserApps(ctx, sc.Tenant.ID, id)
	return list, userError(err, id)
}

// Assign assigns the user a.User to the app a.App, or replaces the data of
// the assignment. Usernames are unique within an app, whatever their case
// (Conflict).
func (s *Service) Assign(ctx context.Context, sc Scope, a storage.AppAssignment) (storage.AppAssignment, error) {
	out, err := s.store.Assign(sc.withActor(ctx), sc.Tenant.ID, a)
	switch {
	case errors.Is(err, storage.ErrConflict):
		return out, &Error{Kind: Conflict, Type: TypeUniqueness, Attribute: "username", err: err,
			Detail: fmt.Sprintf("another user of app %q has the username %q (usernames are unique within an app, whatever their case)", a.App, a.Username)}
	case errors.Is(err, storage.ErrAppNotFound):
		return out, appError(err, a.App)
	}
	return out, userError(fromStore(err, "user"), a.User)
}

// Unassign removes the assignment of the user to the app.
func (s *Service) Unassign(ctx context.Context, sc Scope, appID, userID string) error {
	err := s.store.Unassign(sc.withActor(ctx), sc.Tenant.ID, appID, userID)
	if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	// Say which is missing: the user, or the assignment.
	if _, uerr := s.store.Get(ctx, sc.Tenant.ID, &sc.Set.User, userID, storage.GetOptions{}); uerr != nil {
		return userError(uerr, userID)
	}
	return &Error{Kind: NotFound, Detail: fmt.Sprintf("user %q is not assigned to app %q", userID, appID), err: err}
}

// appError words a missing app; other errors are fromStore's.
func appError(err error, id string) error {
	if errors.Is(err, storage.ErrNotFound) {
		return &Error{Kind: NotFound, Detail: fmt.Sprintf("no app has id %q", id), err: err}
	}
	return fromStore(err, "app")
}

// userError words a missing user; other errors pass unchanged.
func userError(err error, id string) error {
	if errors.Is(err, storage.ErrNotFound) && !errors.Is(err, storage.ErrAppNotFound) {
		return &Error{Kind: NotFound, Detail: fmt.Sprintf("no user has id %q", id), err: err}
	}
	return err
}
