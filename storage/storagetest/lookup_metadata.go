package storagetest

// Users' typed metadata (storage.MetadataAttribute) and Store.Lookup.

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// lmUser is a user document with metadata.
func lmUser(userName string, metadata map[string]any) map[string]any {
	if metadata == nil {
		return userDoc(userName)
	}
	return map[string]any{"userName": userName, "metadata": metadata}
}

// lmTypeError checks that err is the *storage.ValueError of a metadata value
// whose type is not the one the tenant locked key to.
func lmTypeError(t *testing.T, what string, err error, key, locked string) {
	t.Helper()
	var ve *storage.ValueError
	if !errors.As(err, &ve) {
		t.Errorf("%s: error = %v (%T), want *storage.ValueError", what, err, err)
		return
	}
	msg := ve.Attribute + " " + ve.Detail
	if want := fmt.Sprintf("metadata key %q holds %ss in this tenant", key, locked); !strings.Contains(msg, want) {
		t.Errorf("%s: error %q does not say %q", what, msg, want)
	}
}

// lmMatches checks which users of names a filter selects.
func lmMatches(t *testing.T, s storage.Store, tenant storage.TenantID, rt *schemas.ResourceType, names keyNames, f string, want ...string) {
	t.Helper()
	p := listAll(t, s, tenant, rt, storage.Query{Filter: mustParseFilter(t, f)})
	got := sortedCopy(names.names(ids(p.Resources)))
	if !slices.Equal(got, sortedCopy(want)) {
		t.Errorf("filter %s: got %v, want %v", f, got, sortedCopy(want))
	}
	if p.Total != len(want) {
		t.Errorf("filter %s: Total = %d, want %d", f, p.Total, len(want))
	}
}

