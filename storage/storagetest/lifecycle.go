package storagetest

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// lifecycleDoc is a user with values of the scimd User extension.
func lifecycleDoc(userName string, ext map[string]any) map[string]any {
	return map[string]any{"userName": userName, schemas.ScimdUserURN: ext}
}

func tagList(kv ...string) []any {
	var out []any
	for i := 0; i < len(kv); i += 2 {
		out = append(out, map[string]any{"key": kv[i], "value": kv[i+1]})
	}
	return out
}

// checkTagKeys compares the tenant's tag keys with want, "key=users".
func checkTagKeys(t *testing.T, s storage.Store, tenant storage.TenantID, what string, want ...string) {
	t.Helper()
	keys, err := s.TagKeys(t.Context(), tenant)
	if err != nil {
		t.Fatalf("%s: TagKeys: %v", what, err)
	}
	got := make([]string, 0, len(keys))
	for _, k := range keys {
		got = append(got, k.Key+"="+string(rune('0'+k.Users)))
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: tag keys %v, want %v", what, got, want)
	}
}

// testTagKeys checks that every user write keeps the tenant's tag keys:
// creation, changes, removal, deletion, batches, refused writes and other
// tenants.
func testTagKeys(t *testing.T, s storage.Store) {
	set := schemas.Default()
	rt := &set.User
	acme, other := mustTenant(t, s, "acme"), mustTenant(t, s, "other")
	checkTagKeys(t, s, acme, "new tenant")
	u1 := mustCreate(t, s, acme, rt, storage.Resource{Attributes: lifecycleDoc("u1", map[string]any{"tags": tagList("tier", "gold", "region", "eu")})})
	u2 := mustCreate(t, s, acme, rt, storage.Resource{Attributes: lifecycleDoc("u2", map[string]any{"tags": tagList("tier", "silver")})})
	mustCreate(t, s, other, rt, storage.Resource{Attributes: lifecycleDoc("o1", map[string]any{"tags": tagList("secret", "x")})})
	checkTagKeys(t, s, acme, "after create", "region=1", "tier=2")
	checkTagKeys(t, s, other, "other tenant", "secret=1")

	page := listAll(t, s, acme, rt, storage.Query{Filter: mustParseFilter(t, schemas.ScimdUserURN+`:tags[key eq "tier" and value eq "gold"]`)})
	if got := ids(page.Resources); !slices.Equal(got, []string{u1.ID}) {
		t.Errorf("tags filter: %v, want [%s]", got, u1.ID)
	}
	page = listAll(t, s, acme, rt, storage.Query{Filter: mustParseFilter(t, schemas.ScimdUserURN+`:tags[key eq "region" and value eq "gold"]`)})
	if len(page.Resources) != 0 {
		t.Errorf("a tags filter matched key and value of two tags: %v", ids(page.Resources))
	}

	mustUpdate(t, s, acme, rt, u1.ID, storage.UpdateOptions{}, setAttrs(func(doc map[string]any) {
		doc[schemas.ScimdUserURN] = map[string]any{"tags": tagList("tier", "platinum")}
	}))
	checkTagKeys(t, s, acme, "after dropping region", "tier=2")
	mustUpdate(t, s, acme, rt, u2.ID, storage.UpdateOptions{}, setAttrs(func(doc map[string]any) {
		doc[schemas.ScimdUserURN] = map[string]any{"tags": tagList("plan", "pro")}
	}))
	checkTagKeys(t, s, acme, "after replacing u2's tags", "plan=1", "tier=1")

	// Keys storage cannot index are refused, and the refused writes change
	// nothing. (The rules of tags are the directory service's.)
	for _, bad := range [][]any{tagList(strings.Repeat("k", storage.MaxTagKeyLen+1), "x"), tagList("clé", "x")} {
		_, err := s.Update(t.Context(), acme, rt, u1.ID, storage.UpdateOptions{}, setAttrs(func(doc map[string]any) {
			doc[schemas.ScimdUserURN] = map[string]any{"tags": bad}
		}))
		checkValueError(t, "update with tags "+jsonString(bad), err)
		_, err = s.Create(t.Context(), acme, rt, storage.Resource{Attributes: lifecycleDoc("bad", map[string]any{"tags": bad})})
		checkValueError(t, "create with tags "+jsonString(bad), err)
	}
	checkTagKeys(t, s, acme, "after refused writes", "plan=1", "tier=1")

	if _, err := s.CreateMany(t.Context(), acme, rt, []storage.Resource{
		{Attributes: lifecycleDoc("m1", map[string]any{"tags": tagList("plan", "free")})},
		{Attributes: lifecycleDoc("m2", map[string]any{"tags": tagList("plan", "free", "beta", "yes")})},
	}); err != nil {
		t.Fatalf("CreateMany: %v", err)
	}
	checkTagKeys(t, s, acme, "after CreateMany", "beta=1", "plan=3", "tier=1")
	if err := s.Delete(t.Context(), acme, rt, u1.ID, 0); err != nil {
		t.Fatal(err)
	}
	checkTagKeys(t, s, acme, "after deleting u1", "beta=1", "plan=3")
	if err := s.DeleteTenant(t.Context(), acme); err != nil {
		t.Fatal(err)
	}
	checkTagKeys(t, s, acme, "after deleting the tenant")
	checkTagKeys(t, s, other, "other tenant at the end", "secret=1")
}

