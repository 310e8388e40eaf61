package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/scimd/scimd/credentials"
	"github.com/scimd/scimd/storage"
)

// tokenPattern matches a token anywhere in a text.
var tokenPattern = regexp.MustCompile(regexp.QuoteMeta(credentials.TokenPrefix) + `[A-Za-z0-9_-]{43}`)

// tempDB returns the --db value of a fresh SQLite database.
func tempDB(t *testing.T) string {
	t.Helper()
	return "sqlite:" + filepath.Join(t.TempDir(), "data", "scimd.db")
}

// scimd runs the command line args against db (given as SCIMD_DB) and
// returns what it printed. It fails the test if a token appears on stderr.
func scimd(t *testing.T, db string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut strings.Builder
	err = run(t.Context(), args, env(map[string]string{"SCIMD_DB": db}), &out, &errOut)
	if tokenPattern.MatchString(errOut.String()) {
		t.Errorf("scimd %q wrote a token to stderr:\n%s", args, errOut.String())
	}
	return out.String(), errOut.String(), err
}

// mustScimd is scimd for commands that must succeed.
func mustScimd(t *testing.T, db string, args ...string) string {
	t.Helper()
	stdout, stderr, err := scimd(t, db, args...)
	if err != nil {
		t.Fatalf("scimd %q: %v\nstderr:\n%s", args, err, stderr)
	}
	return stdout
}

// failScimd runs a command that must fail with an error matching wantUsage
// (errUsage or not) and a message containing want, on stderr for usage
// errors and in the error otherwise. Nothing may reach stdout.
func failScimd(t *testing.T, db string, wantUsage bool, want string, args ...string) {
	t.Helper()
	stdout, stderr, err := scimd(t, db, args...)
	if err == nil {
		t.Fatalf("scimd %q succeeded, want an error", args)
	}
	if errors.Is(err, errUsage) != wantUsage {
		t.Errorf("scimd %q: error %v, usage error = %v, want %v", args, err, !wantUsage, wantUsage)
	}
	if msg := stderr + err.Error(); !strings.Contains(msg, want) {
		t.Errorf("scimd %q: error %q, stderr %q; want them to mention %q", args, err, stderr, want)
	}
	if stdout != "" {
		t.Errorf("scimd %q printed %q to stdout on failure", args, stdout)
	}
}

