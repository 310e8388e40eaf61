package admin_test

import (
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scimd/scimd/admin"
	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/mysql/mysqltest"
	"github.com/scimd/scimd/storage/sqlite"
)

func TestAuditSQLite(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "scimd.db"), logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	testAudit(t, newEnv(t, s))
}

func TestAuditMySQL(t *testing.T) {
	testAudit(t, newEnv(t, mysqltest.StoreFactory(t)(t)))
}

// scimCall sends a SCIM request to tenant acme and returns the status and
// the decoded body.
func scimCall(t *testing.T, e *env, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	return scimJSON(t, e, method, "/tenants/acme/scim/v2"+path, token, body)
}

// testAudit makes writes of every kind through SCIM and the admin API,
// counting those answered 2xx, and checks that the tenant's audit log holds
// exactly one entry for each, in order, by the right actor, and none for
// the refused ones.
func testAudit(t *testing.T, e *env) {
	platform := e.iss.token(t, "root", []string{admin.RolePlatformAdmin}, nil)
	acmeAdmin := e.iss.token(t, "alice-admin", []string{admin.RoleTenantAdmin}, []string{"acme"})
	auditor := e.iss.token(t, "audrey", []string{admin.RoleAuditor}, []string{"acme"})
	betaAdmin := e.iss.token(t, "bert", []string{admin.RoleTenantAdmin}, []string{"beta"})

	// want lists the expected entries, oldest first: "actor op type".
	var want []string
	adminWrite := func(method, path, token, sub string, body any, status int, op, rtype string) response {
		t.Helper()
		r := e.want(e.do(method, "/admin/v1"+path, token, body), status, method+" "+path)
		want = append(want, "admin:"+sub+" "+op+" "+rtype)
		return r
	}
	const label = "okta-prod"
	var token string
	scimWrite := func(method, path, body string, status int, op, rtype string) map[string]any {
		t.Helper()
		code, out := scimCall(t, e, method, path, token, body)
		if code != status && (status != 200 || code != 204) { // PATCH may answer 204

			t.Fatalf("SCIM %s %s: %d, want %d: %v", method, path, code, status, out)
		}
		want = append(want, "scim:"+label+" "+op+" "+rtype)
		return out
	}
	refused := func(method, path, body string, status int) {
		t.Helper()
		if code, out := scimCall(t, e, method, path, token, body); code != status {
			t.Fatalf("SCIM %s %s: %d, want %d: %v", method, path, code, status, out)
		}
	}

	adminWrite("POST", "/tenants", platform, "root", map[string]any{"name": "acme"}, 201, "create", "Tenant")
	e.want(e.do("POST", "/admin/v1/tenants", platform, map[string]any{"name": "beta"}), 201, "create beta")
	r := adminWrite("POST", "/tenants/acme/credentials", acmeAdmin, "alice-admin", map[string]any{"name": label}, 201, "create", "Credential")
	token, _ = r.body["token"].(string)
	credID, _ := r.body["id"].(string)

	// SCIM writes.
	const password = "Tr0ub4dor&3-very-secret"
	alice := scimWrite("POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice","password":"`+password+`"}`, 201, "create", "User")
	aliceID, _ := alice["id"].(string)
	bob := scimWrite("POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob"}`, 201, "create", "User")
	bobID, _ := bob["id"].(string)
	refused("POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ALICE"}`, 409)
	scimWrite("PATCH", "/Users/"+aliceID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Alice A."}]}`, 200, "update", "User")
	scimWrite("PATCH", "/Users/"+aliceID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"password","value":"`+password+`-2"}]}`, 200, "update", "User")
	refused("PATCH", "/Users/"+aliceID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"frobnicate","path":"displayName","value":"x"}]}`, 400)
	scimWrite("PUT", "/Users/"+bobID, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob","title":"Engineer"}`, 200, "update", "User")
	group := scimWrite("POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"eng","members":[{"value":"`+aliceID+`"}]}`, 201, "create", "Group")
	groupID, _ := group["id"].(string)
	scimWrite("PATCH", "/Groups/"+groupID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"`+bobID+`"}]}]}`, 200, "update", "Group")
	// SCIM skips unknown members (as Okta and Entra expect) but the write
	// still makes a new version of the group: an entry that adds nothing.
	scimWrite("PATCH", "/Groups/"+groupID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"no-such-user"}]}]}`, 200, "update", "Group")
	refused("PATCH", "/Groups/"+groupID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"nope","value":"x"}]}`, 400)
	scimWrite("PATCH", "/Groups/"+groupID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"`+aliceID+`\"]"}]}`, 200, "update", "Group")
	scimWrite("PUT", "/Groups/"+groupID, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"engineering","members":[{"value":"`+aliceID+`"}]}`, 200, "update", "Group")
	app := scimWrite("POST", "/Apps", `{"name":"wiki"}`, 201, "create", "App")
	appID, _ := app["id"].(string)
	scimWrite("PUT", "/Apps/"+appID, `{"name":"wiki","description":"the team wiki"}`, 200, "update", "App")
	scimWrite("PUT", "/Users/"+aliceID+"/apps/"+appID, `{"username":"alice.w"}`, 200, "assign", "User")
	scimWrite("DELETE", "/Users/"+aliceID+"/apps/"+appID, "", 204, "unassign", "User")
	refused("DELETE", "/Users/"+aliceID+"/apps/"+appID, "", 404)
	scimWrite("POST", "/Users/"+bobID+"/sessions/invalidate", "", 200, "update", "User")
	scimWrite("POST", "/sessions/invalidate", "", 200, "invalidate_sessions", "Tenant")
	scimWrite("DELETE", "/Apps/"+appID, "", 204, "delete", "App")

	// Admin writes.
	chat := scimWrite("POST", "/Apps", `{"name":"chat"}`, 201, "create", "App")
	chatID, _ := chat["id"].(string)
	r = adminWrite("POST", "/tenants/acme/users", acmeAdmin, "alice-admin",
		map[string]any{"userName": "carol", "emails": []any{map[string]any{"value": "carol@example.com"}}, "password": password + "-3"}, 201, "create", "User")
	carolID, _ := r.body["id"].(string)
	e.want(e.do("POST", "/admin/v1/tenants/acme/users", acmeAdmin, map[string]any{"userName": "nocontact"}), 400, "create without email or phone")
	adminWrite("PUT", "/tenants/acme/users/"+carolID, acmeAdmin, "alice-admin",
		map[string]any{"userName": "carol", "emails": []any{map[string]any{"value": "carol@example.com"}}, "title": "Lead"}, 200, "update", "User")
	adminWrite("PATCH", "/tenants/acme/users/by?identifier=carol%40example.com", platform, "root", map[string]any{"displayName": "Carol C."}, 200, "update", "User")
	adminWrite("POST", "/tenants/acme/users/"+carolID+"/apps", acmeAdmin, "alice-admin", map[string]any{"appId": chatID, "username": "carol.c"}, 200, "assign", "User")
	e.want(e.do("POST", "/admin/v1/tenants/acme/users/"+carolID+"/apps", auditor, map[string]any{"appId": chatID}), 403, "auditor assigns")
	adminWrite("DELETE", "/tenants/acme/users/"+carolID+"/apps/"+chatID, acmeAdmin, "alice-admin", nil, 204, "unassign", "User")
	adminWrite("DELETE", "/tenants/acme/users/by?identifier=carol", acmeAdmin, "alice-admin", nil, 204, "delete", "User")
	e.want(e.do("DELETE", "/admin/v1/tenants/acme/users/"+carolID, acmeAdmin, nil), 404, "carol deleted twice")
	scimWrite("DELETE", "/Apps/"+chatID, "", 204, "delete", "App")
	adminWrite("POST", "/tenants/acme/users/"+aliceID+"/suspend", acmeAdmin, "alice-admin", nil, 200, "update", "User")
	adminWrite("POST", "/tenants/acme/users/"+aliceID+"/activate", platform, "root", nil, 200, "update", "User")
	adminWrite("POST", "/tenants/acme/users/"+bobID+"/sessions/invalidate", acmeAdmin, "alice-admin", nil, 200, "update", "User")
	adminWrite("POST", "/tenants/acme/groups/"+groupID+"/members", acmeAdmin, "alice-admin",
		map[string]any{"members": []map[string]any{{"value": bobID, "type": "User"}}}, 200, "update", "Group")
	adminWrite("DELETE", "/tenants/acme/groups/"+groupID+"/members/"+bobID, acmeAdmin, "alice-admin", nil, 204, "update", "Group")
	adminWrite("PUT", "/tenants/acme/schema", acmeAdmin, "alice-admin", `{"User":[{"name":"badgeId","type":"string"}]}`, 200, "set_schema", "Schema")
	e.want(e.do("PUT", "/admin/v1/tenants/acme/schema", acmeAdmin, `{"User":[{"name":"x","type":"nope"}]}`), 400, "invalid schema")
	r = adminWrite("POST", "/tenants/acme/credentials", acmeAdmin, "alice-admin", map[string]any{"name": "temp"}, 201, "create", "Credential")
	tempID, _ := r.body["id"].(string)
	adminWrite("DELETE", "/tenants/acme/credentials/"+tempID, platform, "root", nil, 204, "revoke", "Credential")
	e.want(e.do("POST", "/admin/v1/tenants/acme/credentials", acmeAdmin, map[string]any{"name": label}), 409, "credential name taken")

	// SCIM deletes, last.
	scimWrite("DELETE", "/Groups/"+groupID, "", 204, "delete", "Group")
	scimWrite("DELETE", "/Users/"+bobID, "", 204, "delete", "User")
	refused("DELETE", "/Users/"+bobID, "", 404)

	// The auditor reads the whole log, three entries a page.
	var got []string
	var raw strings.Builder
	cursor := ""
	for range 100 {
		path := "/admin/v1/tenants/acme/audit?count=3"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		r := e.want(e.do("GET", path, auditor, nil), 200, "read the audit log")
		raw.Write(r.raw)
		entries, _ := r.body["entries"].([]any)
		if len(entries) > 3 {
			t.Fatalf("count=3 answered %d entries", len(entries))
		}
		for _, x := range entries {
			en := x.(map[string]any)
			actor := en["actor"].(map[string]any)
			got = append(got, actor["kind"].(string)+":"+actor["name"].(string)+" "+en["operation"].(string)+" "+en["resource_type"].(string))
			if actor["kind"] == storage.ActorSCIM && actor["id"] != credID {
				t.Errorf("SCIM entry's actor id = %v, want the credential %s", actor["id"], credID)
			}
			if _, ok := en["changes"].([]any); !ok {
				t.Errorf("entry without a changes list: %v", en)
			}
		}
		cursor, _ = r.body["next_cursor"].(string)
		if cursor == "" {
			break
		}
	}
	slices.Reverse(got)
	if len(got) != len(want) {
		t.Errorf("%d audit entries for %d successful writes", len(got), len(want))
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit log, oldest first:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, secret := range []string{password, password + "-3", token} {
		if strings.Contains(raw.String(), secret) {
			t.Errorf("the audit log shows the secret %q", secret)
		}
	}
	if strings.Contains(raw.String(), "no-such-user") {
		t.Errorf("the audit log shows a skipped unknown member as added")
	}
	if !strings.Contains(raw.String(), `"path":"password","new":"[redacted]"`) {
		t.Errorf("the audit log does not show the password's change as redacted")
	}

	// Alice's timeline: her own entries, newest first.
	r = e.want(e.do("GET", "/admin/v1/tenants/acme/users/"+aliceID+"/audit", auditor, nil), 200, "alice's timeline")
	var ops []string
	for _, x := range r.body["entries"].([]any) {
		en := x.(map[string]any)
		if en["resource_id"] != aliceID {
			t.Errorf("alice's timeline holds %v", en)
		}
		ops = append(ops, en["operation"].(string))
	}
	if w := []string{"update", "update", "unassign", "assign", "update", "update", "create"}; !slices.Equal(ops, w) {
		t.Errorf("alice's timeline = %v, want %v", ops, w)
	}
	// A user's timeline holds users' entries only: a group's ID has none.
	if r := e.want(e.do("GET", "/admin/v1/tenants/acme/users/"+groupID+"/audit", auditor, nil), 200, "a group's ID as a user's timeline"); len(r.body["entries"].([]any)) != 0 {
		t.Errorf("the user timeline of a group's ID = %s, want no entries", r.raw)
	}
	// A deleted user's timeline stays readable.
	r = e.want(e.do("GET", "/admin/v1/tenants/acme/users/"+bobID+"/audit?count=1", auditor, nil), 200, "bob's timeline")
	if en := r.body["entries"].([]any); len(en) != 1 || en[0].(map[string]any)["operation"] != "delete" || r.body["next_cursor"] == "" {
		t.Errorf("bob's timeline, first page = %s", r.raw)
	}

	// Access and bad input.
	e.want(e.do("GET", "/admin/v1/tenants/acme/audit", betaAdmin, nil), 403, "another tenant's admin")
	e.want(e.do("GET", "/admin/v1/tenants/acme/audit", "", nil), 401, "no token")
	e.want(e.do("GET", "/admin/v1/tenants/acme/audit?count=0", auditor, nil), 400, "count 0")
	e.want(e.do("GET", "/admin/v1/tenants/acme/audit?count=1001", auditor, nil), 400, "count too big")
	e.want(e.do("GET", "/admin/v1/tenants/acme/audit?cursor=nope!", auditor, nil), 400, "bad cursor")
	e.want(e.do("GET", "/admin/v1/tenants/nosuch/audit", platform, nil), 404, "missing tenant")
	if r := e.want(e.do("GET", "/admin/v1/tenants/beta/audit", betaAdmin, nil), 200, "beta's log"); len(r.body["entries"].([]any)) != 1 {
		t.Errorf("beta's log = %s, want its creation only", r.raw)
	}
}
