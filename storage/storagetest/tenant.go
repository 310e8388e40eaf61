package storagetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

func testTenants(t *testing.T, s storage.Store) {
	ctx := t.Context()

	list, err := s.Tenants(ctx)
	if err != nil {
		t.Fatalf("Tenants on an empty store: %v", err)
	}
	if len(list) != 0 {
		t.Errorf("Tenants on an empty store = %v, want none", list)
	}

	before := time.Now()
	beta, err := s.CreateTenant(ctx, "beta")
	if err != nil {
		t.Fatalf("CreateTenant: %v", err)
	}
	alpha, err := s.CreateTenant(ctx, "alpha")
	if err != nil {
		t.Fatalf("CreateTenant: %v", err)
	}
	after := time.Now()
	if alpha.ID == "" || beta.ID == "" || alpha.ID == beta.ID {
		t.Fatalf("tenant IDs %q and %q: want distinct and non-empty", alpha.ID, beta.ID)
	}
	if alpha.Name != "alpha" || beta.Name != "beta" {
		t.Errorf("tenant names = %q, %q; want alpha, beta", alpha.Name, beta.Name)
	}
	checkRecent(t, "tenant created", alpha.Created, before, after)

	_, err = s.CreateTenant(ctx, "alpha")
	checkErrIs(t, "CreateTenant duplicate", err, storage.ErrConflict)

	got, err := s.Tenant(ctx, "alpha")
	if err != nil {
		t.Fatalf("Tenant(alpha): %v", err)
	}
	if got.ID != alpha.ID || got.Name != "alpha" || !got.Created.Equal(alpha.Created) {
		t.Errorf("Tenant(alpha) = %+v, want %+v", got, alpha)
	}
	_, err = s.Tenant(ctx, "gamma")
	checkErrIs(t, "Tenant(unknown)", err, storage.ErrNotFound)

	list, err = s.Tenants(ctx)
	if err != nil {
		t.Fatalf("Tenants: %v", err)
	}
	if len(list) != 2 || list[0].ID != alpha.ID || list[1].ID != beta.ID {
		t.Errorf("Tenants = %+v, want alpha then beta", list)
	}

	if err := s.DeleteTenant(ctx, beta.ID); err != nil {
		t.Fatalf("DeleteTenant: %v", err)
	}
	_, err = s.Tenant(ctx, "beta")
	checkErrIs(t, "Tenant after DeleteTenant", err, storage.ErrNotFound)
	list, err = s.Tenants(ctx)
	if err != nil {
		t.Fatalf("Tenants: %v", err)
	}
	if len(list) != 1 || list[0].ID != alpha.ID {
		t.Errorf("Tenants after DeleteTenant = %+v, want only alpha", list)
	}
	// The name is free again.
	again, err := s.CreateTenant(ctx, "beta")
	if err != nil {
		t.Fatalf("CreateTenant after DeleteTenant: %v", err)
	}
	if again.ID == beta.ID {
		t.Errorf("re-created tenant reuses the deleted tenant's ID %q", beta.ID)
	}
}

