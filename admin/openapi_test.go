package admin

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRoutes keeps openapi.json true: every route is
// documented, every documented operation is a route, and every route's
// path parameters are declared.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string `json:"openapi"`
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != Prefix {
		t.Errorf("servers = %+v, want one with url %s", doc.Servers, Prefix)
	}
	served := map[string]bool{}
	for _, rt := range routes {
		key := rt.method + " " + rt.path
		served[key] = true
		op, ok := doc.Paths[rt.path][strings.ToLower(rt.method)]
		if !ok {
			t.Errorf("%s is served but not in openapi.json", key)
			continue
		}
		if rt.access == public {
			if !strings.Contains(string(op), `"security": []`) {
				t.Errorf("%s needs no token but openapi.json does not say so (security: [])", key)
			}
		} else if !strings.Contains(string(op), `"401"`) || !strings.Contains(string(op), `"403"`) {
			t.Errorf("%s: openapi.json does not list its 401 and 403 answers", key)
		}
		for seg := range strings.SplitSeq(rt.path, "/") {
			if !strings.HasPrefix(seg, "{") {
				continue
			}
			param := strings.Trim(seg, "{}")
			// Tenant names come from the shared parameter.
			if !strings.Contains(string(op), `"name": "`+param+`"`) &&
				(param != "name" || !strings.Contains(string(op), "#/components/parameters/TenantName")) {
				t.Errorf("%s: openapi.json does not declare path parameter %s", key, param)
			}
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			key := strings.ToUpper(method) + " " + path
			if method == "parameters" || method == "summary" || method == "description" {
				continue
			}
			if !served[key] {
				t.Errorf("%s is in openapi.json but not served", key)
			}
		}
	}
}

// TestRoutesRegister checks that every route of the table is what the mux
// serves: a request to each reaches the route, not the catch-all.
func TestRoutesRegister(t *testing.T) {
	mux := http.NewServeMux()
	(&Handler{auth: &Authenticator{}}).Register(mux)
	for _, rt := range routes {
		path := strings.NewReplacer("{name}", "acme", "{id}", "c1").Replace(Prefix + rt.path)
		r, err := http.NewRequestWithContext(t.Context(), rt.method, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, pattern := mux.Handler(r); pattern != rt.method+" "+Prefix+rt.path {
			t.Errorf("%s %s is served by pattern %q", rt.method, path, pattern)
		}
	}
}
