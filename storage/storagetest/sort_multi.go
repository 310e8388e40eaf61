package storagetest

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// multiSortDef are the custom multi-valued attributes testMultiValuedSorting
// sorts by: a complex one with a value and a primary, a list of integers,
// and a list of strings of groups.
var multiSortDef = schemas.Definition{
	User: []schemas.AttributeDef{
		{Name: "devices", Type: "complex", MultiValued: true, SubAttributes: []schemas.AttributeDef{
			{Name: "value", Type: "string"},
			{Name: "kind", Type: "string"},
			{Name: "primary", Type: "boolean"},
		}},
		{Name: "lotteryNumbers", Type: "integer", MultiValued: true},
	},
	Group: []schemas.AttributeDef{
		{Name: "labels", Type: "string", MultiValued: true},
	},
}

// el is an element of a multi-valued complex attribute: value "" is left
// out, and primary is set only when true.
func el(value string, primary bool) map[string]any {
	m := map[string]any{"type": "work"}
	if value != "" {
		m["value"] = value
	}
	if primary {
		m["primary"] = true
	}
	return m
}

// multiSortUsers are the users of testMultiValuedSorting. Each list's sort
// value (RFC 7644 §3.4.2.3) is its primary element's value, else its first
// value: the primary is not always first, the first element may lack a
// value, ties repeat across case, some users have no value at all.
var multiSortUsers = []multiSortUser{
	{key: "u1", emails: []any{el("b@x.example", false), el("A@x.example", true)},
		phones: []any{el("+1 555 0109", false), el("+1 (555) 0101", true)},
		custom: map[string]any{"devices": []any{el("Laptop-Z", false), el("phone-a", true)}, "lotteryNumbers": []any{7, 3}}},
	{key: "u2", emails: []any{el("c@x.example", false), el("0@x.example", false)},
		phones: []any{el("+1 555 0105", false)},
		custom: map[string]any{"devices": []any{el("Tablet", false)}, "lotteryNumbers": []any{12}}},
	{key: "u3", emails: []any{el("", true), el("d@x.example", false)},
		custom: map[string]any{"devices": []any{el("", false), el("desk-1", false)}, "lotteryNumbers": []any{-1, 100}}},
	{key: "u4", emails: []any{el("Z@x.example", false), el("e@x.example", false)},
		phones: []any{el("555-0100", true)}},
	{key: "u5"},
	{key: "u6", emails: []any{el("a@X.example", true)},
		custom: map[string]any{"devices": []any{el("laptop-z", false)}, "lotteryNumbers": []any{7}}},
	{key: "u7", emails: []any{el("", false)}, phones: []any{el("", true)}},
	{key: "u8", emails: []any{el("m@x.example", false), el("n@x.example", true), el("0@x.example", true)},
		phones: []any{el("+44 20 7946 0000", false), el("+1 555 0102", false)},
		custom: map[string]any{"lotteryNumbers": []any{}}},
	{key: "u9", emails: []any{el("B@x.example", false)}, phones: []any{el("+1 555 0109", true)},
		custom: map[string]any{"devices": []any{el("phone-a", false), el("zz", false)}}},
}

// A multiSortUser is a user of testMultiValuedSorting: its emails, phone
// numbers and custom values.
type multiSortUser struct {
	key    string
	emails []any
	phones []any
	custom map[string]any
}

func (u multiSortUser) doc() map[string]any {
	d := userDoc(u.key)
	if u.emails != nil {
		d["emails"] = u.emails
	}
	if u.phones != nil {
		d["phoneNumbers"] = u.phones
	}
	if u.custom != nil {
		d[schemas.TenantUserURN] = u.custom
	}
	return d
}

// multiSortValue is the sort value of a multi-valued attribute (a list of
// complex elements or of simple values) as RFC 7644 §3.4.2.3 says: the first
// primary element's value, else the first value.
func multiSortValue(list any) (any, bool) {
	items, _ := list.([]any)
	var first any
	found := false
	for _, it := range items {
		v := it
		primary := false
		if m, ok := it.(map[string]any); ok {
			v = m["value"]
			primary, _ = m["primary"].(bool)
		}
		if v == nil {
			continue
		}
		if primary {
			return v, true
		}
		if !found {
			first, found = v, true
		}
	}
	return first, found
}

