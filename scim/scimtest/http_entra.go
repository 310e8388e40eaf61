package scimtest

// Replays of what Microsoft Entra ID's provisioning service sends (E1–E29 of
// testdata/idp-requests.md), with its exact bodies: capitalized ops,
// "True"/"False" strings, pathless replace with dotted and URN keys, the
// manager as a plain string, nulls in POST, the ADSCIM Group URN, "$ref":null
// in members, and member removal with a value array.

import (
	"net/http"
	"slices"
	"strconv"
	"testing"
)

// httpEntraUserTmpl is E6, the create-user request of Microsoft's docs.
const httpEntraUserTmpl = `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "externalId": "{{externalId}}",
  "userName": "{{userName}}",
  "active": true,
  "emails": [{"primary": true, "type": "work", "value": "{{email}}"}],
  "meta": {"resourceType": "User"},
  "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
  "roles": []
}`

// httpEntraNullUserTmpl is E7: the variant with nulls. The schemas list
// carries the docs' typo "…enterprise:2.0User", an unknown URN to ignore.
const httpEntraNullUserTmpl = `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "{{extensionURN}}"],
  "externalId": "{{externalId}}",
  "userName": "{{userName}}",
  "active": true,
  "addresses": null,
  "displayName": "{{displayName}}",
  "emails": [{"primary": true, "type": "work", "value": "{{email}}"}],
  "meta": {"resourceType": "User"},
  "name": {"familyName": "familyName", "givenName": "givenName"},
  "phoneNumbers": null,
  "preferredLanguage": null,
  "title": null,
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": null, "manager": null}
}`

// httpEntraGroupTmpl is E20: no members, and Microsoft's ADSCIM schema URN.
const httpEntraGroupTmpl = `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
  "externalId": "{{externalId}}",
  "displayName": "{{displayName}}",
  "meta": {"resourceType": "Group"}
}`

// An httpEntraUser is a user created with E6.
type httpEntraUser struct {
	ID, UserName, ExternalID, Email string
}

// createEntraUser sends E6 and checks the 201.
func (c *httpClient) createEntraUser() httpEntraUser {
	c.t.Helper()
	u := httpEntraUser{
		UserName:   "Test_User_" + httpGUID(),
		ExternalID: httpGUID(),
		Email:      "Test_User_" + httpGUID() + "@testuser.com",
	}
	body := httpFill(c.t, httpEntraUserTmpl, "externalId", u.ExternalID, "userName", u.UserName, "email", u.Email)
	r := c.do("POST", "/Users", body, httpEntraHeaders)
	u.ID = r.mustCreated("User")
	for _, f := range []struct {
		path []any
		want any
	}{
		{[]any{"userName"}, u.UserName},
		{[]any{"externalId"}, u.ExternalID},
		{[]any{"active"}, true},
		{[]any{"emails", 0, "value"}, u.Email},
		{[]any{"emails", 0, "type"}, "work"},
		{[]any{"emails", 0, "primary"}, true},
		{[]any{"name", "givenName"}, "givenName"},
		{[]any{"name", "familyName"}, "familyName"},
	} {
		if got := httpAt(r.Body, f.path...); got != f.want {
			c.t.Errorf("%s: %v = %#v, want %#v", r, f.path, got, f.want)
		}
	}
	return u
}

// entraPatch sends a PatchOp with Entra's headers and wants 204.
func (c *httpClient) entraPatch(path string, ops ...map[string]any) {
	c.t.Helper()
	c.do("PATCH", path, httpPatchOp(ops...), httpEntraHeaders).wantNoContent()
}

// entraList sends a GET with Entra's headers and checks the ListResponse.
func (c *httpClient) entraList(path string, want ...string) httpList {
	c.t.Helper()
	r := c.do("GET", path, nil, httpEntraHeaders)
	l := r.mustList(httpIndexList)
	l.wantIDs(c.t, r, want...)
	return l
}

