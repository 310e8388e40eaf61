package storagetest

// IDs are compared byte for byte: an ID, member value, app ID or
// credential ID that differs from a stored one by trailing spaces (which
// MySQL's PAD SPACE collations ignore in comparisons), a tab or a leading
// space names nothing, for every call and in filters; a new resource may
// take only an ID of visible ASCII, at most 36 characters.

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// idVariants are IDs that differ from id by white space only.
func idVariants(id string) []string {
	return []string{id + " ", id + "  ", id + "\t", " " + id}
}

func testIDsExact(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	users, groups := &set.User, &set.Group
	tenant := mustTenant(t, s, "exact")
	// IDs chosen so that order comparisons have something on each side:
	// in bytes, "id-a" < "id-a " < "id-a!" < "id-b".
	userA := mustCreate(t, s, tenant, users, storage.Resource{ID: "id-a", Attributes: userDoc("ann")}).ID
	userA2 := mustCreate(t, s, tenant, users, storage.Resource{ID: "id-a!", Attributes: userDoc("bea")}).ID
	userB := mustCreate(t, s, tenant, users, storage.Resource{ID: "id-b", Attributes: userDoc("cyd")}).ID
	group := mustCreate(t, s, tenant, groups, storage.Resource{ID: "gid-1", Attributes: groupDoc("staff"),
		Members: []storage.Member{{Value: userA}}}).ID
	empty := mustCreate(t, s, tenant, groups, storage.Resource{Attributes: groupDoc("empty")}).ID
	app := mustApp(t, s, tenant, "wiki")
	mustAssign(t, s, tenant, storage.AppAssignment{App: app.ID, User: userA})
	token := sha256.Sum256([]byte("exact-token"))
	cred, err := s.CreateCredential(ctx, tenant, "okta", token[:])
	if err != nil {
		t.Fatal(err)
	}
	// Filters compare IDs byte for byte, order comparisons included.
	checkIDFilters(t, s, tenant, userA, userA2, userB, group, empty, app.ID)

	versions := map[string]int64{}
	for _, id := range []string{userA, userA2, userB} {
		versions[id] = mustGet(t, s, tenant, users, id, storage.GetOptions{}).Meta.Version
	}
	noop := func(storage.Resource) (storage.Edit, error) { return storage.Edit{}, nil }

	calls := []struct {
		name, real string                          // real: the stored ID the variants are made of
		call       func(id string) (string, error) // a result to compare, and the error
	}{
		{"Get User", userA, func(id string) (string, error) {
			_, err := s.Get(ctx, tenant, users, id, storage.GetOptions{})
			return "", err
		}},
		{"Get User with groups and apps", userA, func(id string) (string, error) {
			_, err := s.Get(ctx, tenant, users, id, storage.GetOptions{Groups: true, Apps: true})
			return "", err
		}},
		{"Get Group with members", group, func(id string) (string, error) {
			_, err := s.Get(ctx, tenant, groups, id, storage.GetOptions{Members: true})
			return "", err
		}},
		{"Update User", userA, func(id string) (string, error) {
			_, err := s.Update(ctx, tenant, users, id, storage.UpdateOptions{}, noop)
			return "", err
		}},
		{"Update Group", group, func(id string) (string, error) {
			_, err := s.Update(ctx, tenant, groups, id, storage.UpdateOptions{Members: true}, noop)
			return "", err
		}},
		{"EachMember", group, func(id string) (string, error) {
			n := 0
			err := s.EachMember(ctx, tenant, id, func(storage.Member) error { n++; return nil })
			return fmt.Sprint(n, " members"), err
		}},
		{"App", app.ID, func(id string) (string, error) { _, err := s.App(ctx, tenant, id); return "", err }},
		{"UpdateApp", app.ID, func(id string) (string, error) {
			_, err := s.UpdateApp(ctx, tenant, storage.App{ID: id, Name: "renamed"})
			return "", err
		}},
		{"Assign to the app", app.ID, func(id string) (string, error) {
			_, err := s.Assign(ctx, tenant, storage.AppAssignment{App: id, User: userB})
			return "", err
		}},
		{"Assign the user", userB, func(id string) (string, error) {
			_, err := s.Assign(ctx, tenant, storage.AppAssignment{App: app.ID, User: id})
			return "", err
		}},
		{"Unassign from the app", app.ID, func(id string) (string, error) { return "", s.Unassign(ctx, tenant, id, userA) }},
		{"Unassign the user", userA, func(id string) (string, error) { return "", s.Unassign(ctx, tenant, app.ID, id) }},
		{"UserApps", userA, func(id string) (string, error) { _, err := s.UserApps(ctx, tenant, id); return "", err }},
		{"RevokeCredential", cred.ID, func(id string) (string, error) { return "", s.RevokeCredential(ctx, tenant, id) }},
		{"TouchCredential", cred.ID, func(id string) (string, error) { return "", s.TouchCredential(ctx, tenant, id, time.Now()) }},
		{"Audit of a resource", userA, func(id string) (string, error) {
			page, err := s.Audit(ctx, tenant, storage.AuditQuery{ResourceID: id})
			return fmt.Sprint(len(page.Entries), " entries"), err
		}},
		{"Audit of a resource type", schemas.UserType, func(id string) (string, error) {
			page, err := s.Audit(ctx, tenant, storage.AuditQuery{ResourceType: id})
			return fmt.Sprint(len(page.Entries), " entries"), err
		}},
		{"Create Group with the member", userB, func(id string) (string, error) {
			_, err := s.Create(ctx, tenant, groups, storage.Resource{Attributes: groupDoc("g-" + id),
				Members: []storage.Member{{Value: userA}, {Value: id}}})
			return "", err
		}},
		{"add the member", userB, func(id string) (string, error) {
			_, err := s.Update(ctx, tenant, groups, group, storage.UpdateOptions{},
				edit(storage.Edit{AddMembers: []storage.Member{{Value: id}}}))
			return "", err
		}},
		{"add the member, skipping unknown ones", userB, func(id string) (string, error) {
			g, err := s.Update(ctx, tenant, groups, group, storage.UpdateOptions{Members: true},
				edit(storage.Edit{AddMembers: []storage.Member{{Value: id}}, SkipUnknownMembers: true}))
			return fmt.Sprint(len(g.Members), " members"), err
		}},
		{"replace members, skipping unknown ones", userB, func(id string) (string, error) {
			g, err := s.Update(ctx, tenant, groups, group, storage.UpdateOptions{Members: true},
				edit(storage.Edit{ReplaceMembers: true, Members: []storage.Member{{Value: userA}, {Value: id}}, SkipUnknownMembers: true}))
			return fmt.Sprint(len(g.Members), " members"), err
		}},
		{"remove the member", userA, func(id string) (string, error) {
			g, err := s.Update(ctx, tenant, groups, group, storage.UpdateOptions{Members: true},
				edit(storage.Edit{RemoveMembers: []string{id}}))
			return fmt.Sprint(len(g.Members), " members"), err
		}},
		{"a delegate actor", userB, func(id string) (string, error) {
			_, err := s.Update(ctx, tenant, users, userA2, storage.UpdateOptions{}, setAttrs(func(doc map[string]any) {
				doc[schemas.ScimdUserURN] = map[string]any{"delegates": []any{map[string]any{"actorId": id}}}
			}))
			return "", err
		}},
		{"DeleteApp", app.ID, func(id string) (string, error) { return "", s.DeleteApp(ctx, tenant, id) }},
		{"Delete Group", group, func(id string) (string, error) { return "", s.Delete(ctx, tenant, groups, id, 0) }},
		{"Delete User at its version", userA, func(id string) (string, error) { return "", s.Delete(ctx, tenant, users, id, versions[userA]) }},
		{"Delete User", userA, func(id string) (string, error) { return "", s.Delete(ctx, tenant, users, id, 0) }},
	}
	for _, c := range calls {
		wantRes, wantErr := c.call("no-such-id")
		want := outcome(wantErr)
		if strings.HasPrefix(want, "other:") {
			t.Fatalf("test bug: %s with an unknown ID: %v", c.name, wantErr)
		}
		for _, id := range idVariants(c.real) {
			res, err := c.call(id)
			if got := outcome(err); got != want || res != wantRes {
				t.Errorf("%s(%q) = %s, %q; want %s, %q as for an unknown ID", c.name, id, got, res, want, wantRes)
			}
		}
	}

	// Nothing changed.
	for _, id := range []string{userA, userA2, userB} {
		if u := mustGet(t, s, tenant, users, id, storage.GetOptions{}); u.Meta.Version != versions[id] {
			t.Errorf("user %s is at version %d after calls that name no user, want %d", id, u.Meta.Version, versions[id])
		}
	}
	g := mustGet(t, s, tenant, groups, group, storage.GetOptions{Members: true})
	if len(g.Members) != 1 || g.Members[0].Value != userA {
		t.Errorf("group members after the calls = %v, want [%s]", g.Members, userA)
	}
	if a, err := s.App(ctx, tenant, app.ID); err != nil || a.Name != "wiki" {
		t.Errorf("app after the calls = %+v, %v; want wiki", a, err)
	}
	if got, err := s.UserApps(ctx, tenant, userA); err != nil || len(got) != 1 {
		t.Errorf("apps of %s after the calls = %v, %v; want one", userA, got, err)
	}
	if got, err := s.UserApps(ctx, tenant, userB); err != nil || len(got) != 0 {
		t.Errorf("apps of %s after the calls = %v, %v; want none", userB, got, err)
	}
	creds, err := s.Credentials(ctx, tenant)
	if err != nil || len(creds) != 1 || creds[0].Revoked != nil || creds[0].LastUsed != nil {
		t.Errorf("credentials after the calls = %+v, %v; want one, never used nor revoked", creds, err)
	}
	page := listAll(t, s, tenant, groups, storage.Query{})
	if got := ids(page.Resources); !slices.Equal(sortedCopy(got), sortedCopy([]string{group, empty})) {
		t.Errorf("groups after the calls = %v, want [%s %s]", got, group, empty)
	}

	// A new resource takes an ID of visible ASCII only, up to 36 characters.
	for _, id := range append(idVariants(userA), "a b", "x\x00", "x\x7f", strings.Repeat("x", 37)) {
		_, err := s.Create(ctx, tenant, users, storage.Resource{ID: id, Attributes: userDoc("new-" + id)})
		checkValueError(t, "Create with the ID "+jsonString(id), err)
		_, err = s.CreateMany(ctx, tenant, groups, []storage.Resource{{ID: id, Attributes: groupDoc("new-" + id)}})
		checkValueError(t, "CreateMany with the ID "+jsonString(id), err)
	}
	mustCreate(t, s, tenant, users, storage.Resource{ID: strings.Repeat("x", 36), Attributes: userDoc("long")})
	if err := s.Delete(ctx, tenant, users, strings.Repeat("x", 36), 0); err != nil {
		t.Fatal(err)
	}
}

