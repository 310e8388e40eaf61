package admin_test

import (
	"testing"

	"github.com/scimd/scimd/storage"
)

func testUserApps(t *testing.T, e *env) {
	r0 := acmeAndBeta(t, e)
	platform, acmeAdmin, auditor, noRole := r0.platform, r0.acmeAdmin, r0.auditor, r0.noRole
	users := "/admin/v1/tenants/acme/users"
	create := func(tenant, name string) string {
		t.Helper()
		return e.want(e.do("POST", "/admin/v1/tenants/"+tenant+"/users", platform,
			`{"userName":"`+name+`","emails":[{"value":"`+name+`@example.com"}]}`), 201, "create "+name).body["id"].(string)
	}
	alice, bob, zed := create("acme", "alice"), create("acme", "bob"), create("beta", "zed")
	newApp := func(tenant, name string) string {
		t.Helper()
		ten, err := e.store.Tenant(t.Context(), tenant)
		if err != nil {
			t.Fatal(err)
		}
		a, err := e.store.CreateApp(t.Context(), ten.ID, storage.App{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	slack, betaApp := newApp("acme", "Slack"), newApp("beta", "Jira")
	apps := func(tenant, id string) []storage.AppAssignment {
		t.Helper()
		ten, err := e.store.Tenant(t.Context(), tenant)
		if err != nil {
			t.Fatal(err)
		}
		list, err := e.store.UserApps(t.Context(), ten.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		return list
	}

	r := e.want(e.do("POST", users+"/"+alice+"/apps", acmeAdmin, map[string]any{"appId": slack, "username": "alice.l"}), 200, "assign alice")
	if r.body["app_id"] != slack || r.body["user_id"] != alice || r.body["username"] != "alice.l" || r.body["app_name"] != "Slack" {
		t.Errorf("assign alice = %s", r.raw)
	}
	e.want(e.do("POST", users+"/"+alice+"/apps", acmeAdmin, map[string]any{"appId": slack, "username": "alice"}), 200, "assign alice again, new username")
	e.want(e.do("POST", users+"/"+bob+"/apps", acmeAdmin, map[string]any{"appId": slack}), 200, "assign bob without username")
	r = e.want(e.do("POST", users+"/"+bob+"/apps", acmeAdmin, map[string]any{"appId": slack, "username": "ALICE"}), 409, "bob takes alice's app username")
	if r.body["scim_type"] != "uniqueness" {
		t.Errorf("username taken: %s", r.raw)
	}
	e.want(e.do("POST", users+"/"+bob+"/apps", acmeAdmin, map[string]any{"appId": "no-such-app"}), 404, "unknown app")
	e.want(e.do("POST", users+"/"+bob+"/apps", acmeAdmin, map[string]any{"appId": betaApp}), 404, "beta's app through acme")
	e.want(e.do("POST", users+"/no-such-user/apps", acmeAdmin, map[string]any{"appId": slack}), 404, "unknown user")
	e.want(e.do("POST", users+"/"+zed+"/apps", platform, map[string]any{"appId": slack}), 404, "beta's user through acme")
	e.want(e.do("POST", users+"/"+bob+"/apps", acmeAdmin, map[string]any{}), 400, "no appId")
	e.want(e.do("POST", users+"/"+bob+"/apps", acmeAdmin, map[string]any{"appId": slack, "role": "admin"}), 400, "unknown field")
	if got := apps("acme", alice); len(got) != 1 || got[0].Username != "alice" {
		t.Errorf("alice's apps = %+v", got)
	}
	if got := apps("acme", bob); len(got) != 1 || got[0].Username != "" {
		t.Errorf("bob's apps after refused assignments = %+v", got)
	}

	// Assigning again keeps what SCIM set beside the username, and the
	// username itself when the body has none.
	ten, err := e.store.Tenant(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Assign(t.Context(), ten.ID, storage.AppAssignment{App: slack, User: alice, Username: "alice",
		ExternalAccountID: "EXT-9", CustomAppData: map[string]any{"role": "owner"}}); err != nil {
		t.Fatal(err)
	}
	e.want(e.do("POST", users+"/"+alice+"/apps", acmeAdmin, map[string]any{"appId": slack, "username": "alice.2"}), 200, "reassign alice")
	e.want(e.do("POST", users+"/"+alice+"/apps", acmeAdmin, map[string]any{"appId": slack}), 200, "reassign alice without username")
	if got := apps("acme", alice); len(got) != 1 || got[0].Username != "alice.2" || got[0].ExternalAccountID != "EXT-9" || got[0].CustomAppData["role"] != "owner" {
		t.Errorf("alice's assignment after admin reassignments = %+v, want username alice.2 and SCIM's externalAccountId and customAppData kept", got)
	}

	// Roles.
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"POST", users + "/" + bob + "/apps", map[string]any{"appId": slack, "username": "mallory"}},
		{"DELETE", users + "/" + alice + "/apps/" + slack, nil},
	} {
		e.want(e.do(c.method, c.path, auditor, c.body), 403, "auditor "+c.method)
		e.want(e.do(c.method, c.path, noRole, c.body), 403, "no role "+c.method)
		e.want(e.do(c.method, c.path, "", c.body), 401, "no token "+c.method)
	}
	e.want(e.do("POST", "/admin/v1/tenants/beta/users/"+zed+"/apps", acmeAdmin, map[string]any{"appId": betaApp}), 403, "acme admin assigns in beta")
	e.want(e.do("DELETE", "/admin/v1/tenants/beta/users/"+zed+"/apps/"+betaApp, acmeAdmin, nil), 403, "acme admin unassigns in beta")
	if got := apps("acme", alice); len(got) != 1 || got[0].Username != "alice.2" {
		t.Errorf("alice's apps after refused writes = %+v", got)
	}
	if got := apps("beta", zed); len(got) != 0 {
		t.Errorf("zed's apps after refused writes = %+v", got)
	}

	// Remove.
	e.want(e.do("DELETE", users+"/"+alice+"/apps/"+slack, acmeAdmin, nil), 204, "unassign alice")
	e.want(e.do("DELETE", users+"/"+alice+"/apps/"+slack, acmeAdmin, nil), 404, "unassign alice again")
	e.want(e.do("DELETE", users+"/no-such-user/apps/"+slack, acmeAdmin, nil), 404, "unassign an unknown user")
	e.want(e.do("DELETE", users+"/"+bob+"/apps/no-such-app", acmeAdmin, nil), 404, "unassign an unknown app")
	if got := apps("acme", alice); len(got) != 0 {
		t.Errorf("alice's apps after unassign = %+v", got)
	}
	e.want(e.do("POST", "/admin/v1/tenants/nosuch/users/x/apps", platform, map[string]any{"appId": slack}), 404, "assign in a missing tenant")
}
