package storagetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

func mustApp(t *testing.T, s storage.Store, tenant storage.TenantID, name string) storage.App {
	t.Helper()
	a, err := s.CreateApp(t.Context(), tenant, storage.App{Name: name})
	if err != nil {
		t.Fatalf("CreateApp(%q): %v", name, err)
	}
	return a
}

func mustAssign(t *testing.T, s storage.Store, tenant storage.TenantID, a storage.AppAssignment) storage.AppAssignment {
	t.Helper()
	got, err := s.Assign(t.Context(), tenant, a)
	if err != nil {
		t.Fatalf("Assign %+v: %v", a, err)
	}
	return got
}

// appRefs renders a user's apps as "appName:username:externalAccountID".
func appRefs(list []storage.AppAssignment) []string {
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.AppName + ":" + a.Username + ":" + a.ExternalAccountID
	}
	return sortedCopy(out)
}

func checkUserApps(t *testing.T, s storage.Store, tenant storage.TenantID, what, user string, want ...string) []storage.AppAssignment {
	t.Helper()
	set := schemas.Default()
	got := mustGet(t, s, tenant, &set.User, user, storage.GetOptions{Apps: true})
	if g, w := appRefs(got.Apps), sortedCopy(want); !equalStrings(g, w) {
		t.Errorf("%s: apps = %v, want %v", what, g, w)
	}
	list, err := s.UserApps(t.Context(), tenant, user)
	if err != nil {
		t.Fatalf("%s: UserApps: %v", what, err)
	}
	if g, w := appRefs(list), sortedCopy(want); !equalStrings(g, w) {
		t.Errorf("%s: UserApps = %v, want %v", what, g, w)
	}
	return got.Apps
}

