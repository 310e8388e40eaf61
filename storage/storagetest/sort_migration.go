package storagetest

import (
	"slices"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// RunSortValuesMigrationTest checks migration 12, which writes the sort
// values of multi-valued attributes (RFC 7644 §3.4.2.3: the primary, else
// the first value) of resources stored before scimd kept them. open opens
// a store on one database, the same each time; exec runs a statement on
// that database while no store has it open. The test closes the stores it
// opens.
//
// The test stores users with emails and custom multi-valued values, then
// makes the database look as if migration 12 had not run: it removes the
// sort values and the record of migrations 12 and later (goose refuses a
// missing version below the newest applied one). Reopening runs them
// again, and sorts by those attributes give the order they give after a
// write.
func RunSortValuesMigrationTest(t *testing.T, open func(t *testing.T) storage.Store, exec func(t *testing.T, stmt string)) {
	s := open(t)
	tenant := mustTenant(t, s, "acme")
	set := mustCustomSchema(t, s, tenant, 0, schemas.Definition{}, multiSortDef)
	other := mustTenant(t, s, "other") // a tenant without a custom schema
	plain := schemas.Default()
	names := keyNames{}
	docs := map[string]map[string]any{}
	var all, others []string
	for _, u := range multiSortUsers {
		r := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: u.doc()})
		names[r.ID], docs[r.ID] = u.key, u.doc()
		all = append(all, r.ID)
		d := u.doc()
		delete(d, schemas.TenantUserURN)
		o := mustCreate(t, s, other, &plain.User, storage.Resource{Attributes: d})
		names[o.ID], docs[o.ID] = u.key, d
		others = append(others, o.ID)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	exec(t, "DELETE FROM attr_values WHERE attr LIKE 'sort:%'")
	exec(t, "DELETE FROM goose_db_version WHERE version_id >= 12")
	s = open(t)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	for _, c := range []struct {
		name   string
		tenant storage.TenantID
		ids    []string
		sortBy string
		list   func(map[string]any) any
	}{
		{name: "custom schema", tenant: tenant, ids: all, sortBy: "emails.value", list: func(d map[string]any) any { return d["emails"] }},
		{name: "custom schema", tenant: tenant, ids: all, sortBy: "devices.value", list: func(d map[string]any) any {
			c, _ := d[schemas.TenantUserURN].(map[string]any)
			return c["devices"]
		}},
		{name: "custom schema", tenant: tenant, ids: all, sortBy: "lotteryNumbers", list: func(d map[string]any) any {
			c, _ := d[schemas.TenantUserURN].(map[string]any)
			return c["lotteryNumbers"]
		}},
		{name: "default schema", tenant: other, ids: others, sortBy: "emails", list: func(d map[string]any) any { return d["emails"] }},
	} {
		rt := &set.User
		if c.tenant == other {
			rt = &plain.User
		}
		for _, desc := range []bool{false, true} {
			values := map[string]any{}
			for _, id := range c.ids {
				if v, ok := multiSortValue(c.list(docs[id])); ok {
					values[id] = v
				}
			}
			want := multiSortOrder(c.ids, values, false, desc)
			p := listAll(t, s, c.tenant, rt, storage.Query{SortBy: mustParsePath(t, c.sortBy), Descending: desc})
			if got := ids(p.Resources); !slices.Equal(got, want) {
				t.Errorf("%s, after the migration, sortBy %s descending %v:\n got: %v\nwant: %v",
					c.name, c.sortBy, desc, names.names(got), names.names(want))
			}
		}
	}
	// The migration wrote each value once: a write rewrites them.
	r := mustUpdate(t, s, tenant, &set.User, all[0], storage.UpdateOptions{}, func(cur storage.Resource) (storage.Edit, error) {
		d := cur.Attributes
		d["emails"] = []any{el("0-first@x.example", true)}
		return storage.Edit{Attributes: d}, nil
	})
	p := listAll(t, s, tenant, &set.User, storage.Query{SortBy: mustParsePath(t, "emails"), Count: 1})
	if len(p.Resources) == 0 || p.Resources[0].ID != r.ID {
		t.Errorf("after a write, sortBy emails starts with %v, want %s", names.names(ids(p.Resources)), names[r.ID])
	}
}
