package admin_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/scimd/scimd/storage"
)

// neverSchema has custom attributes with sub-attributes that are never
// returned: one inside a multi-valued complex attribute, one inside a
// single-valued one.
const neverSchema = `{"User":[
 {"name":"apiKeys","type":"complex","multiValued":true,"subAttributes":[
   {"name":"label","type":"string"},{"name":"secret","type":"string","returned":"never"}]},
 {"name":"pin","type":"complex","subAttributes":[
   {"name":"hint","type":"string"},{"name":"code","type":"string","returned":"never"}]}]}`

// testNeverReturned writes users whose custom attributes hold
// never-returned sub-attributes, through SCIM and the admin API, and checks
// that no read shows them: SCIM GET and list, the admin user, list and CSV
// export, and the audit log; while the values they sit beside are shown.
func testNeverReturned(t *testing.T, e *env) {
	who := acmeAndBeta(t, e)
	e.want(e.do("PUT", "/admin/v1/tenants/acme/schema", who.platform, neverSchema), 200, "schema")
	tok := e.want(e.do("POST", "/admin/v1/tenants/acme/credentials", who.platform, map[string]any{"name": "okta"}), 201, "credential").body["token"].(string)
	const ext = "urn:scimd:schemas:extension:tenant:2.0:User"
	doc := func(name, secret string) string {
		return fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",%q],"userName":%q,
			"emails":[{"value":"%s@example.com"}],
			%q:{"apiKeys":[{"label":"ci","secret":"%s-key"}],"pin":{"hint":"visible-hint","code":"%s-pin"}}}`,
			ext, name, name, ext, secret, secret)
	}
	status, created := scimCall(t, e, "POST", "/Users", tok, doc("alice", "SECRET-ALICE"))
	if status != 201 {
		t.Fatalf("SCIM POST: %d %v", status, created)
	}
	id, _ := created["id"].(string)
	if status, out := scimCall(t, e, "PUT", "/Users/"+id, tok, doc("alice", "SECRET-ALICE2")); status != 200 {
		t.Fatalf("SCIM PUT: %d %v", status, out)
	}
	r := e.want(e.do("POST", "/admin/v1/tenants/acme/users", who.acmeAdmin, doc("bob", "SECRET-BOB")), 201, "admin create")
	bobID, _ := r.body["id"].(string)
	e.want(e.do("PATCH", "/admin/v1/tenants/acme/users/"+bobID, who.acmeAdmin,
		`{"`+ext+`":{"apiKeys":[{"label":"ci2","secret":"SECRET-BOB2-key"}]}}`), 200, "admin merge patch")

	// The merge patch named apiKeys only: pin keeps its hidden code.
	ten, err := e.store.Tenant(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	stored, err := e.store.Get(t.Context(), ten.ID, userType(t, e, ten), bobID, storage.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(stored.Attributes[ext]); !strings.Contains(got, "SECRET-BOB-pin") || !strings.Contains(got, "SECRET-BOB2-key") {
		t.Errorf("bob's stored custom attributes after a merge patch of apiKeys = %s, want pin.code kept and the new key", got)
	}

	reads := map[string]string{}
	_, raw := scimRequest(t, e, "GET", "/tenants/acme/scim/v2/Users/"+id, tok, "")
	reads["SCIM GET"] = string(raw)
	_, raw = scimRequest(t, e, "GET", "/tenants/acme/scim/v2/Users", tok, "")
	reads["SCIM list"] = string(raw)
	reads["admin GET"] = string(e.want(e.do("GET", "/admin/v1/tenants/acme/users/"+bobID, who.auditor, nil), 200, "admin get").raw)
	reads["admin list"] = string(e.want(e.do("GET", "/admin/v1/tenants/acme/users", who.auditor, nil), 200, "admin list").raw)
	_, rows := getCSV(t, e, "/admin/v1/tenants/acme/users/export", who.auditor)
	var csv strings.Builder
	for _, row := range rows {
		csv.WriteString(strings.Join(row, ",") + "\n")
	}
	reads["CSV export"] = csv.String()
	reads["audit log"] = string(e.want(e.do("GET", "/admin/v1/tenants/acme/audit?count=1000", who.auditor, nil), 200, "audit").raw)
	for what, body := range reads {
		if strings.Contains(body, "SECRET-") {
			t.Errorf("%s shows a never-returned value: %s", what, body)
		}
		if what != "audit log" && !strings.Contains(body, "visible-hint") {
			t.Errorf("%s lost the returned sub-attribute beside it: %s", what, body)
		}
	}
}