// testLifecycleIdentifiers checks aliases and linked identities (unique in
// the tenant, resolved by Lookup) and delegates (actors are users of the
// tenant).
func testLifecycleIdentifiers(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	rt := &set.User
	acme, other := mustTenant(t, s, "acme"), mustTenant(t, s, "other")
	linked := func(source, id string) []any {
		return []any{map[string]any{"source": source, "identifier": id}}
	}
	ann := mustCreate(t, s, acme, rt, storage.Resource{Attributes: lifecycleDoc("ann", map[string]any{
		"aliases": []any{"legacy-42", "sess-XYZ"}, "linkedIdentities": linked("GitHub", "583231")})})
	bob := mustCreate(t, s, acme, rt, storage.Resource{Attributes: userDoc("bob")})
	// Another tenant may use the same values.
	mustCreate(t, s, other, rt, storage.Resource{Attributes: lifecycleDoc("ann", map[string]any{
		"aliases": []any{"legacy-42"}, "linkedIdentities": linked("github", "583231")})})

	lookups := func(when string) {
		t.Helper()
		for _, v := range []string{"legacy-42", "sess-XYZ", "github:583231", "GITHUB:583231", storage.LinkedIdentityValue("GitHub", "583231")} {
			got, err := s.Lookup(ctx, acme, rt, v)
			if err != nil {
				t.Fatalf("Lookup(%q) %s: %v", v, when, err)
			}
			if !slices.Equal(ids(got), []string{ann.ID}) {
				t.Errorf("Lookup(%q) %s = %v, want [%s]", v, when, ids(got), ann.ID)
			}
		}
	}
	lookups("at first")
	// A tenant schema change rebuilds the uniqueness index of the tenant's
	// own attributes; aliases and linked identities stay unique and found
	// (the checks below run after it).
	def := schemas.Definition{User: []schemas.AttributeDef{{Name: "badgeId", Type: "string", Identifier: true}}}
	custom := mustCustomSchema(t, s, acme, 0, schemas.Definition{}, def)
	rt = &custom.User
	lookups("after a tenant schema change")
	for _, v := range []string{"sess-xyz", "github:583232", "gitlab:583231"} {
		if got, err := s.Lookup(ctx, acme, rt, v); err != nil || len(got) != 0 {
			t.Errorf("Lookup(%q) = %v, %v; want nothing", v, ids(got), err)
		}
	}
	_, err := s.Create(ctx, acme, rt, storage.Resource{Attributes: lifecycleDoc("cy", map[string]any{"aliases": []any{"legacy-42"}})})
	checkConflictOn(t, "a taken alias", err, schemas.ScimdUserURN+":aliases")
	_, err = s.Update(ctx, acme, rt, bob.ID, storage.UpdateOptions{}, setAttrs(func(doc map[string]any) {
		doc[schemas.ScimdUserURN] = map[string]any{"linkedIdentities": linked("GITHUB", "583231")}
	}))
	checkConflictOn(t, "a taken linked identity", err, schemas.ScimdUserURN+":linkedIdentities")
	_, err = s.Update(ctx, acme, rt, bob.ID, storage.UpdateOptions{}, setAttrs(func(doc map[string]any) {
		doc[schemas.ScimdUserURN] = map[string]any{"linkedIdentities": linked("git hub", "1")}
	}))
	checkValueError(t, "a source with a space", err)
	// Released values can be taken; a repeated alias is one.
	mustUpdate(t, s, acme, rt, ann.ID, storage.UpdateOptions{}, setAttrs(func(doc map[string]any) {
		delete(doc, schemas.ScimdUserURN)
	}))
	mustUpdate(t, s, acme, rt, bob.ID, storage.UpdateOptions{}, setAttrs(func(doc map[string]any) {
		doc[schemas.ScimdUserURN] = map[string]any{"aliases": []any{"legacy-42", "legacy-42"}, "linkedIdentities": linked("github", "583231")}
	}))
	if got, _ := s.Lookup(ctx, acme, rt, "legacy-42"); !slices.Equal(ids(got), []string{bob.ID}) {
		t.Errorf("Lookup(legacy-42) after the move = %v, want [%s]", ids(got), bob.ID)
	}

	// Delegates.
	delegate := func(actors ...string) map[string]any {
		var list []any
		for _, a := range actors {
			list = append(list, map[string]any{"actorId": a, "permissions": []any{"read"}})
		}
		return map[string]any{"delegates": list}
	}
	_, err = s.Create(ctx, acme, rt, storage.Resource{Attributes: lifecycleDoc("dan", delegate("no-such-user"))})
	checkValueError(t, "an unknown actor", err)
	_, err = s.Update(ctx, acme, rt, ann.ID, storage.UpdateOptions{}, setAttrs(func(doc map[string]any) {
		doc[schemas.ScimdUserURN] = delegate(ann.ID)
	}))
	checkValueError(t, "the user as its own actor", err)
	otherUser := listAll(t, s, other, rt, storage.Query{}).Resources[0]
	_, err = s.Update(ctx, acme, rt, ann.ID, storage.UpdateOptions{}, setAttrs(func(doc map[string]any) {
		doc[schemas.ScimdUserURN] = delegate(otherUser.ID)
	}))
	checkValueError(t, "an actor of another tenant", err)
	mustUpdate(t, s, acme, rt, ann.ID, storage.UpdateOptions{}, setAttrs(func(doc map[string]any) {
		doc[schemas.ScimdUserURN] = delegate(bob.ID)
	}))
	page := listAll(t, s, acme, rt, storage.Query{Filter: mustParseFilter(t, schemas.ScimdUserURN+`:delegates.actorId eq "`+bob.ID+`"`)})
	if !slices.Equal(ids(page.Resources), []string{ann.ID}) {
		t.Errorf("delegates filter: %v, want [%s]", ids(page.Resources), ann.ID)
	}
	// An actor deleted since does not block other changes of the user.
	if err := s.Delete(ctx, acme, rt, bob.ID, 0); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, s, acme, rt, ann.ID, storage.UpdateOptions{}, setAttrs(func(doc map[string]any) {
		doc["title"] = "still editable"
	}))
}

