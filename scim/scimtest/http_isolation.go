package scimtest

// Tenant isolation over every route: tenant B's
// credentials and paths never see, change, count or learn of tenant A's
// data.

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// isolationMethods are the methods every route is tried with.
var isolationMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// RunHTTPIsolationTests checks tenant isolation on every route of a SCIM
// server. routes are the server's route templates of the form
// "/tenants/{tenant}/scim/v2/...", as scim.Paths returns them
// (templates without that prefix are skipped): a new
// route is covered as soon as it is listed, and a route with a
// placeholder the test does not know fails it. newTarget must return a
// fresh, empty tenant on every call; both tenants must be served by one
// server.
//
// For every route and method: tenant B's token on tenant A's path is a 401
// SCIM error; tenant B's token on B's path with A's ids (users, groups,
// apps) is answered exactly as the same path with unknown ids (so an id of
// A is indistinguishable from no id at all), never 2xx. Afterwards tenant
// A's resources, sessions, tag keys and lists are byte-for-byte what they
// were. Then: B's totals, filters, searches and TagKeys count none of A's
// rows; A's userName and email are free in B (201, no 409 that would leak
// them); A's cursor in B is an invalid cursor; A's ETag in B changes
// nothing of A.
func RunHTTPIsolationTests(t *testing.T, newTarget func(t *testing.T) Target, routes []string) {
	t.Run("EveryRoute", func(t *testing.T) { httpTestIsolationEveryRoute(t, newTarget(t), newTarget(t), routes) })
	t.Run("CountsNamesCursorsETags", func(t *testing.T) { httpTestIsolationData(t, newTarget(t), newTarget(t)) })
}

// isolationTenant is tenant A's data: a user with tags, an email, an app
// assignment and a login; a group with the user; an app.
type isolationTenant struct {
	user, group, app, userName, email string
}

func isolationSeed(t *testing.T, a *httpClient) isolationTenant {
	t.Helper()
	var d isolationTenant
	d.userName = "secret_" + httpRandom(8)
	d.email = d.userName + "@a.example.com"
	d.user = a.createUser(d.userName, map[string]any{
		"displayName":    "Tenant A Secret",
		"active":         true,
		"emails":         []any{map[string]any{"value": d.email, "type": "work", "primary": true}},
		httpURNScimdUser: map[string]any{"tags": []any{map[string]any{"key": "secretkey", "value": "secretvalue"}}},
	})
	d.group = a.createGroup("secret group "+httpRandom(6), d.user)
	d.app, _ = a.post("/Apps", map[string]any{"name": "Secret App " + httpRandom(4)}).must(http.StatusCreated).Body["id"].(string)
	a.post("/Users/"+d.user+"/apps/"+d.app, map[string]any{"username": "secret"}).must(http.StatusOK)
	a.post("/Users/"+d.user+"/login", nil).must(http.StatusOK)
	return d
}

// isolationSnapshot reads everything of tenant A a request of B could have
// changed, as raw bodies.
func isolationSnapshot(a *httpClient, d isolationTenant) map[string][]byte {
	snap := map[string][]byte{}
	for _, p := range []string{
		"/Users/" + d.user, "/Groups/" + d.group, "/Apps/" + d.app,
		"/Users/" + d.user + "/sessions", "/Users/" + d.user + "/apps",
		"/Users", "/Groups", "/Apps", "/TagKeys",
	} {
		r := a.get(p)
		snap[p] = append([]byte(fmt.Sprint(r.Status, " ", r.Header.Get("ETag"), " ")), r.Raw...)
	}
	return snap
}

func isolationUnchanged(t *testing.T, a *httpClient, d isolationTenant, before map[string][]byte, after string) {
	t.Helper()
	for p, now := range isolationSnapshot(a, d) {
		if !bytes.Equal(now, before[p]) {
			t.Errorf("tenant A's GET %s changed after %s:\nbefore %s\nafter  %s", p, after, httpExcerpt(before[p]), httpExcerpt(now))
		}
	}
}