// httpTestEntraTestConnection replays Test Connection (E1, E2): filters that
// match nothing answer an empty ListResponse, never 404.
func httpTestEntraTestConnection(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	for _, path := range []string{
		"/Users" + httpFilter(`userName eq "`+httpGUID()+`"`),                                               // E1
		"/Users" + httpQuery("aadOptscim062020", "", "filter", `userName eq "`+httpGUID()+`"`),              // E1 with the flag
		"/Groups" + httpQuery("excludedAttributes", "members", "filter", `displayName eq "`+httpGUID()+`"`), // E2
	} {
		r := c.do("GET", path, nil, httpEntraHeaders)
		l, ok := r.wantList(httpIndexList)
		// RFC 7644 §3.4.2 and the Microsoft collection: the exact empty shape.
		if ok && l.Total != 0 || l.StartIndex != 1 || l.ItemsPerPage != 0 || !l.HasResources || len(l.Resources) != 0 {
			t.Errorf("%s: want totalResults 0, startIndex 1, itemsPerPage 0, Resources []", r)
		}
	}
}

// httpTestEntraUserLifecycle replays E3–E6 and E8–E13, E15, E18, E19 on one
// user: match, create, conflict, read, patch every way Entra does, disable
// (the user stays readable), enable, delete.
func httpTestEntraUserLifecycle(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	byName := func(userName string) string { return "/Users" + httpFilter(`userName eq "`+userName+`"`) }

	// E3 before the create: no match.
	c.entraList(byName("Test_User_" + httpGUID()))

	// E6, then E6 again: 409 uniqueness.
	u := c.createEntraUser()
	body := httpFill(t, httpEntraUserTmpl, "externalId", httpGUID(), "userName", u.UserName, "email", u.Email)
	c.do("POST", "/Users", body, httpEntraHeaders).wantError(http.StatusConflict, "uniqueness")

	// E3, E4 (as real traffic encodes it: + for spaces, %22 for quotes), E5.
	c.entraList(byName(u.UserName), u.ID)
	c.entraList("/Users?filter=externalId+eq+%22"+u.ExternalID+"%22", u.ID)
	c.entraList("/Users"+httpFilter(`emails[type eq "work"].value eq "`+u.Email+`"`), u.ID)

	// E8, and an unknown id.
	doc := c.mustGet("User", u.ID)
	if doc["userName"] != u.UserName {
		t.Errorf("GET /Users/%s: userName %v, want %q", u.ID, doc["userName"], u.UserName)
	}
	c.do("GET", "/Users/"+httpGUID(), nil, httpEntraHeaders).wantError(http.StatusNotFound)

	// E9: a value-filtered path and a sub-attribute, capitalized ops.
	newEmail := "changed_" + httpRandom(8) + "@contoso.com"
	c.entraPatch("/Users/"+u.ID,
		map[string]any{"op": "Replace", "path": `emails[type eq "work"].value`, "value": newEmail},
		map[string]any{"op": "Replace", "path": "name.familyName", "value": "Newfamily"})
	doc = c.mustGet("User", u.ID)
	if w := httpTyped(doc, "emails", "work"); w == nil || w["value"] != newEmail {
		t.Errorf("E9: work email %v, want value %q", w, newEmail)
	}
	if es, _ := doc["emails"].([]any); len(es) != 1 {
		t.Errorf("E9: %d emails after replacing the work email's value, want 1: %v", len(es), doc["emails"])
	}
	if httpAt(doc, "name", "familyName") != "Newfamily" || httpAt(doc, "name", "givenName") != "givenName" {
		t.Errorf("E9: name %v, want familyName Newfamily and givenName unchanged", doc["name"])
	}
	c.entraList("/Users"+httpFilter(`emails[type eq "work"].value eq "`+newEmail+`"`), u.ID)

	// E10: rename; the old name no longer matches.
	renamed := "Renamed_" + httpGUID()
	c.entraPatch("/Users/"+u.ID, map[string]any{"op": "Replace", "path": "userName", "value": renamed})
	if doc = c.mustGet("User", u.ID); doc["userName"] != renamed {
		t.Errorf("E10: userName %v, want %q", doc["userName"], renamed)
	}
	c.entraList(byName(u.UserName))
	c.entraList(byName(renamed), u.ID)

	// E11: disable with the string "False"; the user stays readable and listed.
	c.entraPatch("/Users/"+u.ID, map[string]any{"op": "Replace", "path": "active", "value": "False"})
	if doc = c.mustGet("User", u.ID); doc["active"] != false {
		t.Errorf(`E11: after "value":"False", active is %#v, want the boolean false`, doc["active"])
	}
	c.entraList(byName(renamed), u.ID)

	// E18: enable with the string "True".
	c.entraPatch("/Users/"+u.ID, map[string]any{"op": "Replace", "path": "active", "value": "True"})
	if doc = c.mustGet("User", u.ID); doc["active"] != true {
		t.Errorf(`E18: after "value":"True", active is %#v, want the boolean true`, doc["active"])
	}

	// E12: disable with the flag on the URL and a real boolean; E18 with true.
	c.do("PATCH", "/Users/"+u.ID+"?aadOptscim062020",
		httpPatchOp(map[string]any{"op": "replace", "path": "active", "value": false}), httpEntraHeaders).wantNoContent()
	if doc = c.mustGet("User", u.ID); doc["active"] != false {
		t.Errorf("E12: active is %#v, want false", doc["active"])
	}
	c.entraPatch("/Users/"+u.ID, map[string]any{"op": "replace", "path": "active", "value": true})
	if doc = c.mustGet("User", u.ID); doc["active"] != true {
		t.Errorf("E18: active is %#v, want true", doc["active"])
	}

	// E13: Add of a singular attribute, both spellings of the op.
	c.entraPatch("/Users/"+u.ID, map[string]any{"op": "Add", "path": "nickName", "value": "Babs"})
	if doc = c.mustGet("User", u.ID); doc["nickName"] != "Babs" {
		t.Errorf("E13: nickName %v, want Babs", doc["nickName"])
	}
	c.entraPatch("/Users/"+u.ID, map[string]any{"op": "add", "path": "nickName", "value": "Barbara"})
	if doc = c.mustGet("User", u.ID); doc["nickName"] != "Barbara" {
		t.Errorf("E13: nickName %v, want Barbara (add replaces a singular attribute)", doc["nickName"])
	}

	// E15: an extension attribute by its URN-qualified path.
	c.entraPatch("/Users/"+u.ID, map[string]any{"op": "Replace", "path": httpURNEnterprise + ":employeeNumber", "value": "701984"})
	doc = c.mustGet("User", u.ID)
	if got := httpAt(doc, httpURNEnterprise, "employeeNumber"); got != "701984" {
		t.Errorf("E15: enterprise employeeNumber %v, want 701984", got)
	}
	if !httpHasString(doc["schemas"], httpURNEnterprise) {
		t.Errorf("E15: schemas %v lacks %s although the user now has enterprise attributes (RFC 7643 §3)", doc["schemas"], httpURNEnterprise)
	}

	// E19: delete; then 404 everywhere.
	c.do("DELETE", "/Users/"+u.ID, nil, httpEntraHeaders).wantNoContent()
	c.wantGone("/Users/" + u.ID)
	c.do("DELETE", "/Users/"+u.ID, nil, httpEntraHeaders).wantError(http.StatusNotFound)
	c.do("PATCH", "/Users/"+u.ID, httpPatchOp(map[string]any{"op": "Replace", "path": "active", "value": "False"}), httpEntraHeaders).
		wantError(http.StatusNotFound)
	c.entraList(byName(renamed))
}

