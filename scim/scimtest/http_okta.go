package scimtest

// Replays of what Okta sends (O1–O19 of testdata/idp-requests.md), and of
// the requests and checks of Okta's SPEC test (the file Okta requires for an
// OIN submission, which scripts/suites.sh runs against the binary).

import (
	"maps"
	"net/http"
	"strings"
	"testing"
)

// httpOktaUserTmpl is O2: Okta always sends a placeholder password and an
// empty groups array; the password must never be echoed.
const httpOktaUserTmpl = `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "userName": "{{userName}}",
  "name": {"givenName": "{{givenName}}", "familyName": "{{familyName}}"},
  "emails": [{"primary": true, "value": "{{email}}", "type": "work"}],
  "displayName": "{{givenName}} {{familyName}}",
  "locale": "en-US",
  "externalId": "{{externalId}}",
  "groups": [],
  "password": "1mz050nq",
  "active": true
}`

const httpOktaPassword = "1mz050nq"

// noPassword checks that a response never carries the password.
func (r *httpResp) noPassword() {
	r.t.Helper()
	if strings.Contains(string(r.Raw), httpOktaPassword) {
		r.t.Errorf("%s: the response echoes the password", r)
	}
}

// oktaPatch sends a PatchOp with Okta's headers. Okta accepts 200 or 204;
// the suite wants 204, as the Microsoft collection does.
func (c *httpClient) oktaPatch(path string, ops ...map[string]any) {
	c.t.Helper()
	c.do("PATCH", path, httpPatchOp(ops...), httpOktaHeaders).wantNoContent()
}

func httpTestOktaUserLifecycle(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	const o1 = "/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100"

	// O1: the existence check before the create.
	r := c.do("GET", o1, nil, httpOktaHeaders)
	r.mustList(httpIndexList).wantIDs(t, r)

	// O2.
	ext := "00uj" + httpRandom(16)
	body := httpFill(t, httpOktaUserTmpl, "userName", "test.user@okta.local", "givenName", "Test",
		"familyName", "User", "email", "test.user@okta.local", "externalId", ext)
	r = c.do("POST", "/Users", body, httpOktaPostHeaders)
	id := r.mustCreated("User")
	r.noPassword()
	for _, f := range []struct {
		path []any
		want any
	}{
		{[]any{"userName"}, "test.user@okta.local"},
		{[]any{"name", "givenName"}, "Test"},
		{[]any{"name", "familyName"}, "User"},
		{[]any{"emails", 0, "value"}, "test.user@okta.local"},
		{[]any{"displayName"}, "Test User"},
		{[]any{"locale"}, "en-US"},
		{[]any{"externalId"}, ext},
		{[]any{"active"}, true},
	} {
		if got := httpAt(r.Body, f.path...); got != f.want {
			t.Errorf("%s: %v = %#v, want %#v", r, f.path, got, f.want)
		}
	}
	r = c.do("GET", o1, nil, httpOktaHeaders)
	r.mustList(httpIndexList).wantIDs(t, r, id)

	// O3, and the same userName in other case: userName is caseExact=false.
	c.do("POST", "/Users", body, httpOktaPostHeaders).wantError(http.StatusConflict, "uniqueness")
	upper := httpFill(t, httpOktaUserTmpl, "userName", "TEST.USER@OKTA.LOCAL", "givenName", "Test",
		"familyName", "User", "email", "other@okta.local", "externalId", "00uj"+httpRandom(16))
	c.do("POST", "/Users", upper, httpOktaPostHeaders).wantError(http.StatusConflict, "uniqueness")

	// O4: the import walk; a page past the end is empty, not an error.
	r = c.do("GET", "/Users?startIndex=1&count=100", nil, httpOktaHeaders)
	r.mustList(httpIndexList).wantIDs(t, r, id)
	r = c.do("GET", "/Users?startIndex=101&count=100", nil, httpOktaHeaders)
	if l := r.mustList(httpIndexList); len(l.Resources) != 0 || l.Total != 1 || l.StartIndex != 101 {
		t.Errorf("%s: want no resources, totalResults 1 and startIndex 101", r)
	}

	// O5.
	r = c.do("GET", "/Users/"+id, nil, httpOktaHeaders).must(http.StatusOK)
	r.checkResource("User", id)
	r.noPassword()

	// O6: PUT of the whole object just read, with changes, id, meta and groups.
	doc := maps.Clone(r.Body)
	created := httpAt(doc, "meta", "created")
	doc["name"] = map[string]any{"givenName": "Test", "middleName": "Middle", "familyName": "User"}
	doc["emails"] = []any{map[string]any{"primary": true, "value": "new.mail@okta.local", "type": "work"}}
	doc["groups"] = []any{}
	doc["password"] = httpOktaPassword
	r = c.do("PUT", "/Users/"+id, doc, httpOktaHeaders).must(http.StatusOK)
	r.checkResource("User", id)
	r.noPassword()
	for what, got := range map[string]map[string]any{"the PUT response": r.Body, "GET after PUT": c.mustGet("User", id)} {
		if httpAt(got, "name", "middleName") != "Middle" {
			t.Errorf("O6, %s: name %v, want middleName Middle", what, got["name"])
		}
		if es, _ := got["emails"].([]any); len(es) != 1 || httpAt(got, "emails", 0, "value") != "new.mail@okta.local" {
			t.Errorf("O6, %s: emails %v, want only new.mail@okta.local (PUT replaces multi-valued attributes)", what, got["emails"])
		}
		if now := httpAt(got, "meta", "created"); now != created {
			t.Errorf("O6, %s: meta.created %v, want it unchanged: %v", what, now, created)
		}
	}

	// O7 and O8: pathless (de)activation.
	c.oktaPatch("/Users/"+id, map[string]any{"op": "replace", "value": map[string]any{"active": false}})
	if d := c.mustGet("User", id); d["active"] != false {
		t.Errorf("O7: active %#v after deactivation, want false; the user must stay readable", d["active"])
	}
	c.oktaPatch("/Users/"+id, map[string]any{"op": "replace", "value": map[string]any{"active": true}})
	if d := c.mustGet("User", id); d["active"] != true {
		t.Errorf("O8: active %#v after reactivation, want true", d["active"])
	}

	// O9: AIW apps deactivate with PUT.
	doc = c.mustGet("User", id)
	doc["active"] = false
	r = c.do("PUT", "/Users/"+id, doc, httpOktaHeaders).must(http.StatusOK)
	if r.Body["active"] != false {
		t.Errorf("%s: active %#v, want false", r, r.Body["active"])
	}
	if d := c.mustGet("User", id); d["active"] != false || d["userName"] != "test.user@okta.local" {
		t.Errorf("O9: after PUT active=false, GET shows active %#v userName %v", d["active"], d["userName"])
	}
}

