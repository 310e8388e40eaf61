package storagetest

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"github.com/scimd/scimd/storage"
)

func credTokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func mustCredential(t *testing.T, s storage.Store, tenant storage.TenantID, name string, hash []byte) storage.Credential {
	t.Helper()
	c, err := s.CreateCredential(t.Context(), tenant, name, hash)
	if err != nil {
		t.Fatalf("CreateCredential(%q): %v", name, err)
	}
	return c
}

func testCredentials(t *testing.T, s storage.Store) {
	ctx := t.Context()
	acme := mustTenant(t, s, "acme")
	other := mustTenant(t, s, "other")

	before := time.Now()
	okta := mustCredential(t, s, acme, "okta", credTokenHash("t-okta"))
	after := time.Now()
	if okta.ID == "" || okta.Tenant != acme || okta.Name != "okta" || okta.LastUsed != nil || okta.Revoked != nil {
		t.Errorf("CreateCredential = %+v, want an ID, tenant %s, name okta, never used, not revoked", okta, acme)
	}
	checkRecent(t, "credential created", okta.Created, before, after)

	got, err := s.CredentialByHash(ctx, acme, credTokenHash("t-okta"))
	if err != nil {
		t.Fatalf("CredentialByHash: %v", err)
	}
	if got.ID != okta.ID || got.Name != "okta" || !got.Created.Equal(okta.Created) {
		t.Errorf("CredentialByHash = %+v, want %+v", got, okta)
	}
	for _, tc := range []struct {
		name   string
		tenant storage.TenantID
		hash   []byte
	}{
		{name: "unknown hash", tenant: acme, hash: credTokenHash("nope")},
		{name: "other tenant", tenant: other, hash: credTokenHash("t-okta")},
		{name: "unknown tenant", tenant: "no-such-tenant", hash: credTokenHash("t-okta")},
	} {
		_, err := s.CredentialByHash(ctx, tc.tenant, tc.hash)
		checkErrIs(t, "CredentialByHash with "+tc.name, err, storage.ErrNotFound)
	}

	// Names: 1 to 64 characters, no control characters, no white space at
	// either end. Hashes: 32 bytes.
	for _, tc := range []struct {
		name string
		hash []byte
	}{
		{name: "", hash: credTokenHash("v1")},
		{name: strings.Repeat("x", 65), hash: credTokenHash("v2")},
		{name: " okta2", hash: credTokenHash("v3")},
		{name: "okta2 ", hash: credTokenHash("v4")},
		{name: "\tokta2", hash: credTokenHash("v5")},
		{name: "ok\x00ta", hash: credTokenHash("v6")},
		{name: "ok\nta", hash: credTokenHash("v7")},
		{name: "short hash", hash: credTokenHash("v8")[:31]},
		{name: "long hash", hash: append(credTokenHash("v9"), 0)},
		{name: "no hash", hash: nil},
	} {
		_, err := s.CreateCredential(ctx, acme, tc.name, tc.hash)
		checkValueError(t, "CreateCredential("+strings.ToValidUTF8(tc.name, "?")+")", err)
	}
	for _, name := range []string{strings.Repeat("x", 64), strings.Repeat("ä", 64), "a", "Okta prod / EU"} {
		mustCredential(t, s, acme, name, credTokenHash("ok-"+name))
	}

	// Uniqueness: names among valid credentials, exactly; hashes per tenant.
	_, err = s.CreateCredential(ctx, acme, "okta", credTokenHash("t-okta-2"))
	checkErrIs(t, "CreateCredential with a taken name", err, storage.ErrConflict)
	_, err = s.CreateCredential(ctx, acme, "azure", credTokenHash("t-okta"))
	checkErrIs(t, "CreateCredential with a taken hash", err, storage.ErrConflict)
	upper := mustCredential(t, s, acme, "OKTA", credTokenHash("t-okta-upper"))
	mustCredential(t, s, other, "okta", credTokenHash("t-okta"))
	_, err = s.CreateCredential(ctx, "no-such-tenant", "okta", credTokenHash("t-x"))
	checkErrIs(t, "CreateCredential in an unknown tenant", err, storage.ErrNotFound)

	// Touch: LastUsed never moves backwards.
	t1 := time.Now().UTC().Truncate(time.Millisecond)
	if err := s.TouchCredential(ctx, acme, okta.ID, t1); err != nil {
		t.Fatalf("TouchCredential: %v", err)
	}
	if err := s.TouchCredential(ctx, acme, okta.ID, t1.Add(-time.Hour)); err != nil {
		t.Fatalf("TouchCredential with an earlier time: %v", err)
	}
	checkLastUsed := func(what string, want time.Time) {
		t.Helper()
		c, err := s.CredentialByHash(ctx, acme, credTokenHash("t-okta"))
		if err != nil {
			t.Fatalf("%s: CredentialByHash: %v", what, err)
		}
		if c.LastUsed == nil || !c.LastUsed.Equal(want) {
			t.Errorf("%s: LastUsed = %v, want %v", what, c.LastUsed, want)
		}
	}
	checkLastUsed("after Touch and an earlier Touch", t1)
	t2 := t1.Add(90 * time.Second)
	if err := s.TouchCredential(ctx, acme, okta.ID, t2); err != nil {
		t.Fatalf("TouchCredential: %v", err)
	}
	checkLastUsed("after a later Touch", t2)
	for _, tc := range []struct {
		name   string
		tenant storage.TenantID
		id     string
	}{
		{name: "unknown id", tenant: acme, id: "no-such-id"},
		{name: "other tenant", tenant: other, id: okta.ID},
	} {
		err := s.TouchCredential(ctx, tc.tenant, tc.id, t2.Add(time.Hour))
		checkErrIs(t, "TouchCredential with "+tc.name, err, storage.ErrNotFound)
		err = s.RevokeCredential(ctx, tc.tenant, tc.id)
		checkErrIs(t, "RevokeCredential with "+tc.name, err, storage.ErrNotFound)
	}
	checkLastUsed("after Touch from another tenant", t2)

	// Revoke: never authenticates again; the name is free again.
	before = time.Now()
	if err := s.RevokeCredential(ctx, acme, okta.ID); err != nil {
		t.Fatalf("RevokeCredential: %v", err)
	}
	after = time.Now()
	_, err = s.CredentialByHash(ctx, acme, credTokenHash("t-okta"))
	checkErrIs(t, "CredentialByHash of a revoked credential", err, storage.ErrNotFound)
	if c, err := s.CredentialByHash(ctx, other, credTokenHash("t-okta")); err != nil || c.Name != "okta" {
		t.Errorf("the other tenant's credential with the same hash: %+v, %v; want it valid", c, err)
	}
	time.Sleep(10 * time.Millisecond)
	if err := s.RevokeCredential(ctx, acme, okta.ID); err != nil {
		t.Errorf("revoking a revoked credential: %v, want nil", err)
	}
	again := mustCredential(t, s, acme, "okta", credTokenHash("t-okta-new"))

	list, err := s.Credentials(ctx, acme)
	if err != nil {
		t.Fatalf("Credentials: %v", err)
	}
	var revoked *storage.Credential
	var names []string
	for i, c := range list {
		names = append(names, c.Name)
		if c.Tenant != acme {
			t.Errorf("Credentials(acme) lists %+v of another tenant", c)
		}
		if i > 0 && c.Created.Before(list[i-1].Created) {
			t.Errorf("Credentials not oldest first: %v before %v", list[i-1].Created, c.Created)
		}
		if c.ID == okta.ID {
			revoked = &list[i]
		}
	}
	if len(list) != 7 || list[0].ID != okta.ID || list[len(list)-1].ID != again.ID {
		t.Errorf("Credentials(acme) = %q, want 7 from okta (revoked) to the new okta", names)
	}
	if revoked == nil || revoked.Revoked == nil {
		t.Errorf("revoked credential listed as %+v, want it with Revoked set", revoked)
	} else {
		checkRecent(t, "revoked (kept from the first revocation)", *revoked.Revoked, before, after)
		if revoked.LastUsed == nil || !revoked.LastUsed.Equal(t2) {
			t.Errorf("revoked credential LastUsed = %v, want %v", revoked.LastUsed, t2)
		}
	}
	for _, c := range list {
		if c.ID == upper.ID && (c.Revoked != nil || c.LastUsed != nil) {
			t.Errorf("untouched credential %+v has LastUsed or Revoked", c)
		}
	}
	if list, err := s.Credentials(ctx, other); err != nil || len(list) != 1 {
		t.Errorf("Credentials(other) = %v, %v; want 1", list, err)
	}

	// DeleteTenant takes the credentials with it.
	if err := s.DeleteTenant(ctx, acme); err != nil {
		t.Fatalf("DeleteTenant: %v", err)
	}
	_, err = s.CredentialByHash(ctx, acme, credTokenHash("t-okta-new"))
	checkErrIs(t, "CredentialByHash after DeleteTenant", err, storage.ErrNotFound)
	if list, err := s.Credentials(ctx, acme); err == nil && len(list) != 0 {
		t.Errorf("Credentials after DeleteTenant = %v, want none", list)
	}
	acme2 := mustTenant(t, s, "acme")
	c := mustCredential(t, s, acme2, "okta", credTokenHash("t-okta-new"))
	if got, err := s.CredentialByHash(ctx, acme2, credTokenHash("t-okta-new")); err != nil || got.ID != c.ID {
		t.Errorf("CredentialByHash in the re-created tenant: %+v, %v", got, err)
	}
	if c, err := s.CredentialByHash(ctx, other, credTokenHash("t-okta")); err != nil || !bytes.Equal([]byte(c.Name), []byte("okta")) {
		t.Errorf("other tenant's credential after DeleteTenant(acme): %+v, %v", c, err)
	}
}
