package scimtest

// A path or a value names a resource byte for byte: an ID with
// trailing spaces (which MySQL's PAD SPACE collations ignore in
// comparisons) or a tab names no user, group or app, in a path, a member
// value or a filter, and a request through it changes nothing.

import (
	"net/http"
	"slices"
	"testing"
)

// httpIDSuffixes are added to IDs in paths (percent-encoded) and values.
var httpIDSuffixes = []struct{ path, value string }{{"%20", " "}, {"%20%20", "  "}, {"%09", "\t"}}

func httpTestIDsExact(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	u := c.createUser("exact.u."+httpRandom(6), map[string]any{"active": true})
	v := c.createUser("exact.v."+httpRandom(6), nil)
	g := c.createGroup("Exact "+httpRandom(6), u)
	other := c.createGroup("Other " + httpRandom(6))
	app, _ := c.post("/Apps", map[string]any{"name": "Exact " + httpRandom(6)}).must(http.StatusCreated).Body["id"].(string)
	c.post("/Users/"+u+"/apps/"+app, map[string]any{"username": "ann"}).must(http.StatusOK)
	etag := func(path string) string { return c.get(path).must(http.StatusOK).Header.Get("ETag") }
	before := map[string]string{}
	// Groups are left out: a PATCH whose member values all name nothing
	// moves the version (as with any unknown ID); their members are checked.
	for _, p := range []string{"/Users/" + u, "/Users/" + v, "/Apps/" + app} {
		before[p] = etag(p)
	}
	userBody := func(name string) map[string]any {
		return map[string]any{"schemas": []string{httpURNUser}, "userName": name}
	}
	groupBody := func(members ...string) map[string]any {
		ms := []map[string]any{}
		for _, m := range members {
			ms = append(ms, map[string]any{"value": m})
		}
		return map[string]any{"schemas": []string{httpURNGroup}, "displayName": "Renamed " + httpRandom(6), "members": ms}
	}
	addMember := func(m string) map[string]any {
		return httpPatchOp(map[string]any{"op": "add", "path": "members", "value": []any{map[string]any{"value": m}}})
	}

	for _, sfx := range httpIDSuffixes {
		pu, pg, pa := u+sfx.path, g+sfx.path, app+sfx.path
		// Paths.
		c.get("/Users/" + pu).wantError(http.StatusNotFound)
		c.put("/Users/"+pu, userBody("exact.put."+httpRandom(6))).wantError(http.StatusNotFound)
		c.patch("/Users/"+pu, httpPatchOp(map[string]any{"op": "replace", "path": "displayName", "value": "Padded"})).
			wantError(http.StatusNotFound)
		c.get("/Groups/" + pg).wantError(http.StatusNotFound)
		c.put("/Groups/"+pg, groupBody(v)).wantError(http.StatusNotFound)
		c.patch("/Groups/"+pg, addMember(v)).wantError(http.StatusNotFound)
		c.get("/Apps/" + pa).wantError(http.StatusNotFound)
		c.put("/Apps/"+pa, map[string]any{"name": "Padded"}).wantError(http.StatusNotFound)
		c.get("/Users/" + pu + "/apps").wantError(http.StatusNotFound)
		c.post("/Users/"+v+"/apps/"+pa, map[string]any{"username": "bea"}).wantError(http.StatusNotFound)
		c.post("/Users/"+v+sfx.path+"/apps/"+app, map[string]any{"username": "bea"}).wantError(http.StatusNotFound)
		c.delete("/Users/" + u + "/apps/" + pa).wantError(http.StatusNotFound)
		c.delete("/Users/" + pu + "/apps/" + app).wantError(http.StatusNotFound)
		c.post("/Users/"+pu+"/login", nil).wantError(http.StatusNotFound)
		c.post("/Users/"+pu+"/sessions/invalidate", nil).wantError(http.StatusNotFound)
		c.delete("/Apps/" + pa).wantError(http.StatusNotFound)
		c.delete("/Groups/" + pg).wantError(http.StatusNotFound)
		c.delete("/Users/" + pu).wantError(http.StatusNotFound)

		// Member values: as IDs that name nothing.
		c.patch("/Groups/"+other, addMember(v+sfx.value)).wantNoContent() // skipped, as an unknown ID
		c.patch("/Groups/"+g, httpPatchOp(map[string]any{"op": "remove", "path": "members",
			"value": []any{map[string]any{"value": u + sfx.value}}})).wantNoContent() // as an unknown ID
		c.patch("/Groups/"+g, httpPatchOp(map[string]any{"op": "remove",
			"path": `members[value eq ` + jsonString(u+sfx.value) + `]`})).wantNoContent() // as an unknown ID
		c.wantMembers("member values "+jsonString(sfx.value), g, u)
		c.wantMembers("member values "+jsonString(sfx.value), other)

		// Filters.
		for _, q := range []struct {
			endpoint, filter string
			want             []string
		}{
			{"/Users", `id eq ` + jsonString(u+sfx.value), nil},
			{"/Users", `id eq ` + jsonString(u+sfx.value) + ` or id eq ` + jsonString(v), []string{v}},
			{"/Users", `groups.value eq ` + jsonString(g+sfx.value), nil},
			{"/Groups", `id eq ` + jsonString(g+sfx.value), nil},
			{"/Groups", `members.value eq ` + jsonString(u+sfx.value), nil},
			{"/Groups", `members[value eq ` + jsonString(u+sfx.value) + `]`, nil},
			{"/Groups", `members.value ne ` + jsonString(u+sfx.value) + ` and id eq ` + jsonString(g), []string{g}},
		} {
			r := c.get(q.endpoint + httpFilter(q.filter))
			r.mustList(httpIndexList).wantIDs(t, r, q.want...)
		}
	}

	// Nothing changed.
	for p, tag := range before {
		if got := etag(p); got != tag {
			t.Errorf("GET %s: ETag %s after requests that name no resource, want %s", p, got, tag)
		}
	}
	c.wantMembers("after the requests", g, u)
	if apps := c.httpAppsOf(u); len(apps) != 1 || apps[app] == nil {
		t.Errorf("apps of %s = %v, want only %s", u, apps, app)
	}
	if apps := c.httpAppsOf(v); len(apps) != 0 {
		t.Errorf("apps of %s = %v, want none", v, apps)
	}
	r := c.get("/Groups" + httpFilter(`members.value eq `+jsonString(u)))
	if l := r.mustList(httpIndexList); !slices.Equal(l.ids(), []string{g}) {
		t.Errorf("%s: want only %s", r, g)
	}
}
