package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scimd/scimd/credentials"
	"github.com/scimd/scimd/storage"
)

// tokenPattern matches a token anywhere in a text.
var tokenPattern = regexp.MustCompile(regexp.QuoteMeta(credentials.TokenPrefix) + `[A-Za-z0-9_-]{43}`)

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

func TestCLIHelp(t *testing.T) {
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

func TestCLIDBFlag(t *testing.T) {
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

// TestCLIMySQL runs the tenant and token commands against MySQL or
// MariaDB when SCIMD_TEST_MYSQL_DSN names a server.
func TestCLIMySQL(t *testing.T) {
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
