package sqltest

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// The helpers of scale.go, copied from storage/storagetest, which this
// package does not import.

// statementCounter is implemented by stores that count the SQL statements
// they execute. sqlstore.Store is one.
type statementCounter interface {
	Statements() int64
}

// mustCounter returns s as a statementCounter, or stops the test.
func mustCounter(t *testing.T, s storage.Store) statementCounter {
	t.Helper()
	counter, ok := s.(statementCounter)
	if !ok {
		t.Fatalf("%T does not implement Statements() int64", s)
	}
	return counter
}

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
		t.Fatalf("Create %s %v: %v", rt.Name, r.Attributes, err)
	}
	if got.ID == "" {
		t.Fatalf("Create %s %v returned an empty ID", rt.Name, r.Attributes)
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

func userDoc(userName string) map[string]any {
	return map[string]any{"userName": userName}
}

func groupDoc(displayName string) map[string]any {
	return map[string]any{"displayName": displayName}
}

func userMember(id string) storage.Member  { return storage.Member{Value: id, Type: schemas.UserType} }
func groupMember(id string) storage.Member { return storage.Member{Value: id, Type: schemas.GroupType} }

func ids(rs []storage.Resource) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

func groupRefs(gs []storage.GroupRef) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Display + "/" + g.Type
	}
	return out
}

// checkUserGroups checks that user's groups are want ("display/type"),
// ordered by ID.
func checkUserGroups(t *testing.T, s storage.Store, tenant storage.TenantID, what, user string, want ...string) {
	t.Helper()
	set := schemas.Default()
	got := mustGet(t, s, tenant, &set.User, user, storage.GetOptions{Groups: true})
	if g, w := sortedCopy(groupRefs(got.Groups)), sortedCopy(want); !slices.Equal(g, w) {
		t.Errorf("%s: groups = %v, want %v", what, g, w)
	}
	for i := 1; i < len(got.Groups); i++ {
		if got.Groups[i-1].Value >= got.Groups[i].Value {
			t.Errorf("%s: groups are not ordered by ID: %v", what, got.Groups)
			break
		}
	}
}

// checkCycleError checks that err refuses a cycle, naming the offending
// group.
func checkCycleError(t *testing.T, what string, err error, offending string) {
	t.Helper()
	var ve *storage.ValueError
	if !errors.As(err, &ve) {
		t.Errorf("%s: error = %v (%T), want *storage.ValueError", what, err, err)
		return
	}
	if ve.Attribute != "members" || !strings.Contains(ve.Detail, offending) {
		t.Errorf("%s: ValueError{%q, %q}, want members naming %s", what, ve.Attribute, ve.Detail, offending)
	}
}
