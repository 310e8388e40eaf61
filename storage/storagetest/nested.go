package storagetest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// groupRefs renders a user's groups as "display/type", in the store's order.
func groupRefs(gs []storage.GroupRef) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Display + "/" + g.Type
	}
	return out
}

func checkUserGroups(t *testing.T, s storage.Store, tenant storage.TenantID, what, user string, want ...string) {
	t.Helper()
	set := schemas.Default()
	got := mustGet(t, s, tenant, &set.User, user, storage.GetOptions{Groups: true})
	if g, w := sortedCopy(groupRefs(got.Groups)), sortedCopy(want); !equalStrings(g, w) {
		t.Errorf("%s: groups = %v, want %v", what, g, w)
	}
	for i := 1; i < len(got.Groups); i++ {
		if got.Groups[i-1].Value >= got.Groups[i].Value {
			t.Errorf("%s: groups are not ordered by ID: %v", what, got.Groups)
			break
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkCycleError checks that err refuses a cycle, naming the offending
// group.
func checkCycleError(t *testing.T, what string, err error, offending string) {
	t.Helper()
	var ve *storage.ValueError
	if !errors.As(err, &ve) {
		t.Errorf("%s: error = %v (%T), want *storage.ValueError", what, err, err)
		return
	}
	if ve.Attribute != "members" || !strings.Contains(ve.Detail, offending) {
		t.Errorf("%s: ValueError{%q, %q}, want members naming %s", what, ve.Attribute, ve.Detail, offending)
	}
}

func testNestedGroups(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	u := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("u")})
	v := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("v")})
	a := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("A"), Members: []storage.Member{userMember(u.ID)}})
	b := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("B"), Members: []storage.Member{groupMember(a.ID)}})
	c := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("C"),
		Members: []storage.Member{{Value: b.ID, Type: "group"}, userMember(v.ID)}}) // type compares case-insensitively
	checkUserGroups(t, s, tenant, "u in A in B in C", u.ID, "A/direct", "B/indirect", "C/indirect")
	checkUserGroups(t, s, tenant, "v in C", v.ID, "C/direct")
	got := mustGet(t, s, tenant, &set.Group, c.ID, storage.GetOptions{Members: true})
	checkMembers(t, "C", got.Members, groupMember(b.ID), userMember(v.ID))

	// A direct membership in a group also reached indirectly is direct.
	mustUpdate(t, s, tenant, &set.Group, c.ID, storage.UpdateOptions{}, edit(storage.Edit{AddMembers: []storage.Member{userMember(u.ID)}}))
	checkUserGroups(t, s, tenant, "u also in C", u.ID, "A/direct", "B/indirect", "C/direct")

	// Cycles are refused and change nothing: C into A (C holds A through
	// B), A into itself, and a replaced member list that holds B.
	before := map[string]storage.Resource{}
	for _, g := range []storage.Resource{a, b, c} {
		before[g.ID] = mustGet(t, s, tenant, &set.Group, g.ID, storage.GetOptions{Members: true})
	}
	checkUnchanged := func(what string) {
		t.Helper()
		for id, want := range before {
			got := mustGet(t, s, tenant, &set.Group, id, storage.GetOptions{Members: true})
			checkMembers(t, what+": members of "+want.Attributes["displayName"].(string), got.Members, want.Members...)
			checkMeta(t, what+": "+want.Attributes["displayName"].(string), got.Meta, want.Meta)
		}
	}
	for _, c := range []struct {
		what      string
		group     string
		e         storage.Edit
		offending string
	}{
		{what: "C into A", group: a.ID, e: storage.Edit{AddMembers: []storage.Member{userMember(v.ID), groupMember(c.ID)}}, offending: c.ID},
		{what: "C into A, skipping unknown members", group: a.ID, e: storage.Edit{AddMembers: []storage.Member{{Value: c.ID}}, SkipUnknownMembers: true}, offending: c.ID},
		{what: "B into A", group: a.ID, e: storage.Edit{AddMembers: []storage.Member{groupMember(b.ID)}}, offending: b.ID},
		{what: "A into A", group: a.ID, e: storage.Edit{AddMembers: []storage.Member{groupMember(a.ID)}}, offending: a.ID},
		{what: "A's list replaced with B", group: a.ID, e: storage.Edit{ReplaceMembers: true, Members: []storage.Member{userMember(v.ID), groupMember(b.ID)}}, offending: b.ID},
		{what: "C into B", group: b.ID, e: storage.Edit{AddMembers: []storage.Member{groupMember(c.ID)}, RemoveMembers: []string{a.ID}}, offending: c.ID},
	} {
		_, err := s.Update(ctx, tenant, &set.Group, c.group, storage.UpdateOptions{}, edit(c.e))
		checkCycleError(t, c.what, err, c.offending)
		checkUnchanged(c.what)
	}
	// A new group whose member list holds a group is no cycle; a batch
	// that makes one fails whole.
	d := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("D"), Members: []storage.Member{groupMember(c.ID)}})
	checkUserGroups(t, s, tenant, "u in D through C", u.ID, "A/direct", "B/indirect", "C/direct", "D/indirect")
	nGroups := listAll(t, s, tenant, &set.Group, storage.Query{}).Total
	_, err := s.CreateMany(ctx, tenant, &set.Group, []storage.Resource{
		{ID: "e1e1e1e1-0000-4000-8000-000000000001", Attributes: groupDoc("E1"), Members: []storage.Member{groupMember("e1e1e1e1-0000-4000-8000-000000000002")}},
		{ID: "e1e1e1e1-0000-4000-8000-000000000002", Attributes: groupDoc("E2"), Members: []storage.Member{groupMember("e1e1e1e1-0000-4000-8000-000000000001")}},
	})
	checkCycleError(t, "a batch of two groups holding each other", err, "e1e1e1e1-0000-4000-8000-00000000000")
	if n := listAll(t, s, tenant, &set.Group, storage.Query{}).Total; n != nGroups {
		t.Errorf("the failed batch left groups: %d, want %d", n, nGroups)
	}

	// A member's type, when given, must be the type of the resource.
	_, err = s.Update(ctx, tenant, &set.Group, d.ID, storage.UpdateOptions{}, edit(storage.Edit{AddMembers: []storage.Member{groupMember(v.ID)}}))
	checkValueError(t, "a user added as a Group", err)
	_, err = s.Update(ctx, tenant, &set.Group, d.ID, storage.UpdateOptions{}, edit(storage.Edit{AddMembers: []storage.Member{userMember(a.ID)}}))
	checkValueError(t, "a group added as a User", err)
	mustUpdate(t, s, tenant, &set.Group, d.ID, storage.UpdateOptions{}, edit(storage.Edit{
		AddMembers: []storage.Member{groupMember(v.ID)}, SkipUnknownMembers: true}))
	got = mustGet(t, s, tenant, &set.Group, d.ID, storage.GetOptions{Members: true})
	checkMembers(t, "D after skipping a user added as a Group", got.Members, groupMember(c.ID))

	// Lists load indirect groups for the whole page.
	page := listAll(t, s, tenant, &set.User, storage.Query{GetOptions: storage.GetOptions{Groups: true}})
	for _, r := range page.Resources {
		want := map[string][]string{u.ID: {"A/direct", "B/indirect", "C/direct", "D/indirect"}, v.ID: {"C/direct", "D/indirect"}}[r.ID]
		if g := sortedCopy(groupRefs(r.Groups)); !equalStrings(g, want) {
			t.Errorf("List with Groups: %s groups = %v, want %v", r.Attributes["userName"], g, want)
		}
	}

	// groups.value eq matches direct members only (a group's members.value
	// likewise lists its direct members).
	for _, c := range []struct {
		group string
		want  []string
	}{{a.ID, []string{u.ID}}, {b.ID, nil}, {c.ID, []string{u.ID, v.ID}}, {d.ID, nil}} {
		p := listAll(t, s, tenant, &set.User, storage.Query{Filter: mustParseFilter(t, `groups.value eq "`+c.group+`"`)})
		if g := sortedCopy(ids(p.Resources)); !equalStrings(g, sortedCopy(c.want)) {
			t.Errorf("groups.value eq %s: %v, want %v", c.group, g, c.want)
		}
	}
	p := listAll(t, s, tenant, &set.Group, storage.Query{Filter: mustParseFilter(t, `members[type eq "Group" and value eq "`+b.ID+`"]`)})
	if g := ids(p.Resources); len(g) != 1 || g[0] != c.ID {
		t.Errorf("groups with member group B: %v, want C", g)
	}

	// Deleting a group takes it out of its parents: u loses B, and C
	// through it (u stays a direct member of C).
	cBefore := mustGet(t, s, tenant, &set.Group, c.ID, storage.GetOptions{})
	if err := s.Delete(ctx, tenant, &set.Group, b.ID, 0); err != nil {
		t.Fatalf("Delete B: %v", err)
	}
	got = mustGet(t, s, tenant, &set.Group, c.ID, storage.GetOptions{Members: true})
	checkMembers(t, "C after deleting B", got.Members, userMember(v.ID), userMember(u.ID))
	if got.Meta.Version <= cBefore.Meta.Version {
		t.Errorf("C version = %d after losing B, want > %d", got.Meta.Version, cBefore.Meta.Version)
	}
	checkUserGroups(t, s, tenant, "u after deleting B", u.ID, "A/direct", "C/direct", "D/indirect")
	mustUpdate(t, s, tenant, &set.Group, c.ID, storage.UpdateOptions{}, edit(storage.Edit{RemoveMembers: []string{u.ID}}))
	checkUserGroups(t, s, tenant, "u after leaving C", u.ID, "A/direct")
	// Now that nothing holds A, C may go into A.
	mustUpdate(t, s, tenant, &set.Group, a.ID, storage.UpdateOptions{}, edit(storage.Edit{AddMembers: []storage.Member{groupMember(c.ID)}}))
	checkUserGroups(t, s, tenant, "v in C in A", v.ID, "A/indirect", "C/direct", "D/indirect")
}

