package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// memberBatch is how many members Entra adds in one PATCH.
const memberBatch = 100

// membershipsPerUser sets the size of the synced groups: about two
// memberships per user, as in the benchmark design's initial sync.
const membershipsPerUser = 2

// syncResult is the outcome of W11.
type syncResult struct {
	stats       stats
	users       int
	groups      int
	memberships int
}

// entraSync provisions users and groups into an empty tenant the way
// Microsoft Entra's initial cycle does: for each user a filter on userName
// (which finds nothing) and a POST; for each group a filter on displayName
// without members, a POST, and PATCH requests that add the members in
// batches of memberBatch. conc workers share the work.
func entraSync(ctx context.Context, c *client, users, groups, conc int, seed uint64) syncResult {
	res := syncResult{users: users, groups: groups}
	st := &res.stats
	p := &syncPool{c: c, conc: conc, seed: seed, st: st}

	start := time.Now()
	ids := make([]string, users)
	p.run(ctx, users, func(w *worker, own *stats, i int) {
		name := fmt.Sprintf("s%d@sync.example", i)
		if !syncStep(ctx, w, own, http.MethodGet, "/Users?filter="+url.QueryEscape(`userName eq "`+name+`"`), nil, http.StatusOK, nil) {
			return
		}
		var created struct{ ID string }
		if syncStep(ctx, w, own, http.MethodPost, "/Users", syncUser(i, name), http.StatusCreated, &created) {
			ids[i] = created.ID
		}
	})
	perGroup := 0
	if groups > 0 {
		perGroup = min(users, max(1, users*membershipsPerUser/groups))
	}
	p.run(ctx, groups, func(w *worker, own *stats, g int) {
		if syncGroup(ctx, w, own, g, ids, perGroup, seed) {
			p.mu.Lock()
			res.memberships += perGroup
			p.mu.Unlock()
		}
	})
	st.elapsed = time.Since(start)
	slices.Sort(st.latencies)
	return res
}

// A syncPool runs the jobs of the sync on conc workers and merges their
// stats into st.
type syncPool struct {
	c    *client
	conc int
	seed uint64
	mu   sync.Mutex // guards st, and what jobs share
	st   *stats
}

// merge adds the stats of worker w, own, to the pool's.
func (p *syncPool) merge(w *worker, own *stats) {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := p.st
	st.ops += own.ops
	st.sent += w.sent
	st.errors += own.errors
	if st.firstErr == nil {
		st.firstErr = own.firstErr
	}
	st.latencies = append(st.latencies, own.latencies...)
}

// run runs job(w, own, k) for k in [0, n) on conc workers.
func (p *syncPool) run(ctx context.Context, n int, job func(w *worker, own *stats, k int)) {
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for k := range n {
			jobs <- k
		}
	}()
	var wg sync.WaitGroup
	for k := range p.conc {
		wg.Go(func() {
			w := &worker{id: k, rng: rand.New(rand.NewPCG(p.seed, uint64(k))), c: p.c}
			var own stats
			for j := range jobs {
				if ctx.Err() == nil {
					job(w, &own, j)
				}
			}
			p.merge(w, &own)
		})
	}
	wg.Wait()
}

// syncGroup syncs group g: a filter on its displayName, a POST, and PATCH
// requests that add perGroup members picked among the users of ids (those
// whose POST failed are left out). It reports whether the group was
// created.
func syncGroup(ctx context.Context, w *worker, own *stats, g int, ids []string, perGroup int, seed uint64) bool {
	name := fmt.Sprintf("Sync Group %04d", g)
	q := "/Groups?filter=" + url.QueryEscape(`displayName eq "`+name+`"`) + "&excludedAttributes=members"
	if !syncStep(ctx, w, own, http.MethodGet, q, nil, http.StatusOK, nil) {
		return false
	}
	body, _ := json.Marshal(map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:Group"},
		"displayName": name,
		"externalId":  fmt.Sprintf("sg%04d", g),
	})
	var created struct{ ID string }
	if !syncStep(ctx, w, own, http.MethodPost, "/Groups", body, http.StatusCreated, &created) {
		return false
	}
	rng := rand.New(rand.NewPCG(seed, uint64(g)))
	members := rng.Perm(len(ids))[:perGroup]
	for batch := range slices.Chunk(members, memberBatch) {
		value := make([]map[string]string, 0, len(batch))
		for _, u := range batch {
			if ids[u] != "" {
				value = append(value, map[string]string{"value": ids[u]})
			}
		}
		body, _ := json.Marshal(map[string]any{
			"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
			"Operations": []any{map[string]any{"op": "Add", "path": "members", "value": value}},
		})
		syncStep(ctx, w, own, http.MethodPatch, "/Groups/"+created.ID, body, http.StatusNoContent, nil)
	}
	return true
}

// syncStep sends one request of the sync and records it. A GET must find
// nothing (totalResults 0); a POST's response is decoded into into. It
// reports whether the step succeeded.
func syncStep(ctx context.Context, w *worker, own *stats, method, path string, body []byte, want int, into any) bool {
	lat, err := w.do(ctx, method, path, body, want)
	own.ops++
	if err == nil && method == http.MethodGet {
		var p listPage
		if err = json.Unmarshal(w.buf.Bytes(), &p); err == nil && p.TotalResults != 0 {
			err = fmt.Errorf("GET %s: %d results, want none", path, p.TotalResults)
		}
	}
	if err == nil && into != nil {
		err = json.Unmarshal(w.buf.Bytes(), into)
	}
	if err != nil {
		own.errors++
		if own.firstErr == nil {
			own.firstErr = err
		}
		return false
	}
	own.latencies = append(own.latencies, lat)
	return true
}

// syncUser is the body of Entra's POST /Users for synced user i.
func syncUser(i int, name string) []byte {
	given, family := givenNames[i%len(givenNames)], familyNames[(i/len(givenNames))%len(familyNames)]
	body, _ := json.Marshal(map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:User", enterpriseURN},
		"externalId":  fmt.Sprintf("sx%07d", i),
		"userName":    name,
		"active":      true,
		"displayName": given + " " + family,
		"emails":      []any{map[string]any{"primary": true, "type": "work", "value": strings.ToLower(given+"."+family) + fmt.Sprintf("%d@sync.example", i)}},
		"name":        map[string]any{"formatted": given + " " + family, "familyName": family, "givenName": given},
		enterpriseURN: map[string]any{"employeeNumber": fmt.Sprintf("S%07d", i), "department": department(i % departments)},
	})
	return body
}
