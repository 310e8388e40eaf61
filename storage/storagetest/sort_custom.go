package storagetest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// sortPagingUsers is the number of users of testCustomSortPaging: more than
// a thousand, so that a filter matching nearly all of them is a broad one
// (a store may read a narrow filter's matches and sort them, and walk a sort
// index for a broad one; both must give the same pages).
const sortPagingUsers = 1200

// sortPagingDef are the custom attributes testCustomSortPaging sorts by.
var sortPagingDef = schemas.Definition{
	User: []schemas.AttributeDef{
		{Name: "site", Type: "string"},
		{Name: "rank", Type: "integer"},
		{Name: "since", Type: "dateTime"},
	},
	Group: []schemas.AttributeDef{
		{Name: "budget", Type: "decimal"},
	},
}

// sortPagingValues returns user i's custom values: each attribute is missing
// on some users, and values repeat (ties), in mixed case for the string.
func sortPagingValues(i int) map[string]any {
	c := map[string]any{}
	if i%7 != 0 {
		c["site"] = fmt.Sprintf("%s-%d", []string{"Oslo", "bergen", "TROMSØ", "Ålesund", "oslo"}[i%5], (i*37)%11)
	}
	if i%5 != 0 {
		c["rank"] = (i*13)%101 - 50
	}
	if i%3 != 0 {
		since := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i*7)%400)
		// Other zones: dateTimes order as instants.
		c["since"] = since.In(time.FixedZone("", (i%3-1)*3600)).Format(time.RFC3339)
	}
	return c
}

// sortPagingKey is a resource's sort value in comparable form.
type sortPagingKey struct {
	id  string
	has bool
	str string
	num float64
}

func sortPagingKeyOf(id string, custom map[string]any, attr string) sortPagingKey {
	k := sortPagingKey{id: id}
	v, ok := custom[attr]
	if !ok {
		return k
	}
	if s, ok := v.(string); ok {
		k.has, k.str = true, lower(s)
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			k.str = t.UTC().Format(time.RFC3339Nano)
		}
		return k
	}
	k.num, k.has = customNumber(v)
	return k
}

