package scimtest

// Queries (RFC 7644 §3.4): filters in Entra's and the RFC's forms, invalid
// filters, attribute projection, sorting, index and RFC 9865 cursor
// pagination, and POST /.search.

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// httpFilterFixture is a small directory that the filter cases run against.
type httpFilterFixture struct {
	jane, kim, max, omalley string // user ids
	sales, empty            string // group ids
}

func (c *httpClient) seedFilterFixture() httpFilterFixture {
	c.t.Helper()
	user := func(userName, ext, family string, active bool, emails []any, extra map[string]any) string {
		doc := map[string]any{
			"schemas":    []string{httpURNUser, httpURNEnterprise},
			"externalId": ext,
			"name":       map[string]any{"familyName": family, "givenName": strings.Split(userName, ".")[0]},
			"emails":     emails,
			"active":     active,
		}
		for k, v := range extra {
			doc[k] = v
		}
		return c.createUser(userName, doc)
	}
	email := func(typ, value string) map[string]any { return map[string]any{"type": typ, "value": value} }
	var f httpFilterFixture
	f.jane = user("Jane.Young", "jyoung", "Employee", true,
		[]any{email("work", "jane@example.com"), email("home", "jane@home.example.org")},
		map[string]any{"title": "Engineer", httpURNEnterprise: map[string]any{"employeeNumber": "1001", "department": "Sales"}})
	f.kim = user("Kim.Lee", "klee", "Employee", false, []any{email("work", "kim@example.org")},
		map[string]any{httpURNEnterprise: map[string]any{"department": "R&D"}})
	f.max = user("Max.Power", "mpower", "Manager", true, []any{email("work", "max@example.net")}, nil)
	f.omalley = user("OMalley", "omalley", "Employee", true, []any{email("work", "omalley@other.test")}, nil)
	f.sales = c.createGroup("Sales Team", f.jane, f.kim)
	f.empty = c.createGroup("Empty Group")
	return f
}

