package scim_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkPatchActive measures PATCH replace active, the write an
// identity provider sends most: go test -bench PatchActive -cpuprofile.
func BenchmarkPatchActive(b *testing.B) {
	mux, token, users := benchServer(b, 1000)
	bodies := []string{
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":true}]}`,
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequestWithContext(b.Context(), http.MethodPatch,
			"/tenants/bench/scim/v2/Users/"+users[i%len(users)].ID, strings.NewReader(bodies[(i/len(users))%2]))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/scim+json")
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != http.StatusNoContent {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
