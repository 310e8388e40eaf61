package sqlstore

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// The dialects' filter parts as storage/sqlite and storage/mysql set them:
// SQLite matches with instr and substr and indexes whole strings; MySQL
// matches with LIKE and bounds strings on v_key, the first 1024 bytes.
var (
	testSQLite = Dialect{Name: "sqlite", Match: MatchInstr}
	testMySQL  = Dialect{Name: "mysql", Match: MatchLike, StrKeyBytes: 1024}
)

// Fragments of the expected SQL that most cases share.
const (
	// Users (or groups) with a row of attr_values for an attribute; its
	// arguments are the attribute's key, the resource type code and the
	// tenant.
	inValues = "r.id IN (SELECT v.resource_id FROM attr_values v WHERE v.attr = ? AND v.rtype = ? AND v.tenant_id = ?"
	// The element rows of a value filter, d, driven by one attribute (key,
	// rtype, tenant).
	fromElems = "r.id IN (SELECT d.resource_id FROM attr_values d"
	whereElem = "WHERE d.attr = ? AND d.rtype = ? AND d.tenant_id = ?"
	// A row j0 of the same element as d, for the attribute bound after it.
	joinElem = `CROSS JOIN attr_values j0 ON j0.tenant_id = d.tenant_id AND j0.rtype = d.rtype
		AND j0.resource_id = d.resource_id AND j0.elem = d.elem AND j0.attr = ?`
	// A row s of the same element as d, for the attribute bound after it.
	existsElem = `EXISTS (SELECT 1 FROM attr_values s WHERE s.tenant_id = d.tenant_id AND s.rtype = d.rtype
		AND s.resource_id = d.resource_id AND s.elem = d.elem AND s.attr = ?`
	// Users who are members of a group, groups that have a member, users
	// assigned to an app (tenant).
	inGroups  = "r.id IN (SELECT m.member_id FROM members m WHERE m.tenant_id = ?"
	inMembers = "r.id IN (SELECT m.group_id FROM members m WHERE m.tenant_id = ?"
	inApps    = "r.id IN (SELECT aa.user_id FROM app_assignments aa WHERE aa.tenant_id = ?"
)

// Attribute keys of attr_values.
const (
	keyEmployee = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:employeenumber"
	keyManager  = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:manager.value"
	keyBadge    = "urn:scimd:schemas:extension:tenant:2.0:user:badgeid"
	keyFloor    = "urn:scimd:schemas:extension:tenant:2.0:user:floor"
	keyCode     = "urn:scimd:schemas:extension:tenant:2.0:user:code"
	keyLogin    = "urn:scimd:schemas:extension:2.0:user:lastloginat"
	keyStatus   = "urn:scimd:schemas:extension:2.0:user:status"
	keyTagKey   = "urn:scimd:schemas:extension:2.0:user:tags.key"
	keyTagValue = "urn:scimd:schemas:extension:2.0:user:tags.value"
	keySite     = "urn:scimd:schemas:extension:tenant:2.0:group:site"
)

