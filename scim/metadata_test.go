package scim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/scim/scimtest"
	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/mysql/mysqltest"
	"github.com/scimd/scimd/storage/sqlite"
)

// TestMetadataSQLite runs the metadata and lookup tests over HTTP on SQLite.
func TestMetadataSQLite(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "scimd.db"), logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	runMetadataTests(t, s, logger)
}

// TestMetadataMySQL runs them on MySQL, when a server is configured.
func TestMetadataMySQL(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	runMetadataTests(t, mysqltest.StoreFactory(t)(t), logger)
}

func runMetadataTests(t *testing.T, store storage.Store, logger *slog.Logger) {
	targets := newTargets(t, store, logger)
	newClient := func(t *testing.T) *mdClient {
		tg := targets(t)
		return &mdClient{t: t, tg: tg, store: store}
	}
	for _, test := range []struct {
		name string
		run  func(t *testing.T, c *mdClient)
	}{
		{"CreateAndGet", testMetadataCreate},
		{"TypeLock", testMetadataTypeLock},
		{"Keys", testMetadataKeys},
		{"Filters", testMetadataFilters},
		{"Patch", testMetadataPatch},
		{"Put", testMetadataPut},
		{"Groups", testMetadataGroups},
		{"Lookup", testHTTPLookup},
	} {
		t.Run(test.name, func(t *testing.T) { test.run(t, newClient(t)) })
	}
	t.Run("Tenants", func(t *testing.T) {
		a, b := newClient(t), newClient(t)
		a.mustCreate("alice", map[string]any{"plan": "pro"})
		b.mustCreate("alice", map[string]any{"plan": 3})
		a.wantTypeError(a.createUser("bob", map[string]any{"plan": 3}), "plan", "strings", "a number")
		b.wantTypeError(b.createUser("bob", map[string]any{"plan": "pro"}), "plan", "numbers", "a string")
	})
}

// mdClient talks to one tenant's SCIM API.
type mdClient struct {
	t     *testing.T
	tg    scimtest.Target
	store storage.Store
}

type mdResp struct {
	status int
	body   map[string]any
	raw    string
}

func (c *mdClient) do(method, path string, body any) mdResp {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.tg.BaseURL+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.tg.Token)
	req.Header.Set("Content-Type", "application/scim+json")
	res, err := c.tg.Client.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	r := mdResp{status: res.StatusCode, raw: string(raw)}
	if len(raw) > 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&r.body); err != nil {
			c.t.Fatalf("%s %s: not a JSON object: %s", method, path, raw)
		}
	}
	return r
}

func (c *mdClient) must(r mdResp, status int, what string) mdResp {
	c.t.Helper()
	if r.status != status {
		c.t.Fatalf("%s: status %d, want %d: %s", what, r.status, status, r.raw)
	}
	return r
}

// wantError checks a SCIM error and that its detail says every part of say.
func (c *mdClient) wantError(r mdResp, status int, scimType, what string, say ...string) {
	c.t.Helper()
	if r.status != status || r.body["scimType"] != scimType {
		c.t.Errorf("%s: got %d %v, want %d %s: %s", what, r.status, r.body["scimType"], status, scimType, r.raw)
		return
	}
	detail, _ := r.body["detail"].(string)
	for _, s := range say {
		if !strings.Contains(detail, s) {
			c.t.Errorf("%s: detail %q does not say %q", what, detail, s)
		}
	}
}

func (c *mdClient) wantTypeError(r mdResp, key, locked, got string) {
	c.t.Helper()
	c.wantError(r, http.StatusBadRequest, "invalidValue", "a "+got+" for "+key,
		`metadata key "`+key+`" holds `+locked+` in this tenant; got `+got)
}

func userBody(userName string, metadata any) map[string]any {
	b := map[string]any{"schemas": []any{schemas.UserURN}, "userName": userName}
	if metadata != nil {
		b["metadata"] = metadata
	}
	return b
}

func (c *mdClient) createUser(userName string, metadata any) mdResp {
	c.t.Helper()
	return c.do("POST", "/Users", userBody(userName, metadata))
}

func (c *mdClient) mustCreate(userName string, metadata any) string {
	c.t.Helper()
	r := c.must(c.createUser(userName, metadata), http.StatusCreated, "POST "+userName)
	return r.body["id"].(string)
}

func (c *mdClient) metadata(id string) any {
	c.t.Helper()
	return c.must(c.do("GET", "/Users/"+id, nil), http.StatusOK, "GET "+id).body["metadata"]
}

