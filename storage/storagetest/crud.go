package storagetest

import (
	"errors"
	"testing"
	"time"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// aliceDoc is a full User document as the validation layer hands it to
// storage: canonical attribute names, the extension under its URN.
func aliceDoc(managerID string) map[string]any {
	return map[string]any{
		"userName":    "alice",
		"externalId":  "E1",
		"active":      true,
		"displayName": "Alice",
		"name":        map[string]any{"givenName": "Alice", "familyName": "Smith"},
		"emails": []any{
			map[string]any{"value": "alice@example.com", "type": "work", "primary": true},
			map[string]any{"value": "a@home.org", "type": "home"},
		},
		"title": "Engineer",
		schemas.EnterpriseUserURN: map[string]any{
			"employeeNumber": "701984",
			"department":     "Sales",
			"manager":        map[string]any{"value": managerID},
		},
	}
}

func testUserCRUD(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")

	before := time.Now()
	bob := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("bob")})
	doc := aliceDoc(bob.ID)
	alice := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: cloneDoc(doc)})
	after := time.Now()

	if alice.ID == bob.ID {
		t.Fatalf("two users got the same ID %q", alice.ID)
	}
	checkDoc(t, "Create result", alice.Attributes, doc)
	checkRecent(t, "Create: meta.created", alice.Meta.Created, before, after)
	checkRecent(t, "Create: meta.lastModified", alice.Meta.LastModified, before, after)
	if alice.Meta.Version != 1 {
		t.Errorf("Create: version = %d, want 1", alice.Meta.Version)
	}
	if alice.Meta.LastModified.Before(alice.Meta.Created) {
		t.Errorf("Create: lastModified %v before created %v", alice.Meta.LastModified, alice.Meta.Created)
	}

	got := mustGet(t, s, tenant, &set.User, alice.ID, storage.GetOptions{})
	if got.ID != alice.ID {
		t.Errorf("Get: ID = %q, want %q", got.ID, alice.ID)
	}
	checkDoc(t, "Get", got.Attributes, doc)
	checkMeta(t, "Get after Create", got.Meta, alice.Meta)
	if got.Groups != nil || got.Members != nil {
		t.Errorf("Get without options: Groups = %v, Members = %v, want nil", got.Groups, got.Members)
	}

	// Update: change one attribute, drop another.
	time.Sleep(20 * time.Millisecond)
	beforeUpdate := time.Now()
	updated := mustUpdate(t, s, tenant, &set.User, alice.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
		d["title"] = "Senior Engineer"
		delete(d, "displayName")
	}))
	afterUpdate := time.Now()
	wantDoc := cloneDoc(doc)
	wantDoc["title"] = "Senior Engineer"
	delete(wantDoc, "displayName")
	checkDoc(t, "Update result", updated.Attributes, wantDoc)
	if updated.Meta.Version != 2 {
		t.Errorf("Update: version = %d, want 2", updated.Meta.Version)
	}
	if !updated.Meta.Created.Equal(alice.Meta.Created) {
		t.Errorf("Update: created changed from %v to %v", alice.Meta.Created, updated.Meta.Created)
	}
	if !updated.Meta.LastModified.After(alice.Meta.LastModified) {
		t.Errorf("Update: lastModified %v not after %v", updated.Meta.LastModified, alice.Meta.LastModified)
	}
	checkRecent(t, "Update: meta.lastModified", updated.Meta.LastModified, beforeUpdate, afterUpdate)

	got = mustGet(t, s, tenant, &set.User, alice.ID, storage.GetOptions{})
	checkDoc(t, "Get after Update", got.Attributes, wantDoc)
	checkMeta(t, "Get after Update", got.Meta, updated.Meta)

	// List sees both users.
	page := listAll(t, s, tenant, &set.User, storage.Query{})
	if page.Total != 2 || len(page.Resources) != 2 {
		t.Errorf("List: Total = %d, %d resources, want 2 and 2", page.Total, len(page.Resources))
	}
	for _, r := range page.Resources {
		if r.ID == alice.ID {
			checkDoc(t, "List", r.Attributes, wantDoc)
			checkMeta(t, "List", r.Meta, updated.Meta)
		}
	}

	// Delete.
	if err := s.Delete(ctx, tenant, &set.User, alice.ID, 0); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err := s.Get(ctx, tenant, &set.User, alice.ID, storage.GetOptions{})
	checkErrIs(t, "Get after Delete", err, storage.ErrNotFound)
	err = s.Delete(ctx, tenant, &set.User, alice.ID, 0)
	checkErrIs(t, "second Delete", err, storage.ErrNotFound)
	page = listAll(t, s, tenant, &set.User, storage.Query{})
	if got := ids(page.Resources); page.Total != 1 || len(got) != 1 || got[0] != bob.ID {
		t.Errorf("List after Delete: Total = %d, IDs %v, want only bob %s", page.Total, got, bob.ID)
	}
}

