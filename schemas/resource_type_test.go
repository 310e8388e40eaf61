package schemas

import (
	"errors"
	"slices"
	"testing"

	"github.com/scim2/filter-parser/v2"
)

// attrPath parses an attribute path as filters and PATCH paths name one.
func attrPath(t *testing.T, s string) filter.AttributePath {
	t.Helper()
	p, err := filter.ParseAttrPath([]byte(s))
	if err != nil {
		t.Fatalf("ParseAttrPath(%q): %v", s, err)
	}
	return p
}

// tenantSet is a set whose tenant extension defines status (as scimd's own
// User extension does), badge (complex) and a group attribute.
func tenantSet(t *testing.T) Set {
	t.Helper()
	set, err := BuildSet(4, Definition{
		User: []AttributeDef{
			{Name: "status", Type: "integer"},
			{Name: "badgeId", Type: "string", Identifier: true},
			{Name: "badge", Type: "complex", MultiValued: true, SubAttributes: []AttributeDef{{Name: "number", Type: "string", CaseExact: true}}},
		},
		Group: []AttributeDef{{Name: "costCenter", Type: "decimal"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestResolve(t *testing.T) {
	const (
		ent    = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
		tenant = "urn:scimd:schemas:extension:tenant:2.0:User"
	)
	set := tenantSet(t)
	cases := []struct {
		rt                       ResourceType
		path                     string
		urn                      string // SchemaURN
		ext                      bool
		name, key, typ           string
		multi, caseExact, parent bool
	}{
		// Common attributes, in any case.
		{rt: set.User, path: "id", name: "id", key: "id", typ: "string", caseExact: true},
		{rt: set.User, path: "EXTERNALID", name: "externalId", key: "externalid", typ: "string", caseExact: true},
		{rt: set.Group, path: "meta.lastModified", name: "meta.lastModified", key: "meta.lastmodified", typ: "dateTime", parent: true},
		{rt: set.User, path: "meta.resourcetype", name: "meta.resourceType", key: "meta.resourcetype", typ: "string", parent: true, caseExact: true},
		// Core attributes, unqualified and qualified.
		{rt: set.User, path: "userName", urn: UserURN, name: "userName", key: "username", typ: "string"},
		{rt: set.User, path: "username", urn: UserURN, name: "userName", key: "username", typ: "string"},
		{rt: set.User, path: UserURN + ":userName", urn: UserURN, name: "userName", key: "username", typ: "string"},
		{rt: set.User, path: "urn:ietf:params:scim:schemas:core:2.0:user:Name.FamilyName", urn: UserURN,
			name: "name.familyName", key: "name.familyname", typ: "string", parent: true},
		{rt: set.User, path: "name", urn: UserURN, name: "name", key: "name", typ: "complex"},
		{rt: set.User, path: "emails", urn: UserURN, name: "emails", key: "emails", typ: "complex", multi: true},
		{rt: set.User, path: "emails.value", urn: UserURN, name: "emails.value", key: "emails.value", typ: "string", multi: true, parent: true},
		{rt: set.User, path: "emails.verified", urn: UserURN, name: "emails.verified", key: "emails.verified", typ: "boolean", multi: true, parent: true},
		{rt: set.User, path: "phoneNumbers.verifiedAt", urn: UserURN, name: "phoneNumbers.verifiedAt", key: "phonenumbers.verifiedat",
			typ: "dateTime", multi: true, parent: true},
		{rt: set.User, path: "active", urn: UserURN, name: "active", key: "active", typ: "boolean"},
		{rt: set.User, path: "groups.value", urn: UserURN, name: "groups.value", key: "groups.value", typ: "string", multi: true, parent: true},
		{rt: set.Group, path: "displayName", urn: GroupURN, name: "displayName", key: "displayname", typ: "string"},
		{rt: set.Group, path: "members.value", urn: GroupURN, name: "members.value", key: "members.value", typ: "string", multi: true,
			parent: true},
		// Extensions: the key carries the URN.
		{rt: set.User, path: "employeeNumber", urn: ent, ext: true, name: "employeeNumber", key: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:employeenumber", typ: "string"},
		{rt: set.User, path: ent + ":manager.value", urn: ent, ext: true, name: "manager.value",
			key: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:manager.value", typ: "string", parent: true},
		{rt: set.User, path: "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:department", urn: ent, ext: true,
			name: "department", key: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:department", typ: "string"},
		{rt: set.User, path: "badgeId", urn: tenant, ext: true, name: "badgeId", key: "urn:scimd:schemas:extension:tenant:2.0:user:badgeid", typ: "string"},
		{rt: set.User, path: "badge.NUMBER", urn: tenant, ext: true, name: "badge.number",
			key: "urn:scimd:schemas:extension:tenant:2.0:user:badge.number", typ: "string", multi: true, parent: true, caseExact: true},
		// The tenant extension comes before scimd's: status unqualified is
		// the tenant's; qualified, scimd's.
		{rt: set.User, path: "status", urn: tenant, ext: true, name: "status", key: "urn:scimd:schemas:extension:tenant:2.0:user:status", typ: "integer"},
		{rt: set.User, path: ScimdUserURN + ":status", urn: ScimdUserURN, ext: true, name: "status",
			key: "urn:scimd:schemas:extension:2.0:user:status", typ: "string"},
		{rt: set.User, path: "tags.key", urn: ScimdUserURN, ext: true, name: "tags.key",
			key: "urn:scimd:schemas:extension:2.0:user:tags.key", typ: "string", multi: true, parent: true, caseExact: true},
		{rt: set.User, path: "apps.value", urn: ScimdUserURN, ext: true, name: "apps.value",
			key: "urn:scimd:schemas:extension:2.0:user:apps.value", typ: "string", multi: true, parent: true, caseExact: true},
		{rt: set.Group, path: "costCenter", urn: TenantGroupURN, ext: true, name: "costCenter",
			key: "urn:scimd:schemas:extension:tenant:2.0:group:costcenter", typ: "decimal"},
		// Without a definition, status is scimd's.
		{rt: Default().User, path: "status", urn: ScimdUserURN, ext: true, name: "status", key: "urn:scimd:schemas:extension:2.0:user:status", typ: "string"},
	}
	for _, c := range cases {
		t.Run(c.rt.Name+"/"+c.path, func(t *testing.T) {
			a, err := c.rt.Resolve(attrPath(t, c.path))
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if a.SchemaURN != c.urn || a.Extension != c.ext {
				t.Errorf("SchemaURN, Extension = %q, %v; want %q, %v", a.SchemaURN, a.Extension, c.urn, c.ext)
			}
			if a.Name() != c.name || a.Key() != c.key || a.Type() != c.typ {
				t.Errorf("Name, Key, Type = %q, %q, %q; want %q, %q, %q", a.Name(), a.Key(), a.Type(), c.name, c.key, c.typ)
			}
			if a.MultiValued() != c.multi || a.Def.CaseExact() != c.caseExact || (a.Parent != nil) != c.parent {
				t.Errorf("MultiValued, CaseExact, has Parent = %v, %v, %v; want %v, %v, %v",
					a.MultiValued(), a.Def.CaseExact(), a.Parent != nil, c.multi, c.caseExact, c.parent)
			}
		})
	}
}

func TestResolveUnknown(t *testing.T) {
	set := tenantSet(t)
	for _, c := range []struct {
		rt   ResourceType
		path string
	}{
		{set.User, "nope"},
		{set.User, "name.nope"},
		{set.User, "userName.value"},                 // not complex
		{set.User, "members"},                        // a Group attribute
		{set.Group, "userName"},                      // a User attribute
		{set.Group, "employeeNumber"},                // groups have no enterprise extension
		{set.Group, "badgeId"},                       // a tenant User attribute
		{set.User, UserURN + ":nope"},                // known schema, unknown attribute
		{set.User, UserURN + ":id"},                  // common attributes are in no schema
		{set.User, GroupURN + ":displayName"},        // another resource type's schema
		{set.User, "urn:example:unknown:2.0:User:x"}, // unknown schema
		{set.User, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:nope"},
		{Default().User, "badgeId"}, // a tenant attribute without the definition
		{Default().User, TenantUserURN + ":badgeId"},
	} {
		t.Run(c.rt.Name+"/"+c.path, func(t *testing.T) {
			_, err := c.rt.Resolve(attrPath(t, c.path))
			ue, ok := errors.AsType[*UnknownAttributeError](err)
			if !ok {
				t.Fatalf("Resolve: %v, want an *UnknownAttributeError", err)
			}
			if want := attrPath(t, c.path).String(); ue.Path != want {
				t.Errorf("Path = %q, want %q", ue.Path, want)
			}
			if want := `unknown attribute "` + ue.Path + `"`; err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
		})
	}
}

func TestAttributeSub(t *testing.T) {
	rt := Default().User
	emails, err := rt.Resolve(attrPath(t, "emails"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := emails.Sub("TYPE")
	if err != nil {
		t.Fatal(err)
	}
	if v.Name() != "emails.type" || v.Key() != "emails.type" || !v.MultiValued() || v.SchemaURN != UserURN {
		t.Errorf("Sub(TYPE) = %q %q multi=%v urn=%q", v.Name(), v.Key(), v.MultiValued(), v.SchemaURN)
	}
	mgr, err := rt.Resolve(attrPath(t, "manager"))
	if err != nil {
		t.Fatal(err)
	}
	if m, err := mgr.Sub("value"); err != nil || m.Key() != "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:manager.value" || !m.Extension {
		t.Errorf("manager.Sub(value) = %q, %v", m.Key(), err)
	}
	userName, err := rt.Resolve(attrPath(t, "userName"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		a    Attribute
		sub  string
		want string
	}{
		{emails, "nope", `unknown attribute "emails.nope"`},
		{v, "value", `unknown attribute "emails.type.value"`}, // a sub-attribute has none
		{userName, "value", `unknown attribute "userName.value"`},
	} {
		if _, err := c.a.Sub(c.sub); err == nil || err.Error() != c.want {
			t.Errorf("%s.Sub(%q) = %v, want %s", c.a.Name(), c.sub, err, c.want)
		}
	}
}

func TestResourceTypeSchemasAndWalk(t *testing.T) {
	set := tenantSet(t)
	var ids []string
	for _, s := range set.User.Schemas() {
		ids = append(ids, s.ID)
	}
	if want := []string{UserURN, EnterpriseUserURN, TenantUserURN, ScimdUserURN}; !slices.Equal(ids, want) {
		t.Errorf("User schemas = %q, want %q", ids, want)
	}
	ids = ids[:0]
	for _, s := range set.Group.Schemas() {
		ids = append(ids, s.ID)
	}
	if want := []string{GroupURN, TenantGroupURN}; !slices.Equal(ids, want) {
		t.Errorf("Group schemas = %q, want %q", ids, want)
	}

	var keys []string
	seen := map[string]bool{}
	set.User.Walk(func(a Attribute) {
		if a.Parent != nil && !seen[(Attribute{SchemaURN: a.SchemaURN, Extension: a.Extension, Def: *a.Parent}).Key()] {
			t.Errorf("%s walked before its parent", a.Key())
		}
		if seen[a.Key()] {
			t.Errorf("%s walked twice", a.Key())
		}
		seen[a.Key()] = true
		keys = append(keys, a.Key())
	})
	for _, k := range []string{"username", "name.givenname", "emails.verifiedat",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:manager.value",
		"urn:scimd:schemas:extension:tenant:2.0:user:badge.number", "urn:scimd:schemas:extension:2.0:user:apps.display"} {
		if !seen[k] {
			t.Errorf("Walk missed %s", k)
		}
	}
	for _, k := range []string{"id", "externalid", "meta.created"} {
		if seen[k] {
			t.Errorf("Walk visited common attribute %s", k)
		}
	}
	if keys[0] != "username" {
		t.Errorf("Walk starts with %s, want the core schema's first attribute userName", keys[0])
	}
}
