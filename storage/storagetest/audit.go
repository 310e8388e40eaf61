package storagetest

// The audit log: every write leaves exactly one entry, in its transaction,
// with the actor of its context and the changed attributes, secrets
// redacted; refused writes leave none; each tenant reads only its own log,
// newest first, page by page.

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// auditAll reads a tenant's whole log (or a resource's timeline), newest
// first, in pages of count.
func auditAll(t *testing.T, s storage.Store, tenant storage.TenantID, resource string, count int) []storage.AuditEntry {
	t.Helper()
	var out []storage.AuditEntry
	cursor := ""
	for range 10000 {
		page, err := s.Audit(t.Context(), tenant, storage.AuditQuery{ResourceID: resource, Count: count, Cursor: cursor})
		if err != nil {
			t.Fatalf("Audit(cursor %q): %v", cursor, err)
		}
		if len(page.Entries) > count {
			t.Fatalf("Audit(count %d) returned %d entries", count, len(page.Entries))
		}
		out = append(out, page.Entries...)
		if page.NextCursor == "" {
			return out
		}
		cursor = page.NextCursor
	}
	t.Fatal("Audit: the cursor walk does not end")
	return nil
}

// auditCount returns the number of entries in a tenant's log.
func auditCount(t *testing.T, s storage.Store, tenant storage.TenantID) int {
	t.Helper()
	return len(auditAll(t, s, tenant, "", storage.MaxAuditCount))
}

// wantOneEntry runs write and checks it left exactly one new entry, newest,
// with the given actor, operation and resource, and returns it.
func wantOneEntry(t *testing.T, s storage.Store, tenant storage.TenantID, actor storage.Actor, op, rtype string, write func() string) storage.AuditEntry {
	t.Helper()
	before := auditCount(t, s, tenant)
	start := time.Now().Add(-time.Second)
	id := write()
	all := auditAll(t, s, tenant, "", storage.MaxAuditCount)
	if len(all) != before+1 {
		t.Fatalf("%s %s: %d audit entries after, %d before; want one more", op, rtype, len(all), before)
	}
	e := all[0]
	if e.Actor != actor || e.Operation != op || e.ResourceType != rtype || e.ResourceID != id || e.Tenant != tenant {
		t.Errorf("%s %s: entry = %+v; want actor %+v, operation %q, resource %s %q", op, rtype, e, actor, op, rtype, id)
	}
	if e.Time.Before(start) || e.Time.After(time.Now().Add(time.Second)) {
		t.Errorf("%s %s: entry time %v is not now", op, rtype, e.Time)
	}
	return e
}

// wantNoEntry runs a write that must fail and checks it left no entry.
func wantNoEntry(t *testing.T, s storage.Store, tenant storage.TenantID, what string, write func() error) {
	t.Helper()
	before := auditCount(t, s, tenant)
	if err := write(); err == nil {
		t.Errorf("%s: no error, want one", what)
	}
	if n := auditCount(t, s, tenant); n != before {
		t.Errorf("%s: %d audit entries after the refused write, %d before; want none added", what, n, before)
	}
}

// change returns the change of a path in e, or fails.
func change(t *testing.T, e storage.AuditEntry, path string) storage.AttributeChange {
	t.Helper()
	for _, c := range e.Changes {
		if c.Path == path {
			return c
		}
	}
	t.Errorf("%s %s: no change of %q in %s", e.Operation, e.ResourceType, path, jsonString(e.Changes))
	return storage.AttributeChange{}
}

