package schemas

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// str is a string attribute definition named name.
func str(name string) AttributeDef { return AttributeDef{Name: name, Type: "string"} }

func TestParseDefinitionAccepts(t *testing.T) {
	cases := []struct {
		name, in string
		want     Definition
	}{
		{name: "empty object", in: `{}`, want: Definition{}},
		{name: "doc example", in: `{"User": [{"name": "badgeId", "type": "string", "identifier": true}],
			"Group": [{"name": "costCenter", "type": "string"}]}`,
			want: Definition{
				User:  []AttributeDef{{Name: "badgeId", Type: "string", Identifier: true}},
				Group: []AttributeDef{{Name: "costCenter", Type: "string"}},
			}},
		{name: "unique emails", in: `{"uniqueEmails": true}`, want: Definition{UniqueEmails: true}},
		{name: "every characteristic", in: `{"User": [{"name": "level", "type": "string", "multiValued": true,
			"required": true, "caseExact": true, "mutability": "immutable", "returned": "request", "uniqueness": "none",
			"canonicalValues": ["a", "b"], "description": "d"}]}`,
			want: Definition{User: []AttributeDef{{Name: "level", Type: "string", MultiValued: true, Required: true,
				CaseExact: true, Mutability: "immutable", Returned: "request", Uniqueness: "none",
				CanonicalValues: []string{"a", "b"}, Description: "d"}}}},
		{name: "complex with sub-attributes", in: `{"User": [{"name": "badge", "type": "complex", "multiValued": true,
			"subAttributes": [{"name": "number", "type": "string"}, {"name": "issued", "type": "dateTime"}]}]}`,
			want: Definition{User: []AttributeDef{{Name: "badge", Type: "complex", MultiValued: true,
				SubAttributes: []AttributeDef{{Name: "number", Type: "string"}, {Name: "issued", Type: "dateTime"}}}}}},
		{name: "a reference with referenceTypes", in: `{"Group": [{"name": "site", "type": "reference",
			"referenceTypes": ["external"], "canonicalValues": ["https://a.example"]}]}`,
			want: Definition{Group: []AttributeDef{{Name: "site", Type: "reference", ReferenceTypes: []string{"external"},
				CanonicalValues: []string{"https://a.example"}}}}},
		{name: "metadata is a group attribute name", in: `{"Group": [{"name": "metadata", "type": "string"}]}`,
			want: Definition{Group: []AttributeDef{str("metadata")}}},
		{name: "same name on users and groups", in: `{"User": [{"name": "site", "type": "string"}],
			"Group": [{"name": "site", "type": "string"}]}`,
			want: Definition{User: []AttributeDef{str("site")}, Group: []AttributeDef{str("site")}}},
		{name: "unique scalar types", in: `{"User": [{"name": "a", "type": "string", "uniqueness": "server"},
			{"name": "b", "type": "reference", "uniqueness": "server"}, {"name": "c", "type": "dateTime", "uniqueness": "server"}]}`,
			want: Definition{User: []AttributeDef{{Name: "a", Type: "string", Uniqueness: "server"},
				{Name: "b", Type: "reference", Uniqueness: "server"}, {Name: "c", Type: "dateTime", Uniqueness: "server"}}}},
		{name: "unique sub-attribute of a single-valued complex", in: `{"User": [{"name": "card", "type": "complex",
			"subAttributes": [{"name": "number", "type": "string", "uniqueness": "server"}]}]}`,
			want: Definition{User: []AttributeDef{{Name: "card", Type: "complex",
				SubAttributes: []AttributeDef{{Name: "number", Type: "string", Uniqueness: "server"}}}}}},
		// encoding/json matches field names case-insensitively.
		{name: "characteristic in another case", in: `{"user": [{"name": "a", "type": "string", "multivalued": true}]}`,
			want: Definition{User: []AttributeDef{{Name: "a", Type: "string", MultiValued: true}}}},
		{name: "names with digits, '_' and '-'", in: `{"User": [{"name": "a1_b-c", "type": "boolean"}]}`,
			want: Definition{User: []AttributeDef{{Name: "a1_b-c", Type: "boolean"}}}},
		{name: "every type", in: `{"User": [{"name": "s", "type": "string"}, {"name": "b", "type": "boolean"},
			{"name": "i", "type": "integer"}, {"name": "d", "type": "decimal"}, {"name": "t", "type": "dateTime"},
			{"name": "r", "type": "reference"}, {"name": "c", "type": "complex", "subAttributes": [{"name": "x", "type": "integer"}]}]}`,
			want: Definition{User: []AttributeDef{str("s"), {Name: "b", Type: "boolean"}, {Name: "i", Type: "integer"},
				{Name: "d", Type: "decimal"}, {Name: "t", Type: "dateTime"}, {Name: "r", Type: "reference"},
				{Name: "c", Type: "complex", SubAttributes: []AttributeDef{{Name: "x", Type: "integer"}}}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := ParseDefinition([]byte(c.in))
			if err != nil {
				t.Fatalf("ParseDefinition: %v", err)
			}
			if got, want := fmt.Sprintf("%+v", d), fmt.Sprintf("%+v", c.want); got != want {
				t.Errorf("ParseDefinition =\n%s\nwant\n%s", got, want)
			}
			if _, err := BuildSet(1, d); err != nil {
				t.Errorf("BuildSet: %v", err)
			}
		})
	}
}

func TestParseDefinitionLimits(t *testing.T) {
	many := func(n int) []AttributeDef {
		out := make([]AttributeDef, n)
		for i := range out {
			out[i] = str(fmt.Sprintf("a%d", i))
		}
		return out
	}
	for _, c := range []struct {
		name string
		d    Definition
		want string // "" accepts
	}{
		{name: "100 user attributes", d: Definition{User: many(MaxCustomAttributes)}},
		{name: "101 user attributes", d: Definition{User: many(MaxCustomAttributes + 1)},
			want: "User: 101 attributes; at most 100 are allowed"},
		{name: "101 group attributes", d: Definition{Group: many(MaxCustomAttributes + 1)},
			want: "Group: 101 attributes; at most 100 are allowed"},
		{name: "20 sub-attributes", d: Definition{User: []AttributeDef{{Name: "c", Type: "complex", SubAttributes: many(MaxSubAttributes)}}}},
		{name: "21 sub-attributes", d: Definition{User: []AttributeDef{{Name: "c", Type: "complex", SubAttributes: many(MaxSubAttributes + 1)}}},
			want: "User.c: at most 20 subAttributes are allowed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.d.Validate()
			if c.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if got := problems(t, err); !slices.Contains(got, c.want) {
				t.Errorf("problems = %q, want one %q", got, c.want)
			}
		})
	}
}