func testTenantIsolation(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	a := mustTenant(t, s, "a")
	b := mustTenant(t, s, "b")

	// Tenant A: three users and a group.
	var aUsers []storage.Resource
	for _, n := range []string{"alice", "bob", "carol"} {
		aUsers = append(aUsers, mustCreate(t, s, a, &set.User, storage.Resource{Attributes: map[string]any{"userName": n, "externalId": "X"}}))
	}
	aGroup := mustCreate(t, s, a, &set.Group, storage.Resource{
		Attributes: groupDoc("Admins"),
		Members:    []storage.Member{userMember(aUsers[0].ID)},
	})
	// Tenant B: the same userName, and a group.
	bUser := mustCreate(t, s, b, &set.User, storage.Resource{Attributes: map[string]any{"userName": "alice", "externalId": "X"}})
	bGroup := mustCreate(t, s, b, &set.Group, storage.Resource{Attributes: groupDoc("Admins")})

	// A's resources do not exist in B.
	for _, tc := range []struct {
		rt *schemas.ResourceType
		id string
	}{
		{rt: &set.User, id: aUsers[0].ID},
		{rt: &set.Group, id: aGroup.ID},
	} {
		_, err := s.Get(ctx, b, tc.rt, tc.id, storage.GetOptions{Members: true, Groups: true})
		checkErrIs(t, "Get "+tc.rt.Name+" of A from B", err, storage.ErrNotFound)
		called := false
		_, err = s.Update(ctx, b, tc.rt, tc.id, storage.UpdateOptions{}, func(storage.Resource) (storage.Edit, error) {
			called = true
			return storage.Edit{Attributes: map[string]any{"userName": "hacked", "displayName": "hacked"}}, nil
		})
		checkErrIs(t, "Update "+tc.rt.Name+" of A from B", err, storage.ErrNotFound)
		if called {
			t.Errorf("Update from B called fn with A's %s", tc.rt.Name)
		}
		err = s.Delete(ctx, b, tc.rt, tc.id, 0)
		checkErrIs(t, "Delete "+tc.rt.Name+" of A from B", err, storage.ErrNotFound)
	}
	gotUser := mustGet(t, s, a, &set.User, aUsers[0].ID, storage.GetOptions{Groups: true})
	checkMeta(t, "A's user after B's attempts", gotUser.Meta, aUsers[0].Meta)
	checkDoc(t, "A's user after B's attempts", gotUser.Attributes, aUsers[0].Attributes)
	if len(gotUser.Groups) != 1 || gotUser.Groups[0].Value != aGroup.ID {
		t.Errorf("A's user groups = %+v, want only A's group", gotUser.Groups)
	}
	gotGroup := mustGet(t, s, a, &set.Group, aGroup.ID, storage.GetOptions{Members: true})
	checkMeta(t, "A's group after B's attempts", gotGroup.Meta, aGroup.Meta)
	checkMembers(t, "A's group after B's attempts", gotGroup.Members, userMember(aUsers[0].ID))

	// B cannot make A's users members of its groups, nor A of B's.
	_, err := s.Update(ctx, b, &set.Group, bGroup.ID, storage.UpdateOptions{}, edit(storage.Edit{AddMembers: []storage.Member{userMember(aUsers[1].ID)}}))
	checkValueError(t, "B adds A's user to a group", err)
	_, err = s.Update(ctx, b, &set.Group, bGroup.ID, storage.UpdateOptions{}, edit(storage.Edit{ReplaceMembers: true, Members: []storage.Member{userMember(aUsers[1].ID)}}))
	checkValueError(t, "B replaces members with A's user", err)
	_, err = s.Create(ctx, b, &set.Group, storage.Resource{Attributes: groupDoc("Sneaky"), Members: []storage.Member{groupMember(aGroup.ID)}})
	checkValueError(t, "B creates a group with A's group as member", err)
	if g := mustGet(t, s, b, &set.Group, bGroup.ID, storage.GetOptions{Members: true}); len(g.Members) != 0 {
		t.Errorf("B's group members = %v, want none", g.Members)
	}

	// Lists and counts.
	for _, tc := range []struct {
		name   string
		tenant storage.TenantID
		rt     *schemas.ResourceType
		filter string
		want   []string
	}{
		{name: "B users", tenant: b, rt: &set.User, want: []string{bUser.ID}},
		{name: "B users by externalId", tenant: b, rt: &set.User, filter: `externalId eq "X"`, want: []string{bUser.ID}},
		{name: "B users by userName", tenant: b, rt: &set.User, filter: `userName eq "bob"`, want: []string{}},
		{name: "B users by A's id", tenant: b, rt: &set.User, filter: `id eq "` + aUsers[0].ID + `"`, want: []string{}},
		{name: "B users by A's group", tenant: b, rt: &set.User, filter: `groups.value eq "` + aGroup.ID + `"`, want: []string{}},
		{name: "B groups", tenant: b, rt: &set.Group, want: []string{bGroup.ID}},
		{name: "B groups by A's member", tenant: b, rt: &set.Group, filter: `members.value eq "` + aUsers[0].ID + `"`, want: []string{}},
		{name: "A users", tenant: a, rt: &set.User, want: sortedCopy(ids(aUsers))},
		{name: "A groups by member", tenant: a, rt: &set.Group, filter: `members pr`, want: []string{aGroup.ID}},
	} {
		q := storage.Query{}
		if tc.filter != "" {
			q.Filter = mustParseFilter(t, tc.filter)
		}
		p := listAll(t, s, tc.tenant, tc.rt, q)
		if got := sortedCopy(ids(p.Resources)); !slices.Equal(got, sortedCopy(tc.want)) || p.Total != len(tc.want) {
			t.Errorf("%s: IDs %v (Total %d), want %v", tc.name, got, p.Total, tc.want)
		}
		q.Count, q.StartIndex = 0, 1
		p, err := s.List(ctx, tc.tenant, tc.rt, q)
		if err != nil {
			t.Fatalf("%s: List Count 0: %v", tc.name, err)
		}
		if p.Total != len(tc.want) {
			t.Errorf("%s: count = %d, want %d", tc.name, p.Total, len(tc.want))
		}
	}

	// A keyset cursor from A used in B shows nothing of A.
	for _, sortBy := range []string{"", "userName"} {
		q := storage.Query{Keyset: true, Count: 1}
		if sortBy != "" {
			q.SortBy = mustParsePath(t, sortBy)
		}
		p, err := s.List(ctx, a, &set.User, q)
		if err != nil {
			t.Fatalf("List A: %v", err)
		}
		if p.NextCursor == "" {
			t.Fatalf("A's first page of 1 of 3 users has no NextCursor")
		}
		q.Cursor = p.NextCursor
		p, err = s.List(ctx, b, &set.User, q)
		if err != nil && !errors.Is(err, storage.ErrInvalidCursor) {
			t.Errorf("A's cursor in B (sortBy %q): error = %v, want nil or ErrInvalidCursor", sortBy, err)
		}
		for _, r := range p.Resources {
			if r.ID != bUser.ID {
				t.Errorf("A's cursor in B (sortBy %q) returned %s", sortBy, r.ID)
			}
		}
	}

	// Deleting B leaves A intact.
	if err := s.DeleteTenant(ctx, b); err != nil {
		t.Fatalf("DeleteTenant(B): %v", err)
	}
	_, err = s.Get(ctx, b, &set.User, bUser.ID, storage.GetOptions{})
	checkErrIs(t, "Get B's user after DeleteTenant", err, storage.ErrNotFound)
	p := listAll(t, s, a, &set.User, storage.Query{})
	if got := sortedCopy(ids(p.Resources)); !slices.Equal(got, sortedCopy(ids(aUsers))) || p.Total != 3 {
		t.Errorf("A's users after DeleteTenant(B): %v (Total %d), want %v", got, p.Total, sortedCopy(ids(aUsers)))
	}
	gotGroup = mustGet(t, s, a, &set.Group, aGroup.ID, storage.GetOptions{Members: true})
	checkMembers(t, "A's group after DeleteTenant(B)", gotGroup.Members, userMember(aUsers[0].ID))
	if _, err := s.Tenant(ctx, "a"); err != nil {
		t.Errorf("Tenant(a) after DeleteTenant(B): %v", err)
	}
	// A new tenant B starts empty.
	b2 := mustTenant(t, s, "b")
	if p := listAll(t, s, b2, &set.User, storage.Query{}); p.Total != 0 || len(p.Resources) != 0 {
		t.Errorf("re-created tenant has %d users (Total %d), want none", len(p.Resources), p.Total)
	}
	mustCreate(t, s, b2, &set.User, storage.Resource{Attributes: userDoc("alice")})
}