// openTestStore opens db directly, for checking what the commands did.
func openTestStore(t *testing.T, db string) storage.Store {
	t.Helper()
	s, err := openStore(t.Context(), db, discardLogger())
	if err != nil {
		t.Fatalf("openStore: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// checkToken checks that token has scimd's form and authenticates as the
// credential named credName of tenant, and returns that credential.
func checkToken(t *testing.T, s storage.Store, tenant, token, credName string) storage.Credential {
	t.Helper()
	rest, ok := strings.CutPrefix(token, credentials.TokenPrefix)
	if raw, err := base64.RawURLEncoding.DecodeString(rest); !ok || err != nil || len(raw) != 32 {
		t.Errorf("token %q is not %s and 32 bytes of base64url", token, credentials.TokenPrefix)
	}
	tn, err := s.Tenant(t.Context(), tenant)
	if err != nil {
		t.Fatalf("Tenant(%s): %v", tenant, err)
	}
	c, err := s.CredentialByHash(t.Context(), tn.ID, credentials.HashToken(token))
	if err != nil {
		t.Fatalf("CredentialByHash of the printed token: %v", err)
	}
	if c.Name != credName {
		t.Errorf("the printed token is credential %q, want %q", c.Name, credName)
	}
	return c
}

// decodeOne decodes stdout, which must be exactly one JSON value, into v,
// and returns the keys of the top-level object in their order.
func decodeOne(t *testing.T, stdout string, v any) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		t.Fatalf("stdout has more than one JSON value:\n%s", stdout)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("stdout %s: %v", raw, err)
	}
	var keys []string
	kd := json.NewDecoder(bytes.NewReader(raw))
	if tok, _ := kd.Token(); tok != json.Delim('{') {
		return nil
	}
	for kd.More() {
		k, err := kd.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := kd.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

type tenantCreatedJSON struct {
	Tenant       string `json:"tenant"`
	SCIMBasePath string `json:"scim_base_path"`
	Token        string `json:"token"`
}

func TestTenantCreateJSON(t *testing.T) {
	db := tempDB(t)
	for _, args := range [][]string{
		{"tenant", "create", "acme", "--json"},
		{"tenant", "create", "--json", "beta"},
		{"tenant", "create", "--json", "--db", db, "--", "gamma"},
	} {
		stdout, stderr, err := scimd(t, db, args...)
		if err != nil {
			t.Fatalf("scimd %q: %v\nstderr:\n%s", args, err, stderr)
		}
		name := args[len(args)-1]
		if name == "--json" {
			name = args[2]
		}
		var got tenantCreatedJSON
		keys := decodeOne(t, stdout, &got)
		if want := []string{"tenant", "scim_base_path", "token"}; !slices.Equal(keys, want) {
			t.Errorf("JSON keys = %q, want %q", keys, want)
		}
		if got.Tenant != name || got.SCIMBasePath != "/tenants/"+name+"/scim/v2" {
			t.Errorf("scimd %q = %+v, want tenant %s, base path /tenants/%s/scim/v2", args, got, name, name)
		}
		if strings.Contains(stderr, got.Token) {
			t.Errorf("the token is on stderr too:\n%s", stderr)
		}
		s := openTestStore(t, db)
		c := checkToken(t, s, name, got.Token, "default")
		if c.Revoked != nil || c.LastUsed != nil {
			t.Errorf("new credential = %+v, want never used, not revoked", c)
		}
	}
}

func TestTenantCreateText(t *testing.T) {
	db := tempDB(t)
	stdout := mustScimd(t, db, "tenant", "create", "acme")
	if !strings.Contains(stdout, "SCIM base path: /tenants/acme/scim/v2\n") {
		t.Errorf("stdout does not show the base path:\n%s", stdout)
	}
	var token string
	for line := range strings.Lines(stdout) {
		if v, ok := strings.CutPrefix(line, "Bearer token:"); ok {
			token = strings.TrimSpace(v)
		}
	}
	checkToken(t, openTestStore(t, db), "acme", token, "default")
}

func TestTenantCreateErrors(t *testing.T) {
	db := tempDB(t)
	mustScimd(t, db, "tenant", "create", "acme", "--json")
	failScimd(t, db, false, "tenant acme exists already", "tenant", "create", "acme", "--json")
	failScimd(t, db, false, "invalid tenant name", "tenant", "create", "Not_Valid")
	failScimd(t, db, true, "want 1 argument(s), got 0", "tenant", "create", "--json")
	failScimd(t, db, true, "want 1 argument(s), got 2", "tenant", "create", "a", "b")
	failScimd(t, db, true, "flag provided but not defined", "tenant", "create", "--nope", "x")
	failScimd(t, db, true, "unsupported database", "tenant", "create", "x", "--db", "postgres://u:pw@h/x")
	failScimd(t, db, true, "unknown command", "tenant", "rename", "x")

	// A failed create leaves no tenant behind.
	s := openTestStore(t, db)
	list, err := s.Tenants(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "acme" {
		t.Errorf("tenants after failed creates = %+v, want only acme", list)
	}
}

func TestTenantList(t *testing.T) {
	db := tempDB(t)
	if stdout := mustScimd(t, db, "tenant", "list", "--json"); strings.TrimSpace(stdout) != "[]" {
		t.Errorf("tenant list --json on an empty database = %q, want []", stdout)
	}
	mustScimd(t, db, "tenant", "create", "zeta")
	mustScimd(t, db, "tenant", "create", "alpha")

	var got []struct {
		Name         string    `json:"name"`
		ID           string    `json:"id"`
		Created      time.Time `json:"created"`
		SCIMBasePath string    `json:"scim_base_path"`
	}
	decodeOne(t, mustScimd(t, db, "tenant", "list", "--json"), &got)
	if len(got) != 2 || got[0].Name != "alpha" || got[1].Name != "zeta" {
		t.Fatalf("tenant list --json = %+v, want alpha, zeta", got)
	}
	if got[0].ID == "" || got[0].Created.IsZero() || got[0].SCIMBasePath != "/tenants/alpha/scim/v2" {
		t.Errorf("tenant list --json entry = %+v", got[0])
	}

	text := mustScimd(t, db, "tenant", "list")
	lines := slices.Collect(strings.Lines(text))
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "NAME") ||
		!strings.HasPrefix(lines[1], "alpha ") || !strings.HasPrefix(lines[2], "zeta ") {
		t.Errorf("tenant list =\n%s\nwant a header, alpha, zeta", text)
	}
	failScimd(t, db, true, "want 0 argument(s)", "tenant", "list", "extra")
}

func TestTenantDelete(t *testing.T) {
	db := tempDB(t)
	var created tenantCreatedJSON
	decodeOne(t, mustScimd(t, db, "tenant", "create", "acme", "--json"), &created)
	mustScimd(t, db, "tenant", "create", "keep")

	failScimd(t, db, true, "confirm with --yes", "tenant", "delete", "acme")
	failScimd(t, db, false, `no tenant named "nope"`, "tenant", "delete", "nope", "--yes")
	s := openTestStore(t, db)
	tn, err := s.Tenant(t.Context(), "acme")
	if err != nil {
		t.Fatalf("tenant deleted without --yes: %v", err)
	}

	if stdout := mustScimd(t, db, "tenant", "delete", "acme", "--yes"); !strings.Contains(stdout, "Deleted tenant acme") {
		t.Errorf("tenant delete printed %q", stdout)
	}
	if _, err := s.Tenant(t.Context(), "acme"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Tenant(acme) after delete: %v, want ErrNotFound", err)
	}
	if _, err := s.CredentialByHash(t.Context(), tn.ID, credentials.HashToken(created.Token)); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the deleted tenant's token still authenticates: %v", err)
	}
	if _, err := s.Tenant(t.Context(), "keep"); err != nil {
		t.Errorf("Tenant(keep) after deleting acme: %v", err)
	}
}

type tokenCreatedJSON struct {
	Tenant       string `json:"tenant"`
	SCIMBasePath string `json:"scim_base_path"`
	ID           string `json:"id"`
	Name         string `json:"name"`
	Token        string `json:"token"`
}

func TestTokenCreate(t *testing.T) {
	db := tempDB(t)
	mustScimd(t, db, "tenant", "create", "acme")

	var got tokenCreatedJSON
	keys := decodeOne(t, mustScimd(t, db, "token", "create", "--tenant", "acme", "--name", "okta", "--json"), &got)
	if want := []string{"tenant", "scim_base_path", "id", "name", "token"}; !slices.Equal(keys, want) {
		t.Errorf("JSON keys = %q, want %q", keys, want)
	}
	if got.Tenant != "acme" || got.Name != "okta" || got.ID == "" || got.SCIMBasePath != "/tenants/acme/scim/v2" {
		t.Errorf("token create --json = %+v", got)
	}
	s := openTestStore(t, db)
	if c := checkToken(t, s, "acme", got.Token, "okta"); c.ID != got.ID {
		t.Errorf("the printed token is credential %s, want the printed ID %s", c.ID, got.ID)
	}

	text := mustScimd(t, db, "token", "create", "--tenant=acme", "--name", "Entra ID (prod)")
	var token string
	for line := range strings.Lines(text) {
		if v, ok := strings.CutPrefix(line, "Bearer token:"); ok {
			token = strings.TrimSpace(v)
		}
	}
	checkToken(t, s, "acme", token, "Entra ID (prod)")

	failScimd(t, db, false, `has a valid token named "okta" already`, "token", "create", "--tenant", "acme", "--name", "okta")
	failScimd(t, db, false, "invalid token name", "token", "create", "--tenant", "acme", "--name", strings.Repeat("x", 65))
	failScimd(t, db, false, `no tenant named "nope"`, "token", "create", "--tenant", "nope", "--name", "okta")
	failScimd(t, db, true, "--name is required", "token", "create", "--tenant", "acme")
	failScimd(t, db, true, "--tenant is required", "token", "create", "--name", "x")
	failScimd(t, db, true, "want 0 argument(s)", "token", "create", "--tenant", "acme", "--name", "x", "extra")
}

func TestTokenListAndRevoke(t *testing.T) {
	db := tempDB(t)
	var first tenantCreatedJSON
	decodeOne(t, mustScimd(t, db, "tenant", "create", "acme", "--json"), &first)
	var okta tokenCreatedJSON
	decodeOne(t, mustScimd(t, db, "token", "create", "--tenant", "acme", "--name", "okta", "--json"), &okta)
	var other tenantCreatedJSON
	decodeOne(t, mustScimd(t, db, "tenant", "create", "other", "--json"), &other)

	s := openTestStore(t, db)
	def := checkToken(t, s, "acme", first.Token, "default")
	used := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := s.TouchCredential(t.Context(), def.Tenant, def.ID, used); err != nil {
		t.Fatal(err)
	}

	type credentialJSON struct {
		ID       string     `json:"id"`
		Name     string     `json:"name"`
		Created  time.Time  `json:"created"`
		LastUsed *time.Time `json:"last_used"`
		Revoked  *time.Time `json:"revoked"`
	}
	list := func() []credentialJSON {
		t.Helper()
		stdout := mustScimd(t, db, "token", "list", "--tenant", "acme", "--json")
		for _, secret := range []string{first.Token, okta.Token, hex.EncodeToString(credentials.HashToken(okta.Token)),
			base64.StdEncoding.EncodeToString(credentials.HashToken(okta.Token)), credentials.TokenPrefix} {
			if strings.Contains(stdout, secret) {
				t.Errorf("token list shows a token or hash:\n%s", stdout)
			}
		}
		var got []credentialJSON
		decodeOne(t, stdout, &got)
		return got
	}
	got := list()
	if len(got) != 2 || got[0].ID != def.ID || got[0].Name != "default" || got[1].ID != okta.ID || got[1].Name != "okta" {
		t.Fatalf("token list --json = %+v, want default, okta", got)
	}
	if got[0].LastUsed == nil || !got[0].LastUsed.Equal(used) || got[1].LastUsed != nil || got[0].Revoked != nil || got[1].Created.IsZero() {
		t.Errorf("token list --json = %+v, want default used at %v, okta never, none revoked", got, used)
	}
	// null, not absent, for never.
	if stdout := mustScimd(t, db, "token", "list", "--tenant", "acme", "--json"); !strings.Contains(stdout, `"revoked":null`) {
		t.Errorf("token list --json lacks \"revoked\":null:\n%s", stdout)
	}

	// Another tenant cannot revoke acme's token, nor an unknown ID.
	failScimd(t, db, false, "has no token with ID", "token", "revoke", "--tenant", "other", okta.ID)
	failScimd(t, db, false, "has no token with ID", "token", "revoke", "--tenant", "acme", "no-such-id")
	failScimd(t, db, true, "--tenant is required", "token", "revoke", okta.ID)
	failScimd(t, db, true, "want 1 argument(s), got 0", "token", "revoke", "--tenant", "acme")
	checkToken(t, s, "acme", okta.Token, "okta")

	if stdout := mustScimd(t, db, "token", "revoke", okta.ID, "--tenant", "acme"); !strings.Contains(stdout, "Revoked token "+okta.ID) {
		t.Errorf("token revoke printed %q", stdout)
	}
	if _, err := s.CredentialByHash(t.Context(), def.Tenant, credentials.HashToken(okta.Token)); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("a revoked token still authenticates: %v", err)
	}
	checkToken(t, s, "acme", first.Token, "default")
	checkToken(t, s, "other", other.Token, "default")
	got = list()
	if len(got) != 2 || got[1].Revoked == nil || time.Since(*got[1].Revoked) > time.Minute || got[0].Revoked != nil {
		t.Errorf("token list --json after revoke = %+v, want okta revoked just now", got)
	}

	text := mustScimd(t, db, "token", "list", "--tenant", "acme")
	lines := slices.Collect(strings.Lines(text))
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[0], "LAST USED") ||
		!strings.HasPrefix(lines[1], def.ID) || !strings.Contains(lines[1], "2030-01-02T03:04:05Z") ||
		!strings.HasPrefix(lines[2], okta.ID) {
		t.Errorf("token list =\n%s", text)
	}
	failScimd(t, db, false, `no tenant named "nope"`, "token", "list", "--tenant", "nope")
}

