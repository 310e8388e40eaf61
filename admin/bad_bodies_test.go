package admin_test

import (
	"reflect"
	"testing"

	"github.com/scimd/scimd/admin"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/scim/scimtest"
)

// adminBadBodies are bodies of the admin API's own writes: JSON merge
// patches of a user (PATCH /users/{id}), which the SCIM table has no
// form for, a tenant attribute of each type, and member lists of a group.
func adminBadBodies() []scimtest.HTTPBadBody {
	const iv, is = "invalidValue", "invalidSyntax"
	merge := func(name, body, typ, attr, phrase string) scimtest.HTTPBadBody {
		return scimtest.HTTPBadBody{Name: "merge " + name, Method: "PATCH", Type: "User", Body: body, ScimType: typ, Attr: attr, Phrase: phrase}
	}
	create := func(name, body, typ, attr, phrase string) scimtest.HTTPBadBody {
		return scimtest.HTTPBadBody{Name: name, Method: "POST", Type: "User",
			Body: `{"userName":"u","emails":[{"value":"u@example.com"}],` + body + `}`, ScimType: typ, Attr: attr, Phrase: phrase}
	}
	members := func(name, body, attr, phrase string) scimtest.HTTPBadBody {
		return scimtest.HTTPBadBody{Name: "members " + name, Method: "POST", Type: "Group", Body: body, Attr: attr, Phrase: phrase}
	}
	ent, ten := schemas.EnterpriseUserURN, schemas.TenantUserURN
	return []scimtest.HTTPBadBody{
		merge("userName a number", `{"userName":123}`, iv, "userName", "userName must be a string, got a number"),
		merge("userName removed", `{"userName":null}`, iv, "userName", "userName is required"),
		merge("active maybe", `{"active":"maybe"}`, iv, "active", `active must be a boolean, got "maybe"`),
		merge("givenName an object", `{"name":{"givenName":{}}}`, iv, "name.givenName", "name.givenName must be a string, got an object"),
		merge("second email a number", `{"emails":[{"value":"a@example.com"},{"value":5}]}`, iv, "emails[1].value", "emails[1].value must be a string, got a number"),
		merge("emails a string", `{"emails":"a@example.com"}`, is, "emails", "emails is multi-valued"),
		merge("manager value a number", `{"`+ent+`":{"manager":{"value":7}}}`, iv, ent+":manager.value", "must be a string, got a number"),
		merge("schemas without the core URN", `{"schemas":["`+schemas.GroupURN+`"]}`, is, "schemas", "schemas must list "+schemas.UserURN),
		merge("integer 1.5", `{"`+ten+`":{"level":1.5}}`, iv, ten+":level", "must be an integer, got 1.5"),
		create("integer 1.5", `"`+ten+`":{"level":1.5}`, iv, ten+":level", "must be an integer, got 1.5"),
		create("decimal a word", `"`+ten+`":{"score":"high"}`, iv, ten+":score", `must be a number, got "high"`),
		create("dateTime not xsd", `"`+ten+`":{"hired":"May 1st"}`, iv, ten+":hired", `must be an xsd:dateTime such as 2024-05-01T09:30:00Z, got "May 1st"`),
		members("a string", `{"members":"abc"}`, "members", "members holds a string where an array is expected"),
		members("value a number", `{"members":[{"value":5}]}`, "members.value", "members.value holds a number where a string is expected"),
	}
}

// testBadBodies sends the SCIM table's user bodies that apply to the
// admin API (POST and PUT of users) and the admin API's own, and checks
// the status, the SCIM error type and that the detail names the attribute
// and says what to fix; then that nothing changed.
func testBadBodies(t *testing.T, e *env) {
	r0 := acmeAndBeta(t, e)
	e.want(e.do("PUT", "/admin/v1/tenants/acme/schema", r0.platform,
		`{"User":[{"name":"level","type":"integer"},{"name":"score","type":"decimal"},{"name":"hired","type":"dateTime"}]}`), 200, "schema")
	users := "/admin/v1/tenants/acme/users"
	id, _ := e.want(e.do("POST", users, r0.acmeAdmin, `{"userName":"before","emails":[{"value":"b@example.com"}]}`), 201, "create").body["id"].(string)
	member, _ := e.want(e.do("POST", users, r0.acmeAdmin, `{"userName":"member","emails":[{"value":"m@example.com"}]}`), 201, "create").body["id"].(string)
	gid := adminGroup(t, e, member)
	before := storedUser(t, e, "acme", id)
	var bodies []scimtest.HTTPBadBody
	for _, b := range scimtest.HTTPBadBodies() {
		if b.Type == "User" && (b.Method == "POST" || b.Method == "PUT") && !b.SCIMOnly {
			bodies = append(bodies, b)
		}
	}
	if len(bodies) < 20 {
		t.Errorf("%d bodies of the SCIM table apply, want at least 20", len(bodies))
	}
	bodies = append(bodies, adminBadBodies()...)
	if len(bodies) < 30 {
		t.Errorf("%d bad bodies, want at least 30", len(bodies))
	}
	for _, b := range bodies {
		path := users
		switch {
		case b.Type == "Group":
			path = "/admin/v1/tenants/acme/groups/" + gid + "/members"
		case b.Method != "POST":
			path += "/" + id
		}
		r := e.want(e.do(b.Method, path, r0.acmeAdmin, b.Body), 400, b.Name)
		if st, _ := r.body["scim_type"].(string); st != b.ScimType {
			t.Errorf("%s: %s %s %s: scim_type %q, want %q", b.Name, b.Method, path, b.Body, st, b.ScimType)
		}
		if msg := scimtest.HTTPCheckBadBodyDetail(b, r.body["detail"]); msg != "" {
			t.Errorf("%s: %s %s %s: %s", b.Name, b.Method, path, b.Body, msg)
		}
	}
	after := storedUser(t, e, "acme", id)
	if !reflect.DeepEqual(after.Attributes, before.Attributes) || after.Meta.Version != before.Meta.Version {
		t.Errorf("the user changed:\n before %v\n after  %v", before, after)
	}
	if total := e.want(e.do("GET", users+"/count", r0.platform, nil), 200, "count").body["total"]; total != float64(2) {
		t.Errorf("%v users after refused creates, want 2", total)
	}
}

// adminGroup creates a group of acme with a member through the SCIM API
// (the admin API creates no groups) and returns its ID.
func adminGroup(t *testing.T, e *env, member string) string {
	t.Helper()
	platform := e.iss.token(t, "root", []string{admin.RolePlatformAdmin}, nil)
	tok := e.want(e.do("POST", "/admin/v1/tenants/acme/credentials", platform, map[string]any{"name": "bad-bodies"}), 201, "credential").body["token"].(string)
	code, doc := scimJSON(t, e, "POST", "/tenants/acme/scim/v2/Groups", tok,
		`{"schemas":["`+schemas.GroupURN+`"],"displayName":"g","members":[{"value":"`+member+`"}]}`)
	if code != 201 {
		t.Fatalf("create group: %d %v", code, doc)
	}
	return doc["id"].(string)
}
