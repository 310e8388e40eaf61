package main

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scimd/scimd/credentials"
	"github.com/scimd/scimd/storage"
)

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
