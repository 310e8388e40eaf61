package scimtest

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// httpWantSchemas checks that a resource's schemas lists its core schema
// first and exactly the extensions whose attributes it holds (RFC 7643 §3).
func httpWantSchemas(t *testing.T, what string, doc map[string]any, core string) {
	t.Helper()
	list, _ := doc["schemas"].([]any)
	if len(list) == 0 || list[0] != core {
		t.Errorf("%s: schemas %v, want %s first", what, doc["schemas"], core)
		return
	}
	for _, s := range list[1:] {
		if urn, _ := s.(string); httpEmpty(doc, urn) {
			t.Errorf("%s: schemas lists %v, which holds no attribute here: %v", what, s, doc)
		}
	}
	for k := range doc {
		if strings.HasPrefix(k, "urn:") && !slices.Contains(list, any(k)) {
			t.Errorf("%s: holds %s, which schemas %v does not list", what, k, list)
		}
	}
}

// httpWantSame checks that a write's answer is the resource as GET shows
// it with the same query.
func (c *httpClient) httpWantSame(answer *httpResp, path string) {
	c.t.Helper()
	got := c.get(path).must(http.StatusOK)
	if !reflect.DeepEqual(answer.Body, got.Body) {
		c.t.Errorf("%s\nwant what GET %s answers: %s", answer, path, got.Raw)
	}
	if v, _ := httpAt(c.get(strings.Split(path, "?")[0]).Body, "meta", "version").(string); answer.Header.Get("ETag") != v {
		c.t.Errorf("%s: ETag %q, want the resource's version %q", answer, answer.Header.Get("ETag"), v)
	}
}

// httpTestWriteAnswers checks that POST, PUT and PATCH answer with the
// resource as GET shows it, attributes and excludedAttributes included
// (RFC 7644 §3.9), that a PATCH naming attributes answers 200 (RFC 7644
// §3.5.2), and that schemas lists only the extensions present.
func httpTestWriteAnswers(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	name := "render-" + httpRandom(8) + "@example.com"
	user := map[string]any{"schemas": []string{httpURNUser}, "userName": name, "name": map[string]any{"givenName": "Ren", "familyName": "Der"},
		"emails": []any{map[string]any{"value": name, "type": "work", "primary": true}, map[string]any{"value": "home-" + name, "type": "home"}}}

	// Whole answers: POST and PUT show what GET shows, schemas included.
	r := c.post("/Users", user)
	id := r.mustCreated("User")
	httpWantSchemas(t, "POST /Users", r.Body, httpURNUser)
	if _, ok := r.Body[httpURNEnterprise]; ok {
		t.Errorf("%s: an enterprise object the body did not send", r)
	}
	c.httpWantSame(r, "/Users/"+id)
	user["displayName"] = "Ren Der"
	r = c.put("/Users/"+id, user).must(http.StatusOK)
	httpWantSchemas(t, "PUT /Users/{id}", r.Body, httpURNUser)
	c.httpWantSame(r, "/Users/"+id)
	ent := map[string]any{"schemas": []string{httpURNUser, httpURNEnterprise}, "userName": "ent-" + name,
		httpURNEnterprise: map[string]any{"employeeNumber": "42"}}
	r = c.post("/Users", ent)
	entID := r.mustCreated("User")
	httpWantSchemas(t, "POST /Users with the enterprise extension", r.Body, httpURNUser)
	c.httpWantSame(r, "/Users/"+entID)

	// Projected answers.
	patch := httpPatchOp(map[string]any{"op": "replace", "path": "nickName", "value": "rd"})
	for _, q := range []string{"?attributes=emails", "?attributes=emails.value,emails.type", "?excludedAttributes=emails,name",
		"?attributes=userName", "?attributes=title", "?attributes=" + httpURNEnterprise + ":employeeNumber"} {
		for _, uid := range []string{id, entID} {
			r = c.patch("/Users/"+uid+q, patch).must(http.StatusOK)
			httpWantSchemas(t, r.Method+" "+r.Path, r.Body, httpURNUser)
			c.httpWantSame(r, "/Users/"+uid+q)
		}
	}
	r = c.patch("/Users/"+id+"?attributes=emails", patch).must(http.StatusOK)
	httpKeysOnly(t, r.Method+" "+r.Path, r.Body, []string{"emails"}, "emails")
	if len(r.Body["schemas"].([]any)) != 1 {
		t.Errorf("%s: schemas %v, want only the core schema", r, r.Body["schemas"])
	}
	r = c.patch("/Users/"+id+"?attributes=emails.value,emails.type", patch).must(http.StatusOK)
	if es, _ := r.Body["emails"].([]any); len(es) != 2 || httpAt(es, 0, "value") == nil || httpAt(es, 0, "type") == nil {
		t.Errorf("%s: want both emails with value and type", r)
	}
	r = c.patch("/Users/"+id+"?attributes=title", patch).must(http.StatusOK)
	httpKeysOnly(t, r.Method+" "+r.Path, r.Body, nil)
	r = c.patch("/Users/"+id+"?excludedAttributes=emails,name", patch).must(http.StatusOK)
	if _, ok := r.Body["emails"]; ok || r.Body["userName"] != name || r.Body["nickName"] != "rd" {
		t.Errorf("%s: want the user without emails and name", r)
	}
	c.patch("/Users/"+id, patch).wantNoContent()
	r = c.post("/Users?attributes=userName", map[string]any{"schemas": []string{httpURNUser}, "userName": "p-" + name})
	pid, _ := r.must(http.StatusCreated).Body["id"].(string)
	httpKeysOnly(t, r.Method+" "+r.Path, r.Body, []string{"userName"}, "userName")
	if r.Header.Get("Location") == "" || r.Header.Get("ETag") == "" {
		t.Errorf("%s: want Location and ETag headers", r)
	}
	c.httpWantSame(r, "/Users/"+pid+"?attributes=userName")
	r = c.put("/Users/"+id+"?excludedAttributes=emails", user).must(http.StatusOK)
	c.httpWantSame(r, "/Users/"+id+"?excludedAttributes=emails")

	// Groups.
	g := c.createGroup("Render " + httpRandom(6))
	group := map[string]any{"schemas": []string{httpURNGroup}, "displayName": "Render2 " + httpRandom(6), "members": []any{map[string]any{"value": id}}}
	r = c.put("/Groups/"+g+"?attributes=displayName", group).must(http.StatusOK)
	httpKeysOnly(t, r.Method+" "+r.Path, r.Body, []string{"displayName"}, "displayName")
	c.httpWantSame(r, "/Groups/"+g+"?attributes=displayName")
	rename := httpPatchOp(map[string]any{"op": "replace", "path": "displayName", "value": "Render3 " + httpRandom(6)})
	r = c.patch("/Groups/"+g+"?excludedAttributes=members", rename).must(http.StatusOK)
	httpWantSchemas(t, r.Method+" "+r.Path, r.Body, httpURNGroup)
	c.httpWantSame(r, "/Groups/"+g+"?excludedAttributes=members")
	r = c.patch("/Groups/"+g+"?attributes=members.value", rename).must(http.StatusOK)
	httpKeysOnly(t, r.Method+" "+r.Path, r.Body, []string{"members"}, "members")
	c.httpWantSame(r, "/Groups/"+g+"?attributes=members.value")
}

