package scim_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scimd/scimd/credentials"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/scim"
	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/sqlite"
)

// benchServer seeds n users into a fresh SQLite store and returns the
// handler's mux, a token and the users.
func benchServer(b *testing.B, n int) (*http.ServeMux, string, []storage.Resource) {
	b.Helper()
	s, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "scimd.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	tenant, err := s.CreateTenant(b.Context(), "bench")
	if err != nil {
		b.Fatal(err)
	}
	token, hash, err := credentials.NewToken()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.CreateCredential(b.Context(), tenant.ID, "bench", hash); err != nil {
		b.Fatal(err)
	}
	set := schemas.Default()
	var users []storage.Resource
	for i := range n {
		users = append(users, storage.Resource{Attributes: map[string]any{
			"userName": fmt.Sprintf("u%d@example.com", i), "active": true, "displayName": fmt.Sprintf("User %d", i),
			"externalId":              fmt.Sprintf("x%d", i),
			"name":                    map[string]any{"givenName": "G", "familyName": "F", "formatted": "G F"},
			"emails":                  []any{map[string]any{"value": fmt.Sprintf("u%d@example.com", i), "type": "work", "primary": true}},
			schemas.EnterpriseUserURN: map[string]any{"employeeNumber": fmt.Sprint(i), "department": "Sales", "costCenter": "C1"},
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
	return mux, token, created
}

func benchGet(b *testing.B, mux *http.ServeMux, token, path string) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(b.Context(), http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	return rec
}

// BenchmarkGetUser measures the handler's cost of GET /Users/{id} on
// SQLite, without a network in between: go test -bench GetUser -cpuprofile.
func BenchmarkGetUser(b *testing.B) {
	mux, token, users := benchServer(b, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		benchGet(b, mux, token, "/tenants/bench/scim/v2/Users/"+users[i%len(users)].ID)
	}
}

// BenchmarkFilterEq measures an equality filter on an enterprise
// attribute that finds one user.
func BenchmarkFilterEq(b *testing.B) {
	mux, token, users := benchServer(b, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		f := url.QueryEscape(schemas.EnterpriseUserURN + `:employeeNumber eq "` + fmt.Sprint(i%len(users)) + `"`)
		benchGet(b, mux, token, "/tenants/bench/scim/v2/Users?filter="+f)
	}
}

// BenchmarkListPage measures one page of 100 users.
func BenchmarkListPage(b *testing.B) {
	mux, token, _ := benchServer(b, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		benchGet(b, mux, token, fmt.Sprintf("/tenants/bench/scim/v2/Users?startIndex=%d&count=100", 1+(i%9)*100))
	}
}

// BenchmarkCreateUser measures POST /Users of an Entra-shaped user.
func BenchmarkCreateUser(b *testing.B) {
	mux, token, _ := benchServer(b, 10)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		body := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],`+
			`"userName":"new%d@example.com","active":true,"displayName":"New User","externalId":"n%d",`+
			`"name":{"givenName":"New","familyName":"User","formatted":"New User"},`+
			`"emails":[{"value":"new%d@example.com","type":"work","primary":true}],`+
			`"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"%d","department":"Sales"}}`, i, i, i, i)
		req := httptest.NewRequestWithContext(b.Context(), http.MethodPost, "/tenants/bench/scim/v2/Users", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/scim+json")
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
