package directory

import (
	"context"
	"strconv"
	"strings"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// AddMembers adds members to the group id in one update; members the group
// has already are left as they are. Each member needs a value, the id of a
// user or group of the tenant, and a type of User or Group (any case) or
// none. A member that names no resource, the group itself or a group that
// would make a cycle is an Invalid Error.
func (s *Service) AddMembers(ctx context.Context, sc Scope, id string, members []storage.Member) (storage.Resource, error) {
	if len(members) == 0 {
		return storage.Resource{}, &Error{Kind: Invalid, Type: TypeInvalidValue, Attribute: "members",
			Detail: "members must list at least one member"}
	}
	add := make([]storage.Member, 0, len(members))
	for i, m := range members {
		at := "members[" + strconv.Itoa(i) + "]"
		if strings.TrimSpace(m.Value) == "" {
			return storage.Resource{}, &Error{Kind: Invalid, Type: TypeInvalidValue, Attribute: "members.value",
				Detail: at + ": value is required: the ID of a user or group of the tenant"}
		}
		switch {
		case m.Type == "":
		case strings.EqualFold(m.Type, schemas.UserType):
			m.Type = schemas.UserType
		case strings.EqualFold(m.Type, schemas.GroupType):
			m.Type = schemas.GroupType
		default:
			return storage.Resource{}, &Error{Kind: Invalid, Type: TypeInvalidValue, Attribute: "members.type",
				Detail: at + ": type must be User or Group"}
		}
		add = append(add, storage.Member{Value: m.Value, Type: m.Type})
	}
	return s.editMembers(ctx, sc, id, storage.Edit{AddMembers: add})
}

// RemoveMember removes the member memberID from the group id. Removing a
// member the group does not have is not an error.
func (s *Service) RemoveMember(ctx context.Context, sc Scope, id, memberID string) (storage.Resource, error) {
	return s.editMembers(ctx, sc, id, storage.Edit{RemoveMembers: []string{memberID}})
}

// editMembers applies a member edit to the group id in one update.
func (s *Service) editMembers(ctx context.Context, sc Scope, id string, edit storage.Edit) (storage.Resource, error) {
	res, err := s.store.Update(sc.withActor(ctx), sc.Tenant.ID, &sc.Set.Group, id, storage.UpdateOptions{},
		func(storage.Resource) (storage.Edit, error) { return edit, nil })
	return res, fromStore(err, "group")
}
