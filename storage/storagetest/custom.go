package storagetest

// Tenant custom schemas: attributes a tenant defines under
// schemas.TenantUserURN (and TenantGroupURN), stored, returned, filtered,
// sorted and kept unique exactly like the library's own attributes, with
// schema changes checked against the tenant's data.

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// customURN prefixes URN-qualified paths of tenant user attributes.
const customURN = schemas.TenantUserURN + ":"

// setCustomSchema stores def as the tenant's schema version expect+1,
// moving from old, the way scim.ApplyDefinition does: BuildSet, then
// SetTenantSchema with the changes def makes to old. It returns the new set
// and what SetTenantSchema returned.
func setCustomSchema(t *testing.T, s storage.Store, tenant storage.TenantID, expect int64, old, def schemas.Definition) (schemas.Set, int64, error) {
	t.Helper()
	set, err := schemas.BuildSet(expect+1, def)
	if err != nil {
		t.Fatalf("test bug: BuildSet: %v", err)
	}
	raw, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.SetTenantSchema(t.Context(), tenant, expect, raw, &set, def.Changes(old))
	return set, v, err
}

// mustCustomSchema is setCustomSchema for changes that must be accepted. It
// checks the new version and that TenantSchema gives the definition back.
func mustCustomSchema(t *testing.T, s storage.Store, tenant storage.TenantID, expect int64, old, def schemas.Definition) schemas.Set {
	t.Helper()
	set, v, err := setCustomSchema(t, s, tenant, expect, old, def)
	if err != nil {
		t.Fatalf("SetTenantSchema (version %d -> %d): %v", expect, expect+1, err)
	}
	if v != expect+1 {
		t.Errorf("SetTenantSchema from version %d returned version %d, want %d", expect, v, expect+1)
	}
	raw, err := s.TenantSchema(t.Context(), tenant, v)
	if err != nil {
		t.Fatalf("TenantSchema(version %d): %v", v, err)
	}
	got, err := schemas.ParseDefinition(raw)
	if err != nil {
		t.Fatalf("TenantSchema(version %d) does not parse: %v\n%s", v, err, raw)
	}
	if !slices.EqualFunc(got.User, def.User, attrDefEqual) || !slices.EqualFunc(got.Group, def.Group, attrDefEqual) || got.UniqueEmails != def.UniqueEmails {
		t.Errorf("TenantSchema(version %d) = %s, want %s", v, jsonString(got), jsonString(def))
	}
	return set
}

func attrDefEqual(a, b schemas.AttributeDef) bool { return jsonString(a) == jsonString(b) }

// schemaConflict checks that err is a *storage.SchemaConflictError about the
// attribute named name (as "User.name") that lists exactly wantIDs.
func schemaConflict(t *testing.T, what string, err error, name string, names keyNames, wantIDs ...string) {
	t.Helper()
	var sc *storage.SchemaConflictError
	if !errors.As(err, &sc) {
		t.Errorf("%s: error = %v (%T), want *storage.SchemaConflictError", what, err, err)
		return
	}
	if !strings.EqualFold(sc.Attribute, name) {
		t.Errorf("%s: conflict about %q, want %q", what, sc.Attribute, name)
	}
	if sc.Reason == "" {
		t.Errorf("%s: the conflict gives no reason", what)
	}
	got, want := sortedCopy(names.names(sc.IDs)), sortedCopy(names.names(wantIDs))
	if !slices.Equal(got, want) {
		t.Errorf("%s: conflict lists %v, want exactly %v", what, got, want)
	}
}

// checkMatches runs a filter and compares the matches, by fixture key, with
// want (in any order).
func checkMatches(t *testing.T, s storage.Store, tenant storage.TenantID, rt *schemas.ResourceType, names keyNames, f string, want ...string) {
	t.Helper()
	p, err := s.List(t.Context(), tenant, rt, storage.Query{Filter: mustParseFilter(t, f), Count: 1000, StartIndex: 1})
	if err != nil {
		t.Errorf("filter %s: %v", f, err)
		return
	}
	got := sortedCopy(names.names(ids(p.Resources)))
	if want == nil {
		want = []string{}
	}
	if w := sortedCopy(want); !slices.Equal(got, w) || p.Total != len(w) {
		t.Errorf("filter %s\n got: %v (total %d)\nwant: %v", f, got, p.Total, w)
	}
}

// customTypesDef has a custom attribute of every type.
var customTypesDef = schemas.Definition{
	User: []schemas.AttributeDef{
		{Name: "badge", Type: "string"},
		{Name: "code", Type: "string", CaseExact: true},
		{Name: "vip", Type: "boolean"},
		{Name: "level", Type: "integer"},
		{Name: "score", Type: "decimal"},
		{Name: "hired", Type: "dateTime"},
		{Name: "homepage", Type: "reference", ReferenceTypes: []string{"external"}},
		{Name: "office", Type: "complex", SubAttributes: []schemas.AttributeDef{
			{Name: "building", Type: "string"},
			{Name: "floor", Type: "integer"},
		}},
		{Name: "tags", Type: "string", MultiValued: true},
		{Name: "devices", Type: "complex", MultiValued: true, SubAttributes: []schemas.AttributeDef{
			{Name: "value", Type: "string"},
			{Name: "kind", Type: "string"},
			{Name: "serial", Type: "string", CaseExact: true},
			{Name: "primary", Type: "boolean"},
		}},
	},
	Group: []schemas.AttributeDef{
		{Name: "costCenter", Type: "string"},
		{Name: "size", Type: "integer"},
	},
}

// customUsers are the fixtures of testCustomAttributes: custom values under
// the tenant URN, by fixture key.
var customUsers = []struct {
	key    string
	custom map[string]any
}{
	{key: "ann", custom: map[string]any{
		"badge": "Alpha-1", "code": "AbC", "vip": true, "level": 3, "score": 2.5,
		"hired": "2020-01-15T08:00:00Z", "homepage": "https://ann.example.com/",
		"office": map[string]any{"building": "North", "floor": 2},
		"tags":   []any{"red", "Blue"},
		"devices": []any{
			map[string]any{"value": "ann-laptop", "kind": "laptop", "serial": "SN-a1", "primary": true},
			map[string]any{"value": "ann-phone", "kind": "phone", "serial": "SN-a2"},
		},
	}},
	{key: "ben", custom: map[string]any{
		"badge": "beta-2", "code": "abc", "vip": false, "level": 10, "score": -1.25,
		"hired": "2021-06-30T23:59:59Z", "homepage": "https://ben.example.org/home",
		"office": map[string]any{"building": "South", "floor": 10},
		"tags":   []any{"green"},
		"devices": []any{
			map[string]any{"value": "ben-phone", "kind": "phone", "serial": "sn-b1", "primary": true},
		},
	}},
	{key: "cat", custom: map[string]any{
		"badge": "ALPHA-3", "code": "XYZ", "vip": true, "level": 7, "score": 2.5,
		// 2019-12-30T22:00:00Z: dateTimes compare as instants.
		"hired":  "2019-12-31T00:00:00+02:00",
		"office": map[string]any{"building": "north"},
		"devices": []any{
			map[string]any{"value": "cat-laptop", "kind": "laptop", "serial": "SN-c1", "primary": false},
		},
	}},
	{key: "dan"}, // no custom values at all
	{key: "eve", custom: map[string]any{
		"badge": "gamma", "vip": false, "level": 0, "score": 0.001,
		"hired": "2021-06-30T23:59:59.5Z",
		"tags":  []any{"Red", "red"},
	}},
}

