package storagetest

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// sortFixture is one resource of the sort test and the values it holds for
// the attributes the test sorts by ("" = absent).
type sortFixture struct {
	key        string
	userName   string
	externalID string
	familyName string
	department string
}

var sortUsers = []sortFixture{
	{key: "alice", userName: "alice", externalID: "b", familyName: "Zeta", department: "Sales"},
	{key: "bob", userName: "Bob", externalID: "B", department: "engineering"},
	{key: "carol", userName: "carol", externalID: "a", familyName: "Alpha"},
	{key: "dave", userName: "Dave", externalID: "A", familyName: "mu", department: "Sales"},
	{key: "eve", userName: "eve", department: "Admin"},
	{key: "frank", userName: "Frank", familyName: "alpha"},
}

var sortGroups = []struct{ key, displayName string }{
	{key: "charlie", displayName: "Charlie"},
	{key: "admins", displayName: "Admins"},
	{key: "beta", displayName: "beta"},
	{key: "alphateam", displayName: "alpha team"},
}

func (f sortFixture) doc() map[string]any {
	d := map[string]any{"userName": f.userName}
	if f.externalID != "" {
		d["externalId"] = f.externalID
	}
	if f.familyName != "" {
		d["name"] = map[string]any{"familyName": f.familyName, "givenName": f.key}
	}
	if f.department != "" {
		d[schemas.EnterpriseUserURN] = map[string]any{"department": f.department}
	}
	return d
}

// sortKey is a resource's value for ordering; absent values have ok false.
type sortKey struct {
	id    string
	value string
	ok    bool
}