// httpTestEmptyAttributes checks that a group without members has no
// members attribute, as every unassigned attribute is left out (RFC 7643
// §2.5), in every answer that shows the group.
func httpTestEmptyAttributes(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	u := c.createUser("empty-"+httpRandom(8)+"@example.com", nil)
	noMembers := func(r *httpResp, doc map[string]any) {
		t.Helper()
		if _, ok := doc["members"]; ok {
			t.Errorf("%s: members %v in a group without members, want the attribute left out", r, doc["members"])
		}
		if doc["displayName"] == nil && !strings.Contains(r.Path, "attributes=members") {
			t.Errorf("%s: want the group's displayName", r)
		}
	}
	body := `{"schemas":["` + httpURNGroup + `"],"displayName":"Empty ` + httpRandom(6) + `","members":[]}`
	r := c.post("/Groups", body)
	g := r.mustCreated("Group")
	noMembers(r, r.Body)
	check := func() {
		t.Helper()
		for _, p := range []string{"/Groups/" + g, "/Groups/" + g + "?attributes=members", "/Groups/" + g + "?attributes=displayName,members.value"} {
			r := c.get(p).must(http.StatusOK)
			noMembers(r, r.Body)
		}
		for _, r := range []*httpResp{c.get("/Groups" + httpFilter(`id eq "`+g+`"`)),
			c.post("/Groups/.search", map[string]any{"schemas": []string{httpURNSearch}, "filter": `id eq "` + g + `"`})} {
			l := r.must(http.StatusOK).mustList(httpIndexList)
			if len(l.Resources) != 1 {
				t.Fatalf("%s: want the group", r)
			}
			noMembers(r, l.Resources[0])
		}
	}
	check()
	put := map[string]any{"schemas": []string{httpURNGroup}, "displayName": "Empty " + httpRandom(6), "members": []any{}}
	r = c.put("/Groups/"+g, put).must(http.StatusOK)
	noMembers(r, r.Body)
	add := httpPatchOp(map[string]any{"op": "add", "path": "members", "value": []any{map[string]any{"value": u}}})
	c.patch("/Groups/"+g, add).wantNoContent()
	if got := httpMemberIDs(c.mustGet("Group", g)); !slices.Equal(got, []string{u}) {
		t.Errorf("GET /Groups/%s: members %v, want [%s]", g, got, u)
	}
	r = c.patch("/Groups/"+g+"?attributes=members", httpPatchOp(map[string]any{"op": "remove", "path": "members"})).must(http.StatusOK)
	noMembers(r, r.Body)
	check()
	r = c.patch("/Groups/"+g+"?excludedAttributes=externalId", add).must(http.StatusOK)
	if got := httpMemberIDs(r.Body); !slices.Equal(got, []string{u}) {
		t.Errorf("%s: members %v, want [%s]", r, got, u)
	}
	r = c.put("/Groups/"+g, put).must(http.StatusOK)
	noMembers(r, r.Body)
	check()
	// A user in no group has no groups attribute either.
	if doc := c.mustGet("User", u); doc["groups"] != nil {
		t.Errorf("GET /Users/%s: groups %v, want the attribute left out", u, doc["groups"])
	}
}