func customUserDoc(key string, custom map[string]any) map[string]any {
	d := userDoc(key)
	if custom != nil {
		d[schemas.TenantUserURN] = custom
	}
	return d
}

// testCustomAttributes: custom attributes of every type are stored,
// returned and filterable like the library's own, by unprefixed and
// URN-qualified names.
func testCustomAttributes(t *testing.T, s storage.Store) {
	ctx := t.Context()
	tenant := mustTenant(t, s, "acme")
	set := mustCustomSchema(t, s, tenant, 0, schemas.Definition{}, customTypesDef)
	rt := &set.User

	names := keyNames{}
	byKey := map[string]storage.Resource{}
	for _, u := range customUsers {
		doc := customUserDoc(u.key, u.custom)
		r := mustCreate(t, s, tenant, rt, storage.Resource{Attributes: doc})
		checkDoc(t, "Create "+u.key, r.Attributes, doc)
		names[r.ID], byKey[u.key] = u.key, r
	}
	// Stored and returned as given, by Get and List.
	for _, u := range customUsers {
		got := mustGet(t, s, tenant, rt, byKey[u.key].ID, storage.GetOptions{})
		checkDoc(t, "Get "+u.key, got.Attributes, customUserDoc(u.key, u.custom))
	}
	p := listAll(t, s, tenant, rt, storage.Query{Filter: mustParseFilter(t, `userName eq "ann"`)})
	if len(p.Resources) != 1 {
		t.Fatalf("List ann: %d resources", len(p.Resources))
	}
	checkDoc(t, "List ann", p.Resources[0].Attributes, customUserDoc("ann", customUsers[0].custom))

	all := []string{"ann", "ben", "cat", "dan", "eve"}
	for _, c := range []struct {
		filter string
		want   []string
	}{
		// string, caseExact false
		{`badge eq "alpha-1"`, []string{"ann"}},
		{customURN + `badge eq "ALPHA-1"`, []string{"ann"}},
		{`BADGE eq "alpha-1"`, []string{"ann"}},
		{`badge ne "GAMMA"`, []string{"ann", "ben", "cat", "dan"}},
		{`badge sw "alpha"`, []string{"ann", "cat"}},
		{customURN + `badge sw "ALPHA"`, []string{"ann", "cat"}},
		{`badge co "TA-"`, []string{"ben"}},
		{`badge ew "-3"`, []string{"cat"}},
		{`badge gt "beta"`, []string{"ben", "eve"}},
		{`badge ge "beta-2"`, []string{"ben", "eve"}},
		{`badge lt "alpha-3"`, []string{"ann"}},
		{`badge le "alpha-3"`, []string{"ann", "cat"}},
		{`badge pr`, []string{"ann", "ben", "cat", "eve"}},
		{`not (badge pr)`, []string{"dan"}},
		// string, caseExact true
		{`code eq "abc"`, []string{"ben"}},
		{`code eq "AbC"`, []string{"ann"}},
		{`code ne "abc"`, []string{"ann", "cat", "dan", "eve"}},
		{`code sw "A"`, []string{"ann"}},
		{`code co "Y"`, []string{"cat"}},
		{`code co "y"`, nil},
		{`code ew "bc"`, []string{"ben"}},
		{`code gt "X"`, []string{"ben", "cat"}}, // byte order: "abc" > "XYZ" > "X"
		{`code lt "a"`, []string{"ann", "cat"}},
		{`code pr`, []string{"ann", "ben", "cat"}},
		// boolean
		{`vip eq true`, []string{"ann", "cat"}},
		{`vip eq false`, []string{"ben", "eve"}},
		{`vip ne true`, []string{"ben", "dan", "eve"}},
		{`vip pr`, []string{"ann", "ben", "cat", "eve"}},
		// integer
		{`level eq 10`, []string{"ben"}},
		{`level eq 0`, []string{"eve"}},
		{`level ne 10`, []string{"ann", "cat", "dan", "eve"}},
		{`level gt 3`, []string{"ben", "cat"}},
		{`level ge 3`, []string{"ann", "ben", "cat"}},
		{`level lt 7`, []string{"ann", "eve"}},
		{`level le 0`, []string{"eve"}},
		{customURN + `level ge 7`, []string{"ben", "cat"}},
		{`level pr`, []string{"ann", "ben", "cat", "eve"}},
		// decimal
		{`score eq 2.5`, []string{"ann", "cat"}},
		{`score ne 2.5`, []string{"ben", "dan", "eve"}},
		{`score gt 2`, []string{"ann", "cat"}},
		{`score ge 0.001`, []string{"ann", "cat", "eve"}},
		{`score lt 0`, []string{"ben"}},
		{`score le -1.25`, []string{"ben"}},
		{`score pr`, []string{"ann", "ben", "cat", "eve"}},
		// dateTime
		{`hired eq "2019-12-30T22:00:00Z"`, []string{"cat"}},
		{`hired eq "2020-01-15T09:00:00+01:00"`, []string{"ann"}},
		{`hired ne "2019-12-30T22:00:00Z"`, []string{"ann", "ben", "dan", "eve"}},
		{`hired gt "2020-01-01T00:00:00Z"`, []string{"ann", "ben", "eve"}},
		{`hired ge "2021-06-30T23:59:59Z"`, []string{"ben", "eve"}},
		{`hired gt "2021-06-30T23:59:59Z"`, []string{"eve"}},
		{`hired lt "2020-01-01T00:00:00Z"`, []string{"cat"}},
		{`hired le "2021-06-30T23:59:59Z"`, []string{"ann", "ben", "cat"}},
		{customURN + `hired lt "2020-01-01T00:00:00Z"`, []string{"cat"}},
		{`hired pr`, []string{"ann", "ben", "cat", "eve"}},
		// reference
		{`homepage eq "https://ANN.example.com/"`, []string{"ann"}},
		{`homepage sw "https://ben."`, []string{"ben"}},
		{`homepage ew ".org/home"`, []string{"ben"}},
		{`homepage co "example"`, []string{"ann", "ben"}},
		{`homepage ne "https://ann.example.com/"`, []string{"ben", "cat", "dan", "eve"}},
		{`homepage pr`, []string{"ann", "ben"}},
		// single-valued complex
		{`office.building eq "north"`, []string{"ann", "cat"}},
		{customURN + `office.building eq "NORTH"`, []string{"ann", "cat"}},
		{`office.building sw "s"`, []string{"ben"}},
		{`office.building ne "north"`, []string{"ben", "dan", "eve"}},
		{`office.floor gt 2`, []string{"ben"}},
		{`office.floor le 2`, []string{"ann"}},
		{`office.floor pr`, []string{"ann", "ben"}},
		{`office pr`, []string{"ann", "ben", "cat"}},
		{`not (office pr)`, []string{"dan", "eve"}},
		// multi-valued string
		{`tags eq "RED"`, []string{"ann", "eve"}},
		{`tags eq "blue"`, []string{"ann"}},
		{customURN + `tags eq "Green"`, []string{"ben"}},
		{`tags ne "red"`, []string{"ben", "cat", "dan"}},
		{`tags co "ee"`, []string{"ben"}},
		{`tags sw "R"`, []string{"ann", "eve"}},
		{`tags ew "UE"`, []string{"ann"}},
		{`tags gt "green"`, []string{"ann", "eve"}},
		{`tags pr`, []string{"ann", "ben", "eve"}},
		// multi-valued complex: sub-attributes, value filters
		{`devices.kind eq "phone"`, []string{"ann", "ben"}},
		{customURN + `devices.kind eq "Phone"`, []string{"ann", "ben"}},
		{`devices.serial eq "sn-b1"`, []string{"ben"}},
		{`devices.serial eq "SN-B1"`, nil},
		{`devices co "laptop"`, []string{"ann", "cat"}},
		{`devices eq "BEN-PHONE"`, []string{"ben"}},
		{`devices pr`, []string{"ann", "ben", "cat"}},
		{`devices.primary eq true`, []string{"ann", "ben"}},
		{`devices[kind eq "laptop"]`, []string{"ann", "cat"}},
		{`devices[kind eq "laptop" and primary eq true]`, []string{"ann"}},
		{`devices[kind eq "phone" and primary eq true]`, []string{"ben"}},
		{`devices[primary eq true and kind eq "phone"]`, []string{"ben"}},
		{`devices[kind eq "laptop" and primary ne true]`, []string{"cat"}},
		{`devices[kind eq "phone" or serial eq "SN-c1"]`, []string{"ann", "ben", "cat"}},
		{`devices[serial eq "SN-a1"]`, []string{"ann"}},
		{`devices[serial eq "sn-a1"]`, nil},
		{`devices[serial sw "SN-"]`, []string{"ann", "cat"}},
		{`devices[kind eq "phone" and serial pr]`, []string{"ann", "ben"}},
		{`devices[value ew "-phone" and kind eq "phone"]`, []string{"ann", "ben"}},
		{`devices[kind eq "laptop" and serial ne "SN-a1"]`, []string{"cat"}},
		{customURN + `devices[kind eq "phone"]`, []string{"ann", "ben"}},
		{`not (devices[kind eq "laptop"])`, []string{"ben", "dan", "eve"}},
		// combined with each other and with core attributes
		{`badge sw "alpha" and level gt 5`, []string{"cat"}},
		{`vip eq true or level eq 0`, []string{"ann", "cat", "eve"}},
		{`userName eq "ben" and tags eq "green"`, []string{"ben"}},
		{`(level lt 5 or office.floor ge 10) and not (vip eq true)`, []string{"ben", "eve"}},
		{`userName pr`, all},
	} {
		checkMatches(t, s, tenant, rt, names, c.filter, c.want...)
	}

	// Type errors are filter errors, as for the library's attributes.
	for _, f := range []string{
		`level co 1`, `level eq "3"`, `vip gt true`, `vip eq "yes"`, `score sw 2`,
		`hired sw "2020"`, `hired gt "yesterday"`, `badge eq 1`, `office eq "North"`,
		`nosuch eq "x"`, customURN + `nosuch eq "x"`, `devices[nosuch eq "x"]`, `office.nosuch eq "x"`,
	} {
		_, err := s.List(ctx, tenant, rt, storage.Query{Filter: mustParseFilter(t, f), Count: 10, StartIndex: 1})
		checkFilterError(t, "filter "+f, err)
	}

	// An update re-indexes custom values.
	mustUpdate(t, s, tenant, rt, byKey["ann"].ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
		c := d[schemas.TenantUserURN].(map[string]any)
		c["level"] = 4
		c["tags"] = []any{"purple"}
		delete(c, "homepage")
		c["devices"] = []any{map[string]any{"value": "ann-tablet", "kind": "tablet"}}
	}))
	checkMatches(t, s, tenant, rt, names, `level eq 3`)
	checkMatches(t, s, tenant, rt, names, `level eq 4`, "ann")
	checkMatches(t, s, tenant, rt, names, `tags eq "blue"`)
	checkMatches(t, s, tenant, rt, names, `tags eq "purple"`, "ann")
	checkMatches(t, s, tenant, rt, names, `homepage pr`, "ben")
	checkMatches(t, s, tenant, rt, names, `devices[kind eq "laptop"]`, "cat")
	checkMatches(t, s, tenant, rt, names, `devices[kind eq "tablet"]`, "ann")
	// So does removing the whole extension.
	mustUpdate(t, s, tenant, rt, byKey["cat"].ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
		delete(d, schemas.TenantUserURN)
	}))
	checkMatches(t, s, tenant, rt, names, `badge pr`, "ann", "ben", "eve")
	checkMatches(t, s, tenant, rt, names, `office.building eq "north"`, "ann")

	// Custom group attributes.
	gs := map[string]storage.Resource{}
	for i, g := range []struct{ key, cc string }{{"ops", "CC-1"}, {"dev", "cc-2"}, {"hr", ""}} {
		doc := groupDoc(g.key)
		if g.cc != "" {
			doc[schemas.TenantGroupURN] = map[string]any{"costCenter": g.cc, "size": i * 10}
		}
		gs[g.key] = mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: doc})
		names[gs[g.key].ID] = g.key
		checkDoc(t, "Get group "+g.key, mustGet(t, s, tenant, &set.Group, gs[g.key].ID, storage.GetOptions{}).Attributes, doc)
	}
	checkMatches(t, s, tenant, &set.Group, names, `costCenter eq "cc-1"`, "ops")
	checkMatches(t, s, tenant, &set.Group, names, schemas.TenantGroupURN+`:costCenter sw "CC"`, "ops", "dev")
	checkMatches(t, s, tenant, &set.Group, names, `size ge 10`, "dev")
	checkMatches(t, s, tenant, &set.Group, names, `not (costCenter pr)`, "hr")
	// A user attribute is not a group attribute.
	_, err := s.List(ctx, tenant, &set.Group, storage.Query{Filter: mustParseFilter(t, `badge pr`), Count: 10, StartIndex: 1})
	checkFilterError(t, "filter groups by a user attribute", err)
}

