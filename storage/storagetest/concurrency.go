package storagetest

import (
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// testConcurrentUpdate checks that Update is a transactional
// read-modify-write: concurrent increments are never lost, and concurrent
// member additions all land.
func testConcurrentUpdate(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	u := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: map[string]any{"userName": "counter", "nickName": "0"}})

	const workers, rounds = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for range workers {
		wg.Go(func() {
			for range rounds {
				_, err := s.Update(ctx, tenant, &set.User, u.ID, storage.UpdateOptions{}, func(cur storage.Resource) (storage.Edit, error) {
					n, err := strconv.Atoi(fmt.Sprint(cur.Attributes["nickName"]))
					if err != nil {
						return storage.Edit{}, err
					}
					doc := cloneDoc(cur.Attributes)
					doc["nickName"] = strconv.Itoa(n + 1)
					return storage.Edit{Attributes: doc}, nil
				})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Update: %v", err)
	}
	got := mustGet(t, s, tenant, &set.User, u.ID, storage.GetOptions{})
	if want := strconv.Itoa(workers * rounds); got.Attributes["nickName"] != want {
		t.Errorf("after %d concurrent increments: counter = %v, want %s (lost updates)", workers*rounds, got.Attributes["nickName"], want)
	}
	if want := int64(1 + workers*rounds); got.Meta.Version != want {
		t.Errorf("after %d concurrent increments: version = %d, want %d", workers*rounds, got.Meta.Version, want)
	}

	// Concurrent member additions to one group.
	var members []storage.Member
	for i := range 20 {
		r := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc(fmt.Sprintf("m%02d", i))})
		members = append(members, userMember(r.ID))
	}
	g := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: groupDoc("G")})
	errs = make(chan error, len(members))
	for _, m := range members {
		wg.Go(func() {
			_, err := s.Update(ctx, tenant, &set.Group, g.ID, storage.UpdateOptions{}, edit(storage.Edit{AddMembers: []storage.Member{m}}))
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent AddMembers: %v", err)
	}
	gotG := mustGet(t, s, tenant, &set.Group, g.ID, storage.GetOptions{Members: true})
	checkMembers(t, "after concurrent AddMembers", gotG.Members, members...)
	if want := int64(1 + len(members)); gotG.Meta.Version != want {
		t.Errorf("after %d concurrent AddMembers: version = %d, want %d", len(members), gotG.Meta.Version, want)
	}
}
