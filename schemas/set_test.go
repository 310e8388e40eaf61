package schemas

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
)

func extensionIDs(rt ResourceType) []string {
	var out []string
	for _, e := range rt.Extensions {
		out = append(out, e.Schema.ID)
	}
	return out
}

func TestDefault(t *testing.T) {
	d := Default()
	if d.Version != 0 || d.User.SchemaVersion != 0 || d.Group.SchemaVersion != 0 {
		t.Errorf("versions = %d, %d, %d; want 0", d.Version, d.User.SchemaVersion, d.Group.SchemaVersion)
	}
	rts := d.ResourceTypes()
	if len(rts) != 2 || rts[0].Name != UserType || rts[1].Name != GroupType {
		t.Fatalf("ResourceTypes = %v", rts)
	}
	if rts[0].Endpoint != "/Users" || rts[1].Endpoint != "/Groups" || rts[0].Schema.ID != UserURN || rts[1].Schema.ID != GroupURN {
		t.Errorf("resource types = %s %s %s, %s %s %s", rts[0].Name, rts[0].Endpoint, rts[0].Schema.ID, rts[1].Name, rts[1].Endpoint, rts[1].Schema.ID)
	}
	if got, want := extensionIDs(d.User), []string{EnterpriseUserURN, ScimdUserURN}; !slices.Equal(got, want) {
		t.Errorf("User extensions = %q, want %q", got, want)
	}
	for _, e := range d.User.Extensions {
		if e.Required {
			t.Errorf("extension %s is required", e.Schema.ID)
		}
	}
	if len(d.Group.Extensions) != 0 {
		t.Errorf("Group extensions = %q, want none", extensionIDs(d.Group))
	}
	// Default hands out copies of its extension lists: a caller appending
	// to one writes into no other set.
	d.User.Extensions = append(d.User.Extensions[:1], Extension{Schema: Group()})
	d.Group.Extensions = append(d.Group.Extensions, Extension{Schema: Group()})
	again := Default()
	if got := extensionIDs(again.User); !slices.Equal(got, []string{EnterpriseUserURN, ScimdUserURN}) || len(again.Group.Extensions) != 0 {
		t.Errorf("after a caller's append, Default's extensions = %q, %q", got, extensionIDs(again.Group))
	}
}

func TestBuildSet(t *testing.T) {
	d := Definition{
		User:  []AttributeDef{{Name: "badgeId", Type: "string", Identifier: true, Description: "The badge."}},
		Group: []AttributeDef{{Name: "costCenter", Type: "string", CanonicalValues: []string{"a", "b"}, Returned: "always"}},
	}
	set, err := BuildSet(7, d)
	if err != nil {
		t.Fatal(err)
	}
	if set.Version != 7 || set.User.SchemaVersion != 7 || set.Group.SchemaVersion != 7 {
		t.Errorf("versions = %d, %d, %d; want 7", set.Version, set.User.SchemaVersion, set.Group.SchemaVersion)
	}
	if fmt.Sprint(set.Definition) != fmt.Sprint(d) {
		t.Errorf("Definition = %+v, want %+v", set.Definition, d)
	}
	if got, want := extensionIDs(set.User), []string{EnterpriseUserURN, TenantUserURN, ScimdUserURN}; !slices.Equal(got, want) {
		t.Errorf("User extensions = %q, want %q", got, want)
	}
	if got, want := extensionIDs(set.Group), []string{TenantGroupURN}; !slices.Equal(got, want) {
		t.Errorf("Group extensions = %q, want %q", got, want)
	}
	ext := set.User.Extensions[1]
	if ext.Required || ext.Schema.Name.Value() != "Tenant User" {
		t.Errorf("tenant User extension: required %v, name %q", ext.Required, ext.Schema.Name.Value())
	}
	// The definition's characteristics reach the schema, with RFC 7643's
	// defaults; an identifier is unique.
	badge, ok := ext.Schema.Attributes.ContainsAttribute("badgeid")
	if !ok {
		t.Fatal("badgeId missing from the tenant User extension")
	}
	if badge.Name() != "badgeId" || badge.AttributeType() != "string" || badge.Uniqueness() != "server" ||
		badge.Mutability() != "readWrite" || badge.Returned() != "default" || badge.Description() != "The badge." ||
		badge.MultiValued() || badge.Required() || badge.CaseExact() {
		t.Errorf("badgeId = %s %s uniqueness %s mutability %s returned %s %q multi %v required %v caseExact %v",
			badge.Name(), badge.AttributeType(), badge.Uniqueness(), badge.Mutability(), badge.Returned(), badge.Description(),
			badge.MultiValued(), badge.Required(), badge.CaseExact())
	}
	cc, _ := set.Group.Extensions[0].Schema.Attributes.ContainsAttribute("costCenter")
	if !slices.Equal(cc.CanonicalValues(), []string{"a", "b"}) || cc.Returned() != "always" || cc.Uniqueness() != "none" {
		t.Errorf("costCenter = canonical %q returned %s uniqueness %s", cc.CanonicalValues(), cc.Returned(), cc.Uniqueness())
	}
	// Building a set leaves Default alone.
	if got := extensionIDs(Default().User); !slices.Equal(got, []string{EnterpriseUserURN, ScimdUserURN}) {
		t.Errorf("Default User extensions after BuildSet = %q", got)
	}

	// Only the resource types with attributes get an extension.
	userOnly, err := BuildSet(8, Definition{User: d.User})
	if err != nil {
		t.Fatal(err)
	}
	if len(userOnly.Group.Extensions) != 0 {
		t.Errorf("Group extensions without group attributes = %q", extensionIDs(userOnly.Group))
	}
	groupOnly, err := BuildSet(9, Definition{Group: d.Group})
	if err != nil {
		t.Fatal(err)
	}
	if got := extensionIDs(groupOnly.User); !slices.Equal(got, []string{EnterpriseUserURN, ScimdUserURN}) {
		t.Errorf("User extensions without user attributes = %q", got)
	}
}