// isolationPath fills a route template (relative to the SCIM base) with
// ids; ok is false for a placeholder the test does not know.
func isolationPath(tmpl, user, group, app string) (path string, hasIDs, ok bool) {
	segs := strings.Split(tmpl, "/")
	for i, s := range segs {
		if !strings.HasPrefix(s, "{") {
			continue
		}
		prev := ""
		if i > 0 {
			prev = segs[i-1]
		}
		switch {
		case s == "{id}" && prev == "Users":
			segs[i], hasIDs = user, true
		case s == "{id}" && prev == "Groups":
			segs[i], hasIDs = group, true
		case s == "{id}" && prev == "Apps", s == "{appId}":
			segs[i], hasIDs = app, true
		case s == "{id}" && prev == "Schemas":
			segs[i] = httpURNUser
		case s == "{id}" && prev == "ResourceTypes":
			segs[i] = "User"
		default:
			return "", false, false
		}
	}
	return strings.Join(segs, "/"), hasIDs, true
}

// isolationBody is a plausible body for method on path, so that requests
// reach the lookup of the ids instead of failing on the body.
func isolationBody(method, path string) any {
	switch method {
	case http.MethodPatch:
		return httpPatchOp(map[string]any{"op": "replace", "path": "displayName", "value": "hijacked"})
	case http.MethodPut:
		switch {
		case strings.Contains(path, "/apps/"):
			return map[string]any{"username": "hijacked"}
		case strings.HasPrefix(path, "/Apps"):
			return map[string]any{"name": "hijacked"}
		}
		return httpValidBody(path)
	case http.MethodPost:
		switch {
		case strings.HasSuffix(path, ".search"):
			return map[string]any{"schemas": []string{httpURNSearch}}
		case strings.Contains(path, "/apps/"):
			return map[string]any{"username": "hijacked"}
		case strings.HasSuffix(path, "/login"), strings.HasSuffix(path, "/invalidate"):
			return nil
		}
		return httpValidBody(path)
	}
	return nil
}

// isolationSameAnswer reports whether two answers are the same once the
// ids in their paths are put aside.
func isolationSameAnswer(r1, r2 *httpResp, ids1, ids2 []string) bool {
	if r1.Status != r2.Status {
		return false
	}
	norm := func(raw []byte, ids []string) string {
		s := string(raw)
		for _, id := range ids {
			s = strings.ReplaceAll(s, id, "ID")
		}
		return s
	}
	return norm(r1.Raw, ids1) == norm(r2.Raw, ids2)
}

func httpTestIsolationEveryRoute(t *testing.T, tgA, tgB Target, routes []string) {
	a, b := httpNewClient(t, tgA), httpNewClient(t, tgB)
	crossBA := httpNewClient(t, Target{BaseURL: tgA.BaseURL, Token: tgB.Token, Client: tgA.Client})
	d := isolationSeed(t, a)
	before := isolationSnapshot(a, d)
	tried, withIDs := 0, 0
	for _, route := range routes {
		_, rel, ok := strings.Cut(route, "/scim/v2")
		if !ok || !strings.HasPrefix(route, "/tenants/{tenant}/") {
			continue // not a route of a tenant (such as "other")
		}
		pathA, hasIDs, ok := isolationPath(rel, d.user, d.group, d.app)
		if !ok {
			t.Errorf("route %s has a placeholder this test does not know: teach isolationPath what to put there", route)
			continue
		}
		if pathA == "" {
			pathA = "/"
		}
		unknown := []string{httpGUID(), httpGUID(), httpGUID()}
		pathNone, _, _ := isolationPath(rel, unknown[0], unknown[1], unknown[2])
		for _, m := range isolationMethods {
			tried++
			// B's token on A's path.
			crossBA.do(m, pathA, isolationBody(m, pathA), nil).wantError(http.StatusUnauthorized)
			if !hasIDs {
				continue
			}
			withIDs++
			// B's path with A's ids: the same answer as with unknown ids.
			rA := b.do(m, pathA, isolationBody(m, pathA), nil)
			rNone := b.do(m, pathNone, isolationBody(m, pathNone), nil)
			if rA.Status/100 == 2 {
				t.Errorf("tenant B: %s: want an error, tenant A's ids are not B's", rA)
			}
			if !isolationSameAnswer(rA, rNone, []string{d.user, d.group, d.app}, unknown) {
				t.Errorf("tenant B tells tenant A's ids from unknown ones:\n%s\n%s", rA, rNone)
			}
			if m == http.MethodGet && (rel == "/Users/{id}" || rel == "/Groups/{id}" || rel == "/Apps/{id}") {
				rA.wantError(http.StatusNotFound)
			}
		}
	}
	if tried == 0 {
		t.Fatal("no route of a tenant was tried: pass the server's route templates")
	}
	t.Logf("FIGURES isolation: %d route×method pairs tried, %d of them also with tenant A's ids in tenant B's path", tried, withIDs)
	isolationUnchanged(t, a, d, before, "tenant B's requests on every route")
}

