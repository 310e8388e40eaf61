package storagetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// testValueLimits checks long values: a store either keeps them faithfully
// (they round-trip, are found by eq and stay unique by their full value) or
// rejects them with a *storage.ValueError; never another error.
func testValueLimits(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	for _, n := range []int{255, 256, 1000, 5000, 100_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			prefix := strings.Repeat("ä", n/2) + strings.Repeat("x", n-n/2-1)
			a, b := prefix+"a", prefix+"b" // differ only in the last character
			ra, err := s.Create(ctx, tenant, &set.User, storage.Resource{Attributes: map[string]any{"userName": a, "title": a}})
			if err != nil {
				checkValueError(t, fmt.Sprintf("userName of %d characters", n), err)
				t.Logf("userName of %d characters rejected: %v", n, err)
				return
			}
			rb, err := s.Create(ctx, tenant, &set.User, storage.Resource{Attributes: userDoc(b)})
			if err != nil {
				t.Fatalf("userName of %d characters differing in the last one from an existing one: %v", n, err)
			}
			_, err = s.Create(ctx, tenant, &set.User, storage.Resource{Attributes: userDoc(strings.ToUpper(a))})
			checkErrIs(t, fmt.Sprintf("upper-cased userName of %d characters", n), err, storage.ErrConflict)
			got := mustGet(t, s, tenant, &set.User, ra.ID, storage.GetOptions{})
			if got.Attributes["userName"] != a || got.Attributes["title"] != a {
				t.Errorf("userName and title of %d characters do not round-trip", n)
			}
			for _, tc := range []struct {
				filter string
				want   string
			}{
				{filter: `userName eq "` + a + `"`, want: ra.ID},
				{filter: `userName eq "` + strings.ToUpper(b) + `"`, want: rb.ID},
				{filter: `title eq "` + a + `"`, want: ra.ID},
				{filter: `userName ew "xa" and userName sw "` + prefix[:20] + `"`, want: ra.ID},
			} {
				p, err := s.List(ctx, tenant, &set.User, storage.Query{Filter: mustParseFilter(t, tc.filter), Count: 10, StartIndex: 1})
				var fe *storage.FilterError
				if errors.As(err, &fe) {
					continue // a filter value over the limit
				}
				if err != nil {
					t.Errorf("filter on a value of %d characters: %v", n, err)
					continue
				}
				if got := ids(p.Resources); len(got) != 1 || got[0] != tc.want {
					t.Errorf("filter %.60s… on values of %d characters: %v, want %s", tc.filter, n, got, tc.want)
				}
			}
			for _, id := range []string{ra.ID, rb.ID} {
				if err := s.Delete(ctx, tenant, &set.User, id, 0); err != nil {
					t.Fatalf("Delete: %v", err)
				}
			}
		})
	}
}

