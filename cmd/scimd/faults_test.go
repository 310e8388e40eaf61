package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/coreos/go-oidc/v3/oidc/oidctest"

	"github.com/scimd/scimd/admin"
	"github.com/scimd/scimd/credentials"
	"github.com/scimd/scimd/scim"
	"github.com/scimd/scimd/storage"
)

// Fault load shape: loadWorkers goroutines send loadRequests requests each.
const (
	loadWorkers  = 6
	loadRequests = 12
	faultCycles  = 2
)

// faultClientTimeout bounds every request of the fault tests: a request
// the database cannot serve must fail (503) well before it.
const faultClientTimeout = 20 * time.Second

// A faultServer is scimd's handler on httptest with one tenant.
type faultServer struct {
	srv        *httptest.Server
	base       string // the tenant's SCIM base
	token      string
	adminToken string // a platform admin's OIDC token for the admin API
	hc         *http.Client
}

// newFaultServer serves scimd's handler, the admin API on (with an
// in-process OIDC issuer), over httptest, with one tenant.
func newFaultServer(t *testing.T, store storage.Store) *faultServer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	idp := &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: key.Public(), KeyID: "k1", Algorithm: oidc.RS256}}}
	idpSrv := httptest.NewServer(idp)
	t.Cleanup(idpSrv.Close)
	idp.SetIssuer(idpSrv.URL)
	auth, err := admin.NewAuthenticator(t.Context(), admin.OIDCConfig{Issuer: idpSrv.URL, Audience: "scimd-admin"})
	if err != nil {
		t.Fatal(err)
	}
	claims, err := json.Marshal(map[string]any{"iss": idpSrv.URL, "aud": "scimd-admin", "sub": "root",
		"exp": time.Now().Add(time.Hour).Unix(), "scimd_roles": []string{admin.RolePlatformAdmin}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := newHandler(store, discardLogger(), scim.Config{}, auth)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	tenant, err := store.CreateTenant(t.Context(), "faults")
	if err != nil {
		t.Fatal(err)
	}
	token, hash, err := credentials.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateCredential(t.Context(), tenant.ID, "test", hash); err != nil {
		t.Fatal(err)
	}
	hc := srv.Client()
	hc.Timeout = faultClientTimeout
	return &faultServer{srv: srv, base: srv.URL + "/tenants/faults/scim/v2", token: token, hc: hc,
		adminToken: oidctest.SignIDToken(key, "k1", oidc.RS256, string(claims))}
}

// faultResult is one response of a load.
type faultResult struct {
	method, path string
	status       int
	header       http.Header
	body         []byte
	err          error
}

// do sends one request with the tenant's token.
func (f *faultServer) do(t *testing.T, method, path string, body any) faultResult {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Error(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, f.base+path, rd)
	if err != nil {
		return faultResult{method: method, path: path, err: err}
	}
	req.Header.Set("Authorization", "Bearer "+f.token)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := f.hc.Do(req)
	if err != nil {
		return faultResult{method: method, path: path, err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	return faultResult{method: method, path: path, status: resp.StatusCode, header: resp.Header, body: raw, err: err}
}

// readyz answers GET /readyz's status.
func (f *faultServer) readyz(t *testing.T) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, f.srv.URL+"/readyz", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := f.hc.Do(req)
	if err != nil {
		t.Fatalf("GET /readyz: %v", err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// adminTenants sends GET /admin/v1/tenants as the platform admin.
func (f *faultServer) adminTenants(t *testing.T) faultResult {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, f.srv.URL+"/admin/v1/tenants", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.adminToken)
	resp, err := f.hc.Do(req)
	if err != nil {
		return faultResult{method: "GET", path: "/admin/v1/tenants", err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	return faultResult{method: "GET", path: "/admin/v1/tenants", status: resp.StatusCode, header: resp.Header, body: raw, err: err}
}

// load runs the mixed load (reads by id, filtered lists, PATCHes of the
// seeded users, creates with distinct userNames) and returns every response. ids are users that
// exist; prefix makes the userNames of the creates distinct. When hook is
// not nil, the worker whose response is the after-th calls it, while the
// other workers go on: the fault lands mid-load.
func (f *faultServer) load(t *testing.T, ids []string, prefix string, after int, hook func()) []faultResult {
	var mu sync.Mutex
	var out []faultResult
	var wg sync.WaitGroup
	var once sync.Once
	for w := range loadWorkers {
		wg.Go(func() {
			for i := range loadRequests {
				var r faultResult
				switch i % 4 {
				case 0:
					r = f.do(t, http.MethodGet, "/Users/"+ids[(w+i)%len(ids)], nil)
				case 1:
					r = f.do(t, http.MethodGet, "/Users?filter="+url.QueryEscape(`userName sw "seed"`)+"&count=5", nil)
				case 2:
					r = f.do(t, http.MethodPatch, "/Users/"+ids[(w+i)%len(ids)], patchOp("replace", "displayName", fmt.Sprintf("%s %d %d", prefix, w, i)))
				default:
					r = f.do(t, http.MethodPost, "/Users", userBody(fmt.Sprintf("%s-%d-%d", prefix, w, i)))
				}
				mu.Lock()
				out = append(out, r)
				n := len(out)
				mu.Unlock()
				if hook != nil && n >= after {
					once.Do(hook)
				}
			}
		})
	}
	wg.Wait()
	return out
}

func userBody(userName string) map[string]any {
	return map[string]any{
		"schemas":  []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName": userName,
	}
}

// check503 checks that r is a SCIM 503 with Retry-After and no driver
// text.
func check503(t *testing.T, r faultResult) {
	t.Helper()
	if r.header.Get("Retry-After") == "" {
		t.Errorf("%s %s: 503 without Retry-After", r.method, r.path)
	}
	var e struct {
		Schemas []string `json:"schemas"`
		Status  string   `json:"status"`
		Detail  string   `json:"detail"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil || len(e.Schemas) != 1 || e.Schemas[0] != "urn:ietf:params:scim:api:messages:2.0:Error" || e.Status != "503" || e.Detail == "" {
		t.Errorf("%s %s: 503 body %q is not a SCIM error with status 503 and a detail", r.method, r.path, r.body)
	}
	for _, leak := range []string{"sql", "SQL", "dial", "tcp", "EOF", "driver", "127.0.0.1"} {
		if strings.Contains(e.Detail, leak) {
			t.Errorf("%s %s: 503 detail %q holds driver text (%q)", r.method, r.path, e.Detail, leak)
		}
	}
}

// faultFigures are the counts a fault test logs for docs/security.md.
type faultFigures struct {
	faults, requests, unavailable, ok int
}

func (f faultFigures) log(t *testing.T, engine string) {
	t.Logf("FIGURES %s: faults survived %d; requests of the loads the faults hit %d (%d answered 503 with Retry-After, %d 2xx); 0 answered anything else",
		engine, f.faults, f.requests, f.unavailable, f.ok)
}

// wantUnavailable checks that r is a 503 with Retry-After, for SCIM (a
// SCIM error) or the admin API (its JSON error, "unavailable").
func wantUnavailable(t *testing.T, what string, r faultResult, scim bool) {
	t.Helper()
	switch {
	case r.err != nil:
		t.Errorf("%s: %v, want 503", what, r.err)
	case r.status != http.StatusServiceUnavailable:
		t.Errorf("%s: %d %s, want 503", what, r.status, r.body)
	case scim:
		check503(t, r)
	default:
		var e struct {
			Status int    `json:"status"`
			Error  string `json:"error"`
			Detail string `json:"detail"`
		}
		if err := json.Unmarshal(r.body, &e); err != nil || e.Status != 503 || e.Error != "unavailable" || e.Detail == "" || r.header.Get("Retry-After") == "" {
			t.Errorf("%s: 503 %s (Retry-After %q), want the admin error unavailable and Retry-After", what, r.body, r.header.Get("Retry-After"))
		}
	}
}

// runFaultCycles seeds users, then faultCycles times: runs the load and
// injects the fault once a few of its requests are answered, so that it
// lands mid-load. Every answer must be 2xx or a SCIM 503 with Retry-After:
// never another status, never a transport error or a hang past the client
// timeout. Once the load is over (the fault still on) /readyz, a SCIM read
// and the admin API answer 503 with Retry-After. Then it lifts the fault,
// waits for /readyz to answer 200 (polled, at most 100 times), and runs the
// load again: every answer 2xx, the seeded users intact, the admin API 200.
func runFaultCycles(t *testing.T, f *faultServer, inject, lift func()) faultFigures {
	var ids []string
	for i := range 4 {
		r := f.do(t, http.MethodPost, "/Users", userBody(fmt.Sprintf("seed%d", i)))
		if r.status != http.StatusCreated {
			t.Fatalf("seed: %d %s (%v)", r.status, r.body, r.err)
		}
		var u struct{ ID string }
		if err := json.Unmarshal(r.body, &u); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	var fig faultFigures
	for cycle := range faultCycles {
		var n503 int
		for _, r := range f.load(t, ids, fmt.Sprintf("down%d", cycle), loadWorkers, inject) {
			fig.requests++
			switch {
			case r.err != nil:
				t.Errorf("cycle %d: %s %s: %v (want an answer, 2xx or 503)", cycle, r.method, r.path, r.err)
			case r.status == http.StatusServiceUnavailable:
				n503++
				check503(t, r)
			case r.status >= 200 && r.status < 300:
				fig.ok++
			default:
				t.Errorf("cycle %d: %s %s while the database went away: %d %s, want 2xx or 503", cycle, r.method, r.path, r.status, r.body)
			}
		}
		fig.unavailable += n503
		if n503 == 0 {
			t.Errorf("cycle %d: no request answered 503 after the database went away", cycle)
		}
		if code := f.readyz(t); code != http.StatusServiceUnavailable {
			t.Errorf("cycle %d: /readyz = %d while the database is unreachable, want 503", cycle, code)
		}
		wantUnavailable(t, fmt.Sprintf("cycle %d: GET /Users/{id}", cycle), f.do(t, http.MethodGet, "/Users/"+ids[0], nil), true)
		wantUnavailable(t, fmt.Sprintf("cycle %d: GET /admin/v1/tenants", cycle), f.adminTenants(t), false)
		lift()
		ready := false
		for range 100 {
			if f.readyz(t) == http.StatusOK {
				ready = true
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if !ready {
			t.Fatalf("cycle %d: /readyz did not answer 200 after the database came back", cycle)
		}
		for _, r := range f.load(t, ids, fmt.Sprintf("up%d", cycle), 0, nil) {
			if r.err != nil || r.status < 200 || r.status > 299 {
				t.Errorf("cycle %d, after recovery: %s %s: %d %s (%v), want 2xx", cycle, r.method, r.path, r.status, r.body, r.err)
			}
		}
		if r := f.adminTenants(t); r.status != http.StatusOK {
			t.Errorf("cycle %d, after recovery: GET /admin/v1/tenants = %d %s, want 200", cycle, r.status, r.body)
		}
		fig.faults++
	}
	return fig
}

// TestDatabaseFaultsMySQL puts a TCP proxy between scimd and MariaDB,
// cuts every connection (and refuses new ones) under a load of reads and
// creates, and restores it: scimd answers 503 with Retry-After while the
// database is gone, /readyz fails, and it recovers without a restart.
func TestDatabaseFaultsMySQL(t *testing.T) {
	dsn := os.Getenv("SCIMD_TEST_MYSQL_DSN")
	if dsn == "" {
		t.Skip("SCIMD_TEST_MYSQL_DSN not set")
	}
	db, err := url.Parse(mysqlTestDB(t, dsn))
	if err != nil {
		t.Fatal(err)
	}
	p := newCutProxy(t, db.Host)
	db.Host = p.Addr()
	store := openTestStore(t, db.String())
	f := newFaultServer(t, store)
	fig := runFaultCycles(t, f, p.Cut, p.Restore)
	if p.Cuts() != faultCycles {
		t.Errorf("proxy cut %d times, want %d", p.Cuts(), faultCycles)
	}
	fig.log(t, "mysql")
}

// TestDatabaseFaultsSQLite holds SQLite's write lock from another
// connection (as another process would) past the busy timeout: writes
// answer 503 with Retry-After, reads go on (WAL), and once the lock is
// released writes succeed again without a restart.
func TestDatabaseFaultsSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out SQLite's busy timeout")
	}
	path := filepath.Join(t.TempDir(), "scimd.db")
	store := openTestStore(t, "sqlite:"+path)
	f := newFaultServer(t, store)
	seed := f.do(t, http.MethodPost, "/Users", userBody("seed"))
	if seed.status != http.StatusCreated {
		t.Fatalf("seed: %d %s", seed.status, seed.body)
	}
	var u struct{ ID string }
	if err := json.Unmarshal(seed.body, &u); err != nil {
		t.Fatal(err)
	}
	locker, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = locker.Close() })
	conn, err := locker.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := f.do(t, http.MethodPost, "/Users", userBody("while-locked"))
	t.Logf("POST while locked: %d after %v", r.status, time.Since(start))
	if r.err != nil || r.status != http.StatusServiceUnavailable {
		t.Fatalf("POST /Users while another connection holds the write lock: %d %s (%v), want 503", r.status, r.body, r.err)
	}
	check503(t, r)
	if g := f.do(t, http.MethodGet, "/Users/"+u.ID, nil); g.status != http.StatusOK {
		t.Errorf("GET while the write lock is held: %d, want 200 (WAL readers are not blocked)", g.status)
	}
	if _, err := conn.ExecContext(t.Context(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	_ = conn.Close()
	if r := f.do(t, http.MethodPost, "/Users", userBody("after-unlock")); r.status != http.StatusCreated {
		t.Errorf("POST /Users after the lock was released: %d %s, want 201", r.status, r.body)
	}
	if r := f.do(t, http.MethodGet, "/Users?filter="+url.QueryEscape(`userName eq "while-locked"`), nil); !strings.Contains(string(r.body), `"totalResults":0`) {
		t.Errorf("the refused create exists: %s", r.body)
	}
	faultFigures{faults: 1, requests: 1, unavailable: 1}.log(t, "sqlite")
}
