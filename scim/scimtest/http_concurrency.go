package scimtest

// Concurrency over HTTP: racing writers must leave
// exactly what a serial execution would. Requests are released together by
// a start barrier so that they overlap on the server as much as the machine
// allows; concurrency stays moderate so that the suite remains fast on
// small machines.

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// An httpCall is one request of a concurrent batch.
type httpCall struct {
	method, path string
	body         any
	hdr          map[string]string
	delay        time.Duration // after the start, before sending
}

// concurrently sends every call on a goroutine of its own, all released at
// once, and returns the responses in the order of calls once all have
// answered. A transport error fails the test.
func (c *httpClient) concurrently(calls []httpCall) []*httpResp {
	c.t.Helper()
	type result struct {
		status int
		header http.Header
		raw    []byte
		err    error
	}
	results := make([]result, len(calls))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, call := range calls {
		wg.Go(func() {
			<-start
			time.Sleep(call.delay)
			var r result
			r.status, r.header, r.raw, r.err = c.send(call.method, call.path, call.body, call.hdr)
			results[i] = r
		})
	}
	close(start)
	wg.Wait()
	out := make([]*httpResp, len(calls))
	for i, r := range results {
		if r.err != nil {
			c.t.Fatalf("%s %s: %v", calls[i].method, calls[i].path, r.err)
		}
		out[i] = c.decode(calls[i].method, calls[i].path, calls[i].hdr, r.status, r.header, r.raw)
	}
	return out
}

// httpStatusCounts tallies the statuses of rs.
func httpStatusCounts(rs []*httpResp) map[int]int {
	n := map[int]int{}
	for _, r := range rs {
		n[r.Status]++
	}
	return n
}

// httpTestConcurrentCreate sends 100 POST /Users with one userName at once:
// exactly one is created, the 99 others get 409 uniqueness, and one user
// with that userName exists afterwards.
func httpTestConcurrentCreate(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	const n = 100
	userName := "race_" + httpRandom(8)
	calls := make([]httpCall, n)
	for i := range calls {
		calls[i] = httpCall{method: "POST", path: "/Users", body: map[string]any{
			"schemas": []string{httpURNUser}, "userName": userName, "externalId": fmt.Sprint(i),
		}}
	}
	rs := c.concurrently(calls)
	var created []string
	for _, r := range rs {
		switch r.Status {
		case http.StatusCreated:
			created = append(created, r.mustCreated("User"))
		case http.StatusConflict:
			r.wantError(http.StatusConflict, "uniqueness")
		default:
			t.Errorf("%s: want 201 or 409", r)
		}
	}
	if len(created) != 1 {
		t.Errorf("%d concurrent POST /Users with one userName: statuses %v, want exactly one 201 and %d × 409",
			n, httpStatusCounts(rs), n-1)
	}
	r := c.get("/Users" + httpFilter(`userName eq "`+userName+`"`))
	l := r.mustList(httpIndexList)
	if len(created) == 1 {
		l.wantIDs(t, r, created[0])
	} else if l.Total != 1 {
		t.Errorf("%s: %d users named %s, want 1", r, l.Total, userName)
	}
	r = c.get("/Users")
	if l := r.mustList(httpIndexList); l.Total != 1 {
		t.Errorf("%s: totalResults %d after the race, want 1", r, l.Total)
	}
}

// httpTestConcurrentMemberAdds sends 50 PATCHes at once, each adding a
// different member to one group: all 50 are members afterwards.
func httpTestConcurrentMemberAdds(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	const n = 50
	prefix := "member_" + httpRandom(6) + "_"
	users := make([]string, n)
	for i := range users {
		users[i] = c.createUser(fmt.Sprintf("%s%02d", prefix, i), nil)
	}
	g := c.createGroup("race_" + httpRandom(6))
	calls := make([]httpCall, n)
	for i, u := range users {
		calls[i] = httpCall{method: "PATCH", path: "/Groups/" + g, body: httpPatchOp(map[string]any{
			"op": "add", "path": "members", "value": []any{map[string]any{"value": u}},
		})}
	}
	for _, r := range c.concurrently(calls) {
		if r.Status != http.StatusOK {
			r.wantNoContent()
		}
	}
	c.wantMembers(fmt.Sprintf("after %d concurrent member additions", n), g, users...)
}

// httpTestConcurrentIfMatch sends 20 PATCHes of one user at once, all with
// the same If-Match: exactly one succeeds, the others get 412, and the user
// holds the winner's change and nothing of the losers'.
func httpTestConcurrentIfMatch(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	const n = 20
	id := c.createUser("ifmatch_"+httpRandom(8), map[string]any{"displayName": "initial", "nickName": "initial"})
	path := "/Users/" + id
	r0 := c.get(path).must(http.StatusOK)
	etag := r0.Header.Get("ETag")
	if etag == "" {
		t.Fatalf("%s: no ETag", r0)
	}
	calls := make([]httpCall, n)
	for i := range calls {
		v := fmt.Sprintf("writer%02d", i)
		calls[i] = httpCall{method: "PATCH", path: path, hdr: map[string]string{"If-Match": etag}, body: httpPatchOp(
			map[string]any{"op": "replace", "path": "displayName", "value": v},
			map[string]any{"op": "replace", "path": "nickName", "value": v},
		)}
	}
	rs := c.concurrently(calls)
	winner := -1
	for i, r := range rs {
		switch r.Status {
		case http.StatusOK, http.StatusNoContent:
			if winner >= 0 {
				t.Errorf("%s: a second PATCH with If-Match %s succeeded (writer%02d already did)", r, etag, winner)
			}
			winner = i
		case http.StatusPreconditionFailed:
			r.wantError(http.StatusPreconditionFailed)
		default:
			t.Errorf("%s: want 2xx or 412", r)
		}
	}
	if counts := httpStatusCounts(rs); counts[http.StatusOK]+counts[http.StatusNoContent] != 1 || counts[http.StatusPreconditionFailed] != n-1 {
		t.Errorf("%d concurrent PATCHes with If-Match %s: statuses %v, want exactly one 2xx and %d × 412",
			n, etag, httpStatusCounts(rs), n-1)
	}
	if winner < 0 {
		t.Fatalf("no PATCH with If-Match %s succeeded", etag)
	}
	r := c.get(path).must(http.StatusOK)
	want := fmt.Sprintf("writer%02d", winner)
	for _, attr := range []string{"displayName", "nickName"} {
		if got := r.Body[attr]; got != want {
			t.Errorf("%s: %s %v, want the winner's %q (lost or mixed update)", r, attr, got, want)
		}
	}
	if e := r.Header.Get("ETag"); e == etag {
		t.Errorf("%s: ETag %s unchanged after the winning PATCH", r, e)
	}
	// The tag the losers held stays stale.
	c.do("PATCH", path, httpPatchOp(map[string]any{"op": "replace", "path": "displayName", "value": "late"}),
		map[string]string{"If-Match": etag}).wantError(http.StatusPreconditionFailed)
	if got := c.mustGet("User", id)["displayName"]; got != want {
		t.Errorf("GET %s: displayName %v after a stale PATCH, want %q", path, got, want)
	}
}