func httpTestOktaGroupLifecycle(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	const o11 = "/Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100"
	users := map[string]string{} // id → display
	var u [4]string
	for i := 1; i <= 3; i++ {
		name := "member" + string(rune('0'+i)) + "@okta.local"
		u[i] = c.createUser(name, nil)
		users[u[i]] = name
	}
	member := func(id string) map[string]any { return map[string]any{"value": id, "display": users[id]} }

	// O10, O11.
	r := c.do("GET", "/Groups?startIndex=1&count=100", nil, httpOktaHeaders)
	r.mustList(httpIndexList).wantIDs(t, r)
	r = c.do("GET", o11, nil, httpOktaHeaders)
	r.mustList(httpIndexList).wantIDs(t, r)

	// O12, then O11 finds it.
	r = c.do("POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]}`, httpOktaHeaders)
	g := r.mustCreated("Group")
	r = c.do("GET", o11, nil, httpOktaHeaders)
	r.mustList(httpIndexList).wantIDs(t, r, g)

	// O13: members may be omitted, null or [].
	r = c.do("GET", "/Groups/"+g, nil, httpOktaHeaders).must(http.StatusOK)
	r.checkResource("Group", g)
	if !httpEmpty(r.Body, "members") {
		t.Errorf("%s: members %v, want none", r, r.Body["members"])
	}

	// O14: rename with a pathless value that repeats the id.
	c.oktaPatch("/Groups/"+g, map[string]any{"op": "replace", "value": map[string]any{"id": g, "displayName": "Test SCIMv2 Renamed"}})
	if d := c.mustGet("Group", g); d["displayName"] != "Test SCIMv2 Renamed" {
		t.Errorf("O14: displayName %v, want Test SCIMv2 Renamed", d["displayName"])
	}

	// O15: add, then remove-by-filter and add in one request.
	c.oktaPatch("/Groups/"+g, map[string]any{"op": "add", "path": "members", "value": []any{member(u[1]), member(u[2])}})
	c.wantMembers("O15 add members", g, u[1], u[2])
	c.oktaPatch("/Groups/"+g,
		map[string]any{"op": "remove", "path": `members[value eq "` + u[1] + `"]`},
		map[string]any{"op": "add", "path": "members", "value": []any{member(u[3])}})
	c.wantMembers("O15 remove u1 and add u3", g, u[2], u[3])

	// O16: a full push replaces the list.
	c.oktaPatch("/Groups/"+g, map[string]any{"op": "replace", "path": "members", "value": []any{member(u[1]), member(u[3])}})
	c.wantMembers("O16 replace members", g, u[1], u[3])

	// The users' readOnly groups attribute follows (RFC 7643 §4.1.2, returned by default).
	inGroups := func(user string) bool {
		gs, _ := c.mustGet("User", user)["groups"].([]any)
		for _, e := range gs {
			if httpAt(e, "value") == g {
				return true
			}
		}
		return false
	}
	if !inGroups(u[1]) || inGroups(u[2]) {
		t.Errorf("after O16, GET /Users/{id} groups: u1 lists the group %v (want true), u2 %v (want false)", inGroups(u[1]), inGroups(u[2]))
	}

	// O17: PUT with members.
	r = c.do("PUT", "/Groups/"+g, map[string]any{
		"schemas": []string{httpURNGroup}, "displayName": "Test SCIMv2 Put", "members": []any{member(u[2])},
	}, httpOktaHeaders).must(http.StatusOK)
	r.checkResource("Group", g)
	if got := httpMemberIDs(r.Body); len(got) != 1 || got[0] != u[2] || r.Body["displayName"] != "Test SCIMv2 Put" {
		t.Errorf("%s: want displayName Test SCIMv2 Put and members [%s]", r, u[2])
	}
	c.wantMembers("O17 PUT", g, u[2])

	// O18.
	c.do("DELETE", "/Groups/"+g, nil, httpOktaHeaders).wantNoContent()
	c.wantGone("/Groups/" + g)
	r = c.do("GET", "/Groups?startIndex=1&count=100", nil, httpOktaHeaders)
	r.mustList(httpIndexList).wantIDs(t, r)
	if inGroups(u[2]) {
		t.Errorf("after O18, GET /Users/%s still lists the deleted group", u[2])
	}
}

// httpTestOktaSpecTest replays Okta's SPEC test in order, with its headers
// and checks; like the newman run, it first seeds one user.
func httpTestOktaSpecTest(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	c.do("POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"seed.user@example.com","name":{"givenName":"Seed","familyName":"User"},"emails":[{"primary":true,"value":"seed.user@example.com","type":"work"}],"displayName":"Seed User","active":true}`,
		httpOktaPostHeaders).mustCreated("User")
	h := httpOktaSpecHeaders
	notEmpty := func(r *httpResp, doc any, paths ...[]any) {
		t.Helper()
		for _, p := range paths {
			if v := httpAt(doc, p...); v == nil || v == "" {
				t.Errorf("%s: %v is empty", r, p)
			}
		}
	}
	userFields := [][]any{{"id"}, {"name", "familyName"}, {"name", "givenName"}, {"userName"}, {"active"}, {"emails", 0, "value"}}

	// 01, 02.
	r := c.do("GET", "/Users?count=1&startIndex=1", nil, h)
	l := r.mustList(httpIndexList)
	if len(l.Resources) == 0 {
		t.Fatalf("%s: Resources is empty", r)
	}
	notEmpty(r, l.Resources[0], userFields...)
	seed, _ := l.Resources[0]["id"].(string)
	r = c.do("GET", "/Users/"+seed, nil, h).must(http.StatusOK)
	notEmpty(r, r.Body, userFields...)

	// 03, 04, 05.
	r = c.do("GET", "/Users"+httpFilter(`userName eq "invalid-`+httpRandom(8)+`@example.com"`), nil, h)
	r.mustList(httpIndexList).wantIDs(t, r)
	c.do("GET", "/Users/"+httpGUID(), nil, h).wantError(http.StatusNotFound)
	r = c.do("GET", "/Users"+httpFilter(`userName eq "random-`+httpRandom(8)+`@example.com"`), nil, h)
	r.mustList(httpIndexList).wantIDs(t, r)

	// 06, 07, 08, 09.
	userName := "spec." + httpRandom(10) + "@example.com"
	body := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"` + userName +
		`","name":{"givenName":"Spec","familyName":"Tester"},"emails":[{"primary":true,"value":"` + userName +
		`","type":"work"}],"displayName":"Spec Tester","active":true}`
	r = c.do("POST", "/Users", body, httpOktaPostHeaders)
	id := r.mustCreated("User")
	if r.Body["active"] != true || r.Body["userName"] != userName || httpAt(r.Body, "name", "givenName") != "Spec" || httpAt(r.Body, "name", "familyName") != "Tester" {
		t.Errorf("%s: want active true, userName %s, name Spec Tester", r, userName)
	}
	r = c.do("GET", "/Users/"+id, nil, h).must(http.StatusOK)
	if r.Body["userName"] != userName || httpAt(r.Body, "name", "familyName") != "Tester" {
		t.Errorf("%s: want userName %s and familyName Tester", r, userName)
	}
	c.do("POST", "/Users", body, httpOktaPostHeaders).wantError(http.StatusConflict, "uniqueness")
	r = c.do("GET", "/Users"+httpFilter(`userName eq "`+strings.ToUpper(userName)+`"`), nil, h)
	r.mustList(httpIndexList).wantIDs(t, r, id) // userName is caseExact=false, in filters too

	// 10.
	r = c.do("GET", "/Groups", nil, h)
	r.mustList(httpIndexList)

	// 11 (O19): a token that is not a bearer token at all.
	bad := maps.Clone(h)
	bad["Authorization"] = "non-token"
	c.do("GET", "/Users"+httpFilter(`userName eq "`+strings.ToUpper(userName)+`"`), nil, bad).wantError(http.StatusUnauthorized)

	// 12.
	c.do("GET", "/Users/00919288221112222", nil, h).wantError(http.StatusNotFound)
}
