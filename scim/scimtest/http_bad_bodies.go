package scimtest

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// An HTTPBadBody is a request body that a SCIM service provider refuses
// with 400: the error type, the attribute its detail must name and a
// phrase the detail must hold, which says what to fix.
type HTTPBadBody struct {
	Name     string
	Method   string // POST, PUT or PATCH
	Type     string // the resource type, User or Group
	Body     string // the JSON text sent
	ScimType string
	Attr     string // named in the detail as written here, or quoted
	Phrase   string
	// SCIMOnly marks bodies that other doors (scimd's admin API) may
	// take: a user without schemas.
	SCIMOnly bool
}

// The schemas members of the bad bodies.
const (
	httpBadUser  = `"schemas":["` + httpURNUser + `"]`
	httpBadGroup = `"schemas":["` + httpURNGroup + `"]`
	httpBadPatch = `"schemas":["` + httpURNPatchOp + `"]`
)

// HTTPBadBodies returns bodies of POST, PUT and PATCH of users and groups
// that the default schema refuses, one rule each: required attributes,
// types, multi-valued attributes, extensions, schemas, and PATCH
// envelopes, ops, paths and values.
func HTTPBadBodies() []HTTPBadBody {
	return append(httpBadResourceBodies(), httpBadPatchBodies()...)
}

// Error types of the bad bodies.
const (
	httpIV = "invalidValue"
	httpIS = "invalidSyntax"
	httpIP = "invalidPath"
)

// httpBadResourceBodies are bodies of POST and PUT.
func httpBadResourceBodies() []HTTPBadBody {
	user := func(name, body, typ, attr, phrase string) HTTPBadBody {
		return HTTPBadBody{Name: name, Method: "POST", Type: "User", Body: `{` + httpBadUser + `,` + body + `}`, ScimType: typ, Attr: attr, Phrase: phrase}
	}
	put := func(b HTTPBadBody) HTTPBadBody { b.Method, b.Name = "PUT", "PUT "+b.Name; return b }
	group := func(name, body, typ, attr, phrase string) HTTPBadBody {
		return HTTPBadBody{Name: name, Method: "POST", Type: "Group", Body: `{` + httpBadGroup + `,` + body + `}`, ScimType: typ, Attr: attr, Phrase: phrase}
	}
	const iv, is = httpIV, httpIS
	const scimd = "urn:scimd:schemas:extension:2.0:User"
	return []HTTPBadBody{
		user("userName missing", `"active":true,"displayName":"No Username"`, iv, "userName", "userName is required"),
		user("userName null", `"userName":null`, iv, "userName", "userName is required"),
		user("userName a number", `"userName":123`, iv, "userName", "userName must be a string, got a number"),
		user("userName twice", `"userName":"a","USERNAME":"b"`, is, "userName", "is given more than once"),
		user("active maybe", `"userName":"u","active":"maybe"`, iv, "active", `active must be a boolean, got "maybe"`),
		user("active a number", `"userName":"u","active":1`, iv, "active", "active must be a boolean, got a number"),
		user("givenName an object", `"userName":"u","name":{"givenName":{}}`, iv, "name.givenName", "name.givenName must be a string, got an object"),
		user("name a string", `"userName":"u","name":"Ada"`, iv, "name", "name must be an object"),
		user("second email a number", `"userName":"u","emails":[{"value":"a@example.com"},{"value":5}]`, iv, "emails[1].value", "emails[1].value must be a string, got a number"),
		user("emails a string", `"userName":"u","emails":"a@example.com"`, is, "emails", "emails is multi-valued: it must be an array of objects"),
		user("verifiedAt not a dateTime", `"userName":"u","emails":[{"value":"a@example.com","verifiedAt":"yesterday"}]`, iv, "emails[0].verifiedAt",
			`must be an xsd:dateTime such as 2024-05-01T09:30:00Z, got "yesterday"`),
		user("certificate not base64", `"userName":"u","x509Certificates":[{"value":"not base64!"}]`, iv, "x509Certificates[0].value", "base64"),
		user("manager value a number", `"userName":"u","`+httpURNEnterprise+`":{"manager":{"value":7}}`, iv, httpURNEnterprise+":manager.value", "must be a string, got a number"),
		user("enterprise extension a string", `"userName":"u","`+httpURNEnterprise+`":"R&D"`, is, httpURNEnterprise, "must be an object of the extension's attributes"),
		user("passwordTemporary maybe", `"userName":"u","`+scimd+`":{"passwordTemporary":"maybe"}`, iv, scimd+":passwordTemporary", "must be a boolean"),
		user("tag without key", `"userName":"u","`+scimd+`":{"tags":[{"value":"v"}]}`, iv, scimd+":tags[0].key", "is required"),
		{Name: "schemas without the core URN", Method: "POST", Type: "User", Body: `{"schemas":["` + httpURNGroup + `"],"userName":"u"}`,
			ScimType: is, Attr: "schemas", Phrase: "schemas must list " + httpURNUser},
		{Name: "no schemas", Method: "POST", Type: "User", Body: `{"userName":"u","emails":[{"value":"u@example.com"}]}`,
			ScimType: is, Attr: "schemas", Phrase: "schemas is required", SCIMOnly: true},
		put(user("userName missing", `"displayName":"x"`, iv, "userName", "userName is required")),
		put(user("active maybe", `"userName":"u","active":"maybe"`, iv, "active", `active must be a boolean, got "maybe"`)),
		put(user("phone value a number", `"userName":"u","phoneNumbers":[{"value":15550100}]`, iv, "phoneNumbers[0].value", "must be a string, got a number")),

		group("group without displayName", `"members":[]`, iv, "displayName", "displayName is required"),
		group("displayName a number", `"displayName":5`, iv, "displayName", "displayName must be a string, got a number"),
		group("members a string", `"displayName":"g","members":"abc"`, is, "members", "members is multi-valued"),
		group("member value a number", `"displayName":"g","members":[{"value":1}]`, iv, "members[0].value", "must be a string, got a number"),
		put(group("group without displayName", `"members":[]`, iv, "displayName", "displayName is required")),
	}
}

