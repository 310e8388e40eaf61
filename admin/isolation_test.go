package admin_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scimd/scimd/admin"
	"github.com/scimd/scimd/storage/mysql/mysqltest"
	"github.com/scimd/scimd/storage/sqlite"
)

// TestAdminIsolationSQLite and TestAdminIsolationMySQL enumerate every
// operation of openapi.json (as served at /admin/v1/openapi.json): a
// tenant admin or auditor of beta gets 403 on every tenant-scoped path of
// acme, exactly as on a tenant that does not exist (no 404/403 difference
// reveals which tenants exist); on beta's own paths, acme's ids are
// answered exactly as unknown ids; and acme is unchanged.
func TestAdminIsolationSQLite(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "scimd.db"), logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	testAdminIsolation(t, newEnv(t, s))
}

func TestAdminIsolationMySQL(t *testing.T) {
	testAdminIsolation(t, newEnv(t, mysqltest.StoreFactory(t)(t)))
}

// adminOperations reads the served OpenAPI document's operations as
// "METHOD path" pairs, in a stable order.
func adminOperations(t *testing.T, e *env) [][2]string {
	t.Helper()
	r := e.want(e.do("GET", "/admin/v1/openapi.json", "", nil), 200, "openapi.json")
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(r.raw, &doc); err != nil {
		t.Fatal(err)
	}
	var ops [][2]string
	for p, item := range doc.Paths {
		for m := range item {
			switch m {
			case "get", "post", "put", "patch", "delete":
				ops = append(ops, [2]string{strings.ToUpper(m), p})
			}
		}
	}
	slices.SortFunc(ops, func(a, b [2]string) int { return strings.Compare(a[1]+a[0], b[1]+b[0]) })
	if len(ops) == 0 {
		t.Fatal("openapi.json lists no operation")
	}
	return ops
}

// fillAdminPath puts tenant and ids into an OpenAPI path; ok is false for
// a parameter the test does not know.
func fillAdminPath(p, tenant string, ids map[string]string) (path string, hasIDs, ok bool) {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if !strings.HasPrefix(s, "{") {
			continue
		}
		prev := segs[i-1]
		switch {
		case s == "{name}" && prev == "tenants":
			segs[i] = tenant
		case s == "{id}" && (prev == "users" || prev == "groups" || prev == "credentials"):
			segs[i], hasIDs = ids[prev], true
		case s == "{memberId}":
			segs[i], hasIDs = ids["users"], true
		case s == "{appId}":
			segs[i], hasIDs = ids["apps"], true
		default:
			return "", false, false
		}
	}
	path = "/admin/v1" + strings.Join(segs, "/")
	if strings.HasSuffix(p, "/users/by") { // the identifier is a query parameter
		path, hasIDs = path+"?identifier="+url.QueryEscape(ids["by"]), true
	}
	return path, hasIDs, true
}

// adminBody is a plausible body for an operation.
func adminBody(method, p string) any {
	switch {
	case method == "POST" && strings.HasSuffix(p, "/credentials"):
		return map[string]any{"name": "hijack"}
	case method == "POST" && strings.HasSuffix(p, "/members"):
		return map[string]any{"id": "x"}
	case method == "PUT" && strings.HasSuffix(p, "/schema"):
		return `{}`
	}
	return nil
}

