package admin_test

import (
	"testing"

	"github.com/scimd/scimd/admin"
)

// testTenantNameExact checks that a tenant path segment names a tenant
// byte for byte: MySQL ignores trailing spaces when it
// compares names, and "acme " must not reach acme.
func testTenantNameExact(t *testing.T, e *env) {
	platform := e.iss.token(t, "root", []string{admin.RolePlatformAdmin}, nil)
	e.want(e.do("POST", "/admin/v1/tenants", platform, map[string]any{"name": "acme"}), 201, "create acme")
	for _, seg := range []string{"acme%20", "acme%20%20", "%20acme", "ACME"} {
		e.want(e.do("GET", "/admin/v1/tenants/"+seg, platform, nil), 404, "GET /tenants/"+seg)
		e.want(e.do("GET", "/admin/v1/tenants/"+seg+"/credentials", platform, nil), 404, "GET /tenants/"+seg+"/credentials")
		e.want(e.do("POST", "/admin/v1/tenants/"+seg+"/credentials", platform, map[string]any{"name": "x"}), 404, "POST /tenants/"+seg+"/credentials")
		e.want(e.do("DELETE", "/admin/v1/tenants/"+seg, platform, nil), 404, "DELETE /tenants/"+seg)
	}
	r := e.want(e.do("GET", "/admin/v1/tenants/acme/credentials", platform, nil), 200, "acme's credentials")
	if list, _ := r.body["credentials"].([]any); len(list) > 0 {
		t.Errorf("acme has credentials created through other paths: %s", r.raw)
	}
	e.want(e.do("GET", "/admin/v1/tenants/acme", platform, nil), 200, "acme still there")
}