func testAuditWrites(t *testing.T, s storage.Store) {
	set := schemas.Default()
	admin := storage.Actor{Kind: storage.ActorAdmin, ID: "sub-1", Name: "alice@example.com"}
	scimActor := storage.Actor{Kind: storage.ActorSCIM, ID: "cred-1", Name: "okta"}
	ctxA := storage.WithActor(t.Context(), admin)
	ctxS := storage.WithActor(t.Context(), scimActor)

	// CreateTenant without an actor: kind system, the tenant's own log.
	var tenant storage.TenantID
	tn, err := s.CreateTenant(t.Context(), "audit")
	if err != nil {
		t.Fatal(err)
	}
	tenant = tn.ID
	log := auditAll(t, s, tenant, "", 10)
	if len(log) != 1 || log[0].Operation != storage.AuditCreate || log[0].ResourceType != storage.AuditTenant ||
		log[0].ResourceID != string(tenant) || log[0].Actor != (storage.Actor{Kind: storage.ActorSystem}) {
		t.Fatalf("after CreateTenant: log = %s; want one create Tenant entry by system", jsonString(log))
	}

	var user storage.Resource
	e := wantOneEntry(t, s, tenant, scimActor, storage.AuditCreate, schemas.UserType, func() string {
		doc := userDoc("bjensen")
		doc["password"] = "hunter2-secret"
		doc["name"] = map[string]any{"givenName": "Barbara"}
		var err error
		if user, err = s.Create(ctxS, tenant, &set.User, storage.Resource{Attributes: doc}); err != nil {
			t.Fatal(err)
		}
		return user.ID
	})
	if c := change(t, e, "userName"); c.Old != nil || c.New != "bjensen" {
		t.Errorf("create: userName change = %+v", c)
	}
	if c := change(t, e, "name.givenName"); c.New != "Barbara" {
		t.Errorf("create: name.givenName change = %+v", c)
	}
	if c := change(t, e, "password"); c.New != storage.Redacted {
		t.Errorf("create: password change = %+v, want redacted", c)
	}

	e = wantOneEntry(t, s, tenant, scimActor, storage.AuditUpdate, schemas.UserType, func() string {
		mustUpdateCtx(ctxS, t, s, tenant, &set.User, user.ID, setAttrs(func(doc map[string]any) {
			doc["password"] = "another-secret"
			doc["displayName"] = "Babs"
			doc["name"] = map[string]any{"givenName": "Barbara", "familyName": "Jensen"}
		}))
		return user.ID
	})
	if len(e.Changes) != 3 {
		t.Errorf("update: changes = %s, want displayName, name.familyName and password", jsonString(e.Changes))
	}
	if c := change(t, e, "displayName"); c.Old != nil || c.New != "Babs" {
		t.Errorf("update: displayName change = %+v", c)
	}
	if c := change(t, e, "name.familyName"); c.New != "Jensen" {
		t.Errorf("update: name.familyName change = %+v", c)
	}
	if c := change(t, e, "password"); c.Old != storage.Redacted || c.New != storage.Redacted {
		t.Errorf("update: password change = %+v, want redacted", c)
	}

	// An edit that changes nothing writes nothing and logs nothing.
	before := auditCount(t, s, tenant)
	mustUpdateCtx(ctxS, t, s, tenant, &set.User, user.ID, setAttrs(func(map[string]any) {}))
	if n := auditCount(t, s, tenant); n != before {
		t.Errorf("an update that changes nothing: %d entries, %d before", n, before)
	}

	// CreateMany: one entry per resource.
	before = auditCount(t, s, tenant)
	many, err := s.CreateMany(ctxS, tenant, &set.User, []storage.Resource{{Attributes: userDoc("u1")}, {Attributes: userDoc("u2")}, {Attributes: userDoc("u3")}})
	if err != nil {
		t.Fatal(err)
	}
	log = auditAll(t, s, tenant, "", 100)
	if len(log) != before+3 {
		t.Fatalf("CreateMany of 3: %d entries, %d before", len(log), before)
	}
	var got []string
	for _, e := range log[:3] {
		if e.Operation != storage.AuditCreate || e.Actor != scimActor {
			t.Errorf("CreateMany: entry %+v", e)
		}
		got = append(got, e.ResourceID)
	}
	if want := ids(many); !slices.Equal(sortedCopy(got), sortedCopy(want)) {
		t.Errorf("CreateMany: entries for %v, want %v", got, want)
	}

	var group storage.Resource
	e = wantOneEntry(t, s, tenant, admin, storage.AuditCreate, schemas.GroupType, func() string {
		group = mustCreateCtx(ctxA, t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("eng"), Members: []storage.Member{userMember(user.ID)}})
		return group.ID
	})
	if c := change(t, e, "members"); !slices.Equal(c.Added, []string{user.ID}) {
		t.Errorf("create group: members change = %+v", c)
	}
	e = wantOneEntry(t, s, tenant, admin, storage.AuditUpdate, schemas.GroupType, func() string {
		mustUpdateCtx(ctxA, t, s, tenant, &set.Group, group.ID, edit(storage.Edit{AddMembers: []storage.Member{userMember(many[0].ID)}, RemoveMembers: []string{user.ID}}))
		return group.ID
	})
	if c := change(t, e, "members"); !slices.Equal(c.Added, []string{many[0].ID}) || !slices.Equal(c.Removed, []string{user.ID}) {
		t.Errorf("member edit: members change = %+v", c)
	}
	e = wantOneEntry(t, s, tenant, admin, storage.AuditUpdate, schemas.GroupType, func() string {
		mustUpdateCtx(ctxA, t, s, tenant, &set.Group, group.ID, edit(storage.Edit{ReplaceMembers: true, Members: []storage.Member{userMember(many[1].ID)}}))
		return group.ID
	})
	if c := change(t, e, "members"); !c.Replaced || !slices.Equal(c.Added, []string{many[1].ID}) {
		t.Errorf("member replace: members change = %+v", c)
	}

	// Refused writes leave nothing.
	wantNoEntry(t, s, tenant, "member add of an unknown id", func() error {
		_, err := s.Update(ctxA, tenant, &set.Group, group.ID, storage.UpdateOptions{}, edit(storage.Edit{AddMembers: []storage.Member{userMember("no-such-user")}}))
		return err
	})
	wantNoEntry(t, s, tenant, "a group into itself", func() error {
		_, err := s.Update(ctxA, tenant, &set.Group, group.ID, storage.UpdateOptions{}, edit(storage.Edit{AddMembers: []storage.Member{groupMember(group.ID)}}))
		return err
	})
	wantNoEntry(t, s, tenant, "a taken userName", func() error {
		_, err := s.Create(ctxS, tenant, &set.User, storage.Resource{Attributes: userDoc("BJENSEN")})
		return err
	})
	wantNoEntry(t, s, tenant, "CreateMany with a duplicate", func() error {
		_, err := s.CreateMany(ctxS, tenant, &set.User, []storage.Resource{{Attributes: userDoc("fresh")}, {Attributes: userDoc("u1")}})
		return err
	})
	wantNoEntry(t, s, tenant, "an update at a stale version", func() error {
		_, err := s.Update(ctxS, tenant, &set.User, user.ID, storage.UpdateOptions{IfVersion: 1}, setAttrs(func(doc map[string]any) { doc["title"] = "x" }))
		return err
	})
	wantNoEntry(t, s, tenant, "an update whose function fails", func() error {
		_, err := s.Update(ctxS, tenant, &set.User, user.ID, storage.UpdateOptions{}, func(storage.Resource) (storage.Edit, error) {
			return storage.Edit{}, storage.ErrConflict
		})
		return err
	})
	wantNoEntry(t, s, tenant, "a delete of a missing user", func() error {
		return s.Delete(ctxS, tenant, &set.User, "no-such-user", 0)
	})

	// Apps and assignments.
	var app storage.App
	e = wantOneEntry(t, s, tenant, admin, storage.AuditCreate, storage.AuditApp, func() string {
		var err error
		if app, err = s.CreateApp(ctxA, tenant, storage.App{Name: "wiki"}); err != nil {
			t.Fatal(err)
		}
		return app.ID
	})
	if c := change(t, e, "name"); c.New != "wiki" {
		t.Errorf("create app: name change = %+v", c)
	}
	e = wantOneEntry(t, s, tenant, admin, storage.AuditUpdate, storage.AuditApp, func() string {
		if _, err := s.UpdateApp(ctxA, tenant, storage.App{ID: app.ID, Name: "wiki2", Description: "docs"}); err != nil {
			t.Fatal(err)
		}
		return app.ID
	})
	if c := change(t, e, "name"); c.Old != "wiki" || c.New != "wiki2" {
		t.Errorf("update app: name change = %+v", c)
	}
	e = wantOneEntry(t, s, tenant, admin, storage.AuditAssign, schemas.UserType, func() string {
		if _, err := s.Assign(ctxA, tenant, storage.AppAssignment{App: app.ID, User: user.ID, Username: "bj",
			CustomAppData: map[string]any{"apiKey": "sk-very-secret"}}); err != nil {
			t.Fatal(err)
		}
		return user.ID
	})
	if c := change(t, e, "apps"); !slices.Equal(c.Added, []string{app.ID}) {
		t.Errorf("assign: apps change = %+v", c)
	}
	wantNoEntry(t, s, tenant, "assign to a missing app", func() error {
		_, err := s.Assign(ctxA, tenant, storage.AppAssignment{App: "no-such-app", User: user.ID})
		return err
	})
	wantOneEntry(t, s, tenant, admin, storage.AuditUnassign, schemas.UserType, func() string {
		if err := s.Unassign(ctxA, tenant, app.ID, user.ID); err != nil {
			t.Fatal(err)
		}
		return user.ID
	})
	wantNoEntry(t, s, tenant, "unassign twice", func() error { return s.Unassign(ctxA, tenant, app.ID, user.ID) })
	wantOneEntry(t, s, tenant, admin, storage.AuditDelete, storage.AuditApp, func() string {
		if err := s.DeleteApp(ctxA, tenant, app.ID); err != nil {
			t.Fatal(err)
		}
		return app.ID
	})
	wantNoEntry(t, s, tenant, "delete a deleted app", func() error { return s.DeleteApp(ctxA, tenant, app.ID) })

	// Credentials: the name, never the token hash.
	hash := credTokenHash("audit-token")
	var cred storage.Credential
	e = wantOneEntry(t, s, tenant, admin, storage.AuditCreate, storage.AuditCredential, func() string {
		var err error
		if cred, err = s.CreateCredential(ctxA, tenant, "okta", hash); err != nil {
			t.Fatal(err)
		}
		return cred.ID
	})
	if c := change(t, e, "name"); c.New != "okta" {
		t.Errorf("create credential: name change = %+v", c)
	}
	wantNoEntry(t, s, tenant, "a credential name taken", func() error {
		_, err := s.CreateCredential(ctxA, tenant, "okta", credTokenHash("other"))
		return err
	})
	before = auditCount(t, s, tenant)
	if err := s.TouchCredential(ctxS, tenant, cred.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if n := auditCount(t, s, tenant); n != before {
		t.Errorf("TouchCredential left %d entries, want none", n-before)
	}
	wantOneEntry(t, s, tenant, admin, storage.AuditRevoke, storage.AuditCredential, func() string {
		if err := s.RevokeCredential(ctxA, tenant, cred.ID); err != nil {
			t.Fatal(err)
		}
		return cred.ID
	})
	before = auditCount(t, s, tenant)
	if err := s.RevokeCredential(ctxA, tenant, cred.ID); err != nil {
		t.Fatal(err)
	}
	if n := auditCount(t, s, tenant); n != before {
		t.Errorf("revoking a revoked credential left %d entries, want none (nothing changed)", n-before)
	}

	// Tenant-wide writes.
	wantOneEntry(t, s, tenant, admin, storage.AuditInvalidateSession, storage.AuditTenant, func() string {
		if _, err := s.InvalidateTenantSessions(ctxA, tenant, time.Now()); err != nil {
			t.Fatal(err)
		}
		return string(tenant)
	})
	wantOneEntry(t, s, tenant, admin, storage.AuditSetSchema, storage.AuditSchema, func() string {
		def := schemas.Definition{User: []schemas.AttributeDef{{Name: "costCenter", Type: "string"}}}
		setCustomSchemaCtx(ctxA, t, s, tenant, 0, schemas.Definition{}, def)
		return string(tenant)
	})
	wantNoEntry(t, s, tenant, "a schema at a stale version", func() error {
		_, _, err := setCustomSchemaErr(ctxA, t, s, tenant, 0, schemas.Definition{}, schemas.Definition{})
		return err
	})

	// Deletes, last.
	wantOneEntry(t, s, tenant, scimActor, storage.AuditDelete, schemas.GroupType, func() string {
		if err := s.Delete(ctxS, tenant, &set.Group, group.ID, 0); err != nil {
			t.Fatal(err)
		}
		return group.ID
	})
	wantOneEntry(t, s, tenant, scimActor, storage.AuditDelete, schemas.UserType, func() string {
		if err := s.Delete(ctxS, tenant, &set.User, user.ID, 0); err != nil {
			t.Fatal(err)
		}
		return user.ID
	})

	// No secret anywhere in the log.
	raw, err := json.Marshal(auditAll(t, s, tenant, "", 1000))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"hunter2-secret", "another-secret", "sk-very-secret", string(hash)} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("the audit log holds the secret %q", secret)
		}
	}

	// The user's timeline: its own entries, newest first.
	timeline := auditAll(t, s, tenant, user.ID, 2)
	var ops []string
	for _, e := range timeline {
		if e.ResourceID != user.ID {
			t.Errorf("timeline of %s holds an entry of %s", user.ID, e.ResourceID)
		}
		ops = append(ops, e.Operation)
	}
	want := []string{storage.AuditDelete, storage.AuditUnassign, storage.AuditAssign, storage.AuditUpdate, storage.AuditCreate}
	if !slices.Equal(ops, want) {
		t.Errorf("user timeline = %v, want %v", ops, want)
	}
}