func testAdminIsolation(t *testing.T, e *env) {
	platform := e.iss.token(t, "root", []string{admin.RolePlatformAdmin}, nil)
	betaAdmin := e.iss.token(t, "bob", []string{admin.RoleTenantAdmin}, []string{"beta"})
	betaAuditor := e.iss.token(t, "bea", []string{admin.RoleAuditor}, []string{"beta"})
	for _, name := range []string{"acme", "beta"} {
		e.want(e.do("POST", "/admin/v1/tenants", platform, map[string]any{"name": name}), 201, "create "+name)
	}
	cred := e.want(e.do("POST", "/admin/v1/tenants/acme/credentials", platform, map[string]any{"name": "okta"}), 201, "credential").body
	tok, _ := cred["token"].(string)
	credID, _ := cred["id"].(string)
	if tok == "" || credID == "" {
		t.Fatalf("credential answer %v: want a token and an id", cred)
	}
	code, u := scimJSON(t, e, "POST", "/tenants/acme/scim/v2/Users", tok, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"acme.secret"}`)
	if code != 201 {
		t.Fatalf("SCIM create user: %d %v", code, u)
	}
	userID := u["id"].(string)
	code, g := scimJSON(t, e, "POST", "/tenants/acme/scim/v2/Groups", tok, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"acme group","members":[{"value":"`+userID+`"}]}`)
	if code != 201 {
		t.Fatalf("SCIM create group: %d %v", code, g)
	}
	code, app := scimJSON(t, e, "POST", "/tenants/acme/scim/v2/Apps", tok, `{"name":"Acme App"}`)
	if code != 201 {
		t.Fatalf("SCIM create app: %d %v", code, app)
	}
	acme := map[string]string{"users": userID, "groups": g["id"].(string), "credentials": credID, "apps": app["id"].(string), "by": "acme.secret"}
	unknown := map[string]string{"users": "00000000-0000-4000-a000-000000000001", "groups": "00000000-0000-4000-a000-000000000002",
		"credentials": "00000000-0000-4000-a000-000000000003", "apps": "00000000-0000-4000-a000-000000000004", "by": "no.such.user"}
	snapshot := func() []byte {
		var b bytes.Buffer
		for _, p := range []string{"/admin/v1/tenants/acme", "/admin/v1/tenants/acme/users/" + userID, "/admin/v1/tenants/acme/groups/" + acme["groups"] + "/members",
			"/admin/v1/tenants/acme/credentials", "/admin/v1/tenants/acme/schema", "/admin/v1/tenants/acme/users/count"} {
			b.Write(e.want(e.do("GET", p, platform, nil), 200, "snapshot "+p).raw)
		}
		return b.Bytes()
	}
	before := snapshot()

	scoped, withIDs := 0, 0
	for _, op := range adminOperations(t, e) {
		m, p := op[0], op[1]
		if p == "/tenants" {
			// Not tenant-scoped: beta's admin never learns of acme here.
			r := e.do(m, "/admin/v1/tenants", betaAdmin, map[string]any{"name": "gamma"})
			if strings.Contains(string(r.raw), "acme") {
				t.Errorf("%s /tenants as beta's admin: %d %s names acme", m, r.status, r.raw)
			}
			continue
		}
		if !strings.HasPrefix(p, "/tenants/{name}") {
			continue
		}
		pathA, hasIDs, ok := fillAdminPath(p, "acme", acme)
		if !ok {
			t.Errorf("%s %s has a parameter this test does not know: teach fillAdminPath", m, p)
			continue
		}
		pathNone, _, _ := fillAdminPath(p, "no-such-tenant", acme)
		scoped++
		for _, tok := range []string{betaAdmin, betaAuditor} {
			rA := e.want(e.do(m, pathA, tok, adminBody(m, p)), 403, "beta's token: "+m+" "+pathA)
			rNone := e.do(m, pathNone, tok, adminBody(m, p))
			if rNone.status != rA.status || !bytes.Equal(rNone.raw, rA.raw) {
				t.Errorf("%s %s: beta's token tells acme (%d %s) from a tenant that does not exist (%d %s)", m, p, rA.status, rA.raw, rNone.status, rNone.raw)
			}
		}
		if !hasIDs {
			continue
		}
		withIDs++
		pathB, _, _ := fillAdminPath(p, "beta", acme)
		pathBNone, _, _ := fillAdminPath(p, "beta", unknown)
		rB := e.do(m, pathB, betaAdmin, adminBody(m, p))
		rBNone := e.do(m, pathBNone, betaAdmin, adminBody(m, p))
		norm := func(raw []byte, ids map[string]string) string {
			s := string(raw)
			for _, id := range ids {
				s = strings.ReplaceAll(s, id, "ID")
			}
			return s
		}
		// A timeline is a query of the log by resource ID: an unknown ID
		// has an empty one (a deleted user's stays readable), so acme's
		// IDs must answer exactly as unknown ones, empty.
		timeline := strings.HasSuffix(p, "/audit")
		if timeline && !strings.Contains(string(rB.raw), `"entries":[]`) {
			t.Errorf("%s %s with acme's ids: %s, want no entries", m, pathB, rB.raw)
		}
		if (rB.status/100 == 2 && !timeline) || rB.status != rBNone.status || norm(rB.raw, acme) != norm(rBNone.raw, unknown) {
			t.Errorf("%s %s with acme's ids: %d %s; with unknown ids: %d %s; want the same error", m, pathB, rB.status, rB.raw, rBNone.status, rBNone.raw)
		}
		if m == "GET" && rB.status != 404 && !timeline {
			t.Errorf("GET %s with acme's ids: %d, want 404", pathB, rB.status)
		}
	}
	if scoped == 0 || withIDs == 0 {
		t.Fatalf("%d tenant-scoped operations, %d with ids: the OpenAPI document was not enumerated", scoped, withIDs)
	}
	t.Logf("FIGURES admin isolation: %d tenant-scoped operations × 2 roles, %d with acme's ids in beta's paths", scoped, withIDs)
	if after := snapshot(); !bytes.Equal(before, after) {
		t.Errorf("acme changed after beta's requests:\nbefore %s\nafter  %s", before, after)
	}
	if code := scimDo(t, e, "GET", "/tenants/acme/scim/v2/Users/"+userID, tok, ""); code != 200 {
		t.Errorf("acme's credential after beta's requests: GET user = %d, want 200", code)
	}
}