// httpBadPatchBodies are bodies of PATCH.
func httpBadPatchBodies() []HTTPBadBody {
	patch := func(typ, name, ops, scimType, attr, phrase string) HTTPBadBody {
		return HTTPBadBody{Name: "PATCH " + name, Method: "PATCH", Type: typ, Body: `{` + httpBadPatch + `,"Operations":` + ops + `}`, ScimType: scimType, Attr: attr, Phrase: phrase}
	}
	const iv, is, ip = httpIV, httpIS, httpIP
	return []HTTPBadBody{
		{Name: "PATCH without Operations", Method: "PATCH", Type: "User", Body: `{` + httpBadPatch + `}`,
			ScimType: iv, Attr: "Operations", Phrase: "Operations must hold at least one operation"},
		{Name: "PATCH without schemas", Method: "PATCH", Type: "User", Body: `{"Operations":[{"op":"remove","path":"title"}]}`,
			ScimType: iv, Attr: "schemas", Phrase: "schemas is required"},
		{Name: "PATCH with a resource's schemas", Method: "PATCH", Type: "User", Body: `{` + httpBadUser + `,"Operations":[{"op":"remove","path":"title"}]}`,
			ScimType: iv, Attr: "schemas", Phrase: `schemas must be ["` + httpURNPatchOp + `"]`},
		patch("User", "Operations empty", `[]`, iv, "Operations", "Operations must hold at least one operation"),
		patch("User", "Operations an object", `{"op":"remove","path":"title"}`, is, "Operations", "Operations must be an array"),
		patch("User", "operation a string", `["add"]`, is, "Operations", "operation 1 of Operations must be an object"),
		patch("User", "op frobnicate", `[{"op":"frobnicate","path":"displayName","value":"x"}]`, is, "op", `op must be add, remove or replace, got "frobnicate"`),
		patch("User", "path a number", `[{"op":"add","path":5,"value":"x"}]`, ip, "path", "path must be a string"),
		patch("User", "path that does not parse", `[{"op":"replace","path":"emails[type eq \"work\"","value":"x@example.com"}]`, ip,
			`emails[type eq "work"`, "is not a valid attribute path"),
		patch("User", "path names nothing", `[{"op":"add","path":"title","value":"x"},{"op":"add","path":"nope","value":"x"}]`, ip, "nope",
			`operation 2: path "nope" names no attribute`),
		patch("User", "sub-attribute names nothing", `[{"op":"replace","path":"emails[type eq \"work\"].nope","value":"x"}]`, ip,
			`emails[type eq "work"].nope`, "emails has no sub-attribute nope"),
		patch("User", "filter names nothing", `[{"op":"remove","path":"emails[kind eq \"work\"]"}]`, ip, `emails[kind eq "work"]`,
			"the filter names kind, which is not a sub-attribute of emails"),
		patch("User", "extension attribute without its URN", `[{"op":"replace","path":"department","value":"R&D"}]`, ip, "department",
			"write it as "+httpURNEnterprise+":department"),
		patch("User", "remove without a path", `[{"op":"remove"}]`, "noTarget", "path", "remove needs a path"),
		patch("User", "add without a value", `[{"op":"add"}]`, iv, "value", "add needs a value"),
		patch("User", "replace active maybe", `[{"op":"replace","path":"active","value":"maybe"}]`, iv, "active", `active must be a boolean, got "maybe"`),
		patch("User", "replace userName a number", `[{"op":"replace","path":"userName","value":123}]`, iv, "userName", "userName must be a string, got a number"),
		patch("User", "path-less active maybe", `[{"op":"replace","value":{"active":"maybe"}}]`, iv, "active", `active must be a boolean, got "maybe"`),
		patch("User", "path-less unknown key", `[{"op":"replace","value":{"nope":1}}]`, iv, "nope", `value key "nope" names no attribute`),
		patch("User", "path-less value a string", `[{"op":"replace","value":"x"}]`, iv, "value", "needs a value that is an object of attributes"),
		patch("User", "emails a string", `[{"op":"add","path":"emails","value":"a@example.com"}]`, iv, "emails", "emails must be an object"),
		patch("User", "second email a number", `[{"op":"add","path":"emails","value":[{"value":"a@example.com"},{"value":5}]}]`, iv,
			"emails[1].value", "emails[1].value must be a string, got a number"),
		patch("User", "manager value a number", `[{"op":"add","path":"`+httpURNEnterprise+`:manager","value":{"value":7}}]`, iv,
			httpURNEnterprise+":manager.value", "must be a string, got a number"),
		patch("Group", "replace displayName a number", `[{"op":"replace","path":"displayName","value":5}]`, iv, "displayName", "displayName must be a string, got a number"),
		patch("Group", "member value a number", `[{"op":"add","path":"members","value":[{"value":5}]}]`, iv, "members[0].value", "must be a string, got a number"),
		patch("Group", "member filter names nothing", `[{"op":"remove","path":"members[nope eq \"x\"]"}]`, ip, `members[nope eq "x"]`, "the filter names nope"),
		patch("Group", "path-less displayName a number", `[{"op":"replace","value":{"id":"x","displayName":5}}]`, iv, "displayName", "displayName must be a string, got a number"),
	}
}