// httpTestEntraNullLadenCreate replays E7: nulls are unassigned values and
// an unknown schema URN in "schemas" is ignored.
func httpTestEntraNullLadenCreate(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	for _, ext := range []string{httpURNEnterprise, "urn:ietf:params:scim:schemas:extension:enterprise:2.0User"} {
		userName := "Test_User_" + httpGUID()
		body := httpFill(t, httpEntraNullUserTmpl, "extensionURN", ext, "externalId", httpGUID(),
			"userName", userName, "displayName", "Null Laden", "email", userName+"@testuser.com")
		r := c.do("POST", "/Users", body, httpEntraHeaders)
		id := r.mustCreated("User")
		for _, doc := range []map[string]any{r.Body, c.mustGet("User", id)} {
			if doc["userName"] != userName || doc["displayName"] != "Null Laden" {
				t.Errorf("E7 (schemas %q): userName %v displayName %v, want %q and %q", ext, doc["userName"], doc["displayName"], userName, "Null Laden")
			}
			for _, p := range [][]any{
				{"addresses"}, {"phoneNumbers"}, {"preferredLanguage"}, {"title"},
				{httpURNEnterprise, "department"}, {httpURNEnterprise, "manager"},
			} {
				if !httpEmpty(doc, p...) {
					t.Errorf("E7 (schemas %q): %v = %#v, want it unassigned", ext, p, httpAt(doc, p...))
				}
			}
		}
	}
}

