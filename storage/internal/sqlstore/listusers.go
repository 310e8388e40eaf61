package sqlstore

import (
	"context"
	"slices"

	sq "github.com/Masterminds/squirrel"

	"github.com/scimd/scimd/storage"
)

// pageUsersQuery wraps page, the query of a page's user IDs (followed by
// their sort values when ord has one), into one statement that also reads
// the users with their direct groups, as directSelect does, in the page's
// order: a list of users costs one statement, not one for the IDs and
// another for the users. The page is a common table expression pg(pid
// [, psv]); its LIMIT keeps it a page, which the users table is joined to by
// primary key. The outer ORDER BY sorts the page's rows only.
func pageUsersQuery(tenant storage.TenantID, page sq.SelectBuilder, ord order, opts storage.GetOptions) sq.SelectBuilder {
	cte := "WITH pg(pid) AS (?)"
	outer := order{id: "pg.pid", unique: ord.unique, desc: ord.desc}
	if ord.expr != "" {
		cte = "WITH pg(pid, psv) AS (?)"
		outer.expr, outer.nullable = "pg.psv", ord.nullable
	}
	b := sq.Select().From("pg").JoinClause("CROSS JOIN "+usersTable.from+" ON r.tenant_id = ? AND r.id = pg.pid", string(tenant))
	b = directColumns(b, opts)
	if ord.expr != "" {
		b = b.Column("pg.psv")
	}
	return b.PrefixExpr(sq.Expr(cte, page)).OrderBy(outer.orderBy()...)
}

// sortValueOf converts a scanned sort value to the cursor's form: a string
// or a float64 (or nil).
func sortValueOf(v any) any {
	switch v := v.(type) {
	case []byte:
		return string(v)
	case int64:
		return float64(v)
	}
	return v
}

// pageUsers returns the users of page (which hold only their IDs) as users
// read them, completed by readNested, in page's order.
func (s *Store) pageUsers(ctx context.Context, tenant storage.TenantID, page []storage.Resource, users *userRows) ([]storage.Resource, error) {
	// The row read past the page, to tell whether another follows, is
	// no user of the page: leave it out of the further reads.
	inPage := make(map[string]bool, len(page))
	for _, r := range page {
		inPage[r.ID] = true
	}
	keep := func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return !inPage[id] })
	}
	users.nested, users.withApps = keep(users.nested), keep(users.withApps)
	if err := s.readNested(ctx, tenant, users); err != nil {
		return nil, err
	}
	out := make([]storage.Resource, 0, len(page))
	for _, r := range page {
		out = append(out, *users.found[r.ID])
	}
	return out, nil
}

// countList runs a count of a list on the read pool, as a prepared
// statement.
func (s *Store) countList(ctx context.Context, b sq.Sqlizer, n *int) error {
	rows, err := s.queryList(ctx, b)
	return scanOne(rows, err, n)
}