// testCustomSorting: sortBy on single-valued custom attributes, of every
// sortable type, ascending and descending; resources without a value sort
// last ascending (first descending, the exact reverse).
func testCustomSorting(t *testing.T, s storage.Store) {
	tenant := mustTenant(t, s, "acme")
	set := mustCustomSchema(t, s, tenant, 0, schemas.Definition{}, customTypesDef)
	rt := &set.User
	names := keyNames{}
	var created []storage.Resource
	for _, u := range customUsers {
		r := mustCreate(t, s, tenant, rt, storage.Resource{Attributes: customUserDoc(u.key, u.custom)})
		names[r.ID] = u.key
		created = append(created, r)
	}
	// Ties (score 2.5 twice, vip, office.building north/North) break by id.
	for _, c := range []struct {
		sortBy string
		value  func(custom map[string]any) (any, bool)
	}{
		{"badge", customValue("badge")},
		{customURN + "badge", customValue("badge")},
		{"code", customValue("code")},
		{"vip", customValue("vip")},
		{"level", customValue("level")},
		{"score", customValue("score")},
		{"hired", customValue("hired")},
		{customURN + "hired", customValue("hired")},
		{"homepage", customValue("homepage")},
		{"office.building", customSubValue("office", "building")},
		{"office.floor", customSubValue("office", "floor")},
		{customURN + "office.floor", customSubValue("office", "floor")},
		// Multi-valued: the primary (else first) value.
		{"tags", customSortValue("tags")},
		{"devices", customSortValue("devices")},
		{customURN + "devices.value", customSortValue("devices")},
	} {
		for _, desc := range []bool{false, true} {
			want := customOrder(created, c.value, desc)
			p := listAll(t, s, tenant, rt, storage.Query{SortBy: mustParsePath(t, c.sortBy), Descending: desc})
			if got := ids(p.Resources); !slices.Equal(got, want) {
				t.Errorf("sortBy %s descending %v\n got: %v\nwant: %v", c.sortBy, desc, names.names(got), names.names(want))
			}
			// With a filter too, and by keyset pages of two.
			f := mustParseFilter(t, `userName ne "eve"`)
			wantF := slices.DeleteFunc(slices.Clone(want), func(id string) bool { return names[id] == "eve" })
			var walked []string
			q := storage.Query{Filter: f, SortBy: mustParsePath(t, c.sortBy), Descending: desc, Keyset: true, Count: 2}
			for range 10 {
				p, err := s.List(t.Context(), tenant, rt, q)
				if err != nil {
					t.Fatalf("keyset sortBy %s: %v", c.sortBy, err)
				}
				walked = append(walked, ids(p.Resources)...)
				if p.NextCursor == "" {
					break
				}
				q.Cursor = p.NextCursor
			}
			if !slices.Equal(walked, wantF) {
				t.Errorf("keyset walk sortBy %s descending %v\n got: %v\nwant: %v", c.sortBy, desc, names.names(walked), names.names(wantF))
			}
		}
	}
	// Complex attributes and a multi-valued attribute's other
	// sub-attributes are not sort keys.
	for _, by := range []string{"devices.kind", "devices.serial", "office"} {
		_, err := s.List(t.Context(), tenant, rt, storage.Query{SortBy: mustParsePath(t, by), Count: 10, StartIndex: 1})
		checkSortError(t, "sortBy "+by, by, err)
	}
}

