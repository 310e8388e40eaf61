package scimtest

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// httpGroupsOf returns a user's groups as "id/type", sorted, checking
// their $ref.
func (c *httpClient) httpGroupsOf(user string) []string {
	c.t.Helper()
	u := c.mustGet("User", user)
	gs, _ := u["groups"].([]any)
	out := []string{}
	for _, g := range gs {
		id, _ := httpAt(g, "value").(string)
		typ, _ := httpAt(g, "type").(string)
		if ref, _ := httpAt(g, "$ref").(string); !strings.HasSuffix(ref, "/Groups/"+id) {
			c.t.Errorf("GET /Users/%s: group %s has $ref %q, want a URL ending in /Groups/%s", user, id, ref, id)
		}
		out = append(out, id+"/"+typ)
	}
	return httpSorted(out)
}

// httpTestNestedGroups: a group in a group (members[].type "Group"), a
// user's direct and indirect groups, and cycles refused with 400 and
// nothing changed.
func httpTestNestedGroups(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	u := c.createUser("nested.user", nil)
	a := c.createGroup("Nested A", u)
	r := c.post("/Groups", map[string]any{"schemas": []string{httpURNGroup}, "displayName": "Nested B",
		"members": []any{map[string]any{"value": a, "type": "Group"}}})
	b := r.mustCreated("Group")
	if m, _ := httpAt(r.Body, "members", 0).(map[string]any); m["type"] != "Group" || !strings.HasSuffix(m["$ref"].(string), "/Groups/"+a) {
		t.Errorf("%s: the member group should have type Group and a $ref to /Groups/%s", r, a)
	}
	cID := c.createGroup("Nested C", b)
	if got, want := c.httpGroupsOf(u), httpSorted([]string{a + "/direct", b + "/indirect", cID + "/indirect"}); !slices.Equal(got, want) {
		t.Errorf("u's groups: %v, want %v", got, want)
	}

	// Cycles: 400 invalidValue naming the group, and nothing changes.
	before := c.mustGet("Group", a)
	for _, req := range []struct {
		what      string
		method    string
		body      map[string]any
		offending string
	}{
		{"PATCH add C to A (Entra shape)", "PATCH", httpPatchOp(map[string]any{"op": "Add", "path": "members",
			"value": []any{map[string]any{"$ref": nil, "value": cID}}}), cID},
		{"PATCH add A to itself", "PATCH", httpPatchOp(map[string]any{"op": "add", "path": "members",
			"value": []any{map[string]any{"value": a, "type": "Group"}}}), a},
		{"PATCH replace A's members with B (Okta shape)", "PATCH", httpPatchOp(map[string]any{"op": "replace", "path": "members",
			"value": []any{map[string]any{"value": u, "display": "nested.user"}, map[string]any{"value": b, "display": "Nested B"}}}), b},
		{"PUT A with C as a member", "PUT", map[string]any{"schemas": []string{httpURNGroup}, "displayName": "Nested A",
			"members": []any{map[string]any{"value": u}, map[string]any{"value": cID}}}, cID},
	} {
		r := c.do(req.method, "/Groups/"+a, req.body, nil)
		if r.wantError(http.StatusBadRequest, "invalidValue") {
			if d, _ := r.Body["detail"].(string); !strings.Contains(d, req.offending) {
				t.Errorf("%s: %s: the detail should name group %s", req.what, r, req.offending)
			}
		}
		after := c.mustGet("Group", a)
		if !slices.Equal(httpMemberIDs(after), httpMemberIDs(before)) || httpAt(after, "meta", "version") != httpAt(before, "meta", "version") {
			t.Errorf("%s: group A changed: members %v version %v, was %v %v", req.what, httpMemberIDs(after),
				httpAt(after, "meta", "version"), httpMemberIDs(before), httpAt(before, "meta", "version"))
		}
	}

	// Unknown or mistyped members follow the usual rules: POST and PUT
	// refuse them, PATCH skips them.
	c.post("/Groups", map[string]any{"schemas": []string{httpURNGroup}, "displayName": "Bad",
		"members": []any{map[string]any{"value": u, "type": "Group"}}}).wantError(http.StatusBadRequest, "invalidValue")
	c.post("/Groups", map[string]any{"schemas": []string{httpURNGroup}, "displayName": "Bad",
		"members": []any{map[string]any{"value": httpGUID(), "type": "Group"}}}).wantError(http.StatusBadRequest, "invalidValue")
	c.patch("/Groups/"+cID, httpPatchOp(map[string]any{"op": "add", "path": "members",
		"value": []any{map[string]any{"value": httpGUID(), "type": "Group"}}})).wantNoContent()
	c.wantMembers("C after adding an unknown group", cID, b)

	// groups.value eq matches direct members only.
	for _, q := range []struct {
		path string
		want []string
	}{
		{"/Users" + httpFilter(`groups.value eq "`+a+`"`), []string{u}},
		{"/Users" + httpFilter(`groups.value eq "`+cID+`"`), nil},
		{"/Groups" + httpFilter(`members[type eq "Group" and value eq "`+a+`"]`), []string{b}},
	} {
		r := c.get(q.path)
		r.mustList(httpIndexList).wantIDs(t, r, q.want...)
	}

	// Removing B from C (Entra's remove by value) and deleting B.
	c.patch("/Groups/"+cID, httpPatchOp(map[string]any{"op": "Remove", "path": "members",
		"value": []any{map[string]any{"value": b}}})).wantNoContent()
	if got, want := c.httpGroupsOf(u), httpSorted([]string{a + "/direct", b + "/indirect"}); !slices.Equal(got, want) {
		t.Errorf("u's groups after B left C: %v, want %v", got, want)
	}
	c.delete("/Groups/" + b).wantNoContent()
	if got, want := c.httpGroupsOf(u), []string{a + "/direct"}; !slices.Equal(got, want) {
		t.Errorf("u's groups after deleting B: %v, want %v", got, want)
	}
	// Now nothing holds A: C may go into A, by the filter form too.
	c.patch("/Groups/"+a, httpPatchOp(map[string]any{"op": "add", "path": "members",
		"value": []any{map[string]any{"value": cID, "display": "Nested C"}}})).wantNoContent()
	c.wantMembers("A with C", a, u, cID)
	c.patch("/Groups/"+a, httpPatchOp(map[string]any{"op": "remove", "path": `members[value eq "` + cID + `"]`})).wantNoContent()
	c.wantMembers("A without C", a, u)
}
