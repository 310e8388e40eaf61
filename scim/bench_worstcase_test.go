//go:build unix

package scim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/scimd/scimd/credentials"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/scim"
	"github.com/scimd/scimd/storage"
)

// timedStore measures the time of every Create and Update: the SQLite
// writer is held for at most that long (the transaction runs inside).
// The machine may be shared: the process's CPU time during the call is
// reported too, as the time the call would take on an idle core.
type timedStore struct {
	storage.Store
	last, lastCPU atomic.Int64 // nanoseconds of the last Create or Update
}

func (s *timedStore) timed() func() {
	start, cpu := time.Now(), cpuTime()
	return func() {
		s.last.Store(int64(time.Since(start)))
		s.lastCPU.Store(int64(cpuTime() - cpu))
	}
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (s *timedStore) Create(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, r storage.Resource) (storage.Resource, error) {
	defer s.timed()()
	return s.Store.Create(ctx, tenant, rt, r)
}

func (s *timedStore) Update(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, id string, opts storage.UpdateOptions, fn func(storage.Resource) (storage.Edit, error)) (storage.Resource, error) {
	defer s.timed()()
	return s.Store.Update(ctx, tenant, rt, id, opts, fn)
}

// worstCaseUser is a user with n elements in every writable multi-valued
// attribute of the default User (every sub-attribute filled), trimmed to
// fit in maxBody bytes: the most index rows one request can write at the
// given limits.
func worstCaseUser(userName string, n int, maxBody int) map[string]any {
	el := func(attr string, i int) map[string]any {
		s := strconv.Itoa(i)
		switch attr {
		case "emails":
			return map[string]any{"value": "e" + s + "@example.com", "display": "e" + s, "type": "work", "primary": i == 0}
		case "phoneNumbers":
			return map[string]any{"value": fmt.Sprintf("+1555%07d", i), "display": "p" + s, "type": "work", "primary": i == 0}
		case "ims":
			return map[string]any{"value": "im" + s, "display": "i" + s, "type": "xmpp", "primary": i == 0}
		case "photos":
			return map[string]any{"value": "https://x.io/" + s, "display": "p" + s, "type": "photo", "primary": i == 0}
		case "addresses":
			return map[string]any{"formatted": "f" + s, "streetAddress": "s" + s, "locality": "l" + s, "region": "r" + s,
				"postalCode": "c" + s, "country": "DK", "type": "work", "primary": i == 0}
		case "entitlements", "roles":
			return map[string]any{"value": attr[:1] + s, "display": "d" + s, "type": "t", "primary": i == 0}
		}
		return nil
	}
	attrs := []string{"emails", "phoneNumbers", "ims", "photos", "addresses", "entitlements", "roles"}
	u := map[string]any{
		"schemas":  []any{schemas.UserURN, schemas.ScimdUserURN},
		"userName": userName, "displayName": "Worst Case",
	}
	for _, a := range attrs {
		list := make([]any, n)
		for i := range list {
			list[i] = el(a, i)
		}
		u[a] = list
	}
	aliases := make([]any, n)
	linked := make([]any, n)
	for i := range n {
		aliases[i] = fmt.Sprintf("%s-alias-%d", userName, i)
		linked[i] = map[string]any{"source": "idp", "identifier": fmt.Sprintf("%s-li-%d", userName, i)}
	}
	tags := make([]any, min(n, 100)) // the directory takes at most 100 tags
	for i := range tags {
		tags[i] = map[string]any{"key": "k" + strconv.Itoa(i), "value": "v"}
	}
	u[schemas.ScimdUserURN] = map[string]any{"aliases": aliases, "linkedIdentities": linked, "tags": tags}
	// Trim every list by the same factor until the body fits, then fill
	// the rest of the body with a long nickName.
	for {
		b, _ := json.Marshal(u)
		if len(b) <= maxBody-1024 {
			u["nickName"] = strings.Repeat("n", maxBody-1024-len(b))
			return u
		}
		shrink := func(l []any) []any { return l[:len(l)*9/10] }
		for _, a := range attrs {
			u[a] = shrink(u[a].([]any))
		}
		ext := u[schemas.ScimdUserURN].(map[string]any)
		ext["aliases"], ext["linkedIdentities"] = shrink(ext["aliases"].([]any)), shrink(ext["linkedIdentities"].([]any))
	}
}

// BenchmarkWorstCaseWrite measures the writes of the worst-case user at
// the default limits (SCIMD_BENCH_MULTI overrides the values per
// attribute): POST, PUT of the same user, PUT that moves every element,
// and PATCHes of one attribute. Besides the whole request it reports the
// store call, an upper bound of how long the SQLite writer is held
// (store-ms/op, store-max-ms), and the CPU time of the call
// (store-cpu-ms/op), which is what counts on a busy machine:
//
//	go test -run XXX -bench WorstCaseWrite -benchtime 20x ./scim/
func BenchmarkWorstCaseWrite(b *testing.B) {
	n := scim.DefaultMaxMultiValues
	if s := os.Getenv("SCIMD_BENCH_MULTI"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	mux, token, store := worstCaseServer(b, n)
	do := func(method, path string, body any, want int) {
		raw, _ := json.Marshal(body)
		req := httptest.NewRequestWithContext(b.Context(), method, "/tenants/bench/scim/v2"+path, bytes.NewReader(raw))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/scim+json")
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != want {
			b.Fatalf("%s %s: status %d: %.300s", method, path, rec.Code, rec.Body)
		}
	}
	created := func(name string) (string, map[string]any) {
		u := worstCaseUser(name, n, scim.DefaultMaxBodyBytes)
		raw, _ := json.Marshal(u)
		req := httptest.NewRequestWithContext(b.Context(), http.MethodPost, "/tenants/bench/scim/v2/Users", bytes.NewReader(raw))
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("POST: status %d: %.300s", rec.Code, rec.Body)
		}
		var doc map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &doc)
		id, _ := doc["id"].(string)
		return id, u
	}
	u := worstCaseUser("probe", n, scim.DefaultMaxBodyBytes)
	raw, _ := json.Marshal(u)
	b.Logf("worst-case user: %d elements per attribute asked, %d emails kept, %d bytes", n, len(u["emails"].([]any)), len(raw))
	patch := func(ops ...any) map[string]any {
		return map[string]any{"schemas": []any{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}, "Operations": ops}
	}
	measure := func(b *testing.B, f func(i int)) {
		b.Helper()
		var total, worst, cpu time.Duration
		for i := 0; b.Loop(); i++ {
			f(i)
			d := time.Duration(store.last.Load())
			total += d
			worst = max(worst, d)
			cpu += time.Duration(store.lastCPU.Load())
		}
		b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "store-ms/op")
		b.ReportMetric(float64(worst.Microseconds())/1000, "store-max-ms")
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N)/1000, "store-cpu-ms/op")
	}
	b.Run("POST", func(b *testing.B) {
		measure(b, func(i int) { created(fmt.Sprintf("post%d-%d", i, time.Now().UnixNano())) })
	})
	id, body := created("target")
	b.Run("PUT", func(b *testing.B) {
		measure(b, func(i int) {
			body["displayName"] = "put " + strconv.Itoa(i)
			do(http.MethodPut, "/Users/"+id, body, http.StatusOK)
		})
	})
	// A PUT that drops the first element of every list, then puts it
	// back: every index row of the lists moves to another element.
	b.Run("PUT_shifted", func(b *testing.B) {
		full := deepCopy(body)
		shifted := deepCopy(body)
		for k, v := range shifted {
			if l, ok := v.([]any); ok && len(l) > 1 && k != "schemas" {
				shifted[k] = l[1:]
			}
		}
		ext := shifted[schemas.ScimdUserURN].(map[string]any)
		for k, v := range ext {
			if l, ok := v.([]any); ok && len(l) > 1 {
				ext[k] = l[1:]
			}
		}
		measure(b, func(i int) {
			if i%2 == 0 {
				do(http.MethodPut, "/Users/"+id, shifted, http.StatusOK)
			} else {
				do(http.MethodPut, "/Users/"+id, full, http.StatusOK)
			}
		})
	})
	b.Run("PATCH_displayName", func(b *testing.B) {
		measure(b, func(i int) {
			do(http.MethodPatch, "/Users/"+id, patch(map[string]any{"op": "replace", "path": "displayName", "value": "p" + strconv.Itoa(i)}), http.StatusNoContent)
		})
	})
	b.Run("PATCH_email", func(b *testing.B) {
		measure(b, func(i int) {
			do(http.MethodPatch, "/Users/"+id, patch(map[string]any{"op": "replace", "path": `emails[value eq "e1@example.com"].display`, "value": "x" + strconv.Itoa(i)}), http.StatusNoContent)
		})
	})
}

// worstCaseServer is an empty tenant "bench" on a fresh SQLite store with
// default limits, its store timed.
func worstCaseServer(b *testing.B, n int) (*http.ServeMux, string, *timedStore) {
	b.Helper()
	s := openSQLite(b)
	tenant, err := s.CreateTenant(b.Context(), "bench")
	if err != nil {
		b.Fatal(err)
	}
	token, hash, err := credentials.NewToken()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.CreateCredential(b.Context(), tenant.ID, "bench", hash); err != nil {
		b.Fatal(err)
	}
	ts := &timedStore{Store: s}
	h, err := scim.NewHandler(scim.Config{Store: ts, MaxMultiValues: n})
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	return mux, token, ts
}

// deepCopy copies a JSON document.
func deepCopy(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}
