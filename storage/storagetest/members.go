package storagetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

func testMembers(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	var u []string
	for i := range 4 {
		u = append(u, mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc(fmt.Sprintf("u%d", i))}).ID)
	}
	inner := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("Inner"), Members: []storage.Member{userMember(u[3])}})
	outer := mustCreate(t, s, tenant, &set.Group, storage.Resource{
		Attributes: groupDoc("Outer"),
		Members:    []storage.Member{userMember(u[0]), groupMember(inner.ID)},
	})
	if outer.Meta.Version != 1 {
		t.Errorf("Create group with members: version = %d, want 1", outer.Meta.Version)
	}

	got := mustGet(t, s, tenant, &set.Group, outer.ID, storage.GetOptions{Members: true})
	checkMembers(t, "Get with Members", got.Members, userMember(u[0]), groupMember(inner.ID))
	if got := mustGet(t, s, tenant, &set.Group, outer.ID, storage.GetOptions{}); got.Members != nil {
		t.Errorf("Get without Members: Members = %v, want nil", got.Members)
	}

	// List loads members only when asked to.
	for _, r := range listAll(t, s, tenant, &set.Group, storage.Query{GetOptions: storage.GetOptions{Members: true}}).Resources {
		switch r.ID {
		case outer.ID:
			checkMembers(t, "List with Members: outer", r.Members, userMember(u[0]), groupMember(inner.ID))
		case inner.ID:
			checkMembers(t, "List with Members: inner", r.Members, userMember(u[3]))
		}
	}
	for _, r := range listAll(t, s, tenant, &set.Group, storage.Query{}).Resources {
		if r.Members != nil {
			t.Errorf("List without Members: %s has Members %v, want nil", r.ID, r.Members)
		}
	}

	// fn sees the member list only when asked to.
	mustUpdate(t, s, tenant, &set.Group, outer.ID, storage.UpdateOptions{}, func(cur storage.Resource) (storage.Edit, error) {
		if cur.Members != nil {
			t.Errorf("Update without Members: fn got Members %v, want nil", cur.Members)
		}
		return storage.Edit{}, nil
	})
	mustUpdate(t, s, tenant, &set.Group, outer.ID, storage.UpdateOptions{Members: true}, func(cur storage.Resource) (storage.Edit, error) {
		checkMembers(t, "Update with Members: fn", cur.Members, userMember(u[0]), groupMember(inner.ID))
		return storage.Edit{}, nil
	})

	version := outer.Meta.Version
	lastModified := outer.Meta.LastModified
	step := func(what string, e storage.Edit, bump bool, want ...storage.Member) {
		t.Helper()
		time.Sleep(5 * time.Millisecond)
		r, err := s.Update(ctx, tenant, &set.Group, outer.ID, storage.UpdateOptions{}, edit(e))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		got := mustGet(t, s, tenant, &set.Group, outer.ID, storage.GetOptions{Members: true})
		checkMembers(t, what, got.Members, want...)
		checkMeta(t, what+": Get after Update", got.Meta, r.Meta)
		if bump {
			if r.Meta.Version != version+1 {
				t.Errorf("%s: version = %d, want %d", what, r.Meta.Version, version+1)
			}
			if !r.Meta.LastModified.After(lastModified) {
				t.Errorf("%s: lastModified %v not after %v", what, r.Meta.LastModified, lastModified)
			}
		} else if r.Meta.Version != version && r.Meta.Version != version+1 {
			t.Errorf("%s: version = %d, want %d (or %d)", what, r.Meta.Version, version, version+1)
		}
		version, lastModified = r.Meta.Version, r.Meta.LastModified
	}

	step("add one", storage.Edit{AddMembers: []storage.Member{userMember(u[1])}}, true,
		userMember(u[0]), groupMember(inner.ID), userMember(u[1]))
	step("add present member again", storage.Edit{AddMembers: []storage.Member{userMember(u[1])}}, false,
		userMember(u[0]), groupMember(inner.ID), userMember(u[1]))
	step("add present and new", storage.Edit{AddMembers: []storage.Member{userMember(u[1]), userMember(u[2])}}, true,
		userMember(u[0]), groupMember(inner.ID), userMember(u[1]), userMember(u[2]))
	step("add same member twice in one edit", storage.Edit{AddMembers: []storage.Member{userMember(u[3]), userMember(u[3])}}, true,
		userMember(u[0]), groupMember(inner.ID), userMember(u[1]), userMember(u[2]), userMember(u[3]))
	step("remove one", storage.Edit{RemoveMembers: []string{u[0]}}, true,
		groupMember(inner.ID), userMember(u[1]), userMember(u[2]), userMember(u[3]))
	step("remove absent", storage.Edit{RemoveMembers: []string{u[0], "no-such-id"}}, false,
		groupMember(inner.ID), userMember(u[1]), userMember(u[2]), userMember(u[3]))
	step("remove nested group", storage.Edit{RemoveMembers: []string{inner.ID}}, true,
		userMember(u[1]), userMember(u[2]), userMember(u[3]))
	step("add and remove", storage.Edit{AddMembers: []storage.Member{userMember(u[0])}, RemoveMembers: []string{u[1]}}, true,
		userMember(u[0]), userMember(u[2]), userMember(u[3]))
	step("replace", storage.Edit{ReplaceMembers: true, Members: []storage.Member{userMember(u[3]), groupMember(inner.ID)}}, true,
		userMember(u[3]), groupMember(inner.ID))
	step("replace ignores add and remove", storage.Edit{
		ReplaceMembers: true,
		Members:        []storage.Member{userMember(u[1])},
		AddMembers:     []storage.Member{userMember(u[2])},
		RemoveMembers:  []string{u[1]},
	}, true, userMember(u[1]))
	step("replace with none", storage.Edit{ReplaceMembers: true}, true)
	step("add to empty group", storage.Edit{AddMembers: []storage.Member{groupMember(inner.ID), userMember(u[0])}}, true,
		groupMember(inner.ID), userMember(u[0]))

	// Attributes and members in one edit are one change.
	time.Sleep(5 * time.Millisecond)
	r := mustUpdate(t, s, tenant, &set.Group, outer.ID, storage.UpdateOptions{}, func(cur storage.Resource) (storage.Edit, error) {
		doc := cloneDoc(cur.Attributes)
		doc["displayName"] = "Outer 2"
		return storage.Edit{Attributes: doc, AddMembers: []storage.Member{userMember(u[2])}}, nil
	})
	if r.Meta.Version != version+1 {
		t.Errorf("attributes and members in one edit: version = %d, want %d", r.Meta.Version, version+1)
	}
	version = r.Meta.Version
	got = mustGet(t, s, tenant, &set.Group, outer.ID, storage.GetOptions{Members: true})
	checkDoc(t, "attributes and members in one edit", got.Attributes, groupDoc("Outer 2"))
	checkMembers(t, "attributes and members in one edit", got.Members, groupMember(inner.ID), userMember(u[0]), userMember(u[2]))

	// Members that do not exist are rejected and nothing changes.
	deleted := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("gone")})
	if err := s.Delete(ctx, tenant, &set.User, deleted.ID, 0); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	for _, tc := range []struct {
		name string
		e    storage.Edit
	}{
		{name: "add unknown id", e: storage.Edit{AddMembers: []storage.Member{userMember("no-such-id")}}},
		{name: "add unknown among known", e: storage.Edit{AddMembers: []storage.Member{userMember(u[1]), userMember("no-such-id")}}},
		{name: "add deleted user", e: storage.Edit{AddMembers: []storage.Member{userMember(deleted.ID)}}},
		{name: "add unknown group", e: storage.Edit{AddMembers: []storage.Member{groupMember("no-such-group")}}},
		{name: "replace with unknown", e: storage.Edit{ReplaceMembers: true, Members: []storage.Member{userMember(u[1]), userMember("no-such-id")}}},
	} {
		_, err := s.Update(ctx, tenant, &set.Group, outer.ID, storage.UpdateOptions{}, edit(tc.e))
		checkValueError(t, tc.name, err)
		got := mustGet(t, s, tenant, &set.Group, outer.ID, storage.GetOptions{Members: true})
		checkMembers(t, tc.name+": members after failure", got.Members, groupMember(inner.ID), userMember(u[0]), userMember(u[2]))
		if got.Meta.Version != version {
			t.Errorf("%s: version = %d after failure, want %d", tc.name, got.Meta.Version, version)
		}
	}
	before := listAll(t, s, tenant, &set.Group, storage.Query{}).Total
	_, err := s.Create(ctx, tenant, &set.Group, storage.Resource{
		Attributes: groupDoc("Broken"),
		Members:    []storage.Member{userMember(u[0]), userMember("no-such-id")},
	})
	checkValueError(t, "Create group with unknown member", err)
	if after := listAll(t, s, tenant, &set.Group, storage.Query{}).Total; after != before {
		t.Errorf("failed Create left a group behind: %d groups, want %d", after, before)
	}
}