// httpTestFilters checks filters as Entra and Okta send them (E3–E5, O1,
// the Microsoft collection's bare words) and the RFC 7644 §3.4.2.2 operators.
func httpTestFilters(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	f := c.seedFilterFixture()
	all := []string{f.jane, f.kim, f.max, f.omalley}
	users := []struct {
		filter string
		want   []string
	}{
		{`userName eq "Jane.Young"`, []string{f.jane}},
		{`userName eq "jane.young"`, []string{f.jane}}, // caseExact=false
		{`userName EQ "Kim.Lee"`, []string{f.kim}},     // operators are case-insensitive
		{`externalId eq "jyoung"`, []string{f.jane}},
		{`externalId eq jyoung`, []string{f.jane}},                             // Entra's docs: a bare word
		{`externalId eq "JYOUNG"`, nil},                                        // externalId is caseExact
		{`emails[type eq "work"].value eq "kim@example.org"`, []string{f.kim}}, // E5
		{`emails[type eq "work" and value co "example"]`, []string{f.jane, f.kim, f.max}},
		{`emails[value ew "example.net"]`, []string{f.max}},
		{`emails.value eq "jane@home.example.org"`, []string{f.jane}},
		{`emails eq "kim@example.org"`, []string{f.kim}}, // a multi-valued attribute compares its values
		{`name.familyName eq Employee and (emails.value co example.com or emails.value co example.org)`, []string{f.jane, f.kim}},
		{`userName sw "ma"`, []string{f.max}},
		{`userName sw O`, []string{f.omalley}},
		{`userName ew ".lee"`, []string{f.kim}},
		{`userName co "power"`, []string{f.max}},
		{`userName ne "Jane.Young"`, []string{f.kim, f.max, f.omalley}},
		{`title pr`, []string{f.jane}},
		{`not (title pr)`, []string{f.kim, f.max, f.omalley}},
		{`active eq false`, []string{f.kim}},
		{`active eq true`, []string{f.jane, f.max, f.omalley}},
		{`(userName eq "Kim.Lee" or userName eq "Max.Power") and active eq true`, []string{f.max}},
		{httpURNEnterprise + `:department eq "Sales"`, []string{f.jane}},
		{httpURNEnterprise + `:employeeNumber eq "1001"`, []string{f.jane}},
		{`id eq "` + f.kim + `"`, []string{f.kim}},
		{`meta.created gt 2015-10-10T14:38:21.8617979-07:00`, all}, // the Microsoft collection
		{`meta.lastModified ge "2015-01-01T00:00:00Z"`, all},
		{`meta.created lt "2015-01-01T00:00:00Z"`, nil},
		{`userName eq "nobody"`, nil},
	}
	for _, tc := range users {
		r := c.get("/Users" + httpFilter(tc.filter))
		if l, ok := r.wantList(httpIndexList); ok {
			l.wantIDs(t, r, tc.want...)
		}
	}
	// The same through POST /Users/.search, for a sample.
	for _, tc := range users[:6] {
		r := c.post("/Users/.search", map[string]any{"schemas": []string{httpURNSearch}, "filter": tc.filter})
		if l, ok := r.wantList(httpIndexList); ok {
			l.wantIDs(t, r, tc.want...)
		}
	}
	groups := []struct {
		filter string
		want   []string
	}{
		{`displayName eq "Sales Team"`, []string{f.sales}},
		{`displayName eq "sales team"`, []string{f.sales}}, // Group.displayName is caseExact=false
		{`displayName sw "empty"`, []string{f.empty}},
		{`members.value eq "` + f.kim + `"`, []string{f.sales}},
		{`members[value eq "` + f.max + `"]`, nil},
		{`members pr`, []string{f.sales}},
	}
	for _, tc := range groups {
		r := c.get("/Groups" + httpFilter(tc.filter, "excludedAttributes", "members"))
		if l, ok := r.wantList(httpIndexList); ok {
			l.wantIDs(t, r, tc.want...)
		}
	}
}

// httpTestInvalidFilters checks 400 invalidFilter, with a detail, for
// filters that do not parse and for unknown attributes, on GET and POST
// .search.
func httpTestInvalidFilters(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	c.createUser("someone_"+httpRandom(6), nil)
	for _, f := range []string{
		`userName eq`,
		`userName eq "x" and`,
		`(userName eq "x"`,
		`userName eq "x")`,
		`userName zz "x"`,
		`userName eq "unterminated`,
		`emails[type eq "work"`,
		`and`,
		`pr`,
		`userName eq "x" or or userName eq "y"`,
		`noSuchAttribute eq "x"`,
		`name.noSuchSubAttribute eq "x"`,
		`urn:ietf:params:scim:schemas:extension:unknown:2.0:User:foo eq "x"`,
	} {
		c.get("/Users"+httpFilter(f)).wantError(http.StatusBadRequest, "invalidFilter")
		c.post("/Users/.search", map[string]any{"schemas": []string{httpURNSearch}, "filter": f}).
			wantError(http.StatusBadRequest, "invalidFilter")
	}
	c.get("/Groups"+httpFilter(`displayName eq`)).wantError(http.StatusBadRequest, "invalidFilter")
	c.get("/Groups"+httpFilter(`userName eq "x"`)).wantError(http.StatusBadRequest, "invalidFilter") // not a Group attribute
}

// keysOnly checks that a resource has only the given keys (plus id and
// schemas, which are "returned: always") and has each of want.
func httpKeysOnly(t *testing.T, what string, doc map[string]any, allowed []string, want ...string) {
	t.Helper()
	for k := range doc {
		if k != "id" && k != "schemas" && !slices.Contains(allowed, k) {
			t.Errorf("%s: unexpected attribute %q (want only %v plus id and schemas)", what, k, allowed)
		}
	}
	for _, k := range append([]string{"id", "schemas"}, want...) {
		if _, ok := doc[k]; !ok {
			t.Errorf("%s: attribute %q missing", what, k)
		}
	}
}

