package scimtest

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// httpTestMultiValuedSorting checks sortBy on a multi-valued attribute (RFC
// 7644 §3.4.2.3): users sort by the value of their primary email, else
// their first one, case-insensitively; users without an email come last
// ascending and first descending (the exact reverse); "emails" sorts as
// "emails.value"; index pages, cursor walks and POST .search keep the
// order; a PATCH that moves the primary moves the user. A sortBy that
// cannot be sorted by is 400 invalidValue whose detail names it and says
// why, without calling it a filter.
func httpTestMultiValuedSorting(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	email := func(value string, primary bool) map[string]any {
		m := map[string]any{"value": value, "type": "work"}
		if primary {
			m["primary"] = true
		}
		return m
	}
	emails := func(list ...map[string]any) map[string]any { return map[string]any{"emails": list} }
	// Sort values: a amy@ (its primary, listed second), b bob@, c none,
	// d carl@ (its first; no primary), e AMY@ (a tie with a).
	a := c.createUser("mv_a", emails(email("zed@x.example", false), email("Amy@x.example", true)))
	b := c.createUser("mv_b", emails(email("bob@x.example", false)))
	cc := c.createUser("mv_c", nil)
	d := c.createUser("mv_d", emails(email("carl@x.example", false), email("aaa@x.example", false)))
	e := c.createUser("mv_e", emails(email("AMY@x.example", true)))
	amy := []string{a, e}
	slices.Sort(amy) // ties order by id
	asc := append(slices.Clone(amy), b, d, cc)
	reversed := func(s []string) []string { s = slices.Clone(s); slices.Reverse(s); return s }

	check := func(query string, want []string) {
		t.Helper()
		r := c.get("/Users" + query)
		if l, ok := r.wantList(httpIndexList); ok && !slices.Equal(l.ids(), want) {
			t.Errorf("%s: order %v, want %v", r, l.ids(), want)
		}
	}
	for _, by := range []string{"emails.value", "emails", "Emails.Value", "urn:ietf:params:scim:schemas:core:2.0:User:emails.value"} {
		check(httpQuery("sortBy", by), asc)
		check(httpQuery("sortBy", by, "sortOrder", "descending"), reversed(asc))
	}
	// Index pages across the users without an email.
	check(httpQuery("sortBy", "emails.value", "startIndex", "3", "count", "2"), asc[2:4])
	check(httpQuery("sortBy", "emails.value", "startIndex", "4", "count", "2"), asc[3:5])
	check(httpQuery("sortBy", "emails.value", "sortOrder", "descending", "startIndex", "1", "count", "2"), reversed(asc)[0:2])
	check(httpQuery("sortBy", "emails.value", "sortOrder", "descending", "startIndex", "2", "count", "3"), reversed(asc)[1:4])
	// Cursor walks, both ways.
	for _, order := range []string{"ascending", "descending"} {
		want := asc
		if order == "descending" {
			want = reversed(asc)
		}
		seen := httpWalkCursor(t, 2, func(cur string) *httpResp {
			return c.get("/Users" + httpQuery("sortBy", "emails.value", "sortOrder", order, "count", "2", "cursor", cur))
		}, nil)
		if !slices.Equal(seen, want) {
			t.Errorf("cursor walk sortBy=emails.value %s: %v, want %v", order, seen, want)
		}
	}
	r := c.post("/Users/.search", map[string]any{"schemas": []string{httpURNSearch}, "sortBy": "emails", "sortOrder": "descending"})
	if got := r.mustList(httpIndexList).ids(); !slices.Equal(got, reversed(asc)) {
		t.Errorf("%s: order %v, want %v", r, got, reversed(asc))
	}

	// d's second email becomes its primary: aaa@ sorts first.
	c.patch("/Users/"+d, httpPatchOp(map[string]any{"op": "replace", "path": "emails",
		"value": []any{email("carl@x.example", false), email("aaa@x.example", true)}})).must(http.StatusOK, http.StatusNoContent)
	check(httpQuery("sortBy", "emails.value"), append([]string{d}, append(slices.Clone(amy), b, cc)...))

	for _, tc := range []struct{ path, sortBy string }{
		{"/Users", "password"},
		{"/Users", "emails.type"},
		{"/Users", "addresses"},
		{"/Users", "x509Certificates.value"},
		{"/Users", "groups"},
		{"/Users", "name"},
		{"/Users", "nosuchattribute"},
		{"/Groups", "members.value"},
		{"/", "emails.type"},
	} {
		r := c.get(tc.path + httpQuery("sortBy", tc.sortBy))
		if !r.wantError(http.StatusBadRequest, "invalidValue") {
			continue
		}
		detail, _ := r.Body["detail"].(string)
		if !strings.Contains(detail, tc.sortBy) || !strings.Contains(detail, "sort") || strings.Contains(detail, "filter") {
			t.Errorf("%s: detail %q: want one that names %s, says why it cannot be sorted by, and does not speak of a filter", r, detail, tc.sortBy)
		}
	}
}
