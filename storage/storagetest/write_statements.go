package storagetest

// "Writes run few statements": each statement of a write is a round trip
// to MySQL and a parse on either engine, and the SQLite writer is held
// for all of them. A create of a user is one INSERT per table it writes;
// an update that changes values in place writes the changed index rows in
// one statement (an upsert), and one that changes nothing writes nothing.

import (
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

func testWriteStatements(t *testing.T, s storage.Store) {
	counter, ok := s.(statementCounter)
	if !ok {
		t.Skipf("%T does not count its statements", s)
	}
	set := schemas.Default()
	rt := &set.User
	tenant := mustTenant(t, s, "wstmts")
	count := func(what string, max int64, write func()) {
		t.Helper()
		before := counter.Statements()
		write()
		if n := counter.Statements() - before; n > max {
			t.Errorf("%s: %d statements, want at most %d", what, n, max)
		}
	}
	doc := map[string]any{"userName": "w", "displayName": "W", "title": "Clerk", "nickName": "w",
		"emails": []any{map[string]any{"value": "w@x.io", "type": "work"}}}
	var u storage.Resource
	// BEGIN, the schema version, the user, its index rows, the audit
	// entry, COMMIT.
	count("Create", 6, func() { u = mustCreate(t, s, tenant, rt, storage.Resource{Attributes: doc}) })
	// BEGIN, the schema version, the user, its index rows, one upsert of
	// the changed rows, the user's row, the audit entry, COMMIT.
	count("Update of two values in place", 8, func() {
		mustUpdate(t, s, tenant, rt, u.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
			d["title"], d["displayName"] = "Manager", "Dub"
		}))
	})
	// As above, and one DELETE of the elements removed from both.
	count("Update that removes two values", 9, func() {
		mustUpdate(t, s, tenant, rt, u.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
			delete(d, "title")
			delete(d, "nickName")
			d["displayName"] = "W"
		}))
	})
	// BEGIN, the schema version, the user, COMMIT.
	count("Update that changes nothing", 4, func() {
		mustUpdate(t, s, tenant, rt, u.ID, storage.UpdateOptions{}, setAttrs(func(map[string]any) {}))
	})
	got := mustGet(t, s, tenant, rt, u.ID, storage.GetOptions{})
	if got.Attributes["title"] != nil || got.Attributes["nickName"] != nil || got.Attributes["displayName"] != "W" {
		t.Errorf("after the updates: %v", got.Attributes)
	}
	for f, want := range map[string]int{`title pr`: 0, `nickName pr`: 0, `displayName eq "W"`: 1, `displayName eq "Dub"`: 0, `emails.value eq "w@x.io"`: 1} {
		if p := listAll(t, s, tenant, rt, storage.Query{Filter: mustParseFilter(t, f)}); len(p.Resources) != want {
			t.Errorf("filter %s: %d users, want %d", f, len(p.Resources), want)
		}
	}
}
