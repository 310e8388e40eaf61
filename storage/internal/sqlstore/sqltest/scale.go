package sqltest

import (
	"fmt"
	"testing"
	"time"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// maxMemberStatements bounds the SQL statements of one Update that adds or
// removes one member.
const maxMemberStatements = 10

// testMembershipStatements compares a 10-member group with a 1,000-member
// group; it runs in short mode too.
func testMembershipStatements(t *testing.T, s storage.Store) {
	checkMembershipCost(t, s, 1_000)
}

// testMembershipAtScale compares a 10-member group with a 100,000-member
// group.
func testMembershipAtScale(t *testing.T, s storage.Store) {
	if testing.Short() {
		t.Skip("builds a group of 100,000 members; skipped in short mode")
	}
	checkMembershipCost(t, s, 100_000)
}

func checkMembershipCost(t *testing.T, s storage.Store, bigSize int) {
	ctx := t.Context()
	set := schemas.Default()
	counter := mustCounter(t, s)
	tenant := mustTenant(t, s, "acme")

	start := time.Now()
	users := createUsers(t, s, tenant, bigSize+3)
	t.Logf("created %d users in %v", len(users), time.Since(start))
	x, wx, wy := users[bigSize], users[bigSize+1], users[bigSize+2]

	small := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("small")})
	addInChunks(t, s, tenant, small.ID, users[:10])
	start = time.Now()
	big := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("big")})
	addInChunks(t, s, tenant, big.ID, users[:bigSize])
	t.Logf("added %d members in %v", bigSize, time.Since(start))

	update := func(group string, e storage.Edit) int64 {
		t.Helper()
		before := counter.Statements()
		if _, err := s.Update(ctx, tenant, &set.Group, group, storage.UpdateOptions{}, edit(e)); err != nil {
			t.Fatalf("Update: %v", err)
		}
		return counter.Statements() - before
	}
	add := func(group, user string) int64 {
		return update(group, storage.Edit{AddMembers: []storage.Member{userMember(user)}})
	}
	remove := func(group, user string) int64 {
		return update(group, storage.Edit{RemoveMembers: []string{user}})
	}

	// Warm up: the first calls may load or prepare things.
	add(small.ID, wx)
	add(big.ID, wy)
	remove(small.ID, wx)
	remove(big.ID, wy)

	start = time.Now()
	addSmall, addBig := add(small.ID, x), add(big.ID, x)
	removeSmall, removeBig := remove(small.ID, users[0]), remove(big.ID, users[0])
	addTwoSmall := update(small.ID, storage.Edit{AddMembers: []storage.Member{userMember(wx), userMember(wy)}})
	addTwoBig := update(big.ID, storage.Edit{AddMembers: []storage.Member{userMember(wx), userMember(wy)}})
	t.Logf("statements: add %d/%d, remove %d/%d, add two %d/%d (10 members / %d members), in %v",
		addSmall, addBig, removeSmall, removeBig, addTwoSmall, addTwoBig, bigSize, time.Since(start))

	for _, c := range []struct {
		what       string
		small, big int64
	}{
		{what: "adding one member", small: addSmall, big: addBig},
		{what: "removing one member", small: removeSmall, big: removeBig},
		{what: "adding two members", small: addTwoSmall, big: addTwoBig},
	} {
		if c.small != c.big {
			t.Errorf("%s: %d statements for a group of 10, %d for a group of %d; want equal", c.what, c.small, c.big, bigSize)
		}
		if c.big > maxMemberStatements || c.small > maxMemberStatements {
			t.Errorf("%s: %d and %d statements, want at most %d", c.what, c.small, c.big, maxMemberStatements)
		}
		if c.small <= 0 || c.big <= 0 {
			t.Errorf("%s: %d and %d statements counted, want > 0 (does Statements count?)", c.what, c.small, c.big)
		}
	}

	// The changes took effect.
	p := listAll(t, s, tenant, &set.Group, storage.Query{Filter: planFilter(t, `members.value eq "`+x+`"`)})
	if got := sortedCopy(ids(p.Resources)); len(got) != 2 {
		t.Errorf("groups with the added member: %v, want small and big", got)
	}
	p = listAll(t, s, tenant, &set.Group, storage.Query{Filter: planFilter(t, `members.value eq "`+users[0]+`"`)})
	if got := ids(p.Resources); len(got) != 0 {
		t.Errorf("groups with the removed member: %v, want none", got)
	}
	start = time.Now()
	g := mustGet(t, s, tenant, &set.Group, big.ID, storage.GetOptions{Members: true})
	if want := bigSize + 2; len(g.Members) != want { // +x, -users[0], +wx, +wy
		t.Errorf("big group has %d members, want %d", len(g.Members), want)
	}
	t.Logf("loaded %d members in %v", len(g.Members), time.Since(start))

	// Nesting: putting the big group into a group, or a group into the big
	// group, costs what it costs with the small one; the cycle check walks
	// up from the parent, never down through the members.
	parentOfBig := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("parent of big")})
	parentOfSmall := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("parent of small")})
	childOfBig := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("child of big")})
	childOfSmall := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("child of small")})
	nest := func(parent, child string) int64 {
		return update(parent, storage.Edit{AddMembers: []storage.Member{groupMember(child)}})
	}
	start = time.Now()
	nestSmall, nestBig := nest(parentOfSmall.ID, small.ID), nest(parentOfBig.ID, big.ID)
	intoSmall, intoBig := nest(small.ID, childOfSmall.ID), nest(big.ID, childOfBig.ID)
	t.Logf("statements: nest %d/%d, into %d/%d (10 members / %d members), in %v", nestSmall, nestBig, intoSmall, intoBig, bigSize, time.Since(start))
	if nestSmall != nestBig || intoSmall != intoBig {
		t.Errorf("nesting: %d and %d statements for the small group, %d and %d for the big one; want equal", nestSmall, intoSmall, nestBig, intoBig)
	}
	if nestBig > 2*maxMemberStatements || intoBig > 2*maxMemberStatements {
		t.Errorf("nesting: %d and %d statements, want at most %d", nestBig, intoBig, 2*maxMemberStatements)
	}
	_, err := s.Update(ctx, tenant, &set.Group, childOfBig.ID, storage.UpdateOptions{}, edit(storage.Edit{AddMembers: []storage.Member{groupMember(parentOfBig.ID)}}))
	checkCycleError(t, "the big group's parent into its child", err, parentOfBig.ID)

	// x, a member of both, sees both parents; the read is two statements
	// (x with its direct groups, then the walk up), whatever the sizes.
	before := counter.Statements()
	start = time.Now()
	checkUserGroups(t, s, tenant, "x", x, "big/direct", "small/direct", "parent of big/indirect", "parent of small/indirect")
	if n := counter.Statements() - before; n != 2 {
		t.Errorf("a user's groups: %d statements, want 2", n)
	}
	t.Logf("read a user's direct and indirect groups in %v", time.Since(start))

	start = time.Now()
	page := listAll(t, s, tenant, &set.User, storage.Query{Count: 100, Keyset: true, Filter: planFilter(t, `groups.value eq "`+big.ID+`"`),
		GetOptions: storage.GetOptions{Groups: true}})
	for _, r := range page.Resources {
		if len(r.Groups) < 2 {
			t.Errorf("List: %s has groups %v; every member of big has big and its parent", r.Attributes["userName"], groupRefs(r.Groups))
			break
		}
	}
	if len(page.Resources) != 100 {
		t.Errorf("List of big's members: %d users, want a page of 100", len(page.Resources))
	}
	t.Logf("listed the first 100 members of big with their groups in %v", time.Since(start))
}