func testGroupCRUD(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")

	u := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("alice")})
	doc := map[string]any{"displayName": "Admins", "externalId": "G-1"}
	before := time.Now()
	g := mustCreate(t, s, tenant, &set.Group, storage.Resource{
		Attributes: cloneDoc(doc),
		Members:    []storage.Member{userMember(u.ID)},
	})
	after := time.Now()
	if g.ID == u.ID {
		t.Errorf("group and user share ID %q", g.ID)
	}
	checkDoc(t, "Create group", g.Attributes, doc)
	checkRecent(t, "Create group: meta.created", g.Meta.Created, before, after)
	checkRecent(t, "Create group: meta.lastModified", g.Meta.LastModified, before, after)
	if g.Meta.Version != 1 {
		t.Errorf("Create group: version = %d, want 1", g.Meta.Version)
	}

	got := mustGet(t, s, tenant, &set.Group, g.ID, storage.GetOptions{})
	checkDoc(t, "Get group", got.Attributes, doc)
	checkMeta(t, "Get group", got.Meta, g.Meta)
	if got.Members != nil {
		t.Errorf("Get group without Members option: Members = %v, want nil", got.Members)
	}
	got = mustGet(t, s, tenant, &set.Group, g.ID, storage.GetOptions{Members: true})
	checkMembers(t, "Get group with Members", got.Members, userMember(u.ID))
	if _, ok := got.Attributes["members"]; ok {
		t.Errorf("Get group: members must not be part of Attributes: %s", jsonString(got.Attributes))
	}

	time.Sleep(20 * time.Millisecond)
	updated := mustUpdate(t, s, tenant, &set.Group, g.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
		d["displayName"] = "Administrators"
	}))
	wantDoc := map[string]any{"displayName": "Administrators", "externalId": "G-1"}
	checkDoc(t, "Update group", updated.Attributes, wantDoc)
	if updated.Meta.Version != 2 {
		t.Errorf("Update group: version = %d, want 2", updated.Meta.Version)
	}
	if !updated.Meta.Created.Equal(g.Meta.Created) {
		t.Errorf("Update group: created changed from %v to %v", g.Meta.Created, updated.Meta.Created)
	}
	if !updated.Meta.LastModified.After(g.Meta.LastModified) {
		t.Errorf("Update group: lastModified %v not after %v", updated.Meta.LastModified, g.Meta.LastModified)
	}
	got = mustGet(t, s, tenant, &set.Group, g.ID, storage.GetOptions{Members: true})
	checkDoc(t, "Get group after Update", got.Attributes, wantDoc)
	checkMembers(t, "Get group after attribute Update", got.Members, userMember(u.ID))

	if err := s.Delete(ctx, tenant, &set.Group, g.ID, 0); err != nil {
		t.Fatalf("Delete group: %v", err)
	}
	_, err := s.Get(ctx, tenant, &set.Group, g.ID, storage.GetOptions{})
	checkErrIs(t, "Get group after Delete", err, storage.ErrNotFound)
	// Deleting a group leaves its members alone.
	mustGet(t, s, tenant, &set.User, u.ID, storage.GetOptions{})
	if p := listAll(t, s, tenant, &set.Group, storage.Query{}); p.Total != 0 || len(p.Resources) != 0 {
		t.Errorf("List groups after Delete: Total = %d, %d resources, want 0", p.Total, len(p.Resources))
	}
}

