package scimtest

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// httpTestRoutes checks how the server answers methods and paths it does
// not serve: a method a known path is not served with is 405 with the
// path's methods in Allow (HEAD wherever GET) and a SCIM error body; a
// path nothing serves is a 404 SCIM error; neither changes anything; a
// trailing slash names the same endpoint.
func httpTestRoutes(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	id := c.createUser("routes_"+httpRandom(8), nil)
	g := c.createGroup("routes_"+httpRandom(6), id)
	for _, tc := range []struct {
		method, path string
		allow        []string
	}{
		{http.MethodPut, "/Users", []string{"GET", "HEAD", "POST"}},
		{http.MethodDelete, "/Users", []string{"GET", "HEAD", "POST"}},
		{http.MethodPatch, "/Groups", []string{"GET", "HEAD", "POST"}},
		{http.MethodDelete, "/Groups", []string{"GET", "HEAD", "POST"}},
		{http.MethodPost, "/Users/" + id, []string{"GET", "HEAD", "PUT", "PATCH", "DELETE"}},
		{http.MethodPost, "/Groups/" + g, []string{"GET", "HEAD", "PUT", "PATCH", "DELETE"}},
		{http.MethodGet, "/Users/.search", []string{"POST"}},
		{http.MethodDelete, "/Groups/.search", []string{"POST"}},
		{http.MethodGet, "/.search", []string{"POST"}},
		{http.MethodDelete, "/", []string{"GET", "HEAD"}},
		{http.MethodPut, "/Schemas/" + httpURNUser, []string{"GET", "HEAD"}},
		{http.MethodDelete, "/TagKeys", []string{"GET", "HEAD"}},
		{http.MethodGet, "/Users/" + id + "/login", []string{"POST"}},
		{http.MethodPatch, "/Users/" + id + "/apps", []string{"GET", "HEAD"}},
	} {
		r := c.do(tc.method, tc.path, nil, nil)
		if !r.wantError(http.StatusMethodNotAllowed) {
			continue
		}
		allow := strings.Split(strings.ReplaceAll(r.Header.Get("Allow"), " ", ""), ",")
		slices.Sort(allow)
		want := slices.Sorted(slices.Values(tc.allow))
		if !slices.Equal(allow, want) {
			t.Errorf("%s: Allow %q, want %v", r, r.Header.Get("Allow"), tc.allow)
		}
	}
	for _, p := range []string{"/Widgets", "/Users/" + id + "/emails", "/Users/" + id + "/apps/x/y", "/Schemas/a/b", "/Me/1", "/users"} {
		c.get(p).wantError(http.StatusNotFound)
		c.post(p, map[string]any{}).wantError(http.StatusNotFound)
	}
	c.mustGet("User", id)
	c.wantMembers("after refused requests", g, id)
	// A trailing slash is the same endpoint.
	if r := c.get("/Users/" + id + "/").must(http.StatusOK); r.Body["id"] != id {
		t.Errorf("%s: want the user", r)
	}
	c.get("/Groups/").mustList(httpIndexList)
}