// sortPagingOrder is RFC 7644's order: by value, resources without one
// last, ties by id; descending is the exact reverse.
func sortPagingOrder(keys []sortPagingKey, desc bool) []string {
	ks := slices.Clone(keys)
	slices.SortFunc(ks, func(a, b sortPagingKey) int {
		if a.has != b.has {
			if a.has {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(a.str, b.str); c != 0 {
			return c
		}
		if c := cmp.Compare(a.num, b.num); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.id
	}
	if desc {
		slices.Reverse(out)
	}
	return out
}

// testCustomSortPaging: sorting by custom attributes (string, integer,
// dateTime, and a decimal of groups) that some resources lack, ascending
// and descending, without a filter and with a narrow and a broad one, by
// index pages that start before, at and after the boundary between the
// resources with a value and those without, and by keyset walks that cross
// it, one of them with pages that end exactly on it.
func testCustomSortPaging(t *testing.T, s storage.Store) {
	ctx := t.Context()
	tenant := mustTenant(t, s, "acme")
	set := mustCustomSchema(t, s, tenant, 0, schemas.Definition{}, sortPagingDef)
	names := keyNames{}
	var users []storage.Resource
	for start := 0; start < sortPagingUsers; start += 500 {
		var batch []storage.Resource
		for i := start; i < min(start+500, sortPagingUsers); i++ {
			batch = append(batch, storage.Resource{Attributes: customUserDoc(fmt.Sprintf("u%04d", i), sortPagingValues(i))})
		}
		created, err := s.CreateMany(ctx, tenant, &set.User, batch)
		if err != nil {
			t.Fatalf("CreateMany: %v", err)
		}
		users = append(users, created...)
	}
	userName := map[string]string{}
	for _, r := range users {
		names[r.ID] = r.Attributes["userName"].(string)
		userName[r.ID] = names[r.ID]
	}
	var groups []storage.Resource
	for i := range 30 {
		doc := groupDoc(fmt.Sprintf("g%02d", i))
		if i%4 != 0 {
			doc[schemas.TenantGroupURN] = map[string]any{"budget": float64((i*7)%10) / 4}
		}
		g := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: doc})
		names[g.ID] = fmt.Sprintf("g%02d", i)
		groups = append(groups, g)
	}

	filters := []struct {
		name    string
		filter  string
		matches func(id string) bool
	}{
		{name: "no filter", matches: func(string) bool { return true }},
		{name: "broad filter", filter: `not (userName eq "u0007")`, matches: func(id string) bool { return userName[id] != "u0007" }},
		{name: "narrow filter", filter: `userName sw "u01"`, matches: func(id string) bool { return strings.HasPrefix(userName[id], "u01") }},
	}
	for _, sc := range []struct {
		rt     *schemas.ResourceType
		urn    string
		attr   string
		sortBy string
		rs     []storage.Resource
	}{
		{rt: &set.User, urn: schemas.TenantUserURN, attr: "site", sortBy: "site", rs: users},
		{rt: &set.User, urn: schemas.TenantUserURN, attr: "rank", sortBy: schemas.TenantUserURN + ":rank", rs: users},
		{rt: &set.User, urn: schemas.TenantUserURN, attr: "since", sortBy: "since", rs: users},
		{rt: &set.Group, urn: schemas.TenantGroupURN, attr: "budget", sortBy: "budget", rs: groups},
	} {
		for _, f := range filters {
			if sc.rt == &set.Group && f.filter != "" {
				continue
			}
			for _, desc := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s %s descending %v", sc.sortBy, f.name, desc), func(t *testing.T) {
					var keys []sortPagingKey
					withValue := 0
					for _, r := range sc.rs {
						if !f.matches(r.ID) {
							continue
						}
						custom, _ := r.Attributes[sc.urn].(map[string]any)
						k := sortPagingKeyOf(r.ID, custom, sc.attr)
						keys = append(keys, k)
						if k.has {
							withValue++
						}
					}
					want := sortPagingOrder(keys, desc)
					// Where the resources with a value and those without
					// meet, counted from the first of the order.
					boundary := withValue
					if desc {
						boundary = len(want) - withValue
					}
					q := storage.Query{SortBy: mustParsePath(t, sc.sortBy), Descending: desc}
					if f.filter != "" {
						q.Filter = mustParseFilter(t, f.filter)
					}
					checkSortPages(t, s, tenant, sc.rt, q, names, want, boundary)
				})
			}
		}
	}
}

// checkSortPages lists q in one page, by index pages around boundary and by
// keyset walks, and compares each with want.
func checkSortPages(t *testing.T, s storage.Store, tenant storage.TenantID, rt *schemas.ResourceType, q storage.Query, names keyNames, want []string, boundary int) {
	t.Helper()
	ctx := t.Context()
	all := q
	all.Count, all.StartIndex = 2*len(want)+10, 1
	p, err := s.List(ctx, tenant, rt, all)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if got := ids(p.Resources); !slices.Equal(got, want) || p.Total != len(want) {
		t.Fatalf("one page (total %d, want %d):\n got: %v\nwant: %v", p.Total, len(want), names.names(got), names.names(want))
	}

	const count = 7
	for _, start := range []int{1, boundary - count, boundary - 3, boundary, boundary + 1, boundary + 2, boundary + count + 1, len(want) - 2, len(want) + 1} {
		if start < 1 {
			continue
		}
		iq := q
		iq.Count, iq.StartIndex = count, start
		p, err := s.List(ctx, tenant, rt, iq)
		if err != nil {
			t.Fatalf("List StartIndex %d: %v", start, err)
		}
		from := min(start-1, len(want))
		w := want[from:min(from+count, len(want))]
		if got := ids(p.Resources); !slices.Equal(got, w) {
			t.Errorf("StartIndex %d Count %d (boundary %d):\n got: %v\nwant: %v", start, count, boundary, names.names(got), names.names(w))
		}
		if p.Total != len(want) {
			t.Errorf("StartIndex %d Count %d: Total = %d, want %d", start, count, p.Total, len(want))
		}
	}

	// Keyset walks: pages of 97, and pages that end exactly at the
	// boundary (its page size is the boundary's index).
	for _, size := range []int{97, boundary} {
		if size < 1 {
			continue
		}
		kq := q
		kq.Keyset, kq.Count, kq.Total = true, size, true
		got := walkKeyset(t, s, tenant, rt, kq, len(want))
		if !slices.Equal(got, want) {
			t.Errorf("keyset walk with Count %d (boundary %d):\n got: %v\nwant: %v", size, boundary, names.names(got), names.names(want))
		}
	}
}