func testAuditIsolationAndPaging(t *testing.T, s storage.Store) {
	set := schemas.Default()
	a, b := mustTenant(t, s, "audit-a"), mustTenant(t, s, "audit-b")
	var created []string
	for i := range 7 {
		r := mustCreate(t, s, a, &set.User, storage.Resource{Attributes: userDoc("user" + string(rune('a'+i)))})
		created = append(created, r.ID)
	}
	other := mustCreate(t, s, b, &set.User, storage.Resource{Attributes: userDoc("usera")})

	// Paging: every entry once, newest first, whatever the page size.
	for _, count := range []int{1, 2, 3, 7, 8, 100} {
		all := auditAll(t, s, a, "", count)
		if len(all) != 8 { // the tenant's creation and 7 users
			t.Fatalf("count %d: %d entries, want 8", count, len(all))
		}
		var got []string
		for i, e := range all {
			if e.Tenant != a {
				t.Errorf("tenant a's log holds an entry of tenant %s", e.Tenant)
			}
			if e.ResourceID == other.ID {
				t.Errorf("tenant a's log holds tenant b's user")
			}
			if i > 0 && e.ID >= all[i-1].ID {
				t.Errorf("count %d: entries out of order at %d", count, i)
			}
			if e.ResourceType == schemas.UserType {
				got = append(got, e.ResourceID)
			}
		}
		slices.Reverse(got)
		if !slices.Equal(got, created) {
			t.Errorf("count %d: users %v, want %v (newest first)", count, got, created)
		}
	}
	// A resource of another tenant has no timeline here.
	if page, err := s.Audit(t.Context(), a, storage.AuditQuery{ResourceID: other.ID}); err != nil || len(page.Entries) != 0 {
		t.Errorf("tenant a's timeline of tenant b's user: %d entries, %v", len(page.Entries), err)
	}
	if got := auditAll(t, s, b, "", 10); len(got) != 2 {
		t.Errorf("tenant b: %d entries, want 2", len(got))
	}
	// A user and a group with the same ID: ResourceType tells their
	// timelines apart; empty means both.
	mustCreate(t, s, a, &set.User, storage.Resource{ID: "same-id", Attributes: userDoc("same")})
	mustCreate(t, s, a, &set.Group, storage.Resource{ID: "same-id", Attributes: groupDoc("same")})
	for _, c := range []struct {
		rtype string
		want  []string
	}{
		{schemas.UserType, []string{schemas.UserType}},
		{schemas.GroupType, []string{schemas.GroupType}},
		{"", []string{schemas.GroupType, schemas.UserType}},
		{storage.AuditApp, nil},
	} {
		page, err := s.Audit(t.Context(), a, storage.AuditQuery{ResourceID: "same-id", ResourceType: c.rtype})
		if err != nil {
			t.Fatalf("Audit(same-id, %q): %v", c.rtype, err)
		}
		var got []string
		for _, e := range page.Entries {
			got = append(got, e.ResourceType)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("Audit(same-id, type %q): entries of %v, want %v", c.rtype, got, c.want)
		}
	}
	// Bad input.
	for _, q := range []storage.AuditQuery{{Cursor: "not a cursor!"}, {Cursor: "bm90LWEtdXVpZA"}} {
		_, err := s.Audit(t.Context(), a, q)
		checkErrIs(t, "Audit with a bad cursor", err, storage.ErrInvalidCursor)
	}
	for _, n := range []int{-1, storage.MaxAuditCount + 1} {
		_, err := s.Audit(t.Context(), a, storage.AuditQuery{Count: n})
		checkValueError(t, "Audit with a bad count", err)
	}
	// DeleteTenant removes the tenant's log, and only its log.
	if err := s.DeleteTenant(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	if page, err := s.Audit(t.Context(), a, storage.AuditQuery{}); err != nil || len(page.Entries) != 0 {
		t.Errorf("after DeleteTenant: %d entries, %v; want none", len(page.Entries), err)
	}
	if got := auditAll(t, s, b, "", 10); len(got) != 2 {
		t.Errorf("tenant b after deleting a: %d entries, want 2", len(got))
	}
}

func mustCreateCtx(ctx context.Context, t *testing.T, s storage.Store, tenant storage.TenantID, rt *schemas.ResourceType, r storage.Resource) storage.Resource {
	t.Helper()
	got, err := s.Create(ctx, tenant, rt, r)
	if err != nil {
		t.Fatalf("Create %s: %v", rt.Name, err)
	}
	return got
}

func mustUpdateCtx(ctx context.Context, t *testing.T, s storage.Store, tenant storage.TenantID, rt *schemas.ResourceType, id string, fn func(storage.Resource) (storage.Edit, error)) storage.Resource {
	t.Helper()
	got, err := s.Update(ctx, tenant, rt, id, storage.UpdateOptions{}, fn)
	if err != nil {
		t.Fatalf("Update %s %s: %v", rt.Name, id, err)
	}
	return got
}

func setCustomSchemaErr(ctx context.Context, t *testing.T, s storage.Store, tenant storage.TenantID, expect int64, old, def schemas.Definition) (schemas.Set, int64, error) {
	t.Helper()
	set, err := schemas.BuildSet(expect+1, def)
	if err != nil {
		t.Fatalf("test bug: BuildSet: %v", err)
	}
	raw, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.SetTenantSchema(ctx, tenant, expect, raw, &set, def.Changes(old))
	return set, v, err
}

func setCustomSchemaCtx(ctx context.Context, t *testing.T, s storage.Store, tenant storage.TenantID, expect int64, old, def schemas.Definition) {
	t.Helper()
	if _, _, err := setCustomSchemaErr(ctx, t, s, tenant, expect, old, def); err != nil {
		t.Fatalf("SetTenantSchema: %v", err)
	}
}

// auditSecretsDef is a tenant schema with secrets inside complex values: a
// multi-valued apiKeys whose secret is never returned, and a single-valued
// pin whose code is never returned.
var auditSecretsDef = schemas.Definition{
	User: []schemas.AttributeDef{
		{Name: "apiKeys", Type: "complex", MultiValued: true, SubAttributes: []schemas.AttributeDef{
			{Name: "name", Type: "string"},
			{Name: "secret", Type: "string", Returned: "never"},
		}},
		{Name: "pin", Type: "complex", SubAttributes: []schemas.AttributeDef{
			{Name: "hint", Type: "string"},
			{Name: "code", Type: "string", Returned: "never"},
		}},
	},
}

// testAuditSecretsInside: a never-returned sub-attribute is redacted in the
// audit log inside a multi-valued complex attribute's elements and inside a
// complex value, on create and on update; the other sub-attributes are kept.
func testAuditSecretsInside(t *testing.T, s storage.Store) {
	tenant := mustTenant(t, s, "audit-secrets")
	set := mustCustomSchema(t, s, tenant, 0, schemas.Definition{}, auditSecretsDef)
	rt := &set.User
	u := mustCreate(t, s, tenant, rt, storage.Resource{Attributes: customUserDoc("ann", map[string]any{
		"apiKeys": []any{
			map[string]any{"name": "ci-key", "secret": "sk-first-secret"},
			map[string]any{"name": "deploy-key", "secret": "sk-second-secret"},
		},
		"pin": map[string]any{"hint": "birthday", "code": "pin-code-1234"},
	})})
	mustUpdate(t, s, tenant, rt, u.ID, storage.UpdateOptions{}, setAttrs(func(doc map[string]any) {
		ext := doc[schemas.TenantUserURN].(map[string]any)
		ext["apiKeys"] = []map[string]any{ // Go-shaped, as a PATCH may build it
			{"name": "ci-key", "secret": "sk-rotated-secret"},
			{"name": "new-key", "secret": "sk-third-secret"},
		}
		ext["pin"] = map[string]any{"hint": "anniversary", "code": "pin-code-5678"}
	}))
	// Only the secret inside an element changes: still logged, redacted.
	mustUpdate(t, s, tenant, rt, u.ID, storage.UpdateOptions{}, setAttrs(func(doc map[string]any) {
		ext := doc[schemas.TenantUserURN].(map[string]any)
		ext["apiKeys"] = []any{
			map[string]any{"name": "ci-key", "secret": "sk-fourth-secret"},
			map[string]any{"name": "new-key", "secret": "sk-third-secret"},
		}
	}))
	log := auditAll(t, s, tenant, u.ID, 100)
	if len(log) != 3 {
		t.Fatalf("user timeline: %d entries, want 3 (create, 2 updates)", len(log))
	}
	raw, err := json.Marshal(log)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"sk-first-secret", "sk-second-secret", "sk-rotated-secret", "sk-third-secret",
		"sk-fourth-secret", "pin-code-1234", "pin-code-5678"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("the audit log holds the secret %q: %s", secret, raw)
		}
	}
	for _, kept := range []string{"ci-key", "deploy-key", "new-key", "birthday", "anniversary", storage.Redacted} {
		if !strings.Contains(string(raw), kept) {
			t.Errorf("the audit log lacks %q, which is no secret: %s", kept, raw)
		}
	}
	if len(log[0].Changes) == 0 {
		t.Errorf("the update that changed only a secret logged no change")
	}
}
