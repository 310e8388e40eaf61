package storagetest

// "The filter index follows every edit": updates rewrite only the index
// rows of the elements that changed (a write of a
// user with thousands of values rewrote all of them). Whatever an update
// moves, changes or removes, filters then find the resource by its new
// values only, value paths included (which match within one element).

import (
	"slices"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

func testIndexFollowsEdits(t *testing.T, s storage.Store) {
	set := schemas.Default()
	rt := &set.User
	tenant := mustTenant(t, s, "edits")
	email := func(v, typ string, primary bool) map[string]any {
		m := map[string]any{"value": v, "type": typ}
		if primary {
			m["primary"] = true
		}
		return m
	}
	u := mustCreate(t, s, tenant, rt, storage.Resource{Attributes: map[string]any{
		"userName": "ed", "displayName": "Ed", "title": "Clerk",
		"emails":             []any{email("a@x.io", "work", true), email("b@x.io", "home", false), email("c@x.io", "work", false)},
		schemas.ScimdUserURN: map[string]any{"aliases": []any{"al-1", "al-2", "al-3"}},
	}})
	other := mustCreate(t, s, tenant, rt, storage.Resource{Attributes: map[string]any{
		"userName": "other", "emails": []any{email("b@x.io", "home", false)},
	}})
	want := func(step, f string, wantIDs ...string) {
		t.Helper()
		p := listAll(t, s, tenant, rt, storage.Query{Filter: mustParseFilter(t, f)})
		got := ids(p.Resources)
		slices.Sort(got)
		slices.Sort(wantIDs)
		if !slices.Equal(got, wantIDs) && !(len(got) == 0 && len(wantIDs) == 0) {
			t.Errorf("%s: filter %s found %v, want %v", step, f, got, wantIDs)
		}
	}
	update := func(change func(d map[string]any)) {
		t.Helper()
		mustUpdate(t, s, tenant, rt, u.ID, storage.UpdateOptions{}, setAttrs(change))
	}

	// Drop the middle element: c moves to element 1, and changes type.
	update(func(d map[string]any) {
		d["emails"] = []any{email("a@x.io", "work", true), email("c@x.io", "home", false)}
	})
	want("after dropping b", `emails.value eq "b@x.io"`, other.ID)
	want("after dropping b", `emails[type eq "home" and value eq "c@x.io"]`, u.ID)
	want("after dropping b", `emails[type eq "work" and value eq "c@x.io"]`)
	want("after dropping b", `emails[type eq "home" and value eq "b@x.io"]`, other.ID)
	want("after dropping b", `emails[primary eq true and value eq "a@x.io"]`, u.ID)

	// Change one sub-attribute of one element, and an unrelated attribute.
	update(func(d map[string]any) {
		d["emails"] = []any{email("a@x.io", "work", false), email("c@x.io", "home", true)}
		d["title"] = "Manager"
	})
	want("after moving primary", `emails[primary eq true and value eq "a@x.io"]`)
	want("after moving primary", `emails[primary eq true and value eq "c@x.io"]`, u.ID)
	want("after moving primary", `title eq "Clerk"`)
	want("after moving primary", `title eq "Manager"`, u.ID)
	want("after moving primary", `displayName eq "Ed"`, u.ID)

	// A string list: drop the first value, keep the rest.
	update(func(d map[string]any) {
		d[schemas.ScimdUserURN] = map[string]any{"aliases": []any{"al-2", "al-3"}}
	})
	want("after dropping an alias", schemas.ScimdUserURN+`:aliases eq "al-1"`)
	want("after dropping an alias", schemas.ScimdUserURN+`:aliases eq "al-3"`, u.ID)

	// Remove whole attributes.
	update(func(d map[string]any) {
		delete(d, "emails")
		delete(d, "title")
		delete(d, schemas.ScimdUserURN)
	})
	want("after removing emails", `emails pr`, other.ID)
	want("after removing emails", `emails.value eq "a@x.io" or emails.value eq "c@x.io"`)
	want("after removing title", `title pr`)
	want("after removing aliases", schemas.ScimdUserURN+`:aliases pr`)
	want("after removing emails", `displayName eq "Ed"`, u.ID)

	// And add them back.
	update(func(d map[string]any) {
		d["emails"] = []any{email("d@x.io", "other", false)}
	})
	want("after adding an email", `emails[type eq "other" and value eq "d@x.io"]`, u.ID)
	want("after adding an email", `emails pr`, u.ID, other.ID)
}