func (c *mdClient) patch(id string, ops ...map[string]any) mdResp {
	c.t.Helper()
	return c.do("PATCH", "/Users/"+id, map[string]any{
		"schemas": []any{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}, "Operations": ops})
}

// filter returns the userNames a filter selects.
func (c *mdClient) filter(f string) []string {
	c.t.Helper()
	r := c.must(c.do("GET", "/Users?filter="+url.QueryEscape(f), nil), http.StatusOK, "filter "+f)
	var out []string
	list, _ := r.body["Resources"].([]any)
	for _, el := range list {
		out = append(out, el.(map[string]any)["userName"].(string))
	}
	slices.Sort(out)
	return out
}

// same compares JSON values the way they travel.
func same(a, b any) bool {
	norm := func(v any) any {
		raw, _ := json.Marshal(v)
		var out any
		_ = json.Unmarshal(raw, &out)
		return out
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

func (c *mdClient) wantMetadata(id string, want any) {
	c.t.Helper()
	if got := c.metadata(id); !same(got, want) {
		c.t.Errorf("metadata of %s = %s, want %s", id, js(got), js(want))
	}
}

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

func testMetadataCreate(t *testing.T, c *mdClient) {
	md := map[string]any{"plan": "Pro", "seats": 5, "ratio": 0.5, "trial": true,
		"profile": map[string]any{"tier": map[string]any{"level": 2}, "tags": []any{"a", "b"}, "gone": nil}}
	r := c.must(c.createUser("alice", md), http.StatusCreated, "POST with metadata")
	id := r.body["id"].(string)
	if !same(r.body["metadata"], md) {
		t.Errorf("POST response metadata = %s, want %s", js(r.body["metadata"]), js(md))
	}
	c.wantMetadata(id, md)
	// The key in any case; null and {} are no metadata.
	r = c.must(c.do("POST", "/Users", map[string]any{"schemas": []any{schemas.UserURN}, "userName": "bob", "MetaData": map[string]any{"x": "y"}}),
		http.StatusCreated, "POST with MetaData")
	c.wantMetadata(r.body["id"].(string), map[string]any{"x": "y"})
	for _, v := range []any{map[string]any{}, map[string]any{"only": nil}} {
		r = c.must(c.createUser("empty"+js(v), v), http.StatusCreated, "POST with metadata "+js(v))
		if _, ok := r.body["metadata"]; ok {
			t.Errorf("POST with metadata %s: response has metadata %s", js(v), js(r.body["metadata"]))
		}
	}
	// Projections.
	got := c.must(c.do("GET", "/Users/"+id+"?attributes=metadata", nil), http.StatusOK, "attributes=metadata").body
	if !same(got["metadata"], md) || got["userName"] != nil {
		t.Errorf("attributes=metadata: %s", js(got))
	}
	got = c.must(c.do("GET", "/Users/"+id+"?attributes=userName,metadata.PLAN", nil), http.StatusOK, "attributes=metadata.PLAN").body
	if !same(got["metadata"], map[string]any{"plan": "Pro"}) || got["userName"] != "alice" {
		t.Errorf("attributes=userName,metadata.PLAN: %s", js(got))
	}
	got = c.must(c.do("GET", "/Users/"+id+"?excludedAttributes=metadata", nil), http.StatusOK, "excludedAttributes=metadata").body
	if _, ok := got["metadata"]; ok || got["userName"] != "alice" {
		t.Errorf("excludedAttributes=metadata: %s", js(got))
	}
	got = c.must(c.do("GET", "/Users/"+id+"?excludedAttributes=metadata.profile,metadata.seats", nil), http.StatusOK, "excludedAttributes=metadata keys").body
	if !same(got["metadata"], map[string]any{"plan": "Pro", "ratio": 0.5, "trial": true}) {
		t.Errorf("excludedAttributes=metadata.profile,metadata.seats: %s", js(got))
	}
	c.wantMetadata(id, md) // projections change nothing stored
}

func testMetadataTypeLock(t *testing.T, c *mdClient) {
	alice := c.mustCreate("alice", map[string]any{"plan": "pro", "seats": 10, "trial": false, "extra": map[string]any{}})
	c.wantTypeError(c.createUser("bob", map[string]any{"plan": 5}), "plan", "strings", "a number")
	c.wantTypeError(c.createUser("bob", map[string]any{"Plan": true}), "Plan", "strings", "a boolean")
	c.wantTypeError(c.createUser("bob", map[string]any{"seats": "10"}), "seats", "numbers", "a string")
	c.wantTypeError(c.createUser("bob", map[string]any{"trial": map[string]any{"a": 1}}), "trial", "booleans", "an object")
	c.wantTypeError(c.createUser("bob", map[string]any{"extra": 1.5}), "extra", "objects", "a number")
	if got := c.filter(`userName eq "bob"`); len(got) != 0 {
		t.Errorf("a refused POST created bob")
	}
	bob := c.mustCreate("bob", map[string]any{"plan": "free", "seats": 2.5})
	c.wantTypeError(c.patch(bob, map[string]any{"op": "replace", "path": "metadata.plan", "value": 1}), "plan", "strings", "a number")
	c.wantTypeError(c.do("PUT", "/Users/"+bob, userBody("bob", map[string]any{"seats": false})), "seats", "numbers", "a boolean")
	c.wantMetadata(bob, map[string]any{"plan": "free", "seats": 2.5})
	// Arrays and non-objects are refused.
	c.wantError(c.createUser("carol", map[string]any{"list": []any{1}}), http.StatusBadRequest, "invalidValue", "an array", `"list"`, "array")
	c.wantError(c.createUser("carol", "plan=pro"), http.StatusBadRequest, "invalidValue", "a string for metadata", "object")
	_ = alice
}

func testMetadataKeys(t *testing.T, c *mdClient) {
	id := c.mustCreate("alice", map[string]any{"billing.plan": "pro", "a.b.c": 1, "x-y_Z": true})
	c.wantMetadata(id, map[string]any{"billing_plan": "pro", "a_b_c": 1, "x-y_Z": true})
	// The normalized key is the one that is locked and filtered.
	c.wantTypeError(c.createUser("bob", map[string]any{"billing_plan": 1}), "billing_plan", "strings", "a number")
	if got := c.filter(`metadata.billing_plan eq "pro"`); !slices.Equal(got, []string{"alice"}) {
		t.Errorf("filter metadata.billing_plan: %v", got)
	}
	for _, bad := range []string{"a b", "é", "a/b", "a:b"} {
		c.wantError(c.createUser("bob", map[string]any{bad: "x"}), http.StatusBadRequest, "invalidValue", "key "+bad, `"`+bad+`"`)
	}
	c.wantError(c.createUser("bob", map[string]any{"": "x"}), http.StatusBadRequest, "invalidValue", "an empty key", "empty")
	c.wantError(c.createUser("bob", map[string]any{strings.Repeat("k", 200): "x"}), http.StatusBadRequest, "invalidValue", "a long key", "longer than")
	c.wantError(c.createUser("bob", map[string]any{"a.b": "x", "a_b": "y"}), http.StatusBadRequest, "invalidValue", "a.b and a_b", `"a.b"`, `"a_b"`)
	c.wantError(c.createUser("bob", map[string]any{"Key": "x", "key": "y"}), http.StatusBadRequest, "invalidValue", "Key and key", `"Key"`, `"key"`)
	c.wantError(c.patch(id, map[string]any{"op": "add", "path": "metadata.a b", "value": "x"}), http.StatusBadRequest, "invalidValue", "PATCH metadata.a b", `"a b"`)
}

func testMetadataFilters(t *testing.T, c *mdClient) {
	c.mustCreate("alice", map[string]any{"plan": "Pro", "seats": 10, "trial": true})
	c.mustCreate("bob", map[string]any{"plan": "free", "seats": 25, "trial": false})
	c.mustCreate("carol", map[string]any{"PLAN": "enterprise", "nested": map[string]any{"plan": "x"}})
	c.mustCreate("dave", nil)
	for f, want := range map[string][]string{
		`metadata.plan eq "pro"`:                          {"alice"},
		`metadata.Plan eq "PRO"`:                          {"alice"},
		`metadata.plan ne "pro"`:                          {"bob", "carol", "dave"},
		`metadata.plan sw "ent"`:                          {"carol"},
		`metadata.seats gt 10`:                            {"bob"},
		`metadata.seats ge 10`:                            {"alice", "bob"},
		`metadata.seats lt 20 or metadata.trial eq false`: {"alice", "bob"},
		`metadata.trial eq true`:                          {"alice"},
		`metadata.plan pr`:                                {"alice", "bob", "carol"},
		`metadata.nested pr`:                              {"carol"},
		`metadata pr`:                                     {"alice", "bob", "carol"},
		`not (metadata pr)`:                               {"dave"},
		`metadata.seats eq "10"`:                          nil,
		`userName sw "a" and metadata.trial eq true`:      {"alice"},
	} {
		if got := c.filter(f); !slices.Equal(got, want) {
			t.Errorf("filter %s = %v, want %v", f, got, want)
		}
	}
	// POST .search too.
	r := c.must(c.do("POST", "/Users/.search", map[string]any{"schemas": []any{"urn:ietf:params:scim:api:messages:2.0:SearchRequest"},
		"filter": `metadata.seats gt 20`}), http.StatusOK, ".search")
	if n, _ := r.body["totalResults"].(json.Number).Int64(); n != 1 {
		t.Errorf(".search metadata.seats gt 20: %s", r.raw)
	}
	for _, f := range []string{`metadata eq "x"`, `metadata.trial gt true`, `metadata.seats co 1`, `metadata[plan eq "x"]`} {
		c.wantError(c.do("GET", "/Users?filter="+url.QueryEscape(f), nil), http.StatusBadRequest, "invalidFilter", "filter "+f)
	}
	c.wantError(c.do("GET", "/Groups?filter="+url.QueryEscape(`metadata.plan pr`), nil), http.StatusBadRequest, "invalidFilter", "groups by metadata")
}

func testMetadataPatch(t *testing.T, c *mdClient) {
	id := c.mustCreate("alice", map[string]any{"plan": "pro", "seats": 5})
	version := func() string {
		return c.must(c.do("GET", "/Users/"+id, nil), http.StatusOK, "GET").body["meta"].(map[string]any)["version"].(string)
	}
	steps := []struct {
		what string
		ops  []map[string]any
		want any
	}{
		{"add metadata merges", []map[string]any{{"op": "add", "path": "metadata", "value": map[string]any{"trial": true, "seats": 6}}},
			map[string]any{"plan": "pro", "seats": 6, "trial": true}},
		{"add metadata with null removes a key", []map[string]any{{"op": "Add", "path": "Metadata", "value": map[string]any{"trial": nil}}},
			map[string]any{"plan": "pro", "seats": 6}},
		{"add metadata.key", []map[string]any{{"op": "add", "path": "metadata.region", "value": "eu"}},
			map[string]any{"plan": "pro", "seats": 6, "region": "eu"}},
		{"replace metadata.KEY keeps the operation's spelling", []map[string]any{{"op": "replace", "path": "metadata.PLAN", "value": "team"}},
			map[string]any{"PLAN": "team", "seats": 6, "region": "eu"}},
		{"add a dotted key", []map[string]any{{"op": "add", "path": "metadata.a.b", "value": map[string]any{"deep": []any{1}}}},
			map[string]any{"PLAN": "team", "seats": 6, "region": "eu", "a_b": map[string]any{"deep": []any{1}}}},
		{"remove metadata.key", []map[string]any{{"op": "remove", "path": "metadata.region"}},
			map[string]any{"PLAN": "team", "seats": 6, "a_b": map[string]any{"deep": []any{1}}}},
		{"replace metadata.key with null removes it", []map[string]any{{"op": "replace", "path": "metadata.a_b", "value": nil}},
			map[string]any{"PLAN": "team", "seats": 6}},
		{"replace metadata replaces", []map[string]any{{"op": "replace", "path": "metadata", "value": map[string]any{"plan": "pro"}}},
			map[string]any{"plan": "pro"}},
		{"path-less add merges", []map[string]any{{"op": "add", "value": map[string]any{"metadata": map[string]any{"seats": 1}, "displayName": "Alice"}}},
			map[string]any{"plan": "pro", "seats": 1}},
		{"path-less dotted key", []map[string]any{{"op": "replace", "value": map[string]any{"metadata.trial": false}}},
			map[string]any{"plan": "pro", "seats": 1, "trial": false}},
		{"path-less replace replaces", []map[string]any{{"op": "replace", "value": map[string]any{"METADATA": map[string]any{"plan": "free"}}}},
			map[string]any{"plan": "free"}},
		{"several operations, in order", []map[string]any{
			{"op": "add", "path": "metadata.x", "value": "1"},
			{"op": "replace", "path": "title", "value": "Boss"},
			{"op": "remove", "path": "metadata.plan"},
			{"op": "add", "path": "metadata.plan", "value": "pro"},
		}, map[string]any{"x": "1", "plan": "pro"}},
		{"remove metadata", []map[string]any{{"op": "remove", "path": "metadata"}}, nil},
		{"add to no metadata", []map[string]any{{"op": "add", "path": "metadata.plan", "value": "pro"}}, map[string]any{"plan": "pro"}},
		{"replace metadata with null removes it", []map[string]any{{"op": "replace", "path": "metadata", "value": nil}}, nil},
	}
	for _, s := range steps {
		before := version()
		c.must(c.patch(id, s.ops...), http.StatusNoContent, s.what)
		c.wantMetadata(id, s.want)
		if version() == before {
			t.Errorf("%s: the version did not change", s.what)
		}
	}
	got := c.must(c.do("GET", "/Users/"+id, nil), http.StatusOK, "GET").body
	if got["displayName"] != "Alice" || got["title"] != "Boss" {
		t.Errorf("the other operations were not applied: %s", js(got))
	}
	// A PATCH that changes nothing keeps the version.
	c.must(c.patch(id, map[string]any{"op": "add", "path": "metadata.plan", "value": "pro"}), http.StatusNoContent, "set plan")
	before := version()
	c.must(c.patch(id, map[string]any{"op": "add", "path": "metadata.plan", "value": "pro"}), http.StatusNoContent, "set plan again")
	c.must(c.patch(id, map[string]any{"op": "remove", "path": "metadata.absent"}), http.StatusNoContent, "remove an absent key")
	if version() != before {
		t.Errorf("a PATCH that changes nothing changed the version")
	}
	// PATCH can answer with the resource.
	r := c.must(c.do("PATCH", "/Users/"+id+"?attributes=metadata", map[string]any{
		"schemas":    []any{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []any{map[string]any{"op": "add", "path": "metadata.seats", "value": 3}}}), http.StatusOK, "PATCH ?attributes=metadata")
	if !same(r.body["metadata"], map[string]any{"plan": "pro", "seats": 3}) {
		t.Errorf("PATCH ?attributes=metadata answered %s", r.raw)
	}
	// Errors.
	c.wantError(c.patch(id, map[string]any{"op": "add", "path": "metadata", "value": "x"}), http.StatusBadRequest, "invalidValue", "add metadata a string", "object")
	c.wantError(c.patch(id, map[string]any{"op": "add", "path": "metadata.list", "value": []any{1}}), http.StatusBadRequest, "invalidValue", "add an array", `"list"`)
	c.wantError(c.patch(id, map[string]any{"op": "add", "path": `metadata[plan eq "x"]`, "value": "x"}), http.StatusBadRequest, "invalidPath", "a value filter")
	c.wantError(c.patch(id, map[string]any{"op": "move", "path": "metadata.plan", "value": "x"}), http.StatusBadRequest, "invalidSyntax", "op move")
	// A failing operation applies nothing, metadata included.
	r = c.patch(id, map[string]any{"op": "add", "path": "metadata.z", "value": "1"}, map[string]any{"op": "replace", "path": "userName", "value": nil})
	if r.status != http.StatusBadRequest {
		t.Errorf("PATCH with a bad operation: %d %s", r.status, r.raw)
	}
	c.wantMetadata(id, map[string]any{"plan": "pro", "seats": 3})
	// If-Match applies.
	r = c.do("GET", "/Users/"+id, nil)
	req := func(etag string) int {
		hreq, _ := http.NewRequestWithContext(t.Context(), "PATCH", c.tg.BaseURL+"/Users/"+id, strings.NewReader(
			`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"metadata.n","value":1}]}`))
		hreq.Header.Set("Authorization", "Bearer "+c.tg.Token)
		hreq.Header.Set("If-Match", etag)
		res, err := c.tg.Client.Do(hreq)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		return res.StatusCode
	}
	if got := req(`W/"999"`); got != http.StatusPreconditionFailed {
		t.Errorf("PATCH metadata with a stale If-Match: %d, want 412", got)
	}
	if got := req(r.body["meta"].(map[string]any)["version"].(string)); got != http.StatusNoContent {
		t.Errorf("PATCH metadata with the current If-Match: %d, want 204", got)
	}
}

func testMetadataPut(t *testing.T, c *mdClient) {
	id := c.mustCreate("alice", map[string]any{"plan": "pro", "seats": 5})
	// A PUT without metadata keeps it (like the password).
	c.must(c.do("PUT", "/Users/"+id, map[string]any{"schemas": []any{schemas.UserURN}, "userName": "alice", "title": "x"}), http.StatusOK, "PUT without metadata")
	c.wantMetadata(id, map[string]any{"plan": "pro", "seats": 5})
	r := c.must(c.do("PUT", "/Users/"+id, userBody("alice", map[string]any{"plan": "team", "a.b": 1})), http.StatusOK, "PUT with metadata")
	if !same(r.body["metadata"], map[string]any{"plan": "team", "a_b": 1}) {
		t.Errorf("PUT response metadata = %s", js(r.body["metadata"]))
	}
	c.wantMetadata(id, map[string]any{"plan": "team", "a_b": 1})
	c.must(c.do("PUT", "/Users/"+id, map[string]any{"schemas": []any{schemas.UserURN}, "userName": "alice", "metadata": nil}), http.StatusOK, "PUT with metadata null")
	c.wantMetadata(id, nil)
}

func testMetadataGroups(t *testing.T, c *mdClient) {
	r := c.must(c.do("POST", "/Groups", map[string]any{"schemas": []any{schemas.GroupURN}, "displayName": "g", "metadata": map[string]any{"plan": 1}}),
		http.StatusCreated, "POST group with metadata")
	if _, ok := r.body["metadata"]; ok {
		t.Errorf("a group kept metadata: %s", r.raw)
	}
	id := r.body["id"].(string)
	got := c.must(c.do("GET", "/Groups/"+id, nil), http.StatusOK, "GET group").body
	if _, ok := got["metadata"]; ok {
		t.Errorf("a group kept metadata: %s", js(got))
	}
	// The group's ignored metadata locked nothing.
	c.mustCreate("alice", map[string]any{"plan": "pro"})
}

func testHTTPLookup(t *testing.T, c *mdClient) {
	ctx := t.Context()
	name := strings.TrimSuffix(strings.TrimPrefix(c.tg.BaseURL[strings.Index(c.tg.BaseURL, "/tenants/"):], "/tenants/"), "/scim/v2")
	tenant, err := c.store.Tenant(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := applyDefinition(ctx, c.store, tenant, []byte(`{"User":[{"name":"badgeId","type":"string","identifier":true}]}`)); err != nil {
		t.Fatal(err)
	}
	if tenant, err = c.store.Tenant(ctx, name); err != nil {
		t.Fatal(err)
	}
	r := c.must(c.do("POST", "/Users", map[string]any{
		"schemas": []any{schemas.UserURN, schemas.TenantUserURN}, "userName": "alice", "externalId": "ext-1",
		"emails":              []any{map[string]any{"value": "alice@example.com", "primary": true}, map[string]any{"value": "a@home.example"}},
		"phoneNumbers":        []any{map[string]any{"value": "+1 (555) 010-0000", "type": "work"}},
		schemas.TenantUserURN: map[string]any{"badgeId": "B-42"},
	}), http.StatusCreated, "POST alice")
	alice := r.body["id"].(string)
	// The phone number is returned as written, and found however written.
	if got := r.body["phoneNumbers"].([]any)[0].(map[string]any)["value"]; got != "+1 (555) 010-0000" {
		t.Errorf("phone number returned as %v", got)
	}
	for _, f := range []string{`phoneNumbers.value eq "+15550100000"`, `phoneNumbers.value eq "+1 555-010-0000"`, `phoneNumbers[type eq "work" and value eq "+1.555.010.0000"]`} {
		if got := c.filter(f); !slices.Equal(got, []string{"alice"}) {
			t.Errorf("filter %s = %v", f, got)
		}
	}
	set, err := schemas.NewRegistry(func(ctx context.Context, id string, v int64) ([]byte, error) {
		return c.store.TenantSchema(ctx, storage.TenantID(id), v)
	}).ForTenant(ctx, string(tenant.ID), tenant.SchemaVersion)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"ALICE", "ext-1", "Alice@Example.com", "A@HOME.example", "+15550100000", "+1 555 0100 000", "b-42"} {
		got, err := c.store.Lookup(ctx, tenant.ID, &set.User, v)
		if err != nil {
			t.Fatalf("Lookup %q: %v", v, err)
		}
		if len(got) != 1 || got[0].ID != alice {
			t.Errorf("Lookup %q found %d users, want alice", v, len(got))
		}
	}
	if got, err := c.store.Lookup(ctx, tenant.ID, &set.User, "EXT-1"); err != nil || len(got) != 0 {
		t.Errorf("Lookup EXT-1 = %d users, %v; want none (externalId is exact)", len(got), err)
	}
}