func TestAdminHelp(t *testing.T) {
	db := tempDB(t)
	for _, group := range []string{"tenant", "token"} {
		stdout, stderr, err := scimd(t, db, group)
		if !errors.Is(err, errUsage) || !strings.Contains(stderr, "Usage:") || stdout != "" {
			t.Errorf("scimd %s: err %v, stderr %q, stdout %q; want usage on stderr", group, err, stderr, stdout)
		}
		stdout, _, err = scimd(t, db, group, "help")
		if err != nil || !strings.Contains(stdout, "scimd "+group+" create") {
			t.Errorf("scimd %s help: err %v, stdout %q", group, err, stdout)
		}
		_, stderr, err = scimd(t, db, group, "create", "-h")
		if !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr, "-json") || !strings.Contains(stderr, "SCIMD_DB") {
			t.Errorf("scimd %s create -h: err %v, stderr %q", group, err, stderr)
		}
	}
}

// TestServeBootstrap starts serve on an empty database: it creates the
// tenant "default" and prints its SCIM base URL and token once; the second
// start prints nothing.
func TestServeBootstrap(t *testing.T) {
	db := tempDB(t)
	var stdout syncBuffer
	addr, logs, stop := startServeOut(t, &stdout, "--db", db)
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}

	out := stdout.String()
	wantURL := "http://" + addr + "/tenants/default/scim/v2"
	var url, token string
	for line := range strings.Lines(out) {
		if v, ok := strings.CutPrefix(line, "SCIM base URL:"); ok {
			url = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "Bearer token:"); ok {
			token = strings.TrimSpace(v)
		}
	}
	if url != wantURL {
		t.Errorf("printed base URL %q, want %q; stdout:\n%s", url, wantURL, out)
	}
	if n := len(tokenPattern.FindAllString(out, -1)); n != 1 {
		t.Errorf("stdout shows %d tokens, want 1:\n%s", n, out)
	}
	if strings.Contains(logs.String(), token) || tokenPattern.MatchString(logs.String()) {
		t.Errorf("a token is in the logs:\n%s", logs)
	}
	if !strings.Contains(logs.String(), `"msg":"created the first tenant`) || !strings.Contains(logs.String(), wantURL) {
		t.Errorf("the logs do not say that the first tenant was made:\n%s", logs)
	}
	checkToken(t, openTestStore(t, db), "default", token, "default")

	var stdout2 syncBuffer
	_, logs2, stop2 := startServeOut(t, &stdout2, "--db", db)
	if err := stop2(); err != nil {
		t.Fatalf("second serve: %v", err)
	}
	if stdout2.String() != "" {
		t.Errorf("the second start printed %q", stdout2.String())
	}
	if strings.Contains(logs2.String(), "created the first tenant") {
		t.Errorf("the second start created a tenant:\n%s", logs2)
	}
	var tenants []struct{ Name string }
	decodeOne(t, mustScimd(t, db, "tenant", "list", "--json"), &tenants)
	if len(tenants) != 1 || tenants[0].Name != "default" {
		t.Errorf("tenants after two starts = %+v, want only default", tenants)
	}
}

