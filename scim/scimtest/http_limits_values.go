package scimtest

// "A multi-valued attribute is bounded": a user with
// 50,000 emails was accepted, and every later write of it held the SQLite
// writer for seconds, stalling every tenant. The server publishes its
// limit at GET /Limits (maxMultiValues); a write that leaves an attribute
// with more values is refused with 400 invalidValue naming the attribute
// and the limit, and changes nothing. Group members are not counted.

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// httpMultiValueTestCap is the highest published limit the test exercises:
// above it the bodies would be too large for a quick test.
const httpMultiValueTestCap = 2000

// httpEmails returns n work email values, from start.
func httpEmails(prefix string, start, n int) []any {
	out := make([]any, 0, n)
	for i := start; i < start+n; i++ {
		out = append(out, map[string]any{"value": fmt.Sprintf("%s%d@example.com", prefix, i), "type": "work"})
	}
	return out
}

// httpWantValuesError checks a refusal over the multi-value limit: 400
// invalidValue whose detail names the attribute and the limit.
func httpWantValuesError(r *httpResp, attr string, limit int) {
	r.t.Helper()
	if !r.wantError(http.StatusBadRequest, "invalidValue") {
		return
	}
	d, _ := r.Body["detail"].(string)
	if !strings.Contains(d, attr) || !strings.Contains(d, strconv.Itoa(limit)) {
		r.t.Errorf("%s: the detail must name the attribute %s and the limit %d", r, attr, limit)
	}
}

func httpTestMultiValueLimit(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	lim := c.get("/Limits").must(http.StatusOK)
	limit, ok := httpInt(lim.Body["maxMultiValues"])
	if !ok || limit < 1 {
		t.Fatalf("%s: maxMultiValues is %v, want a positive integer", lim, lim.Body["maxMultiValues"])
	}
	if limit > httpMultiValueTestCap {
		t.Skipf("maxMultiValues %d: too many values for a quick test", limit)
	}
	prefix := "mv" + httpRandom(6)
	user := func(name string, emails []any) map[string]any {
		return map[string]any{"schemas": []string{httpURNUser}, "userName": name, "emails": emails}
	}
	countUsers := func(name string) int {
		l := c.get("/Users" + httpFilter(`userName eq "`+name+`"`)).mustList(httpIndexList)
		return l.Total
	}

	// POST over the limit: refused, nothing created.
	over := prefix + "-over"
	httpWantValuesError(c.post("/Users", user(over, httpEmails(prefix, 0, limit+1))), "emails", limit)
	if n := countUsers(over); n != 0 {
		t.Errorf("the refused POST created %d users", n)
	}

	// At the limit: accepted.
	name := prefix + "-at"
	id := c.post("/Users", user(name, httpEmails(prefix, 0, limit))).mustCreated("User")
	emailCount := func() int {
		l, _ := c.mustGet("User", id)["emails"].([]any)
		return len(l)
	}

	// PATCH that would go over: refused, nothing changed.
	httpWantValuesError(c.patch("/Users/"+id, httpPatchOp(map[string]any{"op": "add", "path": "emails", "value": httpEmails(prefix, limit, 1)})), "emails", limit)
	httpWantValuesError(c.patch("/Users/"+id, httpPatchOp(map[string]any{"op": "add", "value": map[string]any{"emails": httpEmails(prefix, limit, 1)}})), "emails", limit)
	if n := emailCount(); n != limit {
		t.Errorf("after refused PATCHes the user has %d emails, want %d", n, limit)
	}
	// PUT over the limit: refused, nothing changed.
	put := user(name, httpEmails(prefix, 0, limit+1))
	put["displayName"] = "Put over"
	r := c.put("/Users/"+id, put)
	httpWantValuesError(r, "emails", limit)
	if d := c.mustGet("User", id); d["displayName"] != nil || emailCount() != limit {
		t.Errorf("the refused PUT changed the user: displayName %v, %d emails", d["displayName"], emailCount())
	}
	// Other writes of a user at the limit go through.
	c.patch("/Users/"+id, httpPatchOp(map[string]any{"op": "replace", "path": "displayName", "value": "At limit"})).wantNoContent()
	c.patch("/Users/"+id, httpPatchOp(map[string]any{"op": "remove", "path": `emails[value eq "` + prefix + `0@example.com"]`})).wantNoContent()
	if n := emailCount(); n != limit-1 {
		t.Errorf("after removing one email the user has %d, want %d", n, limit-1)
	}

	// Other multi-valued attributes, core and extension, are bounded too.
	roles := make([]any, 0, limit+1)
	for i := range limit + 1 {
		roles = append(roles, map[string]any{"value": "role" + strconv.Itoa(i)})
	}
	httpWantValuesError(c.patch("/Users/"+id, httpPatchOp(map[string]any{"op": "add", "path": "roles", "value": roles})), "roles", limit)
	aliases := make([]any, 0, limit+1)
	for i := range limit + 1 {
		aliases = append(aliases, prefix+"-alias-"+strconv.Itoa(i))
	}
	httpWantValuesError(c.patch("/Users/"+id, httpPatchOp(map[string]any{"op": "add", "path": httpURNScimdUser + ":aliases", "value": aliases})),
		httpURNScimdUser+":aliases", limit)

	// Group members are not counted: groups may have many more.
	members := []string{id}
	for i := range limit {
		members = append(members, c.createUser(fmt.Sprintf("%s-m%d", prefix, i), nil))
	}
	g := c.createGroup(prefix+" group", members...)
	c.wantMembers("a group with more members than maxMultiValues", g, members...)
	extra := c.createUser(prefix+"-extra", nil)
	c.patch("/Groups/"+g, httpPatchOp(map[string]any{"op": "add", "path": "members", "value": []any{map[string]any{"value": extra}}})).wantNoContent()
	c.wantMembers("a PATCH past maxMultiValues members", g, append(members, extra)...)
}
