package scimtest

// The request layer: text that is not UTF-8 (RFC 8259 §8.1), If-Match
// and If-None-Match lists on every write (RFC 9110 §13.1.1, §13.1.2), HEAD
// wherever GET answers (RFC 9110 §9.3.2), and the media types a body may
// have (RFC 7644 §3.1, §8.1).

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
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

// httpTestInvalidUTF8 sends bodies and filters whose text is not UTF-8:
// each is refused with 400 naming the attribute, and nothing is stored.
func httpTestInvalidUTF8(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	name := "utf8_" + httpRandom(8)
	id := c.createUser(name, map[string]any{"displayName": "Zoë 日本 \uFFFD"}) // valid text, U+FFFD itself included
	path := "/Users/" + id
	if got := c.mustGet("User", id)["displayName"]; got != "Zoë 日本 \uFFFD" {
		t.Errorf("GET %s: displayName %q, want the UTF-8 text sent", path, got)
	}
	etag := c.get(path).must(http.StatusOK).Header.Get("ETag")
	wantRefused := func(r *httpResp, attr string) {
		t.Helper()
		if r.wantError(http.StatusBadRequest, "invalidSyntax") {
			if d, _ := r.Body["detail"].(string); !strings.Contains(d, attr) || !strings.Contains(d, "UTF-8") {
				t.Errorf("%s: detail %q, want one that names %s and says UTF-8", r, d, attr)
			}
		}
	}
	user := `{"schemas":["` + httpURNUser + `"],"userName":"` + name + `_new",`
	for _, tc := range []struct{ body, attr string }{
		{user + `"displayName":"bad` + "\xff\xfe" + `name"}`, "displayName"},
		{`{"schemas":["` + httpURNUser + `"],"userName":"bad` + "\xff\xfe" + `name"}`, "userName"},
		{user + `"name":{"givenName":"` + "\xc3\x28" + `"}}`, "name.givenName"},
		{user + `"emails":[{"value":"a@example.com"},{"value":"b` + "\xed\xa0\x80" + `@example.com"}]}`, "emails"},
		{user + `"displayName":"lone \ud800 surrogate"}`, "displayName"},
		{user + `"nick` + "\xff" + `Name":"x"}`, "nick"},
	} {
		wantRefused(c.post("/Users", tc.body), tc.attr)
		wantRefused(c.put(path, tc.body), tc.attr)
	}
	wantRefused(c.post("/Groups", `{"schemas":["`+httpURNGroup+`"],"displayName":"g`+"\x80"+`"}`), "displayName")
	patch := func(op string) string {
		return `{"schemas":["` + httpURNPatchOp + `"],"Operations":[{"op":"add","path":"title","value":"ok"},` + op + `]}`
	}
	for _, tc := range []struct{ op, attr string }{
		{`{"op":"replace","path":"displayName","value":"bad` + "\xff" + `"}`, "displayName"},
		{`{"op":"replace","value":{"nickName":"bad` + "\xff" + `"}}`, "nickName"},
		{`{"op":"replace","path":"display` + "\xff" + `Name","value":"x"}`, "path"},
		{`{"op":"add","path":"emails","value":[{"value":"c` + "\xfe" + `@example.com"}]}`, "emails"},
	} {
		wantRefused(c.patch(path, patch(tc.op)), tc.attr)
	}
	if e := c.get(path).must(http.StatusOK).Header.Get("ETag"); e != etag {
		t.Errorf("GET %s: the ETag moved from %s to %s: a refused write changed the user", path, etag, e)
	}
	if l := c.get("/Users" + httpFilter(`userName sw "`+name+`_"`)).mustList(httpIndexList); l.Total != 0 {
		t.Errorf("%d users created by refused bodies", l.Total)
	}

	// Filters: percent-encoded bytes that are not UTF-8.
	for _, q := range []string{
		"?filter=" + url.PathEscape(`userName eq "bad`) + "%FF%FE" + url.PathEscape(`name"`),
		"?filter=displayName%20eq%20%22%C3%28%22",
	} {
		c.get("/Users"+q).wantError(http.StatusBadRequest, "invalidFilter")
		c.get("/Groups"+q).wantError(http.StatusBadRequest, "invalidFilter")
	}
	wantRefused(c.post("/Users/.search", `{"schemas":["`+httpURNSearch+`"],"filter":"userName eq \"`+"\xff"+`\""}`), "filter")
}

