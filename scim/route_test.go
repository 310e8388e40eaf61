package scim_test

import (
	"slices"
	"testing"

	"github.com/scimd/scimd/scim"
)

func TestRouteTemplate(t *testing.T) {
	const base = "/tenants/{tenant}/scim/v2"
	tests := []struct {
		path string
		want string
	}{
		{"/tenants/acme/scim/v2", base},
		{"/tenants/acme/scim/v2/", base},
		{"/tenants/acme/scim/v2/.search", base + "/.search"},
		{"/tenants/acme/scim/v2/ServiceProviderConfig", base + "/ServiceProviderConfig"},
		{"/tenants/acme/scim/v2/ServiceProviderConfig/", base + "/ServiceProviderConfig"},
		{"/tenants/acme/scim/v2/Schemas", base + "/Schemas"},
		{"/tenants/acme/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", base + "/Schemas/{id}"},
		{"/tenants/acme/scim/v2/ResourceTypes", base + "/ResourceTypes"},
		{"/tenants/acme/scim/v2/ResourceTypes/User", base + "/ResourceTypes/{id}"},
		{"/tenants/acme/scim/v2/Me", base + "/Me"},
		{"/tenants/acme/scim/v2/Limits", base + "/Limits"},
		{"/tenants/acme/scim/v2/Bulk", base + "/Bulk"},
		{"/tenants/acme/scim/v2/Users", base + "/Users"},
		{"/tenants/acme/scim/v2/Users/", base + "/Users"},
		{"/tenants/acme/scim/v2/Users/2819c223-7f76-453a-919d-413861904646", base + "/Users/{id}"},
		{"/tenants/acme/scim/v2/Users/2819c223-7f76-453a-919d-413861904646/", base + "/Users/{id}"},
		{"/tenants/acme/scim/v2/Users/.search", base + "/Users/.search"},
		{"/tenants/acme/scim/v2/Apps", base + "/Apps"},
		{"/tenants/acme/scim/v2/Apps/01a2", base + "/Apps/{id}"},
		{"/tenants/acme/scim/v2/Users/1/apps", base + "/Users/{id}/apps"},
		{"/tenants/acme/scim/v2/Users/1/apps/", base + "/Users/{id}/apps"},
		{"/tenants/acme/scim/v2/Users/1/apps/01a2", base + "/Users/{id}/apps/{appId}"},
		{"/tenants/acme/scim/v2/Users/1/apps/01a2/x", scim.RouteOther},
		{"/tenants/acme/scim/v2/Users/1/apps/..", scim.RouteOther},
		{"/tenants/acme/scim/v2/Apps/1/x", scim.RouteOther},
		{"/tenants/acme/scim/v2/Users/2819c223/login", base + "/Users/{id}/login"},
		{"/tenants/acme/scim/v2/Users/2819c223/sessions", base + "/Users/{id}/sessions"},
		{"/tenants/acme/scim/v2/Users/2819c223/sessions/invalidate", base + "/Users/{id}/sessions/invalidate"},
		{"/tenants/acme/scim/v2/sessions/invalidate", base + "/sessions/invalidate"},
		{"/tenants/acme/scim/v2/TagKeys", base + "/TagKeys"},
		{"/tenants/acme/scim/v2/Users/.search/login", scim.RouteOther},
		{"/tenants/acme/scim/v2/Users/1/sessions/x", scim.RouteOther},
		{"/tenants/other-tenant-2/scim/v2/Groups", base + "/Groups"},
		{"/tenants/acme/scim/v2/Groups/e9e30dba", base + "/Groups/{id}"},
		{"/tenants/acme/scim/v2/Groups/.search", base + "/Groups/.search"},

		// Nothing serves these.
		{"", scim.RouteOther},
		{"/", scim.RouteOther},
		{"/healthz", scim.RouteOther},
		{"/tenants", scim.RouteOther},
		{"/tenants/", scim.RouteOther},
		{"/tenants/acme", scim.RouteOther},
		{"/tenants/acme/scim", scim.RouteOther},
		{"/tenants/acme/scim/v1/Users", scim.RouteOther},
		{"/tenants/acme/scim/v2x", scim.RouteOther},
		{"/tenants/acme/scim/v2Users", scim.RouteOther},
		{"/tenants//scim/v2/Users", scim.RouteOther},
		{"/tenants/../scim/v2/Users", scim.RouteOther},
		{"/tenants/acme/scim/v2//", scim.RouteOther},
		{"/tenants/acme/scim/v2/users", scim.RouteOther}, // routes are case-sensitive
		{"/tenants/acme/scim/v2/Devices", scim.RouteOther},
		{"/tenants/acme/scim/v2/Devices/1", scim.RouteOther},
		{"/tenants/acme/scim/v2/Users//", scim.RouteOther},
		{"/tenants/acme/scim/v2/Users/..", scim.RouteOther},
		{"/tenants/acme/scim/v2/Users/1/emails", scim.RouteOther},
		{"/tenants/acme/scim/v2/Users/.search/x", scim.RouteOther},
		{"/tenants/acme/scim/v2/Me/1", scim.RouteOther},
		{"/tenants/acme/scim/v2/Bulk/1", scim.RouteOther},
		{"/tenants/acme/scim/v2/ServiceProviderConfig/1", scim.RouteOther},
		{"/tenants/acme/scim/v2/.search/1", scim.RouteOther},
		{"/tenants/acme/scim/v2/Schemas/a/b", scim.RouteOther},
		{"/prefix/tenants/acme/scim/v2/Users", scim.RouteOther},
	}
	templates := scim.RouteTemplates()
	for _, tt := range tests {
		got := scim.RouteTemplate(tt.path)
		if got != tt.want {
			t.Errorf("RouteTemplate(%q) = %q, want %q", tt.path, got, tt.want)
		}
		if !slices.Contains(templates, got) {
			t.Errorf("RouteTemplate(%q) = %q, which RouteTemplates does not list", tt.path, got)
		}
	}
}

func TestRouteTemplateAllocs(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		_ = scim.RouteTemplate("/tenants/acme/scim/v2/Users/2819c223-7f76-453a-919d-413861904646/")
	})
	if allocs != 0 {
		t.Errorf("RouteTemplate allocates %v times, want 0", allocs)
	}
}

// FuzzRouteTemplate checks that no path gives a template outside
// RouteTemplates: the label cardinality of the HTTP metrics stays fixed.
func FuzzRouteTemplate(f *testing.F) {
	for _, p := range []string{"/tenants/a/scim/v2/Users/1", "/tenants/a/scim/v2/Groups/.search", "/x", ""} {
		f.Add(p)
	}
	templates := scim.RouteTemplates()
	f.Fuzz(func(t *testing.T, path string) {
		if got := scim.RouteTemplate(path); !slices.Contains(templates, got) {
			t.Errorf("RouteTemplate(%q) = %q, which RouteTemplates does not list", path, got)
		}
	})
}
