package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/elimity-com/scim/schema"
)

// decode reads a JSON object as scimd reads bodies: numbers as
// json.Number.
func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("test bug: %s: %v", s, err)
	}
	return m
}

// allowStringValues makes the schema library take "True" and "1" for
// booleans and numbers, as scim.NewHandler does, for the test.
func allowStringValues(t *testing.T) {
	schema.SetAllowStringValues(true)
	t.Cleanup(func() { schema.SetAllowStringValues(false) })
}

// A checkCase is a body and what the checker says of it: nothing (attr
// "") or an error about attr of SCIM type typ whose detail holds phrase.
type checkCase struct {
	name       string
	rt         func(Set) ResourceType
	body       string
	attr, typ  string
	phrase     string
	acceptedOK bool // the body passes: attr, typ and phrase are unused
}

func users(s Set) ResourceType  { return s.User }
func groups(s Set) ResourceType { return s.Group }

const (
	userS  = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]`
	groupS = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]`
	patchS = `"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]`
	entS   = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	tenS   = "urn:scimd:schemas:extension:tenant:2.0:User"
)

func runCheckCases(t *testing.T, cases []checkCase, check func(rt ResourceType, doc map[string]any) error) {
	t.Helper()
	allowStringValues(t)
	set := tenantCheckSet(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := check(c.rt(set), decode(t, c.body))
			if c.acceptedOK {
				if err != nil {
					t.Fatalf("%s: refused: %v", c.body, err)
				}
				return
			}
			var ce *CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("%s: got %v, want a *CheckError", c.body, err)
			}
			if ce.Attribute != c.attr || ce.ScimType != c.typ || !strings.Contains(ce.Detail, c.phrase) {
				t.Errorf("%s:\n got %q %s %q\nwant %q %s containing %q", c.body, ce.Attribute, ce.ScimType, ce.Detail, c.attr, c.typ, c.phrase)
			}
			if c.attr != "" && !strings.Contains(ce.Detail, c.attr) && !strings.Contains(ce.Detail, strconv.Quote(c.attr)) {
				t.Errorf("%s: detail %q does not name %s", c.body, ce.Detail, c.attr)
			}
		})
	}
}

