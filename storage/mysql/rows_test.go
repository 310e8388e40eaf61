package mysql_test

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
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
	PageStatement(tenant storage.TenantID, rt *schemas.ResourceType, q storage.Query) (string, []any, error)
}

// TestCustomFilterRowsExamined shows, with the server's own counters, that
// an eq filter on a tenant's custom attribute reads rows in proportion to
// its result, not to the tenant's size: the same lookups in a tenant of
// 1,000 users and in one of 100,000 read the same number of rows.
func TestCustomFilterRowsExamined(t *testing.T) {
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
	rowsRead := func(tenant storage.TenantID, f string) (read, returned int) {
		t.Helper()
		q := storage.Query{Filter: mustParse(t, f), Count: 100, StartIndex: 1}
		text, args, err := s.PageStatement(tenant, rt, q)
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
	for _, f := range []string{
		`urn:scimd:schemas:extension:tenant:2.0:User:badgeId eq "b-777"`,
		`badgeId eq "B-777"`,
		`level eq 777`,
	} {
		smallRead, smallN := rowsRead(small, f)
		largeRead, largeN := rowsRead(large, f)
		t.Logf("%s: 1,000 users: %d rows read for %d results; 100,000 users: %d rows read for %d results", f, smallRead, smallN, largeRead, largeN)
		if smallN == 0 || largeN == 0 {
			t.Errorf("%s matched nothing; the case proves nothing", f)
		}
		// O(result): a handful of index reads per match, the same in both
		// tenants, whatever their size.
		if largeRead > 10*(largeN+1) || largeRead > 2*smallRead+10*(largeN-smallN+1) {
			t.Errorf("%s read %d rows in the 100,000-user tenant for %d results (%d in the 1,000-user tenant)", f, largeRead, largeN, smallRead)
		}
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
