package admin_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// testBodyText checks that bodies whose text is not UTF-8 are refused,
// naming where, and change nothing.
func testBodyText(t *testing.T, e *env) {
	r0 := acmeAndBeta(t, e)
	platform, acmeAdmin := r0.platform, r0.acmeAdmin
	users := "/admin/v1/tenants/acme/users"
	r := e.want(e.do("POST", users, acmeAdmin, `{"userName":"ana","emails":[{"value":"ana@example.com"}]}`), 201, "create ana")
	ana, _ := r.body["id"].(string)
	before := e.want(e.do("GET", users+"/"+ana, acmeAdmin, nil), 200, "get ana").raw

	bad := "b\xffd"
	for _, tc := range []struct {
		method, path, token, body, where string
	}{
		{"POST", users, acmeAdmin, `{"userName":"` + bad + `","emails":[{"value":"x@example.com"}]}`, "userName"},
		{"POST", users, acmeAdmin, `{"userName":"bea","emails":[{"value":"` + bad + `@example.com"}]}`, "emails[0].value"},
		{"PUT", users + "/" + ana, acmeAdmin, `{"userName":"ana","displayName":"` + bad + `","emails":[{"value":"ana@example.com"}]}`, "displayName"},
		{"PATCH", users + "/" + ana, acmeAdmin, `{"name":{"givenName":"\udc00"}}`, "name.givenName"},
		{"POST", "/admin/v1/tenants", platform, `{"name":"` + bad + `"}`, "name"},
		{"POST", "/admin/v1/tenants/acme/credentials", platform, `{"name":"` + bad + `"}`, "name"},
		{"PUT", "/admin/v1/tenants/acme/schema", platform, `{"User":[{"name":"` + bad + `","type":"string"}]}`, "User[0].name"},
	} {
		r := e.want(e.do(tc.method, tc.path, tc.token, tc.body), http.StatusBadRequest, tc.method+" "+tc.path)
		if d, _ := r.body["detail"].(string); !strings.HasPrefix(d, tc.where+": ") || !strings.Contains(d, "UTF-8") {
			t.Errorf("%s %s: detail %q, want one naming %s and saying UTF-8", tc.method, tc.path, d, tc.where)
		}
	}
	if after := e.want(e.do("GET", users+"/"+ana, acmeAdmin, nil), 200, "get ana").raw; string(after) != string(before) {
		t.Errorf("refused writes changed ana:\n%s\n%s", before, after)
	}
	if n := e.want(e.do("GET", users+"/count", platform, nil), 200, "count").body["total"]; n != float64(1) {
		t.Errorf("%v users after refused creates, want 1", n)
	}
	if n := len(e.want(e.do("GET", "/admin/v1/tenants", platform, nil), 200, "tenants").body["tenants"].([]any)); n != 2 {
		t.Errorf("%d tenants after a refused create, want 2", n)
	}
}

// testHead checks that HEAD answers wherever GET does, for the callers GET
// allows, and that a 405 lists HEAD with GET.
func testHead(t *testing.T, e *env) {
	r0 := acmeAndBeta(t, e)
	platform, acmeAdmin, auditor := r0.platform, r0.acmeAdmin, r0.auditor
	users := "/admin/v1/tenants/acme/users"
	r := e.want(e.do("POST", users, acmeAdmin, `{"userName":"ana","emails":[{"value":"ana@example.com"}]}`), 201, "create ana")
	ana, _ := r.body["id"].(string)
	for _, p := range []string{"/admin/v1/openapi.json", "/admin/v1/tenants/acme", users, users + "/" + ana, users + "/count",
		"/admin/v1/tenants/acme/schema", "/admin/v1/tenants/acme/groups", users + "/nobody"} {
		get, head := e.do("GET", p, auditor, nil), e.do("HEAD", p, auditor, nil)
		if head.status != get.status || len(head.raw) > 0 {
			t.Errorf("HEAD %s: %d with %d bytes, want GET's %d without a body", p, head.status, len(head.raw), get.status)
		}
		for _, k := range []string{"Content-Type", "Content-Length", "Cache-Control"} {
			if head.header.Get(k) != get.header.Get(k) {
				t.Errorf("HEAD %s: %s %q, want GET's %q", p, k, head.header.Get(k), get.header.Get(k))
			}
		}
	}
	if r := e.do("HEAD", "/admin/v1/tenants/beta", auditor, nil); r.status != http.StatusForbidden {
		t.Errorf("HEAD of another tenant: %d, want 403", r.status)
	}
	r = e.want(e.do("POST", "/admin/v1/tenants/acme", platform, "{}"), http.StatusMethodNotAllowed, "POST a tenant")
	if allow := strings.Split(strings.ReplaceAll(r.header.Get("Allow"), " ", ""), ","); !slices.Contains(allow, "GET") ||
		!slices.Contains(allow, "HEAD") || !slices.Contains(allow, "DELETE") {
		t.Errorf("405 Allow %q, want GET, HEAD and DELETE", r.header.Get("Allow"))
	}
}