// checkIDFilters lists with filters that name the IDs of testIDsExact's
// fixture with white space added.
func checkIDFilters(t *testing.T, s storage.Store, tenant storage.TenantID, userA, userA2, userB, group, empty, app string) {
	set := schemas.Default()
	users, groups := &set.User, &set.Group
	all := []string{userA, userA2, userB}
	q := func(v string) string { return jsonString(v) }
	for _, c := range []struct {
		rt     *schemas.ResourceType
		filter string
		want   []string
	}{
		{users, `id eq ` + q(userA), []string{userA}},
		{users, `id eq ` + q(userA+" "), nil},
		{users, `id eq ` + q(userA+"  "), nil},
		{users, `id eq ` + q(" "+userA), nil},
		{users, `id ne ` + q(userA+" "), all},
		{users, `not (id eq ` + q(userA+" ") + `)`, all},
		{users, `id sw ` + q(userA+" "), nil},
		{users, `id co ` + q("a "), nil},
		{users, `id ew ` + q("a "), nil},
		{users, `id gt ` + q(userA+" "), []string{userA2, userB}},
		{users, `id ge ` + q(userA+" "), []string{userA2, userB}},
		{users, `id lt ` + q(userA+" "), []string{userA}},
		{users, `id le ` + q(userA+" "), []string{userA}},
		{users, `id gt ` + q(userA+"\t"), []string{userA2, userB}},
		{users, `id lt ` + q(userA+"\t"), []string{userA}},
		{users, `id lt ` + q("id-a\tz"), []string{userA}},
		{users, `id ge ` + q("id-a!"), []string{userA2, userB}},
		{users, `id lt ` + q(userA+"\x7f"), []string{userA, userA2}},
		{users, `id gt ` + q(userA+"\x7f"), []string{userB}},
		{users, `id eq ` + q(userA+"\x7f"), nil},
		{users, `groups.value eq ` + q(group+" "), nil},
		{users, `groups[value eq ` + q(group+" ") + `]`, nil},
		{users, `groups.value ne ` + q(group+" "), all},
		{users, `groups.value eq ` + q(group), []string{userA}},
		{users, `apps.value eq ` + q(app+" "), nil},
		{users, `apps[value eq ` + q(app+" ") + `]`, nil},
		{users, `apps.value eq ` + q(app), []string{userA}},
		{groups, `id eq ` + q(group+" "), nil},
		{groups, `members.value eq ` + q(userA+" "), nil},
		{groups, `members.value eq ` + q(userA+"  "), nil},
		{groups, `members[value eq ` + q(userA+" ") + `]`, nil},
		{groups, `members[value eq ` + q(userA+" ") + ` and type eq "User"]`, nil},
		{groups, `members.value ne ` + q(userA+" "), []string{group, empty}},
		{groups, `members.value sw ` + q(userA+" "), nil},
		{groups, `members.value eq ` + q(userA), []string{group}},
	} {
		page := listAll(t, s, tenant, c.rt, storage.Query{Filter: mustParseFilter(t, c.filter)})
		if got := ids(page.Resources); !slices.Equal(sortedCopy(got), sortedCopy(c.want)) || page.Total != len(c.want) {
			t.Errorf("%s filter %s = %v (total %d), want %v", c.rt.Name, c.filter, got, page.Total, c.want)
		}
	}
}
