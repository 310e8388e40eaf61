package sqltest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// A planner is a store that can show how it would run a List query.
// sqlstore.Store is one.
type planner interface {
	FullScans(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, q storage.Query) ([]string, error)
}

// planUsers and planGroups size the data the plan test seeds: enough rows
// for a cost-based optimizer to prefer indexes where they help.
const (
	planUsers  = 1500
	planGroups = 60
	planApps   = 10
	// planSpareApps are apps without users: a tenant has many apps, so a
	// plan that reads all of them (an index on the tenant's app names)
	// loses to reading the page's assignments, as it does on real data.
	planSpareApps = 200
)

// RunPlanTests proves that the filters identity providers send most, and
// sorting by userName, run through index lookups: the engine's EXPLAIN shows
// no scan of a whole table, index or tenant. Counting the work the engine
// reports for them, it also proves that those lookups cost the same in a
// tenant ten times larger (see planTestExamined). MembershipStatements and
// MembershipAtScale count the SQL statements of adding and removing a
// member: as many for a group of 1,000 (100,000) members as for one of 10.
// newStore must return a store that implements FullScans, Examined and
// Statements.
//
// In short mode (go test -short) MembershipAtScale, which builds a group of
// 100,000 members, is skipped.
func RunPlanTests(t *testing.T, newStore func(t *testing.T) storage.Store) {
	t.Run("work of IdP lookups", func(t *testing.T) { planTestExamined(t, newStore) })
	t.Run("MembershipStatements", func(t *testing.T) { testMembershipStatements(t, newStore(t)) })
	t.Run("MembershipAtScale", func(t *testing.T) { testMembershipAtScale(t, newStore(t)) })
	t.Run("ListStatements", func(t *testing.T) { testListStatements(t, newStore(t)) })
	t.Run("DeleteStatements", func(t *testing.T) { testDeleteStatements(t, newStore(t)) })
	s := newStore(t)
	p, ok := s.(planner)
	if !ok {
		t.Fatalf("%T does not implement FullScans", s)
	}
	ctx := t.Context()
	set := schemas.Default()
	tenant := planTenant(t, s, "plans")
	other := planTenant(t, s, "plans-other")
	// Both tenants define custom attributes (the same names), and every
	// user holds values of them, so that the custom-attribute filters
	// below must pick the tenant's rows of one attribute out of many.
	custom, err := schemas.BuildSet(1, planCustomDef)
	if err != nil {
		t.Fatal(err)
	}
	for _, tn := range []storage.TenantID{other, tenant} {
		raw, err := json.Marshal(planCustomDef)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetTenantSchema(ctx, tn, 0, raw, &custom, planCustomDef.Changes(schemas.Definition{})); err != nil {
			t.Fatalf("SetTenantSchema: %v", err)
		}
	}
	var lastUser, lastGroup storage.Resource
	var member7 string // the one member of "Group 7"
	var prevGroup string
	var chain []string // Group 0 to Group 10 of the tenant: Group i holds Group i-1
	var recentModified string
	var app storage.App    // the tenant's app, to which every tenth user is assigned
	var pageUsers []string // users whose groups and apps a list page reads
	for _, tn := range []storage.TenantID{other, tenant} {
		users := make([]storage.Resource, planUsers)
		for i := range planUsers {
			r, err := s.Create(ctx, tn, &custom.User, storage.Resource{Attributes: planUser(i)})
			if err != nil {
				t.Fatalf("seed user %d: %v", i, err)
			}
			lastUser, users[i] = r, r
		}
		member7 = users[7].ID
		for i := range planGroups {
			r, err := s.Create(ctx, tn, &custom.Group, storage.Resource{
				Attributes: map[string]any{"displayName": fmt.Sprintf("Group %d", i), "externalId": fmt.Sprintf("gx-%d", i)},
				Members:    []storage.Member{{Value: users[i].ID}},
			})
			if err != nil {
				t.Fatalf("seed group %d: %v", i, err)
			}
			lastGroup = r
			if i > 0 && i <= 10 { // a chain of nested groups: Group i holds Group i-1
				if _, err := s.Update(ctx, tn, &custom.Group, r.ID, storage.UpdateOptions{}, func(storage.Resource) (storage.Edit, error) {
					return storage.Edit{AddMembers: []storage.Member{{Value: prevGroup, Type: schemas.GroupType}}}, nil
				}); err != nil {
					t.Fatalf("nest group %d: %v", i, err)
				}
			}
			prevGroup = r.ID
			if i <= 10 {
				chain = append(chain, r.ID)
			}
		}
		// Ten apps, each with 15 of the tenant's users, and spare ones.
		apps := make([]storage.App, planApps+planSpareApps)
		for i := range apps {
			if apps[i], err = s.CreateApp(ctx, tn, storage.App{Name: fmt.Sprintf("Plan app %d", i)}); err != nil {
				t.Fatalf("CreateApp: %v", err)
			}
		}
		app = apps[3]
		for i := 0; i < planUsers; i += 10 {
			a := apps[(i/10)%planApps]
			if _, err := s.Assign(ctx, tn, storage.AppAssignment{App: a.ID, User: users[i].ID, Username: fmt.Sprintf("pu%d", i)}); err != nil {
				t.Fatalf("Assign: %v", err)
			}
		}
		// Assignments make new versions of users: the lastModified filter
		// below asks for the last one only.
		last := users[(planUsers-1)/10*10] // the last one assigned
		if last, err = s.Get(ctx, tn, &set.User, last.ID, storage.GetOptions{}); err != nil {
			t.Fatal(err)
		}
		recentModified = last.Meta.LastModified.Format("2006-01-02T15:04:05.000000Z")
		pageUsers = []string{users[0].ID, users[1].ID, users[10].ID, users[77].ID}
		if tn == other {
			chain = nil
		}
	}
	if a, ok := s.(interface{ Analyze(context.Context) error }); ok {
		if err := a.Analyze(ctx); err != nil {
			t.Fatal(err)
		}
	}
	recent := lastUser.Meta.Created.Format("2006-01-02T15:04:05.000000Z")
	cases := []struct {
		rt     *schemas.ResourceType
		filter string
		sortBy string
		desc   bool
		// broad marks a filter that matches most users, with a sort: the
		// page is read in the order of the sort's index, checking the
		// filter on each row (which may walk the tenant to find the users
		// without a value), and nothing is sorted.
		broad bool
	}{
		{rt: &set.User, filter: `userName eq "User.77@Example.com"`},
		{rt: &set.User, filter: `userName sw "user.777@"`},
		{rt: &set.User, filter: `externalId eq "ext-77"`},
		{rt: &set.User, filter: `id eq "` + lastUser.ID + `"`},
		{rt: &set.User, filter: `emails.value eq "u77@work.example.com"`},
		{rt: &set.User, filter: `emails[type eq "work" and value eq "u77@work.example.com"]`},
		{rt: &set.User, filter: `emails[value eq "u77@home.example.org"]`},
		{rt: &set.User, filter: `meta.created ge "` + recent + `"`},
		{rt: &set.User, filter: `meta.lastModified ge "` + recentModified + `"`},
		{rt: &set.User, filter: `active eq false`},
		{rt: &set.User, filter: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "E77"`},
		{rt: &set.User, filter: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter eq "CC-77"`},
		{rt: &set.User, filter: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization eq "Org 77"`},
		{rt: &set.User, filter: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division eq "Division 77"`},
		{rt: &set.User, filter: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Dept 77"`},
		{rt: &set.User, filter: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "mgr-7"`},
		{rt: &set.User, filter: `department eq "Dept 77" and active eq true`},
		{rt: &set.User, filter: `userName eq "user.77@example.com" or externalId eq "ext-78"`},
		{rt: &set.User, filter: `groups.value eq "` + lastGroup.ID + `"`},
		// App assignments: the app's rows of app_assignments' key.
		{rt: &set.User, filter: schemas.ScimdUserURN + `:apps.value eq "` + app.ID + `"`},
		{rt: &set.User, filter: `apps[value eq "` + app.ID + `"] and active eq true`},
		// The scimd User extension: lifecycle status, verified contact
		// values, tags (key and value within one tag) and aliases.
		{rt: &set.User, filter: schemas.ScimdUserURN + `:status eq "suspended"`},
		{rt: &set.User, filter: `emails[verified eq true]`},
		{rt: &set.User, filter: `emails[type eq "work" and verified eq true]`},
		{rt: &set.User, filter: schemas.ScimdUserURN + `:tags[key eq "tier" and value eq "t77"]`},
		{rt: &set.User, filter: schemas.ScimdUserURN + `:tags[value eq "t77" and key eq "tier"]`},
		{rt: &set.User, filter: schemas.ScimdUserURN + `:aliases eq "legacy-77"`},
		// Tenant custom attributes: an eq filter on a custom attribute, or
		// on a custom identifier, is an index lookup of the tenant's
		// values of that attribute, which then reads only the matching
		// users by primary key. EXPLAIN showing no scan here is what
		// proves that such a filter over 100,000 users reads O(result)
		// rows: the plan is the same at any tenant size.
		{rt: &custom.User, filter: `costCode eq "K-77"`},
		{rt: &custom.User, filter: schemas.TenantUserURN + `:costCode eq "k-77"`},
		{rt: &custom.User, filter: `badgeId eq "b00077"`},
		{rt: &custom.User, filter: schemas.TenantUserURN + `:badgeId eq "B00077"`},
		{rt: &custom.User, filter: `floor eq 17`},
		{rt: &custom.User, filter: `badgeId eq "B00077" and costCode eq "K-77"`},
		{rt: &set.User, sortBy: "userName"},
		{rt: &set.User, sortBy: "meta.created"},
		{rt: &set.User, sortBy: "meta.lastModified"},
		{rt: &custom.Group, sortBy: "displayName"},
		// Sorting by an attribute held in attr_values, custom or not,
		// reads its index in order: one page of it for the first page,
		// whatever the tenant's size. Descending, the users without a
		// value come first, found by walking the tenant by id (no sort).
		{rt: &custom.User, sortBy: "costCode"},
		{rt: &custom.User, sortBy: "costCode", desc: true},
		{rt: &custom.User, sortBy: schemas.TenantUserURN + ":badgeId"},
		{rt: &custom.User, sortBy: "floor"},
		{rt: &custom.User, sortBy: "floor", desc: true},
		{rt: &set.User, sortBy: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"},
		{rt: &set.User, sortBy: "displayName", desc: true},
		{rt: &custom.User, filter: `active eq true`, sortBy: "costCode", broad: true},
		// A multi-valued attribute sorts by its primary (else first)
		// value, kept in attr_values as a row of its own.
		{rt: &set.User, sortBy: "emails.value"},
		{rt: &set.User, sortBy: "emails", desc: true},
		{rt: &custom.User, filter: `active eq true`, sortBy: "emails.value", broad: true},
		{rt: &custom.User, filter: `userName sw "user."`, sortBy: "floor", desc: true, broad: true},
		// A narrow filter finds its matches through its own index, and
		// they are sorted.
		{rt: &custom.User, filter: `costCode eq "K-77"`, sortBy: "floor"},
		{rt: &custom.User, filter: `department eq "Dept 77"`, sortBy: "badgeId", desc: true},
		{rt: &custom.Group, filter: `displayName eq "group 7"`},
		{rt: &custom.Group, filter: `externalId eq "gx-7"`},
		{rt: &custom.Group, filter: `members.value eq "` + member7 + `"`},
	}
	for _, c := range cases {
		name := c.filter
		if c.sortBy != "" {
			name = strings.TrimSpace(name + " sortBy " + c.sortBy)
		}
		if c.desc {
			name += " descending"
		}
		t.Run(name, func(t *testing.T) {
			q := storage.Query{Count: 10, StartIndex: 1, Descending: c.desc}
			if c.filter != "" {
				q.Filter = planFilter(t, c.filter)
			}
			if c.sortBy != "" {
				path, err := filter.ParseAttrPath([]byte(c.sortBy))
				if err != nil {
					t.Fatal(err)
				}
				q.SortBy = &path
			}
			scans, err := p.FullScans(ctx, tenant, c.rt, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, step := range scans {
				switch {
				case strings.HasPrefix(step, "scan: "):
					t.Errorf("the plan scans a whole table or index: %s", step)
				case c.filter != "" && !c.broad && strings.HasPrefix(step, "tenant: "):
					t.Errorf("the filter is not served by an index: %s", step)
				case (c.filter == "" || c.broad) && strings.HasPrefix(step, "sort: "):
					// Without a filter, or with one that most users
					// match, the sort index must give the order, so that
					// a page reads one page of rows.
					t.Errorf("the plan sorts the tenant: %s", step)
				}
			}
			page, err := s.List(ctx, tenant, c.rt, q)
			if err != nil {
				t.Fatal(err)
			}
			if c.filter != "" && page.Total == 0 {
				t.Errorf("the filter matched nothing; the case proves nothing")
			}
		})
	}

	// The cycle check of a group added to a group walks up from the
	// group that gains it.
	t.Run("cycle check", func(t *testing.T) {
		cp, ok := s.(interface {
			CycleFullScans(ctx context.Context, tenant storage.TenantID, group string, members []string) ([]string, error)
		})
		if !ok {
			t.Skipf("%T does not implement CycleFullScans", s)
		}
		scans, err := cp.CycleFullScans(ctx, tenant, chain[0], []string{chain[10], chain[5]})
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range scans {
			if strings.HasPrefix(step, "scan: ") || strings.HasPrefix(step, "tenant: ") {
				t.Errorf("the plan reads more than the group's ancestors: %s", step)
			}
		}
		_, err = s.Update(ctx, tenant, &custom.Group, chain[0], storage.UpdateOptions{}, func(storage.Resource) (storage.Edit, error) {
			return storage.Edit{AddMembers: []storage.Member{{Value: chain[10]}}}, nil
		})
		var ve *storage.ValueError
		if !errors.As(err, &ve) {
			t.Errorf("Group 10 into Group 0: %v, want a cycle's ValueError", err)
		}
	})

	// A page's groups, direct and indirect, and apps: the recursive walk
	// goes up the members reverse index, and apps come from the users'
	// index of app_assignments.
	t.Run("related data of a page of users", func(t *testing.T) {
		rp, ok := s.(interface {
			RelatedFullScans(ctx context.Context, tenant storage.TenantID, users []string) ([]string, error)
		})
		if !ok {
			t.Skipf("%T does not implement RelatedFullScans", s)
		}
		scans, err := rp.RelatedFullScans(ctx, tenant, pageUsers)
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range scans {
			if strings.HasPrefix(step, "scan: ") || strings.HasPrefix(step, "tenant: ") {
				t.Errorf("the plan reads more than the users' rows: %s", step)
			}
		}
		page := listAll(t, s, tenant, &set.User, storage.Query{Filter: planFilter(t, `id eq "`+pageUsers[0]+`"`),
			GetOptions: storage.GetOptions{Groups: true, Apps: true}})
		if len(page.Resources) != 1 || len(page.Resources[0].Groups) != 11 || len(page.Resources[0].Apps) != 1 {
			t.Errorf("user 0 should be in Group 0 and (indirectly) Groups 1 to 10, and in the app; got %+v", page.Resources)
		}
	})
}

func planUser(i int) map[string]any {
	return map[string]any{
		"userName":    fmt.Sprintf("user.%d@example.com", i),
		"externalId":  fmt.Sprintf("ext-%d", i),
		"active":      i%50 != 0,
		"displayName": fmt.Sprintf("User %d", i),
		"emails": []any{
			map[string]any{"value": fmt.Sprintf("u%d@work.example.com", i), "type": "work", "primary": true, "verified": i%100 == 7},
			map[string]any{"value": fmt.Sprintf("u%d@home.example.org", i), "type": "home"},
		},
		schemas.EnterpriseUserURN: map[string]any{
			"employeeNumber": fmt.Sprintf("E%d", i),
			"costCenter":     fmt.Sprintf("CC-%d", i%100),
			"organization":   fmt.Sprintf("Org %d", i%100),
			"division":       fmt.Sprintf("Division %d", i%100),
			"department":     fmt.Sprintf("Dept %d", i%100),
			"manager":        map[string]any{"value": fmt.Sprintf("mgr-%d", i%100)},
		},
		schemas.ScimdUserURN: map[string]any{
			"status": map[bool]string{true: schemas.StatusActive, false: schemas.StatusSuspended}[i%50 != 0],
			"tags": []any{
				map[string]any{"key": "tier", "value": fmt.Sprintf("t%d", i%100)},
				map[string]any{"key": fmt.Sprintf("k%d", i%20), "value": "v"},
			},
			"aliases": []any{fmt.Sprintf("legacy-%d", i)},
		},
		schemas.TenantUserURN: map[string]any{
			"badgeId":  fmt.Sprintf("B%05d", i),
			"costCode": fmt.Sprintf("K-%d", i%100),
			"floor":    i % 40,
		},
	}
}

// planCustomDef is the custom schema of the plan test's tenants: an
// identifier, a string that many users share and an integer.
var planCustomDef = schemas.Definition{User: []schemas.AttributeDef{
	{Name: "badgeId", Type: "string", Identifier: true},
	{Name: "costCode", Type: "string"},
	{Name: "floor", Type: "integer"},
}}

func planTenant(t *testing.T, s storage.Store, name string) storage.TenantID {
	t.Helper()
	tn, err := s.CreateTenant(t.Context(), name)
	if err != nil {
		t.Fatalf("create tenant %s: %v", name, err)
	}
	return tn.ID
}

func planFilter(t *testing.T, s string) filter.Expression {
	t.Helper()
	e, err := filter.ParseFilter([]byte(s))
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return e
}
