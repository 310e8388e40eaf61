package sqlite

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// TestWritesThroughPreparedStatements runs concurrent creates and updates
// of users of several shapes, whose write statements the store prepares
// after their first transaction and runs prepared afterwards (the writer
// has one connection, which a transaction holds while another prepares),
// and checks that every write finished and is read back as written.
func TestWritesThroughPreparedStatements(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "scimd.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	tenant, err := s.CreateTenant(ctx, "prep")
	if err != nil {
		t.Fatal(err)
	}
	set := schemas.Default()
	rt := &set.User
	const workers, each = 6, 12
	ids := make([][]string, workers)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				var emails []any
				for e := range i%4 + 1 { // index rows of several counts: INSERTs of several texts
					emails = append(emails, map[string]any{"value": fmt.Sprintf("u%d.%d.%d@example.com", w, i, e)})
				}
				r, err := s.Create(ctx, tenant.ID, rt, storage.Resource{Attributes: map[string]any{
					"userName": fmt.Sprintf("u%d.%d", w, i), "active": true, "emails": emails,
				}})
				if err != nil {
					errs <- err
					return
				}
				_, err = s.Update(ctx, tenant.ID, rt, r.ID, storage.UpdateOptions{}, func(cur storage.Resource) (storage.Edit, error) {
					next := map[string]any{}
					for k, v := range cur.Attributes {
						next[k] = v
					}
					next["active"] = false
					next["displayName"] = fmt.Sprintf("User %d.%d", w, i)
					return storage.Edit{Attributes: next}, nil
				})
				if err != nil {
					errs <- err
					return
				}
				ids[w] = append(ids[w], r.ID)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for w := range workers {
		for i, id := range ids[w] {
			r, err := s.Get(ctx, tenant.ID, rt, id, storage.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			emails, _ := r.Attributes["emails"].([]any)
			if r.Attributes["active"] != false || r.Attributes["displayName"] != fmt.Sprintf("User %d.%d", w, i) || len(emails) != i%4+1 {
				t.Errorf("user %d.%d read back as %v", w, i, r.Attributes)
			}
		}
	}
}
