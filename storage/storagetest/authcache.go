package storagetest

import (
	"errors"
	"testing"
	"time"

	"github.com/scimd/scimd/storage"
)

// RunSharedDatabaseTests checks what two stores on the same database (two
// instances of scimd) see of each other's changes to credentials and
// tenants: the store that makes a change refuses the credential at once,
// the other within storage.AuthCacheTTL. open opens a store on one
// database, the same one at every call of a test.
func RunSharedDatabaseTests(t *testing.T, open func(t *testing.T) storage.Store) {
	t.Run("revoked credential", func(t *testing.T) {
		a, b := open(t), open(t)
		tenant := mustTenant(t, a, "acme")
		hash := credTokenHash("t-shared")
		cred := mustCredential(t, a, tenant, "okta", hash)
		authOK(t, a, "acme", hash)
		seen := authOK(t, b, "acme", hash) // b answers from memory from now on
		if err := a.RevokeCredential(t.Context(), tenant, cred.ID); err != nil {
			t.Fatalf("RevokeCredential: %v", err)
		}
		authRefused(t, a, "acme", hash, "the revoking store, at once")
		waitPast(seen.Add(storage.AuthCacheTTL))
		authRefused(t, b, "acme", hash, "the other store, after AuthCacheTTL")
	})
	t.Run("deleted tenant", func(t *testing.T) {
		a, b := open(t), open(t)
		tenant := mustTenant(t, a, "gone")
		hash := credTokenHash("t-gone")
		mustCredential(t, a, tenant, "okta", hash)
		authOK(t, a, "gone", hash)
		seen := authOK(t, b, "gone", hash)
		if err := a.DeleteTenant(t.Context(), tenant); err != nil {
			t.Fatalf("DeleteTenant: %v", err)
		}
		authRefused(t, a, "gone", hash, "the deleting store, at once")
		waitPast(seen.Add(storage.AuthCacheTTL))
		authRefused(t, b, "gone", hash, "the other store, after AuthCacheTTL")
	})
}

// authOK authenticates and returns the time before the lookup.
func authOK(t *testing.T, s storage.Store, name string, hash []byte) time.Time {
	t.Helper()
	before := time.Now()
	if _, _, err := s.Authenticate(t.Context(), name, hash); err != nil {
		t.Fatalf("Authenticate(%s) = %v, want the credential", name, err)
	}
	return before
}

func authRefused(t *testing.T, s storage.Store, name string, hash []byte, who string) {
	t.Helper()
	if _, _, err := s.Authenticate(t.Context(), name, hash); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Authenticate(%s) by %s = %v, want ErrNotFound", name, who, err)
	}
}

// waitPast sleeps until the clock is past at.
func waitPast(at time.Time) {
	time.Sleep(time.Until(at) + 10*time.Millisecond)
}