func testUpdateSemantics(t *testing.T, s storage.Store) {
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	doc := aliceDoc("m-1")
	u := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: cloneDoc(doc)})

	// fn sees the stored resource.
	calls := 0
	mustUpdate(t, s, tenant, &set.User, u.ID, storage.UpdateOptions{}, func(cur storage.Resource) (storage.Edit, error) {
		calls++
		if cur.ID != u.ID {
			t.Errorf("fn: cur.ID = %q, want %q", cur.ID, u.ID)
		}
		checkDoc(t, "fn: cur.Attributes", cur.Attributes, doc)
		checkMeta(t, "fn: cur.Meta", cur.Meta, u.Meta)
		return storage.Edit{}, nil
	})
	if calls == 0 {
		t.Errorf("Update did not call fn")
	}

	time.Sleep(20 * time.Millisecond)
	for _, tc := range []struct {
		name string
		fn   func(storage.Resource) (storage.Edit, error)
	}{
		{name: "empty edit", fn: edit(storage.Edit{})},
		{name: "same document", fn: setAttrs(func(map[string]any) {})},
	} {
		r := mustUpdate(t, s, tenant, &set.User, u.ID, storage.UpdateOptions{}, tc.fn)
		if r.Meta.Version != 1 {
			t.Errorf("%s: version = %d, want 1 (an edit that changes nothing keeps the version)", tc.name, r.Meta.Version)
		}
		checkDoc(t, tc.name, r.Attributes, doc)
		got := mustGet(t, s, tenant, &set.User, u.ID, storage.GetOptions{})
		checkMeta(t, tc.name+": Get", got.Meta, u.Meta)
	}

	// Touch bumps the version without changing the document.
	touched := mustUpdate(t, s, tenant, &set.User, u.ID, storage.UpdateOptions{}, edit(storage.Edit{Touch: true}))
	if touched.Meta.Version != 2 {
		t.Errorf("Touch: version = %d, want 2", touched.Meta.Version)
	}
	if touched.Meta.LastModified.Before(u.Meta.LastModified) {
		t.Errorf("Touch: lastModified went back from %v to %v", u.Meta.LastModified, touched.Meta.LastModified)
	}
	checkDoc(t, "Touch", touched.Attributes, doc)
	got := mustGet(t, s, tenant, &set.User, u.ID, storage.GetOptions{})
	checkMeta(t, "Get after Touch", got.Meta, touched.Meta)

	// Each real change bumps the version by one.
	for i := range 3 {
		r := mustUpdate(t, s, tenant, &set.User, u.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
			d["nickName"] = "n" + string(rune('a'+i))
		}))
		if want := int64(3 + i); r.Meta.Version != want {
			t.Errorf("change %d: version = %d, want %d", i, r.Meta.Version, want)
		}
	}

	// A matching IfVersion succeeds.
	r := mustUpdate(t, s, tenant, &set.User, u.ID, storage.UpdateOptions{IfVersion: 5}, setAttrs(func(d map[string]any) {
		d["title"] = "CTO"
	}))
	if r.Meta.Version != 6 || r.Attributes["title"] != "CTO" {
		t.Errorf("Update with matching IfVersion: version %d, title %v; want 6, CTO", r.Meta.Version, r.Attributes["title"])
	}
}

func testVersionMismatch(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	u := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("alice")})
	v2 := mustUpdate(t, s, tenant, &set.User, u.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) { d["title"] = "v2" }))

	for _, tc := range []struct {
		name string
		fn   func(storage.Resource) (storage.Edit, error)
	}{
		{name: "change", fn: setAttrs(func(d map[string]any) { d["title"] = "stale" })},
		{name: "no-op", fn: edit(storage.Edit{})},
		{name: "touch", fn: edit(storage.Edit{Touch: true})},
	} {
		_, err := s.Update(ctx, tenant, &set.User, u.ID, storage.UpdateOptions{IfVersion: 1}, tc.fn)
		checkErrIs(t, "Update with stale IfVersion ("+tc.name+")", err, storage.ErrVersionMismatch)
		_, err = s.Update(ctx, tenant, &set.User, u.ID, storage.UpdateOptions{IfVersion: 99}, tc.fn)
		checkErrIs(t, "Update with future IfVersion ("+tc.name+")", err, storage.ErrVersionMismatch)
	}
	got := mustGet(t, s, tenant, &set.User, u.ID, storage.GetOptions{})
	checkMeta(t, "after failed Updates", got.Meta, v2.Meta)
	checkDoc(t, "after failed Updates", got.Attributes, v2.Attributes)

	err := s.Delete(ctx, tenant, &set.User, u.ID, 1)
	checkErrIs(t, "Delete with stale ifVersion", err, storage.ErrVersionMismatch)
	got = mustGet(t, s, tenant, &set.User, u.ID, storage.GetOptions{})
	checkMeta(t, "after failed Delete", got.Meta, v2.Meta)

	if err := s.Delete(ctx, tenant, &set.User, u.ID, 2); err != nil {
		t.Fatalf("Delete with current ifVersion: %v", err)
	}
	_, err = s.Get(ctx, tenant, &set.User, u.ID, storage.GetOptions{})
	checkErrIs(t, "Get after Delete", err, storage.ErrNotFound)

	// Groups too.
	g := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("G")})
	_, err = s.Update(ctx, tenant, &set.Group, g.ID, storage.UpdateOptions{IfVersion: 2}, edit(storage.Edit{Touch: true}))
	checkErrIs(t, "group Update with wrong IfVersion", err, storage.ErrVersionMismatch)
	err = s.Delete(ctx, tenant, &set.Group, g.ID, 7)
	checkErrIs(t, "group Delete with wrong ifVersion", err, storage.ErrVersionMismatch)
	mustGet(t, s, tenant, &set.Group, g.ID, storage.GetOptions{})
}

