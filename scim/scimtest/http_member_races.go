package scimtest

// Deletes racing member writes over HTTP: a user or
// group deleted while a PATCH, a PUT or a POST /Groups adds it as a member
// is a member of no group afterwards. A member that names nothing is an
// orphan: its group lists it, and GET of it answers 404.

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// httpMemberRaceRounds is how many times each race is run.
const httpMemberRaceRounds = 50

// httpOrphans returns the members of a group that answer 404.
func (c *httpClient) httpOrphans(groupID string) []string {
	c.t.Helper()
	g := c.mustGet("Group", groupID)
	var out []string
	ms, _ := g["members"].([]any)
	for _, m := range ms {
		id, _ := httpAt(m, "value").(string)
		typ, _ := httpAt(m, "type").(string)
		endpoint := "/Users/"
		if typ == "Group" {
			endpoint = "/Groups/"
		}
		if r := c.get(endpoint + id); r.Status == http.StatusNotFound {
			out = append(out, typ+" "+id)
		}
	}
	return out
}

func httpTestMemberRaceUserDelete(t *testing.T, tg Target) {
	httpMemberRace(t, tg, "Users")
}

func httpTestMemberRaceGroupDelete(t *testing.T, tg Target) {
	httpMemberRace(t, tg, "Groups")
}

// httpMemberRace creates a user (or group), then deletes it at the same
// time as a PATCH adds it to a group, a PUT makes it a group's only member
// and a POST creates a group with it, round after round; after each round
// no group lists it.
func httpMemberRace(t *testing.T, tg Target, endpoint string) {
	c := httpNewClient(t, tg)
	tag := httpRandom(6)
	patched := c.createGroup("patched_" + tag)
	replaced := c.createGroup("replaced_" + tag)
	bad, seen := 0, map[string]bool{}
	for round := range httpMemberRaceRounds {
		name := fmt.Sprintf("victim_%s_%02d", tag, round)
		var victim string
		if endpoint == "Users" {
			victim = c.createUser(name, nil)
		} else {
			victim = c.createGroup(name)
		}
		member := []any{map[string]any{"value": victim}}
		calls := []httpCall{
			// Rounds start the delete at different points of the writes.
			{method: "DELETE", path: "/" + endpoint + "/" + victim, delay: time.Duration(round%5) * 500 * time.Microsecond},
			{method: "PATCH", path: "/Groups/" + patched, body: httpPatchOp(map[string]any{
				"op": "add", "path": "members", "value": member})},
			{method: "PUT", path: "/Groups/" + replaced, body: map[string]any{
				"schemas": []string{httpURNGroup}, "displayName": "replaced_" + tag, "members": member}},
			{method: "POST", path: "/Groups", body: map[string]any{
				"schemas": []string{httpURNGroup}, "displayName": fmt.Sprintf("created_%s_%02d", tag, round), "members": member}},
		}
		rs := c.concurrently(calls)
		rs[0].wantNoContent()
		if rs[1].Status != http.StatusOK {
			rs[1].wantNoContent() // an unknown member is skipped (Microsoft's tests)
		}
		groups := []string{patched, replaced}
		for _, r := range rs[2:] {
			switch r.Status {
			case http.StatusOK, http.StatusCreated:
				if r.Method == "POST" {
					groups = append(groups, r.mustCreated("Group"))
				}
			default:
				r.wantError(http.StatusBadRequest, "invalidValue") // the member was gone
			}
		}
		var found []string // new orphans only: those of earlier rounds stay
		for _, g := range groups {
			for _, o := range c.httpOrphans(g) {
				if !seen[g+" "+o] {
					seen[g+" "+o] = true
					found = append(found, "group "+g+" lists "+o)
				}
			}
		}
		if len(found) > 0 {
			bad++
			if bad <= 3 {
				t.Errorf("round %d: after DELETE /%s/%s raced writes adding it, members answer 404: %v", round, endpoint, victim, found)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d rounds left groups listing a deleted member", bad, httpMemberRaceRounds)
	}
}
