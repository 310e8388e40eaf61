package admin_test

import (
	"maps"
	"strings"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// storeUserDoc changes a user's stored document straight through the
// store, past every write rule: a user stored before a rule existed.
func storeUserDoc(t *testing.T, e *env, tenant, id string, change func(doc map[string]any)) {
	t.Helper()
	ten, err := e.store.Tenant(t.Context(), tenant)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.store.Update(t.Context(), ten.ID, userType(t, e, ten), id, storage.UpdateOptions{}, func(cur storage.Resource) (storage.Edit, error) {
		doc := maps.Clone(cur.Attributes) // storage compares with cur: do not change it
		change(doc)
		return storage.Edit{Attributes: doc}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testUserValueRules checks that the admin API's user writes keep the
// value rules of SCIM writes (the directory service): one primary value per
// multi-valued attribute, email addresses, preferredLanguage lists, no
// removal of active or status, and that values stored before a rule
// existed do not block writes that leave them unchanged.
func testUserValueRules(t *testing.T, e *env) {
	r0 := acmeAndBeta(t, e)
	platform, acmeAdmin := r0.platform, r0.acmeAdmin
	users := "/admin/v1/tenants/acme/users"
	scimTok := e.want(e.do("POST", "/admin/v1/tenants/acme/credentials", platform, map[string]any{"name": "okta"}), 201, "credential").body["token"].(string)
	wantRefused := func(r response, what, scimType string, detail ...string) {
		t.Helper()
		e.want(r, 400, what)
		d, _ := r.body["detail"].(string)
		for _, p := range detail {
			if !strings.Contains(d, p) {
				t.Errorf("%s: detail %q does not say %q", what, d, p)
			}
		}
		if r.body["scim_type"] != scimType {
			t.Errorf("%s: scim_type %v, want %s", what, r.body["scim_type"], scimType)
		}
	}

	// Creates: refused as the SCIM API refuses them, word for word.
	for what, c := range map[string]struct{ body, detail string }{
		"two primary emails": {`"emails":[{"value":"a@example.com","primary":true},{"value":"b@example.com","primary":true}]`,
			"emails: at most one value may be primary, got 2"},
		"two primary roles": {`"emails":[{"value":"a@example.com"}],"roles":[{"value":"r1","primary":true},{"value":"r2","primary":"True"}]`,
			"roles: at most one value may be primary, got 2"},
		"not an email":   {`"emails":[{"value":"not an email"}]`, `emails value "not an email"`},
		"two @":          {`"emails":[{"value":"a@b@example.com"}]`, `emails value "a@b@example.com"`},
		"weight above 1": {`"emails":[{"value":"a@example.com"}],"preferredLanguage":"da, en;q=1.5"`, "preferredLanguage"},
	} {
		doc := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"carol",` + c.body + `}`
		r := e.do("POST", users, acmeAdmin, doc)
		wantRefused(r, "create: "+what, "invalidValue", c.detail)
		code, scimErr := scimJSON(t, e, "POST", "/tenants/acme/scim/v2/Users", scimTok, doc)
		if code != r.status || scimErr["scimType"] != r.body["scim_type"] || scimErr["detail"] != r.body["detail"] {
			t.Errorf("create %s: admin %d %s; SCIM %d %v", what, r.status, r.raw, code, scimErr)
		}
	}
	r := e.want(e.do("POST", users, acmeAdmin, `{"userName":"lena","preferredLanguage":"da, en-gb;q=0.8, en;q=0.7",`+
		`"emails":[{"value":"lena@example.com","primary":true},{"value":"\"lena@home\"@example.org","primary":false}]}`), 201, "create lena")
	lena := r.body["id"].(string)
	if r.body["attributes"].(map[string]any)["preferredLanguage"] != "da, en-gb;q=0.8, en;q=0.7" {
		t.Errorf("create lena: %s", r.raw)
	}

	// Replaces and merges: refused, and nothing changes.
	version := r.body["version"]
	wantRefused(e.do("PUT", users+"/"+lena, acmeAdmin, `{"userName":"lena","emails":[{"value":"lena@example.com"}],`+
		`"phoneNumbers":[{"value":"+15550100001","primary":true},{"value":"+15550100002","primary":true}]}`), "PUT two primary phones", "invalidValue", "phoneNumbers", "primary")
	wantRefused(e.do("PATCH", users+"/"+lena, acmeAdmin, `{"emails":[{"value":"a@example.com","primary":true},{"value":"b@example.com","primary":true}]}`),
		"merge two primary emails", "invalidValue", "emails", "primary")
	wantRefused(e.do("PATCH", users+"/"+lena, acmeAdmin, `{"emails":[{"value":"lena at example.com"}]}`), "merge a bad email", "invalidValue", "lena at example.com")
	wantRefused(e.do("PATCH", users+"/"+lena, acmeAdmin, `{"active":null}`), "merge active away", "mutability", "active cannot be removed")
	wantRefused(e.do("PATCH", users+"/"+lena, acmeAdmin, `{"`+schemas.ScimdUserURN+`":{"status":null}}`), "merge status away", "mutability", "status cannot be removed")
	if r := e.want(e.do("GET", users+"/"+lena, acmeAdmin, nil), 200, "lena after refused writes"); r.body["version"] != version || r.body["status"] != "active" {
		t.Errorf("a refused write changed lena: %s", r.raw)
	}

	// Values stored before the rules: writes that leave them alone pass,
	// writes that change them must follow the rules.
	legacy := []any{map[string]any{"value": "lena at home", "primary": true}, map[string]any{"value": "lena@example.com", "primary": true}}
	storeUserDoc(t, e, "acme", lena, func(doc map[string]any) { doc["emails"] = legacy })
	e.want(e.do("PATCH", users+"/"+lena, acmeAdmin, `{"title":"Keeper"}`), 200, "merge title past legacy emails")
	e.want(e.do("PUT", users+"/"+lena, acmeAdmin, map[string]any{"userName": "lena", "title": "Keeper 2", "emails": legacy}), 200, "PUT legacy emails unchanged")
	if code, body := scimJSON(t, e, "PATCH", "/tenants/acme/scim/v2/Users/"+lena, scimTok,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"Keeper 3"}]}`); code != 204 {
		t.Errorf("SCIM PATCH of title past legacy emails: %d %v", code, body)
	}
	wantRefused(e.do("PATCH", users+"/"+lena, acmeAdmin, map[string]any{"emails": append(legacy, map[string]any{"value": "new@example.com"})}),
		"merge a new email into legacy primaries", "invalidValue", "emails: at most one value may be primary, got 2")
	r = e.want(e.do("PATCH", users+"/"+lena, acmeAdmin, map[string]any{"emails": []any{legacy[0], map[string]any{"value": "lena@example.com"}}}), 200, "merge one primary, legacy value kept")
	if got := storedUser(t, e, "acme", lena).Attributes["title"]; got != "Keeper 3" {
		t.Errorf("lena's title %v, want Keeper 3", got)
	}
}
