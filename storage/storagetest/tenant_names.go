package storagetest

// Tenant names are compared byte for byte: a name that
// differs from a tenant's by trailing spaces (which MySQL's PAD SPACE
// collations ignore in comparisons), by case or otherwise names no tenant,
// for Tenant and for Authenticate alike.

import (
	"crypto/sha256"
	"testing"

	"github.com/scimd/scimd/storage"
)

func testTenantNameExact(t *testing.T, s storage.Store) {
	ctx := t.Context()
	alpha := mustTenant(t, s, "alpha")
	token := sha256.Sum256([]byte("alpha-token"))
	if _, err := s.CreateCredential(ctx, alpha, "okta", token[:]); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Tenant(ctx, "alpha"); err != nil || got.ID != alpha {
		t.Fatalf("Tenant(alpha) = %v, %v; want the tenant", got.ID, err)
	}
	if got, _, err := s.Authenticate(ctx, "alpha", token[:]); err != nil || got.ID != alpha {
		t.Fatalf("Authenticate(alpha) = %v, %v; want the tenant", got.ID, err)
	}
	for _, name := range []string{"alpha ", "alpha  ", " alpha", "alpha\t", "alpha\x00", "ALPHA", "Alpha", "alph", "alpha-"} {
		got, err := s.Tenant(ctx, name)
		checkErrIs(t, "Tenant("+jsonString(name)+")", err, storage.ErrNotFound)
		if got.ID != "" {
			t.Errorf("Tenant(%s) returned tenant %s, want none", jsonString(name), got.ID)
		}
		got, _, err = s.Authenticate(ctx, name, token[:])
		checkErrIs(t, "Authenticate("+jsonString(name)+")", err, storage.ErrNotFound)
		if got.ID != "" {
			t.Errorf("Authenticate(%s) returned tenant %s, want none", jsonString(name), got.ID)
		}
	}
}