// testLongValues checks that long values of an attribute without a length
// limit are kept, found and told apart by their full value, also beyond any
// prefix an index might keep.
func testLongValues(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	for _, n := range []int{300, 1024, 3000, 70_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			prefix := strings.Repeat("Ä", n/4) + strings.Repeat("y", n-n/4-1)
			a, b := prefix+"a", prefix+"b" // differ only in the last character
			emailA := map[string]any{"value": prefix + "@a.example", "type": "work"}
			create := func(doc map[string]any) (storage.Resource, bool) {
				t.Helper()
				r, err := s.Create(ctx, tenant, &set.User, storage.Resource{Attributes: doc})
				var ve *storage.ValueError
				if errors.As(err, &ve) {
					t.Logf("values of %d characters rejected: %v", n, err)
					return r, false
				}
				if err != nil {
					t.Fatalf("Create with values of %d characters: %v (want success or a ValueError)", n, err)
				}
				return r, true
			}
			ra, ok := create(map[string]any{"userName": fmt.Sprintf("a%d", n), "title": a, "emails": []any{emailA}})
			if !ok {
				return
			}
			rb, ok := create(map[string]any{"userName": fmt.Sprintf("b%d", n), "title": b})
			if !ok {
				t.Fatalf("a title of %d characters was accepted once and rejected once", n)
			}
			got := mustGet(t, s, tenant, &set.User, ra.ID, storage.GetOptions{})
			if got.Attributes["title"] != a {
				t.Errorf("title of %d characters does not round-trip", n)
			}
			for _, tc := range []struct {
				filter string
				want   []string
			}{
				{filter: `title eq "` + a + `"`, want: []string{ra.ID}},
				{filter: `title eq "` + strings.ToLower(b) + `"`, want: []string{rb.ID}},
				{filter: `title eq "` + prefix + `"`, want: []string{}},
				{filter: `title ne "` + a + `"`, want: []string{rb.ID}},
				{filter: `title ew "yb"`, want: []string{rb.ID}},
				{filter: `title sw "` + strings.ToLower(prefix) + `"`, want: []string{ra.ID, rb.ID}},
				{filter: `title co "yya"`, want: []string{ra.ID}},
				{filter: `title gt "` + a + `"`, want: []string{rb.ID}},
				{filter: `title lt "` + b + `"`, want: []string{ra.ID}},
				{filter: `emails[type eq "work" and value ew "y@A.example"]`, want: []string{ra.ID}},
			} {
				p, err := s.List(ctx, tenant, &set.User, storage.Query{Filter: mustParseFilter(t, tc.filter), Count: 10, StartIndex: 1})
				var fe *storage.FilterError
				if errors.As(err, &fe) {
					t.Logf("filter on %d characters rejected: %v", n, err)
					continue
				}
				if err != nil {
					t.Errorf("filter %.40s… on values of %d characters: %v", tc.filter, n, err)
					continue
				}
				if got := ids(p.Resources); !equalSets(got, tc.want) {
					t.Errorf("filter %.40s…%s on values of %d characters: %v, want %v", tc.filter, tc.filter[max(0, len(tc.filter)-12):], n, got, tc.want)
				}
			}
			p := listAll(t, s, tenant, &set.User, storage.Query{SortBy: mustParsePath(t, "title"), Filter: mustParseFilter(t, `title sw "Ä"`)})
			if got := ids(p.Resources); len(got) != 2 || got[0] != ra.ID || got[1] != rb.ID {
				t.Errorf("sort by titles of %d characters differing in the last: %v, want [%s %s]", n, got, ra.ID, rb.ID)
			}
			for _, id := range []string{ra.ID, rb.ID} {
				if err := s.Delete(ctx, tenant, &set.User, id, 0); err != nil {
					t.Fatalf("Delete: %v", err)
				}
			}
		})
	}
}

// testLargeFilter checks that a filter with many clauses either works or is
// rejected with a *storage.FilterError.
func testLargeFilter(t *testing.T, s storage.Store) {
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	var want []string
	for i := range 10 {
		r := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: userDoc(fmt.Sprintf("user%d", i))})
		if i%2 == 0 {
			want = append(want, r.ID)
		}
	}
	for _, n := range []int{10, 100, 1000} {
		var clauses []string
		for i := range n {
			j := i
			if i >= 5 {
				j = 1000 + i // matches nobody
			}
			clauses = append(clauses, fmt.Sprintf(`userName eq "user%d"`, 2*j))
		}
		f := strings.Join(clauses, " or ")
		p, err := s.List(t.Context(), tenant, &set.User, storage.Query{Filter: mustParseFilter(t, f), Count: 100, StartIndex: 1})
		var fe *storage.FilterError
		if errors.As(err, &fe) {
			t.Logf("filter with %d clauses rejected: %v", n, err)
			continue
		}
		if err != nil {
			t.Errorf("filter with %d clauses: %v, want results or a FilterError", n, err)
			continue
		}
		if got := sortedCopy(ids(p.Resources)); !equalSets(got, want) {
			t.Errorf("filter with %d clauses: %d results, want %d", n, len(got), len(want))
		}
	}
}

func equalSets(a, b []string) bool {
	a, b = sortedCopy(a), sortedCopy(b)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