// problems returns the problems of a *DefinitionError.
func problems(t *testing.T, err error) []string {
	t.Helper()
	de, ok := errors.AsType[*DefinitionError](err)
	if !ok {
		t.Fatalf("error = %v (%T), want a *DefinitionError", err, err)
	}
	return de.Problems
}

// TestParseDefinitionRefusals covers every refusal of ParseDefinition: each
// definition is refused with exactly the problems listed, in order.
func TestParseDefinitionRefusals(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string
	}{
		// Not a definition at all.
		{name: "not JSON", in: `{"User": [`,
			want: []string{"not a schema definition: unexpected EOF"}},
		{name: "an array", in: `[]`,
			want: []string{"not a schema definition: json: cannot unmarshal array into Go value of type schemas.Definition"}},
		{name: "unknown top-level field", in: `{"Users": []}`,
			want: []string{`not a schema definition: json: unknown field "Users"`}},
		{name: "misspelled characteristic", in: `{"User": [{"name": "a", "type": "string", "multiValue": true}]}`,
			want: []string{`not a schema definition: json: unknown field "multiValue"`}},
		{name: "wrong JSON type", in: `{"User": [{"name": "a", "type": "string", "required": "yes"}]}`,
			want: []string{"not a schema definition: json: cannot unmarshal string into Go struct field AttributeDef.User.required of type bool"}},

		// Names.
		{name: "empty name", in: `{"User": [{"name": "", "type": "string"}]}`,
			want: []string{"User.: a name starts with a letter and holds letters, digits, '_' and '-' only"}},
		{name: "name starts with a digit", in: `{"User": [{"name": "1a", "type": "string"}]}`,
			want: []string{"User.1a: a name starts with a letter and holds letters, digits, '_' and '-' only"}},
		{name: "name with a dot", in: `{"Group": [{"name": "a.b", "type": "string"}]}`,
			want: []string{"Group.a.b: a name starts with a letter and holds letters, digits, '_' and '-' only"}},
		{name: "name with a space", in: `{"User": [{"name": "a b", "type": "string"}]}`,
			want: []string{"User.a b: a name starts with a letter and holds letters, digits, '_' and '-' only"}},
		{name: "name with a $", in: `{"User": [{"name": "$ref", "type": "string"}]}`,
			want: []string{"User.$ref: a name starts with a letter and holds letters, digits, '_' and '-' only"}},
		{name: "sub-attribute name", in: `{"User": [{"name": "c", "type": "complex", "subAttributes": [{"name": "x:y", "type": "string"}]}]}`,
			want: []string{"User.c.x:y: a name starts with a letter and holds letters, digits, '_' and '-' only"}},
		{name: "defined twice", in: `{"User": [{"name": "badge", "type": "string"}, {"name": "Badge", "type": "integer"}]}`,
			want: []string{"User.Badge: defined twice (names are case-insensitive)"}},
		{name: "sub-attribute defined twice", in: `{"User": [{"name": "c", "type": "complex",
			"subAttributes": [{"name": "x", "type": "string"}, {"name": "X", "type": "string"}]}]}`,
			want: []string{"User.c: sub-attribute X is defined twice"}},
		{name: "core user attribute", in: `{"User": [{"name": "userName", "type": "string"}]}`,
			want: []string{"User.userName: the core User schema has an attribute of this name"}},
		{name: "core user attribute in another case", in: `{"User": [{"name": "EMAILS", "type": "string"}]}`,
			want: []string{"User.EMAILS: the core User schema has an attribute of this name"}},
		{name: "core group attribute", in: `{"Group": [{"name": "displayName", "type": "string"}]}`,
			want: []string{"Group.displayName: the core Group schema has an attribute of this name"}},
		{name: "a user attribute is a group attribute name", in: `{"Group": [{"name": "userName", "type": "string"}]}`,
			want: nil},
		{name: "common id", in: `{"User": [{"name": "id", "type": "string"}]}`,
			want: []string{"User.id: id, externalId, meta and schemas are common attributes"}},
		{name: "common externalId", in: `{"Group": [{"name": "externalid", "type": "string"}]}`,
			want: []string{"Group.externalid: id, externalId, meta and schemas are common attributes"}},
		{name: "common meta", in: `{"User": [{"name": "meta", "type": "string"}]}`,
			want: []string{"User.meta: id, externalId, meta and schemas are common attributes"}},
		{name: "common schemas", in: `{"Group": [{"name": "schemas", "type": "string"}]}`,
			want: []string{"Group.schemas: id, externalId, meta and schemas are common attributes"}},
		{name: "user metadata", in: `{"User": [{"name": "Metadata", "type": "string"}]}`,
			want: []string{"User.Metadata: metadata is reserved: it names a user's schemaless metadata"}},

		// Characteristics.
		{name: "no type", in: `{"User": [{"name": "a"}]}`,
			want: []string{`User.a: type "" is not one of string, boolean, integer, decimal, dateTime, reference, complex`}},
		{name: "binary type", in: `{"User": [{"name": "a", "type": "binary"}]}`,
			want: []string{`User.a: type "binary" is not one of string, boolean, integer, decimal, dateTime, reference, complex`}},
		{name: "type in another case", in: `{"User": [{"name": "a", "type": "String"}]}`,
			want: []string{`User.a: type "String" is not one of string, boolean, integer, decimal, dateTime, reference, complex`}},
		{name: "mutability", in: `{"User": [{"name": "a", "type": "string", "mutability": "readonly"}]}`,
			want: []string{`User.a: mutability "readonly" is not one of readWrite, readOnly, immutable, writeOnly`}},
		{name: "returned", in: `{"User": [{"name": "a", "type": "string", "returned": "sometimes"}]}`,
			want: []string{`User.a: returned "sometimes" is not one of default, always, never, request`}},
		{name: "uniqueness global", in: `{"User": [{"name": "a", "type": "string", "uniqueness": "global"}]}`,
			want: []string{`User.a: uniqueness "global" is not one of none, server`}},
		{name: "sub-attribute type", in: `{"Group": [{"name": "c", "type": "complex", "subAttributes": [{"name": "x", "type": "float"}]}]}`,
			want: []string{`Group.c.x: type "float" is not one of string, boolean, integer, decimal, dateTime, reference, complex`}},
		{name: "canonicalValues on an integer", in: `{"User": [{"name": "a", "type": "integer", "canonicalValues": ["1"]}]}`,
			want: []string{"User.a: canonicalValues apply to strings only"}},
		{name: "subAttributes on a string", in: `{"User": [{"name": "a", "type": "string", "subAttributes": [{"name": "x", "type": "string"}]}]}`,
			want: []string{"User.a: only complex attributes have subAttributes"}},
		{name: "complex without subAttributes", in: `{"User": [{"name": "c", "type": "complex"}]}`,
			want: []string{"User.c: a complex attribute needs subAttributes"}},
		{name: "complex sub-attribute", in: `{"User": [{"name": "c", "type": "complex",
			"subAttributes": [{"name": "x", "type": "complex", "subAttributes": [{"name": "y", "type": "string"}]}]}]}`,
			want: []string{"User.c.x: a sub-attribute cannot be complex (one level of sub-attributes)"}},
		{name: "complex sub-attribute without subAttributes", in: `{"User": [{"name": "c", "type": "complex",
			"subAttributes": [{"name": "x", "type": "complex"}]}]}`,
			want: []string{"User.c.x: a sub-attribute cannot be complex (one level of sub-attributes)"}},

		// Uniqueness.
		{name: "unique multi-valued", in: `{"User": [{"name": "a", "type": "string", "multiValued": true, "uniqueness": "server"}]}`,
			want: []string{"User.a: a multi-valued attribute cannot be unique"}},
		{name: "unique integer", in: `{"User": [{"name": "a", "type": "integer", "uniqueness": "server"}]}`,
			want: []string{"User.a: only string, reference and dateTime attributes can be unique"}},
		{name: "unique decimal", in: `{"User": [{"name": "a", "type": "decimal", "uniqueness": "server"}]}`,
			want: []string{"User.a: only string, reference and dateTime attributes can be unique"}},
		{name: "unique boolean", in: `{"Group": [{"name": "a", "type": "boolean", "uniqueness": "server"}]}`,
			want: []string{"Group.a: only string, reference and dateTime attributes can be unique"}},
		{name: "unique complex", in: `{"User": [{"name": "c", "type": "complex", "uniqueness": "server",
			"subAttributes": [{"name": "x", "type": "string"}]}]}`,
			want: []string{"User.c: a complex attribute cannot be unique; make a sub-attribute an attribute of its own"}},
		{name: "unique sub-attribute of a multi-valued complex", in: `{"User": [{"name": "c", "type": "complex", "multiValued": true,
			"subAttributes": [{"name": "x", "type": "string", "uniqueness": "server"}]}]}`,
			want: []string{"User.c: sub-attribute x cannot be unique: c is multi-valued"}},
		{name: "unique sub-attribute of a wrong type", in: `{"User": [{"name": "c", "type": "complex",
			"subAttributes": [{"name": "x", "type": "integer", "uniqueness": "server"}]}]}`,
			want: []string{"User.c.x: only string, reference and dateTime attributes can be unique"}},
		{name: "unique never returned", in: `{"User": [{"name": "a", "type": "string", "uniqueness": "server", "returned": "never"}]}`,
			want: []string{`User.a: a unique attribute cannot be returned "never"`}},

		// Identifiers.
		{name: "identifier never returned", in: `{"User": [{"name": "a", "type": "string", "identifier": true, "returned": "never"}]}`,
			want: []string{`User.a: a unique attribute cannot be returned "never"`}},
		{name: "identifier integer", in: `{"User": [{"name": "a", "type": "integer", "identifier": true}]}`,
			want: []string{"User.a: an identifier is a single-valued string"}},
		{name: "identifier reference", in: `{"User": [{"name": "a", "type": "reference", "identifier": true}]}`,
			want: []string{"User.a: an identifier is a single-valued string"}},
		{name: "identifier multi-valued", in: `{"User": [{"name": "a", "type": "string", "multiValued": true, "identifier": true}]}`,
			want: []string{"User.a: an identifier is a single-valued string"}},
		{name: "identifier not unique", in: `{"User": [{"name": "a", "type": "string", "uniqueness": "none", "identifier": true}]}`,
			want: []string{`User.a: an identifier is unique: drop uniqueness "none"`}},
		{name: "identifier sub-attribute", in: `{"User": [{"name": "c", "type": "complex",
			"subAttributes": [{"name": "x", "type": "string", "identifier": true}]}]}`,
			want: []string{"User.c.x: a sub-attribute cannot be an identifier"}},

		// Problems add up, in definition order, users before groups.
		{name: "several problems", in: `{"Group": [{"name": "id", "type": "int"}],
			"User": [{"name": "9", "type": "string", "multiValued": true, "uniqueness": "server"}, {"name": "9", "type": "string"}]}`,
			want: []string{
				"User.9: a name starts with a letter and holds letters, digits, '_' and '-' only",
				"User.9: a multi-valued attribute cannot be unique",
				"User.9: defined twice (names are case-insensitive)",
				"User.9: a name starts with a letter and holds letters, digits, '_' and '-' only",
				"Group.id: id, externalId, meta and schemas are common attributes",
				`Group.id: type "int" is not one of string, boolean, integer, decimal, dateTime, reference, complex`,
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseDefinition([]byte(c.in))
			if c.want == nil {
				if err != nil {
					t.Fatalf("ParseDefinition: %v", err)
				}
				return
			}
			got := problems(t, err)
			if !slices.Equal(got, c.want) {
				t.Errorf("problems =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			if want := "invalid schema definition: " + strings.Join(c.want, "; "); err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
		})
	}
}

func TestBuildSetRefusesInvalid(t *testing.T) {
	_, err := BuildSet(3, Definition{User: []AttributeDef{{Name: "a", Type: "nope"}}})
	if got := problems(t, err); len(got) != 1 || !strings.HasPrefix(got[0], `User.a: type "nope"`) {
		t.Errorf("problems = %q", got)
	}
}

func TestIsUnique(t *testing.T) {
	for _, c := range []struct {
		a    AttributeDef
		want bool
	}{
		{AttributeDef{Type: "string"}, false},
		{AttributeDef{Type: "string", Uniqueness: "none"}, false},
		{AttributeDef{Type: "string", Uniqueness: "server"}, true},
		{AttributeDef{Type: "string", Identifier: true}, true},
	} {
		if got := c.a.IsUnique(); got != c.want {
			t.Errorf("%+v.IsUnique() = %v, want %v", c.a, got, c.want)
		}
	}
}
