package schemas

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/elimity-com/scim/schema"
)

// The RFC 7643 §7 characteristics an attribute may take.
var (
	validTypes      = []string{"string", "boolean", "decimal", "integer", "dateTime", "reference", "binary", "complex"}
	validMutability = []string{"readWrite", "readOnly", "immutable", "writeOnly"}
	validReturned   = []string{"always", "never", "default", "request"}
	validUniqueness = []string{"none", "server", "global"}
	// RFC 7643 §2.1's ATTRNAME, and $ref (§2.3.7).
	validName = regexp.MustCompile(`^(\$ref|[A-Za-z][A-Za-z0-9_-]*)$`)
)

// checkAttributes checks each attribute of list (and its sub-attributes)
// for valid characteristics and names unique case-insensitively; described
// asks for a description of each top-level attribute.
func checkAttributes(t *testing.T, where string, list schema.Attributes, sub, described bool) {
	t.Helper()
	seen := map[string]bool{}
	for _, a := range list {
		at := where + "." + a.Name()
		if !validName.MatchString(a.Name()) {
			t.Errorf("%s: invalid name", at)
		}
		if seen[strings.ToLower(a.Name())] {
			t.Errorf("%s: defined twice", at)
		}
		seen[strings.ToLower(a.Name())] = true
		if !slices.Contains(validTypes, a.AttributeType()) || !slices.Contains(validMutability, a.Mutability()) ||
			!slices.Contains(validReturned, a.Returned()) || !slices.Contains(validUniqueness, a.Uniqueness()) {
			t.Errorf("%s: type %q mutability %q returned %q uniqueness %q", at, a.AttributeType(), a.Mutability(), a.Returned(), a.Uniqueness())
		}
		if a.Description() == "" && described && !sub {
			t.Errorf("%s: no description", at)
		}
		complex := a.AttributeType() == "complex"
		if complex != a.HasSubAttributes() {
			t.Errorf("%s: type %s with %d sub-attributes", at, a.AttributeType(), len(a.SubAttributes()))
		}
		if complex && sub {
			t.Errorf("%s: a complex sub-attribute", at)
		}
		if a.HasSubAttributes() {
			checkAttributes(t, at, a.SubAttributes(), true, false)
		}
	}
}

// TestBuiltinSchemas checks every schema scimd serves: valid attribute
// definitions, unique names, and no attribute name shared by two schemas of
// one resource type but status, which a tenant's extension may still define
// from before scimd's had it.
func TestBuiltinSchemas(t *testing.T) {
	for _, s := range []schema.Schema{User(), UserUniqueEmails(), Group(), EnterpriseUser(), ScimdUser()} {
		if s.ID == "" || s.Name.Value() == "" || len(s.Attributes) == 0 {
			t.Errorf("schema %q: name %q, %d attributes", s.ID, s.Name.Value(), len(s.Attributes))
		}
		checkAttributes(t, s.ID, s.Attributes, false, s.ID == ScimdUserURN)
	}
	checkAttributes(t, "common", Common(), false, false)
	for _, rt := range Default().ResourceTypes() {
		owner := map[string]string{}
		for _, a := range Common() {
			owner[strings.ToLower(a.Name())] = "common"
		}
		for _, s := range rt.Schemas() {
			for _, a := range s.Attributes {
				if o, ok := owner[strings.ToLower(a.Name())]; ok {
					t.Errorf("%s: %s is defined by %s and %s", rt.Name, a.Name(), o, s.ID)
				}
				owner[strings.ToLower(a.Name())] = s.ID
			}
		}
	}
}

