package patch

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/elimity-com/scim/schema"

	"github.com/scimd/scimd/storage"
)

// TestThroughParse reads IdP PATCH requests with Parse and applies what it
// delivers. Case names are the requests' numbers in
// scim/scimtest/testdata/idp-requests.md.
func TestThroughParse(t *testing.T) {
	schema.SetAllowStringValues(true) // as directory.New does
	t.Cleanup(func() { schema.SetAllowStringValues(false) })
	cases := []struct {
		name   string
		group  bool
		ops    string
		want   map[string]string
		add    []string
		remove []string
	}{
		{name: "E9", ops: `[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"n@x.org"},{"op":"Replace","path":"name.familyName","value":"J"}]`,
			want: map[string]string{"emails/0/value": `"n@x.org"`, "name/familyName": `"J"`}},
		{name: "E11", ops: `[{"op":"Replace","path":"active","value":"False"}]`, want: map[string]string{"active": `false`}},
		{name: "E13", ops: `[{"op":"Add","path":"nickName","value":"Babs"}]`, want: map[string]string{"nickName": `"Babs"`}},
		{name: "E14", ops: `[{"op":"replace","value":{"displayName":"D","name.givenName":"G","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"7"}}]`,
			want: map[string]string{"displayName": `"D"`, "name/givenName": `"G"`, ent + "/employeeNumber": `"7"`}},
		{name: "E15", ops: `[{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"8"}]`,
			want: map[string]string{ent + "/employeeNumber": `"8"`}},
		{name: "E16 manager object", ops: `[{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"m2","displayName":"x"}}]`,
			want: map[string]string{ent + "/manager": `{"value":"m2"}`}},
		{name: "E17", ops: `[{"op":"Replace","path":"displayName","value":""}]`, want: map[string]string{"displayName": absent}},
		{name: "O7", ops: `[{"op":"replace","value":{"active":false}}]`, want: map[string]string{"active": `false`}},
		{name: "container", ops: `[{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D3"}}}]`,
			want: map[string]string{ent + "/department": `"D3"`}},
		{name: "RFC add", ops: `[{"op":"add","value":{"emails":[{"value":"babs@jensen.org","type":"home"}],"nickname":"Babs"}}]`,
			want: map[string]string{"nickName": `"Babs"`, "emails/2": absent}},
		{name: "RFC remove", ops: `[{"op":"remove","path":"emails[type eq \"work\" and value ew \"example.com\"]"}]`,
			want: map[string]string{"emails/0/type": `"home"`, "emails/1": absent}},
		{name: "E23", group: true, ops: `[{"op":"Replace","path":"displayName","value":"G2"}]`, want: map[string]string{"displayName": `"G2"`}},
		{name: "E24", group: true, ops: `[{"op":"Add","path":"members","value":[{"$ref":null,"value":"u1"},{"value":"u2"}]}]`, add: []string{"u1", "u2"}},
		{name: "E25", group: true, ops: `[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"u1"}]}]`, remove: []string{"u1"}},
		{name: "E26", group: true, ops: `[{"op":"remove","path":"members[value eq \"u1\"]"}]`, remove: []string{"u1"}},
		{name: "O14", group: true, ops: `[{"op":"replace","value":{"id":"g-1","displayName":"R"}}]`, want: map[string]string{"displayName": `"R"`}},
		{name: "O15", group: true, ops: `[{"op":"remove","path":"members[value eq \"u1\"]"},{"op":"add","path":"members","value":[{"value":"u1","display":"a@x"}]}]`,
			add: []string{"u1"}, remove: []string{"u1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rt, doc := userType(), userDoc
			if c.group {
				rt, doc = groupType(), groupDoc
			}
			ops, err := Parse(rt, decodeOps(t, c.ops))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			res, err := Apply(rt, decodeDoc(t, doc), ops, Options{ID: "g-1"})
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			h := struct {
				doc  map[string]any
				edit storage.Edit
			}{res.Doc, res.Edit}
			if err := validateDoc(rt, h.doc); err != nil {
				t.Fatalf("result does not validate: %v", err)
			}
			for path, want := range c.want {
				got, ok := at(h.doc, path)
				if (want == absent) == ok || (ok && !sameValue(got, decode(t, want))) {
					t.Errorf("%s = %#v (present %t), want %s", path, got, ok, want)
				}
			}
			var added []string
			for _, m := range h.edit.AddMembers {
				added = append(added, m.Value)
			}
			if !slices.Equal(added, c.add) || !slices.Equal(h.edit.RemoveMembers, c.remove) {
				t.Errorf("members +%v -%v, want +%v -%v", added, h.edit.RemoveMembers, c.add, c.remove)
			}
		})
	}
}

// decodeOps decodes a JSON list of operations as a request body is
// decoded, numbers as json.Number.
func decodeOps(t *testing.T, s string) []any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var raw []any
	if err := dec.Decode(&raw); err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestParseRefusals checks the errors of Parse: each names the kind of
// mistake with its SCIM error type.
func TestParseRefusals(t *testing.T) {
	schema.SetAllowStringValues(true)
	t.Cleanup(func() { schema.SetAllowStringValues(false) })
	cases := []struct{ ops, typ string }{
		{`["not an object"]`, "invalidPath"},
		{`[{"op":"add","path":"noSuchAttribute","value":"x"}]`, "invalidPath"},
		{`[{"op":"add","path":"emails[nope eq \"x\"]","value":"x"}]`, "invalidPath"},
		{`[{"op":"add","path":7,"value":"x"}]`, "invalidPath"},
		{`[{"op":"replace","path":"active","value":"maybe"}]`, "invalidValue"},
		{`[{"op":"replace","path":"userName","value":123}]`, "invalidValue"},
		{`[{"op":"add","path":"nickName"}]`, "invalidValue"},
		{`[{"op":"move","path":"nickName","value":"x"}]`, "invalidValue"},
		{`[{"op":"remove"}]`, "noTarget"},
		{`[{"op":"replace","value":{"noSuchAttribute":"x"}}]`, "invalidValue"},
		{`[{"op":"replace","value":"not an object"}]`, "invalidValue"},
		{`[{"op":"replace","value":{"id":"a","ID":"b"}}]`, "invalidPath"},
	}
	for _, c := range cases {
		_, err := Parse(userType(), decodeOps(t, c.ops))
		se := checkScimError(t, err)
		if string(se.ScimType) != c.typ {
			t.Errorf("Parse(%s): scimType %q, want %q (%s)", c.ops, se.ScimType, c.typ, se.Detail)
		}
	}
	ops, err := Parse(userType(), decodeOps(t, `[{"OP":"Replace","PATH":"emails[type eq \"work\"].value","VALUE":"w@x"},{"op":"add","path":"emails","value":{"value":"a@x"}}]`))
	if err != nil {
		t.Fatal(err)
	}
	if ops[0].Op != "replace" || ops[0].Path == nil || ops[0].Value != "w@x" {
		t.Errorf("first operation %+v", ops[0])
	}
	if list, ok := ops[1].Value.([]any); !ok || len(list) != 1 {
		t.Errorf("a multi-valued value given as one object is not wrapped in a list: %#v", ops[1].Value)
	}
}