// httpLibraryBoilerplate is the detail of the schema library that says
// nothing of what to fix; no refusal may carry it.
const httpLibraryBoilerplate = "A required value was missing"

// httpTestBadBodies sends every body of HTTPBadBodies and checks the
// status, the SCIM error type and that the detail names the attribute and
// says what to fix; then that none of them changed anything.
func httpTestBadBodies(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	bodies := HTTPBadBodies()
	if len(bodies) < 30 {
		t.Fatalf("%d bad bodies, want at least 30", len(bodies))
	}
	uid := c.createUser("badbodies_"+httpRandom(6), map[string]any{"displayName": "Before"})
	gid := c.createGroup("badbodies_"+httpRandom(6), uid)
	userBefore, groupBefore := c.mustGet("User", uid), c.mustGet("Group", gid)
	for _, b := range bodies {
		path := "/Users"
		id := uid
		if b.Type == "Group" {
			path, id = "/Groups", gid
		}
		if b.Method != http.MethodPost {
			path += "/" + id
		}
		r := c.do(b.Method, path, b.Body, nil)
		if !r.wantError(http.StatusBadRequest, b.ScimType) {
			t.Errorf("%s: %s %s %s", b.Name, b.Method, path, b.Body)
			continue
		}
		if msg := HTTPCheckBadBodyDetail(b, r.Body["detail"]); msg != "" {
			t.Errorf("%s: %s %s %s: %s", b.Name, b.Method, path, b.Body, msg)
		}
	}
	// Refused input changed nothing.
	if after := c.mustGet("User", uid); !reflect.DeepEqual(after, userBefore) {
		t.Errorf("the user changed:\n before %v\n after  %v", userBefore, after)
	}
	if after := c.mustGet("Group", gid); !reflect.DeepEqual(after, groupBefore) {
		t.Errorf("the group changed:\n before %v\n after  %v", groupBefore, after)
	}
	for _, list := range []string{"/Users", "/Groups"} {
		if r := c.get(list); r.want(http.StatusOK) {
			if n, _ := r.Body["totalResults"].(json.Number); n.String() != "1" {
				t.Errorf("GET %s: totalResults %v after refused creates, want 1", list, r.Body["totalResults"])
			}
		}
	}
	httpTestBadBodyShapes(t, c)
}

// httpTestBadBodyShapes checks the details of bodies that are not JSON
// objects.
func httpTestBadBodyShapes(t *testing.T, c *httpClient) {
	for _, s := range []struct{ body, phrase string }{
		{``, "the request body is empty"},
		{`[]`, "the request body must be a JSON object"},
		{`null`, "the request body must be a JSON object"},
		{`{"userName":`, "the request body is not valid JSON"},
	} {
		r := c.post("/Users", s.body)
		if r.wantError(http.StatusBadRequest, "invalidSyntax") {
			if d, _ := r.Body["detail"].(string); !strings.Contains(d, s.phrase) {
				t.Errorf("POST /Users %q: detail %q, want it to say %q", s.body, d, s.phrase)
			}
		}
	}
}

// HTTPCheckBadBodyDetail returns what is wrong with the detail of the
// refusal of b ("" when nothing): it must name the attribute, as written or
// quoted, hold the phrase, and not be the schema library's boilerplate.
func HTTPCheckBadBodyDetail(b HTTPBadBody, detail any) string {
	d, _ := detail.(string)
	switch {
	case strings.Contains(d, httpLibraryBoilerplate):
		return "the detail is the library's boilerplate: " + strconv.Quote(d)
	case !strings.Contains(d, b.Attr) && !strings.Contains(d, strconv.Quote(b.Attr)):
		return "the detail " + strconv.Quote(d) + " does not name " + b.Attr
	case !strings.Contains(d, b.Phrase):
		return "the detail " + strconv.Quote(d) + " does not say " + strconv.Quote(b.Phrase)
	}
	return ""
}
