package sqlstore

import (
	"context"
	"fmt"
	"strings"

	sq "github.com/Masterminds/squirrel"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// TenantWalk starts a FullScans entry for an index walk over a whole tenant.
// With an ORDER BY that the index serves and a LIMIT, such a walk reads one
// page; with a filter, it may read the tenant.
const TenantWalk = "tenant: "

// FullScans returns the steps of the page queries of List(q), according to
// the engine's EXPLAIN, that read more than an index lookup does: "scan: " a
// whole table or index, TenantWalk a whole tenant, "sort: " a sort of the
// matches. Tests use it to prove that filters and sorts are index-driven.
// When List reads a page in segments (see valuesSegments), the steps of
// every segment's query are returned.
func (s *Store) FullScans(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, q storage.Query) ([]string, error) {
	p, err := s.planList(ctx, tenant, rt, q)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, sg := range p.segs {
		offset := 0
		if i == 0 && !q.Keyset {
			offset = max(q.StartIndex, 1) - 1
		}
		text, args, err := pageQuery(sg, nil, max(q.Count, 1), offset).ToSql()
		if err != nil {
			return nil, err
		}
		steps, err := s.d.FullScans(ctx, s.read, text, args)
		if err != nil {
			return nil, err
		}
		out = append(out, steps...)
	}
	return out, nil
}

// Engine names the store's SQL engine: "sqlite" or "mysql".
func (s *Store) Engine() string { return s.d.Name }

// Analyze refreshes the engine's table statistics, which its query planner
// uses to choose between indexes. Engines also do this on their own as
// tables grow; tests and bulk loads call it to see settled plans at once.
func (s *Store) Analyze(ctx context.Context) error {
	for _, stmt := range s.d.Analyze {
		s.stmts.Add(1)
		if _, err := s.write.ExecContext(ctx, stmt); err != nil {
			return s.mapErr("analyze", err)
		}
	}
	return nil
}

// PageStatement returns the SQL text and arguments of the first query that
// List(q) runs for the page (without a cursor), for tests that run it on a
// connection of their own to read the engine's counters of rows examined.
func (s *Store) PageStatement(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, q storage.Query) (string, []any, error) {
	p, err := s.planList(ctx, tenant, rt, q)
	if err != nil {
		return "", nil, err
	}
	offset := 0
	if !q.Keyset {
		offset = max(q.StartIndex, 1) - 1
	}
	return pageQuery(p.segs[0], nil, max(q.Count, 1), offset).ToSql()
}

// Examined runs the statements with which List(q) finds its matches, the
// page query of every segment (with users, as the statement that also reads
// them and their direct groups) and the count of matches, on one read
// connection, and returns the work the engine reports for them (see
// Dialect.Examine). Tests compare it across tenants of different sizes: a
// filter served by a selective index costs the same in both.
func (s *Store) Examined(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, q storage.Query) (int, error) {
	if s.d.Examine == nil {
		return 0, fmt.Errorf("%s cannot count the work of a query", s.d.Name)
	}
	p, err := s.planList(ctx, tenant, rt, q)
	if err != nil {
		return 0, err
	}
	stmts := []sq.Sqlizer{p.count}
	for i, sg := range p.segs {
		offset := 0
		if i == 0 && !q.Keyset {
			offset = max(q.StartIndex, 1) - 1
		}
		page := pageQuery(sg, nil, max(q.Count, 1), offset)
		if p.idsFirst {
			// List reads the users in the same statement.
			stmts = append(stmts, pageUsersQuery(tenant, page, sg.ord, q.GetOptions))
			continue
		}
		stmts = append(stmts, page)
	}
	conn, err := s.read.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer func() { _ = conn.Close() }()
	total := 0
	for _, b := range stmts {
		text, args, err := b.ToSql()
		if err != nil {
			return 0, err
		}
		n, err := s.d.Examine(ctx, conn, text, args)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// RelatedFullScans is FullScans for the statements that read the given
// users with their groups (direct and indirect) and apps, as a page of a
// list does: the users with their direct groups (directSelect), then the
// recursive walk and the apps (relatedQuery). Steps that read the
// recursive walk's own working table are left out: it holds the users'
// groups, the statement's result.
func (s *Store) RelatedFullScans(ctx context.Context, tenant storage.TenantID, users []string) ([]string, error) {
	opts := storage.GetOptions{Groups: true, Apps: true}
	related, _ := relatedQuery(tenant, users, opts)
	var out []string
	for _, b := range []sq.Sqlizer{directSelect(tenant, users, opts), related} {
		text, args, err := b.ToSql()
		if err != nil {
			return nil, err
		}
		steps, err := s.d.FullScans(ctx, s.read, text, args)
		if err != nil {
			return nil, err
		}
		out = append(out, withoutCTEScans(steps)...)
	}
	return out, nil
}

// CycleFullScans is FullScans for the query with which adding the given
// groups to a group checks for a cycle. Steps that read the recursive
// walk's own working table are left out.
func (s *Store) CycleFullScans(ctx context.Context, tenant storage.TenantID, group string, members []string) ([]string, error) {
	text, args, err := cycleQuery(tenant, group, members).ToSql()
	if err != nil {
		return nil, err
	}
	steps, err := s.d.FullScans(ctx, s.read, text, args)
	return withoutCTEScans(steps), err
}

func withoutCTEScans(steps []string) []string {
	out := steps[:0]
	for _, step := range steps {
		// SQLite reports its reads of the CTE as scans of anc (aliased a).
		if !strings.HasSuffix(step, "SCAN anc") && !strings.HasSuffix(step, "SCAN a") {
			out = append(out, step)
		}
	}
	return out
}
