// Package storagetest is a test suite that every storage.Store must pass.
// The SQL backends call RunStorageTests from their own tests, so SQLite and
// MySQL are held to exactly the same expectations.
package storagetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// RunStorageTests runs the storage contract suite. newStore is called once
// per subtest and must return an empty store that lives until the end of the
// subtest (register cleanup with t.Cleanup).
func RunStorageTests(t *testing.T, newStore func(t *testing.T) storage.Store) {
	runTests(t, newStore, []subTest{
		{name: "UserCRUD", run: testUserCRUD},
		{name: "GroupCRUD", run: testGroupCRUD},
		{name: "CreateMany", run: testCreateMany},
		{name: "UpdateSemantics", run: testUpdateSemantics},
		{name: "VersionMismatch", run: testVersionMismatch},
		{name: "UpdateFnError", run: testUpdateFnError},
		{name: "NotFound", run: testNotFound},
		{name: "Uniqueness", run: testUniqueness},
		{name: "UniqueEmails", run: testUniqueEmails},
		{name: "ConcurrentCreate", run: testConcurrentCreate},
		{name: "ConcurrentUpdate", run: testConcurrentUpdate},
		{name: "ValueLimits", run: testValueLimits},
		{name: "LongValues", run: testLongValues},
		{name: "LongValueKeys", run: testLongValueKeys},
		{name: "LargeFilter", run: testLargeFilter},
		{name: "Filters", run: testFilters},
		{name: "Sorting", run: testSorting},
		{name: "IndexPagination", run: testIndexPagination},
		{name: "KeysetPagination", run: testKeysetPagination},
		{name: "Tenants", run: testTenants},
		{name: "TenantIsolation", run: testTenantIsolation},
		{name: "TenantNameExact", run: testTenantNameExact},
		{name: "Credentials", run: testCredentials},
		{name: "Members", run: testMembers},
		{name: "MemberCleanup", run: testMemberCleanup},
		{name: "MemberRaceUserDelete", run: testMemberRaceUserDelete},
		{name: "MemberRaceGroupDelete", run: testMemberRaceGroupDelete},
		{name: "UserGroups", run: testUserGroups},
		{name: "NestedGroups", run: testNestedGroups},
		{name: "NestedGroupsDepth", run: testNestedGroupsDepth},
		{name: "NestedGroupsConcurrentCycle", run: testNestedGroupsConcurrentCycle},
		{name: "Apps", run: testApps},
		{name: "CustomAttributes", run: testCustomAttributes},
		{name: "CustomSorting", run: testCustomSorting},
		{name: "CustomSortPaging", run: testCustomSortPaging},
		{name: "MultiValuedSorting", run: testMultiValuedSorting},
		{name: "CustomIdentifiers", run: testCustomIdentifiers},
		{name: "CustomSchemaChanges", run: testCustomSchemaChanges},
		{name: "CustomTenantIsolation", run: testCustomTenantIsolation},
		{name: "CustomManyTenants", run: testCustomManyTenants},
		{name: "Metadata", run: testMetadata},
		{name: "MetadataConcurrency", run: testMetadataConcurrency},
		{name: "Lookup", run: testLookup},
		{name: "TagKeys", run: testTagKeys},
		{name: "LifecycleIdentifiers", run: testLifecycleIdentifiers},
		{name: "TenantSessions", run: testTenantSessions},
		{name: "LifecycleFilters", run: testLifecycleFilters},
		{name: "AuditWrites", run: testAuditWrites},
		{name: "AuditIsolationAndPaging", run: testAuditIsolationAndPaging},
		{name: "AuditSecretsInside", run: testAuditSecretsInside},
		{name: "NonASCIIIDs", run: testNonASCIIIDs},
		{name: "IndexFollowsEdits", run: testIndexFollowsEdits},
		{name: "WriteStatements", run: testWriteStatements},
		{name: "IDsExact", run: testIDsExact},
	})
}

type subTest struct {
	name string
	run  func(t *testing.T, s storage.Store)
}

