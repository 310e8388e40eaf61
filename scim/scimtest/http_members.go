package scimtest

import (
	"net/http"
	"reflect"
	"testing"
)

// httpTestGroupRepresentations checks that a group read by id (whose
// members are streamed) is the group a list returns (whose members are
// read at once), for a group with members, one with none, and a group
// read with a projection.
func httpTestGroupRepresentations(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	var users []string
	for _, name := range []string{"rep-a", "rep-b", "rep-c"} {
		users = append(users, c.createUser(name+"-"+httpRandom(6)+"@example.com", map[string]any{"displayName": "Rep " + name}))
	}
	full := c.createGroup("Represented "+httpRandom(6), users...)
	empty := c.createGroup("Empty " + httpRandom(6))
	for _, id := range []string{full, empty} {
		got := c.mustGet("Group", id)
		list := c.get("/Groups" + httpFilter(`id eq "`+id+`"`)).must(http.StatusOK)
		res, _ := httpAt(list.Body, "Resources", 0).(map[string]any)
		if !reflect.DeepEqual(got, res) {
			t.Errorf("GET /Groups/%s = %v\nthe same group in a list = %v", id, got, res)
		}
		if _, ok := got["members"].([]any); ok != (id == full) {
			t.Errorf("GET /Groups/%s: members = %#v, want an array, left out for a group without members (RFC 7643 §2.5)", id, got["members"])
		}
	}
	if got := httpMemberIDs(c.mustGet("Group", full)); !reflect.DeepEqual(got, httpSorted(users)) {
		t.Errorf("members %v, want %v", got, httpSorted(users))
	}
	for _, m := range c.mustGet("Group", full)["members"].([]any) {
		if httpAt(m, "type") != "User" || httpAt(m, "$ref") == nil {
			t.Errorf("member %v: want type User and $ref", m)
		}
	}
	projected := c.get("/Groups/" + full + "?attributes=members.value").must(http.StatusOK)
	for _, m := range projected.Body["members"].([]any) {
		if len(m.(map[string]any)) != 1 {
			t.Errorf("attributes=members.value: member %v has more than its value", m)
		}
	}
}