// createUsers creates n users with CreateMany, 1,000 per call, and returns
// their IDs in order.
func createUsers(t *testing.T, s storage.Store, tenant storage.TenantID, n int) []string {
	t.Helper()
	set := schemas.Default()
	out := make([]string, 0, n)
	for len(out) < n {
		list := make([]storage.Resource, min(n-len(out), 1000))
		for i := range list {
			list[i] = storage.Resource{Attributes: userDoc(fmt.Sprintf("member%06d", len(out)+i))}
		}
		rs, err := s.CreateMany(t.Context(), tenant, &set.User, list)
		if err != nil {
			t.Fatalf("CreateMany: %v", err)
		}
		if len(rs) != len(list) {
			t.Fatalf("CreateMany returned %d resources for %d", len(rs), len(list))
		}
		out = append(out, ids(rs)...)
	}
	return out
}

// addInChunks adds users to a group, 1,000 per Update.
func addInChunks(t *testing.T, s storage.Store, tenant storage.TenantID, group string, users []string) {
	t.Helper()
	set := schemas.Default()
	for len(users) > 0 {
		n := min(len(users), 1000)
		ms := make([]storage.Member, n)
		for i, id := range users[:n] {
			ms[i] = userMember(id)
		}
		mustUpdate(t, s, tenant, &set.Group, group, storage.UpdateOptions{}, edit(storage.Edit{AddMembers: ms}))
		users = users[n:]
	}
}