func testMemberCleanup(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	u1 := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("u1")})
	u2 := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("u2")})
	g1 := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("G1"), Members: []storage.Member{userMember(u1.ID), userMember(u2.ID)}})
	g2 := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("G2"), Members: []storage.Member{userMember(u1.ID), groupMember(g1.ID)}})
	g3 := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("G3"), Members: []storage.Member{userMember(u2.ID)}})

	// Deleting a user removes it from its groups, which changes them.
	time.Sleep(5 * time.Millisecond)
	if err := s.Delete(ctx, tenant, &set.User, u1.ID, 0); err != nil {
		t.Fatalf("Delete user: %v", err)
	}
	got1 := mustGet(t, s, tenant, &set.Group, g1.ID, storage.GetOptions{Members: true})
	checkMembers(t, "G1 after deleting u1", got1.Members, userMember(u2.ID))
	if got1.Meta.Version <= g1.Meta.Version {
		t.Errorf("G1 version = %d after losing a member, want > %d", got1.Meta.Version, g1.Meta.Version)
	}
	if !got1.Meta.LastModified.After(g1.Meta.LastModified) {
		t.Errorf("G1 lastModified %v not after %v after losing a member", got1.Meta.LastModified, g1.Meta.LastModified)
	}
	got2 := mustGet(t, s, tenant, &set.Group, g2.ID, storage.GetOptions{Members: true})
	checkMembers(t, "G2 after deleting u1", got2.Members, groupMember(g1.ID))
	if got2.Meta.Version <= g2.Meta.Version {
		t.Errorf("G2 version = %d after losing a member, want > %d", got2.Meta.Version, g2.Meta.Version)
	}
	// Groups the user was not in are unchanged.
	got3 := mustGet(t, s, tenant, &set.Group, g3.ID, storage.GetOptions{Members: true})
	checkMeta(t, "G3 after deleting u1", got3.Meta, g3.Meta)
	checkMembers(t, "G3 after deleting u1", got3.Members, userMember(u2.ID))

	p := listAll(t, s, tenant, &set.Group, storage.Query{Filter: mustParseFilter(t, `members.value eq "`+u1.ID+`"`)})
	if len(p.Resources) != 0 {
		t.Errorf("groups with deleted member: %v, want none", ids(p.Resources))
	}

	// Deleting a group removes it from the groups it is a member of.
	if err := s.Delete(ctx, tenant, &set.Group, g1.ID, 0); err != nil {
		t.Fatalf("Delete group: %v", err)
	}
	got2b := mustGet(t, s, tenant, &set.Group, g2.ID, storage.GetOptions{Members: true})
	checkMembers(t, "G2 after deleting G1", got2b.Members)
	if got2b.Meta.Version <= got2.Meta.Version {
		t.Errorf("G2 version = %d after losing a member group, want > %d", got2b.Meta.Version, got2.Meta.Version)
	}
	// Its members survive, and no longer list it.
	u := mustGet(t, s, tenant, &set.User, u2.ID, storage.GetOptions{Groups: true})
	if len(u.Groups) != 1 || u.Groups[0].Value != g3.ID {
		t.Errorf("u2 groups after deleting G1 = %+v, want only G3", u.Groups)
	}
	checkNoOrphanMembers(t, s, tenant, "after deleting u1 and G1")
}