func testApps(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")

	// Apps: create, validate, read, list, update.
	for _, bad := range []storage.App{{}, {Name: "  "}, {Name: strings.Repeat("x", storage.MaxAppName+1)}, {Name: "a\nb"},
		{Name: "ok", Description: strings.Repeat("d", storage.MaxAppDescription+1)}} {
		_, err := s.CreateApp(ctx, tenant, bad)
		checkValueError(t, fmt.Sprintf("CreateApp(%.20q)", bad.Name), err)
	}
	if apps, err := s.Apps(ctx, tenant); err != nil || len(apps) != 0 {
		t.Fatalf("Apps after invalid creates = %v, %v; want none", apps, err)
	}
	slack := mustApp(t, s, tenant, "Slack")
	crm, err := s.CreateApp(ctx, tenant, storage.App{Name: "CRM", Description: "Sales"})
	if err != nil {
		t.Fatal(err)
	}
	if crm.ID == "" || crm.Created.IsZero() || !crm.LastModified.Equal(crm.Created) {
		t.Errorf("CreateApp returned %+v: want an ID and times", crm)
	}
	got, err := s.App(ctx, tenant, crm.ID)
	if err != nil || got.Name != "CRM" || got.Description != "Sales" || !got.Created.Equal(crm.Created) {
		t.Errorf("App(crm) = %+v, %v", got, err)
	}
	apps, err := s.Apps(ctx, tenant)
	if err != nil || len(apps) != 2 || apps[0].Name != "CRM" || apps[1].Name != "Slack" {
		t.Errorf("Apps = %+v, %v; want CRM, Slack", apps, err)
	}
	if _, err := s.App(ctx, tenant, "no-such-app"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("App(unknown): %v, want ErrNotFound", err)
	}
	upd, err := s.UpdateApp(ctx, tenant, storage.App{ID: crm.ID, Name: "CRM 2"})
	if err != nil || upd.Name != "CRM 2" || upd.Description != "" || !upd.LastModified.After(crm.LastModified) {
		t.Errorf("UpdateApp = %+v, %v", upd, err)
	}
	if _, err := s.UpdateApp(ctx, tenant, storage.App{ID: "no-such-app", Name: "x"}); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("UpdateApp(unknown): %v, want ErrNotFound", err)
	}
	_, err = s.UpdateApp(ctx, tenant, storage.App{ID: crm.ID})
	checkValueError(t, "UpdateApp without a name", err)

	// Assignments.
	u := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("u")})
	v := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("v")})
	w := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc("w")})
	checkUserApps(t, s, tenant, "u before", u.ID)
	a := mustAssign(t, s, tenant, storage.AppAssignment{App: slack.ID, User: u.ID, Username: "Bob", ExternalAccountID: "U123",
		CustomAppData: map[string]any{"plan": "pro", "seats": 3, "flags": map[string]any{"beta": true}}})
	if a.AppName != "Slack" {
		t.Errorf("Assign returned AppName %q, want Slack", a.AppName)
	}
	list := checkUserApps(t, s, tenant, "u in Slack", u.ID, "Slack:Bob:U123")
	if len(list) == 1 {
		if list[0].App != slack.ID || list[0].User != u.ID {
			t.Errorf("u's assignment = %+v", list[0])
		}
		checkDoc(t, "customAppData", list[0].CustomAppData, map[string]any{"plan": "pro", "seats": 3, "flags": map[string]any{"beta": true}})
	}
	uNow := mustGet(t, s, tenant, &set.User, u.ID, storage.GetOptions{})
	if uNow.Meta.Version <= u.Meta.Version || !uNow.Meta.LastModified.After(u.Meta.LastModified) {
		t.Errorf("u's meta after Assign = %+v, was %+v; want a new version", uNow.Meta, u.Meta)
	}
	// Assigning again replaces the data.
	mustAssign(t, s, tenant, storage.AppAssignment{App: slack.ID, User: u.ID, Username: "bob.u"})
	list = checkUserApps(t, s, tenant, "u reassigned", u.ID, "Slack:bob.u:")
	if len(list) == 1 && list[0].CustomAppData != nil {
		t.Errorf("reassigned without customAppData: %v, want nil", list[0].CustomAppData)
	}
	mustAssign(t, s, tenant, storage.AppAssignment{App: crm.ID, User: u.ID, Username: "Bob"}) // another app: no clash
	mustAssign(t, s, tenant, storage.AppAssignment{App: slack.ID, User: w.ID})
	mustAssign(t, s, tenant, storage.AppAssignment{App: slack.ID, User: v.ID}) // no username twice: no clash
	checkUserApps(t, s, tenant, "u in two apps", u.ID, "CRM 2:Bob:", "Slack:bob.u:")

	// A username taken in the app, in any case, conflicts and changes
	// nothing.
	vBefore := mustGet(t, s, tenant, &set.User, v.ID, storage.GetOptions{})
	_, err = s.Assign(ctx, tenant, storage.AppAssignment{App: slack.ID, User: v.ID, Username: "BOB.U", ExternalAccountID: "x"})
	checkErrIs(t, "Assign with a taken username", err, storage.ErrConflict)
	checkUserApps(t, s, tenant, "v after the conflict", v.ID, "Slack::")
	if got := mustGet(t, s, tenant, &set.User, v.ID, storage.GetOptions{}); got.Meta.Version != vBefore.Meta.Version {
		t.Errorf("v's version after a failed Assign = %d, want %d", got.Meta.Version, vBefore.Meta.Version)
	}
	// Unknown app or user; invalid data.
	_, err = s.Assign(ctx, tenant, storage.AppAssignment{App: "no-such-app", User: v.ID})
	checkErrIs(t, "Assign to an unknown app", err, storage.ErrAppNotFound)
	_, err = s.Assign(ctx, tenant, storage.AppAssignment{App: slack.ID, User: "no-such-user"})
	checkErrIs(t, "Assign an unknown user", err, storage.ErrNotFound)
	if errors.Is(err, storage.ErrAppNotFound) {
		t.Errorf("Assign an unknown user: %v, want a user's ErrNotFound, not ErrAppNotFound", err)
	}
	for what, bad := range map[string]storage.AppAssignment{
		"a long username":        {App: crm.ID, User: v.ID, Username: strings.Repeat("n", storage.MaxAppUsername+1)},
		"a long external id":     {App: crm.ID, User: v.ID, ExternalAccountID: strings.Repeat("n", storage.MaxExternalAccount+1)},
		"too much customAppData": {App: crm.ID, User: v.ID, CustomAppData: map[string]any{"k": strings.Repeat("d", storage.MaxCustomAppData)}},
		"no app":                 {User: v.ID},
	} {
		_, err := s.Assign(ctx, tenant, bad)
		checkValueError(t, "Assign with "+what, err)
	}
	checkUserApps(t, s, tenant, "v after invalid assignments", v.ID, "Slack::")

	// Filters by app assignment.
	filterIDs := func(f string) []string {
		t.Helper()
		return sortedCopy(ids(listAll(t, s, tenant, &set.User, storage.Query{Filter: mustParseFilter(t, f)}).Resources))
	}
	for f, want := range map[string][]string{
		schemas.ScimdUserURN + `:apps.value eq "` + slack.ID + `"`: {u.ID, v.ID, w.ID},
		`apps.value eq "` + crm.ID + `"`:                           {u.ID},
		`apps[value eq "` + crm.ID + `"]`:                          {u.ID},
		`apps eq "` + crm.ID + `"`:                                 {u.ID},
		`apps.value ne "` + crm.ID + `"`:                           {v.ID, w.ID},
		`apps.value eq "no-such-app"`:                              nil,
		`apps pr`:                                                  {u.ID, v.ID, w.ID},
		`apps.value eq "` + crm.ID + `" or userName eq "w"`:        {u.ID, w.ID},
	} {
		if got := filterIDs(f); !equalStrings(got, sortedCopy(want)) {
			t.Errorf("filter %s: %v, want %v", f, got, want)
		}
	}
	for _, f := range []string{`apps.username eq "Bob"`, `apps.customAppData pr`} {
		_, err := s.List(ctx, tenant, &set.User, storage.Query{Filter: mustParseFilter(t, f), Count: 10})
		checkFilterError(t, "filter "+f, err)
	}
	if _, err := s.List(ctx, tenant, &set.User, storage.Query{SortBy: mustParsePath(t, "apps.value"), Count: 10}); err == nil {
		t.Errorf("sortBy apps.value: no error")
	}
	// Lists load a page's apps.
	for _, r := range listAll(t, s, tenant, &set.User, storage.Query{GetOptions: storage.GetOptions{Apps: true}}).Resources {
		want := map[string]int{u.ID: 2, v.ID: 1, w.ID: 1}[r.ID]
		if len(r.Apps) != want {
			t.Errorf("List with Apps: %s has %d apps, want %d", r.Attributes["userName"], len(r.Apps), want)
		}
	}

	// Unassign.
	if err := s.Unassign(ctx, tenant, crm.ID, v.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Unassign a missing assignment: %v, want ErrNotFound", err)
	}
	if err := s.Unassign(ctx, tenant, crm.ID, u.ID); err != nil {
		t.Fatalf("Unassign: %v", err)
	}
	checkUserApps(t, s, tenant, "u after leaving CRM", u.ID, "Slack:bob.u:")

	// Deleting a user removes its assignments: its username is free again.
	if err := s.Delete(ctx, tenant, &set.User, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	mustAssign(t, s, tenant, storage.AppAssignment{App: slack.ID, User: v.ID, Username: "Bob.U"})
	if got := filterIDs(`apps.value eq "` + slack.ID + `"`); !equalStrings(got, sortedCopy([]string{v.ID, w.ID})) {
		t.Errorf("Slack's users after deleting u: %v, want v and w", got)
	}

	// Deleting an app removes its assignments and bumps their users.
	vBefore = mustGet(t, s, tenant, &set.User, v.ID, storage.GetOptions{})
	if err := s.DeleteApp(ctx, tenant, slack.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteApp(ctx, tenant, slack.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("DeleteApp twice: %v, want ErrNotFound", err)
	}
	checkUserApps(t, s, tenant, "v after deleting Slack", v.ID)
	if got := mustGet(t, s, tenant, &set.User, v.ID, storage.GetOptions{}); got.Meta.Version <= vBefore.Meta.Version {
		t.Errorf("v's version after its app was deleted = %d, want > %d", got.Meta.Version, vBefore.Meta.Version)
	}
	if got := filterIDs(`apps pr`); len(got) != 0 {
		t.Errorf("users with apps after deleting Slack: %v, want none", got)
	}
	if _, err := s.UserApps(ctx, tenant, "no-such-user"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("UserApps(unknown user): %v, want ErrNotFound", err)
	}

	// Tenants are isolated: another tenant sees no app and cannot assign.
	other := mustTenant(t, s, "other")
	if apps, err := s.Apps(ctx, other); err != nil || len(apps) != 0 {
		t.Errorf("other tenant's Apps = %v, %v; want none", apps, err)
	}
	if _, err := s.App(ctx, other, crm.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("other tenant's App(crm): %v, want ErrNotFound", err)
	}
	x := mustCreate(t, s, other, &set.User, storage.Resource{Attributes: userDoc("x")})
	if _, err := s.Assign(ctx, other, storage.AppAssignment{App: crm.ID, User: x.ID}); !errors.Is(err, storage.ErrAppNotFound) {
		t.Errorf("Assign to another tenant's app: %v, want ErrAppNotFound", err)
	}
	if _, err := s.Assign(ctx, tenant, storage.AppAssignment{App: crm.ID, User: x.ID}); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Assign another tenant's user: %v, want ErrNotFound", err)
	}
	if err := s.DeleteApp(ctx, other, crm.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("DeleteApp of another tenant's app: %v, want ErrNotFound", err)
	}
	if _, err := s.CreateApp(ctx, "no-such-tenant", storage.App{Name: "x"}); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("CreateApp in an unknown tenant: %v, want ErrNotFound", err)
	}
	// Deleting a tenant deletes its apps.
	mustAssign(t, s, tenant, storage.AppAssignment{App: crm.ID, User: w.ID, Username: "w"})
	if err := s.DeleteTenant(ctx, tenant); err != nil {
		t.Fatal(err)
	}
	if _, err := s.App(ctx, tenant, crm.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("App of a deleted tenant: %v, want ErrNotFound", err)
	}
}
