package scimtest

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// httpURNScimdUser is scimd's User extension, which carries a user's apps.

// httpAppsOf returns a user's apps attribute, by app id.
func (c *httpClient) httpAppsOf(user string) map[string]map[string]any {
	c.t.Helper()
	u := c.mustGet("User", user)
	out := map[string]map[string]any{}
	list, _ := httpAt(u, httpURNScimdUser, "apps").([]any)
	for _, el := range list {
		m, _ := el.(map[string]any)
		id, _ := m["value"].(string)
		out[id] = m
	}
	if len(list) > 0 && !httpHasString(u["schemas"], httpURNScimdUser) {
		c.t.Errorf("GET /Users/%s: apps are shown but schemas lacks %s", user, httpURNScimdUser)
	}
	return out
}

// httpTestApps: tenant apps over /Apps, assignments over
// /Users/{id}/apps/{appId}, a user's apps in the scimd User extension, the
// apps.value filter, and the invalid input of each.
func httpTestApps(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)

	// Apps.
	r := c.post("/Apps", map[string]any{"name": "Slack", "description": "Chat"})
	r.must(http.StatusCreated)
	slack, _ := r.Body["id"].(string)
	if slack == "" || r.Body["name"] != "Slack" || r.Body["description"] != "Chat" || !strings.HasSuffix(r.Header.Get("Location"), "/Apps/"+slack) {
		t.Fatalf("%s: want the app with its id, name, description and a Location", r)
	}
	if loc, _ := httpAt(r.Body, "meta", "location").(string); !strings.HasSuffix(loc, "/Apps/"+slack) {
		t.Errorf("%s: meta.location %q", r, loc)
	}
	crm, _ := c.post("/Apps", map[string]any{"schemas": []string{"urn:scimd:schemas:2.0:App"}, "NAME": "CRM"}).must(http.StatusCreated).Body["id"].(string)
	for _, bad := range []any{map[string]any{}, map[string]any{"name": "  "}, map[string]any{"name": 5},
		map[string]any{"title": "not a field"}, map[string]any{"name": strings.Repeat("n", 300)}} {
		c.post("/Apps", bad).wantError(http.StatusBadRequest, "invalidValue")
	}
	c.post("/Apps", "not json").wantError(http.StatusBadRequest, "invalidSyntax")
	l := c.get("/Apps").mustList(httpIndexList)
	if got := l.ids(); len(got) != 2 || got[0] != crm || got[1] != slack {
		t.Errorf("GET /Apps: %v, want CRM then Slack (by name)", got)
	}
	c.get("/Apps/" + crm).must(http.StatusOK)
	c.get("/Apps/" + httpGUID()).wantError(http.StatusNotFound)
	r = c.put("/Apps/"+crm, map[string]any{"name": "CRM 2"})
	if r.want(http.StatusOK) && (r.Body["name"] != "CRM 2" || httpHas(r.Body, "description")) {
		t.Errorf("%s: want the renamed app", r)
	}
	c.put("/Apps/"+httpGUID(), map[string]any{"name": "x"}).wantError(http.StatusNotFound)
	c.put("/Apps/"+crm, map[string]any{"description": "no name"}).wantError(http.StatusBadRequest, "invalidValue")
	c.patch("/Apps/"+crm, map[string]any{"name": "x"}).wantError(http.StatusMethodNotAllowed)

	// Assignments.
	u := c.createUser("apps.u", map[string]any{"active": true})
	v := c.createUser("apps.v", nil)
	if apps := c.httpAppsOf(u); len(apps) != 0 {
		t.Errorf("a new user has apps: %v", apps)
	}
	before := c.mustGet("User", u)
	r = c.post("/Users/"+u+"/apps/"+slack, map[string]any{"username": "Bob", "externalAccountId": "U123",
		"customAppData": map[string]any{"plan": "pro", "seats": 3}})
	if r.want(http.StatusOK) && (r.Body["value"] != slack || r.Body["username"] != "Bob" || r.Body["display"] != "Slack") {
		t.Errorf("%s: want the assignment", r)
	}
	apps := c.httpAppsOf(u)
	want := map[string]any{"value": slack, "display": "Slack", "username": "Bob", "externalAccountId": "U123",
		"customAppData": map[string]any{"plan": "pro", "seats": 3}, "active": true}
	if got := apps[slack]; got != nil {
		if ref, _ := got["$ref"].(string); !strings.HasSuffix(ref, "/Apps/"+slack) {
			t.Errorf("apps[%s].$ref = %q", slack, ref)
		}
		delete(got, "$ref")
	}
	if !reflect.DeepEqual(normalize(apps[slack]), normalize(want)) {
		t.Errorf("u's Slack assignment = %s, want %s", jsonString(apps[slack]), jsonString(want))
	}
	if after := c.mustGet("User", u); httpAt(after, "meta", "version") == httpAt(before, "meta", "version") {
		t.Errorf("assigning an app did not change u's version (%v)", httpAt(after, "meta", "version"))
	}
	c.put("/Users/"+u+"/apps/"+crm, map[string]any{"username": "bob"}).must(http.StatusOK)
	c.post("/Users/"+v+"/apps/"+crm, nil).must(http.StatusOK) // no body: no data
	r = c.get("/Users/" + u + "/apps").must(http.StatusOK)
	httpWantValues(t, r, crm, slack)
	c.get("/Users/" + u + "/apps/" + crm).must(http.StatusOK)
	c.get("/Users/" + v + "/apps/" + slack).wantError(http.StatusNotFound)

	// A username taken in the app, whatever its case: 409, v unchanged.
	vBefore := c.mustGet("User", v)
	c.post("/Users/"+v+"/apps/"+slack, map[string]any{"username": "BOB"}).wantError(http.StatusConflict, "uniqueness")
	if vAfter := c.mustGet("User", v); httpAt(vAfter, "meta", "version") != httpAt(vBefore, "meta", "version") {
		t.Errorf("a refused assignment changed v's version")
	}
	if apps := c.httpAppsOf(v); len(apps) != 1 || apps[crm] == nil {
		t.Errorf("v's apps after a refused assignment: %v, want CRM only", apps)
	}
	// Unknown app or user, and invalid data: nothing changes.
	c.post("/Users/"+v+"/apps/"+httpGUID(), map[string]any{}).wantError(http.StatusNotFound)
	c.post("/Users/"+httpGUID()+"/apps/"+slack, map[string]any{}).wantError(http.StatusNotFound)
	for _, bad := range []any{map[string]any{"customAppData": "x"}, map[string]any{"username": true},
		map[string]any{"user_name": "typo"}, map[string]any{"customAppData": map[string]any{"k": strings.Repeat("d", 20000)}}} {
		c.post("/Users/"+v+"/apps/"+slack, bad).wantError(http.StatusBadRequest, "invalidValue")
	}
	c.post("/Users/"+v+"/apps/"+slack, "[1]").wantError(http.StatusBadRequest, "invalidSyntax")
	if apps := c.httpAppsOf(v); len(apps) != 1 {
		t.Errorf("v's apps after invalid assignments: %v, want CRM only", apps)
	}

	// Filters by app.
	for f, ids := range map[string][]string{
		httpURNScimdUser + `:apps.value eq "` + slack + `"`:     {u},
		`apps.value eq "` + crm + `"`:                           {u, v},
		`apps[value eq "` + crm + `"] and userName eq "apps.v"`: {v},
	} {
		r := c.get("/Users" + httpFilter(f))
		r.mustList(httpIndexList).wantIDs(t, r, ids...)
	}
	c.get("/Users"+httpFilter(`apps.username eq "Bob"`)).wantError(http.StatusBadRequest, "invalidFilter")

	// A user who is not active is inactive in every app.
	c.patch("/Users/"+u, httpPatchOp(map[string]any{"op": "Replace", "path": "active", "value": "False"})).wantNoContent()
	for id, el := range c.httpAppsOf(u) {
		if el["active"] != false {
			t.Errorf("apps[%s].active = %v for an inactive user, want false", id, el["active"])
		}
	}
	c.patch("/Users/"+u, httpPatchOp(map[string]any{"op": "replace", "value": map[string]any{"active": true}})).wantNoContent()
	for id, el := range c.httpAppsOf(u) {
		if el["active"] != true {
			t.Errorf("apps[%s].active = %v for an active user, want true", id, el["active"])
		}
	}
	// A suspended user is inactive in every app, and active again when
	// the suspension ends.
	suspend := func(status string) {
		c.patch("/Users/"+u, httpPatchOp(map[string]any{"op": "replace", "path": httpURNScimdUser + ":status", "value": status})).wantNoContent()
	}
	suspend("suspended")
	for id, el := range c.httpAppsOf(u) {
		if el["active"] != false {
			t.Errorf("apps[%s].active = %v for a suspended user, want false", id, el["active"])
		}
	}
	suspend("active")
	for id, el := range c.httpAppsOf(u) {
		if el["active"] != true {
			t.Errorf("apps[%s].active = %v after the suspension ended, want true", id, el["active"])
		}
	}

	// apps is read-only: PATCH refuses it, POST and PUT ignore it.
	c.patch("/Users/"+u, httpPatchOp(map[string]any{"op": "add", "path": httpURNScimdUser + ":apps",
		"value": []any{map[string]any{"value": crm}}})).wantError(http.StatusBadRequest, "mutability")
	full := c.mustGet("User", u)
	full["displayName"] = "Apps U" // Okta echoes the whole user in PUT
	c.put("/Users/"+u, full).must(http.StatusOK)
	if apps := c.httpAppsOf(u); len(apps) != 2 {
		t.Errorf("u's apps after a PUT that echoed them: %v, want both", apps)
	}
	w := c.post("/Users", map[string]any{"schemas": []string{httpURNUser, httpURNScimdUser}, "userName": "apps.w",
		httpURNScimdUser: map[string]any{"apps": []any{map[string]any{"value": slack}}}}).mustCreated("User")
	if apps := c.httpAppsOf(w); len(apps) != 0 {
		t.Errorf("POST with apps assigned them: %v", apps)
	}

	// Projection.
	r = c.get("/Users/" + u + httpQuery("attributes", "userName"))
	if r.want(http.StatusOK) && httpHas(r.Body, httpURNScimdUser) {
		t.Errorf("%s: attributes=userName returned the apps", r)
	}
	r = c.get("/Users/" + u + httpQuery("excludedAttributes", httpURNScimdUser+":apps"))
	if r.want(http.StatusOK) && httpHas(r.Body, httpURNScimdUser, "apps") {
		t.Errorf("%s: excludedAttributes did not drop the apps", r)
	}
	r = c.get("/Users/" + u + httpQuery("attributes", httpURNScimdUser+":apps"))
	if list, _ := httpAt(r.Body, httpURNScimdUser, "apps").([]any); r.want(http.StatusOK) && len(list) != 2 {
		t.Errorf("%s: attributes=…:apps should return both apps", r)
	}

	// Unassign, delete an app, delete a user.
	c.delete("/Users/" + u + "/apps/" + crm).wantNoContent()
	c.delete("/Users/" + u + "/apps/" + crm).wantError(http.StatusNotFound)
	c.delete("/Users/" + httpGUID() + "/apps/" + crm).wantError(http.StatusNotFound)
	c.delete("/Apps/" + slack).wantNoContent()
	c.get("/Apps/" + slack).wantError(http.StatusNotFound)
	c.delete("/Apps/" + slack).wantError(http.StatusNotFound)
	if apps := c.httpAppsOf(u); len(apps) != 0 {
		t.Errorf("u's apps after unassigning CRM and deleting Slack: %v", apps)
	}
	c.delete("/Users/" + v).wantNoContent()
	r = c.get("/Users" + httpFilter(`apps.value eq "`+crm+`"`))
	r.mustList(httpIndexList).wantIDs(t, r)

	// Discovery lists the extension and its apps attribute.
	r = c.get("/Schemas/" + httpURNScimdUser)
	if r.want(http.StatusOK) && !strings.Contains(string(r.Raw), `"apps"`) {
		t.Errorf("%s: want the apps attribute", r)
	}
}

// httpWantValues checks a ListResponse of a user's apps: the elements of
// its apps attribute, by value.
func httpWantValues(t *testing.T, r *httpResp, want ...string) {
	t.Helper()
	if !httpHasString(r.Body["schemas"], httpURNList) {
		t.Errorf("%s: want a ListResponse", r)
	}
	list, _ := r.Body["Resources"].([]any)
	got := []string{}
	for _, el := range list {
		v, _ := httpAt(el, "value").(string)
		got = append(got, v)
	}
	if n, _ := httpInt(r.Body["totalResults"]); n != len(want) {
		t.Errorf("%s: totalResults %v, want %d", r, r.Body["totalResults"], len(want))
	}
	if g, w := httpSorted(got), httpSorted(want); !reflect.DeepEqual(g, w) {
		t.Errorf("%s: apps %v, want %v", r, g, w)
	}
}