// testLongValueKeys: string values around a kilobyte, where a store may
// index a prefix of each value (MySQL indexes the first 1024 bytes), with
// characters of two, three and four bytes straddling that boundary. Filters
// compare whole values; sorting orders values by their bytes, except that
// values sharing their first 1024 bytes may sort in either order, and
// every way of paging gives the same order.
func testLongValueKeys(t *testing.T, s storage.Store) {
	ctx := t.Context()
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	var values []string
	for _, mb := range []string{"é", "€", "😀"} {
		for start := 1019; start <= 1025; start++ {
			values = append(values, strings.Repeat("k", start)+mb+"z")
		}
	}
	values = append(values, strings.Repeat("k", 1030)+"a", strings.Repeat("k", 1030)+"b", strings.Repeat("k", 1000)+"a", "k")
	byValue := map[string]string{}
	names := keyNames{}
	for i, v := range values {
		r := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: map[string]any{"userName": fmt.Sprintf("long%02d", i), "title": v}})
		byValue[v], names[r.ID] = r.ID, fmt.Sprintf("long%02d", i)
	}
	idsWhere := func(keep func(v string) bool) []string {
		var out []string
		for _, v := range values {
			if keep(v) {
				out = append(out, byValue[v])
			}
		}
		return out
	}
	for _, v := range values {
		for _, c := range []struct {
			op   string
			keep func(x string) bool
		}{
			{op: "eq", keep: func(x string) bool { return x == v }},
			{op: "gt", keep: func(x string) bool { return x > v }},
			{op: "ge", keep: func(x string) bool { return x >= v }},
			{op: "lt", keep: func(x string) bool { return x < v }},
			{op: "le", keep: func(x string) bool { return x <= v }},
			{op: "sw", keep: func(x string) bool { return strings.HasPrefix(x, v) }},
		} {
			f := `title ` + c.op + ` "` + v + `"`
			p := listAll(t, s, tenant, &set.User, storage.Query{Filter: mustParseFilter(t, f), Count: 100})
			if got, want := ids(p.Resources), idsWhere(c.keep); !equalSets(got, want) {
				t.Errorf("title %s (%d bytes ending %q): %v, want %v", c.op, len(v), v[len(v)-6:], names.names(got), names.names(want))
			}
		}
	}
	for _, desc := range []bool{false, true} {
		q := storage.Query{SortBy: mustParsePath(t, "title"), Descending: desc, Count: 100, StartIndex: 1}
		p := listAll(t, s, tenant, &set.User, q)
		got := ids(p.Resources)
		if !equalSets(got, idsWhere(func(string) bool { return true })) {
			t.Fatalf("sortBy title descending %v: %v, want every user once", desc, names.names(got))
		}
		title := map[string]string{}
		for v, id := range byValue {
			title[id] = v
		}
		for i := 1; i < len(got); i++ {
			a, b := title[got[i-1]], title[got[i]]
			if desc {
				a, b = b, a
			}
			if a[:min(len(a), 1024)] > b[:min(len(b), 1024)] {
				t.Errorf("sortBy title descending %v: …%q before …%q", desc, title[got[i-1]][max(0, len(title[got[i-1]])-8):], title[got[i]][max(0, len(title[got[i]])-8):])
			}
		}
		for _, size := range []int{1, 3} {
			kq := q
			kq.Keyset, kq.Count, kq.StartIndex = true, size, 0
			if walked := walkKeyset(t, s, tenant, &set.User, kq, len(got)); !slices.Equal(walked, got) {
				t.Errorf("keyset walk by %d, descending %v:\n got: %v\nwant: %v", size, desc, names.names(walked), names.names(got))
			}
		}
		for start := 1; start <= len(got); start += 4 {
			iq := q
			iq.Count, iq.StartIndex = 4, start
			p, err := s.List(ctx, tenant, &set.User, iq)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if w := got[start-1 : min(start+3, len(got))]; !slices.Equal(ids(p.Resources), w) {
				t.Errorf("StartIndex %d, descending %v: %v, want %v", start, desc, names.names(ids(p.Resources)), names.names(w))
			}
		}
	}
}