// httpTestEntraPathlessPatch replays E14: a pathless value whose keys are
// attribute paths, dotted or URN-qualified; every key is applied, with
// "replace", "add" and Entra's "Replace".
func httpTestEntraPathlessPatch(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	u := c.createEntraUser()
	for i, op := range []string{"replace", "add", "Replace"} {
		n := strconv.Itoa(i)
		value := map[string]any{
			"displayName":                         "Display " + n,
			"name.givenName":                      "Given" + n,
			"name.familyName":                     "Family" + n,
			httpURNEnterprise + ":employeeNumber": "E-" + n,
		}
		c.entraPatch("/Users/"+u.ID, map[string]any{"op": op, "value": value})
		doc := c.mustGet("User", u.ID)
		for _, f := range []struct {
			path []any
			want string
		}{
			{[]any{"displayName"}, "Display " + n},
			{[]any{"name", "givenName"}, "Given" + n},
			{[]any{"name", "familyName"}, "Family" + n},
			{[]any{httpURNEnterprise, "employeeNumber"}, "E-" + n},
			{[]any{"userName"}, u.UserName},
			{[]any{"emails", 0, "value"}, u.Email},
		} {
			if got := httpAt(doc, f.path...); got != f.want {
				t.Errorf("E14 pathless %q: %v = %#v, want %q", op, f.path, got, f.want)
			}
		}
		if httpHas(doc, "name.givenName") || httpHas(doc, httpURNEnterprise+":employeeNumber") {
			t.Errorf("E14 pathless %q: a dotted or URN key was stored literally: %v", op, doc)
		}
	}
}

// httpTestEntraManager replays E16: the manager arrives as a plain string
// (on PATCH and on create) and reads back as {"value": id}; it is changed
// with Replace and removed with Replace "" or Remove.
func httpTestEntraManager(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	boss1, boss2 := c.createEntraUser(), c.createEntraUser()
	u := c.createEntraUser()
	path := httpURNEnterprise + ":manager"

	manager := func(what string, doc map[string]any) string {
		t.Helper()
		m := httpAt(doc, httpURNEnterprise, "manager")
		switch v := m.(type) {
		case nil:
			return ""
		case map[string]any:
			s, _ := v["value"].(string)
			return s
		default:
			t.Errorf("%s: manager is %T %#v, want an object {\"value\": id}: Entra cannot read other shapes", what, m, m)
			return ""
		}
	}
	check := func(what, want string) {
		t.Helper()
		if got := manager(what, c.mustGet("User", u.ID)); got != want {
			t.Errorf("%s: GET shows manager.value %q, want %q", what, got, want)
		}
	}

	c.entraPatch("/Users/"+u.ID, map[string]any{"op": "add", "path": path, "value": boss1.ID})
	check("E16 add manager as a string", boss1.ID)
	c.entraPatch("/Users/"+u.ID, map[string]any{"op": "Replace", "path": path, "value": boss2.ID})
	check("E16 Replace manager", boss2.ID)
	c.entraPatch("/Users/"+u.ID, map[string]any{"op": "Replace", "path": path, "value": ""})
	check(`E16 Replace manager with ""`, "")
	c.entraPatch("/Users/"+u.ID, map[string]any{"op": "Add", "path": path, "value": boss1.ID})
	check("E16 Add manager again", boss1.ID)
	c.entraPatch("/Users/"+u.ID, map[string]any{"op": "Remove", "path": path})
	check("E16 Remove manager", "")

	// The plain string on create (idp-requests §1 item 12).
	r := c.post("/Users", map[string]any{
		"schemas":         []string{httpURNUser, httpURNEnterprise},
		"userName":        "managed_" + httpGUID(),
		httpURNEnterprise: map[string]any{"manager": boss2.ID},
	})
	id := r.mustCreated("User")
	if got := manager("POST with a string manager", r.Body); got != boss2.ID {
		t.Errorf("%s: manager.value %q, want %q", r, got, boss2.ID)
	}
	if got := manager("GET after POST with a string manager", c.mustGet("User", id)); got != boss2.ID {
		t.Errorf("GET /Users/%s: manager.value %q, want %q", id, got, boss2.ID)
	}
}

