package scimtest

// "ServiceProviderConfig tells the truth": read what the server advertises
// (RFC 7643 §5, with RFC 9865's pagination object) and exercise every
// feature it claims; check that every feature it disclaims is refused.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// httpSPC is the part of /ServiceProviderConfig the suite checks.
type httpSPC struct {
	patch, bulk, filter, changePassword, sort, etag bool
	bulkMaxOperations, bulkMaxPayloadSize           int
	filterMaxResults                                int
	pagination                                      map[string]any // nil when not advertised
}

// readSPC reads /ServiceProviderConfig and checks its required members
// and their types.
func (c *httpClient) readSPC() httpSPC {
	c.t.Helper()
	r := c.get("/ServiceProviderConfig").must(http.StatusOK)
	if r.Body == nil {
		c.t.Fatalf("%s: want an object", r)
	}
	var s httpSPC
	supported := func(name string) bool {
		c.t.Helper()
		v := httpAt(r.Body, name, "supported")
		b, ok := v.(bool)
		if !ok {
			c.t.Errorf("%s: %s.supported is %T %v, want a boolean (RFC 7643 §5)", r, name, v, v)
		}
		return b
	}
	integer := func(path ...any) int {
		c.t.Helper()
		v := httpAt(r.Body, path...)
		n, ok := httpInt(v)
		if !ok || n < 0 {
			c.t.Errorf("%s: %v is %T %v, want a non-negative integer", r, path, v, v)
		}
		return n
	}
	s.patch = supported("patch")
	s.bulk = supported("bulk")
	s.filter = supported("filter")
	s.changePassword = supported("changePassword")
	s.sort = supported("sort")
	s.etag = supported("etag")
	s.bulkMaxOperations = integer("bulk", "maxOperations")
	s.bulkMaxPayloadSize = integer("bulk", "maxPayloadSize")
	s.filterMaxResults = integer("filter", "maxResults")
	if s.filter && s.filterMaxResults < 1 {
		c.t.Errorf("%s: filter is supported with maxResults %d", r, s.filterMaxResults)
	}
	// The suite authenticates with a bearer token: the config must say so.
	schemes, _ := r.Body["authenticationSchemes"].([]any)
	bearer := false
	for _, e := range schemes {
		m, _ := e.(map[string]any)
		for _, k := range []string{"type", "name", "description"} {
			if s, _ := m[k].(string); s == "" {
				c.t.Errorf("%s: authenticationSchemes entry %v lacks %s", r, e, k)
			}
		}
		if m["type"] == "oauthbearertoken" {
			bearer = true
		}
	}
	if !bearer {
		c.t.Errorf("%s: authenticationSchemes does not list oauthbearertoken, yet bearer tokens work", r)
	}
	if p, ok := r.Body["pagination"]; ok {
		s.pagination, _ = p.(map[string]any)
		if s.pagination == nil {
			c.t.Errorf("%s: pagination is %T, want an object (RFC 9865 §5)", r, p)
		}
	}
	return s
}

// refused checks that an unsupported feature answers a SCIM error: 501, or
// a 4xx that says the request cannot be served.
func (r *httpResp) refused(feature string) {
	r.t.Helper()
	if r.Status != http.StatusNotImplemented && (r.Status < 400 || r.Status > 499) {
		r.t.Errorf("%s: %s is advertised as unsupported but the request was served", r, feature)
		return
	}
	r.checkErrorBody(true, r.Status)
}

