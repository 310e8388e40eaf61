package sqltest

import (
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// listAll lists up to 1,000 resources of q from the first page.
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