func testMetadata(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	acme := mustTenant(t, s, "acme")
	other := mustTenant(t, s, "other")
	names := keyNames{}
	create := func(tenant storage.TenantID, name string, md map[string]any) storage.Resource {
		t.Helper()
		r := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: lmUser(name, md)})
		names[r.ID] = name
		return r
	}

	// Stored and returned as given, nested objects included.
	nested := map[string]any{"tier": map[string]any{"level": 2, "tags": []any{"a", "b"}}, "note": nil}
	alice := create(acme, "alice", map[string]any{"plan": "Pro", "seats": 10, "trial": true, "profile": nested})
	checkDoc(t, "Create alice", alice.Attributes, lmUser("alice", map[string]any{"plan": "Pro", "seats": 10, "trial": true, "profile": nested}))
	got := mustGet(t, s, acme, &set.User, alice.ID, storage.GetOptions{})
	checkDoc(t, "Get alice", got.Attributes, alice.Attributes)

	// The first type of a key is the tenant's: another type fails, in
	// Create and in Update, whatever the key's case.
	bob := create(acme, "bob", map[string]any{"plan": "free", "seats": 20.5, "trial": false, "profile": map[string]any{}})
	for _, c := range []struct {
		key    string
		value  any
		locked string
	}{
		{"plan", 5, "string"}, {"PLAN", true, "string"}, {"plan", map[string]any{"a": "b"}, "string"},
		{"seats", "10", "number"}, {"trial", 1, "boolean"}, {"profile", "x", "object"},
	} {
		what := fmt.Sprintf("Create with %s=%v", c.key, c.value)
		_, err := s.Create(ctx, acme, &set.User, storage.Resource{Attributes: lmUser("carol", map[string]any{c.key: c.value})})
		lmTypeError(t, what, err, c.key, c.locked)
		_, err = s.Update(ctx, acme, &set.User, bob.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
			d["metadata"] = map[string]any{c.key: c.value}
		}))
		lmTypeError(t, "Update "+what, err, c.key, c.locked)
	}
	if p := listAll(t, s, acme, &set.User, storage.Query{Filter: mustParseFilter(t, `userName eq "carol"`)}); p.Total != 0 {
		t.Errorf("a refused Create stored carol")
	}
	checkDoc(t, "bob after refused Updates", mustGet(t, s, acme, &set.User, bob.ID, storage.GetOptions{}).Attributes,
		bob.Attributes)

	// Another tenant locks its keys on its own.
	mustCreate(t, s, other, &set.User, storage.Resource{Attributes: lmUser("alice", map[string]any{"plan": 3, "seats": "many"})})
	_, err := s.Create(ctx, other, &set.User, storage.Resource{Attributes: lmUser("bob", map[string]any{"plan": "pro"})})
	lmTypeError(t, "other tenant: Create plan=string", err, "plan", "number")

	// A lock outlives the values that made it.
	if err := s.Delete(ctx, acme, &set.User, bob.ID, 0); err != nil {
		t.Fatal(err)
	}
	delete(names, bob.ID)
	_, err = s.Create(ctx, acme, &set.User, storage.Resource{Attributes: lmUser("dave", map[string]any{"trial": "yes"})})
	lmTypeError(t, "Create after the holder's delete", err, "trial", "boolean")

	// One batch cannot give a key two types, and fails whole.
	_, err = s.CreateMany(ctx, acme, &set.User, []storage.Resource{
		{Attributes: lmUser("e1", map[string]any{"fresh": "x"})},
		{Attributes: lmUser("e2", map[string]any{"fresh": 1})},
	})
	checkValueError(t, "CreateMany with two types of a new key", err)
	if p := listAll(t, s, acme, &set.User, storage.Query{Filter: mustParseFilter(t, `userName sw "e"`)}); p.Total != 0 {
		t.Errorf("a refused CreateMany stored %d users", p.Total)
	}

	// Keys are stored normalized; storage refuses anything else, and
	// values that are neither strings, numbers, booleans nor objects.
	for _, md := range []any{
		map[string]any{"a b": "x"}, map[string]any{"a.b": "x"}, map[string]any{"": "x"},
		map[string]any{"é": "x"}, map[string]any{strings.Repeat("k", storage.MaxMetadataKeyLen+1): "x"},
		map[string]any{"Plan2": "x", "plan2": "y"}, map[string]any{"list": []any{"x"}}, map[string]any{"none": nil},
		"a string", []any{"x"},
	} {
		_, err := s.Create(ctx, acme, &set.User, storage.Resource{Attributes: map[string]any{"userName": "bad", "metadata": md}})
		checkValueError(t, "Create with metadata "+jsonString(md), err)
	}
	tooMany := map[string]any{}
	for i := range storage.MaxMetadataKeys + 1 {
		tooMany[fmt.Sprintf("k%d", i)] = i
	}
	_, err = s.Create(ctx, acme, &set.User, storage.Resource{Attributes: lmUser("bad", tooMany)})
	checkValueError(t, "Create with too many metadata keys", err)
	if _, err := storage.NormalizeMetadataKey("a.b"); err != nil {
		t.Errorf("NormalizeMetadataKey(a.b): %v", err)
	}
	if k, _ := storage.NormalizeMetadataKey("Billing.Plan-2"); k != "Billing_Plan-2" {
		t.Errorf("NormalizeMetadataKey(Billing.Plan-2) = %q, want Billing_Plan-2", k)
	}

	// Filters.
	erin := create(acme, "erin", map[string]any{"plan": "pro", "seats": 5, "trial": false})
	create(acme, "frank", map[string]any{"Plan": "enterprise"})
	create(acme, "gina", nil)
	_ = erin
	for _, c := range []struct {
		filter string
		want   []string
	}{
		{`metadata.plan eq "pro"`, []string{"alice", "erin"}},
		{`metadata.PLAN eq "PRO"`, []string{"alice", "erin"}},
		{`metadata.plan ne "pro"`, []string{"frank", "gina"}},
		{`metadata.plan sw "ent"`, []string{"frank"}},
		{`metadata.plan co "r"`, []string{"alice", "erin", "frank"}},
		{`metadata.plan pr`, []string{"alice", "erin", "frank"}},
		{`metadata.seats gt 5`, []string{"alice"}},
		{`metadata.seats ge 5`, []string{"alice", "erin"}},
		{`metadata.seats eq 10`, []string{"alice"}},
		{`metadata.seats eq "10"`, nil},
		{`metadata.trial eq true`, []string{"alice"}},
		{`metadata.trial eq false`, []string{"erin"}},
		{`not (metadata.trial eq true)`, []string{"erin", "frank", "gina"}},
		{`metadata.profile pr`, []string{"alice"}},
		{`metadata pr`, []string{"alice", "erin", "frank"}},
		{`metadata.plan eq "pro" and metadata.seats lt 10`, []string{"erin"}},
		{`metadata.unknown pr`, nil},
	} {
		lmMatches(t, s, acme, &set.User, names, c.filter, c.want...)
	}
	for _, f := range []string{`metadata eq "x"`, `metadata.trial gt true`, `metadata.seats co 1`, `metadata.plan eq null`, `metadata[plan eq "x"]`} {
		_, err := s.List(ctx, acme, &set.User, storage.Query{Filter: mustParseFilter(t, f), Count: 10, StartIndex: 1})
		checkFilterError(t, "filter "+f, err)
	}
	_, err = s.List(ctx, acme, &set.User, storage.Query{SortBy: mustParsePath(t, "metadata.plan"), Count: 10, StartIndex: 1})
	checkFilterError(t, "sortBy metadata.plan", err)
	// Groups have no metadata.
	_, err = s.List(ctx, acme, &set.Group, storage.Query{Filter: mustParseFilter(t, `metadata.plan pr`), Count: 10, StartIndex: 1})
	checkFilterError(t, "filter groups by metadata.plan", err)

	// An update that keeps the metadata's types reads no lock.
	if sc, ok := s.(statementCounter); ok {
		before := sc.Statements()
		mustUpdate(t, s, acme, &set.User, alice.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
			d["metadata"].(map[string]any)["plan"] = "business"
			d["displayName"] = "Alice"
		}))
		after := sc.Statements()
		mustUpdate(t, s, acme, &set.User, alice.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
			d["displayName"] = "Alice A."
		}))
		if a, b := after-before, sc.Statements()-after; a != b {
			t.Errorf("an update that changes a metadata value ran %d statements, one without metadata %d: want the same", a, b)
		}
	}
}