// tenantCheckSet is Default with tenant attributes of every type.
func tenantCheckSet(t *testing.T) Set {
	t.Helper()
	set, err := BuildSet(2, Definition{User: []AttributeDef{
		{Name: "level", Type: "integer"},
		{Name: "score", Type: "decimal"},
		{Name: "hired", Type: "dateTime"},
		{Name: "badge", Type: "string", Required: true},
		{Name: "rooms", Type: "complex", MultiValued: true, SubAttributes: []AttributeDef{
			{Name: "number", Type: "string", Required: true}, {Name: "floor", Type: "integer"},
		}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestCheck(t *testing.T) {
	runCheckCases(t, checkCases(t), func(rt ResourceType, doc map[string]any) error { return rt.Check(doc) })
}

func TestCheckPatch(t *testing.T) {
	runCheckCases(t, patchCases(t), func(rt ResourceType, doc map[string]any) error { return rt.CheckPatch(doc) })
}

// checkCases are POST and PUT bodies.
func checkCases(*testing.T) []checkCase {
	ok := func(name string, rt func(Set) ResourceType, body string) checkCase {
		return checkCase{name: name, rt: rt, body: body, acceptedOK: true}
	}
	bad := func(name string, rt func(Set) ResourceType, body, attr, typ, phrase string) checkCase {
		return checkCase{name: name, rt: rt, body: body, attr: attr, typ: typ, phrase: phrase}
	}
	const iv, is = ScimTypeInvalidValue, ScimTypeInvalidSyntax
	return []checkCase{
		ok("minimal user", users, `{`+userS+`,"userName":"ada"}`),
		ok("Entra create", users, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","`+entS+`"],"externalId":"0a21","userName":"Test_User","active":true,`+
			`"emails":[{"primary":true,"type":"work","value":"a@b.c"}],"meta":{"resourceType":"User"},"name":{"formatted":"A B","familyName":"B","givenName":"A"},"roles":[]}`),
		ok("Entra nulls", users, `{`+userS+`,"userName":"x","addresses":null,"phoneNumbers":null,"title":null,"`+entS+`":{"department":null,"manager":null}}`),
		ok("Okta create", users, `{`+userS+`,"userName":"x","password":"1mz050nq","groups":[],"locale":"en-US","active":true}`),
		ok("string booleans", users, `{`+userS+`,"userName":"x","active":"True","emails":[{"value":"a@b","primary":"False"}]}`),
		ok("one object for a multi-valued attribute", users, `{`+userS+`,"userName":"x","emails":{"value":"a@b"}}`),
		ok("read-only ignored", users, `{`+userS+`,"userName":"x","id":5,"meta":7,"groups":"x"}`),
		ok("unknown ignored", users, `{`+userS+`,"userName":"x","nope":{"a":1},"urn:other":5}`),
		ok("group", groups, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],"displayName":"g","members":[]}`),
		ok("tenant types", users, `{`+userS+`,"userName":"x","`+tenS+`":{"level":3,"score":1.5,"hired":"2024-05-01T09:30:00Z","badge":"b","rooms":[{"number":"1","floor":"2"}]}}`),

		bad("no schemas", users, `{"userName":"x"}`, "schemas", is, "schemas is required"),
		bad("schemas misspelled", users, `{"Schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"}`, "schemas", is, `"Schemas": spell it schemas`),
		bad("schemas not a list", users, `{"schemas":"urn:ietf:params:scim:schemas:core:2.0:User","userName":"x"}`, "schemas", is, "got a string"),
		bad("schemas without the core URN", users, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"userName":"x"}`, "schemas", is, "must list urn:ietf:params:scim:schemas:core:2.0:User"),
		bad("core URN in another case", users, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:user"],"userName":"x"}`, "schemas", is, "spelled exactly so"),
		bad("userName missing", users, `{`+userS+`,"active":true}`, "userName", iv, "userName is required"),
		bad("userName null", users, `{`+userS+`,"userName":null}`, "userName", iv, "userName is required"),
		bad("userName a number", users, `{`+userS+`,"userName":123}`, "userName", iv, "userName must be a string, got a number"),
		bad("userName twice", users, `{`+userS+`,"userName":"a","USERNAME":"b"}`, "userName", is, `as "USERNAME" and "userName"`),
		bad("active maybe", users, `{`+userS+`,"userName":"x","active":"maybe"}`, "active", iv, `active must be a boolean, got "maybe"`),
		bad("active a number", users, `{`+userS+`,"userName":"x","active":1}`, "active", iv, `active must be a boolean, got a number`),
		bad("givenName an object", users, `{`+userS+`,"userName":"x","name":{"givenName":{}}}`, "name.givenName", iv, "name.givenName must be a string, got an object"),
		bad("name a string", users, `{`+userS+`,"userName":"x","name":"Ada"}`, "name", iv, "name must be an object"),
		bad("second email value a number", users, `{`+userS+`,"userName":"x","emails":[{"value":"a@b"},{"value":5}]}`, "emails[1].value", iv, "emails[1].value must be a string, got a number"),
		bad("emails a string", users, `{`+userS+`,"userName":"x","emails":"a@b"}`, "emails", is, `emails is multi-valued: it must be an array of objects such as {"value": …}, got a string`),
		bad("email an array element string", users, `{`+userS+`,"userName":"x","emails":["a@b"]}`, "emails[0]", iv, "emails[0] must be an object"),
		bad("manager value a number", users, `{`+userS+`,"userName":"x","`+entS+`":{"manager":{"value":7}}}`, entS+":manager.value", iv, "must be a string, got a number"),
		bad("extension a string", users, `{`+userS+`,"userName":"x","`+entS+`":"x"}`, entS, is, "must be an object of the extension's attributes"),
		bad("integer with a fraction", users, `{`+userS+`,"userName":"x","`+tenS+`":{"badge":"b","level":1.5}}`, tenS+":level", iv, "must be an integer, got 1.5"),
		bad("decimal a word", users, `{`+userS+`,"userName":"x","`+tenS+`":{"badge":"b","score":"high"}}`, tenS+":score", iv, `must be a number, got "high"`),
		bad("dateTime not xsd", users, `{`+userS+`,"userName":"x","`+tenS+`":{"badge":"b","hired":"yesterday"}}`, tenS+":hired", iv, `must be an xsd:dateTime such as 2024-05-01T09:30:00Z, got "yesterday"`),
		bad("tenant required attribute", users, `{`+userS+`,"userName":"x","`+tenS+`":{"level":1}}`, tenS+":badge", iv, "is required"),
		bad("required sub-attribute", users, `{`+userS+`,"userName":"x","`+tenS+`":{"badge":"b","rooms":[{"floor":1}]}}`, tenS+":rooms[0].number", iv, "is required"),
		bad("group without displayName", groups, `{`+groupS+`,"members":[]}`, "displayName", iv, "displayName is required"),
		bad("members a string", groups, `{`+groupS+`,"displayName":"g","members":"abc"}`, "members", is, "members is multi-valued"),
		bad("member value a number", groups, `{`+groupS+`,"displayName":"g","members":[{"value":1}]}`, "members[0].value", iv, "must be a string, got a number"),
	}
}

// patchCases are PATCH bodies.
func patchCases(*testing.T) []checkCase {
	ok := func(name string, rt func(Set) ResourceType, ops string) checkCase {
		return checkCase{name: name, rt: rt, body: `{` + patchS + `,"Operations":` + ops + `}`, acceptedOK: true}
	}
	bad := func(name string, rt func(Set) ResourceType, ops, attr, typ, phrase string) checkCase {
		return checkCase{name: name, rt: rt, body: `{` + patchS + `,"Operations":` + ops + `}`, attr: attr, typ: typ, phrase: phrase}
	}
	envelope := func(name, body, attr, typ, phrase string) checkCase {
		return checkCase{name: name, rt: users, body: body, attr: attr, typ: typ, phrase: phrase}
	}
	const iv, is, ip = ScimTypeInvalidValue, ScimTypeInvalidSyntax, ScimTypeInvalidPath
	return []checkCase{
		ok("Entra replace", users, `[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"x@y"},{"op":"Replace","path":"name.familyName","value":"F"}]`),
		ok("Entra string boolean", users, `[{"op":"Replace","path":"active","value":"False"}]`),
		ok("Entra pathless", users, `[{"op":"replace","value":{"displayName":"D","name.givenName":"G","`+entS+`:employeeNumber":"1"}}]`),
		ok("extension container", users, `[{"op":"add","value":{"`+entS+`":{"department":"R&D","manager":{"value":"m"}}}}]`),
		ok("manager as an object", users, `[{"op":"add","path":"`+entS+`:manager","value":{"value":"m"}}]`),
		ok("Okta deactivate", users, `[{"op":"replace","value":{"active":false}}]`),
		ok("Okta group rename with id", groups, `[{"op":"replace","value":{"id":"g1","displayName":"G"}}]`),
		ok("member remove by filter", groups, `[{"op":"remove","path":"members[value eq \"u1\"]"}]`),
		ok("member remove by value", groups, `[{"op":"Remove","path":"members","value":[{"value":"u1"}]}]`),
		ok("member add one object", groups, `[{"op":"add","path":"members","value":{"value":"u1"}}]`),
		ok("remove a simple value by filter", users, `[{"op":"remove","path":"urn:scimd:schemas:extension:2.0:User:aliases[value eq \"a\"]"}]`),

		envelope("no schemas", `{"Operations":[{"op":"remove","path":"title"}]}`, "schemas", iv, "schemas is required"),
		envelope("wrong schemas", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"Operations":[{"op":"remove","path":"title"}]}`, "schemas", iv, "schemas must be"),
		envelope("no Operations", `{`+patchS+`}`, "Operations", iv, "Operations must hold at least one operation"),
		envelope("empty Operations", `{`+patchS+`,"Operations":[]}`, "Operations", iv, "Operations must hold at least one operation"),
		envelope("Operations an object", `{`+patchS+`,"Operations":{"op":"add"}}`, "Operations", is, "Operations must be an array"),
		bad("operation a string", users, `["add"]`, "Operations", is, "operation 1 of Operations must be an object"),
		bad("op frobnicate", users, `[{"op":"frobnicate","path":"title","value":"x"}]`, "op", is, `op must be add, remove or replace, got "frobnicate"`),
		bad("op missing", users, `[{"path":"title","value":"x"}]`, "op", is, "op is required"),
		bad("path a number", users, `[{"op":"add","path":5,"value":"x"}]`, "path", ip, "path must be a string"),
		bad("second op's path", users, `[{"op":"add","path":"title","value":"x"},{"op":"add","path":"nope","value":"x"}]`, "nope", ip,
			`operation 2: path "nope" names no attribute: User resources have no attribute nope`),
		bad("path that does not parse", users, `[{"op":"add","path":"emails[type eq \"work\"","value":"x"}]`, `emails[type eq "work"`, ip, "is not a valid attribute path"),
		bad("sub-attribute after a filter", users, `[{"op":"replace","path":"emails[type eq \"work\"].nope","value":"x"}]`, `emails[type eq "work"].nope`, ip,
			`path "emails[type eq \"work\"].nope": emails has no sub-attribute nope`),
		bad("filter names nothing", users, `[{"op":"remove","path":"emails[kind eq \"work\"]"}]`, `emails[kind eq "work"]`, ip, "the filter names kind, which is not a sub-attribute of emails"),
		bad("sub-attribute of a simple attribute", users, `[{"op":"replace","path":"userName.first","value":"x"}]`, "userName.first", ip, "userName has no sub-attributes"),
		bad("extension attribute without its URN", users, `[{"op":"replace","path":"department","value":"x"}]`, "department", ip,
			"department is an attribute of the extension "+entS+": write it as "+entS+":department"),
		bad("unknown schema", users, `[{"op":"replace","path":"urn:x:y:nope","value":"x"}]`, "urn:x:y:nope", ip, "is not a schema of User resources"),
		bad("whole extension as a path", users, `[{"op":"replace","path":"`+entS+`","value":{}}]`, entS, ip, "names the whole schema"),
		bad("id", users, `[{"op":"replace","path":"id","value":"x"}]`, "id", ScimTypeMutability, "read-only"),
		bad("remove without a path", users, `[{"op":"remove"}]`, "path", ScimTypeNoTarget, "remove needs a path"),
		bad("add without a value", users, `[{"op":"add","path":"title"}]`, "value", iv, "add needs a value"),
		bad("pathless value a string", users, `[{"op":"replace","value":"x"}]`, "value", iv, "replace without a path needs a value that is an object"),
		bad("pathless unknown key", users, `[{"op":"replace","value":{"nope":1}}]`, "nope", iv, `value key "nope" names no attribute`),
		bad("pathless active maybe", users, `[{"op":"replace","value":{"active":"maybe"}}]`, "active", iv, `active must be a boolean, got "maybe"`),
		bad("active maybe", users, `[{"op":"replace","path":"active","value":"maybe"}]`, "active", iv, `active must be a boolean, got "maybe"`),
		bad("userName a number", users, `[{"op":"replace","path":"userName","value":123}]`, "userName", iv, "userName must be a string, got a number"),
		bad("emails a string", users, `[{"op":"add","path":"emails","value":"a@b"}]`, "emails", iv, "emails must be an object"),
		bad("second email value", users, `[{"op":"add","path":"emails","value":[{"value":"a@b"},{"value":5}]}]`, "emails[1].value", iv, "must be a string, got a number"),
		bad("manager value a number", users, `[{"op":"add","path":"`+entS+`:manager","value":{"value":7}}]`, entS+":manager.value", iv, "must be a string, got a number"),
		bad("extension container value", users, `[{"op":"add","value":{"`+entS+`":{"manager":{"value":7}}}}]`, entS+":manager.value", iv, "must be a string, got a number"),
		bad("integer 1.5", users, `[{"op":"add","path":"`+tenS+`:level","value":1.5}]`, tenS+":level", iv, "must be an integer, got 1.5"),
		bad("dateTime", users, `[{"op":"add","path":"`+tenS+`:hired","value":"May 1st"}]`, tenS+":hired", iv, "xsd:dateTime"),
		bad("boolean filter with gt", users, `[{"op":"remove","path":"emails[primary gt true]"}]`, "emails[primary gt true]", ip, "primary is a boolean and cannot be compared with gt"),
		bad("group member value", groups, `[{"op":"add","path":"members","value":[{"value":5}]}]`, "members[0].value", iv, "must be a string, got a number"),
		bad("filter on add of a simple attribute", users, `[{"op":"add","path":"urn:scimd:schemas:extension:2.0:User:aliases[value eq \"a\"]","value":"b"}]`,
			"urn:scimd:schemas:extension:2.0:User:aliases[value eq \"a\"]", ip, "add and replace cannot filter the values of aliases"),
	}
}