// translatorSet is the schema the cases run against: the default set plus
// tenant attributes badgeId (an identifier), floor (an integer) and code
// (caseExact) of users, and site of groups.
func translatorSet(t *testing.T) schemas.Set {
	t.Helper()
	set, err := schemas.BuildSet(1, schemas.Definition{
		User: []schemas.AttributeDef{
			{Name: "badgeId", Type: "string", Identifier: true},
			{Name: "floor", Type: "integer"},
			{Name: "code", Type: "string", CaseExact: true},
		},
		Group: []schemas.AttributeDef{{Name: "site", Type: "string"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// A filterCase is one filter and what the translator makes of it on the
// users (or groups) table of tenant "t1": SQL text and arguments on
// SQLite, and on MySQL where they differ, or the detail of the
// *storage.FilterError that refuses it on both.
type filterCase struct {
	name      string
	group     bool // filter groups instead of users
	filter    string
	expr      filter.Expression // the parsed filter, when filter is ""
	sql       string
	args      []any
	mysql     string // "" when MySQL's SQL is SQLite's
	mysqlArgs []any  // nil when MySQL's arguments are SQLite's
	err       string
}

// oneSQL normalizes whitespace so that expected SQL can wrap.
func oneSQL(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer("( ", "(", " )", ")").Replace(s)
}

func runFilterCases(t *testing.T, cases []filterCase) {
	t.Helper()
	set := translatorSet(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := c.expr
			if c.filter != "" {
				var err error
				if e, err = filter.ParseFilter([]byte(c.filter)); err != nil {
					t.Fatalf("ParseFilter(%s): %v", c.filter, err)
				}
			}
			rt, tbl := &set.User, usersTable
			if c.group {
				rt, tbl = &set.Group, groupsTable
			}
			for _, d := range []Dialect{testSQLite, testMySQL} {
				wantSQL, wantArgs := c.sql, c.args
				if d.Name == "mysql" && c.mysql != "" {
					wantSQL = c.mysql
				}
				if d.Name == "mysql" && c.mysqlArgs != nil {
					wantArgs = c.mysqlArgs
				}
				tr := &translator{d: d, rt: rt, t: tbl, tenant: "t1"}
				cond, err := tr.translate(e)
				if c.err != "" {
					fe, ok := errors.AsType[*storage.FilterError](err)
					if !ok || fe.Detail != c.err || fe.SortBy {
						t.Errorf("%s: error = %v, want FilterError %q", d.Name, err, c.err)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s: translate: %v", d.Name, err)
					continue
				}
				sql, args, err := cond.ToSql()
				if err != nil {
					t.Errorf("%s: ToSql: %v", d.Name, err)
					continue
				}
				if got, want := oneSQL(sql), oneSQL(wantSQL); got != want {
					t.Errorf("%s: SQL\n got %s\nwant %s", d.Name, got, want)
				}
				if !reflect.DeepEqual(args, wantArgs) {
					t.Errorf("%s: args\n got %#v\nwant %#v", d.Name, args, wantArgs)
				}
				if n := strings.Count(sql, "?"); n != len(args) {
					t.Errorf("%s: %d placeholders, %d arguments", d.Name, n, len(args))
				}
			}
		})
	}
}

// TestFilterColumns: attributes held in columns of the resource table.
func TestFilterColumns(t *testing.T) {
	runFilterCases(t, []filterCase{
		// userName: the folded column, compared with the folded value.
		{name: "userName eq", filter: `userName eq "BJensen"`, sql: "r.user_name_ci = ?", args: []any{"bjensen"}},
		{name: "userName eq folds fully", filter: `userName eq "Straße"`, sql: "r.user_name_ci = ?", args: []any{"strasse"}},
		{name: "userName ne", filter: `userName ne "a"`, sql: "NOT COALESCE((r.user_name_ci = ?), 0)", args: []any{"a"}},
		{name: "userName co", filter: `userName co "Jen"`,
			sql: "instr(r.user_name_ci, ?) > 0", args: []any{"jen"},
			mysql: "r.user_name_ci LIKE ? ESCAPE '!'", mysqlArgs: []any{"%jen%"}},
		{name: "userName sw", filter: `userName sw "BJ"`,
			sql: "(r.user_name_ci >= ? AND r.user_name_ci < ?)", args: []any{"bj", "bj\U0010FFFF"}},
		{name: "userName ew", filter: `userName ew "sen"`,
			sql: "substr(r.user_name_ci, ?) = ?", args: []any{-3, "sen"},
			mysql: "r.user_name_ci LIKE ? ESCAPE '!'", mysqlArgs: []any{"%sen"}},
		{name: "userName gt", filter: `userName gt "M"`, sql: "r.user_name_ci > ?", args: []any{"m"}},
		{name: "userName ge", filter: `userName ge "m"`, sql: "r.user_name_ci >= ?", args: []any{"m"}},
		{name: "userName lt", filter: `userName lt "m"`, sql: "r.user_name_ci < ?", args: []any{"m"}},
		{name: "userName le", filter: `userName le "m"`, sql: "r.user_name_ci <= ?", args: []any{"m"}},
		{name: "userName pr, never null", filter: `userName pr`, sql: "1 = 1"},
		{name: "attribute names are case-insensitive", filter: `USERNAME eq "a"`, sql: "r.user_name_ci = ?", args: []any{"a"}},
		{name: "qualified userName", filter: `urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"`,
			sql: "r.user_name_ci = ?", args: []any{"a"}},
		// externalId: caseExact, nullable.
		{name: "externalId eq keeps case", filter: `externalId eq "X1"`, sql: "r.external_id = ?", args: []any{"X1"}},
		{name: "externalId ne", filter: `externalId ne "x"`, sql: "NOT COALESCE((r.external_id = ?), 0)", args: []any{"x"}},
		{name: "externalId pr", filter: `externalId pr`, sql: "r.external_id IS NOT NULL"},
		{name: "externalId co escapes LIKE", filter: `externalId co "a%_!"`,
			sql: "instr(r.external_id, ?) > 0", args: []any{"a%_!"},
			mysql: "r.external_id LIKE ? ESCAPE '!'", mysqlArgs: []any{"%a!%!_!!%"}},
		// id: ASCII, caseExact; sw bounds with DEL, the greatest ASCII.
		{name: "id eq", filter: `id eq "AbC"`, sql: "r.id = ?", args: []any{"AbC"}},
		{name: "id pr", filter: `id pr`, sql: "1 = 1"},
		{name: "id sw", filter: `id sw "ab"`, sql: "(r.id >= ? AND r.id < ?)", args: []any{"ab", "ab\x7f"}},
		{name: "id co", filter: `id co "ab"`, sql: "instr(r.id, ?) > 0", args: []any{"ab"},
			mysql: "r.id LIKE ? ESCAPE '!'", mysqlArgs: []any{"%ab%"}},
		// meta.created and meta.lastModified: stored times.
		{name: "meta.created gt", filter: `meta.created gt "2024-01-02T03:04:05Z"`,
			sql: "r.created > ?", args: []any{"2024-01-02T03:04:05.000000Z"}},
		{name: "meta.created in another zone", filter: `meta.created ge "2024-01-02T03:04:05.5+02:00"`,
			sql: "r.created >= ?", args: []any{"2024-01-02T01:04:05.500000Z"}},
		{name: "meta.lastModified le a date", filter: `meta.lastModified le "2024-01-02"`,
			sql: "r.last_modified <= ?", args: []any{"2024-01-02T00:00:00.000000Z"}},
		{name: "meta.lastModified eq", filter: `meta.lastModified eq "2024-01-02T03:04:05"`,
			sql: "r.last_modified = ?", args: []any{"2024-01-02T03:04:05.000000Z"}},
		{name: "meta.created pr", filter: `meta.created pr`, sql: "1 = 1"},
		// meta.resourceType: known without reading.
		{name: "meta.resourceType eq User", filter: `meta.resourceType eq "user"`, sql: "1 = 1"},
		{name: "meta.resourceType eq Group", filter: `meta.resourceType eq "Group"`, sql: "1 = 0"},
		{name: "meta.resourceType ne User", filter: `meta.resourceType ne "User"`, sql: "1 = 0"},
		{name: "group meta.resourceType", group: true, filter: `meta.resourceType eq "Group"`, sql: "1 = 1"},
		// active: a column of users.
		{name: "active eq true", filter: `active eq true`, sql: "r.active = ?", args: []any{1}},
		{name: "active eq false", filter: `active eq false`, sql: "r.active = ?", args: []any{0}},
		{name: "active ne true", filter: `active ne true`, sql: "NOT COALESCE((r.active = ?), 0)", args: []any{1}},
		{name: "active pr", filter: `active pr`, sql: "r.active IS NOT NULL"},
		// displayName of groups.
		{name: "group displayName", group: true, filter: `displayName eq "Admins"`, sql: "r.display_name_ci = ?", args: []any{"admins"}},
		{name: "group displayName sw", group: true, filter: `displayName sw "Ad"`,
			sql: "(r.display_name_ci >= ? AND r.display_name_ci < ?)", args: []any{"ad", "ad\U0010FFFF"}},
		{name: "group externalId", group: true, filter: `externalId eq "E"`, sql: "r.external_id = ?", args: []any{"E"}},
	})
}

// TestFilterValues: attributes held in attr_values.
func TestFilterValues(t *testing.T) {
	long := strings.Repeat("x", 1100)
	runFilterCases(t, []filterCase{
		{name: "name.familyName eq folds", filter: `name.familyName eq "Jensen"`,
			sql: inValues + " AND v.v_str = ?)", args: []any{"name.familyname", 1, "t1", "jensen"},
			mysql: inValues + " AND (v.v_key = ? AND v.v_str = ?))", mysqlArgs: []any{"name.familyname", 1, "t1", "jensen", "jensen"}},
		{name: "name.familyName pr", filter: `name.familyName pr`,
			sql: inValues + ")", args: []any{"name.familyname", 1, "t1"}},
		{name: "name.familyName ew", filter: `name.familyName ew "SEN"`,
			sql: inValues + " AND substr(v.v_str, ?) = ?)", args: []any{"name.familyname", 1, "t1", -3, "sen"},
			mysql: inValues + " AND v.v_str LIKE ? ESCAPE '!')", mysqlArgs: []any{"name.familyname", 1, "t1", "%sen"}},
		{name: "ew counts characters", filter: `title ew "é"`,
			sql: inValues + " AND substr(v.v_str, ?) = ?)", args: []any{"title", 1, "t1", -1, "é"},
			mysql: inValues + " AND v.v_str LIKE ? ESCAPE '!')", mysqlArgs: []any{"title", 1, "t1", "%é"}},
		{name: "title co", filter: `title co "Mgr"`,
			sql: inValues + " AND instr(v.v_str, ?) > 0)", args: []any{"title", 1, "t1", "mgr"},
			mysql: inValues + " AND v.v_str LIKE ? ESCAPE '!')", mysqlArgs: []any{"title", 1, "t1", "%mgr%"}},
		{name: "title co escapes LIKE", filter: `title co "50%_OFF!"`,
			sql: inValues + " AND instr(v.v_str, ?) > 0)", args: []any{"title", 1, "t1", "50%_off!"},
			mysql: inValues + " AND v.v_str LIKE ? ESCAPE '!')", mysqlArgs: []any{"title", 1, "t1", "%50!%!_off!!%"}},
		{name: "title sw", filter: `title sw "x"`,
			sql: inValues + " AND (v.v_str >= ? AND v.v_str < ?))", args: []any{"title", 1, "t1", "x", "x\U0010FFFF"},
			mysql:     inValues + " AND (v.v_key >= ? AND v.v_key <= ? AND (v.v_str >= ? AND v.v_str < ?)))",
			mysqlArgs: []any{"title", 1, "t1", "x", "x\U0010FFFF", "x", "x\U0010FFFF"}},
		// A prefix longer than MySQL's key: one key holds every match.
		{name: "title sw longer than a key", filter: `title sw "` + long + `"`,
			sql: inValues + " AND (v.v_str >= ? AND v.v_str < ?))", args: []any{"title", 1, "t1", long, long + "\U0010FFFF"},
			mysql:     inValues + " AND (v.v_key = ? AND (v.v_str >= ? AND v.v_str < ?)))",
			mysqlArgs: []any{"title", 1, "t1", long[:1024], long, long + "\U0010FFFF"}},
		{name: "title eq longer than a key", filter: `title eq "` + long + `"`,
			sql: inValues + " AND v.v_str = ?)", args: []any{"title", 1, "t1", long},
			mysql: inValues + " AND (v.v_key = ? AND v.v_str = ?))", mysqlArgs: []any{"title", 1, "t1", long[:1024], long}},
		{name: "title gt", filter: `title gt "x"`,
			sql: inValues + " AND v.v_str > ?)", args: []any{"title", 1, "t1", "x"},
			mysql: inValues + " AND (v.v_key >= ? AND v.v_str > ?))", mysqlArgs: []any{"title", 1, "t1", "x", "x"}},
		{name: "title lt", filter: `title lt "x"`,
			sql: inValues + " AND v.v_str < ?)", args: []any{"title", 1, "t1", "x"},
			mysql: inValues + " AND (v.v_key <= ? AND v.v_str < ?))", mysqlArgs: []any{"title", 1, "t1", "x", "x"}},
		{name: "title ne: no value equals", filter: `title ne "x"`,
			sql: "NOT COALESCE((" + inValues + " AND v.v_str = ?)), 0)", args: []any{"title", 1, "t1", "x"},
			mysql: "NOT COALESCE((" + inValues + " AND (v.v_key = ? AND v.v_str = ?))), 0)", mysqlArgs: []any{"title", 1, "t1", "x", "x"}},
		{name: "JSON escapes are decoded", filter: `title eq "a\"b\u00E9"`,
			sql: inValues + " AND v.v_str = ?)", args: []any{"title", 1, "t1", `a"bé`},
			mysql: inValues + " AND (v.v_key = ? AND v.v_str = ?))", mysqlArgs: []any{"title", 1, "t1", `a"bé`, `a"bé`}},

		// Extensions: keys carry the URN.
		{name: "enterprise employeeNumber", filter: `employeeNumber eq "7"`,
			sql: inValues + " AND v.v_str = ?)", args: []any{keyEmployee, 1, "t1", "7"},
			mysql: inValues + " AND (v.v_key = ? AND v.v_str = ?))", mysqlArgs: []any{keyEmployee, 1, "t1", "7", "7"}},
		{name: "qualified enterprise manager.value", filter: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "M1"`,
			sql: inValues + " AND v.v_str = ?)", args: []any{keyManager, 1, "t1", "m1"},
			mysql: inValues + " AND (v.v_key = ? AND v.v_str = ?))", mysqlArgs: []any{keyManager, 1, "t1", "m1", "m1"}},
		{name: "tenant identifier", filter: `badgeId eq "B1"`,
			sql: inValues + " AND v.v_str = ?)", args: []any{keyBadge, 1, "t1", "b1"},
			mysql: inValues + " AND (v.v_key = ? AND v.v_str = ?))", mysqlArgs: []any{keyBadge, 1, "t1", "b1", "b1"}},
		{name: "tenant caseExact keeps case", filter: `code eq "AbC"`,
			sql: inValues + " AND v.v_str = ?)", args: []any{keyCode, 1, "t1", "AbC"},
			mysql: inValues + " AND (v.v_key = ? AND v.v_str = ?))", mysqlArgs: []any{keyCode, 1, "t1", "AbC", "AbC"}},
		{name: "tenant caseExact co", filter: `code co "Ab"`,
			sql: inValues + " AND instr(v.v_str, ?) > 0)", args: []any{keyCode, 1, "t1", "Ab"},
			mysql: inValues + " AND v.v_str LIKE ? ESCAPE '!')", mysqlArgs: []any{keyCode, 1, "t1", "%Ab%"}},
		{name: "tenant group attribute", group: true, filter: `site eq "Oslo"`,
			sql: inValues + " AND v.v_str = ?)", args: []any{keySite, 2, "t1", "oslo"},
			mysql: inValues + " AND (v.v_key = ? AND v.v_str = ?))", mysqlArgs: []any{keySite, 2, "t1", "oslo", "oslo"}},
		{name: "scimd status", filter: `status eq "Active"`,
			sql: inValues + " AND v.v_str = ?)", args: []any{keyStatus, 1, "t1", "active"},
			mysql: inValues + " AND (v.v_key = ? AND v.v_str = ?))", mysqlArgs: []any{keyStatus, 1, "t1", "active", "active"}},

		// Numbers, booleans and dateTimes.
		{name: "integer ge", filter: `floor ge 3`,
			sql: inValues + " AND v.v_num >= ?)", args: []any{keyFloor, 1, "t1", 3.0}},
		{name: "integer lt a decimal", filter: `floor lt 1.5`,
			sql: inValues + " AND v.v_num < ?)", args: []any{keyFloor, 1, "t1", 1.5}},
		{name: "integer eq", filter: `floor eq -2`,
			sql: inValues + " AND v.v_num = ?)", args: []any{keyFloor, 1, "t1", -2.0}},
		{name: "integer ne", filter: `floor ne 2`,
			sql: "NOT COALESCE((" + inValues + " AND v.v_num = ?)), 0)", args: []any{keyFloor, 1, "t1", 2.0}},
		{name: "boolean eq true", filter: `emails.verified eq true`,
			sql: inValues + " AND v.v_num = ?)", args: []any{"emails.verified", 1, "t1", 1}},
		{name: "boolean ne false", filter: `emails.primary ne false`,
			sql: "NOT COALESCE((" + inValues + " AND v.v_num = ?)), 0)", args: []any{"emails.primary", 1, "t1", 0}},
		{name: "dateTime in another zone", filter: `lastLoginAt gt "2024-01-01T00:00:00+02:00"`,
			sql: inValues + " AND v.v_str > ?)", args: []any{keyLogin, 1, "t1", "2023-12-31T22:00:00.000000Z"},
			mysql:     inValues + " AND (v.v_key >= ? AND v.v_str > ?))",
			mysqlArgs: []any{keyLogin, 1, "t1", "2023-12-31T22:00:00.000000Z", "2023-12-31T22:00:00.000000Z"}},
		{name: "qualified dateTime eq", filter: `urn:scimd:schemas:extension:2.0:User:lastLoginAt eq "2024-01-01"`,
			sql: inValues + " AND v.v_str = ?)", args: []any{keyLogin, 1, "t1", "2024-01-01T00:00:00.000000Z"},
			mysql:     inValues + " AND (v.v_key = ? AND v.v_str = ?))",
			mysqlArgs: []any{keyLogin, 1, "t1", "2024-01-01T00:00:00.000000Z", "2024-01-01T00:00:00.000000Z"}},

		// A multi-valued complex attribute means its value.
		{name: "emails co means emails.value co", filter: `emails co "Example.com"`,
			sql: inValues + " AND instr(v.v_str, ?) > 0)", args: []any{"emails.value", 1, "t1", "example.com"},
			mysql: inValues + " AND v.v_str LIKE ? ESCAPE '!')", mysqlArgs: []any{"emails.value", 1, "t1", "%example.com%"}},
		{name: "emails eq", filter: `emails eq "A@x.io"`,
			sql: inValues + " AND v.v_str = ?)", args: []any{"emails.value", 1, "t1", "a@x.io"},
			mysql: inValues + " AND (v.v_key = ? AND v.v_str = ?))", mysqlArgs: []any{"emails.value", 1, "t1", "a@x.io", "a@x.io"}},
		{name: "emails pr: any element", filter: `emails pr`, sql: inValues + ")", args: []any{"emails", 1, "t1"}},
		{name: "name pr: any sub-attribute", filter: `name pr`, sql: inValues + ")", args: []any{"name", 1, "t1"}},
		{name: "emails.display co", filter: `emails.display co "x"`,
			sql: inValues + " AND instr(v.v_str, ?) > 0)", args: []any{"emails.display", 1, "t1", "x"},
			mysql: inValues + " AND v.v_str LIKE ? ESCAPE '!')", mysqlArgs: []any{"emails.display", 1, "t1", "%x%"}},

		// Phone numbers compare in normalized form.
		{name: "phone eq normalizes", filter: `phoneNumbers.value eq "+1 (555) 010-0100"`,
			sql: inValues + " AND v.v_str = ?)", args: []any{"phonenumbers.value", 1, "t1", "+15550100100"},
			mysql:     inValues + " AND (v.v_key = ? AND v.v_str = ?))",
			mysqlArgs: []any{"phonenumbers.value", 1, "t1", "+15550100100", "+15550100100"}},
		{name: "phone co normalizes", filter: `phoneNumbers co "(555)"`,
			sql: inValues + " AND instr(v.v_str, ?) > 0)", args: []any{"phonenumbers.value", 1, "t1", "555"},
			mysql: inValues + " AND v.v_str LIKE ? ESCAPE '!')", mysqlArgs: []any{"phonenumbers.value", 1, "t1", "%555%"}},

		// Metadata keys compare by the type of the filter's value.
		{name: "metadata string", filter: `metadata.Plan eq "Pro"`,
			sql: inValues + " AND v.v_str = ?)", args: []any{"metadata.plan", 1, "t1", "pro"},
			mysql: inValues + " AND (v.v_key = ? AND v.v_str = ?))", mysqlArgs: []any{"metadata.plan", 1, "t1", "pro", "pro"}},
		{name: "metadata number", filter: `metadata.seats gt 3`,
			sql: inValues + " AND v.v_num > ?)", args: []any{"metadata.seats", 1, "t1", 3.0}},
		{name: "metadata boolean", filter: `metadata.beta eq true`,
			sql: inValues + " AND v.v_num = ?)", args: []any{"metadata.beta", 1, "t1", 1}},
		{name: "metadata key pr", filter: `metadata.beta pr`, sql: inValues + ")", args: []any{"metadata.beta", 1, "t1"}},
		{name: "metadata pr: any key", filter: `metadata pr`,
			sql:  "r.id IN (SELECT v.resource_id FROM attr_values v WHERE v.rtype = ? AND v.tenant_id = ? AND v.attr >= ? AND v.attr < ?)",
			args: []any{1, "t1", "metadata.", "metadata/"}},
	})
}

// TestFilterValuePaths: attr[filter], where one element satisfies the whole
// bracket.
func TestFilterValuePaths(t *testing.T) {
	runFilterCases(t, []filterCase{
		// The most selective positive comparison drives; the others join
		// rows of the same element.
		{name: "type and value: value drives", filter: `emails[type eq "work" and value eq "X@y.z"]`,
			sql:       fromElems + " " + joinElem + " AND j0.v_str = ? " + whereElem + " AND d.v_str = ?)",
			args:      []any{"emails.type", "work", "emails.value", 1, "t1", "x@y.z"},
			mysql:     fromElems + " " + joinElem + " AND (j0.v_key = ? AND j0.v_str = ?) " + whereElem + " AND (d.v_key = ? AND d.v_str = ?))",
			mysqlArgs: []any{"emails.type", "work", "work", "emails.value", 1, "t1", "x@y.z", "x@y.z"}},
		// Entra's emails[type eq "work"].value eq "x" reaches storage in
		// this form: scim.ParseFilter rewrites it.
		{name: "Entra's value path form", filter: `emails[type eq "work" and value eq "x"]`,
			sql:       fromElems + " " + joinElem + " AND j0.v_str = ? " + whereElem + " AND d.v_str = ?)",
			args:      []any{"emails.type", "work", "emails.value", 1, "t1", "x"},
			mysql:     fromElems + " " + joinElem + " AND (j0.v_key = ? AND j0.v_str = ?) " + whereElem + " AND (d.v_key = ? AND d.v_str = ?))",
			mysqlArgs: []any{"emails.type", "work", "work", "emails.value", 1, "t1", "x", "x"}},
		{name: "value sw drives over type eq", filter: `emails[type eq "work" and value sw "a"]`,
			sql:  fromElems + " " + joinElem + " AND j0.v_str = ? " + whereElem + " AND (d.v_str >= ? AND d.v_str < ?))",
			args: []any{"emails.type", "work", "emails.value", 1, "t1", "a", "a\U0010FFFF"},
			mysql: fromElems + " " + joinElem + " AND (j0.v_key = ? AND j0.v_str = ?) " + whereElem +
				" AND (d.v_key >= ? AND d.v_key <= ? AND (d.v_str >= ? AND d.v_str < ?)))",
			mysqlArgs: []any{"emails.type", "work", "work", "emails.value", 1, "t1", "a", "a\U0010FFFF", "a", "a\U0010FFFF"}},
		{name: "value gt drives over type eq", filter: `emails[type eq "work" and value gt "a"]`,
			sql:       fromElems + " " + joinElem + " AND j0.v_str = ? " + whereElem + " AND d.v_str > ?)",
			args:      []any{"emails.type", "work", "emails.value", 1, "t1", "a"},
			mysql:     fromElems + " " + joinElem + " AND (j0.v_key = ? AND j0.v_str = ?) " + whereElem + " AND (d.v_key >= ? AND d.v_str > ?))",
			mysqlArgs: []any{"emails.type", "work", "work", "emails.value", 1, "t1", "a", "a"}},
		{name: "type drives over a boolean", filter: `emails[primary eq true and type eq "work"]`,
			sql:       fromElems + " " + joinElem + " AND j0.v_num = ? " + whereElem + " AND d.v_str = ?)",
			args:      []any{"emails.primary", 1, "emails.type", 1, "t1", "work"},
			mysql:     fromElems + " " + joinElem + " AND j0.v_num = ? " + whereElem + " AND (d.v_key = ? AND d.v_str = ?))",
			mysqlArgs: []any{"emails.primary", 1, "emails.type", 1, "t1", "work", "work"}},
		{name: "value drives over a boolean", filter: `emails[value eq "a" and primary eq true]`,
			sql:       fromElems + " " + joinElem + " AND j0.v_num = ? " + whereElem + " AND d.v_str = ?)",
			args:      []any{"emails.primary", 1, "emails.value", 1, "t1", "a"},
			mysql:     fromElems + " " + joinElem + " AND j0.v_num = ? " + whereElem + " AND (d.v_key = ? AND d.v_str = ?))",
			mysqlArgs: []any{"emails.primary", 1, "emails.value", 1, "t1", "a", "a"}},
		{name: "co joins, eq drives", filter: `emails[type eq "work" and value co "A"]`,
			sql:       fromElems + " " + joinElem + " AND instr(j0.v_str, ?) > 0 " + whereElem + " AND d.v_str = ?)",
			args:      []any{"emails.value", "a", "emails.type", 1, "t1", "work"},
			mysql:     fromElems + " " + joinElem + " AND j0.v_str LIKE ? ESCAPE '!' " + whereElem + " AND (d.v_key = ? AND d.v_str = ?))",
			mysqlArgs: []any{"emails.value", "%a%", "emails.type", 1, "t1", "work", "work"}},
		{name: "pr joins", filter: `emails[type eq "work" and value pr]`,
			sql:       fromElems + " " + joinElem + " AND 1 = 1 " + whereElem + " AND d.v_str = ?)",
			args:      []any{"emails.value", "emails.type", 1, "t1", "work"},
			mysql:     fromElems + " " + joinElem + " AND 1 = 1 " + whereElem + " AND (d.v_key = ? AND d.v_str = ?))",
			mysqlArgs: []any{"emails.value", "emails.type", 1, "t1", "work", "work"}},
		{name: "one comparison", filter: `emails[type eq "work"]`,
			sql: fromElems + " " + whereElem + " AND d.v_str = ?)", args: []any{"emails.type", 1, "t1", "work"},
			mysql: fromElems + " " + whereElem + " AND (d.v_key = ? AND d.v_str = ?))", mysqlArgs: []any{"emails.type", 1, "t1", "work", "work"}},
		{name: "pr alone: the element anchor drives", filter: `emails[value pr]`,
			sql: fromElems + " " + joinElem + " AND 1 = 1 " + whereElem + ")", args: []any{"emails.value", "emails", 1, "t1"}},
		// or, not and ne: the anchor drives, and each comparison is an
		// EXISTS on the same element.
		{name: "or", filter: `emails[type eq "work" or primary eq true]`,
			sql:       fromElems + " " + whereElem + " AND (" + existsElem + " AND s.v_str = ?) OR " + existsElem + " AND s.v_num = ?)))",
			args:      []any{"emails", 1, "t1", "emails.type", "work", "emails.primary", 1},
			mysql:     fromElems + " " + whereElem + " AND (" + existsElem + " AND (s.v_key = ? AND s.v_str = ?)) OR " + existsElem + " AND s.v_num = ?)))",
			mysqlArgs: []any{"emails", 1, "t1", "emails.type", "work", "work", "emails.primary", 1}},
		{name: "not", filter: `emails[not(type eq "work")]`,
			sql:       fromElems + " " + whereElem + " AND NOT COALESCE((" + existsElem + " AND s.v_str = ?)), 0))",
			args:      []any{"emails", 1, "t1", "emails.type", "work"},
			mysql:     fromElems + " " + whereElem + " AND NOT COALESCE((" + existsElem + " AND (s.v_key = ? AND s.v_str = ?))), 0))",
			mysqlArgs: []any{"emails", 1, "t1", "emails.type", "work", "work"}},
		{name: "ne alone", filter: `emails[value ne "A"]`,
			sql:       fromElems + " " + whereElem + " AND NOT COALESCE((" + existsElem + " AND s.v_str = ?)), 0))",
			args:      []any{"emails", 1, "t1", "emails.value", "a"},
			mysql:     fromElems + " " + whereElem + " AND NOT COALESCE((" + existsElem + " AND (s.v_key = ? AND s.v_str = ?))), 0))",
			mysqlArgs: []any{"emails", 1, "t1", "emails.value", "a", "a"}},
		{name: "ne with an eq: the eq drives", filter: `emails[type ne "work" and value eq "a"]`,
			sql:       fromElems + " " + whereElem + " AND d.v_str = ? AND NOT COALESCE((" + existsElem + " AND s.v_str = ?)), 0))",
			args:      []any{"emails.value", 1, "t1", "a", "emails.type", "work"},
			mysql:     fromElems + " " + whereElem + " AND (d.v_key = ? AND d.v_str = ?) AND NOT COALESCE((" + existsElem + " AND (s.v_key = ? AND s.v_str = ?))), 0))",
			mysqlArgs: []any{"emails.value", 1, "t1", "a", "a", "emails.type", "work", "work"}},
		{name: "not around a value path", filter: `not (emails[type eq "work"])`,
			sql: "NOT COALESCE((" + fromElems + " " + whereElem + " AND d.v_str = ?)), 0)", args: []any{"emails.type", 1, "t1", "work"},
			mysql:     "NOT COALESCE((" + fromElems + " " + whereElem + " AND (d.v_key = ? AND d.v_str = ?))), 0)",
			mysqlArgs: []any{"emails.type", 1, "t1", "work", "work"}},
		{name: "phone in a value path normalizes", filter: `phoneNumbers[type eq "work" and value eq "+1 555 0100"]`,
			sql:       fromElems + " " + joinElem + " AND j0.v_str = ? " + whereElem + " AND d.v_str = ?)",
			args:      []any{"phonenumbers.type", "work", "phonenumbers.value", 1, "t1", "+15550100"},
			mysql:     fromElems + " " + joinElem + " AND (j0.v_key = ? AND j0.v_str = ?) " + whereElem + " AND (d.v_key = ? AND d.v_str = ?))",
			mysqlArgs: []any{"phonenumbers.type", "work", "work", "phonenumbers.value", 1, "t1", "+15550100", "+15550100"}},
		{name: "single-valued complex", filter: `name[givenName eq "B"]`,
			sql: fromElems + " " + whereElem + " AND d.v_str = ?)", args: []any{"name.givenname", 1, "t1", "b"},
			mysql: fromElems + " " + whereElem + " AND (d.v_key = ? AND d.v_str = ?))", mysqlArgs: []any{"name.givenname", 1, "t1", "b", "b"}},
		{name: "extension complex", filter: `manager[value eq "m1"]`,
			sql: fromElems + " " + whereElem + " AND d.v_str = ?)", args: []any{keyManager, 1, "t1", "m1"},
			mysql: fromElems + " " + whereElem + " AND (d.v_key = ? AND d.v_str = ?))", mysqlArgs: []any{keyManager, 1, "t1", "m1", "m1"}},
		// filter-parser reads no value filter of three comparisons; the
		// translator handles one: type drives, the others join.
		{name: "three comparisons", expr: &filter.ValuePath{
			AttributePath: filter.AttributePath{AttributeName: "emails"},
			ValueFilter: &filter.LogicalExpression{Operator: filter.AND,
				Left: &filter.LogicalExpression{Operator: filter.AND,
					Left:  &filter.AttributeExpression{AttributePath: filter.AttributePath{AttributeName: "primary"}, Operator: filter.EQ, CompareValue: true},
					Right: &filter.AttributeExpression{AttributePath: filter.AttributePath{AttributeName: "type"}, Operator: filter.EQ, CompareValue: "work"}},
				Right: &filter.AttributeExpression{AttributePath: filter.AttributePath{AttributeName: "value"}, Operator: filter.EW, CompareValue: "Z"}}},
			sql: fromElems + " " + joinElem + " AND j0.v_num = ? " + strings.ReplaceAll(joinElem, "j0", "j1") + " AND substr(j1.v_str, ?) = ? " +
				whereElem + " AND d.v_str = ?)",
			args: []any{"emails.primary", 1, "emails.value", -1, "z", "emails.type", 1, "t1", "work"},
			mysql: fromElems + " " + joinElem + " AND j0.v_num = ? " + strings.ReplaceAll(joinElem, "j0", "j1") + " AND j1.v_str LIKE ? ESCAPE '!' " +
				whereElem + " AND (d.v_key = ? AND d.v_str = ?))",
			mysqlArgs: []any{"emails.primary", 1, "emails.value", "%z", "emails.type", 1, "t1", "work", "work"}},
		{name: "caseExact sub-attributes keep case", filter: `tags[key eq "K" and value eq "V"]`,
			sql:       fromElems + " " + joinElem + " AND j0.v_str = ? " + whereElem + " AND d.v_str = ?)",
			args:      []any{keyTagKey, "K", keyTagValue, 1, "t1", "V"},
			mysql:     fromElems + " " + joinElem + " AND (j0.v_key = ? AND j0.v_str = ?) " + whereElem + " AND (d.v_key = ? AND d.v_str = ?))",
			mysqlArgs: []any{keyTagKey, "K", "K", keyTagValue, 1, "t1", "V", "V"}},
	})
}

// TestFilterMembers: groups of users, members of groups and apps of users,
// held in the members and app_assignments tables.
func TestFilterMembers(t *testing.T) {
	runFilterCases(t, []filterCase{
		{name: "groups.value eq", filter: `groups.value eq "g1"`, sql: inGroups + " AND m.group_id = ?)", args: []any{"t1", "g1"}},
		{name: "groups eq means groups.value", filter: `groups eq "g1"`, sql: inGroups + " AND m.group_id = ?)", args: []any{"t1", "g1"}},
		{name: "group IDs keep case", filter: `groups.value eq "G1"`, sql: inGroups + " AND m.group_id = ?)", args: []any{"t1", "G1"}},
		{name: "groups pr", filter: `groups pr`, sql: inGroups + ")", args: []any{"t1"}},
		{name: "groups.value ne", filter: `groups.value ne "g1"`,
			sql: "NOT COALESCE((" + inGroups + " AND m.group_id = ?)), 0)", args: []any{"t1", "g1"}},
		{name: "groups.value sw", filter: `groups.value sw "g"`,
			sql: inGroups + " AND (m.group_id >= ? AND m.group_id < ?))", args: []any{"t1", "g", "g\x7f"}},
		{name: "groups[value]", filter: `groups[value eq "g1"]`, sql: inGroups + " AND m.group_id = ?)", args: []any{"t1", "g1"}},
		{name: "groups[or]", filter: `groups[value eq "g1" or value eq "g2"]`,
			sql: inGroups + " AND (m.group_id = ? OR m.group_id = ?))", args: []any{"t1", "g1", "g2"}},
		{name: "groups[not]", filter: `groups[not(value eq "g1")]`,
			sql: inGroups + " AND NOT COALESCE((m.group_id = ?), 0))", args: []any{"t1", "g1"}},
		{name: "members.value eq", group: true, filter: `members.value eq "u1"`,
			sql: inMembers + " AND m.member_id = ?)", args: []any{"t1", "u1"}},
		{name: "members.value ne", group: true, filter: `members.value ne "u1"`,
			sql: "NOT COALESCE((" + inMembers + " AND m.member_id = ?)), 0)", args: []any{"t1", "u1"}},
		{name: "members pr", group: true, filter: `members.value pr`, sql: inMembers + ")", args: []any{"t1"}},
		{name: "members.type eq User", group: true, filter: `members.type eq "User"`,
			sql: inMembers + " AND m.member_type = ?)", args: []any{"t1", 1}},
		{name: "members.type ne group", group: true, filter: `members.type ne "group"`,
			sql: "NOT COALESCE((" + inMembers + " AND m.member_type = ?)), 0)", args: []any{"t1", 2}},
		{name: "members.type of no type matches no member", group: true, filter: `members.type eq "robot"`,
			sql: inMembers + " AND m.member_type = ?)", args: []any{"t1", 0}},
		{name: "members[value and type]", group: true, filter: `members[value eq "u1" and type eq "Group"]`,
			sql: inMembers + " AND (m.member_id = ? AND m.member_type = ?))", args: []any{"t1", "u1", 2}},
		{name: "members[ne]", group: true, filter: `members[value ne "u1"]`,
			sql: inMembers + " AND NOT COALESCE((m.member_id = ?), 0))", args: []any{"t1", "u1"}},
		{name: "members[pr]", group: true, filter: `members[type eq "Group" and value pr]`,
			sql: inMembers + " AND (m.member_type = ? AND 1 = 1))", args: []any{"t1", 2}},
		{name: "apps.value eq", filter: `apps.value eq "a1"`, sql: inApps + " AND aa.app_id = ?)", args: []any{"t1", "a1"}},
		{name: "qualified apps.value", filter: `urn:scimd:schemas:extension:2.0:User:apps.value eq "a1"`,
			sql: inApps + " AND aa.app_id = ?)", args: []any{"t1", "a1"}},
		{name: "apps eq means apps.value", filter: `apps eq "a1"`, sql: inApps + " AND aa.app_id = ?)", args: []any{"t1", "a1"}},
		{name: "apps pr", filter: `apps pr`, sql: inApps + ")", args: []any{"t1"}},
		{name: "apps.value ne", filter: `apps.value ne "a1"`,
			sql: "NOT COALESCE((" + inApps + " AND aa.app_id = ?)), 0)", args: []any{"t1", "a1"}},
		{name: "apps[value]", filter: `apps[value eq "a1"]`, sql: inApps + " AND aa.app_id = ?)", args: []any{"t1", "a1"}},
	})
}

// TestFilterLogic: and, or, not and their precedence.
func TestFilterLogic(t *testing.T) {
	runFilterCases(t, []filterCase{
		{name: "and", filter: `userName eq "a" and externalId eq "b"`,
			sql: "(r.user_name_ci = ? AND r.external_id = ?)", args: []any{"a", "b"}},
		{name: "or", filter: `userName eq "a" or externalId eq "b"`,
			sql: "(r.user_name_ci = ? OR r.external_id = ?)", args: []any{"a", "b"}},
		{name: "and binds tighter than or", filter: `userName eq "a" or userName eq "b" and active eq true`,
			sql: "(r.user_name_ci = ? OR (r.user_name_ci = ? AND r.active = ?))", args: []any{"a", "b", 1}},
		{name: "and binds tighter than or, on the left", filter: `userName eq "a" and active eq true or userName eq "b"`,
			sql: "((r.user_name_ci = ? AND r.active = ?) OR r.user_name_ci = ?)", args: []any{"a", 1, "b"}},
		{name: "parentheses", filter: `(userName eq "a" or userName eq "b") and active eq true`,
			sql: "((r.user_name_ci = ? OR r.user_name_ci = ?) AND r.active = ?)", args: []any{"a", "b", 1}},
		{name: "a chain of and", filter: `userName eq "a" and userName eq "b" and userName eq "c"`,
			sql: "((r.user_name_ci = ? AND r.user_name_ci = ?) AND r.user_name_ci = ?)", args: []any{"a", "b", "c"}},
		{name: "not: unknown matches", filter: `not (title eq "x")`,
			sql: "NOT COALESCE((" + inValues + " AND v.v_str = ?)), 0)", args: []any{"title", 1, "t1", "x"},
			mysql: "NOT COALESCE((" + inValues + " AND (v.v_key = ? AND v.v_str = ?))), 0)", mysqlArgs: []any{"title", 1, "t1", "x", "x"}},
		{name: "not of a column", filter: `not (externalId pr)`, sql: "NOT COALESCE((r.external_id IS NOT NULL), 0)"},
		{name: "not of or", filter: `not (userName eq "a" or active eq false)`,
			sql: "NOT COALESCE(((r.user_name_ci = ? OR r.active = ?)), 0)", args: []any{"a", 0}},
		{name: "not of ne", filter: `not (userName ne "a")`,
			sql: "NOT COALESCE((NOT COALESCE((r.user_name_ci = ?), 0)), 0)", args: []any{"a"}},
		{name: "mixed locations", filter: `userName sw "a" and (groups eq "g1" or emails[type eq "work"])`,
			sql: "((r.user_name_ci >= ? AND r.user_name_ci < ?) AND (" + inGroups + " AND m.group_id = ?) OR " +
				fromElems + " " + whereElem + " AND d.v_str = ?)))",
			args: []any{"a", "a\U0010FFFF", "t1", "g1", "emails.type", 1, "t1", "work"},
			mysql: "((r.user_name_ci >= ? AND r.user_name_ci < ?) AND (" + inGroups + " AND m.group_id = ?) OR " +
				fromElems + " " + whereElem + " AND (d.v_key = ? AND d.v_str = ?))))",
			mysqlArgs: []any{"a", "a\U0010FFFF", "t1", "g1", "emails.type", 1, "t1", "work", "work"}},
	})
}

// TestFilterRefusals: every filter the translator refuses, with the detail
// the client reads.
func TestFilterRefusals(t *testing.T) {
	const dateTimeHint = "is a dateTime: compare it with a quoted RFC 3339 time such as \"2026-01-02T15:04:05Z\""
	runFilterCases(t, []filterCase{
		// Attributes.
		{name: "unknown attribute", filter: `nope eq "x"`, err: `"nope" is not an attribute of User`},
		{name: "unknown sub-attribute", filter: `name.nope eq "x"`, err: `"name.nope" is not an attribute of User`},
		{name: "unknown group attribute", group: true, filter: `userName eq "x"`, err: `"userName" is not an attribute of Group`},
		{name: "metadata is no group attribute", group: true, filter: `metadata.plan eq "x"`,
			err: `"metadata.plan" is not an attribute of Group`},
		{name: "unknown schema", filter: `urn:example:2.0:User:x eq "x"`, err: `"urn:example:2.0:User:x" is not an attribute of User`},
		{name: "never returned", filter: `password eq "x"`, err: `"password" cannot be used in a filter`},
		{name: "binary", filter: `x509Certificates.value eq "x"`, err: `"x509Certificates.value" cannot be used in a filter`},
		{name: "meta.version", filter: `meta.version eq "x"`, err: `"meta.version" cannot be used in a filter`},
		{name: "meta.location", filter: `meta.location eq "x"`, err: `"meta.location" cannot be used in a filter`},
		{name: "schemas", filter: `schemas eq "x"`, err: `"schemas" cannot be used in a filter`},
		{name: "groups.display", filter: `groups.display eq "x"`, err: `"groups.display" cannot be used in a filter; use groups.value`},
		{name: "groups.type", filter: `groups.type eq "direct"`, err: `"groups.type" cannot be used in a filter; use groups.value`},
		{name: "members.display", group: true, filter: `members.display eq "x"`,
			err: `"members.display" cannot be used in a filter; use members.value`},
		{name: "apps.display", filter: `apps.display eq "x"`,
			err: `"apps.display" cannot be used in a filter; use urn:scimd:schemas:extension:2.0:User:apps.value`},
		{name: "complex compared", filter: `name eq "x"`, err: `"name" is complex: name one of its sub-attributes`},
		{name: "metadata compared", filter: `metadata eq "x"`,
			err: `"metadata" is an object: name one of its keys, as in metadata.plan eq "pro", or use pr`},

		// Values and operators.
		{name: "null", filter: `userName eq null`, err: `"userName" cannot be compared with null; use "userName pr" or "not (userName pr)"`},
		{name: "null ne", filter: `title ne null`, err: `"title" cannot be compared with null; use "title pr" or "not (title pr)"`},
		{name: "metadata null", filter: `metadata.plan eq null`,
			err: `"metadata.plan" cannot be compared with null; use "metadata.plan pr" or "not (metadata.plan pr)"`},
		{name: "string with a number", filter: `userName eq 1`, err: `"userName" is a string: compare it with a quoted value`},
		{name: "string with a boolean", filter: `title gt true`, err: `"title" is a string: compare it with a quoted value`},
		{name: "boolean with a string", filter: `active eq "yes"`, err: `"active" is a boolean: compare it with true or false`},
		{name: "boolean ordered", filter: `active gt true`, err: `"active" is a boolean: only eq, ne and pr apply`},
		{name: "boolean co", filter: `emails.primary co true`, err: `"emails.primary" is a boolean: only eq, ne and pr apply`},
		{name: "number with a string", filter: `floor eq "3"`, err: `"floor" is a number: compare it with a number`},
		{name: "number co", filter: `floor co 3`, err: `"floor" is a number: co, sw and ew do not apply`},
		{name: "number sw", filter: `floor sw 3`, err: `"floor" is a number: co, sw and ew do not apply`},
		{name: "dateTime not a time", filter: `meta.created eq "yesterday"`, err: `"meta.created" ` + dateTimeHint},
		{name: "dateTime with a number", filter: `meta.lastModified gt 5`, err: `"meta.lastModified" ` + dateTimeHint},
		{name: "dateTime co", filter: `meta.created co "2024-01-01T00:00:00Z"`, err: `"meta.created" is a dateTime: co, sw and ew do not apply`},
		{name: "dateTime ew in attr_values", filter: `lastLoginAt ew "2024-01-01"`, err: `"lastLoginAt" is a dateTime: co, sw and ew do not apply`},
		{name: "meta.resourceType gt", filter: `meta.resourceType gt "x"`, err: `"meta.resourceType" supports eq, ne and pr with a string`},
		{name: "meta.resourceType number", filter: `meta.resourceType eq 1`, err: `"meta.resourceType" supports eq, ne and pr with a string`},
		{name: "members.type co", group: true, filter: `members.type co "User"`, err: `"members.type" supports eq and ne with "User" or "Group"`},
		{name: "members.type number", group: true, filter: `members.type eq 1`, err: `"members.type" supports eq and ne with "User" or "Group"`},
		{name: "id not ASCII", filter: `id eq "é"`, err: `"id" holds identifiers or timestamps, which are ASCII; the value "é" has other characters`},
		{name: "id escaped not ASCII", filter: `id eq "\u00E9"`,
			err: `"id" holds identifiers or timestamps, which are ASCII; the value "é" has other characters`},
		{name: "members.value not ASCII", group: true, filter: `members.value eq "é"`,
			err: `"members.value" holds identifiers or timestamps, which are ASCII; the value "é" has other characters`},
		{name: "apps.value not ASCII", filter: `apps.value eq "ü"`,
			err: `"apps.value" holds identifiers or timestamps, which are ASCII; the value "ü" has other characters`},

		// Value paths.
		{name: "value path on a simple attribute", filter: `userName[value eq "x"]`,
			err: `"userName" is not a complex attribute; a value filter needs one`},
		{name: "value path on an unknown attribute", filter: `nope[value eq "x"]`, err: `"nope" is not an attribute of User`},
		{name: "unknown sub-attribute in brackets", filter: `emails[type eq "work" and nope eq "x"]`,
			err: `"emails" has no sub-attribute "nope"`},
		{name: "unknown sub-attribute in brackets, alone", filter: `emails[nope eq "x"]`, err: `"emails" has no sub-attribute "nope"`},
		{name: "unknown sub-attribute in brackets, in or", filter: `emails[type eq "work" or nope eq "x"]`,
			err: `"emails" has no sub-attribute "nope"`},
		{name: "path in brackets", filter: `emails[emails.value eq "x"]`, err: `inside [ ] name a sub-attribute only, not "emails.value"`},
		{name: "URN in brackets", filter: `emails[urn:ietf:params:scim:schemas:core:2.0:User:type eq "x"]`,
			err: `inside [ ] name a sub-attribute only, not "urn:ietf:params:scim:schemas:core:2.0:User:type"`},
		{name: "binary in brackets", filter: `x509Certificates[value eq "x"]`, err: `"x509Certificates.value" cannot be used in a filter`},
		{name: "binary in brackets, in or", filter: `x509Certificates[type eq "a" or value eq "x"]`,
			err: `"x509Certificates.value" cannot be used in a filter`},
		{name: "wrong type in brackets", filter: `emails[verified eq "yes"]`, err: `"emails.verified" is a boolean: compare it with true or false`},
		{name: "wrong type in a joined comparison", filter: `emails[value eq "a" and primary co true]`,
			err: `"emails.primary" is a boolean: only eq, ne and pr apply`},
		{name: "groups[type]", filter: `groups[type eq "direct"]`, err: `"groups.type" cannot be used in a filter`},
		{name: "members[display]", group: true, filter: `members[display eq "x"]`, err: `"members.display" cannot be used in a filter`},
		{name: "apps[display]", filter: `apps[display eq "x"]`, err: `"apps.display" cannot be used in a filter`},
		{name: "groups[value] not ASCII", filter: `groups[value eq "é"]`,
			err: `"groups.value" holds identifiers or timestamps, which are ASCII; the value "é" has other characters`},

		// A refusal anywhere refuses the whole filter.
		{name: "refused under or", filter: `userName eq "a" or nope eq "x"`, err: `"nope" is not an attribute of User`},
		{name: "refused under not", filter: `not (active eq 1)`, err: `"active" is a boolean: compare it with true or false`},
		{name: "refused on the left", filter: `floor co 1 and userName eq "a"`, err: `"floor" is a number: co, sw and ew do not apply`},
	})
}

// TestFilterSize: a filter of more than MaxFilterNodes terms is refused
// before any attribute is looked at.
func TestFilterSize(t *testing.T) {
	terms := func(n int, last string) string {
		// not (c0) or c1 or ... : one not, n comparisons, n-1 ors.
		parts := []string{`not (userName eq "x0")`}
		for i := 1; i < n; i++ {
			parts = append(parts, fmt.Sprintf(`userName eq "x%d"`, i))
		}
		return strings.Join(parts, " or ") + last
	}
	set := translatorSet(t)
	for _, c := range []struct {
		filter string
		err    string
	}{
		{filter: terms(50, "")}, // 100 terms
		{filter: terms(50, ` or nope eq "x"`), err: "the filter has 102 terms; at most 100 are allowed"},
		{filter: terms(49, ` or emails[type eq "work" and value eq "x"]`),
			err: "the filter has 103 terms; at most 100 are allowed"}, // a value path counts 1 + its filter
	} {
		e, err := filter.ParseFilter([]byte(c.filter))
		if err != nil {
			t.Fatal(err)
		}
		tr := &translator{d: testSQLite, rt: &set.User, t: usersTable, tenant: "t1"}
		_, err = tr.translate(e)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%d terms: %v", storage.FilterTerms(e), err)
		case c.err != "":
			if fe, ok := errors.AsType[*storage.FilterError](err); !ok || fe.Detail != c.err {
				t.Errorf("%d terms: error = %v, want %q", storage.FilterTerms(e), err, c.err)
			}
		}
	}
}

// TestFilterListCount: List's count query puts the translated filter under
// the tenant's condition.
func TestFilterListCount(t *testing.T) {
	set := translatorSet(t)
	for _, c := range []struct {
		d      Dialect
		group  bool
		filter string
		sql    string
		args   []any
	}{
		{d: testSQLite, filter: `userName eq "A" or title co "B"`,
			sql:  "SELECT COUNT(*) FROM users r WHERE (r.tenant_id = ? AND (r.user_name_ci = ? OR " + inValues + " AND instr(v.v_str, ?) > 0)))",
			args: []any{"t1", "a", "title", 1, "t1", "b"}},
		{d: testMySQL, filter: `userName eq "A" or title co "B"`,
			sql:  "SELECT COUNT(*) FROM users r WHERE (r.tenant_id = ? AND (r.user_name_ci = ? OR " + inValues + " AND v.v_str LIKE ? ESCAPE '!')))",
			args: []any{"t1", "a", "title", 1, "t1", "%b%"}},
		{d: testMySQL, group: true, filter: `members[value eq "u1"]`,
			sql:  "SELECT COUNT(*) FROM `groups` r WHERE (r.tenant_id = ? AND " + inMembers + " AND m.member_id = ?))",
			args: []any{"t1", "t1", "u1"}},
		{d: testSQLite, sql: "SELECT COUNT(*) FROM users r WHERE (r.tenant_id = ?)", args: []any{"t1"}},
	} {
		q := storage.Query{}
		if c.filter != "" {
			e, err := filter.ParseFilter([]byte(c.filter))
			if err != nil {
				t.Fatal(err)
			}
			q.Filter = e
		}
		rt := &set.User
		if c.group {
			rt = &set.Group
		}
		s := &Store{d: c.d}
		p, err := s.planList(t.Context(), "t1", rt, q)
		if err != nil {
			t.Fatalf("%s %s: %v", c.d.Name, c.filter, err)
		}
		sql, args, err := p.count.ToSql()
		if err != nil {
			t.Fatal(err)
		}
		if oneSQL(sql) != oneSQL(c.sql) || !reflect.DeepEqual(args, c.args) {
			t.Errorf("%s %s:\n got %s %#v\nwant %s %#v", c.d.Name, c.filter, oneSQL(sql), args, oneSQL(c.sql), c.args)
		}
	}
	// A refused filter is refused by List's planning too.
	_, err := (&Store{d: testSQLite}).planList(t.Context(), "t1", &set.User, storage.Query{Filter: &filter.AttributeExpression{
		AttributePath: filter.AttributePath{AttributeName: "nope"}, Operator: filter.EQ, CompareValue: "x"}})
	if fe, ok := errors.AsType[*storage.FilterError](err); !ok || fe.Detail != `"nope" is not an attribute of User` {
		t.Errorf("planList with an unknown attribute: %v", err)
	}
}
