package admin_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/coreos/go-oidc/v3/oidc/oidctest"

	"github.com/scimd/scimd/admin"
	"github.com/scimd/scimd/scim"
	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/mysql/mysqltest"
	"github.com/scimd/scimd/storage/sqlite"
)

// audience is the audience the tests' admin API expects.
const audience = "scimd-admin"

// An issuer is an in-process OIDC provider: an httptest server serving
// discovery and the JWKS of a generated RSA key, which signs real RS256
// tokens.
type issuer struct {
	url string
	key *rsa.PrivateKey
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s := &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: key.Public(), KeyID: "k1", Algorithm: oidc.RS256}}}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	s.SetIssuer(srv.URL)
	return &issuer{url: srv.URL, key: key}
}

// claims returns valid claims for sub, with extra merged in (a nil value
// removes a claim).
func (i *issuer) claims(sub string, extra map[string]any) map[string]any {
	now := time.Now()
	c := map[string]any{"iss": i.url, "aud": audience, "sub": sub, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	maps.Copy(c, extra)
	for k, v := range c {
		if v == nil {
			delete(c, k)
		}
	}
	return c
}

// sign signs claims with key as RS256 (or alg) under key ID k1.
func sign(t *testing.T, key *rsa.PrivateKey, alg string, claims map[string]any) string {
	t.Helper()
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return oidctest.SignIDToken(key, "k1", alg, string(b))
}

// token returns a valid token of sub with roles and tenants.
func (i *issuer) token(t *testing.T, sub string, roles, tenants []string) string {
	return sign(t, i.key, oidc.RS256, i.claims(sub, map[string]any{"scimd_roles": roles, "scimd_tenants": tenants}))
}

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is scimd's admin API, with the SCIM API beside it, over httptest.
type env struct {
	t     *testing.T
	url   string
	iss   *issuer
	store storage.Store
	log   *syncBuffer
}

func newEnv(t *testing.T, store storage.Store) *env {
	t.Helper()
	iss := newIssuer(t)
	auth, err := admin.NewAuthenticator(t.Context(), admin.OIDCConfig{Issuer: iss.url, Audience: audience})
	if err != nil {
		t.Fatalf("NewAuthenticator: %v", err)
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(io.MultiWriter(logs, t.Output()), &slog.HandlerOptions{Level: slog.LevelDebug}))
	mux := http.NewServeMux()
	api, err := scim.NewHandler(scim.Config{Store: store, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	api.Register(mux)
	admin.NewHandler(admin.Config{Store: store, Logger: logger, Auth: auth}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{t: t, url: srv.URL, iss: iss, store: store, log: logs}
}

// A response is a decoded answer.
type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

// do sends a request with token (none when empty) and body (JSON-encoded
// unless a string).
func (e *env) do(method, path, token string, body any) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(e.t.Context(), method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	r := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			e.t.Fatalf("%s %s: body %q: %v", method, path, raw, err)
		}
	}
	return r
}

// want checks the status of r, and for errors the error shape.
func (e *env) want(r response, status int, what string) response {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("%s: status %d, want %d; body %s", what, r.status, status, r.raw)
	}
	if status >= 400 {
		if r.body["status"] != float64(status) || r.body["error"] == "" || r.body["error"] == nil || r.body["detail"] == "" {
			e.t.Errorf("%s: error body %s, want {status: %d, error, detail}", what, r.raw, status)
		}
		if status == http.StatusUnauthorized && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			e.t.Errorf("%s: WWW-Authenticate = %q, want Bearer", what, r.header.Get("WWW-Authenticate"))
		}
	}
	return r
}

func TestAdminAPISQLite(t *testing.T) {
	runAdminTests(t, func(t *testing.T) storage.Store {
		logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "scimd.db"), logger)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}

func TestAdminAPIMySQL(t *testing.T) {
	runAdminTests(t, mysqltest.StoreFactory(t))
}