func testUserGroups(t *testing.T, s storage.Store) {
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	u1 := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("u1")})
	u2 := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("u2")})
	u3 := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("u3")})
	g1 := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("Admins"), Members: []storage.Member{userMember(u1.ID), userMember(u2.ID)}})
	g2 := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("Engineering"), Members: []storage.Member{userMember(u1.ID), groupMember(g1.ID)}})

	refs := func(gs []storage.GroupRef) []string {
		out := make([]string, 0, len(gs))
		for _, g := range gs {
			out = append(out, g.Value+"="+g.Display+"/"+g.Type)
		}
		slices.Sort(out)
		return out
	}
	check := func(what, id string, want ...storage.GroupRef) {
		t.Helper()
		got := mustGet(t, s, tenant, &set.User, id, storage.GetOptions{Groups: true})
		if g, w := refs(got.Groups), refs(want); !slices.Equal(g, w) {
			t.Errorf("%s: groups = %v, want %v", what, g, w)
		}
	}

	direct, indirect := storage.GroupDirect, storage.GroupIndirect
	// u1 is a member of both itself (and of Engineering through Admins too:
	// direct wins).
	check("u1", u1.ID, storage.GroupRef{Value: g1.ID, Display: "Admins", Type: direct}, storage.GroupRef{Value: g2.ID, Display: "Engineering", Type: direct})
	// u2 is in Engineering through Admins.
	check("u2", u2.ID, storage.GroupRef{Value: g1.ID, Display: "Admins", Type: direct}, storage.GroupRef{Value: g2.ID, Display: "Engineering", Type: indirect})
	check("u3", u3.ID)
	if got := mustGet(t, s, tenant, &set.User, u1.ID, storage.GetOptions{}); got.Groups != nil {
		t.Errorf("Get without Groups: Groups = %v, want nil", got.Groups)
	}

	// List loads groups when asked to.
	for _, r := range listAll(t, s, tenant, &set.User, storage.Query{GetOptions: storage.GetOptions{Groups: true}}).Resources {
		if r.ID == u2.ID && (len(r.Groups) != 2 || r.Groups[0].Type == r.Groups[1].Type) {
			t.Errorf("List with Groups: u2 groups = %+v, want Admins (direct) and Engineering (indirect)", r.Groups)
		}
		if r.ID == u1.ID && len(r.Groups) != 2 {
			t.Errorf("List with Groups: u1 groups = %+v, want 2", r.Groups)
		}
		if r.ID == u3.ID && len(r.Groups) != 0 {
			t.Errorf("List with Groups: u3 groups = %+v, want none", r.Groups)
		}
	}
	for _, r := range listAll(t, s, tenant, &set.User, storage.Query{}).Resources {
		if r.Groups != nil {
			t.Errorf("List without Groups: %s has Groups %+v, want nil", r.ID, r.Groups)
		}
	}

	// The display name follows the group.
	mustUpdate(t, s, tenant, &set.Group, g1.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
		d["displayName"] = "Administrators"
	}))
	check("u1 after rename", u1.ID, storage.GroupRef{Value: g1.ID, Display: "Administrators", Type: direct}, storage.GroupRef{Value: g2.ID, Display: "Engineering", Type: direct})

	// Membership changes show.
	mustUpdate(t, s, tenant, &set.Group, g2.ID, storage.UpdateOptions{}, edit(storage.Edit{RemoveMembers: []string{u1.ID}}))
	mustUpdate(t, s, tenant, &set.Group, g2.ID, storage.UpdateOptions{}, edit(storage.Edit{AddMembers: []storage.Member{userMember(u3.ID)}}))
	check("u1 after removal", u1.ID, storage.GroupRef{Value: g1.ID, Display: "Administrators", Type: direct}, storage.GroupRef{Value: g2.ID, Display: "Engineering", Type: indirect})
	check("u3 after add", u3.ID, storage.GroupRef{Value: g2.ID, Display: "Engineering", Type: direct})
}
