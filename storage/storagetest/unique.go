package storagetest

import (
	"errors"
	"strings"
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
	// A taken id is a conflict too, but not one of userName.
	_, err := s.CreateMany(ctx, acme, &set.User, []storage.Resource{{ID: alice.ID, Attributes: userDoc("zed")}})
	checkErrIs(t, "CreateMany with a taken id", err, storage.ErrConflict)
	if ce, ok := errors.AsType[*storage.ConflictError](err); ok {
		t.Errorf("CreateMany with a taken id: a conflict on %q, want one naming no attribute", ce.Attribute)
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

// testUniqueEmails checks a tenant's uniqueEmails: turning it on while two
// users share an email (compared case-insensitively) is refused, naming
// them; once on, a taken email conflicts on create and update, naming
// emails.value, while one user may list an email twice; a released email is
// free again; other tenants are unaffected; other schema changes keep it;
// turning it off allows shared emails again.
func testUniqueEmails(t *testing.T, s storage.Store) {
	ctx := t.Context()
	acme, other := mustTenant(t, s, "acme"), mustTenant(t, s, "other")
	plain := schemas.Default()
	user := func(name string, emails ...string) storage.Resource {
		list := []any{}
		for _, e := range emails {
			list = append(list, map[string]any{"value": e})
		}
		return storage.Resource{Attributes: map[string]any{"userName": name, "emails": list}}
	}
	setEmails := func(emails ...string) func(storage.Resource) (storage.Edit, error) {
		return setAttrs(func(d map[string]any) { d["emails"] = user("", emails...).Attributes["emails"] })
	}
	names := keyNames{}
	ann := mustCreate(t, s, acme, &plain.User, user("ann", "ann@example.com"))
	bob := mustCreate(t, s, acme, &plain.User, user("bob", "ANN@example.com", "bob@example.com"))
	cy := mustCreate(t, s, acme, &plain.User, user("cy", "cy@example.com", "CY@example.com"))
	// 612 characters, 1,212 bytes: the limit counts bytes on every engine.
	long := mustCreate(t, s, acme, &plain.User, user("long", strings.Repeat("é", 600)+"@example.com"))
	names[ann.ID], names[bob.ID], names[cy.ID], names[long.ID] = "ann", "bob", "cy", "long"
	mustCreate(t, s, other, &plain.User, user("ann", "ann@example.com"))

	// Refused while emails are shared, or longer than a unique value may be.
	on := schemas.Definition{UniqueEmails: true}
	_, _, err := setCustomSchema(t, s, acme, 0, schemas.Definition{}, on)
	schemaConflict(t, "uniqueEmails over a shared email", err, "User.emails.value", names, ann.ID, bob.ID, long.ID)

	mustUpdate(t, s, acme, &plain.User, bob.ID, storage.UpdateOptions{}, setEmails("bob@example.com"))
	mustUpdate(t, s, acme, &plain.User, long.ID, storage.UpdateOptions{}, setEmails("long@example.com"))
	set := mustCustomSchema(t, s, acme, 0, schemas.Definition{}, on)
	rt := &set.User

	// Writes checked against the schema from before the change (a request
	// that authenticated before it committed) are refused: they would
	// leave emails out of the uniqueness index.
	_, err = s.Update(ctx, acme, &plain.User, ann.ID, storage.UpdateOptions{}, setEmails("new@example.com"))
	checkErrIs(t, "Update with the schema from before uniqueEmails", err, storage.ErrSchemaChanged)
	_, err = s.Create(ctx, acme, &plain.User, user("stale", "bob@example.com"))
	checkErrIs(t, "Create with the schema from before uniqueEmails", err, storage.ErrSchemaChanged)
	if got := mustGet(t, s, acme, rt, ann.ID, storage.GetOptions{}); got.Meta.Version != ann.Meta.Version {
		t.Errorf("a refused stale Update changed ann: version %d, want %d", got.Meta.Version, ann.Meta.Version)
	}
	unique := false
	rt.Walk(func(a schemas.Attribute) {
		unique = unique || (a.Key() == schemas.EmailValueKey && a.Def.Uniqueness() == "server")
	})
	if !unique {
		t.Errorf("the schema set of a tenant with uniqueEmails does not make emails.value unique")
	}

	_, err = s.Create(ctx, acme, rt, user("dan", "x@example.com", "Bob@Example.COM"))
	checkConflictOn(t, "Create with a taken email", err, "emails.value")
	_, err = s.Update(ctx, acme, rt, ann.ID, storage.UpdateOptions{}, setEmails("cy@example.com"))
	checkConflictOn(t, "Update to a taken email", err, "emails.value")
	_, err = s.CreateMany(ctx, acme, rt, []storage.Resource{user("m1", "m@example.com"), user("m2", "M@example.com")})
	checkConflictOn(t, "CreateMany sharing an email", err, "emails.value")
	// One user listing an email twice is no conflict.
	mustUpdate(t, s, acme, rt, cy.ID, storage.UpdateOptions{}, setAttrs(func(d map[string]any) { d["displayName"] = "Cy" }))
	mustCreate(t, s, acme, rt, user("eve", "eve@example.com", "EVE@example.com"))
	// Another tenant without uniqueEmails is unaffected.
	mustCreate(t, s, other, &plain.User, user("ann2", "ann@example.com"))
	// A deleted user's and a changed email are free again.
	if err := s.Delete(ctx, acme, rt, ann.ID, 0); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, s, acme, rt, bob.ID, storage.UpdateOptions{}, setEmails("robert@example.com"))
	mustCreate(t, s, acme, rt, user("dan", "ann@example.com", "bob@example.com"))

	// Other schema changes keep emails unique.
	withBadge := schemas.Definition{UniqueEmails: true, User: []schemas.AttributeDef{{Name: "badge", Type: "string"}}}
	set = mustCustomSchema(t, s, acme, 1, on, withBadge)
	_, err = s.Create(ctx, acme, &set.User, user("fay", "ANN@example.com"))
	checkConflictOn(t, "Create with a taken email after a schema change", err, "emails.value")

	// Turned off, emails may be shared.
	off := schemas.Definition{User: withBadge.User}
	set = mustCustomSchema(t, s, acme, 2, withBadge, off)
	mustCreate(t, s, acme, &set.User, user("fay", "ANN@example.com"))
}