func testUpdateFnError(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	u := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("alice")})
	u2 := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("bob")})
	g := mustCreate(t, s, tenant, &set.Group, storage.Resource{
		Attributes: groupDoc("G"),
		Members:    []storage.Member{userMember(u.ID)},
	})

	boom := errors.New("boom")
	_, err := s.Update(ctx, tenant, &set.User, u.ID, storage.UpdateOptions{}, func(cur storage.Resource) (storage.Edit, error) {
		return storage.Edit{Attributes: map[string]any{"userName": "changed"}, Touch: true}, boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("Update: error = %v, want the fn's error", err)
	}
	got := mustGet(t, s, tenant, &set.User, u.ID, storage.GetOptions{})
	checkMeta(t, "user after failed fn", got.Meta, u.Meta)
	checkDoc(t, "user after failed fn", got.Attributes, u.Attributes)

	// A wrapped error is returned so that errors.Is still finds it.
	_, err = s.Update(ctx, tenant, &set.Group, g.ID, storage.UpdateOptions{}, func(cur storage.Resource) (storage.Edit, error) {
		return storage.Edit{
			Attributes:    groupDoc("changed"),
			AddMembers:    []storage.Member{userMember(u2.ID)},
			RemoveMembers: []string{u.ID},
		}, &wrapErr{boom}
	})
	if !errors.Is(err, boom) {
		t.Errorf("group Update: error = %v, want the fn's error", err)
	}
	gotG := mustGet(t, s, tenant, &set.Group, g.ID, storage.GetOptions{Members: true})
	checkMeta(t, "group after failed fn", gotG.Meta, g.Meta)
	checkDoc(t, "group after failed fn", gotG.Attributes, g.Attributes)
	checkMembers(t, "group after failed fn", gotG.Members, userMember(u.ID))
}

type wrapErr struct{ err error }

func (e *wrapErr) Error() string { return "wrapped: " + e.err.Error() }
func (e *wrapErr) Unwrap() error { return e.err }

func testNotFound(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	u := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("alice")})
	g := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("G")})

	for _, tc := range []struct {
		name string
		rt   *schemas.ResourceType
		id   string
	}{
		{name: "unknown user id", rt: &set.User, id: "does-not-exist"},
		{name: "unknown uuid", rt: &set.User, id: "00000000-0000-0000-0000-000000000000"},
		{name: "empty id", rt: &set.User, id: ""},
		{name: "unknown group id", rt: &set.Group, id: "does-not-exist"},
		{name: "user id as group", rt: &set.Group, id: u.ID},
		{name: "group id as user", rt: &set.User, id: g.ID},
	} {
		_, err := s.Get(ctx, tenant, tc.rt, tc.id, storage.GetOptions{Members: true, Groups: true})
		checkErrIs(t, tc.name+": Get", err, storage.ErrNotFound)
		called := false
		_, err = s.Update(ctx, tenant, tc.rt, tc.id, storage.UpdateOptions{}, func(cur storage.Resource) (storage.Edit, error) {
			called = true
			return storage.Edit{Touch: true}, nil
		})
		checkErrIs(t, tc.name+": Update", err, storage.ErrNotFound)
		if called {
			t.Errorf("%s: Update called fn for a missing resource", tc.name)
		}
		err = s.Delete(ctx, tenant, tc.rt, tc.id, 0)
		checkErrIs(t, tc.name+": Delete", err, storage.ErrNotFound)
		err = s.Delete(ctx, tenant, tc.rt, tc.id, 1)
		checkErrIs(t, tc.name+": Delete with ifVersion", err, storage.ErrNotFound)
	}
	// The resources used with the wrong type are untouched.
	if got := mustGet(t, s, tenant, &set.User, u.ID, storage.GetOptions{}); got.Meta.Version != 1 {
		t.Errorf("user version = %d after calls through the Group type, want 1", got.Meta.Version)
	}
	if got := mustGet(t, s, tenant, &set.Group, g.ID, storage.GetOptions{}); got.Meta.Version != 1 {
		t.Errorf("group version = %d after calls through the User type, want 1", got.Meta.Version)
	}
	// An unknown tenant has nothing.
	_, err := s.Get(ctx, storage.TenantID("no-such-tenant"), &set.User, u.ID, storage.GetOptions{})
	checkErrIs(t, "Get in unknown tenant", err, storage.ErrNotFound)
}