// TestServeNoBootstrapWithTenants checks that serve makes no tenant when
// one exists.
func TestServeNoBootstrapWithTenants(t *testing.T) {
	db := tempDB(t)
	mustScimd(t, db, "tenant", "create", "acme")
	var stdout syncBuffer
	_, _, stop := startServeOut(t, &stdout, "--db", db)
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if stdout.String() != "" {
		t.Errorf("serve printed %q with a tenant present", stdout.String())
	}
	if _, err := openTestStore(t, db).Tenant(t.Context(), "default"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Tenant(default) = %v, want ErrNotFound", err)
	}
}

func TestAdvertisedHost(t *testing.T) {
	for _, tt := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "127.0.0.1:8080"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "localhost:8080"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 80}, "localhost:80"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 9000}, "[::1]:9000"},
		{&net.TCPAddr{Port: 8080}, "localhost:8080"},
	} {
		if got := advertisedHost(tt.addr); got != tt.want {
			t.Errorf("advertisedHost(%v) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

func TestAdminDBFlag(t *testing.T) {
	envDB, flagDB := tempDB(t), tempDB(t)
	mustScimd(t, envDB, "tenant", "create", "acme", "--db", flagDB)
	if _, err := openTestStore(t, flagDB).Tenant(t.Context(), "acme"); err != nil {
		t.Errorf("tenant not in the --db database: %v", err)
	}
	if _, err := openTestStore(t, envDB).Tenant(t.Context(), "acme"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("tenant in the SCIMD_DB database despite --db: %v", err)
	}

	// Help shows the built-in default, never SCIMD_DB: it may hold a
	// password.
	_, stderr, err := scimd(t, "mysql://scimd:s3cret-pw@db/scimd", "token", "list", "-h")
	if !errors.Is(err, flag.ErrHelp) || strings.Contains(stderr, "s3cret") || !strings.Contains(stderr, defaultDB) {
		t.Errorf("token list -h: err %v, stderr:\n%s", err, stderr)
	}
}

// TestAdminMySQL runs the tenant and token commands against MySQL or
// MariaDB when SCIMD_TEST_MYSQL_DSN names a server.
func TestAdminMySQL(t *testing.T) {
	dsn := os.Getenv("SCIMD_TEST_MYSQL_DSN")
	if dsn == "" {
		t.Skip("SCIMD_TEST_MYSQL_DSN not set")
	}
	db := mysqlTestDB(t, dsn)

	var created tenantCreatedJSON
	decodeOne(t, mustScimd(t, db, "tenant", "create", "acme", "--json"), &created)
	s := openTestStore(t, db)
	checkToken(t, s, "acme", created.Token, "default")
	var okta tokenCreatedJSON
	decodeOne(t, mustScimd(t, db, "token", "create", "--tenant", "acme", "--name", "okta", "--json"), &okta)
	checkToken(t, s, "acme", okta.Token, "okta")
	failScimd(t, db, false, `has a valid token named "okta" already`, "token", "create", "--tenant", "acme", "--name", "okta")
	mustScimd(t, db, "token", "revoke", "--tenant", "acme", okta.ID)
	tn, err := s.Tenant(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CredentialByHash(t.Context(), tn.ID, credentials.HashToken(okta.Token)); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("a revoked token still authenticates: %v", err)
	}
	var list []struct {
		Name    string     `json:"name"`
		Revoked *time.Time `json:"revoked"`
	}
	decodeOne(t, mustScimd(t, db, "token", "list", "--tenant", "acme", "--json"), &list)
	if len(list) != 2 || list[0].Revoked != nil || list[1].Revoked == nil {
		t.Errorf("token list = %+v, want default valid, okta revoked", list)
	}
	mustScimd(t, db, "tenant", "delete", "acme", "--yes")
	if _, err := s.CredentialByHash(t.Context(), tn.ID, credentials.HashToken(created.Token)); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("a deleted tenant's token still authenticates: %v", err)
	}
}

// mysqlTestDB creates a database on the server named by dsn
// (mysql://USER:PASSWORD@HOST:PORT/), drops it when t ends, and returns its
// --db URL.
func mysqlTestDB(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme != "mysql" {
		t.Fatalf("SCIMD_TEST_MYSQL_DSN = %q, want mysql://USER:PASSWORD@HOST:PORT/", dsn)
	}
	cfg := gomysql.NewConfig()
	cfg.Net, cfg.Addr = "tcp", u.Host
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	connector, err := gomysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	admin := sql.OpenDB(connector)
	t.Cleanup(func() { _ = admin.Close() })
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	name := "scimd_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(t.Context(), "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE `"+name+"`"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