// testMetadataConcurrency races creates that give one new key different
// types: exactly one type wins, and every create of another type fails
// with a ValueError.
func testMetadataConcurrency(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	values := []any{"text", 42, true, map[string]any{"k": "v"}}
	const n = 24
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		won    = map[int]int{} // index in values → successful creates
		others []error
	)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, err := s.Create(ctx, tenant, &set.User, storage.Resource{Attributes: lmUser(fmt.Sprintf("u%d", i), map[string]any{"race": values[i%len(values)], "calm": "same"})})
			mu.Lock()
			defer mu.Unlock()
			var ve *storage.ValueError
			switch {
			case err == nil:
				won[i%len(values)]++
			case errors.As(err, &ve):
			default:
				others = append(others, err)
			}
		})
	}
	close(start)
	wg.Wait()
	for _, err := range others {
		t.Errorf("concurrent create: error = %v, want nil or a ValueError", err)
	}
	if len(won) != 1 {
		t.Errorf("creates of %d types of one new key succeeded, want 1 (%v)", len(won), won)
	}
	for typ, count := range won {
		if count != n/len(values) {
			t.Errorf("%d creates of the winning type %T succeeded, want %d", count, values[typ], n/len(values))
		}
	}
}

func testLookup(t *testing.T, s storage.Store) {
	ctx := t.Context()
	def := schemas.Definition{User: []schemas.AttributeDef{
		{Name: "badgeId", Type: "string", Identifier: true},
		{Name: "serial", Type: "string", Uniqueness: "server", CaseExact: true},
		{Name: "alias", Type: "string"},
	}}
	set, err := schemas.BuildSet(1, def)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	acme := mustTenant(t, s, "acme")
	other := mustTenant(t, s, "other")
	for _, tn := range []storage.TenantID{acme, other} {
		if _, err := s.SetTenantSchema(ctx, tn, 0, raw, &set, nil); err != nil {
			t.Fatalf("SetTenantSchema: %v", err)
		}
	}
	ext := schemas.TenantUserURN
	names := keyNames{}
	create := func(tenant storage.TenantID, doc map[string]any) storage.Resource {
		t.Helper()
		r := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: doc})
		names[r.ID] = doc["userName"].(string)
		return r
	}
	create(acme, map[string]any{
		"userName": "Alice", "externalId": "ext-A",
		"emails": []any{
			map[string]any{"value": "alice@work.example", "type": "work", "primary": true},
			map[string]any{"value": "Alice.Home@Example.org", "type": "home"},
		},
		"phoneNumbers": []any{
			map[string]any{"value": "+1 (555) 010-0000", "type": "work"},
			map[string]any{"value": "030 1234-567", "type": "home"},
		},
		ext: map[string]any{"badgeId": "B-17", "serial": "SN-x", "alias": "ally"},
	})
	create(acme, map[string]any{"userName": "bob", "externalId": "shared", ext: map[string]any{"badgeId": "b-18"}})
	create(acme, map[string]any{"userName": "carol", "externalId": "shared", "emails": []any{map[string]any{"value": "bob"}}})
	// The same identifiers in another tenant are never found from acme.
	create(other, map[string]any{"userName": "alice", "externalId": "ext-A", "emails": []any{map[string]any{"value": "alice@work.example"}},
		"phoneNumbers": []any{map[string]any{"value": "+15550100000"}}, ext: map[string]any{"badgeId": "B-17"}})

	lookup := func(rt *schemas.ResourceType, value string, want ...string) {
		t.Helper()
		var before int64
		sc, counted := s.(statementCounter)
		if counted {
			before = sc.Statements()
		}
		got, err := s.Lookup(ctx, acme, rt, value)
		if err != nil {
			t.Errorf("Lookup %s %q: %v", rt.Name, value, err)
			return
		}
		if counted && value != "" {
			if n := sc.Statements() - before; n != 1 {
				t.Errorf("Lookup %s %q ran %d statements, want 1", rt.Name, value, n)
			}
		}
		gotIDs := ids(got)
		if !slices.IsSorted(gotIDs) {
			t.Errorf("Lookup %s %q: IDs %v are not in order", rt.Name, value, gotIDs)
		}
		if g, w := names.names(gotIDs), sortedCopy(want); !slices.Equal(sortedCopy(g), w) {
			t.Errorf("Lookup %s %q = %v, want %v", rt.Name, value, g, w)
		}
		for _, r := range got {
			if r.Meta.Version == 0 || r.Attributes == nil {
				t.Errorf("Lookup %s %q: resource %s without its document or meta", rt.Name, value, r.ID)
			}
		}
	}
	for _, c := range []struct {
		value string
		want  []string
	}{
		{"alice", []string{"Alice"}},                  // userName, case-insensitive
		{"ALICE", []string{"Alice"}},                  //
		{"ext-A", []string{"Alice"}},                  // externalId, exact
		{"ext-a", nil},                                //
		{"shared", []string{"bob", "carol"}},          // externalId of two users
		{"ALICE@work.example", []string{"Alice"}},     // primary email, case-insensitive
		{"alice.home@example.org", []string{"Alice"}}, // secondary email
		{"+15550100000", []string{"Alice"}},           // phone, in E.164 form
		{"+1 555 010 0000", []string{"Alice"}},        // phone, written differently
		{"+1-555-010-0000", []string{"Alice"}},        //
		{"0301234567", []string{"Alice"}},             // a national number stays without '+'
		{"+0301234567", nil},                          //
		{"b-17", []string{"Alice"}},                   // custom identifier, case-insensitive
		{"B-18", []string{"bob"}},                     //
		{"SN-x", []string{"Alice"}},                   // unique caseExact attribute, exact
		{"sn-x", nil},                                 //
		{"ally", nil},                                 // not an identifier
		{"bob", []string{"bob", "carol"}},             // userName of one, email of another
		{"nobody", nil},
		{"", nil},
	} {
		lookup(&set.User, c.value, c.want...)
	}

	// Filters compare phone numbers in the same form.
	for _, f := range []string{`phoneNumbers.value eq "+1 (555) 010-0000"`, `phoneNumbers.value eq "+15550100000"`,
		`phoneNumbers[type eq "work" and value eq "+1.555.010.0000"]`, `phoneNumbers.value sw "+1 555"`, `phoneNumbers co "030 1234"`} {
		lmMatches(t, s, acme, &set.User, names, f, "Alice")
	}
	lmMatches(t, s, acme, &set.User, names, `phoneNumbers.value eq "5550100000"`)

	// Groups: displayName (case-insensitive) and externalId (exact).
	g1 := mustCreate(t, s, acme, &set.Group, storage.Resource{Attributes: map[string]any{"displayName": "Admins", "externalId": "grp-1"}})
	g2 := mustCreate(t, s, acme, &set.Group, storage.Resource{Attributes: map[string]any{"displayName": "grp-1"}})
	g3 := mustCreate(t, s, acme, &set.Group, storage.Resource{Attributes: map[string]any{"displayName": "Ops", "externalId": "Admins"}})
	mustCreate(t, s, other, &set.Group, storage.Resource{Attributes: map[string]any{"displayName": "Admins"}})
	names[g1.ID], names[g2.ID], names[g3.ID] = "Admins", "grp-1", "Ops"
	lookup(&set.Group, "admins", "Admins")
	lookup(&set.Group, "Admins", "Admins", "Ops")
	lookup(&set.Group, "grp-1", "Admins", "grp-1")
	lookup(&set.Group, "GRP-1", "grp-1")
	lookup(&set.Group, "alice")
	// Users are not groups.
	lookup(&set.User, "Admins")

	// At most MaxLookup results, each once.
	many := make([]storage.Resource, storage.MaxLookup+5)
	for i := range many {
		many[i] = storage.Resource{Attributes: map[string]any{"userName": fmt.Sprintf("many%03d", i), "externalId": "bulk",
			"emails": []any{map[string]any{"value": "bulk"}, map[string]any{"value": "BULK"}}}}
	}
	if _, err := s.CreateMany(ctx, acme, &set.User, many); err != nil {
		t.Fatal(err)
	}
	got, err := s.Lookup(ctx, acme, &set.User, "bulk")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != storage.MaxLookup {
		t.Errorf("Lookup of %d matches returned %d, want %d", len(many), len(got), storage.MaxLookup)
	}
	seen := map[string]bool{}
	for _, r := range got {
		if seen[r.ID] {
			t.Errorf("Lookup returned %s twice", r.ID)
		}
		seen[r.ID] = true
	}
}
