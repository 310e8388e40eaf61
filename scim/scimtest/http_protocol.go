package scimtest

// RFC 7644 protocol behavior both IdPs depend on: error bodies, bad input,
// uniqueness, read-only input, content types, authentication, tenant
// isolation, ETags and discovery.

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// httpTestErrorBodies checks that every failure is a SCIM error, 404 on
// unknown ids and endpoints, 501 on /Me (RFC 7644 §3.11).
func httpTestErrorBodies(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	for _, ep := range []string{"/Users/", "/Groups/"} {
		missing := ep + httpGUID()
		c.get(missing).wantError(http.StatusNotFound)
		c.put(missing, httpValidBody(ep)).wantError(http.StatusNotFound)
		c.patch(missing, httpPatchOp(map[string]any{"op": "replace", "path": "displayName", "value": "x"})).wantError(http.StatusNotFound)
		c.delete(missing).wantError(http.StatusNotFound)
	}
	id := c.createUser("errors_"+httpRandom(8), nil)
	for _, p := range []string{"/Widgets", "/Widgets/" + httpGUID(), "/Users/" + id + "/extra", "/v1/Users"} {
		c.get(p).wantError(http.StatusNotFound)
	}
	c.get("/Me").wantError(http.StatusNotImplemented)
	c.patch("/Me", httpPatchOp(map[string]any{"op": "replace", "path": "displayName", "value": "me"})).wantError(http.StatusNotImplemented)
}