func httpTestServiceProviderConfigTruth(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	spc := c.readSPC()
	id := c.createUser("spc_"+httpRandom(8), map[string]any{"displayName": "Before"})

	t.Run("patch", func(t *testing.T) {
		c := httpNewClient(t, tg)
		r := c.patch("/Users/"+id, httpPatchOp(map[string]any{"op": "replace", "path": "displayName", "value": "Patched"}))
		if !spc.patch {
			r.refused("patch")
			return
		}
		r.wantNoContent()
		if d := c.mustGet("User", id); d["displayName"] != "Patched" {
			t.Errorf("patch.supported is true but PATCH did not apply: displayName %v", d["displayName"])
		}
	})

	t.Run("filter", func(t *testing.T) {
		c := httpNewClient(t, tg)
		userName, _ := c.mustGet("User", id)["userName"].(string)
		r := c.get("/Users" + httpFilter(`userName eq "`+userName+`"`))
		if !spc.filter {
			r.refused("filter")
			return
		}
		r.mustList(httpIndexList).wantIDs(t, r, id)
		httpCheckMaxResults(t, c, spc.filterMaxResults)
	})

	t.Run("sort", func(t *testing.T) {
		c := httpNewClient(t, tg)
		for _, n := range []string{"spc_c", "spc_A", "spc_b"} {
			c.createUser(n+httpRandom(4), nil)
		}
		r := c.get("/Users" + httpFilter(`userName sw "spc_"`, "sortBy", "userName", "sortOrder", "descending"))
		if !spc.sort {
			// RFC 7644 §3.4.2.3 defines no refusal: either an error or an unsorted answer is honest.
			if r.Status != http.StatusOK {
				r.refused("sort")
			}
			return
		}
		var names []string
		for _, doc := range r.mustList(httpIndexList).Resources {
			s, _ := doc["userName"].(string)
			names = append(names, strings.ToLower(s))
		}
		for i := 1; i < len(names); i++ {
			if names[i-1] < names[i] {
				t.Errorf("%s: sort.supported is true but userNames %v are not in descending order", r, names)
				break
			}
		}
	})

	t.Run("etag", func(t *testing.T) {
		c := httpNewClient(t, tg)
		r := c.get("/Users/" + id).must(http.StatusOK)
		e := r.Header.Get("ETag")
		if !spc.etag {
			if e != "" || httpAt(r.Body, "meta", "version") != nil {
				t.Errorf("%s: etag.supported is false but the server sends ETag %q / meta.version %v", r, e, httpAt(r.Body, "meta", "version"))
			}
			return
		}
		if e == "" || httpAt(r.Body, "meta", "version") != e {
			t.Fatalf("%s: etag.supported is true: want an ETag header equal to meta.version", r)
		}
		c.do("GET", "/Users/"+id, nil, map[string]string{"If-None-Match": e}).want(http.StatusNotModified)
		c.do("PATCH", "/Users/"+id, httpPatchOp(map[string]any{"op": "replace", "path": "title", "value": "x"}),
			map[string]string{"If-Match": `W/"not-` + httpRandom(6) + `"`}).wantError(http.StatusPreconditionFailed)
	})

	t.Run("changePassword", func(t *testing.T) {
		c := httpNewClient(t, tg)
		r := c.patch("/Users/"+id, httpPatchOp(map[string]any{"op": "replace", "path": "password", "value": "N3w-passw0rd!" + httpRandom(6)}))
		if !spc.changePassword {
			r.refused("changePassword")
			return
		}
		r.wantNoContent()
		if g := c.get("/Users/" + id); strings.Contains(string(g.Raw), "N3w-passw0rd!") {
			t.Errorf("%s: the new password is returned", g)
		}
	})

	t.Run("bulk", func(t *testing.T) {
		c := httpNewClient(t, tg)
		userName := "bulk_" + httpRandom(8)
		r := c.post("/Bulk", map[string]any{
			"schemas": []string{httpURNBulkRequest},
			"Operations": []any{
				map[string]any{"method": "POST", "path": "/Users", "bulkId": "u1",
					"data": map[string]any{"schemas": []string{httpURNUser}, "userName": userName}},
				map[string]any{"method": "POST", "path": "/Groups", "bulkId": "g1",
					"data": map[string]any{"schemas": []string{httpURNGroup}, "displayName": "bulk group",
						"members": []any{map[string]any{"type": "User", "value": "bulkId:u1"}}}},
			},
		})
		if !spc.bulk {
			if r.Status != http.StatusNotFound && r.Status != http.StatusNotImplemented {
				t.Errorf("%s: bulk.supported is false: want 404 or 501", r)
			}
			r.checkErrorBody(true, r.Status)
			return
		}
		httpCheckBulk(t, c, r, spc, userName)
	})

	t.Run("pagination", func(t *testing.T) {
		if spc.pagination == nil {
			t.Skip("no RFC 9865 pagination object advertised")
		}
		httpCheckPaginationClaims(t, httpNewClient(t, tg), spc.pagination)
	})
}