// expectedOrder orders resources as RFC 7644 §3.4.2.3 says: by value
// (case-folded unless caseExact), resources without a value last, ties by
// id; descending is the exact reverse.
func expectedOrder(keys []sortKey, caseExact, descending bool) []string {
	ks := slices.Clone(keys)
	for i := range ks {
		if !caseExact {
			ks[i].value = lower(ks[i].value)
		}
	}
	slices.SortFunc(ks, func(a, b sortKey) int {
		if a.ok != b.ok {
			if a.ok {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(a.value, b.value); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.id
	}
	if descending {
		slices.Reverse(out)
	}
	return out
}

func testSorting(t *testing.T, s storage.Store) {
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	names := keyNames{}
	byKey := map[string]storage.Resource{}
	for _, f := range sortUsers {
		r := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: f.doc()})
		names[r.ID] = f.key
		byKey[f.key] = r
		time.Sleep(5 * time.Millisecond) // distinct meta.created
	}
	for _, g := range sortGroups {
		r := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc(g.displayName)})
		names[r.ID] = g.key
		byKey[g.key] = r
	}

	userKeys := func(value func(f sortFixture) string) []sortKey {
		var out []sortKey
		for _, f := range sortUsers {
			v := value(f)
			out = append(out, sortKey{id: byKey[f.key].ID, value: v, ok: v != ""})
		}
		return out
	}
	created := userKeys(func(f sortFixture) string {
		return byKey[f.key].Meta.Created.UTC().Format("2006-01-02T15:04:05.000000000")
	})
	var groupKeys, groupIDs []sortKey
	for _, g := range sortGroups {
		groupKeys = append(groupKeys, sortKey{id: byKey[g.key].ID, value: g.displayName, ok: true})
		groupIDs = append(groupIDs, sortKey{id: byKey[g.key].ID, value: byKey[g.key].ID, ok: true})
	}
	userIDs := userKeys(func(f sortFixture) string { return byKey[f.key].ID })

	for _, tc := range []struct {
		name      string
		rt        string
		filter    string
		sortBy    string // "" = default order (by id)
		keys      []sortKey
		caseExact bool
		onlyKeys  []string // the filter's matches; nil = all of keys
	}{
		{name: "default is id", rt: user, keys: userIDs, caseExact: true},
		{name: "id", rt: user, sortBy: "id", keys: userIDs, caseExact: true},
		{name: "userName", rt: user, sortBy: "userName", keys: userKeys(func(f sortFixture) string { return f.userName })},
		{name: "userName URN-qualified", rt: user, sortBy: "urn:ietf:params:scim:schemas:core:2.0:User:userName", keys: userKeys(func(f sortFixture) string { return f.userName })},
		{name: "name.familyName with ties and missing", rt: user, sortBy: "name.familyName", keys: userKeys(func(f sortFixture) string { return f.familyName })},
		{name: "externalId is case-exact", rt: user, sortBy: "externalId", keys: userKeys(func(f sortFixture) string { return f.externalID }), caseExact: true},
		{name: "meta.created", rt: user, sortBy: "meta.created", keys: created, caseExact: true},
		{name: "enterprise department", rt: user, sortBy: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", keys: userKeys(func(f sortFixture) string { return f.department })},
		{name: "unprefixed department", rt: user, sortBy: "department", keys: userKeys(func(f sortFixture) string { return f.department })},
		{name: "attribute nobody has", rt: user, sortBy: "title", keys: userKeys(func(sortFixture) string { return "" })},
		{name: "with filter", rt: user, filter: `userName ne "eve" and userName ne "carol"`, sortBy: "name.familyName",
			keys: userKeys(func(f sortFixture) string { return f.familyName }), onlyKeys: []string{"alice", "bob", "dave", "frank"}},
		{name: "group displayName", rt: group, sortBy: "displayName", keys: groupKeys},
		{name: "group default", rt: group, keys: groupIDs, caseExact: true},
	} {
		for _, desc := range []bool{false, true} {
			if tc.sortBy == "" && desc {
				continue
			}
			name := tc.name
			if desc {
				name += " descending"
			}
			t.Run(name, func(t *testing.T) {
				rt := &set.User
				if tc.rt == group {
					rt = &set.Group
				}
				q := storage.Query{Descending: desc, Count: 1000, StartIndex: 1}
				if tc.filter != "" {
					q.Filter = mustParseFilter(t, tc.filter)
				}
				if tc.sortBy != "" {
					q.SortBy = mustParsePath(t, tc.sortBy)
				}
				keys := tc.keys
				if tc.onlyKeys != nil {
					keys = nil
					for _, k := range tc.keys {
						if slices.Contains(tc.onlyKeys, names[k.id]) {
							keys = append(keys, k)
						}
					}
				}
				want := names.names(expectedOrder(keys, tc.caseExact, desc))
				p, err := s.List(t.Context(), tenant, rt, q)
				if err != nil {
					t.Fatalf("List sortBy %q descending %v: %v", tc.sortBy, desc, err)
				}
				got := names.names(ids(p.Resources))
				if !slices.Equal(got, want) {
					t.Errorf("sortBy %q descending %v\n got: %v\nwant: %v", tc.sortBy, desc, got, want)
				}
			})
		}
	}

	for _, tc := range []struct {
		rt     string
		sortBy string
	}{
		{rt: user, sortBy: "emails.type"},
		{rt: user, sortBy: "groups.value"},
		{rt: user, sortBy: "name"},
		{rt: user, sortBy: "foo"},
		{rt: user, sortBy: "name.bogus"},
		{rt: user, sortBy: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"},
		{rt: user, sortBy: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:bogus"},
		{rt: group, sortBy: "members"},
		{rt: group, sortBy: "members.value"},
		{rt: group, sortBy: "userName"},
	} {
		t.Run(fmt.Sprintf("error %s %s", tc.rt, tc.sortBy), func(t *testing.T) {
			rt := &set.User
			if tc.rt == group {
				rt = &set.Group
			}
			for _, keyset := range []bool{false, true} {
				q := storage.Query{SortBy: mustParsePath(t, tc.sortBy), Count: 10, StartIndex: 1, Keyset: keyset}
				if keyset {
					q.StartIndex = 0
				}
				_, err := s.List(t.Context(), tenant, rt, q)
				checkSortError(t, fmt.Sprintf("sortBy %s (keyset %v)", tc.sortBy, keyset), tc.sortBy, err)
			}
		})
	}
}

// seedPaging creates 23 users with mixed-case userNames, family names with
// duplicates and gaps, and a department on every other user.
func seedPaging(t *testing.T, s storage.Store, tenant storage.TenantID) keyNames {
	t.Helper()
	set := schemas.Default()
	families := []string{"Smith", "jones", "smith", "Brown", "", "Jones", "adams"}
	names := keyNames{}
	for i := range 23 {
		un := fmt.Sprintf("user%02d", i)
		if i%3 == 0 {
			un = fmt.Sprintf("USER%02d", i)
		}
		d := map[string]any{"userName": un}
		if fam := families[i%len(families)]; fam != "" {
			d["name"] = map[string]any{"familyName": fam}
		}
		if i%2 == 0 {
			d[schemas.EnterpriseUserURN] = map[string]any{"department": []string{"Sales", "ops", "Eng"}[i%3]}
		}
		r := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: d})
		names[r.ID] = un
	}
	return names
}