// testTenantSessions checks the tenant-wide "sessions valid after" time.
func testTenantSessions(t *testing.T, s storage.Store) {
	ctx := t.Context()
	acme, other := mustTenant(t, s, "acme"), mustTenant(t, s, "other")
	if at, err := s.TenantSessionsValidAfter(ctx, acme); err != nil || !at.IsZero() {
		t.Errorf("new tenant: %v, %v; want the zero time", at, err)
	}
	t1 := time.Date(2030, 1, 2, 3, 4, 5, 678000000, time.UTC)
	got, err := s.InvalidateTenantSessions(ctx, acme, t1)
	if err != nil || !got.Equal(t1) {
		t.Errorf("InvalidateTenantSessions(%v) = %v, %v", t1, got, err)
	}
	if got, err = s.InvalidateTenantSessions(ctx, acme, t1.Add(-time.Hour)); err != nil || !got.Equal(t1) {
		t.Errorf("an earlier time moved the tenant's time back: %v, %v; want %v", got, err, t1)
	}
	t2 := t1.Add(time.Second)
	if got, err = s.InvalidateTenantSessions(ctx, acme, t2); err != nil || !got.Equal(t2) {
		t.Errorf("InvalidateTenantSessions(%v) = %v, %v", t2, got, err)
	}
	if at, err := s.TenantSessionsValidAfter(ctx, acme); err != nil || !at.Equal(t2) {
		t.Errorf("TenantSessionsValidAfter = %v, %v; want %v", at, err, t2)
	}
	if at, err := s.TenantSessionsValidAfter(ctx, other); err != nil || !at.IsZero() {
		t.Errorf("the other tenant: %v, %v; want the zero time", at, err)
	}
	if _, err := s.InvalidateTenantSessions(ctx, "no-such-tenant", t1); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("unknown tenant: %v, want ErrNotFound", err)
	}
}

// testLifecycleFilters checks filters on the lifecycle status and on
// verified contact values.
func testLifecycleFilters(t *testing.T, s storage.Store) {
	set := schemas.Default()
	rt := &set.User
	acme := mustTenant(t, s, "acme")
	mk := func(name, status string, verified bool) string {
		return mustCreate(t, s, acme, rt, storage.Resource{Attributes: map[string]any{
			"userName": name, "active": status == schemas.StatusActive,
			"emails":             []any{map[string]any{"value": name + "@example.com", "primary": true, "verified": verified}},
			"phoneNumbers":       []any{map[string]any{"value": "+1 555 010 000" + name[len(name)-1:], "verified": !verified}},
			schemas.ScimdUserURN: map[string]any{"status": status},
		}}).ID
	}
	a := mk("user1", schemas.StatusActive, true)
	b := mk("user2", schemas.StatusSuspended, false)
	c := mk("user3", schemas.StatusSuspended, true)
	d := mk("user4", schemas.StatusPending, false)
	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{schemas.ScimdUserURN + `:status eq "suspended"`, []string{b, c}},
		{schemas.ScimdUserURN + `:status eq "SUSPENDED"`, []string{b, c}},
		{`status eq "pending"`, []string{d}},
		{schemas.ScimdUserURN + `:status ne "suspended"`, []string{a, d}},
		{`emails[verified eq true]`, []string{a, c}},
		{`emails[verified eq true and value eq "user3@example.com"]`, []string{c}},
		{`phoneNumbers[verified eq true]`, []string{b, d}},
		{`emails.verified eq false and ` + schemas.ScimdUserURN + `:status eq "suspended"`, []string{b}},
	} {
		page := listAll(t, s, acme, rt, storage.Query{Filter: mustParseFilter(t, tc.filter)})
		if got := sortedCopy(ids(page.Resources)); !slices.Equal(got, sortedCopy(tc.want)) {
			t.Errorf("filter %s: %v, want %v", tc.filter, got, sortedCopy(tc.want))
		}
	}
}
