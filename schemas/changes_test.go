package schemas

import (
	"fmt"
	"strings"
	"testing"
)

func TestChanges(t *testing.T) {
	const u, g = "urn:scimd:schemas:extension:tenant:2.0:user:", "urn:scimd:schemas:extension:tenant:2.0:group:"
	badge := AttributeDef{Name: "badge", Type: "complex", MultiValued: true,
		SubAttributes: []AttributeDef{str("number"), {Name: "issued", Type: "dateTime"}}}
	cases := []struct {
		name     string
		old, new Definition
		want     []Change
	}{
		{name: "nothing to nothing"},
		{name: "same definition", old: Definition{User: []AttributeDef{str("a"), badge}}, new: Definition{User: []AttributeDef{str("a"), badge}}},
		{name: "added attributes need no check", old: Definition{User: []AttributeDef{str("a")}},
			new: Definition{User: []AttributeDef{str("a"), {Name: "b", Type: "string", Identifier: true}, badge}, Group: []AttributeDef{str("c")}}},
		{name: "a new unique attribute needs no check", new: Definition{User: []AttributeDef{{Name: "a", Type: "string", Uniqueness: "server"}}}},
		{name: "reordered and renamed in case only", old: Definition{User: []AttributeDef{str("a"), str("b")}},
			new: Definition{User: []AttributeDef{str("B"), str("A")}}},
		{name: "description, required, mutability, returned, canonicalValues change freely",
			old: Definition{User: []AttributeDef{str("a")}},
			new: Definition{User: []AttributeDef{{Name: "a", Type: "string", Description: "d", Required: true,
				Mutability: "readOnly", Returned: "always", CanonicalValues: []string{"x"}}}}},
		{name: "type changed", old: Definition{User: []AttributeDef{str("a")}},
			new:  Definition{User: []AttributeDef{{Name: "a", Type: "integer"}}},
			want: []Change{{ResourceType: "User", Attribute: u + "a", Name: "User.a", TypeChanged: true}}},
		{name: "multi-valuedness changed", old: Definition{Group: []AttributeDef{str("a")}},
			new:  Definition{Group: []AttributeDef{{Name: "a", Type: "string", MultiValued: true}}},
			want: []Change{{ResourceType: "Group", Attribute: g + "a", Name: "Group.a", TypeChanged: true}}},
		{name: "caseExact of a string changed", old: Definition{User: []AttributeDef{str("a")}},
			new:  Definition{User: []AttributeDef{{Name: "a", Type: "string", CaseExact: true}}},
			want: []Change{{ResourceType: "User", Attribute: u + "a", Name: "User.a", TypeChanged: true}}},
		{name: "caseExact of a reference changed", old: Definition{User: []AttributeDef{{Name: "r", Type: "reference", CaseExact: true}}},
			new:  Definition{User: []AttributeDef{{Name: "r", Type: "reference"}}},
			want: []Change{{ResourceType: "User", Attribute: u + "r", Name: "User.r", TypeChanged: true}}},
		{name: "caseExact of an integer or dateTime changes nothing stored",
			old: Definition{User: []AttributeDef{{Name: "i", Type: "integer"}, {Name: "t", Type: "dateTime"}}},
			new: Definition{User: []AttributeDef{{Name: "i", Type: "integer", CaseExact: true}, {Name: "t", Type: "dateTime", CaseExact: true}}}},
		{name: "becomes unique", old: Definition{User: []AttributeDef{str("a")}},
			new:  Definition{User: []AttributeDef{{Name: "a", Type: "string", Uniqueness: "server"}}},
			want: []Change{{ResourceType: "User", Attribute: u + "a", Name: "User.a", BecomesUnique: true}}},
		{name: "becomes an identifier", old: Definition{User: []AttributeDef{{Name: "a", Type: "string", Uniqueness: "none"}}},
			new:  Definition{User: []AttributeDef{{Name: "a", Type: "string", Identifier: true}}},
			want: []Change{{ResourceType: "User", Attribute: u + "a", Name: "User.a", BecomesUnique: true}}},
		{name: "unique to identifier is no change", old: Definition{User: []AttributeDef{{Name: "a", Type: "string", Uniqueness: "server"}}},
			new: Definition{User: []AttributeDef{{Name: "a", Type: "string", Identifier: true}}}},
		{name: "uniqueness dropped", old: Definition{User: []AttributeDef{{Name: "a", Type: "string", Identifier: true}}},
			new: Definition{User: []AttributeDef{str("a")}}},
		{name: "type changed and becomes unique", old: Definition{User: []AttributeDef{{Name: "a", Type: "string", MultiValued: true}}},
			new:  Definition{User: []AttributeDef{{Name: "a", Type: "string", Uniqueness: "server"}}},
			want: []Change{{ResourceType: "User", Attribute: u + "a", Name: "User.a", TypeChanged: true, BecomesUnique: true}}},
		{name: "the new name's case is kept in messages", old: Definition{User: []AttributeDef{str("costCenter")}},
			new:  Definition{User: []AttributeDef{{Name: "CostCenter", Type: "integer"}}},
			want: []Change{{ResourceType: "User", Attribute: u + "costcenter", Name: "User.CostCenter", TypeChanged: true}}},
		{name: "removed", old: Definition{User: []AttributeDef{str("a"), str("b")}, Group: []AttributeDef{str("c")}},
			new: Definition{User: []AttributeDef{str("b")}},
			want: []Change{
				{ResourceType: "User", Attribute: u + "a", Name: "User.a", Removed: true},
				{ResourceType: "Group", Attribute: g + "c", Name: "Group.c", Removed: true},
			}},
		{name: "removed complex with its sub-attributes", old: Definition{User: []AttributeDef{badge}},
			want: []Change{
				{ResourceType: "User", Attribute: u + "badge", Name: "User.badge", Removed: true},
				{ResourceType: "User", Attribute: u + "badge.number", Name: "User.badge.number", Removed: true},
				{ResourceType: "User", Attribute: u + "badge.issued", Name: "User.badge.issued", Removed: true},
			}},
		{name: "removed sub-attribute", old: Definition{User: []AttributeDef{badge}},
			new:  Definition{User: []AttributeDef{{Name: "badge", Type: "complex", MultiValued: true, SubAttributes: []AttributeDef{str("number")}}}},
			want: []Change{{ResourceType: "User", Attribute: u + "badge.issued", Name: "User.badge.issued", Removed: true}}},
		{name: "sub-attribute type changed", old: Definition{User: []AttributeDef{badge}},
			new: Definition{User: []AttributeDef{{Name: "badge", Type: "complex", MultiValued: true,
				SubAttributes: []AttributeDef{{Name: "number", Type: "integer"}, {Name: "issued", Type: "dateTime"}}}}},
			want: []Change{{ResourceType: "User", Attribute: u + "badge.number", Name: "User.badge.number", TypeChanged: true}}},
		{name: "sub-attribute becomes unique", old: Definition{User: []AttributeDef{{Name: "card", Type: "complex", SubAttributes: []AttributeDef{str("n")}}}},
			new: Definition{User: []AttributeDef{{Name: "card", Type: "complex",
				SubAttributes: []AttributeDef{{Name: "n", Type: "string", Uniqueness: "server"}}}}},
			want: []Change{{ResourceType: "User", Attribute: u + "card.n", Name: "User.card.n", BecomesUnique: true}}},
		{name: "complex becomes single-valued", old: Definition{User: []AttributeDef{badge}},
			new:  Definition{User: []AttributeDef{{Name: "badge", Type: "complex", SubAttributes: badge.SubAttributes}}},
			want: []Change{{ResourceType: "User", Attribute: u + "badge", Name: "User.badge", TypeChanged: true}}},
		{name: "string becomes complex", old: Definition{User: []AttributeDef{str("a")}},
			new:  Definition{User: []AttributeDef{{Name: "a", Type: "complex", SubAttributes: []AttributeDef{str("x")}}}},
			want: []Change{{ResourceType: "User", Attribute: u + "a", Name: "User.a", TypeChanged: true}}},
		{name: "complex becomes string", old: Definition{User: []AttributeDef{{Name: "a", Type: "complex", SubAttributes: []AttributeDef{str("x")}}}},
			new: Definition{User: []AttributeDef{str("a")}},
			want: []Change{
				{ResourceType: "User", Attribute: u + "a", Name: "User.a", TypeChanged: true},
				{ResourceType: "User", Attribute: u + "a.x", Name: "User.a.x", Removed: true},
			}},
		{name: "unique emails turned on", new: Definition{UniqueEmails: true},
			want: []Change{{ResourceType: "User", Attribute: "emails.value", Name: "User.emails.value", BecomesUnique: true}}},
		{name: "unique emails kept", old: Definition{UniqueEmails: true}, new: Definition{UniqueEmails: true}},
		{name: "unique emails turned off", old: Definition{UniqueEmails: true}},
		{name: "user changes, group changes, then emails", old: Definition{User: []AttributeDef{str("a")}, Group: []AttributeDef{str("a")}},
			new: Definition{UniqueEmails: true, User: []AttributeDef{{Name: "a", Type: "boolean"}}, Group: []AttributeDef{{Name: "a", Type: "string", Identifier: true}}},
			want: []Change{
				{ResourceType: "User", Attribute: u + "a", Name: "User.a", TypeChanged: true},
				{ResourceType: "Group", Attribute: g + "a", Name: "Group.a", BecomesUnique: true},
				{ResourceType: "User", Attribute: "emails.value", Name: "User.emails.value", BecomesUnique: true},
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.new.Changes(c.old)
			if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", c.want); g != w {
				t.Errorf("Changes =\n%s\nwant\n%s", strings.ReplaceAll(g, "} {", "}\n {"), strings.ReplaceAll(w, "} {", "}\n {"))
			}
		})
	}
}

// TestChangeKeysMatchAttributeKeys: the keys Changes gives are those that
// Attribute.Key gives the same attributes in the built set, which storage
// indexes values under.
func TestChangeKeysMatchAttributeKeys(t *testing.T) {
	old := Definition{User: []AttributeDef{str("FloorNumber"), {Name: "Badge", Type: "complex", SubAttributes: []AttributeDef{str("Number")}}},
		Group: []AttributeDef{str("Site")}}
	set, err := BuildSet(2, old)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range (Definition{}).Changes(old) {
		rt := set.User
		if c.ResourceType == GroupType {
			rt = set.Group
		}
		_, path, _ := strings.Cut(c.Name, ".")
		a, err := rt.Resolve(attrPath(t, path))
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if a.Key() != c.Attribute {
			t.Errorf("%s: change key %q, attribute key %q", c.Name, c.Attribute, a.Key())
		}
	}
	emails, err := Default().User.Resolve(attrPath(t, "emails.value"))
	if err != nil {
		t.Fatal(err)
	}
	if emails.Key() != EmailValueKey {
		t.Errorf("emails.value key = %q, EmailValueKey = %q", emails.Key(), EmailValueKey)
	}
}
