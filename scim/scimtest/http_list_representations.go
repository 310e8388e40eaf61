package scimtest

import (
	"net/http"
	"reflect"
	"testing"
)

// httpTestListRepresentations checks that every way of listing a user
// answers it as GET /Users/{id} does: the filtered list, /Users/.search,
// the root /.search and the root list. (A list may serve users from their
// stored text; a door that mixed stored and decoded forms would answer a
// user without its attributes.)
func httpTestListRepresentations(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	userName := "listed-" + httpRandom(6) + "@example.com"
	id := c.createUser(userName, map[string]any{
		"active":      false,
		"displayName": "Listed User",
		"name":        map[string]any{"givenName": "Listed", "familyName": "User"},
		"emails":      []any{map[string]any{"value": userName, "type": "work", "primary": true}},
	})
	want := c.mustGet("User", id)
	filter := `userName eq "` + userName + `"`
	search := map[string]any{"schemas": []string{httpURNSearch}, "filter": filter}
	for _, r := range []*httpResp{
		c.get("/Users" + httpFilter(filter)),
		c.post("/Users/.search", search),
		c.post("/.search", search),
		c.get("/" + httpFilter(filter)),
	} {
		l, ok := r.wantList(httpIndexList)
		if !ok {
			continue
		}
		if len(l.Resources) != 1 {
			t.Errorf("%s: want exactly the one user, got %d resources", r, len(l.Resources))
			continue
		}
		if got := l.Resources[0]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the user differs from GET /Users/%s:\n got %v\nwant %v", r, id, got, want)
		}
	}
	c.get("/Users/" + id).must(http.StatusOK)
}
