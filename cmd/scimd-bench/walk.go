package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// walkPage is the size of a W5 page.
const walkPage = 100

// A walkResult is one walk over all users, page by page, by one client.
type walkResult struct {
	pages    int             // pages read
	allPages int             // pages of the whole walk
	total    time.Duration   // time of the pages read
	lats     []time.Duration // in page order
	stats    stats
}

// capped tells whether the walk read only some of the pages.
func (w walkResult) capped() bool { return w.pages < w.allPages }

// estimate is the time of the whole walk: measured, or extrapolated from
// the pages read when the walk was capped.
func (w walkResult) estimate() time.Duration {
	if w.pages == 0 || !w.capped() {
		return w.total
	}
	return time.Duration(float64(w.total) * float64(w.allPages) / float64(w.pages))
}

// median of lats[from:to].
func (w walkResult) median(from, to int) time.Duration {
	from, to = max(0, from), min(len(w.lats), to)
	if from >= to {
		return 0
	}
	s := slices.Clone(w.lats[from:to])
	slices.Sort(s)
	return s[len(s)/2]
}

// firstPages and lastPages are the median latencies of the first and the
// last ten pages (of the first and the last half, when there are fewer
// than twenty).
func (w walkResult) firstPages() time.Duration { return w.median(0, min(10, (len(w.lats)+1)/2)) }
func (w walkResult) lastPages() time.Duration {
	return w.median(max(len(w.lats)-10, len(w.lats)/2), len(w.lats))
}

// listPage is the part of a list response a walk reads.
type listPage struct {
	TotalResults int               `json:"totalResults"`
	Resources    []json.RawMessage `json:"Resources"`
	NextCursor   string            `json:"nextCursor"`
}

// A walkLimit bounds a walk: at most pages pages, and about budget of time
// (zero: no bound). A bounded walk reads the first pages and, with
// startIndex, as many of the last pages (the first of them jumps there by
// OFFSET; the ones after it continue from it), and its time is
// extrapolated.
type walkLimit struct {
	pages  int
	budget time.Duration
}

// walk reads every user page by page, as Okta's import does with
// startIndex or as RFC 9865 clients do with cursors, and checks that it saw
// want users. Errors end the walk.
func walk(ctx context.Context, c *client, cursor bool, want int, limit walkLimit) walkResult {
	w := &worker{c: c}
	res := walkResult{allPages: (want + walkPage - 1) / walkPage}
	st := &res.stats
	fail := func(err error) {
		st.errors++
		if st.firstErr == nil {
			st.firstErr = err
		}
	}
	seen, next, done := 0, "", false
	// read reads page k (0-based; with cursors, the next one) and reports
	// whether the walk may go on.
	read := func(k int) bool {
		path := fmt.Sprintf("/Users?startIndex=%d&count=%d", 1+k*walkPage, walkPage)
		if cursor {
			path = fmt.Sprintf("/Users?count=%d&cursor=%s", walkPage, url.QueryEscape(next))
		}
		lat, err := w.do(ctx, http.MethodGet, path, nil, http.StatusOK)
		st.ops++
		if err != nil {
			fail(err)
			return false
		}
		var p listPage
		if err := json.Unmarshal(w.buf.Bytes(), &p); err != nil {
			fail(fmt.Errorf("GET %s: %w", path, err))
			return false
		}
		res.lats = append(res.lats, lat)
		res.pages++
		seen += len(p.Resources)
		if cursor {
			next = p.NextCursor
			done = next == ""
		} else {
			done = (k+1)*walkPage >= p.TotalResults || len(p.Resources) == 0
		}
		return !done && ctx.Err() == nil
	}

	head, budget := res.allPages, limit.budget
	if !cursor {
		budget /= 2 // the other half is for the last pages
	}
	if limit.pages > 0 {
		head = min(head, limit.pages)
		if !cursor {
			head = min(head, (limit.pages+1)/2)
		}
	}
	start := time.Now()
	for k := 0; k < head && (budget <= 0 || k == 0 || time.Since(start) < budget); k++ {
		if !read(k) {
			break
		}
	}
	if !cursor && !done && st.errors == 0 && ctx.Err() == nil {
		// As many pages as the head, or the rest: then the first of them
		// continues from the head, and the walk is whole.
		tail := min(res.pages, res.allPages-res.pages)
		if limit.pages > 0 {
			tail = min(tail, limit.pages-res.pages)
		}
		for k := res.allPages - tail; k < res.allPages; k++ {
			if !read(k) {
				break
			}
		}
	}
	res.total = time.Since(start)
	st.elapsed, st.sent = res.total, w.sent
	st.latencies = slices.Sorted(slices.Values(res.lats))
	if !res.capped() && seen != want && st.errors == 0 {
		fail(fmt.Errorf("the walk saw %d users, want %d", seen, want))
	}
	return res
}