func customValue(name string) func(map[string]any) (any, bool) {
	return func(c map[string]any) (any, bool) {
		v, ok := c[name]
		return v, ok
	}
}

func customSortValue(name string) func(map[string]any) (any, bool) {
	return func(c map[string]any) (any, bool) { return multiSortValue(c[name]) }
}

func customSubValue(name, sub string) func(map[string]any) (any, bool) {
	return func(c map[string]any) (any, bool) {
		m, ok := c[name].(map[string]any)
		if !ok {
			return nil, false
		}
		v, ok := m[sub]
		return v, ok
	}
}

// customOrder is the order RFC 7644 §3.4.2.3 gives the fixtures: by value
// (strings case-folded unless the attribute is caseExact, which only "code"
// is; dateTimes as instants; booleans false first), missing values last,
// ties by id; descending is the exact reverse.
func customOrder(rs []storage.Resource, value func(map[string]any) (any, bool), desc bool) []string {
	type key struct {
		id  string
		v   any
		has bool
	}
	var ks []key
	for _, r := range rs {
		c, _ := r.Attributes[schemas.TenantUserURN].(map[string]any)
		v, ok := value(c)
		ks = append(ks, key{id: r.ID, v: v, has: ok})
	}
	compare := func(a, b any) int {
		switch a := a.(type) {
		case bool:
			bb := b.(bool)
			if a == bb {
				return 0
			}
			if !a {
				return -1
			}
			return 1
		case string:
			bs := b.(string)
			ta, errA := time.Parse(time.RFC3339Nano, a)
			tb, errB := time.Parse(time.RFC3339Nano, bs)
			if errA == nil && errB == nil {
				return ta.Compare(tb)
			}
			if a == "AbC" || a == "abc" || a == "XYZ" { // code is caseExact
				return cmp.Compare(a, bs)
			}
			return cmp.Compare(strings.ToLower(a), strings.ToLower(bs))
		}
		fa, _ := customNumber(a)
		fb, _ := customNumber(b)
		return cmp.Compare(fa, fb)
	}
	slices.SortFunc(ks, func(a, b key) int {
		if a.has != b.has {
			if a.has {
				return -1
			}
			return 1
		}
		if a.has {
			if c := compare(a.v, b.v); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.id, b.id)
	})
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.id
	}
	if desc {
		slices.Reverse(out)
	}
	return out
}

func customNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// customIdentifiersDef has a case-insensitive identifier and a caseExact
// unique attribute of users, and an identifier of groups.
var customIdentifiersDef = schemas.Definition{
	User: []schemas.AttributeDef{
		{Name: "badgeId", Type: "string", Identifier: true},
		{Name: "token", Type: "string", CaseExact: true, Uniqueness: "server"},
		{Name: "note", Type: "string"},
	},
	Group: []schemas.AttributeDef{
		{Name: "groupCode", Type: "string", Identifier: true},
	},
}