func runTests(t *testing.T, newStore func(t *testing.T) storage.Store, tests []subTest) {
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			s := newStore(t)
			test.run(t, s)
		})
	}
}

// statementCounter is implemented by stores that count the SQL statements
// they execute.
type statementCounter interface {
	Statements() int64
}

// --- helpers -----------------------------------------------------------------

func mustTenant(t *testing.T, s storage.Store, name string) storage.TenantID {
	t.Helper()
	tn, err := s.CreateTenant(t.Context(), name)
	if err != nil {
		t.Fatalf("CreateTenant(%q): %v", name, err)
	}
	if tn.ID == "" {
		t.Fatalf("CreateTenant(%q) returned an empty ID", name)
	}
	return tn.ID
}

func mustCreate(t *testing.T, s storage.Store, tenant storage.TenantID, rt *schemas.ResourceType, r storage.Resource) storage.Resource {
	t.Helper()
	got, err := s.Create(t.Context(), tenant, rt, r)
	if err != nil {
		t.Fatalf("Create %s %s: %v", rt.Name, jsonString(r.Attributes), err)
	}
	if got.ID == "" {
		t.Fatalf("Create %s %s returned an empty ID", rt.Name, jsonString(r.Attributes))
	}
	return got
}

func mustGet(t *testing.T, s storage.Store, tenant storage.TenantID, rt *schemas.ResourceType, id string, opts storage.GetOptions) storage.Resource {
	t.Helper()
	got, err := s.Get(t.Context(), tenant, rt, id, opts)
	if err != nil {
		t.Fatalf("Get %s %s: %v", rt.Name, id, err)
	}
	return got
}

func mustUpdate(t *testing.T, s storage.Store, tenant storage.TenantID, rt *schemas.ResourceType, id string, opts storage.UpdateOptions, fn func(cur storage.Resource) (storage.Edit, error)) storage.Resource {
	t.Helper()
	got, err := s.Update(t.Context(), tenant, rt, id, opts, fn)
	if err != nil {
		t.Fatalf("Update %s %s: %v", rt.Name, id, err)
	}
	return got
}

// edit returns an update function that always returns e.
func edit(e storage.Edit) func(storage.Resource) (storage.Edit, error) {
	return func(storage.Resource) (storage.Edit, error) { return e, nil }
}

// setAttrs returns an update function that applies change to a copy of the
// current document.
func setAttrs(change func(doc map[string]any)) func(storage.Resource) (storage.Edit, error) {
	return func(cur storage.Resource) (storage.Edit, error) {
		doc := cloneDoc(cur.Attributes)
		change(doc)
		return storage.Edit{Attributes: doc}, nil
	}
}

func userDoc(userName string) map[string]any {
	return map[string]any{"userName": userName}
}

func groupDoc(displayName string) map[string]any {
	return map[string]any{"displayName": displayName}
}

func listAll(t *testing.T, s storage.Store, tenant storage.TenantID, rt *schemas.ResourceType, q storage.Query) storage.Page {
	t.Helper()
	if q.Count == 0 {
		q.Count = 1000
	}
	if q.StartIndex == 0 && !q.Keyset {
		q.StartIndex = 1
	}
	p, err := s.List(t.Context(), tenant, rt, q)
	if err != nil {
		t.Fatalf("List %s: %v", rt.Name, err)
	}
	return p
}

func ids(rs []storage.Resource) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func mustParseFilter(t *testing.T, s string) filter.Expression {
	t.Helper()
	e, err := filter.ParseFilter([]byte(s))
	if err != nil {
		t.Fatalf("test bug: filter %q does not parse: %v", s, err)
	}
	return e
}

func mustParsePath(t *testing.T, s string) *filter.AttributePath {
	t.Helper()
	p, err := filter.ParseAttrPath([]byte(s))
	if err != nil {
		t.Fatalf("test bug: attribute path %q does not parse: %v", s, err)
	}
	return &p
}

// normalize turns a document into what encoding/json makes of it, so that
// json.Number, float64 and int, or []any and []map[string]any compare equal.
func normalize(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unmarshalable %T: %v", v, err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Sprintf("bad json: %v", err)
	}
	return out
}

