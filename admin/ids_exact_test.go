package admin_test

import (
	"crypto/sha256"
	"net/url"
	"strings"
	"testing"

	"github.com/scimd/scimd/admin"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// testIDsExact checks that an ID in a path or a body names a resource byte
// for byte: MySQL ignores trailing spaces when it compares IDs,
// and "{id} " or "{id}\t" must answer as an unknown ID does, changing
// nothing.
func testIDsExact(t *testing.T, e *env) {
	ctx := t.Context()
	platform := e.iss.token(t, "root", []string{admin.RolePlatformAdmin}, nil)
	e.want(e.do("POST", "/admin/v1/tenants", platform, map[string]any{"name": "acme"}), 201, "create acme")
	tenant, err := e.store.Tenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	set := schemas.Default()
	create := func(rt *schemas.ResourceType, r storage.Resource) string {
		t.Helper()
		got, err := e.store.Create(ctx, tenant.ID, rt, r)
		if err != nil {
			t.Fatal(err)
		}
		return got.ID
	}
	u := create(&set.User, storage.Resource{Attributes: map[string]any{"userName": "ann"}})
	v := create(&set.User, storage.Resource{Attributes: map[string]any{"userName": "bea"}})
	g := create(&set.Group, storage.Resource{Attributes: map[string]any{"displayName": "staff"}, Members: []storage.Member{{Value: u}}})
	app, err := e.store.CreateApp(ctx, tenant.ID, storage.App{Name: "wiki"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Assign(ctx, tenant.ID, storage.AppAssignment{App: app.ID, User: u}); err != nil {
		t.Fatal(err)
	}
	hash := sha256.Sum256([]byte("acme-token"))
	cred, err := e.store.CreateCredential(ctx, tenant.ID, "okta", hash[:])
	if err != nil {
		t.Fatal(err)
	}
	versions := map[string]int64{}
	for _, id := range []string{u, v} {
		r, err := e.store.Get(ctx, tenant.ID, &set.User, id, storage.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		versions[id] = r.Meta.Version
	}

	const base = "/admin/v1/tenants/acme"
	appBody := func(id string) any { return map[string]any{"appId": id} }
	memberBody := func(id string) any { return map[string]any{"members": []any{map[string]any{"value": id}}} }
	requests := []struct {
		method, path string // {id} in path is replaced by the ID, percent-encoded
		id           string
		body         func(id string) any // the request's body, with the ID if it holds it
	}{
		{"GET", "/users/{id}", u, nil},
		{"PUT", "/users/{id}", u, func(string) any { return map[string]any{"userName": "ann"} }},
		{"PATCH", "/users/{id}", u, func(string) any { return map[string]any{"displayName": "Padded"} }},
		{"POST", "/users/{id}/suspend", u, nil},
		{"POST", "/users/{id}/activate", u, nil},
		{"POST", "/users/{id}/sessions/invalidate", u, nil},
		{"GET", "/users/{id}/audit", u, nil},
		{"POST", "/users/{id}/apps", v, func(string) any { return appBody(app.ID) }},
		{"POST", "/users/" + v + "/apps", app.ID, appBody},
		{"DELETE", "/users/{id}/apps/" + app.ID, u, nil},
		{"DELETE", "/users/" + u + "/apps/{id}", app.ID, nil},
		{"GET", "/groups/{id}", g, nil},
		{"GET", "/groups/{id}/members", g, nil},
		{"POST", "/groups/{id}/members", g, func(string) any { return memberBody(v) }},
		{"POST", "/groups/" + g + "/members", v, memberBody},
		{"DELETE", "/groups/{id}/members/" + u, g, nil},
		{"DELETE", "/groups/" + g + "/members/{id}", u, nil},
		{"DELETE", "/credentials/{id}", cred.ID, nil},
		{"DELETE", "/users/{id}", u, nil},
	}
	for _, r := range requests {
		send := func(id string) response {
			var body any
			if r.body != nil {
				body = r.body(id)
			}
			return e.do(r.method, base+strings.ReplaceAll(r.path, "{id}", url.PathEscape(id)), platform, body)
		}
		want := send("no-such-id")
		if want.status < 400 && want.status != 204 && !(r.method == "GET" && want.status == 200) {
			t.Fatalf("test bug: %s %s with an unknown ID: %d %s", r.method, r.path, want.status, want.raw)
		}
		for _, id := range []string{r.id + " ", r.id + "  ", r.id + "\t"} {
			if got := send(id); got.status != want.status || (got.status == 200 && string(got.raw) != string(want.raw)) {
				t.Errorf("%s %s with %q: %d %s; want %d as for an unknown ID", r.method, r.path, id, got.status, got.raw, want.status)
			}
		}
	}
	for _, id := range []string{u, v} {
		r, err := e.store.Get(ctx, tenant.ID, &set.User, id, storage.GetOptions{Apps: true})
		if err != nil || r.Meta.Version != versions[id] {
			t.Errorf("user %s after the requests: version %d, %v; want %d", id, r.Meta.Version, err, versions[id])
		}
		if want := map[string]int{u: 1, v: 0}[id]; len(r.Apps) != want {
			t.Errorf("user %s has apps %v, want %d", id, r.Apps, want)
		}
	}
	if r, err := e.store.Get(ctx, tenant.ID, &set.Group, g, storage.GetOptions{Members: true}); err != nil || len(r.Members) != 1 || r.Members[0].Value != u {
		t.Errorf("group after the requests: members %v, %v; want [%s]", r.Members, err, u)
	}
	if creds, err := e.store.Credentials(ctx, tenant.ID); err != nil || len(creds) != 1 || creds[0].Revoked != nil {
		t.Errorf("credentials after the requests = %+v, %v; want one, not revoked", creds, err)
	}
}