// testCustomIdentifiers: a custom identifier is unique in the tenant, on
// Create and Update, case-insensitively unless caseExact; a deleted or
// changed value is free again.
func testCustomIdentifiers(t *testing.T, s storage.Store) {
	ctx := t.Context()
	acme := mustTenant(t, s, "acme")
	other := mustTenant(t, s, "other")
	set := mustCustomSchema(t, s, acme, 0, schemas.Definition{}, customIdentifiersDef)
	otherSet := mustCustomSchema(t, s, other, 0, schemas.Definition{}, customIdentifiersDef)
	rt := &set.User
	doc := func(name string, custom map[string]any) storage.Resource {
		return storage.Resource{Attributes: customUserDoc(name, custom)}
	}
	names := keyNames{}
	u1 := mustCreate(t, s, acme, rt, doc("u1", map[string]any{"badgeId": "B-100", "token": "Tok"}))
	u2 := mustCreate(t, s, acme, rt, doc("u2", map[string]any{"badgeId": "B-200", "token": "tok"})) // caseExact: not a duplicate
	u3 := mustCreate(t, s, acme, rt, doc("u3", map[string]any{"note": "no badge"}))
	names[u1.ID], names[u2.ID], names[u3.ID] = "u1", "u2", "u3"

	badge, token := schemas.TenantUserURN+":badgeId", schemas.TenantUserURN+":token"
	for _, c := range []struct {
		custom map[string]any
		taken  string
	}{
		{map[string]any{"badgeId": "B-100"}, badge}, {map[string]any{"badgeId": "b-100"}, badge},
		{map[string]any{"badgeId": "B-100", "token": "new"}, badge},
		{map[string]any{"token": "Tok"}, token}, {map[string]any{"badgeId": "B-300", "token": "tok"}, token},
	} {
		_, err := s.Create(ctx, acme, rt, doc("dup", c.custom))
		checkConflictOn(t, "Create with taken "+jsonString(c.custom), err, c.taken)
	}
	checkMatches(t, s, acme, rt, names, `badgeId pr`, "u1", "u2")

	// The same value in another tenant, or as a group's identifier, is no
	// conflict.
	mustCreate(t, s, other, &otherSet.User, doc("u1", map[string]any{"badgeId": "B-100", "token": "Tok"}))
	g := mustCreate(t, s, acme, &set.Group, storage.Resource{Attributes: map[string]any{
		"displayName": "g", schemas.TenantGroupURN: map[string]any{"groupCode": "B-100"}}})
	_, err := s.Create(ctx, acme, &set.Group, storage.Resource{Attributes: map[string]any{
		"displayName": "g2", schemas.TenantGroupURN: map[string]any{"groupCode": "b-100"}}})
	checkConflictOn(t, "Create group with taken groupCode", err, schemas.TenantGroupURN+":groupCode")

	// CreateMany: a duplicate within the batch fails the whole batch.
	_, err = s.CreateMany(ctx, acme, rt, []storage.Resource{
		doc("m1", map[string]any{"badgeId": "M-1"}), doc("m2", map[string]any{"badgeId": "m-1"})})
	checkConflictOn(t, "CreateMany with a duplicate badgeId", err, badge)
	checkMatches(t, s, acme, rt, names, `badgeId eq "M-1"`)

	// Update into a taken value conflicts and changes nothing.
	for _, c := range []map[string]any{{"badgeId": "b-100"}, {"badgeId": "B-100", "token": "tok"}, {"badgeId": "B-200", "token": "Tok"}} {
		_, err := s.Update(ctx, acme, rt, u2.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
			d[schemas.TenantUserURN] = c
		}))
		checkErrIs(t, "Update u2 to "+jsonString(c), err, storage.ErrConflict)
	}
	_, err = s.Update(ctx, acme, rt, u3.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
		d[schemas.TenantUserURN] = map[string]any{"badgeId": "B-200"}
	}))
	checkConflictOn(t, "Update u3 to a taken badgeId", err, badge)
	got := mustGet(t, s, acme, rt, u2.ID, storage.GetOptions{})
	checkMeta(t, "u2 after conflicting Updates", got.Meta, u2.Meta)
	checkDoc(t, "u2 after conflicting Updates", got.Attributes, u2.Attributes)

	// A resource may keep its own value, change its case, or change other
	// attributes.
	mustUpdate(t, s, acme, rt, u1.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
		d[schemas.TenantUserURN].(map[string]any)["note"] = "touched"
	}))
	mustUpdate(t, s, acme, rt, u1.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
		d[schemas.TenantUserURN].(map[string]any)["badgeId"] = "b-100"
	}))
	checkMatches(t, s, acme, rt, names, `badgeId eq "B-100"`, "u1")

	// A changed value is free again, and the new one taken.
	mustUpdate(t, s, acme, rt, u1.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
		d[schemas.TenantUserURN].(map[string]any)["badgeId"] = "B-101"
	}))
	u4 := mustCreate(t, s, acme, rt, doc("u4", map[string]any{"badgeId": "B-100"}))
	names[u4.ID] = "u4"
	_, err = s.Create(ctx, acme, rt, doc("dup", map[string]any{"badgeId": "B-101"}))
	checkErrIs(t, "Create with u1's new badgeId", err, storage.ErrConflict)

	// A removed value is free again.
	mustUpdate(t, s, acme, rt, u2.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
		delete(d[schemas.TenantUserURN].(map[string]any), "token")
	}))
	u5 := mustCreate(t, s, acme, rt, doc("u5", map[string]any{"token": "tok"}))
	names[u5.ID] = "u5"

	// A deleted resource's values are free again.
	if err := s.Delete(ctx, acme, rt, u1.ID, 0); err != nil {
		t.Fatalf("Delete u1: %v", err)
	}
	u6 := mustCreate(t, s, acme, rt, doc("u6", map[string]any{"badgeId": "b-101", "token": "Tok"}))
	names[u6.ID] = "u6"
	if err := s.Delete(ctx, acme, &set.Group, g.ID, 0); err != nil {
		t.Fatalf("Delete group: %v", err)
	}
	mustCreate(t, s, acme, &set.Group, storage.Resource{Attributes: map[string]any{
		"displayName": "g3", schemas.TenantGroupURN: map[string]any{"groupCode": "b-100"}}})

	checkMatches(t, s, acme, rt, names, `badgeId pr`, "u2", "u4", "u6")
	checkMatches(t, s, acme, rt, names, `token eq "tok"`, "u5")
	checkMatches(t, s, acme, rt, names, `token eq "Tok"`, "u6")
}

