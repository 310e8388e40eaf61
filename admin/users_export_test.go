package admin_test

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/scimd/scimd/schemas"
)

// exportSchema is the tenant schema of the export tests: custom
// attributes of every shape a cell must hold.
const exportSchema = `{"User":[
	{"name":"badgeId","type":"string","identifier":true},
	{"name":"skills","type":"string","multiValued":true},
	{"name":"level","type":"integer"},
	{"name":"office","type":"complex","subAttributes":[{"name":"building","type":"string"},{"name":"floor","type":"integer"}]}
]}`

// getCSV sends GET path and parses the whole CSV answer.
func getCSV(t *testing.T, e *env, path, token string) (*http.Response, [][]string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", e.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != 200 {
		raw, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, raw)
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatalf("GET %s: the answer is not CSV: %v", path, err)
	}
	return resp, rows
}

// byHeader returns the rows of a CSV export as maps from header to cell.
func byHeader(t *testing.T, rows [][]string) []map[string]string {
	t.Helper()
	if len(rows) == 0 {
		t.Fatal("the export has no header row")
	}
	var out []map[string]string
	for _, row := range rows[1:] {
		m := make(map[string]string, len(row))
		for i, h := range rows[0] {
			m[h] = row[i]
		}
		out = append(out, m)
	}
	return out
}

