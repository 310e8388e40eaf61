package scimtest

// "/ServiceProviderConfig holds RFC members only":
// strict client libraries (Python's scim2-models) refused scimd's
// configuration because of an extension object in it, so a client built
// on them could not discover the server. The configuration holds the
// members of RFC 7643 §5 and RFC 9865's pagination, and its schemas only
// the core schema. The discovery schemas are named as RFC 7643 §8.7.2
// names them.

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// httpSPCMembers are the members /ServiceProviderConfig may have: RFC
// 7643 §5's, its common attributes schemas and meta (§3.1), and RFC 9865
// §5's pagination.
var httpSPCMembers = []string{"schemas", "documentationUri", "patch", "bulk", "filter", "changePassword", "sort", "etag",
	"authenticationSchemes", "meta", "pagination"}

func httpTestSPCMembers(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	r := c.get("/ServiceProviderConfig").must(http.StatusOK)
	for k := range r.Body {
		if !slices.Contains(httpSPCMembers, k) {
			t.Errorf("%s: member %q is not one of RFC 7643 §5 or RFC 9865 (%v)", r, k, httpSPCMembers)
		}
	}
	if s, _ := r.Body["schemas"].([]any); len(s) != 1 || s[0] != httpURNSPC {
		t.Errorf("%s: schemas %v, want exactly [%s]", r, r.Body["schemas"], httpURNSPC)
	}
	if v, ok := r.Body["documentationUri"]; ok {
		s, _ := v.(string)
		if u, err := url.Parse(s); err != nil || !u.IsAbs() || u.Host == "" {
			t.Errorf("%s: documentationUri %v, want an absolute URL (or none)", r, v)
		}
	}

	// RFC 7643 §8.7.2's names of the discovery schemas.
	for id, name := range map[string]string{
		httpURNSPC:     "Service Provider Configuration",
		httpURNResType: "ResourceType",
	} {
		s := c.get("/Schemas/" + id).must(http.StatusOK)
		if s.Body["name"] != name {
			t.Errorf("%s: name %v, want %q (RFC 7643 §8.7.2)", s, s.Body["name"], name)
		}
		found := false
		for _, e := range c.get("/Schemas").mustList(httpIndexList).Resources {
			if e["id"] == id {
				found = true
				if e["name"] != name {
					t.Errorf("GET /Schemas: %s is named %v, want %q (RFC 7643 §8.7.2)", id, e["name"], name)
				}
			}
		}
		if !found {
			t.Errorf("GET /Schemas does not list %s", id)
		}
	}
}