// httpTestAttributeProjection checks the attributes and excludedAttributes
// parameters (RFC 7644 §3.9), the Microsoft collection's
// attributes=userName,emails, and excludedAttributes=members on groups.
func httpTestAttributeProjection(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	f := c.seedFilterFixture()
	one := func(path string) map[string]any {
		t.Helper()
		return c.get(path).must(http.StatusOK).Body
	}
	each := func(path string, check func(what string, doc map[string]any)) {
		t.Helper()
		r := c.get(path)
		l := r.mustList(httpIndexList)
		if len(l.Resources) == 0 {
			t.Errorf("%s: no resources", r)
		}
		for _, doc := range l.Resources {
			check(r.String(), doc)
		}
	}

	userNameEmails := func(what string, doc map[string]any) {
		t.Helper()
		httpKeysOnly(t, what, doc, []string{"userName", "emails"}, "userName", "emails")
	}
	each("/Users?attributes=userName,emails", userNameEmails)
	userNameEmails("GET /Users/{id}?attributes=userName,emails", one("/Users/"+f.jane+"?attributes=userName,emails"))
	r := c.post("/Users/.search", map[string]any{"schemas": []string{httpURNSearch}, "attributes": []string{"userName", "emails"}})
	for _, doc := range r.mustList(httpIndexList).Resources {
		userNameEmails(r.String(), doc)
	}

	// A sub-attribute, an extension attribute.
	doc := one("/Users/" + f.jane + "?attributes=name.givenName")
	httpKeysOnly(t, "attributes=name.givenName", doc, []string{"name"}, "name")
	if n, _ := doc["name"].(map[string]any); len(n) != 1 || n["givenName"] != "Jane" {
		t.Errorf("attributes=name.givenName: name %v, want only givenName Jane", doc["name"])
	}
	doc = one("/Users/" + f.jane + "?attributes=" + httpURNEnterprise + ":department")
	httpKeysOnly(t, "attributes=…:department", doc, []string{httpURNEnterprise}, httpURNEnterprise)
	if e, _ := doc[httpURNEnterprise].(map[string]any); len(e) != 1 || e["department"] != "Sales" {
		t.Errorf("attributes=…:department: extension %v, want only department Sales", doc[httpURNEnterprise])
	}

	// excludedAttributes; id and schemas cannot be excluded.
	doc = one("/Users/" + f.jane + "?excludedAttributes=emails,name")
	if _, ok := doc["emails"]; ok || doc["name"] != nil || doc["userName"] != "Jane.Young" {
		t.Errorf("excludedAttributes=emails,name: got %v", doc)
	}
	doc = one("/Users/" + f.jane + "?excludedAttributes=id,schemas,userName")
	if doc["id"] != f.jane {
		t.Errorf("GET /Users/{id}?excludedAttributes=id,schemas,userName: id %v; id is returned always (RFC 7643 §3.1)", doc["id"])
	}
	if !httpHasString(doc["schemas"], httpURNUser) {
		t.Errorf("GET /Users/{id}?excludedAttributes=id,schemas,userName: schemas %v; every resource carries its schemas (RFC 7643 §3)", doc["schemas"])
	}
	if _, ok := doc["userName"]; ok {
		t.Errorf("GET /Users/{id}?excludedAttributes=id,schemas,userName: userName still present")
	}

	// A filter inside attributes (the Microsoft collection): the whole attribute passes.
	r = c.get("/Users" + httpQuery("attributes", `emails[type eq "work"]`)).must(http.StatusOK)
	if !strings.Contains(string(r.Raw), "jane@example.com") {
		t.Errorf("%s: the work email is missing", r)
	}

	// Groups: excludedAttributes=members (idp-requests §1 item 13) and attributes.
	for _, p := range []string{"/Groups?excludedAttributes=members", "/Groups" + httpFilter(`displayName eq "Sales Team"`, "excludedAttributes", "members")} {
		each(p, func(what string, doc map[string]any) {
			if _, ok := doc["members"]; ok || doc["displayName"] == nil {
				t.Errorf("%s: want displayName and no members, got %v", what, doc)
			}
		})
	}
	doc = one("/Groups/" + f.sales + "?excludedAttributes=members")
	if _, ok := doc["members"]; ok || doc["displayName"] != "Sales Team" {
		t.Errorf("GET /Groups/{id}?excludedAttributes=members: got %v", doc)
	}
	doc = one("/Groups/" + f.sales + "?attributes=displayName")
	httpKeysOnly(t, "GET /Groups/{id}?attributes=displayName", doc, []string{"displayName"}, "displayName")
	doc = one("/Groups/" + f.sales + "?attributes=members")
	httpKeysOnly(t, "GET /Groups/{id}?attributes=members", doc, []string{"members"}, "members")
	if got := httpMemberIDs(doc); !slices.Equal(got, httpSorted([]string{f.jane, f.kim})) {
		t.Errorf("GET /Groups/{id}?attributes=members: members %v", got)
	}
}

