// The race detector makes this test last over ten minutes and inflates the
// heap it measures: it is built without it only, and "make reliability"
// runs it ("make test" runs everything else with -race).

//go:build !race

package admin_test

import (
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/scimd/scimd/admin"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/sqlite"
)

// exportUsers is the number of users of the bounded-memory export test.
const exportUsers = 100_000

// heapBytes is the heap memory objects occupy now, live or not yet swept.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// liveHeap returns the live heap after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	return heapBytes()
}

// A heapSampler records the peak of heapBytes while it runs.
type heapSampler struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
}

func sampleHeap() *heapSampler {
	s := &heapSampler{stop: make(chan struct{})}
	s.done.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			s.peak = max(s.peak, heapBytes())
			select {
			case <-s.stop:
				return
			case <-tick.C:
			}
		}
	})
	return s
}

func (s *heapSampler) Stop() uint64 {
	close(s.stop)
	s.done.Wait()
	return s.peak
}

// exportDoc is the stored document of the i-th user of the big export.
func exportDoc(i int) map[string]any {
	return map[string]any{
		"userName":           fmt.Sprintf("user%06d", i),
		"externalId":         fmt.Sprintf("ext-%06d", i),
		"name":               map[string]any{"givenName": fmt.Sprintf("Given %d", i), "familyName": "Family, \"Q\""},
		"displayName":        fmt.Sprintf("=User %d", i),
		"emails":             []any{map[string]any{"value": fmt.Sprintf("user%06d@example.com", i), "primary": true}},
		"active":             true,
		schemas.ScimdUserURN: map[string]any{"status": "active"},
		tenantExt: map[string]any{"badgeId": fmt.Sprintf("B-%06d", i), "skills": []any{"go", fmt.Sprintf("s%d", i%7)},
			"level": int64(i % 10)},
	}
}

// TestUserExportBoundedMemory exports 100,000 users (SQLite) and checks
// that the answer is the whole CSV, every row as stored, and that the
// export's peak heap growth stays far below what holding the users in
// memory takes, which the test measures too. It runs without -race only:
// the race detector makes it last over ten minutes and inflates the heap.
func TestUserExportBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 100,000 users and measures the heap: run it without -short")
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	store, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "scimd.db"), logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	e := newEnv(t, store)
	platform := e.iss.token(t, "root", []string{admin.RolePlatformAdmin}, nil)
	e.want(e.do("POST", "/admin/v1/tenants", platform, map[string]any{"name": "acme"}), 201, "create acme")
	e.want(e.do("PUT", "/admin/v1/tenants/acme/schema", platform, exportSchema), 200, "schema")
	ten, err := store.Tenant(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	rt := userType(t, e, ten)
	const batch = 2000
	for i := 0; i < exportUsers; i += batch {
		list := make([]storage.Resource, 0, batch)
		for j := i; j < i+batch; j++ {
			list = append(list, storage.Resource{Attributes: exportDoc(j)})
		}
		if _, err := store.CreateMany(t.Context(), ten.ID, rt, list); err != nil {
			t.Fatalf("CreateMany at %d: %v", i, err)
		}
	}

	// What a non-streaming export would hold: every user in memory.
	base := liveHeap()
	var all []storage.Resource
	q := storage.Query{Keyset: true, Count: 1000}
	for {
		page, err := store.List(t.Context(), ten.ID, rt, q)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Resources...)
		if page.NextCursor == "" {
			break
		}
		q.Cursor = page.NextCursor
	}
	inMemory := liveHeap() - base
	runtime.KeepAlive(all)
	if len(all) != exportUsers {
		t.Fatalf("listed %d users, want %d", len(all), exportUsers)
	}
	const bound = 64 << 20
	t.Logf("holding %d users in memory takes %.1f MiB of live heap", exportUsers, float64(inMemory)/(1<<20))
	if inMemory <= bound {
		t.Errorf("holding every user takes %d bytes, not more than the bound of %d: the bound proves nothing", inMemory, bound)
	}

	// The export, read and checked row by row as it streams in.
	base = liveHeap()
	sampler := sampleHeap()
	req, err := http.NewRequestWithContext(t.Context(), "GET", e.url+"/admin/v1/tenants/acme/users/export", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+platform)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != 200 {
		t.Fatalf("export: %d", resp.StatusCode)
	}
	r := csv.NewReader(resp.Body)
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, h := range []string{"userName", "email", "displayName", "name.familyName", "custom.badgeId", "custom.skills", "custom.level", "custom.office"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("no column %s in %v", h, header)
		}
	}
	seen := make([]bool, exportUsers)
	rows := 0
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("row %d: %v", rows+1, err)
		}
		rows++
		var i int
		if _, err := fmt.Sscanf(row[col["userName"]], "user%06d", &i); err != nil || i < 0 || i >= exportUsers || seen[i] {
			t.Fatalf("row %d: userName %q unknown or seen twice", rows, row[col["userName"]])
		}
		seen[i] = true
		want := map[string]string{
			"email": fmt.Sprintf("user%06d@example.com", i), "displayName": fmt.Sprintf("'=User %d", i),
			"name.familyName": "Family, \"Q\"", "custom.badgeId": fmt.Sprintf("B-%06d", i),
			"custom.skills": fmt.Sprintf(`["go","s%d"]`, i%7), "custom.level": fmt.Sprint(i % 10), "custom.office": "",
		}
		for k, v := range want {
			if row[col[k]] != v {
				t.Fatalf("row %d (user %d): %s = %q, want %q", rows, i, k, row[col[k]], v)
			}
		}
	}
	peak := sampler.Stop()
	if rows != exportUsers {
		t.Fatalf("the export has %d rows, want %d", rows, exportUsers)
	}
	growth := int64(peak) - int64(base)
	t.Logf("exporting %d users: peak heap %.1f MiB over a live heap of %.1f MiB (growth %.1f MiB; bound %d MiB)",
		exportUsers, float64(peak)/(1<<20), float64(base)/(1<<20), float64(growth)/(1<<20), bound>>20)
	if growth >= bound {
		t.Errorf("the export's peak heap growth is %d bytes, over the bound of %d", growth, bound)
	}
}