func testUserExport(t *testing.T, e *env) {
	r0 := acmeAndBeta(t, e)
	platform, acmeAdmin, auditor, noRole := r0.platform, r0.acmeAdmin, r0.auditor, r0.noRole
	e.want(e.do("PUT", "/admin/v1/tenants/acme/schema", platform, exportSchema), 200, "schema")
	users := "/admin/v1/tenants/acme/users"
	givenName := "Alice, \"Al\"\nLiddell"
	e.want(e.do("POST", users, platform, map[string]any{
		"userName": "alice", "externalId": "ext-a",
		"name":         map[string]any{"givenName": givenName, "familyName": "Liddell"},
		"displayName":  `=HYPERLINK("http://evil.example.com","x")`,
		"title":        "@SUM(A1)",
		"nickName":     "-1+2",
		"emails":       []any{map[string]any{"value": "second@example.com"}, map[string]any{"value": "alice@example.com", "primary": true}},
		"phoneNumbers": []any{map[string]any{"value": "+1 555 010 0001"}},
		tenantExt: map[string]any{"badgeId": "+B-1", "skills": []any{"go", "sql"}, "level": 3,
			"office": map[string]any{"building": "North", "floor": 2}},
	}), 201, "create alice")
	e.want(e.do("POST", users, platform, map[string]any{
		"userName": "bob", "title": "\tTabbed", "nickName": "\rreturn", "emails": []any{map[string]any{"value": "bob@example.com"}},
		schemas.ScimdUserURN: map[string]any{"status": "suspended"},
	}), 201, "create bob")
	e.want(e.do("POST", users, platform, `{"userName":"carol","phoneNumbers":[{"value":"555 0100"}]}`), 201, "create carol")

	resp, rows := getCSV(t, e, users+"/export", auditor)
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename=acme-users.csv` {
		t.Errorf("Content-Disposition = %q", cd)
	}
	for _, h := range []string{"id", "userName", "externalId", "name.givenName", "name.familyName", "displayName", "email", "phone",
		"status", "active", "created", "lastModified", "lastLoginAt", "custom.badgeId", "custom.skills", "custom.level", "custom.office"} {
		if !slices.Contains(rows[0], h) {
			t.Errorf("the export has no column %s: %v", h, rows[0])
		}
	}
	got := byHeader(t, rows)
	if len(got) != 3 {
		t.Fatalf("the export has %d rows, want 3", len(got))
	}
	named := map[string]map[string]string{}
	for _, row := range got {
		named[row["userName"]] = row
		if len(row["id"]) == 0 || row["created"] == "" || row["lastModified"] == "" {
			t.Errorf("row without id or times: %v", row)
		}
	}
	a := named["alice"]
	want := map[string]string{
		"externalId": "ext-a", "name.givenName": givenName, "name.familyName": "Liddell",
		"displayName": `'=HYPERLINK("http://evil.example.com","x")`, "title": "'@SUM(A1)", "nickName": "'-1+2",
		"email": "alice@example.com", "phone": "'+1 555 010 0001", "status": "active", "active": "true",
		"custom.badgeId": "'+B-1", "custom.skills": `["go","sql"]`, "custom.level": "3",
	}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("alice's %s = %q, want %q", k, a[k], v)
		}
	}
	var office map[string]any
	if err := json.Unmarshal([]byte(a["custom.office"]), &office); err != nil || office["building"] != "North" || office["floor"] != float64(2) {
		t.Errorf("alice's custom.office = %q, want its JSON", a["custom.office"])
	}
	b := named["bob"]
	if b["title"] != "'\tTabbed" || b["nickName"] != "'\rreturn" || b["status"] != "suspended" || b["active"] != "false" || b["email"] != "bob@example.com" {
		t.Errorf("bob's row = %q", b)
	}
	if c := named["carol"]; c["phone"] != "555 0100" || c["email"] != "" || c["custom.badgeId"] != "" {
		t.Errorf("carol's row = %q", c)
	}

	// Any search the list takes.
	for q, wantNames := range map[string]string{
		"status=suspended": "bob",
		"filter=" + url.QueryEscape(`userName sw "a" or userName eq "carol"`): "alice,carol",
		"sortBy=userName&sortOrder=descending":                                "carol,bob,alice",
		"email=ALICE@example.com":                                             "alice",
		"filter=" + url.QueryEscape(tenantExt+`:level gt 2`):                  "alice",
		"userName=nobody": "",
	} {
		_, rows := getCSV(t, e, users+"/export?"+q, acmeAdmin)
		var names []string
		for _, row := range byHeader(t, rows) {
			names = append(names, row["userName"])
		}
		if !strings.Contains(q, "sortBy") {
			slices.Sort(names)
		}
		if strings.Join(names, ",") != wantNames {
			t.Errorf("export %s = %v, want %s", q, names, wantNames)
		}
	}
	for q, detail := range map[string]string{
		"filter=" + url.QueryEscape(`userName eq`):   "filter",
		"filter=" + url.QueryEscape(`nosuch eq "x"`): "nosuch",
		"count=10":              "count",
		"startIndex=2":          "startIndex",
		"cursor=":               "cursor",
		"status=gone":           "status",
		"sortOrder=upside-down": "sortOrder",
	} {
		r := e.want(e.do("GET", users+"/export?"+q, auditor, nil), 400, "export "+q)
		if d, _ := r.body["detail"].(string); !strings.Contains(d, detail) {
			t.Errorf("export %s: %s", q, r.raw)
		}
	}

	// Roles: readers of the tenant only.
	e.want(e.do("GET", users+"/export", noRole, nil), 403, "no role exports")
	e.want(e.do("GET", users+"/export", "", nil), 401, "no token exports")
	e.want(e.do("GET", "/admin/v1/tenants/beta/users/export", acmeAdmin, nil), 403, "acme admin exports beta")
	e.want(e.do("GET", "/admin/v1/tenants/beta/users/export", auditor, nil), 403, "acme auditor exports beta")
	e.want(e.do("GET", "/admin/v1/tenants/nosuch/users/export", platform, nil), 404, "export a missing tenant")
	_, rows = getCSV(t, e, "/admin/v1/tenants/beta/users/export", platform)
	if len(rows) != 1 || slices.ContainsFunc(rows[0], func(h string) bool { return strings.HasPrefix(h, "custom.") }) {
		t.Errorf("beta's export (no users, no custom attributes) = %q", rows)
	}
}