// httpTestEntraNullUpdate replays E17 (SCIM_Null_Update_Test): optional
// attributes set to "" and then to null read back empty or absent.
func httpTestEntraNullUpdate(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	fill := func() string {
		t.Helper()
		return c.createUser("null_"+httpGUID(), map[string]any{
			"schemas":         []string{httpURNUser, httpURNEnterprise},
			"title":           "Engineer",
			"nickName":        "Nick",
			httpURNEnterprise: map[string]any{"department": "R&D"},
		})
	}
	for _, blank := range []any{"", nil} {
		id := fill()
		c.entraPatch("/Users/"+id,
			map[string]any{"op": "Replace", "path": "title", "value": blank},
			map[string]any{"op": "Replace", "path": "nickName", "value": blank},
			map[string]any{"op": "Replace", "path": httpURNEnterprise + ":department", "value": blank})
		doc := c.mustGet("User", id)
		for _, p := range [][]any{{"title"}, {"nickName"}, {httpURNEnterprise, "department"}} {
			if !httpEmpty(doc, p...) {
				t.Errorf("E17: after Replace with %#v, %v = %#v, want it empty or absent", blank, p, httpAt(doc, p...))
			}
		}
		if doc["userName"] == nil {
			t.Errorf("E17: userName vanished: %v", doc)
		}
	}
}