// testCustomSchemaChanges: SetTenantSchema refuses what the tenant's data
// does not allow, naming the resources in the way, and allows the rest.
func testCustomSchemaChanges(t *testing.T, s storage.Store) {
	ctx := t.Context()
	tn, err := s.CreateTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	tenant := tn.ID
	token := make([]byte, 32)
	token[0] = 7
	if _, err := s.CreateCredential(ctx, tenant, "test", token); err != nil {
		t.Fatal(err)
	}
	version := func(want int64) {
		t.Helper()
		got, err := s.Tenant(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if got.SchemaVersion != want {
			t.Errorf("Tenant(acme).SchemaVersion = %d, want %d", got.SchemaVersion, want)
		}
		at, _, err := s.Authenticate(ctx, "acme", token)
		if err != nil {
			t.Fatal(err)
		}
		if at.SchemaVersion != want {
			t.Errorf("Authenticate: SchemaVersion = %d, want %d", at.SchemaVersion, want)
		}
		if _, err := s.TenantSchema(ctx, tenant, want+1); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("TenantSchema(version %d) = %v, want ErrNotFound", want+1, err)
		}
	}
	version(0)

	v1 := schemas.Definition{
		User: []schemas.AttributeDef{
			{Name: "rank", Type: "string"},
			{Name: "dept", Type: "string"},
			{Name: "tag", Type: "string"},
			{Name: "spare", Type: "string"},
			{Name: "pos", Type: "complex", SubAttributes: []schemas.AttributeDef{{Name: "x", Type: "string"}, {Name: "y", Type: "string"}}},
		},
		Group: []schemas.AttributeDef{{Name: "kind", Type: "string"}},
	}
	set := mustCustomSchema(t, s, tenant, 0, schemas.Definition{}, v1)
	version(1)
	names := keyNames{}
	add := func(key string, custom map[string]any) storage.Resource {
		r := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: customUserDoc(key, custom)})
		names[r.ID] = key
		return r
	}
	u1 := add("u1", map[string]any{"rank": "1", "dept": "Sales", "tag": "a", "pos": map[string]any{"x": "1"}})
	u2 := add("u2", map[string]any{"rank": "2", "dept": "sales", "tag": "b"})
	u3 := add("u3", map[string]any{"dept": "Ops", "tag": "c"})
	u4 := add("u4", map[string]any{"dept": "ops"})
	add("u5", map[string]any{"dept": "HR", "tag": "d"})
	add("u6", nil)
	grp := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: map[string]any{
		"displayName": "g", schemas.TenantGroupURN: map[string]any{"kind": "team"}}})
	names[grp.ID] = "g"

	// A type change of an attribute that holds values is refused, listing
	// the resources that hold them.
	change := func(name string, fn func(*schemas.AttributeDef)) schemas.Definition { return withAttr(v1, name, fn) }
	_, _, err = setCustomSchema(t, s, tenant, 1, v1, change("rank", func(a *schemas.AttributeDef) { a.Type = "integer" }))
	schemaConflict(t, "rank to integer", err, "User.rank", names, u1.ID, u2.ID)
	_, _, err = setCustomSchema(t, s, tenant, 1, v1, change("rank", func(a *schemas.AttributeDef) { a.MultiValued = true }))
	schemaConflict(t, "rank to multi-valued", err, "User.rank", names, u1.ID, u2.ID)
	_, _, err = setCustomSchema(t, s, tenant, 1, v1, change("kind", func(a *schemas.AttributeDef) { a.Type = "boolean" }))
	schemaConflict(t, "group kind to boolean", err, "Group.kind", names, grp.ID)
	_, _, err = setCustomSchema(t, s, tenant, 1, v1, change("pos", func(a *schemas.AttributeDef) {
		a.SubAttributes = []schemas.AttributeDef{{Name: "x", Type: "integer"}, {Name: "y", Type: "string"}}
	}))
	schemaConflict(t, "pos.x to integer", err, "User.pos.x", names, u1.ID)
	_, _, err = setCustomSchema(t, s, tenant, 1, v1, change("pos", func(a *schemas.AttributeDef) { a.MultiValued = true }))
	schemaConflict(t, "pos to multi-valued", err, "User.pos", names, u1.ID)
	// Uniqueness over values that repeat (case-insensitively) is refused,
	// listing exactly the resources that share a value.
	_, _, err = setCustomSchema(t, s, tenant, 1, v1, change("dept", func(a *schemas.AttributeDef) { a.Uniqueness = "server" }))
	schemaConflict(t, "dept unique", err, "User.dept", names, u1.ID, u2.ID, u3.ID, u4.ID)
	_, _, err = setCustomSchema(t, s, tenant, 1, v1, change("dept", func(a *schemas.AttributeDef) { a.Identifier = true }))
	schemaConflict(t, "dept identifier", err, "User.dept", names, u1.ID, u2.ID, u3.ID, u4.ID)
	// Nothing of the refused changes took effect.
	version(1)
	checkMatches(t, s, tenant, &set.User, names, `rank eq "1"`, "u1")

	// A type change of an attribute without values is allowed, so is a
	// sub-attribute without values, and the new type applies.
	v2 := change("spare", func(a *schemas.AttributeDef) { a.Type = "integer" })
	v2.User[4].SubAttributes = []schemas.AttributeDef{{Name: "x", Type: "string"}, {Name: "y", Type: "decimal"}}
	set = mustCustomSchema(t, s, tenant, 1, v1, v2)
	version(2)
	r := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: customUserDoc("u7", map[string]any{"spare": 5, "pos": map[string]any{"y": 1.5}})})
	names[r.ID] = "u7"
	checkMatches(t, s, tenant, &set.User, names, `spare gt 4`, "u7")
	checkMatches(t, s, tenant, &set.User, names, `pos.y lt 2`, "u7")

	// A stale (or future) expected version is refused and changes nothing.
	for _, expect := range []int64{0, 1, 3} {
		_, _, err := setCustomSchema(t, s, tenant, expect, v2, v2)
		checkErrIs(t, fmt.Sprintf("SetTenantSchema expecting version %d at 2", expect), err, storage.ErrVersionMismatch)
	}
	version(2)

	// Uniqueness without duplicates is allowed, and the unique index holds
	// the values that were there: duplicates of them are refused from now
	// on, case-insensitively, on Create and Update.
	v3 := change("tag", func(a *schemas.AttributeDef) { a.Uniqueness = "server" })
	v3.User[3], v3.User[4] = v2.User[3], v2.User[4]
	set = mustCustomSchema(t, s, tenant, 2, v2, v3)
	version(3)
	_, err = s.Create(ctx, tenant, &set.User, storage.Resource{Attributes: customUserDoc("dup", map[string]any{"tag": "A"})})
	checkErrIs(t, "Create with an existing tag after it became unique", err, storage.ErrConflict)
	_, err = s.Update(ctx, tenant, &set.User, u4.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
		d[schemas.TenantUserURN].(map[string]any)["tag"] = "B"
	}))
	checkErrIs(t, "Update to an existing tag after it became unique", err, storage.ErrConflict)
	mustUpdate(t, s, tenant, &set.User, u4.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
		d[schemas.TenantUserURN].(map[string]any)["tag"] = "e"
	}))
	_, err = s.Create(ctx, tenant, &set.User, storage.Resource{Attributes: customUserDoc("dup", map[string]any{"tag": "E"})})
	checkErrIs(t, "Create with the tag just set", err, storage.ErrConflict)
	// Values freed by a delete stay free.
	if err := s.Delete(ctx, tenant, &set.User, u3.ID, 0); err != nil {
		t.Fatal(err)
	}
	add("u8", map[string]any{"tag": "C"})

	// An identifier on top of a unique attribute adds nothing to check;
	// turning uniqueness off lets duplicates in again.
	v4 := change("tag", func(a *schemas.AttributeDef) { a.Identifier = true })
	v4.User[3], v4.User[4] = v2.User[3], v2.User[4]
	set = mustCustomSchema(t, s, tenant, 3, v3, v4)
	_, err = s.Create(ctx, tenant, &set.User, storage.Resource{Attributes: customUserDoc("dup", map[string]any{"tag": "d"})})
	checkErrIs(t, "Create with an existing tag of an identifier", err, storage.ErrConflict)
	v5 := change("tag", func(a *schemas.AttributeDef) {})
	v5.User[3], v5.User[4] = v2.User[3], v2.User[4]
	set = mustCustomSchema(t, s, tenant, 4, v4, v5)
	version(5)
	add("u9", map[string]any{"tag": "D"})
	checkMatches(t, s, tenant, &set.User, names, `tag eq "d"`, "u5", "u9")

	// caseExact decides how values are stored: it changes only while no
	// resource holds a value.
	_, _, err = setCustomSchema(t, s, tenant, 5, v5, withAttr(v5, "dept", func(a *schemas.AttributeDef) { a.CaseExact = true }))
	schemaConflict(t, "dept to caseExact", err, "User.dept", names, idsOf(names, "u1", "u2", "u4", "u5")...)

	// An attribute, or sub-attribute, that holds values cannot be removed
	// (its values would outlive their definition, and a new definition of
	// the name could read them as another type); one without values can,
	// and may come back with another type.
	without := func(d schemas.Definition, name string) schemas.Definition {
		return schemas.Definition{Group: d.Group, User: slices.DeleteFunc(slices.Clone(d.User), func(a schemas.AttributeDef) bool { return a.Name == name })}
	}
	_, _, err = setCustomSchema(t, s, tenant, 5, v5, without(v5, "rank"))
	schemaConflict(t, "remove rank", err, "User.rank", names, u1.ID, u2.ID)
	_, _, err = setCustomSchema(t, s, tenant, 5, v5, withAttr(v5, "pos", func(a *schemas.AttributeDef) { a.SubAttributes = a.SubAttributes[:1] }))
	schemaConflict(t, "remove pos.y", err, "User.pos.y", names, idsOf(names, "u7")...)
	_, _, err = setCustomSchema(t, s, tenant, 5, v5, schemas.Definition{User: v5.User})
	schemaConflict(t, "remove the group attributes", err, "Group.kind", names, grp.ID)
	version(5)
	for _, u := range []storage.Resource{u1, u2} {
		mustUpdate(t, s, tenant, &set.User, u.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
			delete(d[schemas.TenantUserURN].(map[string]any), "rank")
		}))
	}
	v6 := without(v5, "rank")
	set = mustCustomSchema(t, s, tenant, 5, v5, v6)
	v7 := schemas.Definition{Group: v6.Group, User: append(slices.Clone(v6.User), schemas.AttributeDef{Name: "rank", Type: "integer"})}
	set = mustCustomSchema(t, s, tenant, 6, v6, v7)
	version(7)
	mustUpdate(t, s, tenant, &set.User, u1.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
		d[schemas.TenantUserURN].(map[string]any)["rank"] = 3
	}))
	checkMatches(t, s, tenant, &set.User, names, `rank ge 3`, "u1")

	// Every version stays readable.
	for v := int64(1); v <= 7; v++ {
		if _, err := s.TenantSchema(ctx, tenant, v); err != nil {
			t.Errorf("TenantSchema(version %d): %v", v, err)
		}
	}
	// An unknown tenant has no schema to set.
	_, _, err = setCustomSchema(t, s, "no-such-tenant", 0, schemas.Definition{}, v1)
	checkErrIs(t, "SetTenantSchema of an unknown tenant", err, storage.ErrNotFound)
}