func TestBuildSetComplexAndReference(t *testing.T) {
	set, err := BuildSet(1, Definition{User: []AttributeDef{
		{Name: "badge", Type: "complex", MultiValued: true, Mutability: "immutable", SubAttributes: []AttributeDef{
			{Name: "number", Type: "string", CaseExact: true, Required: true},
			{Name: "site", Type: "reference", ReferenceTypes: []string{"external"}, Returned: "request"},
		}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := set.User.Resolve(attrPath(t, "badge"))
	if err != nil {
		t.Fatal(err)
	}
	if !a.Def.MultiValued() || !a.Def.HasSubAttributes() || a.Def.Mutability() != "immutable" || len(a.Def.SubAttributes()) != 2 {
		t.Errorf("badge: multi %v, mutability %s, %d sub-attributes", a.Def.MultiValued(), a.Def.Mutability(), len(a.Def.SubAttributes()))
	}
	n, _ := a.Sub("number")
	s, _ := a.Sub("site")
	if !n.Def.CaseExact() || !n.Def.Required() || s.Type() != "reference" || s.Def.Returned() != "request" ||
		len(s.Def.ReferenceTypes()) != 1 || s.Def.ReferenceTypes()[0] != "external" {
		t.Errorf("number caseExact %v required %v; site %s returned %s referenceTypes %v",
			n.Def.CaseExact(), n.Def.Required(), s.Type(), s.Def.Returned(), s.Def.ReferenceTypes())
	}
}

func TestBuildSetUniqueEmails(t *testing.T) {
	emailsValue := func(s Set) string {
		a, err := s.User.Resolve(attrPath(t, "emails.value"))
		if err != nil {
			t.Fatal(err)
		}
		return a.Def.Uniqueness()
	}
	plain, err := BuildSet(1, Definition{})
	if err != nil {
		t.Fatal(err)
	}
	unique, err := BuildSet(2, Definition{UniqueEmails: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := emailsValue(plain); got != "none" {
		t.Errorf("emails.value uniqueness without uniqueEmails = %s", got)
	}
	if got := emailsValue(unique); got != "server" {
		t.Errorf("emails.value uniqueness with uniqueEmails = %s", got)
	}
	if got := emailsValue(Default()); got != "none" {
		t.Errorf("Default emails.value uniqueness = %s", got)
	}
	// Only emails.value changes.
	for _, name := range []string{"phoneNumbers.value", "userName", "emails.type"} {
		a, err := unique.User.Resolve(attrPath(t, name))
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]string{"userName": "server"}[name]; a.Def.Uniqueness() != or(want, "none") {
			t.Errorf("%s uniqueness = %s", name, a.Def.Uniqueness())
		}
	}
}

// countingSource serves definitions by version and counts its calls.
type countingSource struct {
	mu    sync.Mutex
	calls map[string]int // "tenant/version"
	defs  map[int64]string
}

func (c *countingSource) load(_ context.Context, tenant string, version int64) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[fmt.Sprintf("%s/%d", tenant, version)]++
	d, ok := c.defs[version]
	if !ok {
		return nil, ErrNoDefinition
	}
	return []byte(d), nil
}

func (c *countingSource) count(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[key]
}

func TestRegistry(t *testing.T) {
	ctx := context.Background()
	src := &countingSource{calls: map[string]int{}, defs: map[int64]string{
		1: `{"User": [{"name": "badgeId", "type": "string"}]}`,
		2: `{"User": [{"name": "badgeId", "type": "string"}, {"name": "floor", "type": "integer"}]}`,
		3: `{"User": [{"name": "x", "type": "blob"}]}`,
	}}
	r := NewRegistry(src.load)
	has := func(s Set, name string) bool {
		_, err := s.User.Resolve(attrPath(t, name))
		return err == nil
	}

	// Version 0 is Default, without asking the source.
	s, err := r.ForTenant(ctx, "t1", 0)
	if err != nil || s.Version != 0 || has(s, "badgeId") {
		t.Fatalf("ForTenant(t1, 0) = version %d, badgeId %v, %v", s.Version, has(s, "badgeId"), err)
	}
	if src.count("t1/0") != 0 {
		t.Error("version 0 asked the source")
	}

	// A version is loaded once per tenant.
	for range 3 {
		s, err = r.ForTenant(ctx, "t1", 1)
		if err != nil || s.Version != 1 || !has(s, "badgeId") || has(s, "floor") {
			t.Fatalf("ForTenant(t1, 1) = version %d, badgeId %v, floor %v, %v", s.Version, has(s, "badgeId"), has(s, "floor"), err)
		}
	}
	if n := src.count("t1/1"); n != 1 {
		t.Errorf("t1 version 1 loaded %d times, want 1", n)
	}
	// Tenants are apart.
	if _, err := r.ForTenant(ctx, "t2", 1); err != nil {
		t.Fatal(err)
	}
	if n := src.count("t2/1"); n != 1 {
		t.Errorf("t2 version 1 loaded %d times, want 1", n)
	}

	// A newer version replaces the cached one.
	s, err = r.ForTenant(ctx, "t1", 2)
	if err != nil || s.Version != 2 || !has(s, "floor") {
		t.Fatalf("ForTenant(t1, 2) = version %d, floor %v, %v", s.Version, has(s, "floor"), err)
	}
	if _, err := r.ForTenant(ctx, "t1", 2); err != nil || src.count("t1/2") != 1 {
		t.Errorf("t1 version 2 loaded %d times, want 1 (%v)", src.count("t1/2"), err)
	}
	// An older version is built for the caller that asks, but does not
	// replace the newer one.
	s, err = r.ForTenant(ctx, "t1", 1)
	if err != nil || s.Version != 1 || has(s, "floor") {
		t.Fatalf("ForTenant(t1, 1) after 2 = version %d, floor %v, %v", s.Version, has(s, "floor"), err)
	}
	if n := src.count("t1/1"); n != 2 {
		t.Errorf("t1 version 1 loaded %d times, want 2", n)
	}
	if _, err := r.ForTenant(ctx, "t1", 2); err != nil || src.count("t1/2") != 1 {
		t.Errorf("after asking for version 1, t1 version 2 loaded %d times, want 1 (%v)", src.count("t1/2"), err)
	}

	// Errors: the source's, and a definition that does not validate.
	if _, err := r.ForTenant(ctx, "t1", 9); !errors.Is(err, ErrNoDefinition) {
		t.Errorf("ForTenant(t1, 9) = %v, want ErrNoDefinition", err)
	}
	_, err = r.ForTenant(ctx, "t1", 3)
	if de, ok := errors.AsType[*DefinitionError](err); !ok || len(de.Problems) != 1 {
		t.Errorf("ForTenant(t1, 3) = %v, want a *DefinitionError", err)
	}
	// A failed load leaves the cached set alone.
	if s, err := r.ForTenant(ctx, "t1", 2); err != nil || s.Version != 2 || src.count("t1/2") != 1 {
		t.Errorf("after failed loads: version %d, loads %d, %v", s.Version, src.count("t1/2"), err)
	}
}

func TestRegistryNilSource(t *testing.T) {
	r := NewRegistry(nil)
	s, err := r.ForTenant(context.Background(), "t", 5)
	if err != nil || s.Version != 0 || len(s.User.Extensions) != 2 {
		t.Errorf("ForTenant with a nil source = version %d, %d extensions, %v; want Default", s.Version, len(s.User.Extensions), err)
	}
}

func TestRegistryConcurrent(t *testing.T) {
	src := &countingSource{calls: map[string]int{}, defs: map[int64]string{}}
	for v := int64(1); v <= 4; v++ {
		src.defs[v] = fmt.Sprintf(`{"Group": [{"name": "v%d", "type": "string"}]}`, v)
	}
	r := NewRegistry(src.load)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for v := int64(1); v <= 4; v++ {
				s, err := r.ForTenant(context.Background(), fmt.Sprintf("t%d", i%2), v)
				if err != nil || s.Version != v {
					t.Errorf("ForTenant(%d) = version %d, %v", v, s.Version, err)
				}
			}
		})
	}
	wg.Wait()
	// Whatever the interleaving, the newest version stays cached.
	before := src.count("t0/4")
	if s, err := r.ForTenant(context.Background(), "t0", 4); err != nil || s.Version != 4 || src.count("t0/4") != before {
		t.Errorf("version 4 not cached: version %d, loads %d then %d, %v", s.Version, before, src.count("t0/4"), err)
	}
}
