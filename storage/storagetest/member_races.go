package storagetest

// Member rows and deletes: every member row names a
// user or group of the tenant, whatever the interleaving of a delete with
// the writes that add the deleted resource to a group.

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// memberRaceRounds is how many times each race is run.
const memberRaceRounds = 50

// orphanMembers returns the member rows of the tenant's groups that name
// no user or group of the tenant, as "group ID → member type ID". It reads
// through the public API only: every group's members, then a Get of each.
func orphanMembers(t *testing.T, s storage.Store, tenant storage.TenantID) []string {
	t.Helper()
	ctx := t.Context()
	set := schemas.Default()
	var orphans []string
	for start := 1; ; {
		p := listAll(t, s, tenant, &set.Group, storage.Query{StartIndex: start, Count: 1000})
		for _, g := range p.Resources {
			err := s.EachMember(ctx, tenant, g.ID, func(m storage.Member) error {
				rt := &set.User
				if m.Type == schemas.GroupType {
					rt = &set.Group
				}
				_, err := s.Get(ctx, tenant, rt, m.Value, storage.GetOptions{})
				if errors.Is(err, storage.ErrNotFound) {
					orphans = append(orphans, fmt.Sprintf("%s → %s %s", g.ID, m.Type, m.Value))
					return nil
				}
				return err
			})
			if err != nil {
				t.Fatalf("members of group %s: %v", g.ID, err)
			}
		}
		start += len(p.Resources)
		if len(p.Resources) == 0 || start > p.Total {
			return orphans
		}
	}
}

// checkNoOrphanMembers fails the test for each member row that names no
// user or group of the tenant.
func checkNoOrphanMembers(t *testing.T, s storage.Store, tenant storage.TenantID, what string) {
	t.Helper()
	if orphans := orphanMembers(t, s, tenant); len(orphans) > 0 {
		t.Errorf("%s: %d member rows name a deleted resource, among them %v", what, len(orphans), orphans[:min(len(orphans), 3)])
	}
}

// testMemberRaceUserDelete races the delete of a user with the three
// writes that add it to a group (an added member, a replaced member list
// and a created group).
func testMemberRaceUserDelete(t *testing.T, s storage.Store) { runMemberRace(t, s, false) }

// testMemberRaceGroupDelete races the delete of a group with the writes
// that add it to another group.
func testMemberRaceGroupDelete(t *testing.T, s storage.Store) { runMemberRace(t, s, true) }

func runMemberRace(t *testing.T, s storage.Store, group bool) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	rt, kind := &set.User, "user"
	if group {
		rt, kind = &set.Group, "group"
	}
	patched := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("patched")})
	replaced := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("replaced")})
	for round := range memberRaceRounds {
		doc := userDoc(fmt.Sprintf("victim%02d", round))
		if group {
			doc = groupDoc(fmt.Sprintf("victim%02d", round))
		}
		victim := mustCreate(t, s, tenant, rt, storage.Resource{Attributes: doc})
		m := []storage.Member{{Value: victim.ID}} // no type, as Entra and Okta send
		writes := []struct {
			what string
			run  func() error
		}{
			{"Delete", func() error {
				// Rounds start the delete at different points of the
				// writes, whose length varies with the engine and the
				// machine.
				time.Sleep(time.Duration(round%5) * 500 * time.Microsecond)
				return s.Delete(ctx, tenant, rt, victim.ID, 0)
			}},
			{"AddMembers", func() error {
				_, err := s.Update(ctx, tenant, &set.Group, patched.ID, storage.UpdateOptions{},
					edit(storage.Edit{AddMembers: m, SkipUnknownMembers: true}))
				return err
			}},
			{"ReplaceMembers", func() error {
				_, err := s.Update(ctx, tenant, &set.Group, replaced.ID, storage.UpdateOptions{},
					edit(storage.Edit{ReplaceMembers: true, Members: m}))
				return err
			}},
			{"Create with members", func() error {
				_, err := s.Create(ctx, tenant, &set.Group, storage.Resource{
					Attributes: groupDoc(fmt.Sprintf("created%02d", round)), Members: m})
				return err
			}},
		}
		errs := make([]error, len(writes))
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, w := range writes {
			wg.Go(func() {
				<-start
				errs[i] = w.run()
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			var ve *storage.ValueError
			switch {
			case err == nil:
			case i > 0 && errors.As(err, &ve): // the member was gone: refused
			default:
				t.Errorf("round %d: %s racing the delete of %s %s: %v", round, writes[i].what, kind, victim.ID, err)
			}
		}
	}
	checkNoOrphanMembers(t, s, tenant, fmt.Sprintf("after %d rounds of deleting a %s while adding it to groups", memberRaceRounds, kind))
}
