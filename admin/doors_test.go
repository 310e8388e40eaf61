package admin_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// testDoors writes the same user through the SCIM API (in tenant acme) and
// through the admin API (in tenant beta), step by step, and checks that
// both doors leave the same stored document (minus ids and times) and the
// same audit entries (operation and changed attributes), each with its own
// actor: both call the same directory service.
func testDoors(t *testing.T, e *env) {
	r0 := acmeAndBeta(t, e)
	platform := r0.platform
	token := e.want(e.do("POST", "/admin/v1/tenants/acme/credentials", platform, map[string]any{"name": "okta"}), 201, "credential").body["token"].(string)
	const ent = schemas.EnterpriseUserURN
	user := map[string]any{
		"userName": "ada", "displayName": "Ada", "password": "correct horse battery", "active": "True",
		"name":     map[string]any{"givenName": "Ada", "familyName": "Lovelace"},
		"emails":   []any{map[string]any{"value": "ada@example.com", "type": "work", "primary": true}},
		"metadata": map[string]any{"plan.tier": "pro"},
		ent:        map[string]any{"department": "R&D", "manager": "m-1"}, // Entra's plain-string manager
	}
	scimUser := map[string]any{"schemas": []any{schemas.UserURN, ent}}
	for k, v := range user {
		scimUser[k] = v
	}
	scim := func(method, path string, body any, want int) map[string]any {
		t.Helper()
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		code, out := scimRequest(t, e, method, "/tenants/acme/scim/v2"+path, token, string(raw))
		if code != want {
			t.Fatalf("SCIM %s %s: %d %s, want %d", method, path, code, out, want)
		}
		var m map[string]any
		_ = json.Unmarshal(out, &m)
		return m
	}
	adminURL := "/admin/v1/tenants/beta/users"

	// Create.
	viaSCIM := scim("POST", "/Users", scimUser, http.StatusCreated)["id"].(string)
	viaAdmin := e.want(e.do("POST", adminURL, platform, user), 201, "admin create").body["id"].(string)
	compareDoors(t, e, "create", viaSCIM, viaAdmin)

	// Change some attributes: a SCIM PATCH, a JSON merge patch.
	scim("PATCH", "/Users/"+viaSCIM, map[string]any{"schemas": []any{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []any{
			map[string]any{"op": "replace", "path": "displayName", "value": "Countess"},
			map[string]any{"op": "add", "path": "nickName", "value": "Ada"},
			map[string]any{"op": "replace", "path": "metadata.plan_tier", "value": "free"},
		}}, http.StatusNoContent)
	e.want(e.do("PATCH", adminURL+"/"+viaAdmin, platform, map[string]any{
		"displayName": "Countess", "nickName": "Ada", "metadata": map[string]any{"plan_tier": "free"}}), 200, "admin merge")
	compareDoors(t, e, "patch", viaSCIM, viaAdmin)

	// Replace: what the body does not know (password, metadata) is kept.
	replacement := map[string]any{"userName": "ada.l", "emails": []any{map[string]any{"value": "ada@example.org"}}}
	scimReplacement := map[string]any{"schemas": []any{schemas.UserURN}, "userName": "ada.l",
		"emails": []any{map[string]any{"value": "ada@example.org"}}}
	scim("PUT", "/Users/"+viaSCIM, scimReplacement, http.StatusOK)
	e.want(e.do("PUT", adminURL+"/"+viaAdmin, platform, replacement), 200, "admin replace")
	compareDoors(t, e, "replace", viaSCIM, viaAdmin)

	// Refusals say the same thing through both doors.
	code, out := scimRequest(t, e, "POST", "/tenants/acme/scim/v2/Users", token,
		`{"schemas":["`+schemas.UserURN+`"],"userName":"bad","emails":[{"value":"not an email"}]}`)
	r := e.do("POST", adminURL, platform, map[string]any{"userName": "bad", "emails": []any{map[string]any{"value": "not an email"}}})
	var scimErr map[string]any
	_ = json.Unmarshal(out, &scimErr)
	if code != r.status || scimErr["scimType"] != r.body["scim_type"] || scimErr["detail"] != r.body["detail"] {
		t.Errorf("refusal: SCIM %d %s, admin %d %s", code, out, r.status, r.raw)
	}

	// Delete.
	scim("DELETE", "/Users/"+viaSCIM, nil, http.StatusNoContent)
	e.want(e.do("DELETE", adminURL+"/"+viaAdmin, platform, nil), 204, "admin delete")
	compareAudit(t, e, viaSCIM, viaAdmin)
}

// compareDoors compares the stored documents of the user written through
// SCIM in acme and the one written through the admin API in beta.
func compareDoors(t *testing.T, e *env, step, viaSCIM, viaAdmin string) {
	t.Helper()
	a, b := doorDoc(storedUser(t, e, "acme", viaSCIM).Attributes), doorDoc(storedUser(t, e, "beta", viaAdmin).Attributes)
	if !reflect.DeepEqual(a, b) {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		t.Errorf("%s: the doors stored different users:\nSCIM  %s\nadmin %s", step, ja, jb)
	}
}

// doorDoc is a stored user document without what differs between two
// writes of the same user: the times the server stamps, and the password
// hash's salt (a hash stays a hash).
func doorDoc(doc map[string]any) map[string]any {
	raw, _ := json.Marshal(doc)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	if pw, ok := out["password"].(string); ok && strings.HasPrefix(pw, "$argon2id$") {
		out["password"] = "argon2id hash"
	}
	if ext, ok := out[schemas.ScimdUserURN].(map[string]any); ok {
		for _, k := range []string{schemas.AttrStatusChangedAt, schemas.AttrPasswordUpdatedAt, schemas.AttrSessionsValidAfter, schemas.AttrLastLoginAt} {
			if _, ok := ext[k]; ok {
				ext[k] = "a time"
			}
		}
	}
	return out
}

// compareAudit compares the audit entries of the two users: the same
// operations with the same changed attributes, by a SCIM client and by an
// admin.
func compareAudit(t *testing.T, e *env, viaSCIM, viaAdmin string) {
	t.Helper()
	a, b := auditOf(t, e, "acme", viaSCIM), auditOf(t, e, "beta", viaAdmin)
	if len(a) != 4 || len(a) != len(b) {
		t.Fatalf("audit entries: SCIM %d, admin %d, want 4 each (create, patch, replace, delete)", len(a), len(b))
	}
	for i := range a {
		if a[i].Actor.Kind != storage.ActorSCIM || b[i].Actor.Kind != storage.ActorAdmin {
			t.Errorf("entry %d: actors %s and %s, want %s and %s", i, a[i].Actor.Kind, b[i].Actor.Kind, storage.ActorSCIM, storage.ActorAdmin)
		}
		pa, pb := changedPaths(a[i]), changedPaths(b[i])
		if a[i].Operation != b[i].Operation || !slices.Equal(pa, pb) {
			t.Errorf("entry %d: SCIM %s %v, admin %s %v", i, a[i].Operation, pa, b[i].Operation, pb)
		}
	}
}

// auditOf returns a user's audit entries, oldest first.
func auditOf(t *testing.T, e *env, tenant, id string) []storage.AuditEntry {
	t.Helper()
	ten, err := e.store.Tenant(t.Context(), tenant)
	if err != nil {
		t.Fatal(err)
	}
	page, err := e.store.Audit(t.Context(), ten.ID, storage.AuditQuery{ResourceType: schemas.UserType, ResourceID: id})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(page.Entries)
	return page.Entries
}

// changedPaths are the sorted paths of an entry's changes.
func changedPaths(e storage.AuditEntry) []string {
	var out []string
	for _, c := range e.Changes {
		out = append(out, c.Path)
	}
	slices.Sort(out)
	return out
}