func runAdminTests(t *testing.T, newStore func(t *testing.T) storage.Store) {
	t.Run("auth", func(t *testing.T) { testAuth(t, newEnv(t, newStore(t))) })
	t.Run("tenants", func(t *testing.T) { testTenants(t, newEnv(t, newStore(t))) })
	t.Run("tenant names", func(t *testing.T) { testTenantNameExact(t, newEnv(t, newStore(t))) })
	t.Run("ids exact", func(t *testing.T) { testIDsExact(t, newEnv(t, newStore(t))) })
	t.Run("credentials", func(t *testing.T) { testCredentials(t, newEnv(t, newStore(t))) })
	t.Run("schema", func(t *testing.T) { testSchema(t, newEnv(t, newStore(t))) })
	t.Run("users", func(t *testing.T) { testUsers(t, newEnv(t, newStore(t))) })
	t.Run("user writes", func(t *testing.T) { testUserWrites(t, newEnv(t, newStore(t))) })
	t.Run("user value rules", func(t *testing.T) { testUserValueRules(t, newEnv(t, newStore(t))) })
	t.Run("bad bodies", func(t *testing.T) { testBadBodies(t, newEnv(t, newStore(t))) })
	t.Run("user apps", func(t *testing.T) { testUserApps(t, newEnv(t, newStore(t))) })
	t.Run("user export", func(t *testing.T) { testUserExport(t, newEnv(t, newStore(t))) })
	t.Run("groups", func(t *testing.T) { testGroups(t, newEnv(t, newStore(t))) })
	t.Run("never returned", func(t *testing.T) { testNeverReturned(t, newEnv(t, newStore(t))) })
	t.Run("body text", func(t *testing.T) { testBodyText(t, newEnv(t, newStore(t))) })
	t.Run("head", func(t *testing.T) { testHead(t, newEnv(t, newStore(t))) })
	t.Run("doors", func(t *testing.T) { testDoors(t, newEnv(t, newStore(t))) })
}

