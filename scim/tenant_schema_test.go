package scim_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/scim"
	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/mysql/mysqltest"
	"github.com/scimd/scimd/storage/sqlite"
)

// TestTenantSchemaSQLite applies tenant schemas to a running handler, on
// SQLite.
func TestTenantSchemaSQLite(t *testing.T) {
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "scimd.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	testTenantSchema(t, s)
	t.Run("UniqueEmails", func(t *testing.T) {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "scimd.db"), slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		testUniqueEmailsHTTP(t, s)
	})
}

// TestTenantSchemaMySQL is TestTenantSchemaSQLite on MySQL, when a server is
// configured (see mysqltest).
func TestTenantSchemaMySQL(t *testing.T) {
	testTenantSchema(t, mysqltest.StoreFactory(t)(t))
	t.Run("UniqueEmails", func(t *testing.T) { testUniqueEmailsHTTP(t, mysqltest.StoreFactory(t)(t)) })
}

// testUniqueEmailsHTTP turns on a tenant's uniqueEmails: /Schemas says
// emails.value is unique, and a taken email, in any case, gets 409
// uniqueness naming it on POST, PUT and PATCH, changing nothing.
func testUniqueEmailsHTTP(t *testing.T, store storage.Store) {
	target := newTargets(t, store, slog.New(slog.DiscardHandler))(t)
	c := &tsClient{t: t, base: target.BaseURL, token: target.Token, hc: target.Client}
	tn, err := store.Tenant(t.Context(), "t1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := applyDefinition(t.Context(), store, tn, []byte(`{"uniqueEmails": true}`)); err != nil {
		t.Fatalf("ApplyDefinition: %v", err)
	}
	emails := func(name, email string) map[string]any {
		return map[string]any{"schemas": []string{schemas.UserURN}, "userName": name,
			"emails": []any{map[string]any{"value": email, "type": "work", "primary": true}}}
	}
	ann := c.must(http.StatusCreated, http.MethodPost, "/Users", emails("ann", "ann@example.com"))
	bob := c.must(http.StatusCreated, http.MethodPost, "/Users", emails("bob", "bob@example.com"))
	bobID, _ := bob["id"].(string)

	user := tsSchemaAttrs(c.must(http.StatusOK, http.MethodGet, "/Schemas/"+schemas.UserURN, nil))["emails"]
	subs, _ := user["subAttributes"].([]any)
	uniqueness := ""
	for _, sub := range subs {
		if m, _ := sub.(map[string]any); m["name"] == "value" {
			uniqueness, _ = m["uniqueness"].(string)
		}
	}
	if uniqueness != "server" {
		t.Errorf("/Schemas: emails.value uniqueness %q, want server", uniqueness)
	}
	for _, r := range []tsResp{
		c.do(http.MethodPost, "/Users", emails("cy", "ANN@Example.com")),
		c.do(http.MethodPut, "/Users/"+bobID, emails("bob", "ann@example.COM")),
		c.do(http.MethodPatch, "/Users/"+bobID, map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
			"Operations": []any{map[string]any{"op": "replace", "path": `emails[type eq "work"].value`, "value": "Ann@example.com"}}}),
	} {
		if d, _ := r.body["detail"].(string); r.status != http.StatusConflict || r.body["scimType"] != "uniqueness" || !strings.Contains(d, "emails.value") {
			t.Errorf("a taken email: %d %s, want 409 uniqueness naming emails.value", r.status, r.raw)
		}
	}
	got := c.must(http.StatusOK, http.MethodGet, "/Users/"+bobID, nil)
	if list, _ := got["emails"].([]any); len(list) != 1 || list[0].(map[string]any)["value"] != "bob@example.com" {
		t.Errorf("bob after refused writes: emails %v", got["emails"])
	}
	if ann["id"] == nil {
		t.Errorf("ann has no id")
	}
}

const tsTenantURN = schemas.TenantUserURN

// tsClient talks to one tenant of a handler.
type tsClient struct {
	t     *testing.T
	base  string
	token string
	hc    *http.Client
}

// tsResp is a response with its decoded JSON body.
type tsResp struct {
	status int
	body   map[string]any
	raw    string
}