func httpTestIsolationData(t *testing.T, tgA, tgB Target) {
	a, b := httpNewClient(t, tgA), httpNewClient(t, tgB)
	d := isolationSeed(t, a)
	a.createUser("second_"+httpRandom(6), nil)
	a.createUser("third_"+httpRandom(6), nil)
	before := isolationSnapshot(a, d)

	// B counts none of A's rows.
	for _, p := range []string{
		"/Users", "/Groups", "/Apps", "/TagKeys",
		"/Users" + httpFilter(`userName eq "`+d.userName+`"`),
		"/Users" + httpFilter(`emails.value eq "`+d.email+`"`),
		"/Users" + httpFilter(`userName sw "secret"`),
		"/Users" + httpFilter(httpURNScimdUser+`:tags[key eq "secretkey"]`),
		"/Groups" + httpFilter(`members.value eq "`+d.user+`"`),
		"/Users" + httpFilter(`apps.value eq "`+d.app+`"`),
	} {
		r := b.get(p)
		if l, ok := r.wantList(httpIndexList); ok && (l.Total != 0 || len(l.ids()) != 0) {
			t.Errorf("tenant B: %s: counts or lists tenant A's rows", r)
		}
	}
	for _, p := range []string{"/.search", "/Users/.search", "/Groups/.search"} {
		r := b.post(p, map[string]any{"schemas": []string{httpURNSearch}})
		if l, ok := r.wantList(httpIndexList); ok && l.Total != 0 {
			t.Errorf("tenant B: POST %s: counts tenant A's rows", p)
		}
	}
	for _, leaked := range []string{d.user, d.group, d.app, d.userName, "secretkey"} {
		for _, p := range []string{"/Users", "/Groups", "/Apps", "/TagKeys"} {
			if r := b.get(p); strings.Contains(string(r.Raw), leaked) {
				t.Errorf("tenant B: %s shows %q of tenant A", r, leaked)
			}
		}
	}

	// A's cursor is no cursor in B.
	l := a.get("/Users?count=1&cursor=").mustList(httpCursorList)
	if l.NextCursor == "" {
		t.Errorf("tenant A: 3 users, a page of 1, but no nextCursor")
	} else {
		r := b.get("/Users" + httpQuery("count", "1", "cursor", l.NextCursor))
		r.wantError(http.StatusBadRequest, "invalidCursor")
	}

	// A's userName and email are free in B: 201, so no 409 tells B they exist.
	ub := b.post("/Users", map[string]any{"schemas": []string{httpURNUser}, "userName": d.userName,
		"emails": []any{map[string]any{"value": d.email, "type": "work", "primary": true}}}).mustCreated("User")
	// B's own 409 names nothing of A.
	r := b.post("/Users", map[string]any{"schemas": []string{httpURNUser}, "userName": d.userName})
	r.wantError(http.StatusConflict, "uniqueness")
	for _, leaked := range []string{d.user, d.email} {
		if strings.Contains(string(r.Raw), leaked) {
			t.Errorf("tenant B's 409 names %q of tenant A: %s", leaked, r)
		}
	}

	// A's ETag in B: on A's id it is a 404; on B's own user it is whatever
	// B's version says; A is unchanged either way.
	etag := a.get("/Users/" + d.user).must(http.StatusOK).Header.Get("ETag")
	if etag == "" {
		t.Fatal("tenant A: GET /Users/{id}: no ETag")
	}
	hdr := map[string]string{"If-Match": etag}
	patch := httpPatchOp(map[string]any{"op": "replace", "path": "displayName", "value": "hijacked"})
	b.do(http.MethodPatch, "/Users/"+d.user, patch, hdr).wantError(http.StatusNotFound)
	b.do(http.MethodDelete, "/Users/"+d.user, nil, hdr).wantError(http.StatusNotFound)
	if r := b.do(http.MethodPatch, "/Users/"+ub, patch, hdr); r.Status/100 != 2 {
		r.wantAnyError(http.StatusPreconditionFailed)
	}
	isolationUnchanged(t, a, d, before, "tenant B's lists, creates and If-Match")
}
