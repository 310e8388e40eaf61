package directory

import (
	"context"
	"strings"
	"time"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// A Login is what a relying app reports of a user's sign-in: the linked
// identity used, both empty when it names none.
type Login struct {
	Source, Identifier string
}

// Login records a login of the active user id: lastLoginAt, and the
// linked identity's first and last authentication times when l names one
// the user has. A user who is not active cannot log in (Conflict).
func (s *Service) Login(ctx context.Context, sc Scope, id string, l Login) (storage.Resource, error) {
	if (l.Source == "") != (l.Identifier == "") {
		return storage.Resource{}, invalid("a login names a linked identity with both source and identifier, or neither")
	}
	now := stamp(time.Now())
	res, err := s.store.Update(sc.withActor(ctx), sc.Tenant.ID, &sc.Set.User, id, storage.UpdateOptions{},
		func(cur storage.Resource) (storage.Edit, error) {
			if st := statusOf(cur.Attributes); st != schemas.StatusActive {
				return storage.Edit{}, &Error{Kind: Conflict, Detail: "the user is " + st + "; only an active user can log in"}
			}
			doc := deepCopyMap(cur.Attributes)
			ext := scimdExt(doc)
			ext[schemas.AttrLastLoginAt] = now
			if l.Source != "" && !authenticated(ext, l, now) {
				return storage.Edit{}, invalid("the user has no linked identity with source %q and identifier %q", l.Source, l.Identifier)
			}
			return storage.Edit{Attributes: doc}, nil
		})
	return res, fromStore(err, "user")
}

// authenticated stamps the authentication times of the linked identity l
// names in ext, and reports whether ext has it.
func authenticated(ext map[string]any, l Login, now string) bool {
	found := false
	list, _ := ext[schemas.AttrLinkedIdentities].([]any)
	for _, el := range list {
		m, ok := el.(map[string]any)
		src, _ := m["source"].(string)
		if !ok || !strings.EqualFold(src, l.Source) || m["identifier"] != l.Identifier {
			continue
		}
		found = true
		m["lastAuthenticatedAt"] = now
		if m["firstAuthenticatedAt"] == nil {
			m["firstAuthenticatedAt"] = now
		}
	}
	return found
}

// ChangeStatus moves the user id to status by an operator's action, by the
// rules of client writes: to schemas.StatusSuspended from active or
// pending, to schemas.StatusActive from pending, suspended or
// deprovisioned; statusChangedAt and sessionsValidAfter move as they do
// for SCIM clients. A user that has the status already is not changed; a
// move the lifecycle does not allow is a Conflict.
func (s *Service) ChangeStatus(ctx context.Context, sc Scope, id, status string) (storage.Resource, error) {
	now := time.Now()
	res, err := s.store.Update(sc.withActor(ctx), sc.Tenant.ID, &sc.Set.User, id, storage.UpdateOptions{},
		func(cur storage.Resource) (storage.Edit, error) {
			doc, changed, err := changeUserStatus(cur.Attributes, status, now)
			if err != nil || !changed {
				return storage.Edit{}, err
			}
			return storage.Edit{Attributes: doc}, nil
		})
	return res, fromStore(err, "user")
}

// InvalidateSessions moves the user id's sessionsValidAfter to now; it
// never moves backwards.
func (s *Service) InvalidateSessions(ctx context.Context, sc Scope, id string) (storage.Resource, error) {
	now := time.Now()
	res, err := s.store.Update(sc.withActor(ctx), sc.Tenant.ID, &sc.Set.User, id, storage.UpdateOptions{},
		func(cur storage.Resource) (storage.Edit, error) {
			doc, changed := invalidateUserSessions(cur.Attributes, now)
			if !changed {
				return storage.Edit{}, nil
			}
			return storage.Edit{Attributes: doc}, nil
		})
	return res, fromStore(err, "user")
}

// InvalidateTenantSessions moves the tenant's sessions-valid-after time to
// now and returns it.
func (s *Service) InvalidateTenantSessions(ctx context.Context, sc Scope) (time.Time, error) {
	return s.store.InvalidateTenantSessions(sc.withActor(ctx), sc.Tenant.ID, time.Now())
}

// Sessions says when a user's sessions are valid from: the user's own
// sessionsValidAfter, the tenant's, and the later of the two (Effective),
// which is what a relying app compares the issue time of a session or token
// with. Empty values were never set.
type Sessions struct {
	User, Tenant, Effective string
}

// Sessions returns when the sessions of user (as read or written) are
// valid from.
func (s *Service) Sessions(ctx context.Context, sc Scope, user storage.Resource) (Sessions, error) {
	tenantAt, err := s.store.TenantSessionsValidAfter(ctx, sc.Tenant.ID)
	if err != nil {
		return Sessions{}, err
	}
	var out Sessions
	ext, _ := user.Attributes[schemas.ScimdUserURN].(map[string]any)
	if u, _ := ext[schemas.AttrSessionsValidAfter].(string); u != "" {
		out.User, out.Effective = u, u
	}
	if !tenantAt.IsZero() {
		out.Tenant = stamp(tenantAt)
		if laterStamp(out.Tenant, out.Effective) {
			out.Effective = out.Tenant
		}
	}
	return out, nil
}

// scimdExt returns the scimd User extension object of a document, adding
// an empty one if it has none.
func scimdExt(doc map[string]any) map[string]any {
	ext, ok := doc[schemas.ScimdUserURN].(map[string]any)
	if !ok {
		ext = map[string]any{}
		doc[schemas.ScimdUserURN] = ext
	}
	return ext
}

// laterStamp reports whether the timestamp a is after b ("" is before
// everything).
func laterStamp(a, b string) bool {
	tb, err := time.Parse(time.RFC3339Nano, b)
	if err != nil {
		return true
	}
	ta, err := time.Parse(time.RFC3339Nano, a)
	return err == nil && ta.After(tb)
}
