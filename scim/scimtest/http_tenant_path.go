package scimtest

// A tenant path segment names a tenant byte for byte:
// the tenant's token on a path whose tenant segment differs from the
// tenant's name by trailing spaces (which MySQL's collations ignore in
// comparisons), a leading space or case is refused as on an unknown
// tenant, and writes nothing.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// httpTestTenantPathExact needs scimd's layout of a tenant's base URL,
// .../tenants/{name}/scim/v2; it is skipped on another.
func httpTestTenantPathExact(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	const marker = "/tenants/"
	u, err := url.Parse(tg.BaseURL)
	if err != nil || !strings.Contains(u.Path, marker) || !strings.HasSuffix(u.Path, "/scim/v2") {
		t.Skipf("base URL %q is not of the form .../tenants/{name}/scim/v2", tg.BaseURL)
	}
	prefix, rest, _ := strings.Cut(u.EscapedPath(), marker)
	name := strings.TrimSuffix(rest, "/scim/v2")
	c.get("/Users").must(http.StatusOK) // the real path works
	for _, seg := range []string{name + "%20", name + "%20%20", "%20" + name, name + "%09", strings.ToUpper(name)} {
		if seg == name {
			continue
		}
		v := *u
		v.Path, v.RawPath = "", ""
		other := httpNewClient(t, Target{BaseURL: v.String() + prefix + marker + seg + "/scim/v2", Token: tg.Token, Client: tg.Client})
		other.get("/Users").wantError(http.StatusUnauthorized)
		other.post("/Users", map[string]any{"schemas": []string{httpURNUser}, "userName": "padded_" + httpRandom(6)}).
			wantError(http.StatusUnauthorized)
		other.post("/Groups", map[string]any{"schemas": []string{httpURNGroup}, "displayName": "padded_" + httpRandom(6)}).
			wantError(http.StatusUnauthorized)
	}
	for _, endpoint := range []string{"/Users", "/Groups"} {
		r := c.get(endpoint)
		if l := r.mustList(httpIndexList); l.Total != 0 {
			t.Errorf("%s: totalResults %d after writes on paths that name no tenant, want 0", r, l.Total)
		}
	}
}
