package sqlstore

import (
	"runtime"
	"testing"

	"github.com/scimd/scimd/schemas"
)

// TestSecretsOfRetainsNothing checks that computing an audit diff with a
// fresh *schemas.ResourceType per call (as every request does) keeps no
// memory behind: 20,000 calls must not leave megabytes on the heap.
func TestSecretsOfRetainsNothing(t *testing.T) {
	set := schemas.Default()
	next := map[string]any{"userName": "bjensen", "password": "x"}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	for range 20000 {
		rt := set.User // a fresh pointer each time, like a request's
		diffDocs(&rt, nil, next)
	}
	after := heap()
	if after > before && after-before > 2<<20 {
		t.Errorf("20,000 audit diffs left %d bytes on the heap; want no per-call cache", after-before)
	}
}
