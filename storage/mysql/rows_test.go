package mysql_test

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/mysql/mysqltest"
)

// measured is what this test needs of the MySQL store beyond storage.Store.
type measured interface {
	storage.Store
	Pools() map[string]*sql.DB
	Analyze(ctx context.Context) error
	PageStatement(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, q storage.Query) (string, []any, error)
}

// TestCustomRowsExamined shows, with the server's own counters, that an eq
// filter on a tenant's custom attribute reads rows in proportion to its
// result, and the first page of a sort by a custom attribute in proportion
// to the page, not to the tenant's size: the same queries in a tenant of
// 1,000 users and in one of 100,000 read the same number of rows.
func TestCustomRowsExamined(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 100,000 users")
	}
	s, ok := mysqltest.StoreFactory(t)(t).(measured)
	if !ok {
		t.Fatal("the MySQL store does not expose its pools and statements")
	}
	ctx := t.Context()
	def, err := schemas.ParseDefinition([]byte(`{"User": [
		{"name": "badgeId", "type": "string", "identifier": true},
		{"name": "level", "type": "integer"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	set, err := schemas.BuildSet(1, def)
	if err != nil {
		t.Fatal(err)
	}
	rt := &set.User
	seed := func(name string, n int) storage.TenantID {
		tn, err := s.CreateTenant(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetTenantSchema(ctx, tn.ID, 0, []byte(`{}`), &set, nil); err != nil {
			t.Fatal(err)
		}
		for start := 0; start < n; start += 1000 {
			batch := make([]storage.Resource, 0, 1000)
			for i := start; i < min(start+1000, n); i++ {
				batch = append(batch, storage.Resource{Attributes: map[string]any{
					"userName":            fmt.Sprintf("u%d", i),
					schemas.TenantUserURN: map[string]any{"badgeId": fmt.Sprintf("B-%d", i), "level": i % 1000},
				}})
			}
			if _, err := s.CreateMany(ctx, tn.ID, rt, batch); err != nil {
				t.Fatal(err)
			}
		}
		return tn.ID
	}
	small, large := seed("small", 1000), seed("large", 100000)
	if err := s.Analyze(ctx); err != nil {
		t.Fatal(err)
	}

	conn, err := s.Pools()["read"].Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	// rowsRead runs the first query of List(q) and returns the rows the
	// server read (every Handler_read counter) and the rows it returned.
	rowsRead := func(tenant storage.TenantID, q storage.Query) (read, returned int) {
		t.Helper()
		text, args, err := s.PageStatement(ctx, tenant, rt, q)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, "FLUSH STATUS"); err != nil {
			t.Fatal(err)
		}
		rows, err := conn.QueryContext(ctx, text, args...)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			returned++
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		status, err := conn.QueryContext(ctx, "SHOW SESSION STATUS LIKE 'Handler_read%'")
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = status.Close() }()
		for status.Next() {
			var name, value string
			if err := status.Scan(&name, &value); err != nil {
				t.Fatal(err)
			}
			n, _ := strconv.Atoi(value)
			read += n
		}
		return read, returned
	}
	type query struct {
		filter, sortBy string
		count          int
	}
	for _, c := range []query{
		{filter: `urn:scimd:schemas:extension:tenant:2.0:User:badgeId eq "b-777"`, count: 100},
		{filter: `badgeId eq "B-777"`, count: 100},
		{filter: `level eq 777`, count: 100},
		// The first page of a sort by a custom attribute: one page of the
		// attribute's index and the page's users by primary key.
		{sortBy: "level", count: 10},
		{sortBy: "badgeId", count: 10},
		{sortBy: "urn:scimd:schemas:extension:tenant:2.0:User:badgeId", count: 100},
		// With a filter that every user matches, checked on each row of
		// the walk. (Before the page, List probes how many users the
		// filter matches, reading at most 1,001 of them.)
		{filter: `userName sw "u"`, sortBy: "level", count: 10},
	} {
		name := c.filter
		if c.sortBy != "" {
			name = strings.TrimSpace(name + " sortBy " + c.sortBy)
		}
		t.Run(name, func(t *testing.T) {
			q := storage.Query{Count: c.count, StartIndex: 1}
			if c.filter != "" {
				q.Filter = mustParse(t, c.filter)
			}
			if c.sortBy != "" {
				path, err := filter.ParseAttrPath([]byte(c.sortBy))
				if err != nil {
					t.Fatal(err)
				}
				q.SortBy = &path
			}
			smallRead, smallN := rowsRead(small, q)
			largeRead, largeN := rowsRead(large, q)
			t.Logf("1,000 users: %d rows read for %d results; 100,000 users: %d rows read for %d results", smallRead, smallN, largeRead, largeN)
			if smallN == 0 || largeN == 0 {
				t.Errorf("no results; the case proves nothing")
			}
			// O(result): a handful of index reads per row returned, the
			// same in both tenants, whatever their size.
			if largeRead > 10*(largeN+1) || largeRead > 2*smallRead+10*(largeN-smallN+1) {
				t.Errorf("read %d rows in the 100,000-user tenant for %d results (%d in the 1,000-user tenant)", largeRead, largeN, smallRead)
			}
		})
	}
}

func mustParse(t *testing.T, s string) filter.Expression {
	t.Helper()
	e, err := filter.ParseFilter([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return e
}