// httpCheckMaxResults checks filter.maxResults: no response holds more.
// It needs maxResults+1 users, so it runs only when that is at most 1,001
// and not in short mode.
func httpCheckMaxResults(t *testing.T, c *httpClient, maxResults int) {
	t.Helper()
	if maxResults > 1000 {
		t.Logf("filter.maxResults %d: too many users to create; checking only that count=%d is served", maxResults, maxResults+1)
		c.get("/Users" + httpQuery("count", strconv.Itoa(maxResults+1))).mustList(httpIndexList)
		return
	}
	if testing.Short() {
		t.Logf("short mode: not creating %d users to check filter.maxResults", maxResults+1)
		return
	}
	httpCreateUsers(t, c, "max_", maxResults+1)
	for _, q := range []string{
		httpQuery("count", strconv.Itoa(maxResults+1)),
		httpFilter(`userName sw "max_"`, "count", strconv.Itoa(maxResults+1)),
	} {
		r := c.get("/Users" + q)
		if r.Status == http.StatusBadRequest {
			// RFC 7644 §3.4.2.4 says to return at most maxResults; a tooMany refusal is tolerated.
			r.wantError(http.StatusBadRequest, "tooMany", "invalidCount", "invalidValue")
			continue
		}
		if l := r.mustList(httpIndexList); len(l.Resources) > maxResults {
			t.Errorf("%s: %d resources, more than filter.maxResults %d", r, len(l.Resources), maxResults)
		}
	}
}