// httpTestSorting checks sortBy and sortOrder (RFC 7644 §3.4.2.3): userName
// sorts case-insensitively (caseExact=false), ascending by default, and
// sorting composes with paging.
func httpTestSorting(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	fixture := []struct{ userName, family string }{
		{"delta", "Whiskey"}, {"Alpha", "Zulu"}, {"charlie", "Victor"}, {"Bravo", "Xray"}, {"echo", "Yankee"},
	}
	ids := map[string]string{}
	for _, u := range fixture {
		ids[u.userName] = c.createUser(u.userName, map[string]any{"name": map[string]any{"familyName": u.family}})
	}
	order := func(names ...string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = ids[n]
		}
		return out
	}
	byUserName := order("Alpha", "Bravo", "charlie", "delta", "echo")
	byFamily := order("charlie", "delta", "Bravo", "echo", "Alpha")
	reversed := func(s []string) []string { s = slices.Clone(s); slices.Reverse(s); return s }
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"?sortBy=userName", byUserName},
		{"?sortBy=userName&sortOrder=ascending", byUserName},
		{"?sortBy=userName&sortOrder=descending", reversed(byUserName)},
		{"?sortBy=USERNAME", byUserName},
		{"?sortBy=name.familyName", byFamily},
		{"?sortBy=name.familyName&sortOrder=descending", reversed(byFamily)},
		{"?sortBy=userName&startIndex=2&count=2", byUserName[1:3]},
		{"?sortBy=userName&sortOrder=descending&startIndex=4&count=5", reversed(byUserName)[3:]},
		{httpFilter(`userName sw "c" or userName sw "a"`, "sortBy", "userName"), order("Alpha", "charlie")},
	} {
		r := c.get("/Users" + tc.query)
		if l, ok := r.wantList(httpIndexList); ok && !slices.Equal(l.ids(), tc.want) {
			t.Errorf("%s: order %v, want %v", r, l.ids(), tc.want)
		}
	}
	r := c.post("/Users/.search", map[string]any{"schemas": []string{httpURNSearch}, "sortBy": "userName", "sortOrder": "descending"})
	if got := r.mustList(httpIndexList).ids(); !slices.Equal(got, reversed(byUserName)) {
		t.Errorf("%s: order %v, want %v", r, got, reversed(byUserName))
	}
	g1, g2, g3 := c.createGroup("beta"), c.createGroup("Gamma"), c.createGroup("alpha")
	r = c.get("/Groups?sortBy=displayName&excludedAttributes=members")
	if got := r.mustList(httpIndexList).ids(); !slices.Equal(got, []string{g3, g1, g2}) {
		t.Errorf("%s: order %v, want alpha, beta, Gamma", r, got)
	}
}