func (c *tsClient) do(method, path string, body any) tsResp {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	raw, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		c.t.Fatal(err)
	}
	r := tsResp{status: resp.StatusCode, raw: string(raw)}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &r.body)
	}
	return r
}

// must checks the status and returns the body.
func (c *tsClient) must(status int, method, path string, body any) map[string]any {
	c.t.Helper()
	r := c.do(method, path, body)
	if r.status != status {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, status, r.raw)
	}
	return r.body
}

// list runs GET path and returns the userNames of the resources, in order.
func (c *tsClient) list(path string) []string {
	c.t.Helper()
	body := c.must(http.StatusOK, http.MethodGet, path, nil)
	var out []string
	res, _ := body["Resources"].([]any)
	for _, r := range res {
		out = append(out, r.(map[string]any)["userName"].(string))
	}
	return out
}

func (c *tsClient) checkList(path string, want ...string) {
	c.t.Helper()
	if got := c.list(path); !slices.Equal(got, want) {
		c.t.Errorf("GET %s: %v, want %v", path, got, want)
	}
}

func tsFilterPath(f string, rest ...string) string {
	return "/Users?filter=" + url.QueryEscape(f) + strings.Join(rest, "")
}

// schemaAttrs returns the attributes of a /Schemas entry by name.
func tsSchemaAttrs(entry map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	list, _ := entry["attributes"].([]any)
	for _, a := range list {
		m, _ := a.(map[string]any)
		name, _ := m["name"].(string)
		out[name] = m
	}
	return out
}

// findByID returns the entry of a ListResponse with the given id.
func tsFindByID(list map[string]any, id string) map[string]any {
	res, _ := list["Resources"].([]any)
	for _, r := range res {
		if m, _ := r.(map[string]any); m != nil && m["id"] == id {
			return m
		}
	}
	return nil
}

// userExtensions returns the schemaExtensions of the User resource type.
func tsUserExtensions(c *tsClient) []string {
	c.t.Helper()
	rts := c.must(http.StatusOK, http.MethodGet, "/ResourceTypes", nil)
	user := tsFindByID(rts, "User")
	if user == nil {
		c.t.Fatalf("GET /ResourceTypes: no User")
	}
	var out []string
	exts, _ := user["schemaExtensions"].([]any)
	for _, e := range exts {
		m, _ := e.(map[string]any)
		s, _ := m["schema"].(string)
		if s == tsTenantURN && m["required"] != false {
			c.t.Errorf("the tenant extension is %v, want required false", m)
		}
		out = append(out, s)
	}
	return out
}

func tsUserBody(name string, custom map[string]any) map[string]any {
	b := map[string]any{"schemas": []any{schemas.UserURN}, "userName": name}
	if custom != nil {
		b["schemas"] = []any{schemas.UserURN, tsTenantURN}
		b[tsTenantURN] = custom
	}
	return b
}