// httpCreateUsers creates n users named prefix+i with 8 concurrent writers.
func httpCreateUsers(t *testing.T, c *httpClient, prefix string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	errs := make([]string, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range next {
				body := map[string]any{"schemas": []string{httpURNUser}, "userName": fmt.Sprintf("%s%05d", prefix, i)}
				// Off the test goroutine: no t.Fatal, so collect failures.
				status, id, excerpt := c.rawCreate(body)
				if status != http.StatusCreated || id == "" {
					errs[i] = fmt.Sprintf("POST /Users %s → %d %s", body["userName"], status, excerpt)
				}
				ids[i] = id
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, e := range errs {
		if e != "" {
			t.Fatal(e)
		}
	}
	return ids
}

// rawCreate posts a user without touching t (for use off the test goroutine).
func (c *httpClient) rawCreate(body map[string]any) (status int, id, excerpt string) {
	status, _, raw, err := c.send("POST", "/Users", body, nil)
	if err != nil {
		return 0, "", err.Error()
	}
	var doc struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &doc)
	return status, doc.ID, httpExcerpt(raw)
}

// httpCheckBulk exercises bulk.supported=true (RFC 7644 §3.7): bulkId
// references, per-operation statuses, and maxOperations.
func httpCheckBulk(t *testing.T, c *httpClient, r *httpResp, spc httpSPC, userName string) {
	t.Helper()
	r.must(http.StatusOK)
	if !httpHasString(r.Body["schemas"], httpURNBulkResp) {
		t.Errorf("%s: schemas lacks %s", r, httpURNBulkResp)
	}
	ops, _ := r.Body["Operations"].([]any)
	if len(ops) != 2 {
		t.Fatalf("%s: want 2 operation results", r)
	}
	var userID, groupID string
	for _, op := range ops {
		st, _ := httpAt(op, "status").(string)
		loc, _ := httpAt(op, "location").(string)
		if st != "201" || loc == "" {
			t.Errorf("%s: operation %v: want status \"201\" and a location", r, op)
		}
		id := loc[strings.LastIndex(loc, "/")+1:]
		switch httpAt(op, "bulkId") {
		case "u1":
			userID = id
		case "g1":
			groupID = id
		}
	}
	if userID == "" || groupID == "" {
		t.Fatalf("%s: want results for bulkIds u1 and g1", r)
	}
	if d := c.mustGet("User", userID); d["userName"] != userName {
		t.Errorf("bulk-created user %s: userName %v, want %s", userID, d["userName"], userName)
	}
	c.wantMembers("bulk group with member bulkId:u1", groupID, userID)
	if n := spc.bulkMaxPayloadSize; n > 0 && n <= 4<<20 {
		big := map[string]any{"schemas": []string{httpURNBulkRequest}, "Operations": []any{
			map[string]any{"method": "POST", "path": "/Users", "bulkId": "big",
				"data": map[string]any{"schemas": []string{httpURNUser}, "userName": "big_" + httpRandom(6), "displayName": strings.Repeat("a", n)}},
		}}
		c.post("/Bulk", big).wantError(http.StatusRequestEntityTooLarge)
	}
	if n := spc.bulkMaxOperations; n > 0 && n <= 1000 {
		var many []any
		for i := range n + 1 {
			many = append(many, map[string]any{"method": "DELETE", "path": "/Users/" + httpGUID(), "bulkId": strconv.Itoa(i)})
		}
		c.post("/Bulk", map[string]any{"schemas": []string{httpURNBulkRequest}, "Operations": many}).
			wantError(http.StatusRequestEntityTooLarge)
	}
}

// httpCheckPaginationClaims exercises RFC 9865 §5's pagination object.
func httpCheckPaginationClaims(t *testing.T, c *httpClient, p map[string]any) {
	t.Helper()
	cursor, _ := p["cursor"].(bool)
	index, _ := p["index"].(bool)
	for _, k := range []string{"cursor", "index"} {
		if _, ok := p[k].(bool); !ok {
			t.Errorf("pagination.%s is %T %v, want a boolean", k, p[k], p[k])
		}
	}
	if m, ok := p["defaultPaginationMethod"]; ok {
		switch {
		case m == "cursor" && !cursor, m == "index" && !index:
			t.Errorf("pagination.defaultPaginationMethod %v names an unsupported method", m)
		case m != "cursor" && m != "index":
			t.Errorf("pagination.defaultPaginationMethod %v, want cursor or index", m)
		}
	}
	httpCreateUsers(t, c, "pg_", 5)
	filter := `userName sw "pg_"`

	r := c.get("/Users" + httpFilter(filter, "count", "2", "cursor", ""))
	if cursor {
		seen := httpWalkCursor(t, 2, func(cur string) *httpResp {
			return c.get("/Users" + httpFilter(filter, "count", "2", "cursor", cur))
		}, nil)
		if len(seen) != 5 || len(httpSorted(seen)) != 5 {
			t.Errorf("pagination.cursor is true but a cursor walk returned %v, want 5 users", seen)
		}
	} else if r.Status == http.StatusOK {
		if l := r.mustList(httpIndexList); l.HasNextCursor {
			t.Errorf("%s: pagination.cursor is false but the server returns nextCursor", r)
		}
	} else {
		r.refused("cursor pagination")
	}

	r = c.get("/Users" + httpFilter(filter, "startIndex", "3", "count", "2"))
	if index {
		if l := r.mustList(httpIndexList); l.StartIndex != 3 || len(l.Resources) != 2 || l.Total != 5 {
			t.Errorf("%s: pagination.index is true: want startIndex 3, 2 resources, totalResults 5", r)
		}
	} else if r.Status != http.StatusOK {
		r.refused("index pagination")
	}

	if n, ok := httpInt(p["defaultPageSize"]); ok && n > 0 && n < 5 {
		r := c.get("/Users" + httpFilter(filter))
		if l := r.mustList(httpCursorList); len(l.Resources) > n {
			t.Errorf("%s: %d resources without count, more than pagination.defaultPageSize %d", r, len(l.Resources), n)
		}
	}
	if n, ok := httpInt(p["maxPageSize"]); ok && n > 0 {
		r := c.get("/Users" + httpFilter(filter, "count", strconv.Itoa(n+1)))
		if r.Status == http.StatusBadRequest {
			r.wantError(http.StatusBadRequest, "invalidCount", "tooMany")
		} else if l := r.mustList(httpIndexList); len(l.Resources) > n {
			t.Errorf("%s: more than pagination.maxPageSize %d resources", r, n)
		}
	} else if _, present := p["maxPageSize"]; present {
		t.Errorf("pagination.maxPageSize is %v, want a positive integer", p["maxPageSize"])
	}
}