// withAttr returns a copy of d with fn applied to its attribute name.
func withAttr(d schemas.Definition, name string, fn func(*schemas.AttributeDef)) schemas.Definition {
	out := schemas.Definition{User: slices.Clone(d.User), Group: slices.Clone(d.Group)}
	for _, list := range [][]schemas.AttributeDef{out.User, out.Group} {
		for i := range list {
			if list[i].Name == name {
				fn(&list[i])
			}
		}
	}
	return out
}

// testCustomTenantIsolation: two tenants define the same attribute names
// with different types and characteristics; each tenant's values, filters,
// uniqueness and schema versions are its own.
func testCustomTenantIsolation(t *testing.T, s storage.Store) {
	ctx := t.Context()
	acme := mustTenant(t, s, "acme")
	beta := mustTenant(t, s, "beta")
	acmeDef := schemas.Definition{User: []schemas.AttributeDef{
		{Name: "code", Type: "string", Identifier: true},
		{Name: "since", Type: "dateTime"},
	}}
	betaDef := schemas.Definition{User: []schemas.AttributeDef{
		{Name: "code", Type: "integer"},
		{Name: "since", Type: "string", CaseExact: true},
	}}
	acmeSet := mustCustomSchema(t, s, acme, 0, schemas.Definition{}, acmeDef)
	betaSet := mustCustomSchema(t, s, beta, 0, schemas.Definition{}, betaDef)
	names := keyNames{}
	add := func(tenant storage.TenantID, set schemas.Set, key string, custom map[string]any) {
		r := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: customUserDoc(key, custom)})
		names[r.ID] = key
	}
	add(acme, acmeSet, "a1", map[string]any{"code": "7", "since": "2020-01-01T00:00:00Z"})
	add(acme, acmeSet, "a2", map[string]any{"code": "X-9", "since": "2024-01-01T00:00:00Z"})
	add(beta, betaSet, "b1", map[string]any{"code": 7, "since": "Spring"})
	add(beta, betaSet, "b2", map[string]any{"code": 7, "since": "spring"}) // not unique in beta
	add(beta, betaSet, "b3", map[string]any{"code": 12})

	checkMatches(t, s, acme, &acmeSet.User, names, `code eq "7"`, "a1")
	checkMatches(t, s, acme, &acmeSet.User, names, `code eq "x-9"`, "a2")
	checkMatches(t, s, acme, &acmeSet.User, names, `code pr`, "a1", "a2")
	checkMatches(t, s, acme, &acmeSet.User, names, `code gt "5"`, "a1", "a2") // strings
	checkMatches(t, s, acme, &acmeSet.User, names, `since gt "2021-01-01T00:00:00Z"`, "a2")
	checkMatches(t, s, beta, &betaSet.User, names, `code eq 7`, "b1", "b2")
	checkMatches(t, s, beta, &betaSet.User, names, `code gt 5`, "b1", "b2", "b3")
	checkMatches(t, s, beta, &betaSet.User, names, `code pr`, "b1", "b2", "b3")
	checkMatches(t, s, beta, &betaSet.User, names, `since eq "Spring"`, "b1")
	checkMatches(t, s, beta, &betaSet.User, names, `since sw "s"`, "b2")
	for _, c := range []struct {
		tenant storage.TenantID
		rt     *schemas.ResourceType
		filter string
	}{
		{acme, &acmeSet.User, `code eq 7`},
		{beta, &betaSet.User, `code eq "7"`},
		{beta, &betaSet.User, `code sw "1"`},
		{acme, &acmeSet.User, `since eq "Spring"`},
	} {
		_, err := s.List(ctx, c.tenant, c.rt, storage.Query{Filter: mustParseFilter(t, c.filter), Count: 10, StartIndex: 1})
		checkFilterError(t, c.filter, err)
	}
	// Uniqueness is acme's alone.
	_, err := s.Create(ctx, acme, &acmeSet.User, storage.Resource{Attributes: customUserDoc("dup", map[string]any{"code": "x-9"})})
	checkErrIs(t, "acme: Create with a taken code", err, storage.ErrConflict)
	add(beta, betaSet, "b4", map[string]any{"code": 12})

	// Versions are per tenant.
	acmeDef2 := schemas.Definition{User: append(slices.Clone(acmeDef.User), schemas.AttributeDef{Name: "extra", Type: "boolean"})}
	acmeSet = mustCustomSchema(t, s, acme, 1, acmeDef, acmeDef2)
	acmeDef3 := schemas.Definition{User: append(slices.Clone(acmeDef2.User), schemas.AttributeDef{Name: "more", Type: "string"})}
	acmeSet = mustCustomSchema(t, s, acme, 2, acmeDef2, acmeDef3)
	_, _, err = setCustomSchema(t, s, beta, 3, betaDef, betaDef)
	checkErrIs(t, "beta at version 1, expecting acme's 3", err, storage.ErrVersionMismatch)
	for name, want := range map[string]int64{"acme": 3, "beta": 1} {
		tn, err := s.Tenant(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if tn.SchemaVersion != want {
			t.Errorf("%s: SchemaVersion %d, want %d", name, tn.SchemaVersion, want)
		}
	}
	if _, err := s.TenantSchema(ctx, beta, 2); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("beta's TenantSchema(2) = %v, want ErrNotFound", err)
	}
	raw, err := s.TenantSchema(ctx, beta, 1)
	if err != nil || !strings.Contains(string(raw), `"integer"`) {
		t.Errorf("beta's TenantSchema(1) = %s, %v; want beta's definition", raw, err)
	}
	// Changing one tenant's type checks that tenant's data only: beta's
	// code holds values, acme's "since" does not hold beta's.
	_, _, err = setCustomSchema(t, s, beta, 1, betaDef, schemas.Definition{User: []schemas.AttributeDef{
		{Name: "code", Type: "string"}, betaDef.User[1]}})
	var sc *storage.SchemaConflictError
	if !errors.As(err, &sc) || len(sc.IDs) != 4 {
		t.Errorf("beta: code to string: %v, want a conflict listing beta's 4 users", err)
	}
	acmeDef4 := schemas.Definition{User: []schemas.AttributeDef{acmeDef3.User[0],
		{Name: "since", Type: "string"}, acmeDef3.User[2], acmeDef3.User[3]}}
	_, _, err = setCustomSchema(t, s, acme, 3, acmeDef3, acmeDef4)
	schemaConflict(t, "acme: since to string", err, "User.since", names, idsOf(names, "a1", "a2")...)
	checkMatches(t, s, acme, &acmeSet.User, names, `code pr`, "a1", "a2")
}