// httpTestBodyMediaTypes checks that a body is read as JSON when its
// Content-Type is application/scim+json, application/json (any case, any
// parameters but a charset other than UTF-8) or absent, and refused with
// 415 otherwise, on every method with a body.
func httpTestBodyMediaTypes(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	name := "media_" + httpRandom(8)
	user := func(suffix string) map[string]any {
		return map[string]any{"schemas": []string{httpURNUser}, "userName": name + "_" + suffix}
	}
	for i, ct := range []string{"", "APPLICATION/SCIM+JSON", "application/scim+json;charset=UTF-8", "Application/Json; Charset=\"utf-8\""} {
		c.do("POST", "/Users", user(fmt.Sprint("ok", i)), map[string]string{"Content-Type": ct}).mustCreated("User")
	}
	id := c.createUser(name+"_target", nil)
	path := "/Users/" + id
	etag := c.get(path).must(http.StatusOK).Header.Get("ETag")
	search := map[string]any{"schemas": []string{httpURNSearch}, "filter": `userName sw "` + name + `"`}
	for _, ct := range []string{
		"text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "application/xml",
		"multipart/form-data; boundary=x", "application/scim+xml", "application/json-patch+json",
		"application/json; charset=iso-8859-1", "not a media type",
	} {
		h := map[string]string{"Content-Type": ct}
		for _, r := range []*httpResp{
			c.do("POST", "/Users", user("refused"), h),
			c.do("PUT", path, user("refused"), h),
			c.do("PATCH", path, httpPatchOp(map[string]any{"op": "replace", "path": "displayName", "value": "refused"}), h),
			c.do("POST", "/Users/.search", search, h),
			c.do("POST", "/.search", search, h),
			c.do("POST", "/Groups", map[string]any{"schemas": []string{httpURNGroup}, "displayName": name}, h),
		} {
			if r.wantError(http.StatusUnsupportedMediaType) {
				if d, _ := r.Body["detail"].(string); !strings.Contains(d, "application/scim+json") || !strings.Contains(d, "application/json") {
					t.Errorf("%s: detail %q, want one naming application/scim+json and application/json", r, d)
				}
			}
		}
	}
	if e := c.get(path).must(http.StatusOK).Header.Get("ETag"); e != etag {
		t.Errorf("GET %s: the ETag moved from %s to %s: a refused write changed the user", path, etag, e)
	}
	if l := c.get("/Users" + httpFilter(`userName eq "`+name+`_refused"`)).mustList(httpIndexList); l.Total != 0 {
		t.Errorf("a refused POST created %d users", l.Total)
	}
	if l := c.get("/Groups" + httpFilter(`displayName eq "`+name+`"`)).mustList(httpIndexList); l.Total != 0 {
		t.Errorf("a refused POST created %d groups", l.Total)
	}
	// Requests without a body need no Content-Type, whatever they send.
	c.do("GET", path, nil, map[string]string{"Content-Type": "text/plain"}).must(http.StatusOK)
	c.do("DELETE", path, nil, map[string]string{"Content-Type": "text/plain"}).wantNoContent()
}

// httpTestHead checks that HEAD answers wherever GET does, as GET without
// a body: the same status, Content-Type, ETag and Content-Length. 405s
// list HEAD in Allow when they list GET.
func httpTestHead(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	id := c.createUser("head_"+httpRandom(8), map[string]any{"displayName": "Head"})
	g := c.createGroup("head_"+httpRandom(6), id)
	for _, p := range []string{
		"/ServiceProviderConfig", "/Schemas", "/Schemas/" + httpURNUser, "/ResourceTypes", "/ResourceTypes/User",
		"/Users", "/Users" + httpFilter(`displayName eq "Head"`, "attributes", "userName"), "/Users/" + id,
		"/Users/" + id + "?excludedAttributes=emails", "/Groups", "/Groups/" + g, "/Groups/" + g + "?excludedAttributes=members",
		"/Users/" + httpGUID(), "/Users" + httpFilter("bogus ("), "/Widgets",
	} {
		get := c.get(p)
		head := c.do("HEAD", p, nil, nil)
		if head.Status != get.Status {
			t.Errorf("HEAD %s: status %d, want GET's %d", p, head.Status, get.Status)
			continue
		}
		if len(head.Raw) > 0 {
			t.Errorf("HEAD %s: %d bytes of body, want none", p, len(head.Raw))
		}
		for _, k := range []string{"Content-Type", "ETag", "Location", "Content-Length", "Allow"} {
			if hv, gv := head.Header.Get(k), get.Header.Get(k); hv != gv {
				t.Errorf("HEAD %s: %s %q, want GET's %q", p, k, hv, gv)
			}
		}
	}
	// Conditional HEAD.
	e := c.get("/Users/" + id).must(http.StatusOK).Header.Get("ETag")
	c.do("HEAD", "/Users/"+id, nil, map[string]string{"If-None-Match": e}).want(http.StatusNotModified)
	// A HEAD changes nothing and is refused where GET is.
	r := c.do("HEAD", "/Users/.search", nil, nil)
	r.want(http.StatusMethodNotAllowed)
	if allow := r.Header.Get("Allow"); allow != "POST" {
		t.Errorf("%s: Allow %q, want POST", r, allow)
	}
	for _, p := range []string{"/ServiceProviderConfig", "/Schemas", "/ResourceTypes", "/Users/" + id + "/sessions"} {
		r := c.post(p, map[string]any{})
		if !r.wantError(http.StatusMethodNotAllowed) {
			continue
		}
		allow := strings.Split(strings.ReplaceAll(r.Header.Get("Allow"), " ", ""), ",")
		if !slices.Contains(allow, "GET") || !slices.Contains(allow, "HEAD") {
			t.Errorf("%s: Allow %q, want GET and HEAD", r, r.Header.Get("Allow"))
		}
	}
}
