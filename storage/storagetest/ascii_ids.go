package storagetest

// Identifiers are ASCII: an ID, member value, app ID, credential ID or
// tenant name with other characters names nothing, and every call answers
// for it as for an unknown ASCII ID (MySQL keeps IDs in ascii columns and
// refuses to compare them with other text: an internal error).

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// outcome classifies an error as a caller sees it: none, not found (of an
// app or otherwise), a ValueError, or anything else with its text.
func outcome(err error) string {
	var ve *storage.ValueError
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, storage.ErrAppNotFound):
		return "app not found"
	case errors.Is(err, storage.ErrNotFound):
		return "not found"
	case errors.As(err, &ve):
		return "value error (" + ve.Attribute + ")"
	}
	return "other: " + err.Error()
}

func testNonASCIIIDs(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	users, groups := &set.User, &set.Group
	tenant := mustTenant(t, s, "ascii")
	user := mustCreate(t, s, tenant, users, storage.Resource{Attributes: userDoc("ann")})
	group := mustCreate(t, s, tenant, groups, storage.Resource{Attributes: groupDoc("staff"),
		Members: []storage.Member{{Value: user.ID}}})
	app := mustApp(t, s, tenant, "wiki")
	mustAssign(t, s, tenant, storage.AppAssignment{App: app.ID, User: user.ID})
	token := sha256.Sum256([]byte("ascii-token"))
	if _, err := s.CreateCredential(ctx, tenant, "okta", token[:]); err != nil {
		t.Fatal(err)
	}
	noop := func(storage.Resource) (storage.Edit, error) { return storage.Edit{}, nil }

	calls := []struct {
		name string
		call func(id string) (string, error) // a result to compare, and the error
	}{
		{"Get User", func(id string) (string, error) {
			_, err := s.Get(ctx, tenant, users, id, storage.GetOptions{})
			return "", err
		}},
		{"Get User with groups and apps", func(id string) (string, error) {
			_, err := s.Get(ctx, tenant, users, id, storage.GetOptions{Groups: true, Apps: true})
			return "", err
		}},
		{"Get Group with members", func(id string) (string, error) {
			_, err := s.Get(ctx, tenant, groups, id, storage.GetOptions{Members: true})
			return "", err
		}},
		{"Update User", func(id string) (string, error) {
			_, err := s.Update(ctx, tenant, users, id, storage.UpdateOptions{}, noop)
			return "", err
		}},
		{"Update Group", func(id string) (string, error) {
			_, err := s.Update(ctx, tenant, groups, id, storage.UpdateOptions{Members: true}, noop)
			return "", err
		}},
		{"Delete User", func(id string) (string, error) { return "", s.Delete(ctx, tenant, users, id, 0) }},
		{"Delete Group at a version", func(id string) (string, error) { return "", s.Delete(ctx, tenant, groups, id, 1) }},
		{"EachMember", func(id string) (string, error) {
			n := 0
			err := s.EachMember(ctx, tenant, id, func(storage.Member) error { n++; return nil })
			return fmt.Sprint(n, " members"), err
		}},
		{"Lookup", func(id string) (string, error) {
			got, err := s.Lookup(ctx, tenant, users, id)
			return fmt.Sprint(len(got), " found"), err
		}},
		{"App", func(id string) (string, error) { _, err := s.App(ctx, tenant, id); return "", err }},
		{"UpdateApp", func(id string) (string, error) {
			_, err := s.UpdateApp(ctx, tenant, storage.App{ID: id, Name: "renamed"})
			return "", err
		}},
		{"DeleteApp", func(id string) (string, error) { return "", s.DeleteApp(ctx, tenant, id) }},
		{"Assign to an unknown app", func(id string) (string, error) {
			_, err := s.Assign(ctx, tenant, storage.AppAssignment{App: id, User: user.ID})
			return "", err
		}},
		{"Assign an unknown user", func(id string) (string, error) {
			_, err := s.Assign(ctx, tenant, storage.AppAssignment{App: app.ID, User: id})
			return "", err
		}},
		{"Unassign from an unknown app", func(id string) (string, error) { return "", s.Unassign(ctx, tenant, id, user.ID) }},
		{"Unassign an unknown user", func(id string) (string, error) { return "", s.Unassign(ctx, tenant, app.ID, id) }},
		{"UserApps", func(id string) (string, error) { _, err := s.UserApps(ctx, tenant, id); return "", err }},
		{"RevokeCredential", func(id string) (string, error) { return "", s.RevokeCredential(ctx, tenant, id) }},
		{"TouchCredential", func(id string) (string, error) { return "", s.TouchCredential(ctx, tenant, id, time.Now()) }},
		{"Audit of a resource", func(id string) (string, error) {
			page, err := s.Audit(ctx, tenant, storage.AuditQuery{ResourceID: id})
			return fmt.Sprint(len(page.Entries), " entries"), err
		}},
		{"Audit of a resource type", func(id string) (string, error) {
			page, err := s.Audit(ctx, tenant, storage.AuditQuery{ResourceType: id})
			return fmt.Sprint(len(page.Entries), " entries"), err
		}},
		{"Tenant", func(id string) (string, error) { _, err := s.Tenant(ctx, id); return "", err }},
		{"Authenticate", func(id string) (string, error) { _, _, err := s.Authenticate(ctx, id, token[:]); return "", err }},
		{"Create Group with an unknown member", func(id string) (string, error) {
			_, err := s.Create(ctx, tenant, groups, storage.Resource{Attributes: groupDoc("g-" + id),
				Members: []storage.Member{{Value: user.ID}, {Value: id}}})
			return "", err
		}},
		{"add an unknown member", func(id string) (string, error) {
			_, err := s.Update(ctx, tenant, groups, group.ID, storage.UpdateOptions{},
				edit(storage.Edit{AddMembers: []storage.Member{{Value: id}}}))
			return "", err
		}},
		{"add an unknown user", func(id string) (string, error) {
			_, err := s.Update(ctx, tenant, groups, group.ID, storage.UpdateOptions{},
				edit(storage.Edit{AddMembers: []storage.Member{{Value: id, Type: schemas.UserType}}}))
			return "", err
		}},
		{"add an unknown member, skipping unknown ones", func(id string) (string, error) {
			g, err := s.Update(ctx, tenant, groups, group.ID, storage.UpdateOptions{Members: true},
				edit(storage.Edit{AddMembers: []storage.Member{{Value: id}}, SkipUnknownMembers: true}))
			return fmt.Sprint(len(g.Members), " members"), err
		}},
		{"replace members with an unknown one, skipping unknown ones", func(id string) (string, error) {
			g, err := s.Update(ctx, tenant, groups, group.ID, storage.UpdateOptions{Members: true},
				edit(storage.Edit{ReplaceMembers: true, Members: []storage.Member{{Value: user.ID}, {Value: id}}, SkipUnknownMembers: true}))
			return fmt.Sprint(len(g.Members), " members"), err
		}},
		{"remove an unknown member", func(id string) (string, error) {
			g, err := s.Update(ctx, tenant, groups, group.ID, storage.UpdateOptions{Members: true},
				edit(storage.Edit{RemoveMembers: []string{id}}))
			return fmt.Sprint(len(g.Members), " members"), err
		}},
		{"an unknown delegate actor", func(id string) (string, error) {
			_, err := s.Update(ctx, tenant, users, user.ID, storage.UpdateOptions{}, setAttrs(func(doc map[string]any) {
				doc[schemas.ScimdUserURN] = map[string]any{"delegates": []any{map[string]any{"actorId": id}}}
			}))
			return "", err
		}},
	}
	for _, c := range calls {
		wantRes, wantErr := c.call("no-such-id")
		want := outcome(wantErr)
		if len(want) > 5 && want[:6] == "other:" {
			t.Fatalf("test bug: %s with an unknown ASCII ID: %v", c.name, wantErr)
		}
		for _, id := range []string{"é", "caf\u00e9-42", "\u4e2d", "x\xff"} {
			res, err := c.call(id)
			if got := outcome(err); got != want || res != wantRes {
				t.Errorf("%s(%q) = %s, %q; want %s, %q as for an unknown ASCII ID", c.name, id, got, res, want, wantRes)
			}
		}
	}
	// A new resource may not take a non-ASCII ID.
	_, err := s.Create(ctx, tenant, users, storage.Resource{ID: "é", Attributes: userDoc("bob")})
	checkValueError(t, "Create with the ID é", err)
	// Nothing changed.
	g := mustGet(t, s, tenant, groups, group.ID, storage.GetOptions{Members: true})
	if len(g.Members) != 1 || g.Members[0].Value != user.ID {
		t.Errorf("group members after the calls = %v, want [%s]", g.Members, user.ID)
	}
	// The group an Update returns holds no member ID it skipped.
	for name, e := range map[string]storage.Edit{
		"add":     {AddMembers: []storage.Member{{Value: "no-such-id"}}, SkipUnknownMembers: true},
		"replace": {ReplaceMembers: true, Members: []storage.Member{{Value: user.ID}, {Value: "no-such-id"}}, SkipUnknownMembers: true},
	} {
		got, err := s.Update(ctx, tenant, groups, group.ID, storage.UpdateOptions{Members: true}, edit(e))
		if err != nil {
			t.Fatalf("%s with a skipped unknown member: %v", name, err)
		}
		if len(got.Members) != 1 || got.Members[0].Value != user.ID {
			t.Errorf("%s with a skipped unknown member returned the members %v, want [%s]", name, got.Members, user.ID)
		}
	}
}