// multiSortOrder orders resources by their sort values: strings
// case-folded (phone numbers in storage.NormalizePhone form), numbers by
// value, missing values last, ties by id; descending is the exact reverse.
func multiSortOrder(ids []string, values map[string]any, phone, desc bool) []string {
	ks := slices.Clone(ids)
	key := func(id string) (string, float64, bool) {
		v, ok := values[id]
		if !ok {
			return "", 0, false
		}
		if s, ok := v.(string); ok {
			if phone {
				return storage.NormalizePhone(s), 0, true
			}
			return lower(s), 0, true
		}
		f, _ := customNumber(v)
		return "", f, true
	}
	slices.SortFunc(ks, func(a, b string) int {
		sa, fa, oka := key(a)
		sb, fb, okb := key(b)
		if oka != okb {
			if oka {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(sa, sb); c != 0 {
			return c
		}
		if c := cmp.Compare(fa, fb); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	if desc {
		slices.Reverse(ks)
	}
	return ks
}

// testMultiValuedSorting: sortBy on multi-valued attributes, core and
// custom, complex and simple, of users and groups, orders by each resource's
// primary (else first) value, ascending and descending, with resources
// without a value last ascending; by one page, index pages around the
// boundary of the resources without a value, keyset walks, and with a
// narrow filter. The order follows writes that change, add and remove the
// primary value.
func testMultiValuedSorting(t *testing.T, s storage.Store) {
	ctx := t.Context()
	tenant := mustTenant(t, s, "acme")
	set := mustCustomSchema(t, s, tenant, 0, schemas.Definition{}, multiSortDef)
	names := keyNames{}
	docs := map[string]map[string]any{}
	var userIDs []string
	for _, u := range multiSortUsers {
		r := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: u.doc()})
		names[r.ID], docs[r.ID] = u.key, u.doc()
		userIDs = append(userIDs, r.ID)
	}
	var groupIDs []string
	groupDocs := map[string]map[string]any{}
	for i, labels := range [][]any{{"zeta", "Alpha"}, {"beta"}, nil, {"Beta", "aaa"}, {}} {
		d := groupDoc(fmt.Sprintf("g%d", i))
		if labels != nil {
			d[schemas.TenantGroupURN] = map[string]any{"labels": labels}
		}
		g := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: d})
		names[g.ID], groupDocs[g.ID] = fmt.Sprintf("g%d", i), d
		groupIDs = append(groupIDs, g.ID)
	}

	core := func(attr string) func(map[string]any) any { return func(d map[string]any) any { return d[attr] } }
	custom := func(urn, attr string) func(map[string]any) any {
		return func(d map[string]any) any {
			c, _ := d[urn].(map[string]any)
			return c[attr]
		}
	}
	type sortCase struct {
		sortBy string
		group  bool
		list   func(map[string]any) any
		phone  bool
	}
	cases := []sortCase{
		{sortBy: "emails.value", list: core("emails")},
		{sortBy: "emails", list: core("emails")},
		{sortBy: "EMAILS.VALUE", list: core("emails")},
		{sortBy: "urn:ietf:params:scim:schemas:core:2.0:User:emails.value", list: core("emails")},
		{sortBy: "phoneNumbers.value", list: core("phoneNumbers"), phone: true},
		{sortBy: "devices.value", list: custom(schemas.TenantUserURN, "devices")},
		{sortBy: schemas.TenantUserURN + ":devices", list: custom(schemas.TenantUserURN, "devices")},
		{sortBy: "lotteryNumbers", list: custom(schemas.TenantUserURN, "lotteryNumbers")},
		{sortBy: "labels", group: true, list: custom(schemas.TenantGroupURN, "labels")},
	}
	check := func(t *testing.T, c sortCase, desc bool) {
		t.Helper()
		rt, all, ds := &set.User, userIDs, docs
		if c.group {
			rt, all, ds = &set.Group, groupIDs, groupDocs
		}
		values := map[string]any{}
		for _, id := range all {
			if v, ok := multiSortValue(c.list(ds[id])); ok {
				values[id] = v
			}
		}
		want := multiSortOrder(all, values, c.phone, desc)
		boundary := len(values)
		if desc {
			boundary = len(want) - len(values)
		}
		q := storage.Query{SortBy: mustParsePath(t, c.sortBy), Descending: desc}
		checkSortPages(t, s, tenant, rt, q, names, want, boundary)
		for _, size := range []int{1, 2, 3} {
			kq := q
			kq.Keyset, kq.Count = true, size
			if got := walkKeyset(t, s, tenant, rt, kq, len(want)); !slices.Equal(got, want) {
				t.Errorf("keyset walk by %d:\n got: %v\nwant: %v", size, names.names(got), names.names(want))
			}
		}
		// A narrow filter: its matches are read and sorted.
		name := "displayName"
		if !c.group {
			name = "userName"
		}
		fq := q
		fq.Filter = mustParseFilter(t, fmt.Sprintf(`not (%s eq "u2") and not (%s eq "g1")`, name, name))
		wantF := slices.DeleteFunc(slices.Clone(want), func(id string) bool { return names[id] == "u2" || names[id] == "g1" })
		fq.Count, fq.StartIndex = 100, 1
		p, err := s.List(ctx, tenant, rt, fq)
		if err != nil {
			t.Fatalf("List with filter: %v", err)
		}
		if got := ids(p.Resources); !slices.Equal(got, wantF) {
			t.Errorf("with a filter:\n got: %v\nwant: %v", names.names(got), names.names(wantF))
		}
		for _, size := range []int{2, 4} {
			kq := fq
			kq.Keyset, kq.Count, kq.StartIndex = true, size, 0
			if got := walkKeyset(t, s, tenant, rt, kq, len(wantF)); !slices.Equal(got, wantF) {
				t.Errorf("keyset walk by %d with a filter:\n got: %v\nwant: %v", size, names.names(got), names.names(wantF))
			}
		}
	}
	run := func(stage string) {
		for _, c := range cases {
			for _, desc := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s %s descending %v", stage, c.sortBy, desc), func(t *testing.T) { check(t, c, desc) })
			}
		}
	}
	run("stored")

	// Writes move resources: u2 gains a primary email that sorts first,
	// u1 loses its primary (its first email, b@, takes over), u6 loses its
	// emails, u5 gains one; g2 gains labels, g0 loses its own.
	byKey := map[string]string{}
	for id, k := range names {
		byKey[k] = id
	}
	edit := func(rt *schemas.ResourceType, key string, ds map[string]map[string]any, change func(d map[string]any)) {
		id := byKey[key]
		change(ds[id])
		mustUpdate(t, s, tenant, rt, id, storage.UpdateOptions{}, func(storage.Resource) (storage.Edit, error) {
			return storage.Edit{Attributes: ds[id]}, nil
		})
	}
	edit(&set.User, "u2", docs, func(d map[string]any) {
		d["emails"] = append(d["emails"].([]any), el("!first@x.example", true))
	})
	edit(&set.User, "u1", docs, func(d map[string]any) {
		d["emails"] = []any{el("b@x.example", false), el("A@x.example", false)}
		d["phoneNumbers"] = []any{el("+1 555 0109", false)}
	})
	edit(&set.User, "u6", docs, func(d map[string]any) { delete(d, "emails") })
	edit(&set.User, "u5", docs, func(d map[string]any) { d["emails"] = []any{el("q@x.example", false)} })
	edit(&set.Group, "g2", groupDocs, func(d map[string]any) {
		d[schemas.TenantGroupURN] = map[string]any{"labels": []any{"0-first"}}
	})
	edit(&set.Group, "g0", groupDocs, func(d map[string]any) { delete(d, schemas.TenantGroupURN) })
	run("updated")

	// A deleted user leaves the order.
	if err := s.Delete(ctx, tenant, &set.User, byKey["u8"], 0); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	userIDs = slices.DeleteFunc(userIDs, func(id string) bool { return id == byKey["u8"] })
	run("deleted")

	// Sort values are not filter values: a filter on emails.value sees
	// only the emails themselves.
	p := listAll(t, s, tenant, &set.User, storage.Query{Filter: mustParseFilter(t, `emails[type eq "work" and value eq "!first@x.example"]`)})
	if got := names.names(ids(p.Resources)); !slices.Equal(got, []string{"u2"}) {
		t.Errorf(`emails[value eq "!first@x.example"]: %v, want [u2]`, got)
	}

	for _, c := range []struct {
		sortBy string
		group  bool
	}{
		{sortBy: "emails.type"},
		{sortBy: "emails.primary"},
		{sortBy: "emails.display"},
		{sortBy: "addresses"},
		{sortBy: "addresses.locality"},
		{sortBy: "x509Certificates"},
		{sortBy: "x509Certificates.value"},
		{sortBy: "password"},
		{sortBy: "groups"},
		{sortBy: "groups.value"},
		{sortBy: "meta.version"},
		{sortBy: "meta"},
		{sortBy: "name"},
		{sortBy: "schemas"},
		{sortBy: "metadata.plan"},
		{sortBy: "devices.kind"},
		{sortBy: "nope"},
		{sortBy: "members", group: true},
		{sortBy: "members.value", group: true},
		{sortBy: "emails", group: true},
	} {
		rt := &set.User
		if c.group {
			rt = &set.Group
		}
		for _, keyset := range []bool{false, true} {
			q := storage.Query{SortBy: mustParsePath(t, c.sortBy), Count: 10, StartIndex: 1, Keyset: keyset}
			_, err := s.List(ctx, tenant, rt, q)
			checkSortError(t, fmt.Sprintf("%s sortBy %s (keyset %v)", rt.Name, c.sortBy, keyset), c.sortBy, err)
		}
	}
}

// checkSortError checks that err refuses a sortBy attribute: a FilterError
// of the sort (SortBy) whose detail names the attribute and says it cannot
// be sorted by, without calling it a filter.
func checkSortError(t *testing.T, what, sortBy string, err error) {
	t.Helper()
	var fe *storage.FilterError
	if !errors.As(err, &fe) {
		t.Errorf("%s: error = %v (%T), want *storage.FilterError", what, err, err)
		return
	}
	if !fe.SortBy {
		t.Errorf("%s: FilterError %q is not marked SortBy", what, fe.Detail)
	}
	if !strings.Contains(fe.Detail, `"`+sortBy+`"`) || !strings.Contains(fe.Detail, "sort") || strings.Contains(fe.Detail, "filter") {
		t.Errorf("%s: detail %q: want one that names %q, says why it cannot be sorted by, and does not speak of a filter", what, fe.Detail, sortBy)
	}
}
