package admin_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/scimd/scimd/schemas"
)

// scimJSON sends a SCIM request with a tenant's bearer token and returns
// the status and the decoded body.
func scimJSON(t *testing.T, e *env, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	status, raw := scimRequest(t, e, method, path, token, body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return status, out
}

// userNames returns the user_name of each user of a list answer.
func userNames(r response) []string {
	var names []string
	list, _ := r.body["users"].([]any)
	for _, x := range list {
		names = append(names, x.(map[string]any)["user_name"].(string))
	}
	return names
}

func testUsers(t *testing.T, e *env) {
	r0 := acmeAndBeta(t, e)
	platform, acmeAdmin, auditor, noRole := r0.platform, r0.acmeAdmin, r0.auditor, r0.noRole
	e.want(e.do("PUT", "/admin/v1/tenants/acme/schema", platform, `{"User":[{"name":"badgeId","type":"string","identifier":true},{"name":"level","type":"integer"},{"name":"vip","type":"boolean"}]}`), 200, "schema")
	tok := e.want(e.do("POST", "/admin/v1/tenants/acme/credentials", platform, map[string]any{"name": "okta"}), 201, "credential").body["token"].(string)
	betaTok := e.want(e.do("POST", "/admin/v1/tenants/beta/credentials", platform, map[string]any{"name": "okta"}), 201, "beta credential").body["token"].(string)

	ids := map[string]string{}
	create := func(tenantTok, userName, extra string) {
		t.Helper()
		body := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","` + schemas.ScimdUserURN + `","urn:scimd:schemas:extension:tenant:2.0:User"],` +
			`"userName":"` + userName + `"` + extra + `}`
		tenant := "acme"
		if tenantTok == betaTok {
			tenant = "beta"
		}
		code, res := scimJSON(t, e, "POST", "/tenants/"+tenant+"/scim/v2/Users", tenantTok, body)
		if code != 201 {
			t.Fatalf("SCIM create %s: %d %v", userName, code, res)
		}
		ids[userName] = res["id"].(string)
	}
	create(tok, "alice", `,"externalId":"ext-a","password":"correct horse","emails":[{"value":"alice@example.com","primary":true}],`+
		`"phoneNumbers":[{"value":"+1 555 010 0001"}],"urn:scimd:schemas:extension:tenant:2.0:User":{"badgeId":"B-1","level":3,"vip":true}`)
	create(tok, "bob", `,"`+schemas.ScimdUserURN+`":{"status":"pending"}`)
	create(tok, "carol", `,"active":false`)
	create(tok, "dave", `,"`+schemas.ScimdUserURN+`":{"status":"suspended"}`)
	create(tok, "erin", "")
	create(betaTok, "zed", `,"emails":[{"value":"alice@example.com"}]`)
	for _, u := range []string{"alice", "erin"} { // erin logs in last
		if code, res := scimJSON(t, e, "POST", "/tenants/acme/scim/v2/Users/"+ids[u]+"/login", tok, ""); code != 200 {
			t.Fatalf("SCIM login %s: %d %v", u, code, res)
		}
	}
	users := "/admin/v1/tenants/acme/users"

	// The list: by lastLoginAt descending unless sortBy says otherwise;
	// users who never logged in sort first.
	r := e.want(e.do("GET", users, auditor, nil), 200, "list")
	got := userNames(r)
	if r.body["total_results"] != float64(5) || len(got) != 5 || strings.Join(got[3:], ",") != "erin,alice" {
		t.Errorf("default list = %v, total %v", got, r.body["total_results"])
	}
	if strings.Contains(string(r.raw), "correct horse") || strings.Contains(string(r.raw), `"password"`) {
		t.Errorf("the list shows a password: %s", r.raw)
	}
	r = e.want(e.do("GET", users+"?sortBy=userName&count=2&startIndex=2", auditor, nil), 200, "page")
	if got := strings.Join(userNames(r), ","); got != "bob,carol" || r.body["total_results"] != float64(5) || r.body["start_index"] != float64(2) {
		t.Errorf("page 2 by userName = %s (%s)", got, r.raw)
	}
	r = e.want(e.do("GET", users+"?sortBy=userName&sortOrder=descending&count=1", auditor, nil), 200, "descending")
	if got := strings.Join(userNames(r), ","); got != "erin" {
		t.Errorf("first by userName descending = %s", got)
	}
	search := map[string]string{
		"status=pending":                           "bob",
		"status=Active":                            "alice,erin",
		"status=deprovisioned":                     "carol",
		"status=suspended":                         "dave",
		"email=ALICE@example.com":                  "alice",
		"phone=" + url.QueryEscape("+15550100001"): "alice",
		"userName=carol":                           "carol",
		"externalId=ext-a":                         "alice",
		"externalId=EXT-A":                         "",
		"status=active&userName=bob":               "",
		"filter=" + url.QueryEscape(`userName sw "a" or userName eq "dave"`):                                           "alice,dave",
		"filter=" + url.QueryEscape(`urn:scimd:schemas:extension:tenant:2.0:User:badgeId eq "B-1"`) + "&status=active": "alice",
		"custom.badgeId=B-1":              "alice",
		"custom.badgeId=B-1&userName=bob": "",
		"custom.badgeId=B-404":            "",
		"custom.level=3":                  "alice",
		"custom.level=4":                  "",
		"custom.vip=true&custom.level=3":  "alice",
	}
	for q, want := range search {
		r := e.want(e.do("GET", users+"?sortBy=userName&"+q, auditor, nil), 200, "search "+q)
		if got := strings.Join(userNames(r), ","); got != want {
			t.Errorf("search %s = %q, want %q", q, got, want)
		}
	}
	for q, detail := range map[string]string{
		"filter=" + url.QueryEscape(`userName eq`):   "filter",
		"filter=" + url.QueryEscape(`nosuch eq "x"`): "nosuch",
		"status=gone":                          "status",
		"sortBy=" + url.QueryEscape("emails["): "sortBy",
		"sortOrder=sideways":                   "sortOrder",
		"count=many":                           "count",
		"custom.nosuch=x":                      "nosuch",
		"custom.=x":                            "custom.",
		"custom.level=high":                    "integer",
		"custom.vip=maybe":                     "boolean",
	} {
		r := e.want(e.do("GET", users+"?"+q, auditor, nil), 400, "bad search "+q)
		if d, _ := r.body["detail"].(string); !strings.Contains(d, detail) {
			t.Errorf("bad search %s: detail %q does not mention %s", q, d, detail)
		}
	}

	// Counts.
	r = e.want(e.do("GET", users+"/count", auditor, nil), 200, "count")
	want := map[string]any{"pending": float64(1), "active": float64(2), "suspended": float64(1), "deprovisioned": float64(1)}
	if r.body["total"] != float64(5) || !mapsEqual(r.body["by_status"], want) {
		t.Errorf("count = %s", r.raw)
	}
	r = e.want(e.do("GET", users+"/count?filter="+url.QueryEscape(`userName lt "c"`), auditor, nil), 200, "count filtered")
	if r.body["total"] != float64(2) || !mapsEqual(r.body["by_status"], map[string]any{"pending": float64(1), "active": float64(1), "suspended": float64(0), "deprovisioned": float64(0)}) {
		t.Errorf("filtered count = %s", r.raw)
	}
	e.want(e.do("GET", users+"/count?filter=nope", auditor, nil), 400, "count, bad filter")

	// Get and lookup.
	r = e.want(e.do("GET", users+"/"+ids["alice"], auditor, nil), 200, "get alice")
	if r.body["user_name"] != "alice" || r.body["status"] != "active" || r.body["external_id"] != "ext-a" || r.body["last_login_at"] == nil ||
		strings.Contains(string(r.raw), `"password"`) || r.body["attributes"].(map[string]any)["emails"] == nil {
		t.Errorf("get alice = %s", r.raw)
	}
	e.want(e.do("GET", users+"/"+ids["zed"], platform, nil), 404, "beta's user through acme")
	e.want(e.do("GET", users+"/no-such-id", platform, nil), 404, "unknown user")
	for _, id := range []string{"alice", "ALICE@example.com", "+1 (555) 010-0001", "ext-a", "B-1"} {
		r := e.want(e.do("GET", users+"/lookup?identifier="+url.QueryEscape(id), auditor, nil), 200, "lookup "+id)
		if got := strings.Join(userNames(r), ","); got != "alice" {
			t.Errorf("lookup %s = %q", id, got)
		}
	}
	if r := e.want(e.do("GET", users+"/lookup?identifier=nobody", auditor, nil), 200, "lookup nobody"); len(userNames(r)) != 0 {
		t.Errorf("lookup nobody = %s", r.raw)
	}
	e.want(e.do("GET", users+"/lookup", auditor, nil), 400, "lookup without identifier")

	// Suspend and activate move status, statusChangedAt and
	// sessionsValidAfter as SCIM writes do.
	r = e.want(e.do("POST", users+"/"+ids["alice"]+"/suspend", acmeAdmin, nil), 200, "suspend alice")
	if r.body["status"] != "suspended" || r.body["status_changed_at"] == nil || r.body["sessions_valid_after"] != r.body["status_changed_at"] {
		t.Errorf("suspended alice = %s", r.raw)
	}
	version := r.body["version"]
	_, scimUser := scimJSON(t, e, "GET", "/tenants/acme/scim/v2/Users/"+ids["alice"], tok, "")
	ext, _ := scimUser[schemas.ScimdUserURN].(map[string]any)
	if scimUser["active"] != false || ext["status"] != "suspended" || ext["sessionsValidAfter"] != r.body["sessions_valid_after"] {
		t.Errorf("SCIM sees suspended alice as %v", scimUser)
	}
	r = e.want(e.do("POST", users+"/"+ids["alice"]+"/suspend", platform, nil), 200, "suspend alice again")
	if r.body["version"] != version {
		t.Errorf("suspending a suspended user wrote it: %s", r.raw)
	}
	r = e.want(e.do("POST", users+"/"+ids["carol"]+"/suspend", acmeAdmin, nil), 409, "suspend deprovisioned carol")
	if !strings.Contains(r.body["detail"].(string), "deprovisioned") {
		t.Errorf("suspend carol: %s", r.raw)
	}
	for _, u := range []string{"alice", "bob", "carol"} {
		r = e.want(e.do("POST", users+"/"+ids[u]+"/activate", acmeAdmin, nil), 200, "activate "+u)
		if r.body["status"] != "active" || r.body["attributes"].(map[string]any)["active"] != true {
			t.Errorf("activated %s = %s", u, r.raw)
		}
	}
	r = e.want(e.do("GET", users+"/count", auditor, nil), 200, "count after")
	if !mapsEqual(r.body["by_status"], map[string]any{"pending": float64(0), "active": float64(4), "suspended": float64(1), "deprovisioned": float64(0)}) {
		t.Errorf("count after = %s", r.raw)
	}

	r = e.want(e.do("POST", users+"/"+ids["erin"]+"/sessions/invalidate", acmeAdmin, nil), 200, "invalidate erin")
	if r.body["sessions_valid_after"] == nil || r.body["status"] != "active" {
		t.Errorf("invalidated erin = %s", r.raw)
	}
	if _, s := scimJSON(t, e, "GET", "/tenants/acme/scim/v2/Users/"+ids["erin"]+"/sessions", tok, ""); s["userSessionsValidAfter"] != r.body["sessions_valid_after"] {
		t.Errorf("SCIM sessions of erin = %v", s)
	}
	for _, action := range []string{"suspend", "activate", "sessions/invalidate"} {
		e.want(e.do("POST", users+"/no-such-id/"+action, platform, nil), 404, action+" unknown user")
		e.want(e.do("POST", users+"/"+ids["zed"]+"/"+action, platform, nil), 404, action+" beta's user through acme")
		e.want(e.do("POST", "/admin/v1/tenants/nosuch/users/x/"+action, platform, nil), 404, action+" in a missing tenant")
	}
	e.want(e.do("GET", "/admin/v1/tenants/nosuch/users", platform, nil), 404, "list, missing tenant")
	e.want(e.do("GET", "/admin/v1/tenants/nosuch/users/count", platform, nil), 404, "count, missing tenant")

	// Roles: auditors read only; tenant admins their tenants only.
	reads := []string{"/users", "/users/count", "/users/lookup?identifier=x", "/users/" + ids["erin"]}
	writes := []string{"/suspend", "/activate", "/sessions/invalidate"}
	for _, p := range reads {
		e.want(e.do("GET", "/admin/v1/tenants/beta"+p, acmeAdmin, nil), 403, "tenant admin reads beta "+p)
		e.want(e.do("GET", "/admin/v1/tenants/beta"+p, auditor, nil), 403, "auditor reads beta "+p)
		e.want(e.do("GET", "/admin/v1/tenants/nosuch"+p, acmeAdmin, nil), 403, "tenant admin reads nosuch "+p)
		e.want(e.do("GET", "/admin/v1/tenants/acme"+p, noRole, nil), 403, "no role reads "+p)
		e.want(e.do("GET", "/admin/v1/tenants/acme"+p, "", nil), 401, "no token reads "+p)
		e.want(e.do("GET", "/admin/v1/tenants/acme"+p, acmeAdmin, nil), 200, "tenant admin reads "+p)
		e.want(e.do("GET", "/admin/v1/tenants/beta"+strings.Replace(p, ids["erin"], ids["zed"], 1), platform, nil), 200, "platform admin reads beta "+p)
	}
	for _, w := range writes {
		p := "/admin/v1/tenants/acme/users/" + ids["dave"] + w
		e.want(e.do("POST", p, auditor, nil), 403, "auditor writes "+w)
		e.want(e.do("POST", p, noRole, nil), 403, "no role writes "+w)
		e.want(e.do("POST", p, "", nil), 401, "no token writes "+w)
		e.want(e.do("POST", "/admin/v1/tenants/beta/users/"+ids["zed"]+w, acmeAdmin, nil), 403, "tenant admin writes beta "+w)
	}
	r = e.want(e.do("GET", users+"/"+ids["dave"], platform, nil), 200, "dave after refused writes")
	if r.body["status"] != "suspended" || r.body["version"] != float64(1) || r.body["sessions_valid_after"] != nil {
		t.Errorf("a refused write changed dave: %s", r.raw)
	}
	r = e.want(e.do("GET", "/admin/v1/tenants/beta/users/"+ids["zed"], platform, nil), 200, "zed after refused writes")
	if r.body["status"] != "active" || r.body["version"] != float64(1) {
		t.Errorf("a refused write changed zed: %s", r.raw)
	}
	r = e.want(e.do("POST", users+"/"+ids["dave"], platform, nil), 405, "POST a user")
	if allow := r.header.Get("Allow"); allow != "GET, HEAD, PUT, PATCH, DELETE" {
		t.Errorf("Allow = %q, want GET, HEAD, PUT, PATCH, DELETE", allow)
	}
}

func mapsEqual(a any, b map[string]any) bool {
	m, ok := a.(map[string]any)
	if !ok || len(m) != len(b) {
		return false
	}
	for k, v := range b {
		if m[k] != v {
			return false
		}
	}
	return true
}