// httpTestIndexPagination checks startIndex and count (RFC 7644 §3.4.2.4):
// startIndex echoed, itemsPerPage the number returned, a stable order,
// count=0, out-of-range values.
func httpTestIndexPagination(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	const n = 7
	var all []string
	for i := range n {
		all = append(all, c.createUser("page"+strconv.Itoa(i)+"_"+httpRandom(4), nil))
	}
	page := func(query string) (*httpResp, httpList) {
		t.Helper()
		r := c.get("/Users" + query)
		return r, r.mustList(httpIndexList)
	}

	var seen []string
	for _, start := range []int{1, 4, 7} {
		r, l := page(httpQuery("startIndex", strconv.Itoa(start), "count", "3"))
		if l.StartIndex != start || l.Total != n || len(l.Resources) != min(3, n-start+1) {
			t.Errorf("%s: startIndex %d totalResults %d with %d resources; want %d, %d, %d", r, l.StartIndex, l.Total, len(l.Resources), start, n, min(3, n-start+1))
		}
		seen = append(seen, l.ids()...)
	}
	if got := httpSorted(seen); !slices.Equal(got, httpSorted(all)) {
		t.Errorf("pages of 3: got %v, want every user exactly once: %v", got, httpSorted(all))
	}
	// The order is stable: the same page twice, and pages agree with the whole list.
	_, whole := page("?count=100")
	_, p1 := page("?startIndex=1&count=3")
	_, p1again := page("?startIndex=1&count=3")
	_, p2 := page("?startIndex=4&count=3")
	if len(whole.Resources) < 6 {
		t.Fatalf("GET /Users?count=100: %d resources, want %d", len(whole.Resources), n)
	}
	if !slices.Equal(p1.ids(), p1again.ids()) || !slices.Equal(append(p1.ids(), p2.ids()...), whole.ids()[:6]) {
		t.Errorf("unstable order: page 1 %v, again %v, page 2 %v, whole list %v", p1.ids(), p1again.ids(), p2.ids(), whole.ids())
	}
	// No count: everything (the default page size is at least 100).
	if r, l := page(""); len(l.Resources) != n || l.Total != n || l.StartIndex != 1 {
		t.Errorf("%s: want all %d users from startIndex 1", r, n)
	}
	// count=0: only totalResults.
	r := c.get("/Users?count=0")
	if l := r.mustList(httpCountZero); len(l.Resources) != 0 || l.Total != n || l.ItemsPerPage != 0 {
		t.Errorf("%s: want totalResults %d and no resources", r, n)
	}
	// startIndex < 1 is 1; a negative count is 0 (RFC 7644 §3.4.2.4).
	for _, q := range []string{"?startIndex=0&count=3", "?startIndex=-5&count=3"} {
		if r, l := page(q); l.StartIndex != 1 || !slices.Equal(l.ids(), p1.ids()) {
			t.Errorf("%s: want startIndex 1 and the first page %v", r, p1.ids())
		}
	}
	r = c.get("/Users?count=-1")
	if l := r.mustList(httpCountZero); len(l.Resources) != 0 || l.Total != n {
		t.Errorf("%s: a negative count is 0: want totalResults %d and no resources", r, n)
	}
	// Past the end: empty, not an error.
	for _, start := range []int{n + 1, 1000} {
		if r, l := page(httpQuery("startIndex", strconv.Itoa(start), "count", "3")); len(l.Resources) != 0 || l.Total != n || l.StartIndex != start {
			t.Errorf("%s: want no resources, totalResults %d, startIndex %d", r, n, start)
		}
	}
	// Paging a filtered list.
	r, l := page(httpFilter(`userName sw "page"`, "startIndex", "6", "count", "5"))
	if l.Total != n || len(l.Resources) != 2 {
		t.Errorf("%s: want totalResults %d and 2 resources", r, n)
	}
}

