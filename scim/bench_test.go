package scim_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/scim"
	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/sqlite"
)

// BenchmarkGetUser measures the handler's cost of GET /Users/{id} on
// SQLite, without a network in between: go test -bench GetUser -cpuprofile.
func BenchmarkGetUser(b *testing.B) {
	s, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "scimd.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	tenant, err := s.CreateTenant(b.Context(), "bench")
	if err != nil {
		b.Fatal(err)
	}
	token, hash, err := scim.NewToken()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.CreateCredential(b.Context(), tenant.ID, "bench", hash); err != nil {
		b.Fatal(err)
	}
	set := schemas.Default()
	var users []storage.Resource
	for i := range 1000 {
		users = append(users, storage.Resource{Attributes: map[string]any{
			"userName": fmt.Sprintf("u%d@example.com", i), "active": true,
			"name":                    map[string]any{"givenName": "G", "familyName": "F"},
			"emails":                  []any{map[string]any{"value": fmt.Sprintf("u%d@example.com", i), "type": "work", "primary": true}},
			schemas.EnterpriseUserURN: map[string]any{"employeeNumber": fmt.Sprint(i), "department": "Sales"},
		}})
	}
	created, err := s.CreateMany(b.Context(), tenant.ID, &set.User, users)
	if err != nil {
		b.Fatal(err)
	}
	h, err := scim.NewHandler(scim.Config{Store: s})
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequestWithContext(b.Context(), http.MethodGet, "/tenants/bench/scim/v2/Users/"+created[i%len(created)].ID, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