// testNestedGroupsDepth builds a chain of ten groups and checks that a
// user's groups cost the same statements at any depth: one for a user in
// flat groups, two (the user with its direct groups, then the walk up) for
// a user in nested ones.
func testNestedGroupsDepth(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	u := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("u")})
	flat := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("flat")})
	mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("Flat"), Members: []storage.Member{userMember(flat.ID)}})
	const depth = 10
	chain := make([]string, depth)
	want := make([]string, depth)
	for i := range depth {
		m := userMember(u.ID)
		if i > 0 {
			m = groupMember(chain[i-1])
		}
		chain[i] = mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc(fmt.Sprintf("G%d", i)), Members: []storage.Member{m}}).ID
		want[i] = fmt.Sprintf("G%d/indirect", i)
	}
	want[0] = "G0/direct"
	checkUserGroups(t, s, tenant, "u at the bottom of ten groups", u.ID, want...)

	// The top group into the bottom one closes a cycle of ten.
	_, err := s.Update(ctx, tenant, &set.Group, chain[0], storage.UpdateOptions{}, edit(storage.Edit{AddMembers: []storage.Member{groupMember(chain[depth-1])}}))
	checkCycleError(t, "G9 into G0", err, chain[depth-1])
	_, err = s.Update(ctx, tenant, &set.Group, chain[3], storage.UpdateOptions{}, edit(storage.Edit{AddMembers: []storage.Member{groupMember(chain[7])}}))
	checkCycleError(t, "G7 into G3", err, chain[7])
	// Downward shortcuts are no cycles.
	mustUpdate(t, s, tenant, &set.Group, chain[7], storage.UpdateOptions{}, edit(storage.Edit{AddMembers: []storage.Member{groupMember(chain[2])}}))
	mustUpdate(t, s, tenant, &set.Group, chain[5], storage.UpdateOptions{}, edit(storage.Edit{AddMembers: []storage.Member{userMember(u.ID)}}))
	want[5] = "G5/direct"
	checkUserGroups(t, s, tenant, "u after shortcuts", u.ID, want...)

	counter, ok := s.(statementCounter)
	if !ok {
		t.Fatalf("%T does not implement Statements() int64", s)
	}
	cost := func(id string, opts storage.GetOptions) int64 {
		mustGet(t, s, tenant, &set.User, id, opts) // warm up
		before := counter.Statements()
		mustGet(t, s, tenant, &set.User, id, opts)
		return counter.Statements() - before
	}
	for _, opts := range []storage.GetOptions{{Groups: true}, {Groups: true, Apps: true}} {
		if deep, shallow := cost(u.ID, opts), cost(flat.ID, opts); deep != 2 || shallow != 1 {
			t.Errorf("Get %+v: %d statements at depth ten, %d in a flat group; want 2 and 1", opts, deep, shallow)
		}
	}
	before := counter.Statements()
	page := listAll(t, s, tenant, &set.User, storage.Query{GetOptions: storage.GetOptions{Groups: true, Apps: true}})
	if n := counter.Statements() - before; n > 4 {
		t.Errorf("List with groups and apps: %d statements, want at most 4 (page, count, the users with their direct groups, the walk up from the nested ones)", n)
	}
	for _, r := range page.Resources {
		if r.ID == u.ID && len(r.Groups) != depth {
			t.Errorf("List: u has %d groups, want %d", len(r.Groups), depth)
		}
	}
}

// testNestedGroupsConcurrentCycle races two updates that each add one edge
// of a cycle: exactly one may succeed.
func testNestedGroupsConcurrentCycle(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	for round := range 8 {
		a := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc(fmt.Sprintf("A%d", round))})
		b := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc(fmt.Sprintf("B%d", round))})
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, pair := range [][2]string{{a.ID, b.ID}, {b.ID, a.ID}} {
			wg.Go(func() {
				_, errs[i] = s.Update(ctx, tenant, &set.Group, pair[0], storage.UpdateOptions{},
					edit(storage.Edit{AddMembers: []storage.Member{groupMember(pair[1])}}))
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			var ve *storage.ValueError
			switch {
			case err == nil:
				ok++
			case !errors.As(err, &ve):
				t.Errorf("round %d: error %v, want nil or a cycle's ValueError", round, err)
			}
		}
		if ok != 1 {
			t.Errorf("round %d: %d of the two opposite memberships succeeded (%v); want exactly one", round, ok, errs)
		}
	}
}