// httpWalkCursor walks a cursor-paginated list (RFC 9865) from an empty
// cursor and returns every id seen. next(cursor) sends one page request.
func httpWalkCursor(t *testing.T, pageSize int, next func(cursor string) *httpResp, between func(page int)) []string {
	t.Helper()
	var seen []string
	cursor := ""
	for page := 0; ; page++ {
		if page > 100 {
			t.Fatalf("cursor walk: more than 100 pages; nextCursor never ends")
		}
		r := next(cursor)
		l := r.mustList(httpCursorList)
		if len(l.Resources) > pageSize {
			t.Errorf("%s: %d resources for count=%d", r, len(l.Resources), pageSize)
		}
		if len(l.Resources) == 0 && l.HasNextCursor {
			t.Errorf("%s: an empty page with a nextCursor", r)
		}
		seen = append(seen, l.ids()...)
		if between != nil {
			between(page)
		}
		if !l.HasNextCursor {
			return seen
		}
		if l.NextCursor == cursor {
			t.Fatalf("%s: nextCursor repeats the cursor sent", r)
		}
		cursor = l.NextCursor
	}
}

// httpTestCursorPagination checks RFC 9865: ?count=2&cursor= starts a
// cursor walk, nextCursor is present until the last page, the walk returns
// every resource exactly once (also when a user is created mid-walk, and
// through POST /.search), and an edited or foreign cursor is 400
// invalidCursor.
func httpTestCursorPagination(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	const n = 7
	var all []string
	for i := range n {
		all = append(all, c.createUser("cursor"+strconv.Itoa(i)+"_"+httpRandom(4), nil))
	}
	exactlyOnce := func(what string, seen, want []string) {
		t.Helper()
		if got := httpSorted(seen); !slices.Equal(got, httpSorted(want)) {
			t.Errorf("%s: the walk returned %v, want every user exactly once: %v", what, got, httpSorted(want))
		}
	}

	// GET, and the first response's shape.
	r := c.get("/Users?count=2&cursor=")
	first := r.mustList(httpCursorList)
	if !first.HasNextCursor || len(first.Resources) != 2 {
		t.Fatalf("%s: want 2 resources and a nextCursor", r)
	}
	if first.HasTotal && first.Total != n {
		t.Errorf("%s: totalResults %d, want %d", r, first.Total, n)
	}
	seen := httpWalkCursor(t, 2, func(cur string) *httpResp {
		return c.get("/Users" + httpQuery("count", "2", "cursor", cur))
	}, nil)
	exactlyOnce("GET /Users?count=2&cursor=…", seen, all)
	if len(seen) != n {
		t.Errorf("GET /Users?count=2&cursor=…: %d resources over the walk, want %d", len(seen), n)
	}

	// With a filter and a sort.
	seen = httpWalkCursor(t, 3, func(cur string) *httpResp {
		return c.get("/Users" + httpFilter(`userName sw "cursor"`, "sortBy", "userName", "count", "3", "cursor", cur))
	}, nil)
	exactlyOnce("a filtered, sorted cursor walk", seen, all)

	// POST /Users/.search carries the cursor in the body.
	seen = httpWalkCursor(t, 2, func(cur string) *httpResp {
		return c.post("/Users/.search", map[string]any{"schemas": []string{httpURNSearch}, "count": 2, "cursor": cur}).must(http.StatusOK)
	}, nil)
	exactlyOnce("POST /Users/.search with cursor", seen, all)

	// A user created mid-walk: the others still come exactly once.
	var added string
	seen = httpWalkCursor(t, 2, func(cur string) *httpResp {
		return c.get("/Users" + httpQuery("count", "2", "cursor", cur))
	}, func(page int) {
		if page == 1 {
			added = c.createUser("cursor_late_"+httpRandom(4), nil)
		}
	})
	var rest []string
	for _, id := range seen {
		if id != added {
			rest = append(rest, id)
		}
	}
	exactlyOnce("a walk during which a user was created", rest, all)
	if len(seen)-len(rest) > 1 {
		t.Errorf("a walk during which a user was created returned it %d times", len(seen)-len(rest))
	}

	// Tampered and invented cursors (RFC 9865 §2.3: invalidCursor).
	tampered := []string{"garbage", first.NextCursor + "A", first.NextCursor[:len(first.NextCursor)-1]}
	mid := len(first.NextCursor) / 2
	flip := byte('A')
	if first.NextCursor[mid] == 'A' {
		flip = 'B'
	}
	tampered = append(tampered, first.NextCursor[:mid]+string(flip)+first.NextCursor[mid+1:])
	for _, cur := range tampered {
		c.get("/Users"+httpQuery("count", "2", "cursor", cur)).wantError(http.StatusBadRequest, "invalidCursor")
	}
	c.post("/Users/.search", map[string]any{"schemas": []string{httpURNSearch}, "count": 2, "cursor": "garbage"}).
		wantError(http.StatusBadRequest, "invalidCursor")
}

