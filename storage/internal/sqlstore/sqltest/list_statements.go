package sqltest

import (
	"slices"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// testListStatements checks that a list of users with their groups costs
// one statement when their groups are flat and they have no apps: the
// filtered lookup identity providers send (one match, none), and each page
// of a cursor walk. The users come with their direct groups, in order.
func testListStatements(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	counter := mustCounter(t, s)
	tenant := mustTenant(t, s, "list-statements")
	var users []string
	for _, name := range []string{"ada", "bob", "cy", "dee", "eve"} {
		users = append(users, mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc(name)}).ID)
	}
	g1 := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("g1")}).ID
	g2 := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("g2")}).ID
	for _, g := range []string{g1, g2} {
		mustUpdate(t, s, tenant, &set.Group, g, storage.UpdateOptions{}, edit(storage.Edit{
			AddMembers: []storage.Member{userMember(users[0]), userMember(users[3])}}))
	}
	wantGroups := []string{"g1/" + storage.GroupDirect, "g2/" + storage.GroupDirect} // by ID: g1 was created first
	opts := storage.GetOptions{Groups: true}
	list := func(q storage.Query) (storage.Page, int64) {
		t.Helper()
		before := counter.Statements()
		page, err := s.List(ctx, tenant, &set.User, q)
		if err != nil {
			t.Fatal(err)
		}
		return page, counter.Statements() - before
	}
	for _, c := range []struct {
		filter string
		want   []string
	}{{`userName eq "ada"`, users[:1]}, {`userName eq "nobody"`, nil}} {
		page, n := list(storage.Query{Filter: planFilter(t, c.filter), StartIndex: 1, Count: 100, GetOptions: opts})
		if n != 1 {
			t.Errorf("%s: %d statements, want 1", c.filter, n)
		}
		if !slices.Equal(ids(page.Resources), c.want) || page.Total != len(c.want) {
			t.Errorf("%s: got %v (total %d), want %v", c.filter, ids(page.Resources), page.Total, c.want)
		}
		for _, r := range page.Resources {
			if got := groupRefs(r.Groups); !slices.Equal(got, wantGroups) {
				t.Errorf("%s: groups %v, want %v", c.filter, got, wantGroups)
			}
		}
	}
	// A cursor walk, two users a page: after the first page (which also
	// counts), every page is one statement.
	all := sortedCopy(users)
	var walked []string
	q := storage.Query{Keyset: true, Count: 2, GetOptions: opts}
	for pages := 0; ; pages++ {
		page, n := list(q)
		if pages > 0 && n != 1 {
			t.Errorf("page %d of the walk: %d statements, want 1", pages+1, n)
		}
		for _, r := range page.Resources {
			walked = append(walked, r.ID)
			want := []string{}
			if r.ID == users[0] || r.ID == users[3] {
				want = wantGroups
			}
			if got := groupRefs(r.Groups); !slices.Equal(got, want) {
				t.Errorf("walk: user %s has groups %v, want %v", r.ID, got, want)
			}
		}
		if page.NextCursor == "" || pages > len(users) {
			break
		}
		q.Cursor = page.NextCursor
	}
	if !slices.Equal(walked, all) {
		t.Errorf("the walk read %v, want %v", walked, all)
	}
}
