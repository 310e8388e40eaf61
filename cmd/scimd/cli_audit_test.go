package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/scimd/scimd/storage"
)

// TestCLIAudit checks that the CLI's writes are in the tenant's audit log,
// each once, by an actor of kind cli named for the command.
func TestCLIAudit(t *testing.T) {
	db := tempDB(t)
	mustScimd(t, db, "tenant", "create", "acme")
	var created tokenCreatedJSON
	decodeOne(t, mustScimd(t, db, "token", "create", "--tenant", "acme", "--name", "okta", "--json"), &created)
	mustScimd(t, db, "token", "revoke", "--tenant", "acme", created.ID)
	failScimd(t, db, false, "has a valid token named", "token", "create", "--tenant", "acme", "--name", "default")

	s := openTestStore(t, db)
	tn, err := s.Tenant(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.Audit(t.Context(), tn.ID, storage.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range page.Entries {
		if e.Actor.Kind != storage.ActorCLI || !strings.HasPrefix(e.Actor.Name, "scimd t") {
			t.Errorf("entry %s %s: actor %+v, want kind cli and the command", e.Operation, e.ResourceType, e.Actor)
		}
		got = append(got, e.Actor.Name+": "+e.Operation+" "+e.ResourceType)
	}
	want := []string{
		"scimd token revoke: revoke Credential",
		"scimd token create: create Credential",
		"scimd tenant create: create Credential",
		"scimd tenant create: create Tenant",
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit log, newest first:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