// httpTestEntraGroupLifecycle replays E2 and E20–E27 on one group.
func httpTestEntraGroupLifecycle(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	u1, u2, u3 := c.createEntraUser().ID, c.createEntraUser().ID, c.createEntraUser().ID
	name := "Group_" + httpGUID()
	byName := func(n string) string {
		return "/Groups" + httpQuery("excludedAttributes", "members", "filter", `displayName eq "`+n+`"`)
	}
	noMembers := func(what string, doc map[string]any) {
		t.Helper()
		if _, ok := doc["members"]; ok {
			t.Errorf("%s: members present despite excludedAttributes=members", what)
		}
		if doc["displayName"] == nil {
			t.Errorf("%s: displayName missing: excludedAttributes=members must drop members only", what)
		}
	}

	// E2, then E20.
	c.entraList(byName(name))
	ext := httpGUID()
	r := c.do("POST", "/Groups", httpFill(t, httpEntraGroupTmpl, "externalId", ext, "displayName", name), httpEntraHeaders)
	g := r.mustCreated("Group")
	if r.Body["displayName"] != name || r.Body["externalId"] != ext {
		t.Errorf("%s: displayName/externalId not echoed", r)
	}
	if !httpEmpty(r.Body, "members") {
		t.Errorf("%s: a group created without members has members %v", r, r.Body["members"])
	}

	// E22 and E21 on an empty group.
	l := c.entraList(byName(name), g)
	for _, res := range l.Resources {
		noMembers("E22 GET "+byName(name), res)
	}
	r = c.do("GET", "/Groups/"+g+"?excludedAttributes=members", nil, httpEntraHeaders).must(http.StatusOK)
	noMembers("E21 "+r.String(), r.Body)

	// E23.
	renamed := "Renamed_" + httpGUID()
	c.entraPatch("/Groups/"+g, map[string]any{"op": "Replace", "path": "displayName", "value": renamed})
	if doc := c.mustGet("Group", g); doc["displayName"] != renamed {
		t.Errorf("E23: displayName %v, want %q", doc["displayName"], renamed)
	}
	c.entraList(byName(name))

	// E24: several ops and several values per op, "$ref": null.
	c.entraPatch("/Groups/"+g,
		map[string]any{"op": "Add", "path": "members", "value": []any{
			map[string]any{"$ref": nil, "value": u1},
			map[string]any{"$ref": nil, "value": u2},
		}},
		map[string]any{"op": "Add", "path": "members", "value": []any{map[string]any{"$ref": nil, "value": u3}}})
	c.wantMembers("E24 Add members", g, u1, u2, u3)

	// E21 and E22 again, now that there are members to leave out.
	r = c.do("GET", "/Groups/"+g+"?excludedAttributes=members", nil, httpEntraHeaders).must(http.StatusOK)
	noMembers("E21 "+r.String(), r.Body)
	l = c.entraList(byName(renamed), g)
	for _, res := range l.Resources {
		noMembers("E22 GET "+byName(renamed), res)
	}

	// Re-adding a member succeeds and does not duplicate it.
	c.entraPatch("/Groups/"+g, map[string]any{"op": "Add", "path": "members", "value": []any{map[string]any{"value": u3}}})
	c.wantMembers("re-adding an existing member", g, u1, u2, u3)

	// E25: Remove with a value array removes only the listed members.
	c.entraPatch("/Groups/"+g, map[string]any{"op": "Remove", "path": "members", "value": []any{map[string]any{"value": u1}}})
	c.wantMembers("E25 Remove members [u1]", g, u2, u3)

	// E26: remove by a value filter.
	c.entraPatch("/Groups/"+g, map[string]any{"op": "remove", "path": `members[value eq "` + u2 + `"]`})
	c.wantMembers(`E26 remove members[value eq "u2"]`, g, u3)

	// E25 as the docs show it, with "$ref": null and two values.
	c.entraPatch("/Groups/"+g, map[string]any{"op": "Add", "path": "members", "value": []any{
		map[string]any{"value": u1}, map[string]any{"value": u2},
	}})
	c.wantMembers("Add members back", g, u1, u2, u3)
	c.entraPatch("/Groups/"+g, map[string]any{"op": "Remove", "path": "members", "value": []any{
		map[string]any{"$ref": nil, "value": u1}, map[string]any{"$ref": nil, "value": u3},
	}})
	c.wantMembers(`E25 Remove members [{"$ref":null,"value":u1},{…u3}]`, g, u2)

	// Remove without a value empties the attribute (the Microsoft collection).
	c.entraPatch("/Groups/"+g, map[string]any{"op": "remove", "path": "members"})
	c.wantMembers("remove all members", g)

	// E27; the users survive their group.
	c.do("DELETE", "/Groups/"+g, nil, httpEntraHeaders).wantNoContent()
	c.wantGone("/Groups/" + g)
	c.entraList(byName(renamed))
	for _, u := range []string{u1, u2, u3} {
		c.mustGet("User", u)
	}
}

// httpTestEntraPagination replays E29 (the Logic App pagination test):
// startIndex=1, 6, 11, … with count=5 until a short page.
func httpTestEntraPagination(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	const n = 12
	var all []string
	for range n {
		all = append(all, c.createEntraUser().ID)
	}
	var seen []string
	for start := 1; ; start += 5 {
		r := c.do("GET", "/Users"+httpQuery("startIndex", strconv.Itoa(start), "count", "5"), nil, httpEntraHeaders)
		l := r.mustList(httpIndexList)
		if l.StartIndex != start {
			t.Errorf("%s: startIndex %d, want the requested %d", r, l.StartIndex, start)
		}
		if l.Total != n {
			t.Errorf("%s: totalResults %d, want %d", r, l.Total, n)
		}
		if want := min(5, max(0, n-start+1)); len(l.Resources) != want {
			t.Errorf("%s: %d resources, want %d", r, len(l.Resources), want)
		}
		seen = append(seen, l.ids()...)
		if len(l.Resources) < 5 || start > 2*n {
			break
		}
	}
	if got := httpSorted(seen); !slices.Equal(got, httpSorted(all)) {
		t.Errorf("E29: the pages returned %v, want every user exactly once: %v", got, httpSorted(all))
	}
}
