package main

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scimd/scimd/credentials"
	"github.com/scimd/scimd/storage"
)

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
