package sqltest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// An examiner is a store that can count the work of a List query: the rows
// (MySQL) or B-tree pages (SQLite) the engine reads for it. sqlstore.Store
// is one.
type examiner interface {
	Examined(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, q storage.Query) (int, error)
	Analyze(ctx context.Context) error
	Engine() string
}

// The tenants of planTestExamined: the same data, ten times more of it in
// the large one: users, and a tenth as many groups of ten users each.
const (
	examinedSmall = 1000
	examinedLarge = 10000
	// examinedBudget is the most work a lookup of a user or a group may
	// cost: several times what the lookups here read (up to about 60 rows
	// or pages), far below a walk of the table the two tenants share. A
	// walk of the tenant alone is what comparing the tenants finds.
	examinedBudget = examinedSmall / 4
)

// planTestExamined proves, with the engine's own counters, that the lookups
// identity providers send cost the same in a tenant of 1,000 users as in one
// of 10,000: an index leads straight to the matches. EXPLAIN cannot show
// this: an index range over every user of the tenant is a SEARCH (SQLite) or
// a ref access (MySQL) like a lookup of one value, and a planner without
// per-value statistics may drive a value path from its least selective
// comparison (emails[type eq "work" and value eq x] from type). The
// lookups are measured as deployed and again after ANALYZE. On SQLite,
// deployed means without statistics: scimd runs no ANALYZE. InnoDB keeps
// sampled statistics of its own, recomputed in the background when a table
// is opened or a tenth of it changed, so before ANALYZE a MySQL table holds
// whatever that background work has reached: a state that depends on
// timing, not one to assert on. MySQL is measured after ANALYZE only.
func planTestExamined(t *testing.T, newStore func(t *testing.T) storage.Store) {
	s := newStore(t)
	ex, ok := s.(examiner)
	if !ok {
		t.Fatalf("%T does not implement Examined", s)
	}
	ctx := t.Context()
	set := schemas.Default()
	tenants := []examinedTenant{
		examinedSeed(t, s, "examined-small", examinedSmall),
		examinedSeed(t, s, "examined-large", examinedLarge),
	}
	const (
		work77 = "u77@work.example.com" // user 77's work email, user 76's home email
		nobody = "4f6c0a0e-2b51-4c57-9a3e-0c9a6f7d1b22"
	)
	// The filters of Entra (E1–E5, E22; E26's value path as a filter) and
	// Okta (O1, O11), and the other lookups they are configured with.
	// Entra's emails[type eq "work"].value eq x reaches storage as the
	// value path below (see scim.ParseFilter). want are the indexes of the
	// users or groups that match, the same in both tenants.
	cases := []struct {
		rt     *schemas.ResourceType
		filter string // {{user77}} is user 77's ID, {{group7}} Group 7's
		want   []int
		// scan marks the control: a filter that no index serves, whose
		// work must grow with the tenant, or the counters see nothing.
		scan bool
	}{
		{rt: &set.User, filter: `userName eq "user.77@example.com"`, want: []int{77}},
		{rt: &set.User, filter: `userName eq "USER.77@Example.COM"`, want: []int{77}},
		{rt: &set.User, filter: `userName eq "` + nobody + `"`},
		{rt: &set.User, filter: `externalId eq "ext-77"`, want: []int{77}},
		{rt: &set.User, filter: `id eq "{{user77}}"`, want: []int{77}},
		{rt: &set.User, filter: `emails[type eq "work" and value eq "` + work77 + `"]`, want: []int{77}},
		{rt: &set.User, filter: `emails[type eq "work" and value eq "` + nobody + `@example.com"]`},
		{rt: &set.User, filter: `emails[value eq "` + work77 + `" and type eq "work"]`, want: []int{77}},
		{rt: &set.User, filter: `emails[type eq "home" and value eq "` + work77 + `"]`, want: []int{76}},
		{rt: &set.User, filter: `emails[primary eq true and value eq "` + work77 + `"]`, want: []int{77}},
		{rt: &set.User, filter: `emails[value eq "` + work77 + `"]`, want: []int{76, 77}},
		{rt: &set.User, filter: `emails.value eq "` + work77 + `"`, want: []int{76, 77}},
		{rt: &set.User, filter: `emails eq "` + work77 + `"`, want: []int{76, 77}},
		{rt: &set.User, filter: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "E77"`, want: []int{77}},
		{rt: &set.User, filter: `groups.value eq "{{group7}}"`, want: []int{70, 71, 72, 73, 74, 75, 76, 77, 78, 79}},
		{rt: &set.Group, filter: `displayName eq "Group 7"`, want: []int{7}},
		{rt: &set.Group, filter: `displayName eq "` + nobody + `"`},
		{rt: &set.Group, filter: `externalId eq "gx-7"`, want: []int{7}},
		{rt: &set.Group, filter: `id eq "{{group7}}"`, want: []int{7}},
		{rt: &set.Group, filter: `members[value eq "{{user77}}"]`, want: []int{7}},
		{rt: &set.Group, filter: `members.value eq "{{user77}}"`, want: []int{7}},
		{rt: &set.User, filter: `userName ew "r.77@example.com"`, want: []int{77}, scan: true},
	}
	phases := []string{"without statistics", "after ANALYZE"}
	if ex.Engine() == "mysql" {
		phases = phases[1:]
	}
	for _, stats := range phases {
		if stats == "after ANALYZE" {
			if err := ex.Analyze(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range cases {
			t.Run(stats+"/"+c.filter, func(t *testing.T) {
				var work [2]int
				for i, tn := range tenants {
					// The page an identity provider asks for: Okta's
					// count=100, users with their groups.
					q := storage.Query{StartIndex: 1, Count: 100,
						GetOptions: storage.GetOptions{Groups: c.rt.Name == schemas.UserType},
						Filter:     planFilter(t, strings.NewReplacer("{{user77}}", tn.users[77], "{{group7}}", tn.groups[7]).Replace(c.filter))}
					n, err := ex.Examined(ctx, tn.id, c.rt, q)
					if err != nil {
						t.Fatal(err)
					}
					work[i] = n
					tn.check(t, s, c.rt, q, c.want)
				}
				t.Logf("work: %d in the tenant of %d users, %d in the tenant of %d", work[0], examinedSmall, work[1], examinedLarge)
				switch {
				case c.scan:
					if work[1] < 5*work[0] || work[0] < examinedSmall/10 {
						t.Errorf("a scan of the tenant costs %d in the tenant of %d users and %d in the tenant of %d: the counters do not measure the work",
							work[0], examinedSmall, work[1], examinedLarge)
					}
				case work[1] > work[0]+work[0]/2+10:
					t.Errorf("the work grows with the tenant: %d in the tenant of %d users, %d in the tenant of %d",
						work[0], examinedSmall, work[1], examinedLarge)
				case max(work[0], work[1]) > examinedBudget:
					t.Errorf("the lookup costs %d and %d, more than %d: it reads resources that do not match",
						work[0], work[1], examinedBudget)
				}
			})
		}
	}
}

// check lists q in the tenant and compares the matches with the users (or
// groups) of the given indexes.
func (tn examinedTenant) check(t *testing.T, s storage.Store, rt *schemas.ResourceType, q storage.Query, indexes []int) {
	t.Helper()
	page, err := s.List(t.Context(), tn.id, rt, q)
	if err != nil {
		t.Fatal(err)
	}
	all := tn.users
	if rt.Name == schemas.GroupType {
		all = tn.groups
	}
	var got, want []string
	for _, r := range page.Resources {
		got = append(got, r.ID)
	}
	for _, i := range indexes {
		want = append(want, all[i])
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || page.Total != len(want) {
		t.Errorf("in the tenant of %d users: matched %v (totalResults %d), want %v", len(tn.users), got, page.Total, want)
	}
}

// An examinedTenant is a tenant of planTestExamined, with the IDs of its
// users and groups by index.
type examinedTenant struct {
	id            storage.TenantID
	users, groups []string
}

// examinedSeed creates a tenant of n users and n/10 groups through
// CreateMany. User i has a work email, and as home email user i+1's work
// email, so that a value path must match both conditions on one element.
// Group g holds users 10g to 10g+9.
func examinedSeed(t *testing.T, s storage.Store, name string, n int) examinedTenant {
	t.Helper()
	ctx := t.Context()
	set := schemas.Default()
	tn, err := s.CreateTenant(ctx, name)
	if err != nil {
		t.Fatalf("create tenant %s: %v", name, err)
	}
	ids := examinedTenant{id: tn.ID}
	const batch = 500
	for start := 0; start < n; start += batch {
		list := make([]storage.Resource, 0, batch)
		for i := start; i < min(start+batch, n); i++ {
			list = append(list, storage.Resource{Attributes: map[string]any{
				"userName":    fmt.Sprintf("user.%d@example.com", i),
				"externalId":  fmt.Sprintf("ext-%d", i),
				"active":      true,
				"displayName": fmt.Sprintf("User %d", i),
				"emails": []any{
					map[string]any{"value": fmt.Sprintf("u%d@work.example.com", i), "type": "work", "primary": true},
					map[string]any{"value": fmt.Sprintf("u%d@work.example.com", i+1), "type": "home"},
				},
				schemas.EnterpriseUserURN: map[string]any{"employeeNumber": fmt.Sprintf("E%d", i)},
			}})
		}
		created, err := s.CreateMany(ctx, tn.ID, &set.User, list)
		if err != nil {
			t.Fatalf("seed users of %s: %v", name, err)
		}
		for _, r := range created {
			ids.users = append(ids.users, r.ID)
		}
	}
	for start := 0; start < n/10; start += batch {
		list := make([]storage.Resource, 0, batch)
		for g := start; g < min(start+batch, n/10); g++ {
			var members []storage.Member
			for _, u := range ids.users[10*g : 10*g+10] {
				members = append(members, storage.Member{Value: u})
			}
			list = append(list, storage.Resource{
				Attributes: map[string]any{"displayName": fmt.Sprintf("Group %d", g), "externalId": fmt.Sprintf("gx-%d", g)},
				Members:    members,
			})
		}
		created, err := s.CreateMany(ctx, tn.ID, &set.Group, list)
		if err != nil {
			t.Fatalf("seed groups of %s: %v", name, err)
		}
		for _, r := range created {
			ids.groups = append(ids.groups, r.ID)
		}
	}
	return ids
}