func checkMeta(t *testing.T, what string, got, want storage.Meta) {
	t.Helper()
	if !got.Created.Equal(want.Created) || !got.LastModified.Equal(want.LastModified) || got.Version != want.Version {
		t.Errorf("%s: meta = {created %v, lastModified %v, version %d}, want {created %v, lastModified %v, version %d}",
			what, got.Created, got.LastModified, got.Version, want.Created, want.LastModified, want.Version)
	}
}

func testCreateMany(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	count := func(rt *schemas.ResourceType) int {
		t.Helper()
		return listAll(t, s, tenant, rt, storage.Query{}).Total
	}

	docs := []map[string]any{aliceDoc("m-1"), userDoc("bob"), {"userName": "carol", "externalId": "E1"}}
	var list []storage.Resource
	for _, d := range docs {
		list = append(list, storage.Resource{Attributes: cloneDoc(d)})
	}
	before := time.Now()
	rs, err := s.CreateMany(ctx, tenant, &set.User, list)
	after := time.Now()
	if err != nil {
		t.Fatalf("CreateMany: %v", err)
	}
	if len(rs) != len(docs) {
		t.Fatalf("CreateMany returned %d resources, want %d", len(rs), len(docs))
	}
	seen := map[string]bool{}
	for i, r := range rs {
		if r.ID == "" || seen[r.ID] {
			t.Errorf("CreateMany result %d: ID %q is empty or repeated", i, r.ID)
		}
		seen[r.ID] = true
		checkDoc(t, "CreateMany result (in input order)", r.Attributes, docs[i])
		if r.Meta.Version != 1 {
			t.Errorf("CreateMany result %d: version %d, want 1", i, r.Meta.Version)
		}
		checkRecent(t, "CreateMany: meta.created", r.Meta.Created, before, after)
		got := mustGet(t, s, tenant, &set.User, r.ID, storage.GetOptions{})
		checkDoc(t, "Get after CreateMany", got.Attributes, docs[i])
		checkMeta(t, "Get after CreateMany", got.Meta, r.Meta)
	}

	// All or nothing.
	for _, tc := range []struct {
		name  string
		names []string
	}{
		{name: "taken userName", names: []string{"dave", "ALICE", "erin"}},
		{name: "duplicate within the batch", names: []string{"dave", "erin", "Dave"}},
	} {
		var list []storage.Resource
		for _, n := range tc.names {
			list = append(list, storage.Resource{Attributes: userDoc(n)})
		}
		_, err := s.CreateMany(ctx, tenant, &set.User, list)
		checkErrIs(t, "CreateMany with "+tc.name, err, storage.ErrConflict)
		if n := count(&set.User); n != 3 {
			t.Errorf("CreateMany with %s left %d users, want 3", tc.name, n)
		}
	}

	// Groups with members.
	gs, err := s.CreateMany(ctx, tenant, &set.Group, []storage.Resource{
		{Attributes: groupDoc("A"), Members: []storage.Member{userMember(rs[0].ID), userMember(rs[1].ID)}},
		{Attributes: groupDoc("B"), Members: []storage.Member{userMember(rs[2].ID)}},
	})
	if err != nil {
		t.Fatalf("CreateMany groups: %v", err)
	}
	if len(gs) != 2 {
		t.Fatalf("CreateMany groups returned %d, want 2", len(gs))
	}
	checkMembers(t, "group A", mustGet(t, s, tenant, &set.Group, gs[0].ID, storage.GetOptions{Members: true}).Members, userMember(rs[0].ID), userMember(rs[1].ID))
	checkMembers(t, "group B", mustGet(t, s, tenant, &set.Group, gs[1].ID, storage.GetOptions{Members: true}).Members, userMember(rs[2].ID))
	_, err = s.CreateMany(ctx, tenant, &set.Group, []storage.Resource{
		{Attributes: groupDoc("C"), Members: []storage.Member{userMember(rs[0].ID)}},
		{Attributes: groupDoc("D"), Members: []storage.Member{userMember("no-such-id")}},
	})
	checkValueError(t, "CreateMany group with unknown member", err)
	if n := count(&set.Group); n != 2 {
		t.Errorf("failed CreateMany of groups left %d groups, want 2", n)
	}
}
