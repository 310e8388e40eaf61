package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/scim"
	"github.com/scimd/scimd/storage"
)

const tenantExt = schemas.TenantUserURN

// storedUser reads a user's stored document straight from the store.
func storedUser(t *testing.T, e *env, tenant, id string) storage.Resource {
	t.Helper()
	ten, err := e.store.Tenant(t.Context(), tenant)
	if err != nil {
		t.Fatal(err)
	}
	rt := userType(t, e, ten)
	res, err := e.store.Get(t.Context(), ten.ID, rt, id, storage.GetOptions{})
	if err != nil {
		t.Fatalf("store.Get %s: %v", id, err)
	}
	return res
}

// userType returns a tenant's User resource type, as the store reads it.
func userType(t *testing.T, e *env, ten storage.Tenant) *schemas.ResourceType {
	t.Helper()
	reg := schemas.NewRegistry(func(ctx context.Context, id string, version int64) ([]byte, error) {
		return e.store.TenantSchema(ctx, storage.TenantID(id), version)
	})
	set, err := reg.ForTenant(t.Context(), string(ten.ID), ten.SchemaVersion)
	if err != nil {
		t.Fatal(err)
	}
	return &set.User
}

func testUserWrites(t *testing.T, e *env) {
	r0 := acmeAndBeta(t, e)
	platform, acmeAdmin, auditor, noRole := r0.platform, r0.acmeAdmin, r0.auditor, r0.noRole
	e.want(e.do("PUT", "/admin/v1/tenants/acme/schema", platform, `{"User":[{"name":"badgeId","type":"string","identifier":true}]}`), 200, "schema")
	users := "/admin/v1/tenants/acme/users"
	count := func() float64 {
		t.Helper()
		return e.want(e.do("GET", users+"/count", platform, nil), 200, "count").body["total"].(float64)
	}

	// Create: the SCIM API's checks, and an email or phone.
	r := e.want(e.do("POST", users, acmeAdmin, map[string]any{
		"userName": "alice", "password": "correct horse battery",
		"emails":             []any{map[string]any{"value": "alice@example.com", "primary": true}},
		"name":               map[string]any{"givenName": "Alice", "familyName": "Liddell"},
		"displayName":        "Alice L",
		tenantExt:            map[string]any{"badgeId": "B-1"},
		schemas.ScimdUserURN: map[string]any{"status": "pending"},
	}), 201, "create alice")
	alice, _ := r.body["id"].(string)
	if alice == "" || r.header.Get("Location") != users+"/"+alice || r.body["status"] != "pending" ||
		strings.Contains(string(r.raw), "correct horse") || strings.Contains(string(r.raw), `"password"`) {
		t.Fatalf("created alice: %s (Location %q)", r.raw, r.header.Get("Location"))
	}
	if pw, _ := storedUser(t, e, "acme", alice).Attributes["password"].(string); !strings.HasPrefix(pw, "$argon2id$") {
		t.Errorf("alice's stored password is not an argon2id hash: %q", pw)
	}
	r = e.want(e.do("POST", users, acmeAdmin, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob","phoneNumbers":[{"value":"+1 555 010 0002"}]}`), 201, "create bob, phone only")
	bob := r.body["id"].(string)
	before := count()
	// One email more than the multi-valued attribute limit.
	var many []string
	for i := range scim.DefaultMaxMultiValues + 1 {
		many = append(many, fmt.Sprintf(`{"value":"c%d@example.com"}`, i))
	}
	tooManyEmails := `"emails":[` + strings.Join(many, ",") + `]`
	refused := []struct {
		what, body string
		status     int
		scimType   string
		detail     string
	}{
		{"too many emails", `{"userName":"carol",` + tooManyEmails + `}`, 400, "invalidValue", "emails has " + strconv.Itoa(scim.DefaultMaxMultiValues+1) + " values"},
		{"no email or phone", `{"userName":"carol"}`, 400, "invalidValue", "email"},
		{"empty email list", `{"userName":"carol","emails":[]}`, 400, "invalidValue", "phone"},
		{"userName taken", `{"userName":"ALICE","emails":[{"value":"a2@example.com"}]}`, 409, "uniqueness", "userName"},
		{"badgeId taken", `{"userName":"carol","emails":[{"value":"c@example.com"}],"` + tenantExt + `":{"badgeId":"B-1"}}`, 409, "uniqueness", "unique"},
		{"short password", `{"userName":"carol","emails":[{"value":"c@example.com"}],"password":"short"}`, 400, "invalidValue", "password policy"},
		{"bad timezone", `{"userName":"carol","emails":[{"value":"c@example.com"}],"timezone":"Mars/Olympus"}`, 400, "invalidValue", "timezone"},
		{"bad phone", `{"userName":"carol","phoneNumbers":[{"value":"call me"}]}`, 400, "invalidValue", "phone"},
		{"wrong type", `{"userName":42,"emails":[{"value":"c@example.com"}]}`, 400, "invalidValue", ""},
		{"no userName", `{"emails":[{"value":"c@example.com"}]}`, 400, "invalidValue", ""},
		{"bad status", `{"userName":"carol","emails":[{"value":"c@example.com"}],"` + schemas.ScimdUserURN + `":{"status":"asleep"}}`, 400, "invalidValue", "status"},
		{"not a core user", `{"schemas":["urn:example:other"],"userName":"carol","emails":[{"value":"c@example.com"}]}`, 400, "invalidSyntax", ""},
		{"not JSON", `{"userName":`, 400, "", "JSON"},
		{"not an object", `["userName"]`, 400, "", "JSON"},
	}
	for _, c := range refused {
		r := e.want(e.do("POST", users, acmeAdmin, c.body), c.status, "create: "+c.what)
		if d, _ := r.body["detail"].(string); !strings.Contains(d, c.detail) || r.body["scim_type"] != nil && r.body["scim_type"] != c.scimType ||
			c.scimType != "" && r.body["scim_type"] != c.scimType {
			t.Errorf("create %s: %s; want scim_type %q, detail with %q", c.what, r.raw, c.scimType, c.detail)
		}
		if strings.Contains(strings.ToLower(string(r.raw)), "sql") {
			t.Errorf("create %s: SQL in the answer: %s", c.what, r.raw)
		}
	}
	if n := count(); n != before {
		t.Errorf("refused creates changed the count: %v, want %v", n, before)
	}
	// The same refusals as the SCIM API's, word for word.
	scimTok := e.want(e.do("POST", "/admin/v1/tenants/acme/credentials", platform, map[string]any{"name": "okta"}), 201, "credential").body["token"].(string)
	for _, body := range []string{
		`"userName":"ALICE","emails":[{"value":"a2@example.com"}]`,
		`"userName":"carol","emails":[{"value":"c@example.com"}],"password":"short"`,
		`"userName":"carol","emails":[{"value":"c@example.com"}],"timezone":"Mars/Olympus"`,
		`"userName":"carol","phoneNumbers":[{"value":"call me"}]`,
		`"userName":"carol",` + tooManyEmails,
		`"userName":42,"emails":[{"value":"c@example.com"}]`,
		`"userName":"carol","emails":[{"value":"c@example.com"}],"` + schemas.ScimdUserURN + `":{"status":"asleep"}`,
	} {
		doc := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","` + schemas.ScimdUserURN + `"],` + body + `}`
		r := e.do("POST", users, acmeAdmin, doc)
		code, scimErr := scimJSON(t, e, "POST", "/tenants/acme/scim/v2/Users", scimTok, doc)
		// Storage's uniqueness error has the admin API's own words.
		if r.status != code || r.body["scim_type"] != scimErr["scimType"] || code != 409 && r.body["detail"] != scimErr["detail"] {
			t.Errorf("create %s: admin %d %s; SCIM %d %v", body, r.status, r.raw, code, scimErr)
		}
	}

	// PUT replaces as SCIM's PUT: password, status and metadata kept.
	r = e.want(e.do("PUT", users+"/"+alice, acmeAdmin, map[string]any{
		"userName": "alice", "title": "Queen", "emails": []any{map[string]any{"value": "alice@example.com"}},
		tenantExt: map[string]any{"badgeId": "B-1"},
	}), 200, "PUT alice")
	attrs := r.body["attributes"].(map[string]any)
	if attrs["title"] != "Queen" || attrs["displayName"] != nil || attrs["name"] != nil || r.body["status"] != "pending" || r.body["version"] != float64(2) {
		t.Errorf("PUT alice = %s", r.raw)
	}
	if pw, _ := storedUser(t, e, "acme", alice).Attributes["password"].(string); !strings.HasPrefix(pw, "$argon2id$") {
		t.Errorf("PUT without a password dropped alice's: %q", pw)
	}
	e.want(e.do("PUT", users+"/"+alice, acmeAdmin, `{"userName":"bob","emails":[{"value":"alice@example.com"}]}`), 409, "PUT alice to bob's userName")
	e.want(e.do("PUT", users+"/"+alice, acmeAdmin, `{"title":"no userName"}`), 400, "PUT without userName")

	// PATCH is a JSON merge patch of the document GET shows.
	r = e.want(e.do("PATCH", users+"/"+alice, acmeAdmin, `{"title":null,"name":{"givenName":"Al"},"nickName":"Ally","active":true}`), 200, "merge alice")
	attrs = r.body["attributes"].(map[string]any)
	if attrs["title"] != nil || attrs["nickName"] != "Ally" || attrs["name"].(map[string]any)["givenName"] != "Al" ||
		attrs[tenantExt].(map[string]any)["badgeId"] != "B-1" || r.body["status"] != "active" || r.body["version"] != float64(3) {
		t.Errorf("merged alice = %s", r.raw)
	}
	oldHash := storedUser(t, e, "acme", alice).Attributes["password"]
	r = e.want(e.do("PATCH", users+"/"+alice, acmeAdmin, `{"password":"another good one"}`), 200, "merge alice's password")
	if pw := storedUser(t, e, "acme", alice).Attributes["password"]; pw == oldHash || !strings.HasPrefix(pw.(string), "$argon2id$") || strings.Contains(string(r.raw), "another good") {
		t.Errorf("password change: stored %v; answer %s", pw, r.raw)
	}
	version := r.body["version"]
	for what, body := range map[string]string{
		"short password":      `{"password":"short"}`,
		"emails not a list":   `{"emails":"nope"}`,
		"drop userName":       `{"userName":null}`,
		"deprovisioned→susp.": `{"active":"sometimes"}`,
		"bad birthday":        `{"` + schemas.ScimdUserURN + `":{"birthday":"yesterday"}}`,
		"not an object":       `"title"`,
		"too many emails":     `{` + tooManyEmails + `}`,
	} {
		e.want(e.do("PATCH", users+"/"+alice, acmeAdmin, body), 400, "merge alice: "+what)
	}
	e.want(e.do("PATCH", users+"/"+alice, acmeAdmin, `{"userName":"Bob"}`), 409, "merge alice: bob's userName")
	if r := e.want(e.do("GET", users+"/"+alice, auditor, nil), 200, "alice after refused writes"); r.body["version"] != version || r.body["user_name"] != "alice" {
		t.Errorf("a refused write changed alice: %s", r.raw)
	}

	// By identifier: exactly one user, or 404, or 409.
	for _, id := range []string{"alice", "ALICE@example.com", "B-1"} {
		r := e.want(e.do("GET", users+"/by?identifier="+url.QueryEscape(id), auditor, nil), 200, "get by "+id)
		if r.body["id"] != alice {
			t.Errorf("get by %s = %s", id, r.raw)
		}
	}
	r = e.want(e.do("GET", users+"/by?identifier="+url.QueryEscape("+1 (555) 010-0002"), auditor, nil), 200, "get bob by phone")
	if r.body["id"] != bob {
		t.Errorf("get by phone = %s", r.raw)
	}
	e.want(e.do("GET", users+"/by?identifier="+url.QueryEscape("nobody"), auditor, nil), 404, "get by unknown identifier")
	e.want(e.do("GET", users+"/by", auditor, nil), 400, "get by without an identifier")
	r = e.want(e.do("PATCH", users+"/by?identifier="+url.QueryEscape("+15550100002"), acmeAdmin, `{"title":"Builder","emails":[{"value":"shared@example.com"}]}`), 200, "merge bob by phone")
	if r.body["id"] != bob || r.body["attributes"].(map[string]any)["title"] != "Builder" {
		t.Errorf("merge by phone = %s", r.raw)
	}
	r = e.want(e.do("POST", users, acmeAdmin, `{"userName":"carol","emails":[{"value":"Shared@example.com"}]}`), 201, "create carol")
	carol := r.body["id"].(string)
	for _, m := range []string{"GET", "PUT", "PATCH", "DELETE"} {
		r := e.want(e.do(m, users+"/by?identifier="+url.QueryEscape("shared@example.com"), acmeAdmin, `{"userName":"x","emails":[{"value":"x@example.com"}]}`), 409, m+" by an ambiguous email")
		if d := r.body["detail"].(string); !strings.Contains(d, "ambiguous") || !strings.Contains(d, bob) || !strings.Contains(d, carol) {
			t.Errorf("%s by ambiguous email: %s", m, r.raw)
		}
		e.want(e.do(m, users+"/by?identifier="+url.QueryEscape("nobody@example.com"), acmeAdmin, `{"userName":"x","emails":[{"value":"x@example.com"}]}`), 404, m+" by an unknown identifier")
	}
	r = e.want(e.do("PUT", users+"/by?identifier="+url.QueryEscape("carol"), acmeAdmin, `{"userName":"carol","emails":[{"value":"carol@example.com"}],"displayName":"Carol"}`), 200, "PUT carol by userName")
	if r.body["id"] != carol || r.body["attributes"].(map[string]any)["displayName"] != "Carol" {
		t.Errorf("PUT by userName = %s", r.raw)
	}

	// Roles: auditors read only; tenant admins their tenants only; nothing
	// refused changes anything.
	betaUser := e.want(e.do("POST", "/admin/v1/tenants/beta/users", platform, `{"userName":"zed","emails":[{"value":"zed@example.com"}]}`), 201, "create zed").body["id"].(string)
	type write struct{ method, path, body string }
	writes := []write{
		{"POST", "/users", `{"userName":"mallory","emails":[{"value":"m@example.com"}]}`},
		{"PUT", "/users/{id}", `{"userName":"mallory","emails":[{"value":"m@example.com"}]}`},
		{"PATCH", "/users/{id}", `{"title":"pwned"}`},
		{"DELETE", "/users/{id}", ""},
		{"PUT", "/users/by?identifier={un}", `{"userName":"mallory","emails":[{"value":"m@example.com"}]}`},
		{"PATCH", "/users/by?identifier={un}", `{"title":"pwned"}`},
		{"DELETE", "/users/by?identifier={un}", ""},
	}
	path := func(tenant, p string) string {
		id, un := carol, "carol"
		if tenant == "beta" {
			id, un = betaUser, "zed"
		}
		return "/admin/v1/tenants/" + tenant + strings.NewReplacer("{id}", id, "{un}", un).Replace(p)
	}
	for _, w := range writes {
		what := w.method + " " + w.path
		e.want(e.do(w.method, path("acme", w.path), auditor, w.body), 403, "auditor: "+what)
		e.want(e.do(w.method, path("acme", w.path), noRole, w.body), 403, "no role: "+what)
		e.want(e.do(w.method, path("acme", w.path), "", w.body), 401, "no token: "+what)
		e.want(e.do(w.method, path("beta", w.path), acmeAdmin, w.body), 403, "acme admin in beta: "+what)
		e.want(e.do(w.method, path("nosuch", w.path), acmeAdmin, w.body), 403, "acme admin in nosuch: "+what)
		if w.method != "POST" {
			e.want(e.do(w.method, "/admin/v1/tenants/acme/users/"+betaUser, platform, w.body), 404, "beta's user through acme: "+what)
		}
	}
	for _, p := range []string{"/users/by?identifier=carol", "/users/" + carol} {
		e.want(e.do("GET", "/admin/v1/tenants/beta"+p, acmeAdmin, nil), 403, "acme admin reads beta "+p)
		e.want(e.do("GET", "/admin/v1/tenants/acme"+p, noRole, nil), 403, "no role reads "+p)
		e.want(e.do("GET", "/admin/v1/tenants/acme"+p, "", nil), 401, "no token reads "+p)
	}
	if r := e.want(e.do("GET", users+"/"+carol, platform, nil), 200, "carol after refused writes"); r.body["version"] != float64(2) || r.body["attributes"].(map[string]any)["title"] != nil {
		t.Errorf("a refused write changed carol: %s", r.raw)
	}
	if r := e.want(e.do("GET", "/admin/v1/tenants/beta/users/"+betaUser, platform, nil), 200, "zed after refused writes"); r.body["version"] != float64(1) {
		t.Errorf("a refused write changed zed: %s", r.raw)
	}
	if n := count(); n != 3 {
		t.Errorf("acme has %v users after refused writes, want 3", n)
	}
	e.want(e.do("POST", "/admin/v1/tenants/nosuch/users", platform, `{"userName":"x","emails":[{"value":"x@example.com"}]}`), 404, "create in a missing tenant")

	// Cursor pagination walks every user once, in order.
	for _, n := range []string{"dave", "erin", "frank", "grace"} {
		e.want(e.do("POST", users, platform, `{"userName":"`+n+`","emails":[{"value":"`+n+`@example.com"}]}`), 201, "create "+n)
	}
	var walked []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("the cursor walk does not end")
		}
		r := e.want(e.do("GET", users+"?sortBy=userName&count=3&cursor="+url.QueryEscape(cursor), auditor, nil), 200, "cursor page")
		if r.body["total_results"] != float64(7) || r.body["start_index"] != nil {
			t.Errorf("cursor page: %s", r.raw)
		}
		walked = append(walked, userNames(r)...)
		next, _ := r.body["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	if got := strings.Join(walked, ","); got != "alice,bob,carol,dave,erin,frank,grace" {
		t.Errorf("cursor walk = %s", got)
	}
	r = e.want(e.do("GET", users+"?sortBy=userName&count=3", auditor, nil), 200, "index page with a next cursor")
	if next, _ := r.body["next_cursor"].(string); next == "" || r.body["start_index"] != float64(1) {
		t.Errorf("a full index page has no next_cursor: %s", r.raw)
	} else {
		r = e.want(e.do("GET", users+"?sortBy=userName&count=3&cursor="+url.QueryEscape(next), auditor, nil), 200, "cursor after an index page")
		if got := strings.Join(userNames(r), ","); got != "dave,erin,frank" {
			t.Errorf("page after the index page = %s", got)
		}
	}
	for q, detail := range map[string]string{
		"cursor=" + url.QueryEscape("!!"): "cursor",
		"cursor=Zm9vYmFy":                 "cursor",
		"cursor=&startIndex=2":            "startIndex",
	} {
		r := e.want(e.do("GET", users+"?sortBy=userName&"+q, auditor, nil), 400, "bad cursor "+q)
		if d, _ := r.body["detail"].(string); !strings.Contains(d, detail) {
			t.Errorf("bad cursor %s: %s", q, r.raw)
		}
	}

	// Delete, by ID and by identifier.
	e.want(e.do("DELETE", users+"/by?identifier="+url.QueryEscape("dave"), acmeAdmin, nil), 204, "delete dave by userName")
	e.want(e.do("GET", users+"/by?identifier="+url.QueryEscape("dave"), acmeAdmin, nil), 404, "dave after delete")
	e.want(e.do("DELETE", users+"/"+carol, acmeAdmin, nil), 204, "delete carol")
	e.want(e.do("DELETE", users+"/"+carol, acmeAdmin, nil), 404, "delete carol again")
	e.want(e.do("GET", users+"/"+carol, acmeAdmin, nil), 404, "carol after delete")
	if r := e.want(e.do("GET", users+"/by?identifier="+url.QueryEscape("shared@example.com"), acmeAdmin, nil), 200, "shared email after carol's delete"); r.body["id"] != bob {
		t.Errorf("shared email names %s, want bob", r.raw)
	}
	if n := count(); n != 5 {
		t.Errorf("acme has %v users after deletes, want 5", n)
	}
	r = e.want(e.do("POST", users+"/"+bob, platform, nil), 405, "POST a user")
	if allow := strings.Split(r.header.Get("Allow"), ", "); !slices.Equal(allow, []string{"GET", "HEAD", "PUT", "PATCH", "DELETE"}) {
		t.Errorf("Allow = %v", allow)
	}
}
