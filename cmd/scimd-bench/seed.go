package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scimd/scimd/credentials"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// Seeding batch sizes: users per CreateMany call, and the members one
// CreateMany of groups may carry (the big group goes alone).
const (
	userBatch    = 1000
	memberBudget = 20000
)

// Tenants of the benchmark: the seeded one, and the empty one W11 syncs
// into.
const (
	benchTenant = "bench"
	syncTenant  = "bench-sync"
)

// seeded is what the workloads need to know about the seeded database.
type seeded struct {
	tenant    storage.TenantID
	token     string // bearer token of benchTenant
	syncToken string // bearer token of syncTenant
	took      time.Duration
}

// seed creates the two tenants with a credential each and writes the
// dataset through store.CreateMany with parallel workers, then refreshes
// the planner's statistics when analyze is set.
func seed(ctx context.Context, store storage.Store, d *dataset, workers int, analyze bool, progress io.Writer) (seeded, error) {
	start := time.Now()
	var out seeded
	tenant, token, err := newTenant(ctx, store, benchTenant)
	if err != nil {
		return out, err
	}
	_, syncToken, err := newTenant(ctx, store, syncTenant)
	if err != nil {
		return out, err
	}
	out.tenant, out.token, out.syncToken = tenant, token, syncToken
	set := schemas.Default()
	err = seedUsers(ctx, store, tenant, &set.User, d, workers, seedProgress(progress, start, "users", d.users))
	if err != nil {
		return out, err
	}
	err = seedGroups(ctx, store, tenant, &set.Group, d, workers, seedProgress(progress, start, "groups", d.groups))
	if err != nil {
		return out, err
	}

	if analyze {
		analyzer, ok := store.(interface {
			Analyze(ctx context.Context) error
		})
		if !ok {
			return out, fmt.Errorf("%T has no Analyze method", store)
		}
		if err := analyzer.Analyze(ctx); err != nil {
			return out, err
		}
	}
	out.took = time.Since(start)
	_, _ = fmt.Fprintf(progress, "seed: done in %s\n", out.took.Round(time.Second))
	return out, nil
}

// seedProgress returns the progress report of seeding total things, what:
// each call counts n more, and a line goes to progress at every tenth and
// at the end.
func seedProgress(progress io.Writer, start time.Time, what string, total int) func(n int) {
	var done atomic.Int64
	step := max(1, total/10)
	return func(n int) {
		if now := done.Add(int64(n)); int(now)/step != int(now-int64(n))/step || int(now) == total {
			_, _ = fmt.Fprintf(progress, "seed: %s %d/%d (%s)\n", what, now, total, time.Since(start).Round(time.Second))
		}
	}
}

// seedUsers writes the dataset's users (of resource type rt), userBatch
// per CreateMany call, with parallel workers.
func seedUsers(ctx context.Context, store storage.Store, tenant storage.TenantID, rt *schemas.ResourceType, d *dataset, workers int, progress func(n int)) error {
	ctx, cancel := context.WithCancel(ctx) // stops the job producer on an error
	defer cancel()
	userJobs := make(chan int)
	go func() {
		defer close(userJobs)
		for first := 0; first < d.users; first += userBatch {
			select {
			case userJobs <- first:
			case <-ctx.Done():
				return
			}
		}
	}()
	return parallel(ctx, workers, func(ctx context.Context) error {
		for first := range userJobs {
			list := make([]storage.Resource, 0, userBatch)
			for i := first; i < min(first+userBatch, d.users); i++ {
				list = append(list, storage.Resource{ID: d.userID(i), Attributes: d.user(i)})
			}
			if _, err := store.CreateMany(ctx, tenant, rt, list); err != nil {
				return fmt.Errorf("seed users %d..%d: %w", first, first+len(list)-1, err)
			}
			progress(len(list))
		}
		return nil
	})
}

// seedGroups writes the dataset's groups (of resource type rt) with their
// members, in the batches of groupBatches, with parallel workers.
func seedGroups(ctx context.Context, store storage.Store, tenant storage.TenantID, rt *schemas.ResourceType, d *dataset, workers int, progress func(n int)) error {
	ctx, cancel := context.WithCancel(ctx) // stops the job producer on an error
	defer cancel()
	groupJobs := groupBatches(ctx, d)
	return parallel(ctx, workers, func(ctx context.Context) error {
		for batch := range groupJobs {
			if _, err := store.CreateMany(ctx, tenant, rt, batch); err != nil {
				return fmt.Errorf("seed groups: %w", err)
			}
			progress(len(batch))
		}
		return nil
	})
}

// groupBatches sends the dataset's groups with their members, in batches
// of at most memberBudget members (a bigger group goes alone), until ctx
// is done.
func groupBatches(ctx context.Context, d *dataset) <-chan []storage.Resource {
	victimsOf := d.victimGroups()
	groupJobs := make(chan []storage.Resource)
	go func() {
		defer close(groupJobs)
		var batch []storage.Resource
		budget := 0
		for j := range d.groups {
			members := d.members(j, victimsOf)
			if len(batch) > 0 && budget+len(members) > memberBudget {
				select {
				case groupJobs <- batch:
				case <-ctx.Done():
					return
				}
				batch, budget = nil, 0
			}
			r := storage.Resource{ID: d.groupID(j), Attributes: group(j), Members: make([]storage.Member, len(members))}
			for k, u := range members {
				r.Members[k] = storage.Member{Value: d.userID(u), Type: schemas.UserType}
			}
			batch, budget = append(batch, r), budget+len(members)
		}
		if len(batch) > 0 {
			select {
			case groupJobs <- batch:
			case <-ctx.Done():
			}
		}
	}()
	return groupJobs
}

// newTenant creates a tenant and a credential for it, as "scimd tenant
// create" does, and returns the tenant's ID and bearer token.
func newTenant(ctx context.Context, store storage.Store, name string) (storage.TenantID, string, error) {
	t, err := store.CreateTenant(ctx, name)
	if err != nil {
		return "", "", fmt.Errorf("create tenant %s: %w", name, err)
	}
	token, hash, err := credentials.NewToken()
	if err != nil {
		return "", "", err
	}
	if _, err := store.CreateCredential(ctx, t.ID, "bench", hash); err != nil {
		return "", "", fmt.Errorf("create the credential of tenant %s: %w", name, err)
	}
	return t.ID, token, nil
}

// parallel runs fn on n goroutines and returns the first error; the
// context fn gets is canceled on the first error.
func parallel(ctx context.Context, n int, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range n {
		wg.Go(func() {
			if err := fn(ctx); err != nil {
				once.Do(func() { first = err })
				cancel()
			}
		})
	}
	wg.Wait()
	return first
}
