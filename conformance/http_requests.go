package conformance

// The request layer (issue 13, points 4, 5, 7 and 14): text that is not
// UTF-8 (RFC 8259 §8.1), If-Match and If-None-Match lists on every write
// (RFC 9110 §13.1.1, §13.1.2), HEAD wherever GET answers (RFC 9110
// §9.3.2), and the media types a body may have (RFC 7644 §3.1, §8.1).

import (
	"fmt"
	"net/http"
	"testing"
)

// httpTestPreconditions checks If-Match and If-None-Match on PUT, PATCH
// and DELETE: a list matches when any tag in it does (weak comparison, as
// SCIM's versions are weak), If-None-Match "*" or a list with the current
// tag fails with 412, and refused writes change nothing. Each part has
// its own resources, so that one failing does not hide another.
func httpTestPreconditions(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	// Tags that are not the current version: one that looks like a version
	// (listed first, so that taking the first tag of a list fails), one
	// that does not.
	stale := `W/"987654321"`
	other := `W/"other-` + httpRandom(6) + `"`
	hdr := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	patch := func(v string) map[string]any {
		return httpPatchOp(map[string]any{"op": "replace", "path": "displayName", "value": v})
	}
	put := func(v string) map[string]any {
		return map[string]any{"schemas": []string{httpURNUser}, "userName": "precond_" + v}
	}
	newUser := func() (string, func() string) {
		t.Helper()
		path := "/Users/" + c.createUser("precond_"+httpRandom(8), nil)
		return path, func() string {
			t.Helper()
			return c.get(path).must(http.StatusOK).Header.Get("ETag")
		}
	}

	// If-Match: a list matches when any of its tags is current.
	path, current := newUser()
	e1 := current()
	c.do("PATCH", path, patch("im"), hdr("If-Match", stale+", "+other)).wantError(http.StatusPreconditionFailed)
	c.do("PUT", path, put("im"), hdr("If-Match", stale)).wantError(http.StatusPreconditionFailed)
	c.do("DELETE", path, nil, hdr("If-Match", stale+", "+other)).wantError(http.StatusPreconditionFailed)
	if e := current(); e != e1 {
		t.Errorf("GET %s: the ETag moved from %s to %s: a refused write changed the user", path, e1, e)
	}
	c.do("PATCH", path, patch("v2"), hdr("If-Match", stale+", "+e1)).wantNoContent()
	e2 := current()
	if e2 == e1 {
		t.Errorf("GET %s: the ETag did not move after a PATCH", path)
	}
	c.do("PUT", path, put("v3"), hdr("If-Match", stale+","+other+","+e2)).want(http.StatusOK)
	e3 := current()
	c.do("DELETE", path, nil, hdr("If-Match", stale+", "+e3, "If-None-Match", other)).wantNoContent()
	c.wantGone(path)

	// If-None-Match on writes: "*", the current tag, or a list holding it
	// fails; a list of other tags lets the write through.
	path, current = newUser()
	e1 = current()
	for _, inm := range []string{"*", e1, stale + ", " + e1, other + "," + e1 + " , " + stale} {
		h := hdr("If-None-Match", inm)
		c.do("PATCH", path, patch("inm"), h).wantError(http.StatusPreconditionFailed)
		c.do("PUT", path, put("inm"), h).wantError(http.StatusPreconditionFailed)
		c.do("DELETE", path, nil, h).wantError(http.StatusPreconditionFailed)
	}
	// Both headers: If-Match holds, If-None-Match fails.
	c.do("PATCH", path, patch("both"), hdr("If-Match", e1, "If-None-Match", e1)).wantError(http.StatusPreconditionFailed)
	if e := current(); e != e1 {
		t.Fatalf("GET %s: the ETag moved from %s to %s: a refused write changed the user", path, e1, e)
	}
	c.do("PATCH", path, patch("v2"), hdr("If-None-Match", stale+", "+other)).wantNoContent()
	e2 = current()
	c.do("PUT", path, put("v3_"+httpRandom(4)), hdr("If-None-Match", e1, "If-Match", "*")).must(http.StatusOK)
	// GET: 304 when any listed tag is current.
	e3 = current()
	if r := c.do("GET", path, nil, hdr("If-None-Match", e2+", "+e3)); r.want(http.StatusNotModified) && len(r.Raw) > 0 {
		t.Errorf("%s: a 304 has no body", r)
	}
	c.do("DELETE", path, nil, hdr("If-None-Match", e1+", "+e2)).wantNoContent()
	c.wantGone(path)

	// Groups.
	gp := "/Groups/" + c.createGroup("precond_"+httpRandom(6))
	ge := c.get(gp).must(http.StatusOK).Header.Get("ETag")
	c.do("PATCH", gp, patch("x"), hdr("If-None-Match", "*")).wantError(http.StatusPreconditionFailed)
	c.do("DELETE", gp, nil, hdr("If-None-Match", ge)).wantError(http.StatusPreconditionFailed)
	c.do("DELETE", gp, nil, hdr("If-Match", stale+", "+ge)).wantNoContent()
	c.wantGone(gp)

	// A list is tested with the write, as one step: of concurrent PATCHes
	// that list the same current tag, exactly one succeeds.
	path, current = newUser()
	e := current()
	const n = 12
	calls := make([]httpCall, n)
	for i := range calls {
		calls[i] = httpCall{method: "PATCH", path: path, body: patch(fmt.Sprintf("writer%02d", i)),
			hdr: hdr("If-Match", stale+", "+e, "If-None-Match", other)}
	}
	rs := c.concurrently(calls)
	if counts := httpStatusCounts(rs); counts[http.StatusNoContent]+counts[http.StatusOK] != 1 || counts[http.StatusPreconditionFailed] != n-1 {
		t.Errorf("%d concurrent PATCHes with If-Match %q: statuses %v, want one 2xx and %d × 412", n, stale+", "+e, counts, n-1)
	}
}