func docEqual(a, b map[string]any) bool {
	return reflect.DeepEqual(normalize(a), normalize(b))
}

func cloneDoc(doc map[string]any) map[string]any {
	n, _ := normalize(doc).(map[string]any)
	if n == nil {
		n = map[string]any{}
	}
	return n
}

// jsonString renders v for messages, cut to a readable length.
func jsonString(v any) string {
	const limit = 2000
	b, err := json.Marshal(v)
	s := string(b)
	if err != nil {
		s = fmt.Sprintf("%#v", v)
	}
	if len(s) > limit {
		s = s[:limit] + fmt.Sprintf("…(%d bytes)", len(s))
	}
	return s
}

func checkDoc(t *testing.T, what string, got, want map[string]any) {
	t.Helper()
	if !docEqual(got, want) {
		t.Errorf("%s: document differs\n got: %s\nwant: %s", what, jsonString(got), jsonString(want))
	}
}

// checkRecent checks that ts is a UTC time close to now.
func checkRecent(t *testing.T, what string, ts, before, after time.Time) {
	t.Helper()
	const slack = 2 * time.Second
	if ts.IsZero() {
		t.Errorf("%s is zero", what)
		return
	}
	if ts.Location() != time.UTC {
		t.Errorf("%s = %v is not in UTC (location %q)", what, ts, ts.Location())
	}
	if ts.Before(before.Add(-slack)) || ts.After(after.Add(slack)) {
		t.Errorf("%s = %v, want between %v and %v", what, ts, before, after)
	}
}

func checkErrIs(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error = %v, want %v", what, err, want)
	}
}

// checkConflictOn checks that err is a conflict naming attr.
func checkConflictOn(t *testing.T, what string, err error, attr string) {
	t.Helper()
	ce, ok := errors.AsType[*storage.ConflictError](err)
	switch {
	case !ok:
		t.Errorf("%s: error = %v (%T), want a *storage.ConflictError naming %s", what, err, err, attr)
	case ce.Attribute != attr || !errors.Is(err, storage.ErrConflict):
		t.Errorf("%s: conflict on %q (is ErrConflict: %v), want %q", what, ce.Attribute, errors.Is(err, storage.ErrConflict), attr)
	}
}

func checkFilterError(t *testing.T, what string, err error) {
	t.Helper()
	var fe *storage.FilterError
	if !errors.As(err, &fe) {
		t.Errorf("%s: error = %v (%T), want *storage.FilterError", what, err, err)
		return
	}
	if fe.Detail == "" {
		t.Errorf("%s: FilterError has an empty Detail", what)
	}
}

func checkValueError(t *testing.T, what string, err error) {
	t.Helper()
	var ve *storage.ValueError
	if !errors.As(err, &ve) {
		t.Errorf("%s: error = %v (%T), want *storage.ValueError", what, err, err)
	}
}

// memberSet renders members as a sorted list of "type:id".
func memberSet(ms []storage.Member) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.Type+":"+m.Value)
	}
	slices.Sort(out)
	return out
}

func checkMembers(t *testing.T, what string, got []storage.Member, want ...storage.Member) {
	t.Helper()
	g, w := memberSet(got), memberSet(want)
	if !slices.Equal(g, w) {
		t.Errorf("%s: members = %v, want %v", what, g, w)
	}
}

func userMember(id string) storage.Member  { return storage.Member{Value: id, Type: schemas.UserType} }
func groupMember(id string) storage.Member { return storage.Member{Value: id, Type: schemas.GroupType} }

// keyNames maps resource IDs back to fixture keys for readable messages.
type keyNames map[string]string

func (k keyNames) names(idList []string) []string {
	out := make([]string, len(idList))
	for i, id := range idList {
		if n, ok := k[id]; ok {
			out[i] = n
		} else {
			out[i] = "<unknown id " + id + ">"
		}
	}
	return out
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

func lower(s string) string { return strings.ToLower(s) }
