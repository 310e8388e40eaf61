package conformance

import (
	"errors"
	"sync"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

func testUniqueness(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	acme := mustTenant(t, s, "acme")
	other := mustTenant(t, s, "other")

	alice := mustCreate(t, s, acme, &set.User, storage.Resource{Attributes: map[string]any{"userName": "alice", "externalId": "X"}})
	erin := mustCreate(t, s, acme, &set.User, storage.Resource{Attributes: userDoc("ÄRGER")})
	bob := mustCreate(t, s, acme, &set.User, storage.Resource{Attributes: map[string]any{"userName": "bob", "externalId": "X"}})
	_ = erin

	// userName is unique per tenant, compared case-insensitively with Unicode
	// case folding (userName has caseExact false).
	for _, name := range []string{"alice", "Alice", "ALICE", "aLiCe", "ärger", "Ärger", "ÄRGER"} {
		_, err := s.Create(ctx, acme, &set.User, storage.Resource{Attributes: userDoc(name)})
		checkConflictOn(t, "Create duplicate userName "+name, err, "userName")
	}
	// Not a duplicate: case folding is not accent folding.
	mustCreate(t, s, acme, &set.User, storage.Resource{Attributes: userDoc("arger")})

	// Update into a taken userName conflicts and changes nothing.
	for _, name := range []string{"alice", "ALICE", "ärger"} {
		_, err := s.Update(ctx, acme, &set.User, bob.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
			d["userName"] = name
		}))
		checkConflictOn(t, "Update userName to "+name, err, "userName")
	}
	got := mustGet(t, s, acme, &set.User, bob.ID, storage.GetOptions{})
	checkMeta(t, "bob after conflicting Updates", got.Meta, bob.Meta)
	checkDoc(t, "bob after conflicting Updates", got.Attributes, bob.Attributes)

	// A user may change the case of its own userName.
	r := mustUpdate(t, s, acme, &set.User, alice.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
		d["userName"] = "Alice"
	}))
	if r.Attributes["userName"] != "Alice" {
		t.Errorf("Update own userName case: userName = %v, want Alice", r.Attributes["userName"])
	}

	// externalId is not unique (two users above share "X"); the same userName
	// in another tenant is fine.
	mustCreate(t, s, other, &set.User, storage.Resource{Attributes: map[string]any{"userName": "alice", "externalId": "X"}})
	mustCreate(t, s, other, &set.User, storage.Resource{Attributes: userDoc("ärger")})

	// A deleted user's userName is free again.
	if err := s.Delete(ctx, acme, &set.User, alice.ID, 0); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	mustCreate(t, s, acme, &set.User, storage.Resource{Attributes: userDoc("ALICE")})

	// Group displayName has uniqueness "none" in RFC 7643 §4.2.
	mustCreate(t, s, acme, &set.Group, storage.Resource{Attributes: groupDoc("Admins")})
	mustCreate(t, s, acme, &set.Group, storage.Resource{Attributes: groupDoc("Admins")})
	// And a group may share a name with a user.
	mustCreate(t, s, acme, &set.Group, storage.Resource{Attributes: groupDoc("bob")})
}

func testConcurrentCreate(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	names := []string{"racer", "Racer", "RACER", "rAcEr"}

	const n = 20
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []string
		others  []error
	)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			r, err := s.Create(ctx, tenant, &set.User, storage.Resource{Attributes: userDoc(names[i%len(names)])})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				winners = append(winners, r.ID)
			case errors.Is(err, storage.ErrConflict):
			default:
				others = append(others, err)
			}
		})
	}
	close(start)
	wg.Wait()

	if len(winners) != 1 {
		t.Errorf("%d of %d concurrent creates of one userName succeeded, want exactly 1", len(winners), n)
	}
	for _, err := range others {
		t.Errorf("concurrent create: error = %v, want nil or ErrConflict", err)
	}
	p := listAll(t, s, tenant, &set.User, storage.Query{Filter: mustParseFilter(t, `userName eq "racer"`)})
	if p.Total != 1 || len(p.Resources) != 1 {
		t.Errorf("after concurrent creates: %d users named racer (Total %d), want 1", len(p.Resources), p.Total)
	}
}