func testTenantSchema(t *testing.T, store storage.Store) {
	ctx := t.Context()
	target := newTargets(t, store, slog.New(slog.DiscardHandler))(t)
	c := &tsClient{t: t, base: target.BaseURL, token: target.Token, hc: target.Client}
	// A second handler on the same database: another scimd instance.
	h2, err := scim.NewHandler(scim.Config{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h2.Register(mux)
	srv2 := httptest.NewServer(mux)
	t.Cleanup(srv2.Close)
	base, err := url.Parse(target.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	c2 := &tsClient{t: t, base: srv2.URL + base.Path, token: target.Token, hc: srv2.Client()}

	apply := func(def string) (int64, error) {
		t.Helper()
		tn, err := store.Tenant(ctx, "t1")
		if err != nil {
			t.Fatal(err)
		}
		return applyDefinition(ctx, store, tn, []byte(def))
	}
	mustApply := func(def string, want int64) {
		t.Helper()
		v, err := apply(def)
		if err != nil {
			t.Fatalf("ApplyDefinition: %v", err)
		}
		if v != want {
			t.Errorf("ApplyDefinition: version %d, want %d", v, want)
		}
	}

	// Before: no tenant extension, and both handlers have built and cached
	// the tenant's default schema.
	for _, cl := range []*tsClient{c, c2} {
		cl.must(http.StatusNotFound, http.MethodGet, "/Schemas/"+tsTenantURN, nil)
		if exts := tsUserExtensions(cl); slices.Contains(exts, tsTenantURN) {
			t.Errorf("before any definition, /ResourceTypes lists %v", exts)
		}
		cl.must(http.StatusCreated, http.MethodPost, "/Users", tsUserBody("warmup-"+fmt.Sprint(cl == c2), nil))
	}
	if r := c.do(http.MethodGet, tsFilterPath(`badgeId eq "B-1"`), nil); r.status != http.StatusBadRequest {
		t.Errorf("filter on an undefined attribute: %d %s, want 400", r.status, r.raw)
	}

	def1 := `{"User": [
		{"name": "badgeId", "type": "string", "identifier": true, "description": "Badge number"},
		{"name": "hireDate", "type": "dateTime"}]}`
	mustApply(def1, 1)

	// Without a restart: create users with the new attributes.
	ids := map[string]string{}
	for _, u := range []struct {
		name   string
		custom map[string]any
	}{
		{"alice", map[string]any{"badgeId": "B-1", "hireDate": "2021-03-01T09:00:00Z"}},
		{"bob", map[string]any{"badgeId": "B-2", "hireDate": "2019-07-15T00:00:00Z"}},
		{"carol", map[string]any{"badgeId": "B-3", "hireDate": "2023-11-30T17:30:00Z"}},
	} {
		body := c.must(http.StatusCreated, http.MethodPost, "/Users", tsUserBody(u.name, u.custom))
		ids[u.name], _ = body["id"].(string)
		ext, _ := body[tsTenantURN].(map[string]any)
		if ext["badgeId"] != u.custom["badgeId"] || ext["hireDate"] == nil {
			t.Errorf("POST %s: tenant extension %v, want %v", u.name, body[tsTenantURN], u.custom)
		}
		if sch, _ := body["schemas"].([]any); !slices.Contains(sch, any(tsTenantURN)) {
			t.Errorf("POST %s: schemas %v lack %s", u.name, sch, tsTenantURN)
		}
	}
	// dave is created through the other instance.
	dave := c2.must(http.StatusCreated, http.MethodPost, "/Users", tsUserBody("dave", map[string]any{"badgeId": "B-4"}))
	ids["dave"], _ = dave["id"].(string)
	got := c.must(http.StatusOK, http.MethodGet, "/Users/"+ids["alice"], nil)
	if ext, _ := got[tsTenantURN].(map[string]any); ext["badgeId"] != "B-1" {
		t.Errorf("GET alice: tenant extension %v", got[tsTenantURN])
	}

	// Discovery shows the extension, on both instances.
	for _, cl := range []*tsClient{c, c2} {
		list := cl.must(http.StatusOK, http.MethodGet, "/Schemas", nil)
		entry := tsFindByID(list, tsTenantURN)
		if entry == nil {
			t.Fatalf("GET /Schemas does not list %s: %v", tsTenantURN, list)
		}
		one := cl.must(http.StatusOK, http.MethodGet, "/Schemas/"+tsTenantURN, nil)
		for what, e := range map[string]map[string]any{"/Schemas": entry, "/Schemas/" + tsTenantURN: one} {
			attrs := tsSchemaAttrs(e)
			if b := attrs["badgeId"]; b == nil || b["type"] != "string" || b["uniqueness"] != "server" || b["description"] != "Badge number" {
				t.Errorf("GET %s: badgeId is %v, want a unique string", what, b)
			}
			if h := attrs["hireDate"]; h == nil || h["type"] != "dateTime" || h["uniqueness"] != "none" {
				t.Errorf("GET %s: hireDate is %v, want a dateTime", what, h)
			}
		}
		if exts := tsUserExtensions(cl); !slices.Contains(exts, tsTenantURN) || !slices.Contains(exts, schemas.EnterpriseUserURN) {
			t.Errorf("GET /ResourceTypes: User extensions %v, want the enterprise and the tenant extension", exts)
		}
	}

	// Filters and sorting.
	c.checkList(tsFilterPath(`badgeId eq "b-1"`), "alice")
	c.checkList(tsFilterPath(tsTenantURN+`:badgeId eq "B-2"`), "bob")
	c.checkList(tsFilterPath(`hireDate gt "2020-01-01T00:00:00Z"`, "&sortBy=hireDate"), "alice", "carol")
	c.checkList(tsFilterPath(`badgeId pr`, "&sortBy=hireDate"), "bob", "alice", "carol", "dave")
	c.checkList(tsFilterPath(`badgeId pr`, "&sortBy="+url.QueryEscape(tsTenantURN+":hireDate")+"&sortOrder=descending"), "dave", "carol", "alice", "bob")
	c.checkList(tsFilterPath(`badgeId sw "b-" and not (hireDate lt "2020-01-01T00:00:00Z")`, "&sortBy=badgeId&sortOrder=descending"), "dave", "carol", "alice")
	search := c.must(http.StatusOK, http.MethodPost, "/Users/.search", map[string]any{
		"schemas": []any{"urn:ietf:params:scim:api:messages:2.0:SearchRequest"},
		"filter":  `badgeId eq "B-3"`,
	})
	if search["totalResults"] != 1.0 {
		t.Errorf("POST /Users/.search badgeId: %v", search)
	}

	// A duplicate identifier is a 409 uniqueness, on POST, PUT and PATCH.
	wantConflict := func(r tsResp, what string) {
		t.Helper()
		if r.status != http.StatusConflict || r.body["scimType"] != "uniqueness" {
			t.Errorf("%s: %d %s, want 409 uniqueness", what, r.status, r.raw)
		}
	}
	wantConflict(c.do(http.MethodPost, "/Users", tsUserBody("erin", map[string]any{"badgeId": "b-1"})), "POST with alice's badgeId")
	wantConflict(c2.do(http.MethodPost, "/Users", tsUserBody("erin", map[string]any{"badgeId": "B-2"})), "POST with bob's badgeId to the other instance")
	wantConflict(c.do(http.MethodPut, "/Users/"+ids["carol"], tsUserBody("carol", map[string]any{"badgeId": "B-1"})), "PUT carol with alice's badgeId")
	wantConflict(c.do(http.MethodPatch, "/Users/"+ids["bob"], map[string]any{
		"schemas":    []any{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []any{map[string]any{"op": "replace", "path": tsTenantURN + ":badgeId", "value": "B-1"}},
	}), "PATCH bob to alice's badgeId")
	c.checkList(tsFilterPath(`badgeId eq "B-2"`), "bob")

	// Change the definition again: the next request, on either instance,
	// sees the new attribute.
	def2 := `{"User": [
		{"name": "badgeId", "type": "string", "identifier": true, "description": "Badge number"},
		{"name": "hireDate", "type": "dateTime"},
		{"name": "level", "type": "integer"},
		{"name": "spare", "type": "string"}]}`
	mustApply(def2, 2)
	for _, cl := range []*tsClient{c, c2} {
		one := cl.must(http.StatusOK, http.MethodGet, "/Schemas/"+tsTenantURN, nil)
		if l := tsSchemaAttrs(one)["level"]; l == nil || l["type"] != "integer" {
			t.Errorf("GET /Schemas/%s after the second definition: level is %v", tsTenantURN, l)
		}
	}
	c2.must(http.StatusCreated, http.MethodPost, "/Users", tsUserBody("frank", map[string]any{"badgeId": "B-6", "level": 5}))
	if r := c.do(http.MethodPatch, "/Users/"+ids["alice"], map[string]any{
		"schemas":    []any{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []any{map[string]any{"op": "add", "path": tsTenantURN + ":level", "value": 3}},
	}); r.status != http.StatusOK && r.status != http.StatusNoContent {
		t.Errorf("PATCH alice add level: %d %s", r.status, r.raw)
	}
	c.checkList(tsFilterPath(`level ge 3`, "&sortBy=level"), "alice", "frank")
	c2.checkList(tsFilterPath(`level gt 3`), "frank")

	// Bad definitions are refused with an error that names the problem;
	// nothing changes.
	for _, bad := range []struct{ def, want string }{
		{`not json`, "not a schema definition"},
		{`{"User": [{"name": "x", "type": "strin"}]}`, `User.x: type "strin" is not one of`},
		{`{"User": [{"name": "x", "type": "string", "unique": true}]}`, `unknown field "unique"`},
		{`{"User": [{"name": "userName", "type": "string"}]}`, "User.userName: the core User schema has an attribute of this name"},
		{`{"User": [{"name": "n", "type": "integer", "identifier": true}]}`, "User.n: an identifier is a single-valued string"},
		{`{"User": [{"name": "n", "type": "integer", "uniqueness": "server"}]}`, "User.n: only string, reference and dateTime attributes can be unique"},
		{`{"User": [{"name": "p", "type": "string", "uniqueness": "server", "returned": "never"}]}`, `User.p: a unique attribute cannot be returned "never"`},
		{`{"User": [{"name": "c", "type": "complex", "multiValued": true, "subAttributes": [{"name": "v", "type": "string", "uniqueness": "server"}]}]}`, "User.c: sub-attribute v cannot be unique: c is multi-valued"},
		{`{"User": [{"name": "2x", "type": "string"}]}`, "User.2x: a name starts with a letter"},
		{`{"User": [{"name": "a", "type": "string"}, {"name": "A", "type": "string"}]}`, "User.A: defined twice"},
		{`{"Group": [{"name": "c", "type": "complex"}]}`, "Group.c: a complex attribute needs subAttributes"},
	} {
		_, err := apply(bad.def)
		var de *schemas.DefinitionError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ApplyDefinition(%s) = %v, want a DefinitionError mentioning %q", bad.def, err, bad.want)
		}
	}

	// A type change of an attribute that holds values is refused, naming
	// the attribute and the resources in the way; so is removing it.
	_, err = apply(strings.Replace(def2, `"name": "hireDate", "type": "dateTime"`, `"name": "hireDate", "type": "string"`, 1))
	if err == nil || !strings.Contains(err.Error(), "User.hireDate") || !strings.Contains(err.Error(), "remove the values first") ||
		!strings.Contains(err.Error(), ids["alice"]) || !strings.Contains(err.Error(), ids["bob"]) || !strings.Contains(err.Error(), ids["carol"]) || strings.Contains(err.Error(), ids["dave"]) {
		t.Errorf("hireDate to string with values: %v; want a refusal naming User.hireDate, alice, bob and carol but not dave", err)
	}
	_, err = apply(strings.Replace(def2, `{"name": "level", "type": "integer"},`, ``, 1))
	if err == nil || !strings.Contains(err.Error(), "User.level") || !strings.Contains(err.Error(), ids["alice"]) {
		t.Errorf("removing level with values: %v; want a refusal naming User.level and alice", err)
	}
	c.checkList(tsFilterPath(`hireDate lt "2020-01-01T00:00:00Z"`), "bob")
	if h := tsSchemaAttrs(c.must(http.StatusOK, http.MethodGet, "/Schemas/"+tsTenantURN, nil))["hireDate"]; h["type"] != "dateTime" {
		t.Errorf("after refused changes, hireDate is %v", h)
	}

	// A type change of an attribute without values is allowed.
	mustApply(strings.Replace(def2, `{"name": "spare", "type": "string"}`, `{"name": "spare", "type": "boolean"}`, 1), 3)
	if sp := tsSchemaAttrs(c2.must(http.StatusOK, http.MethodGet, "/Schemas/"+tsTenantURN, nil))["spare"]; sp["type"] != "boolean" {
		t.Errorf("after the change, spare is %v, want boolean", sp)
	}
	c.must(http.StatusCreated, http.MethodPost, "/Users", tsUserBody("gina", map[string]any{"spare": true}))
	c.checkList(tsFilterPath(`spare eq true`), "gina")
	tn, err := store.Tenant(ctx, "t1")
	if err != nil || tn.SchemaVersion != 3 {
		t.Errorf("tenant schema version %d (%v), want 3", tn.SchemaVersion, err)
	}
}
