package sqltest

import (
	"fmt"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// maxDeleteStatements bounds the SQL statements of deleting a user with
// no tags and no app assignments, BEGIN and COMMIT included, whatever the
// number of groups it is in (up to sqlstore's batch of 500): the user's
// row, one read of what it leaves, its index rows, its unique values, the
// bump of its groups, its member rows, the audit entry.
const maxDeleteStatements = 9

// testDeleteStatements counts the statements of deleting a user in no
// group, in one and in 50, and of deleting a group that is in groups and
// holds members.
func testDeleteStatements(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	counter := mustCounter(t, s)
	tenant := mustTenant(t, s, "acme")
	users := createUsers(t, s, tenant, 4)
	warm, lone, one, fifty := users[0], users[1], users[2], users[3]
	groups := make([]storage.Resource, 50)
	for i := range groups {
		ms := []storage.Member{userMember(fifty), userMember(warm)}
		if i == 0 {
			ms = append(ms, userMember(one))
		}
		groups[i] = mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc(fmt.Sprintf("g%02d", i)), Members: ms})
	}
	del := func(rt *schemas.ResourceType, id string) int64 {
		t.Helper()
		before := counter.Statements()
		if err := s.Delete(ctx, tenant, rt, id, 0); err != nil {
			t.Fatalf("Delete %s: %v", rt.Name, err)
		}
		return counter.Statements() - before
	}
	del(&set.User, warm) // the first calls may load or prepare things
	nLone, nOne, nFifty := del(&set.User, lone), del(&set.User, one), del(&set.User, fifty)
	t.Logf("statements of a user's Delete: %d in no group, %d in one, %d in 50", nLone, nOne, nFifty)
	if nOne != nFifty || nLone > nFifty {
		t.Errorf("Delete of a user: %d statements in no group, %d in one, %d in 50; want as many in one as in 50, no more in none", nLone, nOne, nFifty)
	}
	if nFifty > maxDeleteStatements {
		t.Errorf("Delete of a user in 50 groups: %d statements, want at most %d", nFifty, maxDeleteStatements)
	}
	for _, g := range groups[:2] {
		got := mustGet(t, s, tenant, &set.Group, g.ID, storage.GetOptions{Members: true})
		if len(got.Members) != 0 || got.Meta.Version <= g.Meta.Version {
			t.Errorf("%s after its members' deletes: members %v, version %d (was %d); want none, a later version",
				got.Attributes["displayName"], got.Members, got.Meta.Version, g.Meta.Version)
		}
	}

	// A group in a group, holding a user: one more statement, its own
	// member rows.
	u := createUsers(t, s, tenant, 1)[0]
	child := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("child"), Members: []storage.Member{userMember(u)}})
	mustUpdate(t, s, tenant, &set.Group, groups[1].ID, storage.UpdateOptions{}, edit(storage.Edit{AddMembers: []storage.Member{groupMember(child.ID)}}))
	if n := del(&set.Group, child.ID); n > maxDeleteStatements+1 {
		t.Errorf("Delete of a group: %d statements, want at most %d", n, maxDeleteStatements+1)
	}
	got := mustGet(t, s, tenant, &set.Group, groups[1].ID, storage.GetOptions{Members: true})
	if len(got.Members) != 0 {
		t.Errorf("g01 after its member group's delete: members %v, want none", got.Members)
	}
}