// testAuth covers every authentication and authorization failure, and
// that no token reaches the log.
func testAuth(t *testing.T, e *env) {
	platform := e.iss.token(t, "root", []string{admin.RolePlatformAdmin}, nil)
	for _, name := range []string{"acme", "beta"} {
		e.want(e.do("POST", "/admin/v1/tenants", platform, map[string]any{"name": name}), 201, "create "+name)
	}

	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	valid := e.iss.token(t, "root", []string{admin.RolePlatformAdmin}, nil)
	parts := strings.Split(valid, ".")
	forged := e.iss.claims("root", map[string]any{"scimd_roles": []string{admin.RolePlatformAdmin}, "sub": "mallory"})
	forgedPayload, err := json.Marshal(forged)
	if err != nil {
		t.Fatal(err)
	}
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(forgedPayload) + "." + parts[2]
	bad := map[string]string{
		"malformed":         "not-a-jwt",
		"three bad parts":   "a.b.c",
		"expired":           sign(t, e.iss.key, oidc.RS256, e.iss.claims("root", map[string]any{"scimd_roles": []string{"platform_admin"}, "iat": time.Now().Add(-2 * time.Hour).Unix(), "exp": time.Now().Add(-time.Hour).Unix()})),
		"wrong audience":    sign(t, e.iss.key, oidc.RS256, e.iss.claims("root", map[string]any{"scimd_roles": []string{"platform_admin"}, "aud": "another-api"})),
		"wrong issuer":      sign(t, e.iss.key, oidc.RS256, e.iss.claims("root", map[string]any{"scimd_roles": []string{"platform_admin"}, "iss": "https://evil.example.com"})),
		"no expiry":         sign(t, e.iss.key, oidc.RS256, e.iss.claims("root", map[string]any{"scimd_roles": []string{"platform_admin"}, "exp": nil})),
		"tampered payload":  tampered,
		"tampered sig":      parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString([]byte("not the signature at all, not at all")),
		"foreign key":       sign(t, other, oidc.RS256, e.iss.claims("root", map[string]any{"scimd_roles": []string{"platform_admin"}})),
		"disallowed alg":    sign(t, e.iss.key, oidc.RS384, e.iss.claims("root", map[string]any{"scimd_roles": []string{"platform_admin"}})),
		"unsigned (none)":   base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + parts[1] + ".",
		"other auth scheme": "",
	}
	for name, tok := range bad {
		t.Run(name, func(t *testing.T) {
			e := *e
			e.t = t
			req := func(method, path string, body any) response {
				if name == "other auth scheme" {
					r, err := http.NewRequestWithContext(t.Context(), method, e.url+path, nil)
					if err != nil {
						t.Fatal(err)
					}
					r.SetBasicAuth("root", "secret")
					resp, err := http.DefaultClient.Do(r)
					if err != nil {
						t.Fatal(err)
					}
					defer func() { _ = resp.Body.Close() }()
					raw, _ := io.ReadAll(resp.Body)
					out := response{status: resp.StatusCode, header: resp.Header, raw: raw}
					_ = json.Unmarshal(raw, &out.body)
					return out
				}
				return e.do(method, path, tok, body)
			}
			r := e.want(req("GET", "/admin/v1/tenants", nil), 401, "GET /tenants")
			if name == "expired" && !strings.Contains(r.body["detail"].(string), "expired") {
				t.Errorf("expired token: detail %q", r.body["detail"])
			}
			e.want(req("POST", "/admin/v1/tenants", map[string]any{"name": "gamma"}), 401, "POST /tenants")
			e.want(req("DELETE", "/admin/v1/tenants/acme", nil), 401, "DELETE /tenants/acme")
		})
	}
	e.want(e.do("GET", "/admin/v1/tenants", "", nil), 401, "no token")
	if r := e.want(e.do("GET", "/admin/v1/tenants/acme", platform, nil), 200, "acme still there"); r.body["name"] != "acme" {
		t.Errorf("GET acme = %s", r.raw)
	}
	if _, err := e.store.Tenant(t.Context(), "gamma"); err == nil {
		t.Error("a refused token created tenant gamma")
	}

	acmeAdmin := e.iss.token(t, "alice", []string{admin.RoleTenantAdmin}, []string{"acme"})
	auditor := e.iss.token(t, "audrey", []string{admin.RoleAuditor}, []string{"acme"})
	noRole := e.iss.token(t, "nobody", nil, []string{"acme"})
	unknownRole := e.iss.token(t, "eve", []string{"superuser"}, []string{"acme"})
	// Roles as one string, as some issuers send them.
	stringRoles := sign(t, e.iss.key, oidc.RS256, e.iss.claims("sam", map[string]any{"scimd_roles": "tenant_admin", "scimd_tenants": "acme"}))

	forbidden := []struct {
		who, token, method, path string
		body                     any
	}{
		{"no role", noRole, "GET", "/tenants", nil},
		{"no role", noRole, "GET", "/tenants/acme", nil},
		{"unknown role", unknownRole, "GET", "/tenants/acme", nil},
		{"unknown role", unknownRole, "POST", "/tenants", map[string]any{"name": "gamma"}},
		{"tenant admin, other tenant", acmeAdmin, "GET", "/tenants/beta", nil},
		{"tenant admin, other tenant", acmeAdmin, "GET", "/tenants/beta/credentials", nil},
		{"tenant admin, other tenant", acmeAdmin, "POST", "/tenants/beta/credentials", map[string]any{"name": "x"}},
		{"tenant admin, other tenant", acmeAdmin, "PUT", "/tenants/beta/schema", map[string]any{}},
		{"tenant admin, other tenant", acmeAdmin, "GET", "/tenants/nosuch", nil},
		{"tenant admin creates a tenant", acmeAdmin, "POST", "/tenants", map[string]any{"name": "gamma"}},
		{"tenant admin deletes its tenant", acmeAdmin, "DELETE", "/tenants/acme", nil},
		{"string roles, other tenant", stringRoles, "GET", "/tenants/beta", nil},
		{"auditor writes", auditor, "POST", "/tenants/acme/credentials", map[string]any{"name": "x"}},
		{"auditor writes", auditor, "DELETE", "/tenants/acme/credentials/x", nil},
		{"auditor writes", auditor, "PUT", "/tenants/acme/schema", map[string]any{}},
		{"auditor writes", auditor, "POST", "/tenants", map[string]any{"name": "gamma"}},
		{"auditor writes", auditor, "DELETE", "/tenants/acme", nil},
		{"auditor, other tenant", auditor, "GET", "/tenants/beta", nil},
	}
	for _, f := range forbidden {
		e.want(e.do(f.method, "/admin/v1"+f.path, f.token, f.body), 403, f.who+": "+f.method+" "+f.path)
	}

	for _, path := range []string{"/tenants/acme", "/tenants/acme/credentials", "/tenants/acme/schema"} {
		e.want(e.do("GET", "/admin/v1"+path, auditor, nil), 200, "auditor reads "+path)
		e.want(e.do("GET", "/admin/v1"+path, stringRoles, nil), 200, "string roles read "+path)
	}
	for who, tok := range map[string]string{"auditor": auditor, "tenant admin": acmeAdmin} {
		r := e.want(e.do("GET", "/admin/v1/tenants", tok, nil), 200, who+" lists tenants")
		if got := tenantNames(r); strings.Join(got, ",") != "acme" {
			t.Errorf("%s lists tenants %v, want [acme]", who, got)
		}
	}
	if _, err := e.store.Tenant(t.Context(), "gamma"); err == nil {
		t.Error("a forbidden request created tenant gamma")
	}
	if acme, err := e.store.Tenant(t.Context(), "acme"); err != nil || acme.SchemaVersion != 0 {
		t.Errorf("acme after forbidden writes: %+v, %v", acme, err)
	}

	// Unknown paths and methods, and the document, without a token.
	e.want(e.do("GET", "/admin/v1/nope", platform, nil), 404, "unknown path")
	r := e.want(e.do("PATCH", "/admin/v1/tenants/acme", platform, nil), 405, "unknown method")
	if allow := r.header.Get("Allow"); allow != "GET, HEAD, DELETE" {
		t.Errorf("Allow = %q, want GET, HEAD, DELETE", allow)
	}
	r = e.want(e.do("GET", "/admin/v1/openapi.json", "", nil), 200, "openapi.json")
	if r.body["openapi"] != "3.1.0" {
		t.Errorf("openapi.json: %.200s", r.raw)
	}

	logs := e.log.String()
	for _, tok := range append([]string{platform, acmeAdmin, auditor, noRole, unknownRole, stringRoles, parts[1], parts[2]}, mapValues(bad)...) {
		if len(tok) > 8 && strings.Contains(logs, tok) {
			t.Errorf("the log holds a token: %.40s...", tok)
		}
	}
	if !strings.Contains(logs, "admin token refused") || !strings.Contains(logs, "admin request forbidden") {
		t.Errorf("refusals are not logged:\n%s", logs)
	}
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func tenantNames(r response) []string {
	var names []string
	list, _ := r.body["tenants"].([]any)
	for _, x := range list {
		names = append(names, x.(map[string]any)["name"].(string))
	}
	return names
}

func testTenants(t *testing.T, e *env) {
	platform := e.iss.token(t, "root", []string{admin.RolePlatformAdmin}, nil)
	r := e.want(e.do("POST", "/admin/v1/tenants", platform, map[string]any{"name": "acme"}), 201, "create acme")
	if r.body["name"] != "acme" || r.body["id"] == "" || r.body["scim_base_path"] != "/tenants/acme/scim/v2" ||
		r.body["schema_version"] != float64(0) || r.header.Get("Location") != "/admin/v1/tenants/acme" {
		t.Errorf("create acme = %s, Location %q", r.raw, r.header.Get("Location"))
	}
	e.want(e.do("POST", "/admin/v1/tenants", platform, map[string]any{"name": "beta"}), 201, "create beta")
	e.want(e.do("POST", "/admin/v1/tenants", platform, map[string]any{"name": "acme"}), 409, "create acme again")
	e.want(e.do("POST", "/admin/v1/tenants", platform, map[string]any{"name": "Not Valid/"}), 400, "invalid name")
	e.want(e.do("POST", "/admin/v1/tenants", platform, map[string]any{}), 400, "no name")
	e.want(e.do("POST", "/admin/v1/tenants", platform, map[string]any{"name": "x", "extra": 1}), 400, "unknown field")
	e.want(e.do("POST", "/admin/v1/tenants", platform, "{not json"), 400, "not JSON")
	e.want(e.do("POST", "/admin/v1/tenants", platform, `{"name":"`+strings.Repeat("a", 2<<20)+`"}`), 413, "huge body")

	r = e.want(e.do("GET", "/admin/v1/tenants", platform, nil), 200, "list")
	if got := strings.Join(tenantNames(r), ","); got != "acme,beta" {
		t.Errorf("platform admin lists %s, want acme,beta", got)
	}
	r = e.want(e.do("GET", "/admin/v1/tenants/beta", platform, nil), 200, "get beta")
	if r.body["name"] != "beta" {
		t.Errorf("get beta = %s", r.raw)
	}
	e.want(e.do("GET", "/admin/v1/tenants/nosuch", platform, nil), 404, "get missing tenant")

	// A tenant with data: deleting it removes everything.
	tok := e.want(e.do("POST", "/admin/v1/tenants/beta/credentials", platform, map[string]any{"name": "okta"}), 201, "beta credential").body["token"].(string)
	user := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}`
	if code := scimDo(t, e, "POST", "/tenants/beta/scim/v2/Users", tok, user); code != 201 {
		t.Fatalf("SCIM create user in beta: %d", code)
	}
	e.want(e.do("DELETE", "/admin/v1/tenants/beta", platform, nil), 204, "delete beta")
	e.want(e.do("GET", "/admin/v1/tenants/beta", platform, nil), 404, "get deleted beta")
	e.want(e.do("DELETE", "/admin/v1/tenants/beta", platform, nil), 404, "delete beta again")
	if code := scimDo(t, e, "GET", "/tenants/beta/scim/v2/Users", tok, ""); code != 401 && code != 404 {
		t.Errorf("SCIM with a deleted tenant's token: %d", code)
	}
	// The name is free again, with nothing of the old tenant.
	e.want(e.do("POST", "/admin/v1/tenants", platform, map[string]any{"name": "beta"}), 201, "re-create beta")
	r = e.want(e.do("GET", "/admin/v1/tenants/beta/credentials", platform, nil), 200, "credentials of new beta")
	if list := r.body["credentials"].([]any); len(list) != 0 {
		t.Errorf("new beta has credentials: %s", r.raw)
	}
	r = e.want(e.do("GET", "/admin/v1/tenants", platform, nil), 200, "list after delete")
	if got := strings.Join(tenantNames(r), ","); got != "acme,beta" {
		t.Errorf("after re-create: %s", got)
	}
}

// scimDo sends a SCIM request with a tenant's bearer token and returns the
// status.
func scimDo(t *testing.T, e *env, method, path, token, body string) int {
	t.Helper()
	status, _ := scimRequest(t, e, method, path, token, body)
	return status
}

// scimRequest sends a SCIM request (path from the server's root) with a
// tenant's bearer token and returns the status and the body.
func scimRequest(t *testing.T, e *env, method, path, token, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, e.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, raw
}

// roles are tokens of the usual callers of the user tests: a platform
// admin, acme's tenant admin and auditor, and a token of no role.
type roles struct{ platform, acmeAdmin, auditor, noRole string }

// acmeAndBeta creates the tenants acme and beta and returns the tokens of
// the usual callers.
func acmeAndBeta(t *testing.T, e *env) roles {
	t.Helper()
	r := roles{
		platform:  e.iss.token(t, "root", []string{admin.RolePlatformAdmin}, nil),
		acmeAdmin: e.iss.token(t, "alice", []string{admin.RoleTenantAdmin}, []string{"acme"}),
		auditor:   e.iss.token(t, "audrey", []string{admin.RoleAuditor}, []string{"acme"}),
		noRole:    e.iss.token(t, "nobody", nil, []string{"acme"}),
	}
	for _, name := range []string{"acme", "beta"} {
		e.want(e.do("POST", "/admin/v1/tenants", r.platform, map[string]any{"name": name}), 201, "create "+name)
	}
	return r
}

func testCredentials(t *testing.T, e *env) {
	platform := e.iss.token(t, "root", []string{admin.RolePlatformAdmin}, nil)
	acmeAdmin := e.iss.token(t, "alice", []string{admin.RoleTenantAdmin}, []string{"acme"})
	e.want(e.do("POST", "/admin/v1/tenants", platform, map[string]any{"name": "acme"}), 201, "create acme")

	r := e.want(e.do("POST", "/admin/v1/tenants/acme/credentials", acmeAdmin, map[string]any{"name": "okta"}), 201, "create okta")
	tok, _ := r.body["token"].(string)
	id, _ := r.body["id"].(string)
	if !strings.HasPrefix(tok, "scimd_") || id == "" || r.body["name"] != "okta" || r.body["last_used"] != nil || r.body["revoked"] != nil {
		t.Fatalf("create credential = %s", r.raw)
	}
	if loc := r.header.Get("Location"); loc != "/admin/v1/tenants/acme/credentials/"+id {
		t.Errorf("Location = %q", loc)
	}
	e.want(e.do("POST", "/admin/v1/tenants/acme/credentials", acmeAdmin, map[string]any{"name": "okta"}), 409, "okta again")
	e.want(e.do("POST", "/admin/v1/tenants/acme/credentials", acmeAdmin, map[string]any{"name": ""}), 400, "empty name")
	e.want(e.do("POST", "/admin/v1/tenants/nosuch/credentials", platform, map[string]any{"name": "x"}), 404, "missing tenant")
	e.want(e.do("GET", "/admin/v1/tenants/nosuch/credentials", platform, nil), 404, "list, missing tenant")

	// The token works for SCIM, and the list shows its last use, never
	// the token.
	if code := scimDo(t, e, "GET", "/tenants/acme/scim/v2/Users", tok, ""); code != 200 {
		t.Fatalf("SCIM with the new token: %d", code)
	}
	r = e.want(e.do("GET", "/admin/v1/tenants/acme/credentials", acmeAdmin, nil), 200, "list")
	list := r.body["credentials"].([]any)
	if len(list) != 1 {
		t.Fatalf("credentials = %s", r.raw)
	}
	c := list[0].(map[string]any)
	if c["id"] != id || c["last_used"] == nil || c["revoked"] != nil || c["token"] != nil || strings.Contains(string(r.raw), tok) {
		t.Errorf("listed credential = %v", c)
	}

	e.want(e.do("DELETE", "/admin/v1/tenants/acme/credentials/"+id, acmeAdmin, nil), 204, "revoke")
	e.want(e.do("DELETE", "/admin/v1/tenants/acme/credentials/"+id, acmeAdmin, nil), 204, "revoke again")
	e.want(e.do("DELETE", "/admin/v1/tenants/acme/credentials/no-such-id", acmeAdmin, nil), 404, "revoke unknown")
	if code := scimDo(t, e, "GET", "/tenants/acme/scim/v2/Users", tok, ""); code != 401 {
		t.Errorf("SCIM with a revoked token: %d, want 401", code)
	}
	r = e.want(e.do("GET", "/admin/v1/tenants/acme/credentials", acmeAdmin, nil), 200, "list after revoke")
	if c := r.body["credentials"].([]any)[0].(map[string]any); c["revoked"] == nil {
		t.Errorf("revoked credential = %v", c)
	}
	// A revoked credential's name may be used again.
	e.want(e.do("POST", "/admin/v1/tenants/acme/credentials", platform, map[string]any{"name": "okta"}), 201, "okta after revoke")
}

func testSchema(t *testing.T, e *env) {
	platform := e.iss.token(t, "root", []string{admin.RolePlatformAdmin}, nil)
	acmeAdmin := e.iss.token(t, "alice", []string{admin.RoleTenantAdmin}, []string{"acme"})
	e.want(e.do("POST", "/admin/v1/tenants", platform, map[string]any{"name": "acme"}), 201, "create acme")

	r := e.want(e.do("GET", "/admin/v1/tenants/acme/schema", acmeAdmin, nil), 200, "get empty schema")
	if r.body["version"] != float64(0) {
		t.Errorf("empty schema = %s", r.raw)
	}
	def := `{"User":[{"name":"badgeId","type":"string","identifier":true}]}`
	r = e.want(e.do("PUT", "/admin/v1/tenants/acme/schema", acmeAdmin, def), 200, "set schema")
	if r.body["version"] != float64(1) || !strings.Contains(string(r.raw), `"badgeId"`) {
		t.Errorf("set schema = %s", r.raw)
	}
	r = e.want(e.do("GET", "/admin/v1/tenants/acme/schema", acmeAdmin, nil), 200, "get schema")
	if r.body["version"] != float64(1) || !strings.Contains(string(r.raw), `"badgeId"`) {
		t.Errorf("get schema = %s", r.raw)
	}
	if r := e.want(e.do("GET", "/admin/v1/tenants/acme", acmeAdmin, nil), 200, "tenant"); r.body["schema_version"] != float64(1) {
		t.Errorf("tenant after schema set = %s", r.raw)
	}
	e.want(e.do("PUT", "/admin/v1/tenants/acme/schema", acmeAdmin, `{"User":[{"name":"x","type":"nope"}]}`), 400, "invalid type")
	e.want(e.do("PUT", "/admin/v1/tenants/acme/schema", acmeAdmin, `{"Users":[]}`), 400, "unknown field")
	e.want(e.do("PUT", "/admin/v1/tenants/acme/schema", acmeAdmin, `nope`), 400, "not JSON")
	e.want(e.do("PUT", "/admin/v1/tenants/nosuch/schema", platform, def), 404, "missing tenant")
	e.want(e.do("GET", "/admin/v1/tenants/nosuch/schema", platform, nil), 404, "get, missing tenant")

	// The SCIM API serves the new attribute; a type change over stored
	// values is refused with 409.
	tok := e.want(e.do("POST", "/admin/v1/tenants/acme/credentials", acmeAdmin, map[string]any{"name": "okta"}), 201, "credential").body["token"].(string)
	user := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:scimd:schemas:extension:tenant:2.0:User"],"userName":"bjensen",` +
		`"urn:scimd:schemas:extension:tenant:2.0:User":{"badgeId":"B-1"}}`
	if code := scimDo(t, e, "POST", "/tenants/acme/scim/v2/Users", tok, user); code != 201 {
		t.Fatalf("SCIM create user with badgeId: %d", code)
	}
	r = e.want(e.do("PUT", "/admin/v1/tenants/acme/schema", acmeAdmin, `{"User":[{"name":"badgeId","type":"integer"}]}`), 409, "type change over values")
	if !strings.Contains(r.body["detail"].(string), "badgeId") {
		t.Errorf("conflict detail = %q", r.body["detail"])
	}
	if r := e.want(e.do("GET", "/admin/v1/tenants/acme/schema", platform, nil), 200, "schema kept"); r.body["version"] != float64(1) {
		t.Errorf("schema after refused change = %s", r.raw)
	}
}

// TestAdminOff: without an authenticator every admin path answers 404 in
// JSON, tokens or not.
func TestAdminOff(t *testing.T) {
	mux := http.NewServeMux()
	admin.NewHandler(admin.Config{}).Register(mux)
	for _, p := range []string{"/admin/v1/tenants", "/admin/v1/openapi.json", "/admin/v1/tenants/acme/schema"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequestWithContext(t.Context(), "GET", p, nil)
		req.Header.Set("Authorization", "Bearer x.y.z")
		mux.ServeHTTP(rec, req)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != 404 || body["error"] != "not_found" ||
			!strings.Contains(body["detail"].(string), "off") {
			t.Errorf("GET %s with the API off: %d %s", p, rec.Code, rec.Body)
		}
	}
}
