package main

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// TestSchemaCommands runs "scimd schema get" and "scimd schema set" on
// SQLite.
func TestSchemaCommands(t *testing.T) {
	testSchemaCommands(t, tempDB(t))
}

// TestSchemaCommandsMySQL runs them on MySQL or MariaDB when
// SCIMD_TEST_MYSQL_DSN names a server.
func TestSchemaCommandsMySQL(t *testing.T) {
	dsn := os.Getenv("SCIMD_TEST_MYSQL_DSN")
	if dsn == "" {
		t.Skip("SCIMD_TEST_MYSQL_DSN not set")
	}
	testSchemaCommands(t, mysqlTestDB(t, dsn))
}

// schemaGetJSON is what "scimd schema get" prints.
type schemaGetJSON struct {
	Version    int64              `json:"version"`
	Definition schemas.Definition `json:"definition"`
}

type schemaSetJSON struct {
	Tenant  string `json:"tenant"`
	Version int64  `json:"version"`
}

func testSchemaCommands(t *testing.T, db string) {
	dir := t.TempDir()
	file := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	get := func(tenant string) schemaGetJSON {
		t.Helper()
		var got schemaGetJSON
		keys := decodeOne(t, mustScimd(t, db, "schema", "get", "--tenant", tenant), &got)
		if want := []string{"version", "definition"}; !slices.Equal(keys, want) {
			t.Errorf("schema get: keys %q, want %q", keys, want)
		}
		return got
	}
	set := func(want int64, args ...string) {
		t.Helper()
		var got schemaSetJSON
		decodeOne(t, mustScimd(t, db, append([]string{"schema", "set"}, args...)...), &got)
		if got.Tenant != "acme" || got.Version != want {
			t.Errorf("schema set %q = %+v, want tenant acme, version %d", args, got, want)
		}
	}

	mustScimd(t, db, "tenant", "create", "acme")
	mustScimd(t, db, "tenant", "create", "other")
	if got := get("acme"); got.Version != 0 || len(got.Definition.User) != 0 || len(got.Definition.Group) != 0 {
		t.Errorf("schema get of a new tenant = %+v, want version 0 and no attributes", got)
	}

	v1 := `{"User": [{"name": "badgeId", "type": "string", "identifier": true},
	                 {"name": "hireDate", "type": "dateTime"}],
	        "Group": [{"name": "costCenter", "type": "string"}]}`
	set(1, "--tenant", "acme", file("v1.json", v1))
	want, err := schemas.ParseDefinition([]byte(v1))
	if err != nil {
		t.Fatal(err)
	}
	got := get("acme")
	if got.Version != 1 || jsonOf(t, got.Definition) != jsonOf(t, want) {
		t.Errorf("schema get after set = %+v, want version 1 and %s", got, v1)
	}
	if o := get("other"); o.Version != 0 {
		t.Errorf("schema get of the other tenant: version %d, want 0", o.Version)
	}

	// The definition is what the store serves: a user with the new
	// attributes can be made, and its value is in the way of a type change.
	s := openTestStore(t, db)
	tn, err := s.Tenant(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := directory.New(directory.Config{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	d, version, err := svc.TenantDefinition(t.Context(), tn)
	if err != nil || version != 1 {
		t.Fatalf("TenantDefinition: version %d, %v", version, err)
	}
	rs, err := schemas.BuildSet(version, d)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.Create(t.Context(), tn.ID, &rs.User, storage.Resource{Attributes: map[string]any{
		"userName": "alice", schemas.TenantUserURN: map[string]any{"badgeId": "B-1", "hireDate": "2024-01-02T03:04:05Z"}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Create(t.Context(), tn.ID, &rs.User, storage.Resource{Attributes: map[string]any{
		"userName": "bob", schemas.TenantUserURN: map[string]any{"badgeId": "b-1"}}})
	if !errors.Is(err, storage.ErrConflict) {
		t.Errorf("a second user with badgeId b-1: %v, want ErrConflict (the identifier is unique)", err)
	}

	// A refused change: hireDate holds a value.
	changed := strings.Replace(v1, `"type": "dateTime"`, `"type": "string"`, 1)
	failScimd(t, db, false, "User.hireDate", "schema", "set", "--tenant", "acme", file("v2.json", changed))
	failScimd(t, db, false, u.ID, "schema", "set", "--tenant", "acme", file("v2.json", changed))
	failScimd(t, db, false, "remove the values first", "schema", "set", "--tenant", "acme", file("v2.json", changed))
	// Bad definitions say what is wrong.
	failScimd(t, db, false, `User.x: type "strin" is not one of`, "schema", "set", "--tenant", "acme",
		file("bad.json", `{"User": [{"name": "x", "type": "strin"}]}`))
	failScimd(t, db, false, `unknown field "unqiue"`, "schema", "set", "--tenant", "acme",
		file("typo.json", `{"User": [{"name": "x", "type": "string", "unqiue": true}]}`))
	failScimd(t, db, false, "not a schema definition", "schema", "set", "--tenant", "acme", file("notjson.json", `{"User": `))
	failScimd(t, db, false, "no such file", "schema", "set", "--tenant", "acme", filepath.Join(dir, "missing.json"))
	failScimd(t, db, false, `no tenant named "nope"`, "schema", "set", "--tenant", "nope", file("v1.json", v1))
	failScimd(t, db, false, `no tenant named "nope"`, "schema", "get", "--tenant", "nope")
	// Usage errors.
	failScimd(t, db, true, "--tenant is required", "schema", "set", file("v1.json", v1))
	failScimd(t, db, true, "--tenant is required", "schema", "get")
	failScimd(t, db, true, "want 1 argument(s), got 0", "schema", "set", "--tenant", "acme")
	failScimd(t, db, true, "want 0 argument(s), got 1", "schema", "get", "--tenant", "acme", "extra")
	failScimd(t, db, true, "unknown command", "schema", "delete", "--tenant", "acme")
	// Nothing of that changed the schema.
	if got := get("acme"); got.Version != 1 || jsonOf(t, got.Definition) != jsonOf(t, want) {
		t.Errorf("schema get after refused changes = %+v, want version 1 unchanged", got)
	}

	// An accepted change, flags after the file: a new attribute.
	v2 := strings.Replace(v1, `{"name": "hireDate", "type": "dateTime"}`,
		`{"name": "hireDate", "type": "dateTime"}, {"name": "level", "type": "integer"}`, 1)
	set(2, file("v3.json", v2), "--tenant", "acme")
	got = get("acme")
	if got.Version != 2 || len(got.Definition.User) != 3 || got.Definition.User[2].Name != "level" {
		t.Errorf("schema get after the second set = %+v, want version 2 with level", got)
	}
	tn, err = s.Tenant(t.Context(), "acme")
	if err != nil || tn.SchemaVersion != 2 {
		t.Errorf("the store's tenant is at version %d (%v), want 2", tn.SchemaVersion, err)
	}

	// Help.
	stdout, _, err := scimd(t, db, "schema", "-h")
	if err != nil || !strings.Contains(stdout, "scimd schema COMMAND") {
		t.Errorf("schema -h: %v\n%s", err, stdout)
	}
}

// jsonOf renders a definition canonically for comparison.
func jsonOf(t *testing.T, d schemas.Definition) string {
	t.Helper()
	var b strings.Builder
	if err := writeJSON(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