// idsOf maps fixture keys back to IDs.
func idsOf(names keyNames, keys ...string) []string {
	var out []string
	for id, k := range names {
		if slices.Contains(keys, k) {
			out = append(out, id)
		}
	}
	return out
}

// testCustomManyTenants: ten tenants with fifty custom attributes each, of
// varying types under the same names, work side by side with no database
// migration: one user per tenant holds all fifty values and filters find it.
func testCustomManyTenants(t *testing.T, s storage.Store) {
	const tenants, attrs = 10, 50
	types := []string{"string", "integer", "boolean", "decimal", "dateTime"}
	value := func(typ string, i, n int) any {
		switch typ {
		case "integer":
			return i*1000 + n
		case "boolean":
			return (i+n)%2 == 0
		case "decimal":
			return float64(i) + float64(n)/4
		case "dateTime":
			return time.Date(2020, 1, 1+i, n%24, 0, 0, 0, time.UTC).Format(time.RFC3339)
		}
		return fmt.Sprintf("T%d-A%d", i, n)
	}
	for i := range tenants {
		tenant := mustTenant(t, s, fmt.Sprintf("tenant-%d", i))
		var def schemas.Definition
		for n := range attrs {
			a := schemas.AttributeDef{Name: fmt.Sprintf("attr%02d", n), Type: types[(i+n)%len(types)]}
			if n == 0 {
				a.Type, a.Identifier = "string", true
			}
			def.User = append(def.User, a)
		}
		set := mustCustomSchema(t, s, tenant, 0, schemas.Definition{}, def)
		full := map[string]any{}
		for n, a := range def.User {
			full[a.Name] = value(a.Type, i, n)
		}
		names := keyNames{}
		r := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: customUserDoc("full", full)})
		names[r.ID] = "full"
		checkDoc(t, "Get full", mustGet(t, s, tenant, &set.User, r.ID, storage.GetOptions{}).Attributes, customUserDoc("full", full))
		other := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: customUserDoc("other",
			map[string]any{"attr00": "other", "attr01": value(def.User[1].Type, i+1, 1)})})
		names[other.ID] = "other"
		for _, n := range []int{0, 1, 2, 3, 4, 17, 49} {
			a := def.User[n]
			v := value(a.Type, i, n)
			var lit string
			switch x := v.(type) {
			case string:
				lit = fmt.Sprintf("%q", x)
			default:
				lit = fmt.Sprint(x)
			}
			checkMatches(t, s, tenant, &set.User, names, a.Name+" eq "+lit, "full")
			checkMatches(t, s, tenant, &set.User, names, customURN+a.Name+" eq "+lit, "full")
			checkMatches(t, s, tenant, &set.User, names, a.Name+" pr and "+a.Name+" eq "+lit, "full")
		}
		checkMatches(t, s, tenant, &set.User, names, `attr00 pr`, "full", "other")
		_, err := s.Create(t.Context(), tenant, &set.User, storage.Resource{Attributes: customUserDoc("dup", map[string]any{"attr00": strings.ToUpper(value("string", i, 0).(string))})})
		checkErrIs(t, "duplicate attr00", err, storage.ErrConflict)
	}
}