// httpTestSearch checks POST /{type}/.search and POST /.search at the root
// (RFC 7644 §3.4.3): 200 and a ListResponse, never 201.
func httpTestSearch(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	nameA := "searchA_" + httpRandom(6)
	a := c.createUser(nameA, nil)
	b := c.createUser("searchB_"+httpRandom(6), nil)
	other := c.createUser("other_"+httpRandom(6), nil)
	g := c.createGroup("searchGroup", a)
	search := func(path string, body map[string]any) (*httpResp, httpList) {
		t.Helper()
		body["schemas"] = []string{httpURNSearch}
		r := c.post(path, body)
		return r, r.mustList(httpIndexList)
	}

	r, l := search("/Users/.search", map[string]any{
		"filter": `userName sw "search"`, "attributes": []string{"userName"}, "startIndex": 1, "count": 10,
	})
	l.wantIDs(t, r, a, b)
	for _, doc := range l.Resources {
		httpKeysOnly(t, r.String(), doc, []string{"userName"}, "userName")
	}
	r, l = search("/Users/.search", map[string]any{"filter": `userName sw "search"`, "sortBy": "userName", "startIndex": 2, "count": 1})
	if !slices.Equal(l.ids(), []string{b}) || l.Total != 2 || l.StartIndex != 2 {
		t.Errorf("%s: want [%s], totalResults 2, startIndex 2", r, b)
	}
	r, l = search("/Users/.search", map[string]any{"excludedAttributes": []string{"emails", "name"}})
	l.wantIDs(t, r, a, b, other)
	r, l = search("/Groups/.search", map[string]any{"filter": `displayName eq "searchGroup"`, "excludedAttributes": []string{"members"}})
	l.wantIDs(t, r, g)
	if len(l.Resources) == 1 {
		if _, ok := l.Resources[0]["members"]; ok {
			t.Errorf("%s: members present despite excludedAttributes", r)
		}
	}

	// At the root: a filter on userName finds users.
	r, l = search("/.search", map[string]any{"filter": `userName eq "` + nameA + `"`})
	l.wantIDs(t, r, a)
	for _, doc := range l.Resources {
		if !httpHasString(doc["schemas"], httpURNUser) || httpAt(doc, "meta", "resourceType") != "User" {
			t.Errorf("%s: a root search result must say what it is: %v", r, doc)
		}
	}
	r, l = search("/.search", map[string]any{"filter": `userName sw "search"`})
	l.wantIDs(t, r, a, b)
	// Without a filter, the root search spans every resource type.
	r, l = search("/.search", map[string]any{"count": 100})
	l.wantIDs(t, r, a, b, other, g)

	// Errors stay errors.
	c.post("/.search", map[string]any{"schemas": []string{httpURNSearch}, "filter": `userName eq`}).
		wantError(http.StatusBadRequest, "invalidFilter")
	c.post("/Users/.search", `{"schemas":["`+httpURNSearch+`"],"filter":`).wantError(http.StatusBadRequest, "invalidSyntax")
}