func TestScimdUserSchema(t *testing.T) {
	s := ScimdUser()
	if s.ID != ScimdUserURN || s.Description.Value() != "scimd User" || strings.Contains(s.ID, "_") {
		t.Errorf("ScimdUser: id %q description %q", s.ID, s.Description.Value())
	}
	var names []string
	for _, a := range s.Attributes {
		names = append(names, a.Name())
	}
	want := []string{AttrStatus, AttrStatusChangedAt, AttrBirthday, AttrLastLoginAt, AttrPasswordUpdatedAt, AttrPasswordTemporary,
		AttrPasswordExpired, AttrSessionsValidAfter, AttrAliases, AttrTags, AttrDelegates, AttrLinkedIdentities, AppsAttributeName}
	if !slices.Equal(names, want) {
		t.Errorf("scimd User attributes = %q, want %q", names, want)
	}
	status, _ := s.Attributes.ContainsAttribute(AttrStatus)
	if got := status.CanonicalValues(); !slices.Equal(got, []string{StatusPending, StatusActive, StatusSuspended, StatusDeprovisioned}) {
		t.Errorf("status canonical values = %q", got)
	}
	for _, name := range []string{AttrStatusChangedAt, AttrLastLoginAt, AttrPasswordUpdatedAt, AttrSessionsValidAfter} {
		a, _ := s.Attributes.ContainsAttribute(name)
		if a.Mutability() != "readOnly" || a.AttributeType() != "dateTime" {
			t.Errorf("%s: %s %s, want a readOnly dateTime", name, a.Mutability(), a.AttributeType())
		}
	}
	aliases, _ := s.Attributes.ContainsAttribute(AttrAliases)
	if !aliases.MultiValued() || !aliases.CaseExact() || aliases.Uniqueness() != "server" {
		t.Errorf("aliases: multi %v caseExact %v uniqueness %s", aliases.MultiValued(), aliases.CaseExact(), aliases.Uniqueness())
	}
	tags, _ := s.Attributes.ContainsAttribute(AttrTags)
	key, _ := tags.SubAttributes().ContainsAttribute("key")
	if !tags.MultiValued() || !key.Required() || !key.CaseExact() {
		t.Errorf("tags: multi %v; key required %v caseExact %v", tags.MultiValued(), key.Required(), key.CaseExact())
	}
}

func TestAppsAttribute(t *testing.T) {
	a := AppsAttribute()
	if a.Name() != AppsAttributeName || a.AttributeType() != "complex" || !a.MultiValued() || a.Mutability() != "readOnly" {
		t.Errorf("apps: %s %s multi %v %s", a.Name(), a.AttributeType(), a.MultiValued(), a.Mutability())
	}
	var subs []string
	for _, s := range a.SubAttributes() {
		subs = append(subs, s.Name()+":"+s.AttributeType())
		if s.Mutability() != "readOnly" {
			t.Errorf("apps.%s is %s, want readOnly", s.Name(), s.Mutability())
		}
	}
	if want := []string{"value:string", "$ref:reference", "display:string", "username:string", "externalAccountId:string", "active:boolean"}; !slices.Equal(subs, want) {
		t.Errorf("apps sub-attributes = %q, want %q", subs, want)
	}
	if v, _ := a.SubAttributes().ContainsAttribute("value"); !v.CaseExact() {
		t.Error("apps.value is not caseExact")
	}
	if u, _ := a.SubAttributes().ContainsAttribute("username"); u.CaseExact() {
		t.Error("apps.username is caseExact; usernames compare case-insensitively")
	}
}

func TestCoreUserVerification(t *testing.T) {
	for _, s := range []schema.Schema{User(), UserUniqueEmails()} {
		for _, name := range []string{"emails", "phoneNumbers"} {
			a, ok := s.Attributes.ContainsAttribute(name)
			if !ok {
				t.Fatalf("%s missing", name)
			}
			v, ok1 := a.SubAttributes().ContainsAttribute("verified")
			at, ok2 := a.SubAttributes().ContainsAttribute("verifiedAt")
			if !ok1 || !ok2 || v.AttributeType() != "boolean" || at.AttributeType() != "dateTime" {
				t.Errorf("%s: verified %v %s, verifiedAt %v %s", name, ok1, v.AttributeType(), ok2, at.AttributeType())
			}
		}
		// Only emails and phoneNumbers get them.
		addrs, _ := s.Attributes.ContainsAttribute("addresses")
		if _, ok := addrs.SubAttributes().ContainsAttribute("verified"); ok {
			t.Error("addresses has verified")
		}
	}
	// The library's core User, without scimd's sub-attributes, is otherwise
	// the same.
	lib := schema.CoreUserSchema()
	if len(lib.Attributes) != len(User().Attributes) || lib.ID != User().ID {
		t.Errorf("User has %d attributes (%s), the library's %d (%s)", len(User().Attributes), User().ID, len(lib.Attributes), lib.ID)
	}
	// The schemas are built once and shared.
	if &User().Attributes[0] != &User().Attributes[0] || &Group().Attributes[0] != &Group().Attributes[0] ||
		&EnterpriseUser().Attributes[0] != &EnterpriseUser().Attributes[0] || &ScimdUser().Attributes[0] != &ScimdUser().Attributes[0] {
		t.Error("a schema is built anew on each call")
	}
}