// httpTestMalformedRequests checks 400s for bodies that are not JSON or lack
// a required attribute, and 413 above the 1 MiB body limit.
func httpTestMalformedRequests(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	id := c.createUser("malformed_"+httpRandom(8), nil)
	// Bodies that do not parse: invalidSyntax.
	for _, body := range []string{
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x",`,
		`{"acve": tre, "adadfdresses": [ {"coudftry": "Beruda"`, // the Microsoft collection's "Post junk"
		`not json at all`,
	} {
		c.post("/Users", body).wantError(http.StatusBadRequest, "invalidSyntax")
		c.put("/Users/"+id, body).wantError(http.StatusBadRequest, "invalidSyntax")
		c.patch("/Users/"+id, body).wantError(http.StatusBadRequest, "invalidSyntax")
		c.post("/Groups", body).wantError(http.StatusBadRequest, "invalidSyntax")
	}
	// JSON that is not a resource.
	for _, body := range []string{``, `[]`, `"userName"`, `null`} {
		c.post("/Users", body).wantError(http.StatusBadRequest, "invalidSyntax", "invalidValue")
	}
	// A required attribute missing (RFC 7644 §3.12 invalidValue: "a required value was missing").
	c.post("/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"active":true,"displayName":"No Username"}`).
		wantError(http.StatusBadRequest, "invalidValue", "invalidSyntax")
	c.put("/Users/"+id, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"`+id+`","userame":"OMalley","active":false}`).
		wantError(http.StatusBadRequest, "invalidValue", "invalidSyntax")
	c.post("/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"members":[]}`).
		wantError(http.StatusBadRequest, "invalidValue", "invalidSyntax")
	// A value of the wrong type.
	c.post("/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"typed_`+httpRandom(6)+`","active":"maybe"}`).
		wantError(http.StatusBadRequest, "invalidValue", "invalidSyntax")
	c.post("/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":42}`).
		wantError(http.StatusBadRequest, "invalidValue", "invalidSyntax")
	// The failed writes left nothing behind.
	r := c.get("/Users")
	r.mustList(httpIndexList).wantIDs(t, r, id)

	// Over 1 MiB: 413 with a SCIM error, for POST and for PATCH.
	big := strings.Repeat("a", 1<<20+1024)
	c.post("/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"big","displayName":"`+big+`"}`).
		wantError(http.StatusRequestEntityTooLarge)
	c.patch("/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"`+big+`"}]}`).
		wantError(http.StatusRequestEntityTooLarge)
	if d := c.mustGet("User", id); d["displayName"] != nil {
		t.Errorf("GET /Users/%s: displayName set by a rejected oversized PATCH", id)
	}
}

// httpTestPatchErrors checks the RFC 7644 §3.5.2 error types of PATCH and
// that a failed PATCH changes nothing (it is atomic).
func httpTestPatchErrors(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	id := c.createUser("patcherr_"+httpRandom(8), map[string]any{"displayName": "Before"})
	path := "/Users/" + id
	// §3.5.2.2: remove without a path.
	c.patch(path, httpPatchOp(map[string]any{"op": "remove"})).wantError(http.StatusBadRequest, "noTarget")
	// id is readOnly: replacing it with another value is a mutability error.
	c.patch(path, httpPatchOp(map[string]any{"op": "replace", "path": "id", "value": httpGUID()})).
		wantError(http.StatusBadRequest, "mutability")
	// A malformed path.
	c.patch(path, httpPatchOp(map[string]any{"op": "replace", "path": `emails[type eq "work"`, "value": "x@example.com"})).
		wantError(http.StatusBadRequest, "invalidPath", "invalidFilter")
	// An unknown op, no Operations, a value of the wrong type.
	c.patch(path, httpPatchOp(map[string]any{"op": "frobnicate", "path": "displayName", "value": "x"})).
		wantError(http.StatusBadRequest, "invalidSyntax", "invalidValue")
	c.patch(path, map[string]any{"schemas": []string{httpURNPatchOp}}).
		wantError(http.StatusBadRequest, "invalidSyntax", "invalidValue")
	c.patch(path, httpPatchOp(map[string]any{"op": "replace", "path": "active", "value": "maybe"})).
		wantError(http.StatusBadRequest, "invalidValue", "invalidSyntax")
	// Atomic: a valid first op followed by a failing one applies nothing.
	c.patch(path, httpPatchOp(
		map[string]any{"op": "replace", "path": "displayName", "value": "After"},
		map[string]any{"op": "remove"},
	)).wantError(http.StatusBadRequest, "noTarget")
	if d := c.mustGet("User", id); d["displayName"] != "Before" || d["id"] != id {
		t.Errorf("GET %s after failed PATCHes: displayName %v id %v, want Before and %s (PATCH is atomic)", path, d["displayName"], d["id"], id)
	}
}

// httpTestUniqueness checks that userName is unique case-insensitively on
// POST, PUT and PATCH (409 uniqueness), that a user may change the case of
// its own name, that externalId is not unique, and that a deleted userName
// is free again.
func httpTestUniqueness(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	alice := c.createUser("Alice.Smith@example.com", nil)
	bob := c.createUser("bob@example.com", nil)

	if r := c.post("/Users", map[string]any{"schemas": []string{httpURNUser}, "userName": "alice.smith@EXAMPLE.com"}); r.wantError(http.StatusConflict, "uniqueness") {
		if d, _ := r.Body["detail"].(string); !strings.Contains(d, "userName") {
			t.Errorf("a taken userName: detail %q does not name userName", d)
		}
	}
	c.patch("/Users/"+bob, httpPatchOp(map[string]any{"op": "replace", "path": "userName", "value": "ALICE.SMITH@example.com"})).
		wantError(http.StatusConflict, "uniqueness")
	c.put("/Users/"+bob, map[string]any{"schemas": []string{httpURNUser}, "userName": "alice.SMITH@example.com"}).
		wantError(http.StatusConflict, "uniqueness")
	if d := c.mustGet("User", bob); d["userName"] != "bob@example.com" {
		t.Errorf("GET /Users/%s: userName %v after refused renames, want bob@example.com", bob, d["userName"])
	}
	// Renaming oneself by case only is not a conflict.
	c.patch("/Users/"+bob, httpPatchOp(map[string]any{"op": "replace", "path": "userName", "value": "Bob@Example.com"})).wantNoContent()
	if d := c.mustGet("User", bob); d["userName"] != "Bob@Example.com" {
		t.Errorf("GET /Users/%s: userName %v, want Bob@Example.com", bob, d["userName"])
	}

	// externalId is not unique (idp-requests §1 item 9).
	ext := httpGUID()
	u1 := c.createUser("ext1_"+httpRandom(6), map[string]any{"externalId": ext})
	u2 := c.createUser("ext2_"+httpRandom(6), map[string]any{"externalId": ext})
	r := c.get("/Users" + httpFilter(`externalId eq "`+ext+`"`))
	r.mustList(httpIndexList).wantIDs(t, r, u1, u2)

	// DELETE frees the userName.
	c.delete("/Users/" + alice).wantNoContent()
	again := c.createUser("alice.smith@example.com", nil)
	if again == alice {
		t.Errorf("a re-created user got the deleted user's id %s", alice)
	}
}

// httpTestReadOnlyAndUnknownInput checks that id, meta, groups and password
// in a body, unknown attributes and unknown schema URNs are ignored
// (idp-requests §1 item 11; RFC 7644 §3.3 and §3.5.1).
func httpTestReadOnlyAndUnknownInput(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	other := c.createUser("other_"+httpRandom(8), nil)
	g := c.createGroup("readonly_" + httpRandom(6))

	r := c.post("/Users", map[string]any{
		"schemas":  []string{httpURNUser},
		"id":       "injected-id",
		"userName": "readonly_" + httpRandom(8),
		"meta":     map[string]any{"created": "2001-01-01T00:00:00Z", "resourceType": "Group", "version": `W/"injected"`},
		"groups":   []any{map[string]any{"value": g}},
		"adreses":  []any{map[string]any{"type": "work"}},
		"password": httpOktaPassword,
	})
	id := r.mustCreated("User")
	r.noPassword()
	if id == "injected-id" {
		t.Errorf("%s: the client chose the id", r)
	}
	if httpAt(r.Body, "meta", "created") == "2001-01-01T00:00:00Z" || httpAt(r.Body, "meta", "version") == `W/"injected"` {
		t.Errorf("%s: the client wrote meta", r)
	}
	if _, ok := r.Body["adreses"]; ok {
		t.Errorf("%s: an unknown attribute was stored", r)
	}
	c.wantMembers("POST /Users with groups (readOnly)", g)

	// PUT: the URL names the resource; a body id naming another is ignored.
	doc := c.mustGet("User", id)
	doc["id"] = other
	doc["displayName"] = "Put Target"
	doc["adreses"] = []any{map[string]any{"type": "work", "primary": false}}
	r = c.put("/Users/"+id, doc).must(http.StatusOK)
	r.checkResource("User", id)
	if strings.Contains(string(r.Raw), "adreses") {
		t.Errorf("%s: an unknown attribute was stored", r)
	}
	if d := c.mustGet("User", other); d["displayName"] == "Put Target" {
		t.Errorf("PUT /Users/%s with id %s in the body modified /Users/%s", id, other, other)
	}
	if d := c.mustGet("User", id); d["displayName"] != "Put Target" {
		t.Errorf("GET /Users/%s: displayName %v, want Put Target", id, d["displayName"])
	}

	// Groups: the ADSCIM URN and a stray attribute.
	r = c.post("/Groups", map[string]any{
		"schemas":     []string{httpURNGroup, httpURNADGroup},
		"displayName": "adscim_" + httpRandom(6),
		"id":          "injected-group",
		"unknownAttr": "x",
	})
	if gid := r.mustCreated("Group"); gid == "injected-group" {
		t.Errorf("%s: the client chose the id", r)
	}
}

// httpTestAttributeNameCase checks that attribute names are case-insensitive
// in bodies, filters, PATCH paths and the attributes parameter, and that
// responses use the schema's spelling (RFC 7643 §2.1).
func httpTestAttributeNameCase(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	boss := c.createUser("boss_"+httpRandom(8), nil)
	userName := "Case_" + httpRandom(8)
	r := c.post("/Users", map[string]any{
		"schemas":  []string{httpURNUser, httpURNEnterprise},
		"UserName": userName,
		"Name":     map[string]any{"FamilyName": "Casefamily", "GivenName": "Casegiven"},
		"Emails":   []any{map[string]any{"Primary": true, "Type": "work", "Value": userName + "@example.com"}},
		httpURNEnterprise: map[string]any{
			"Department": "bob",
			"Manager":    map[string]any{"Value": boss},
		},
	})
	id := r.mustCreated("User")
	for _, doc := range []map[string]any{r.Body, c.mustGet("User", id)} {
		for _, f := range []struct {
			path []any
			want any
		}{
			{[]any{"userName"}, userName},
			{[]any{"name", "familyName"}, "Casefamily"},
			{[]any{"emails", 0, "primary"}, true},
			{[]any{"emails", 0, "value"}, userName + "@example.com"},
			{[]any{httpURNEnterprise, "department"}, "bob"},
			{[]any{httpURNEnterprise, "manager", "value"}, boss},
		} {
			if got := httpAt(doc, f.path...); got != f.want {
				t.Errorf("POST with non-canonical names, read back: %v = %#v, want %#v (in the schema's spelling)", f.path, got, f.want)
			}
		}
	}
	for _, f := range []string{
		`USERNAME eq "` + userName + `"`,
		`name.FamilyName eq "Casefamily"`,
		`Emails.Value eq "` + userName + `@example.com"`,
		`EMAILS[TYPE eq "work"].VALUE eq "` + userName + `@example.com"`,
	} {
		r := c.get("/Users" + httpFilter(f))
		if l, ok := r.wantList(httpIndexList); ok {
			l.wantIDs(t, r, id)
		}
	}
	c.patch("/Users/"+id, httpPatchOp(map[string]any{"op": "Replace", "path": "Name.GivenName", "value": "Newgiven"})).wantNoContent()
	if d := c.mustGet("User", id); httpAt(d, "name", "givenName") != "Newgiven" {
		t.Errorf("PATCH path Name.GivenName: name %v, want givenName Newgiven", d["name"])
	}
	r = c.get("/Users/" + id + "?attributes=USERNAME").must(http.StatusOK)
	if r.Body["userName"] != userName || r.Body["name"] != nil {
		t.Errorf("%s: want userName only", r)
	}
}

// httpTestContentTypes checks that application/json and
// application/scim+json, with or without charset, are accepted, including
// on GET (idp-requests §1 item 10).
func httpTestContentTypes(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	var id string
	for i, ct := range []string{
		"application/scim+json", "application/scim+json; charset=utf-8",
		"application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
	} {
		body := map[string]any{"schemas": []string{httpURNUser}, "userName": "ct_" + httpRandom(8)}
		r := c.do("POST", "/Users", body, map[string]string{"Content-Type": ct})
		uid := r.mustCreated("User")
		if i == 0 {
			id = uid
		}
		c.do("PATCH", "/Users/"+uid, httpPatchOp(map[string]any{"op": "replace", "path": "displayName", "value": ct}),
			map[string]string{"Content-Type": ct}).wantNoContent()
		c.do("GET", "/Users/"+uid, nil, map[string]string{"Content-Type": ct}).must(http.StatusOK)
	}
	for _, accept := range []string{"", "*/*", "application/scim+json", "application/json"} {
		r := c.do("GET", "/Users/"+id, nil, map[string]string{"Accept": accept})
		r.must(http.StatusOK)
	}
}

// httpTestUnknownQueryParameters checks that Entra's aadOptscim062020 flag
// and other unknown parameters are ignored on every endpoint.
func httpTestUnknownQueryParameters(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	r := c.post("/Users?aadOptscim062020", map[string]any{"schemas": []string{httpURNUser}, "userName": "flag_" + httpRandom(8)})
	id := r.mustCreated("User")
	g := c.post("/Groups?aadOptscim062020&foo=bar", map[string]any{"schemas": []string{httpURNGroup}, "displayName": "flag"}).mustCreated("Group")
	for _, p := range []string{
		"/Users?aadOptscim062020", "/Users?aadOptscim062020&filter=userName+eq+%22nobody%22", "/Users/" + id + "?aadOptscim062020",
		"/Groups?aadOptscim062020&excludedAttributes=members", "/Groups/" + g + "?aadOptscim062020&foo=bar",
		"/ServiceProviderConfig?aadOptscim062020", "/Schemas?aadOptscim062020", "/ResourceTypes?foo=bar",
	} {
		c.get(p).want(http.StatusOK)
	}
	c.patch("/Users/"+id+"?aadOptscim062020", httpPatchOp(map[string]any{"op": "replace", "path": "active", "value": false})).wantNoContent()
	c.patch("/Groups/"+g+"?aadOptscim062020", httpPatchOp(map[string]any{"op": "add", "path": "members", "value": []any{map[string]any{"value": id}}})).wantNoContent()
	c.delete("/Groups/" + g + "?aadOptscim062020").wantNoContent()
	c.delete("/Users/" + id + "?aadOptscim062020").wantNoContent()
}

// httpTestAuthentication checks 401 with a SCIM error and a WWW-Authenticate
// challenge (RFC 7235 §3.1, RFC 6750 §3) for missing, malformed and unknown
// tokens on every kind of request, and that a refused request changed
// nothing.
func httpTestAuthentication(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	id := c.createUser("auth_"+httpRandom(8), nil)
	challenge := func(r *httpResp) {
		t.Helper()
		r.wantError(http.StatusUnauthorized)
		if h := r.Header.Get("WWW-Authenticate"); !strings.Contains(strings.ToLower(h), "bearer") {
			t.Errorf("%s: WWW-Authenticate %q, want a Bearer challenge", r, h)
		}
	}
	for _, auth := range []string{
		"",                     // none
		"non-token",            // O19, Okta's SPEC test
		"Bearer",               // no token
		"Bearer ",              // empty token
		"Bearer " + httpGUID(), // unknown
		"Bearer " + tg.Token + "x",
		"Bearer " + tg.Token[:len(tg.Token)/2],
		"Basic " + base64.StdEncoding.EncodeToString([]byte("scim:"+tg.Token)),
		tg.Token, // no scheme
	} {
		h := map[string]string{"Authorization": auth}
		challenge(c.do("GET", "/Users", nil, h))
		challenge(c.do("GET", "/Users/"+id, nil, h))
		challenge(c.do("GET", "/Groups", nil, h))
		challenge(c.do("POST", "/Users", map[string]any{"schemas": []string{httpURNUser}, "userName": "intruder_" + httpRandom(6)}, h))
		challenge(c.do("PATCH", "/Users/"+id, httpPatchOp(map[string]any{"op": "replace", "path": "active", "value": false}), h))
		challenge(c.do("PUT", "/Users/"+id, map[string]any{"schemas": []string{httpURNUser}, "userName": "intruder"}, h))
		challenge(c.do("DELETE", "/Users/"+id, nil, h))
		challenge(c.do("POST", "/.search", map[string]any{"schemas": []string{httpURNSearch}}, h))
	}
	// Nothing happened.
	if d := c.mustGet("User", id); d["active"] == false || strings.HasPrefix(fmt.Sprint(d["userName"]), "intruder") {
		t.Errorf("GET /Users/%s: modified by unauthenticated requests: %v", id, d)
	}
	r := c.get("/Users")
	r.mustList(httpIndexList).wantIDs(t, r, id)
	// The auth-scheme is case-insensitive (RFC 7235 §2.1).
	c.do("GET", "/Users/"+id, nil, map[string]string{"Authorization": "bearer " + tg.Token}).want(http.StatusOK)
}

// httpTestTenantIsolation uses two tenants: a token works only on its own
// tenant, and no id, name or cursor of one tenant reaches into the other.
func httpTestTenantIsolation(t *testing.T, tgA, tgB Target) {
	a, b := httpNewClient(t, tgA), httpNewClient(t, tgB)
	userName := "isolated_" + httpRandom(8)
	ua := a.createUser(userName, map[string]any{"displayName": "Tenant A User"})
	ua2, ua3 := a.createUser("a2_"+httpRandom(6), nil), a.createUser("a3_"+httpRandom(6), nil)
	ga := a.createGroup("group_a_"+httpRandom(6), ua)

	// Each token on the other tenant's base URL.
	crossAB := httpNewClient(t, Target{BaseURL: tgB.BaseURL, Token: tgA.Token, Client: tgB.Client})
	crossBA := httpNewClient(t, Target{BaseURL: tgA.BaseURL, Token: tgB.Token, Client: tgA.Client})
	for _, x := range []*httpClient{crossAB, crossBA} {
		x.get("/Users").wantError(http.StatusUnauthorized)
		x.get("/Users/" + ua).wantError(http.StatusUnauthorized)
		x.post("/Users", map[string]any{"schemas": []string{httpURNUser}, "userName": "cross_" + httpRandom(6)}).wantError(http.StatusUnauthorized)
		x.delete("/Users/" + ua).wantError(http.StatusUnauthorized)
	}

	// Tenant A's ids are unknown in tenant B.
	for _, p := range []string{"/Users/" + ua, "/Groups/" + ga} {
		b.get(p).wantError(http.StatusNotFound)
		b.patch(p, httpPatchOp(map[string]any{"op": "replace", "path": "displayName", "value": "hijacked"})).wantError(http.StatusNotFound)
		b.put(p, httpValidBody(p)).wantError(http.StatusNotFound)
		b.delete(p).wantError(http.StatusNotFound)
	}
	// Nor are its names, in lists, filters and searches.
	r := b.get("/Users")
	r.mustList(httpIndexList).wantIDs(t, r)
	r = b.get("/Users" + httpFilter(`userName eq "`+userName+`"`))
	r.mustList(httpIndexList).wantIDs(t, r)
	r = b.post("/.search", map[string]any{"schemas": []string{httpURNSearch}, "filter": `userName eq "` + userName + `"`}).must(http.StatusOK)
	r.mustList(httpIndexList).wantIDs(t, r)
	r = b.get("/Groups")
	r.mustList(httpIndexList).wantIDs(t, r)
	// userName is unique per tenant only.
	ub := b.createUser(userName, nil)

	// A group of B that names A's user learns nothing about it.
	gb := b.createGroup("group_b_" + httpRandom(6))
	r = b.patch("/Groups/"+gb, httpPatchOp(map[string]any{"op": "add", "path": "members", "value": []any{map[string]any{"value": ua}}}))
	if r.Status != http.StatusNoContent {
		r.wantAnyError(http.StatusBadRequest, http.StatusNotFound)
	}
	gdoc := b.mustGet("Group", gb)
	ms, _ := gdoc["members"].([]any)
	for _, m := range ms {
		if httpAt(m, "display") == "Tenant A User" || httpAt(m, "display") == userName {
			t.Errorf("GET /Groups/%s in tenant B shows tenant A's user: %v", gb, m)
		}
	}
	if gs, _ := a.mustGet("User", ua)["groups"].([]any); slices.ContainsFunc(gs, func(e any) bool { return httpAt(e, "value") == gb }) {
		t.Errorf("tenant A's user lists tenant B's group %s", gb)
	}

	// A cursor of tenant A is no cursor in tenant B (RFC 9865 §4: re-authorize each page).
	r = a.get("/Users?count=2&cursor=")
	l := r.mustList(httpCursorList)
	if !l.HasNextCursor {
		t.Errorf("%s: 4 users, a page of 2, but no nextCursor", r)
	} else {
		r = b.get("/Users" + httpQuery("count", "2", "cursor", l.NextCursor))
		r.wantError(http.StatusBadRequest, "invalidCursor")
		for _, leaked := range []string{ua, ua2, ua3} {
			if strings.Contains(string(r.Raw), leaked) {
				t.Errorf("%s: tenant B saw tenant A's user %s through a cursor", r, leaked)
			}
		}
	}

	// Tenant A is untouched.
	if d := a.mustGet("User", ua); d["userName"] != userName || d["displayName"] != "Tenant A User" {
		t.Errorf("tenant A's user changed: %v", d)
	}
	a.wantMembers("tenant A's group after tenant B's attempts", ga, ua)
	b.mustGet("User", ub)
}

// httpETagRe matches a weak entity tag.
var httpETagRe = regexp.MustCompile(`^W/"[^"]*"$`)

// httpTestETags checks RFC 7644 §3.14: a weak ETag header on GET equal to
// meta.version, 304 for If-None-Match, 412 for a stale If-Match on PUT,
// PATCH and DELETE, success for the current one or *.
func httpTestETags(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	id := c.createUser("etag_"+httpRandom(8), nil)
	path := "/Users/" + id
	etag := func() string {
		t.Helper()
		r := c.get(path).must(http.StatusOK)
		e := r.Header.Get("ETag")
		if !httpETagRe.MatchString(e) {
			t.Errorf("%s: ETag header %q, want a weak entity tag W/\"…\"", r, e)
		}
		if v := httpAt(r.Body, "meta", "version"); v != e {
			t.Errorf("%s: meta.version %v differs from the ETag header %q", r, v, e)
		}
		return e
	}
	e1 := etag()
	if e1 == "" {
		t.Fatalf("GET %s: no ETag", path)
	}
	stale := `W/"stale-` + httpRandom(8) + `"`

	r := c.do("GET", path, nil, map[string]string{"If-None-Match": e1})
	if r.want(http.StatusNotModified) && len(r.Raw) > 0 {
		t.Errorf("%s: a 304 has no body", r)
	}
	c.do("GET", path, nil, map[string]string{"If-None-Match": stale}).want(http.StatusOK)

	h := map[string]string{"If-Match": stale}
	c.do("PATCH", path, httpPatchOp(map[string]any{"op": "replace", "path": "displayName", "value": "stale"}), h).
		wantError(http.StatusPreconditionFailed)
	c.do("PUT", path, map[string]any{"schemas": []string{httpURNUser}, "userName": "etag_stale"}, h).
		wantError(http.StatusPreconditionFailed)
	c.do("DELETE", path, nil, h).wantError(http.StatusPreconditionFailed)
	if e := etag(); e != e1 {
		t.Errorf("GET %s: the ETag changed from %s to %s after refused writes", path, e1, e)
	}

	// The current tag succeeds and the version moves on; the old one is stale.
	c.do("PATCH", path, httpPatchOp(map[string]any{"op": "replace", "path": "displayName", "value": "v2"}),
		map[string]string{"If-Match": e1}).wantNoContent()
	e2 := etag()
	if e2 == e1 {
		t.Errorf("GET %s: the ETag %s did not change after a PATCH", path, e2)
	}
	c.do("PATCH", path, httpPatchOp(map[string]any{"op": "replace", "path": "displayName", "value": "v3"}),
		map[string]string{"If-Match": e1}).wantError(http.StatusPreconditionFailed)
	r = c.do("PUT", path, map[string]any{"schemas": []string{httpURNUser}, "userName": "etag_put_" + httpRandom(4)},
		map[string]string{"If-Match": e2}).must(http.StatusOK)
	e3 := r.Header.Get("ETag")
	if e3 == "" || e3 == e2 || httpAt(r.Body, "meta", "version") != e3 {
		t.Errorf("%s: ETag %q, want a new tag equal to meta.version", r, e3)
	}
	c.do("PATCH", path, httpPatchOp(map[string]any{"op": "replace", "path": "displayName", "value": "any"}),
		map[string]string{"If-Match": "*"}).wantNoContent()

	// Group membership is part of the group's version.
	g := c.createGroup("etag_" + httpRandom(6))
	rg := c.get("/Groups/" + g).must(http.StatusOK)
	ge := rg.Header.Get("ETag")
	c.patch("/Groups/"+g, httpPatchOp(map[string]any{"op": "add", "path": "members", "value": []any{map[string]any{"value": id}}})).wantNoContent()
	if ge2 := c.get("/Groups/" + g).must(http.StatusOK).Header.Get("ETag"); ge2 == ge {
		t.Errorf("GET /Groups/%s: ETag %s unchanged after adding a member", g, ge2)
	}
	c.do("DELETE", "/Groups/"+g, nil, map[string]string{"If-Match": ge}).wantError(http.StatusPreconditionFailed)

	e4 := etag()
	c.do("DELETE", path, nil, map[string]string{"If-Match": e4}).wantNoContent()
	c.wantGone(path)
}

// httpTestDiscovery checks /ServiceProviderConfig, /ResourceTypes and
// /Schemas (RFC 7644 §4, E28, the Microsoft collection) and 405 on POST.
func httpTestDiscovery(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	noNulls := func(r *httpResp) {
		t.Helper()
		if ns := httpNulls(r.Doc, "$"); len(ns) > 0 {
			t.Errorf("%s: null values at %v", r, ns)
		}
	}

	r := c.get("/ServiceProviderConfig").must(http.StatusOK)
	noNulls(r)
	if !httpHasString(r.Body["schemas"], httpURNSPC) {
		t.Errorf("%s: schemas lacks %s", r, httpURNSPC)
	}
	if httpAt(r.Body, "patch", "supported") != true {
		t.Errorf("%s: patch.supported must be true (the Microsoft collection)", r)
	}

	// ResourceTypes: a ListResponse; the first is /Users.
	r = c.get("/ResourceTypes").must(http.StatusOK)
	noNulls(r)
	var rts []map[string]any
	if arr, ok := r.Doc.([]any); ok {
		t.Errorf("%s: a bare array; RFC 7644 §4 wants a ListResponse", r)
		for _, e := range arr {
			m, _ := e.(map[string]any)
			rts = append(rts, m)
		}
	} else {
		rts = r.mustList(httpIndexList).Resources
	}
	if len(rts) == 0 || rts[0]["endpoint"] != "/Users" {
		t.Errorf("%s: the first resource type's endpoint must be /Users (the Microsoft collection)", r)
	}
	byName := map[string]map[string]any{}
	for _, rt := range rts {
		name, _ := rt["name"].(string)
		byName[name] = rt
		if !httpHasString(rt["schemas"], httpURNResType) {
			t.Errorf("%s: resource type %q: schemas lacks %s", r, name, httpURNResType)
		}
	}
	if u := byName["User"]; u == nil || u["endpoint"] != "/Users" || u["schema"] != httpURNUser ||
		!slices.ContainsFunc(httpAnySlice(u["schemaExtensions"]), func(e any) bool { return httpAt(e, "schema") == httpURNEnterprise }) {
		t.Errorf("%s: want a User resource type at /Users with schema %s and the enterprise extension", r, httpURNUser)
	}
	if g := byName["Group"]; g == nil || g["endpoint"] != "/Groups" || g["schema"] != httpURNGroup {
		t.Errorf("%s: want a Group resource type at /Groups with schema %s", r, httpURNGroup)
	}
	r = c.get("/ResourceTypes/User").must(http.StatusOK)
	if r.Body["name"] != "User" || r.Body["endpoint"] != "/Users" {
		t.Errorf("%s: want the User resource type", r)
	}

	// Schemas (E28).
	r = c.get("/Schemas").must(http.StatusOK)
	noNulls(r)
	if !strings.Contains(string(r.Raw), "User Account") {
		t.Errorf("%s: the body lacks the description \"User Account\" (the Microsoft collection)", r)
	}
	schemas := map[string]map[string]any{}
	for _, s := range r.mustList(httpIndexList).Resources {
		id, _ := s["id"].(string)
		schemas[id] = s
		if !httpHasString(s["schemas"], httpURNSchema) {
			t.Errorf("GET /Schemas: schema %s: schemas %v lacks %s", id, s["schemas"], httpURNSchema)
		}
	}
	for _, urn := range []string{httpURNUser, httpURNGroup, httpURNEnterprise} {
		if schemas[urn] == nil {
			t.Errorf("%s: schema %s missing", r, urn)
		}
	}
	attr := func(schema map[string]any, name string) map[string]any {
		for _, a := range httpAnySlice(schema["attributes"]) {
			if m, _ := a.(map[string]any); m != nil && m["name"] == name {
				return m
			}
		}
		return nil
	}
	if u := schemas[httpURNUser]; u != nil {
		// What the suite relies on: userName is required, unique and case-insensitive.
		if a := attr(u, "userName"); a == nil || a["required"] != true || a["caseExact"] != false || a["uniqueness"] != "server" {
			t.Errorf("GET /Schemas: User.userName is %v, want required, caseExact false, uniqueness server", a)
		}
		if a := attr(u, "groups"); a == nil || a["mutability"] != "readOnly" {
			t.Errorf("GET /Schemas: User.groups is %v, want mutability readOnly", a)
		}
	}
	if e := schemas[httpURNEnterprise]; e != nil {
		if a := attr(e, "manager"); a == nil || a["type"] != "complex" {
			t.Errorf("GET /Schemas: enterprise manager is %v, want a complex attribute", a)
		}
	}
	r = c.get("/Schemas/" + httpURNUser).must(http.StatusOK)
	if r.Body["id"] != httpURNUser {
		t.Errorf("%s: want the User schema", r)
	}

	// POST to discovery endpoints: 405 with Allow (RFC 9110 §15.5.6) and a SCIM error.
	for _, p := range []string{"/ServiceProviderConfig", "/ResourceTypes", "/Schemas"} {
		r := c.post(p, map[string]any{"schemas": []string{httpURNUser}, "userName": "x"})
		r.wantError(http.StatusMethodNotAllowed)
		if allow := r.Header.Get("Allow"); !strings.Contains(allow, "GET") {
			t.Errorf("%s: Allow header %q, want one that lists GET", r, allow)
		}
	}
}

// httpValidBody is a valid PUT body for the endpoint of path.
func httpValidBody(path string) map[string]any {
	if strings.HasPrefix(path, "/Groups") {
		return map[string]any{"schemas": []string{httpURNGroup}, "displayName": "valid_" + httpRandom(6)}
	}
	return map[string]any{"schemas": []string{httpURNUser}, "userName": "valid_" + httpRandom(6)}
}

func httpAnySlice(v any) []any {
	a, _ := v.([]any)
	return a
}

// httpTestEscapedStrings checks that a \uXXXX escape in a filter or a PATCH
// path names the character it spells, in either case of hex digits (JSON
// allows both, RFC 8259 §7; Go's encoder writes lower case).
func httpTestEscapedStrings(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	name := "esc_" + httpRandom(8) + "_é<"
	id := c.createUser(name, map[string]any{"emails": []any{
		map[string]any{"type": "work", "value": "w_" + httpRandom(6) + "@example.com"},
	}})
	escaped := strings.ReplaceAll(strings.ReplaceAll(name, "é", `\u00e9`), "<", `\u003c`)
	for _, f := range []string{
		`userName eq "` + escaped + `"`,
		`userName eq "` + strings.ReplaceAll(escaped, `\u003c`, `\u003C`) + `"`,
	} {
		l := c.get("/Users" + httpFilter(f)).mustList(httpIndexList)
		if l.Total != 1 || len(l.Resources) != 1 || l.Resources[0]["id"] != id {
			t.Errorf("filter %s: %d results, want the user %s", f, l.Total, id)
		}
	}
	// An escaped bracket filter value in a PATCH path: "work" as wor\u006b.
	c.patch("/Users/"+id, httpPatchOp(map[string]any{"op": "replace", "path": `emails[type eq "wor\u006b"].value`, "value": "new@example.com"})).wantNoContent()
	d := c.mustGet("User", id)
	emails, _ := d["emails"].([]any)
	if len(emails) != 1 {
		t.Fatalf("emails after PATCH: %v, want one", d["emails"])
	}
	if e, _ := emails[0].(map[string]any); e["value"] != "new@example.com" || e["type"] != "work" {
		t.Errorf("email after PATCH: %v, want the work email new@example.com", e)
	}
}