type pagingQuery struct {
	name   string
	filter string
	sortBy string
	desc   bool
}

var pagingQueries = []pagingQuery{
	{name: "default order"},
	{name: "filter", filter: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department pr`},
	{name: "userName ascending", sortBy: "userName"},
	{name: "userName descending", sortBy: "userName", desc: true},
	{name: "familyName ascending with missing and ties", sortBy: "name.familyName"},
	{name: "familyName descending with missing and ties", sortBy: "name.familyName", desc: true},
	{name: "filter and sort", filter: `userName ne "user01" and userName ne "USER03"`, sortBy: "department"},
	{name: "filter and sort descending", filter: `not (name.familyName eq "smith")`, sortBy: "department", desc: true},
	{name: "created descending", sortBy: "meta.created", desc: true},
	{name: "empty result", filter: `userName eq "nobody"`, sortBy: "userName"},
}

func (pq pagingQuery) query(t *testing.T) storage.Query {
	t.Helper()
	q := storage.Query{Descending: pq.desc}
	if pq.filter != "" {
		q.Filter = mustParseFilter(t, pq.filter)
	}
	if pq.sortBy != "" {
		q.SortBy = mustParsePath(t, pq.sortBy)
	}
	return q
}

func testIndexPagination(t *testing.T, s storage.Store) {
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	names := seedPaging(t, s, tenant)

	for _, pq := range pagingQueries {
		t.Run(pq.name, func(t *testing.T) {
			ctx := t.Context()
			q := pq.query(t)
			q.Count, q.StartIndex = 1000, 1
			big, err := s.List(ctx, tenant, &set.User, q)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			all := ids(big.Resources)
			if big.Total != len(all) {
				t.Errorf("big page: Total = %d, %d resources", big.Total, len(all))
			}

			// Count 0 returns only the total.
			q.Count = 0
			p, err := s.List(ctx, tenant, &set.User, q)
			if err != nil {
				t.Fatalf("List Count 0: %v", err)
			}
			if p.Total != len(all) || len(p.Resources) != 0 {
				t.Errorf("Count 0: Total = %d with %d resources, want %d and none", p.Total, len(p.Resources), len(all))
			}

			for _, count := range []int{1, 5, 7, 23} {
				for start := 1; start <= len(all)+2; start++ {
					q.Count, q.StartIndex = count, start
					p, err := s.List(ctx, tenant, &set.User, q)
					if err != nil {
						t.Fatalf("List StartIndex %d Count %d: %v", start, count, err)
					}
					from := min(start-1, len(all))
					want := all[from:min(from+count, len(all))]
					if got := ids(p.Resources); !slices.Equal(got, want) {
						t.Errorf("StartIndex %d Count %d:\n got: %v\nwant: %v", start, count, names.names(got), names.names(want))
					}
					if p.Total != len(all) {
						t.Errorf("StartIndex %d Count %d: Total = %d, want %d", start, count, p.Total, len(all))
					}
				}
			}
		})
	}
}

func testKeysetPagination(t *testing.T, s storage.Store) {
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	names := seedPaging(t, s, tenant)

	for _, pq := range pagingQueries {
		t.Run(pq.name, func(t *testing.T) {
			q := pq.query(t)
			q.Count, q.StartIndex = 1000, 1
			big := listAll(t, s, tenant, &set.User, q)
			want := ids(big.Resources)
			for _, count := range []int{1, 4, 10, 23, 50} {
				for _, total := range []bool{false, true} {
					q := pq.query(t)
					q.Keyset, q.Count, q.Total = true, count, total
					got := walkKeyset(t, s, tenant, &set.User, q, len(want))
					if !slices.Equal(got, want) {
						t.Errorf("keyset walk with Count %d:\n got: %v\nwant: %v", count, names.names(got), names.names(want))
					}
				}
			}
		})
	}

	t.Run("writes during the walk", func(t *testing.T) {
		ctx := t.Context()
		q := storage.Query{SortBy: mustParsePath(t, "userName"), Keyset: true, Count: 5}
		p, err := s.List(ctx, tenant, &set.User, q)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		seen := ids(p.Resources)
		// Delete a user the walk has not reached, add one it will reach and
		// one it has passed.
		big := listAll(t, s, tenant, &set.User, storage.Query{SortBy: q.SortBy})
		victim := big.Resources[15].ID
		if err := s.Delete(ctx, tenant, &set.User, victim, 0); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		late := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("zzz-late")})
		early := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("aaa-early")})
		for cursor := p.NextCursor; cursor != ""; cursor = p.NextCursor {
			q.Cursor = cursor
			if p, err = s.List(ctx, tenant, &set.User, q); err != nil {
				t.Fatalf("List: %v", err)
			}
			seen = append(seen, ids(p.Resources)...)
			if len(seen) > 100 {
				t.Fatalf("walk does not end")
			}
		}
		var want []string
		for _, r := range big.Resources {
			if r.ID != victim {
				want = append(want, r.ID)
			}
		}
		want = append(want, late.ID)
		names[late.ID], names[early.ID] = "zzz-late", "aaa-early"
		if !slices.Equal(seen, want) {
			t.Errorf("walk with concurrent writes:\n got: %v\nwant: %v", names.names(seen), names.names(want))
		}
	})

	t.Run("invalid cursors", func(t *testing.T) {
		ctx := t.Context()
		for _, c := range []string{"garbage", "%%%", "eyJ4IjoxfQ", "AAAA", "eyJ2IjoiYSIsImlkIjoiYiJ9", "\x00"} {
			_, err := s.List(ctx, tenant, &set.User, storage.Query{Keyset: true, Count: 5, Cursor: c})
			checkErrIs(t, fmt.Sprintf("cursor %q", c), err, storage.ErrInvalidCursor)
			_, err = s.List(ctx, tenant, &set.User, storage.Query{Keyset: true, Count: 5, Cursor: c, SortBy: mustParsePath(t, "userName")})
			checkErrIs(t, fmt.Sprintf("cursor %q with sortBy", c), err, storage.ErrInvalidCursor)
		}

		// A cursor belongs to its sort order.
		byName := storage.Query{Keyset: true, Count: 5, SortBy: mustParsePath(t, "userName")}
		p, err := s.List(ctx, tenant, &set.User, byName)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if p.NextCursor == "" {
			t.Fatalf("first page of 5 of 23 users has no NextCursor")
		}
		for _, tc := range []struct {
			name string
			q    storage.Query
		}{
			{name: "other attribute", q: storage.Query{SortBy: mustParsePath(t, "name.familyName")}},
			{name: "default order", q: storage.Query{}},
			{name: "other direction", q: storage.Query{SortBy: mustParsePath(t, "userName"), Descending: true}},
		} {
			q := tc.q
			q.Keyset, q.Count, q.Cursor = true, 5, p.NextCursor
			_, err := s.List(ctx, tenant, &set.User, q)
			checkErrIs(t, "cursor used with "+tc.name, err, storage.ErrInvalidCursor)
		}
		// A group cursor is no user cursor.
		_, err = s.List(ctx, tenant, &set.Group, storage.Query{Keyset: true, Count: 5, Cursor: p.NextCursor, SortBy: mustParsePath(t, "displayName")})
		if err != nil && !errors.Is(err, storage.ErrInvalidCursor) {
			t.Errorf("user cursor on groups: error = %v, want nil or ErrInvalidCursor", err)
		}
	})
}

// walkKeyset follows NextCursor from the first page to the last and returns
// the IDs in the order seen.
func walkKeyset(t *testing.T, s storage.Store, tenant storage.TenantID, rt *schemas.ResourceType, q storage.Query, n int) []string {
	t.Helper()
	var got []string
	for page := 0; ; page++ {
		if page > n+2 {
			t.Fatalf("keyset walk with Count %d: more than %d pages for %d resources", q.Count, n+2, n)
		}
		p, err := s.List(t.Context(), tenant, rt, q)
		if err != nil {
			t.Fatalf("keyset page %d with Count %d: %v", page, q.Count, err)
		}
		if len(p.Resources) > q.Count {
			t.Errorf("keyset page %d: %d resources, Count %d", page, len(p.Resources), q.Count)
		}
		if q.Total && p.Total != n {
			t.Errorf("keyset page %d with Total: Total = %d, want %d", page, p.Total, n)
		}
		if !q.Total && p.Total != -1 && p.Total != n {
			t.Errorf("keyset page %d without Total: Total = %d, want -1 (or %d)", page, p.Total, n)
		}
		got = append(got, ids(p.Resources)...)
		if p.NextCursor == "" {
			return got
		}
		if len(p.Resources) == 0 {
			t.Fatalf("keyset page %d is empty but has a NextCursor", page)
		}
		q.Cursor = p.NextCursor
	}
}
