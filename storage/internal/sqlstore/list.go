package sqlstore

import (
	"context"
	"database/sql"

	sq "github.com/Masterminds/squirrel"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// A listPlan is the SQL of one List call.
type listPlan struct {
	t     table
	ord   order
	count sq.SelectBuilder // COUNT(*) of every match
	segs  []segment        // the parts of the order, in order
	total int              // the number of matches if planning counted them, else -1
	// idsFirst: the segments select ids only, and the users and their
	// groups are read by id afterwards. A page that sorts documents makes
	// the engine carry them through a temporary table (on MariaDB 2-3x the
	// cost of the same query on ids), and the groups and apps come in the
	// same second query.
	idsFirst bool
}

// A segment is a part of the order that one query reads. Most orders are
// one segment; a sort by an attribute held in attr_values may be two (see
// valuesSegments).
type segment struct {
	ord     order            // the order within the segment
	rows    sq.SelectBuilder // the segment's rows, without ORDER BY and LIMIT
	count   sq.SelectBuilder // COUNT of the segment's rows
	missing bool             // the rows without a sort value, where a cursor without one points
}

func (s *Store) planList(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, q storage.Query) (listPlan, error) {
	t, err := tableFor(rt)
	if err != nil {
		return listPlan{}, err
	}
	tr := &translator{d: s.d, rt: rt, t: t, tenant: tenant}
	where := sq.And{tenantWhere(tenant)}
	if q.Filter != nil {
		cond, err := tr.translate(q.Filter)
		if err != nil {
			return listPlan{}, err
		}
		where = append(where, cond)
	}
	ord, err := tr.order(q.SortBy, q.Descending)
	if err != nil {
		return listPlan{}, err
	}
	p := listPlan{t: t, ord: ord, count: sq.Select("COUNT(*)").From(t.from).Where(where), total: -1,
		idsFirst: t.rtype == rtypeUser && (q.Groups || q.Apps)}
	cols := resourceColumns
	if p.idsFirst {
		cols = []string{"r.id"}
	}
	if ord.values != nil && q.Count > 0 {
		walk, err := s.walkValues(ctx, &p, where, q.Filter != nil)
		if err != nil {
			return p, err
		}
		if walk {
			p.segs = valuesSegments(s.d, tenant, t, ord, where, q.Filter != nil, cols)
			return p, nil
		}
	}
	rows := sq.Select(cols...).From(t.from)
	if v := ord.values; v != nil {
		rows = rows.JoinClause(sq.Expr("LEFT JOIN "+valuesTable+" sv ON sv.tenant_id = r.tenant_id AND sv.rtype = ? AND sv.resource_id = r.id AND sv.attr = ? AND sv.elem = 0 AND sv.pos = 0",
			v.rtype, v.attr))
	}
	if ord.expr != "" {
		rows = rows.Column(ord.expr)
	}
	p.segs = []segment{{ord: ord, rows: rows.Where(where), count: p.count}}
	return p, nil
}

// List returns one page of the resources that match q.
func (s *Store) List(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, q storage.Query) (storage.Page, error) {
	page := storage.Page{Total: -1}
	p, err := s.planList(ctx, tenant, rt, q)
	if err != nil {
		return page, s.mapErr("list "+rt.Name, err)
	}
	wantTotal := !q.Keyset || q.Total || q.Count <= 0
	if q.Count <= 0 {
		err := s.countList(ctx, p.count, &page.Total)
		return page, s.mapErr("count "+rt.Name, err)
	}
	var c *cursor
	if q.Keyset && q.Cursor != "" {
		cur, err := decodeCursor(q.Cursor, p.ord)
		if err != nil {
			return page, err
		}
		c = &cur
	}
	var users *userRows
	if p.idsFirst {
		users = newUserRows(q.Count, q.GetOptions)
	}
	rows, more, err := s.fetch(ctx, tenant, p, q, c, users)
	if err != nil {
		return page, s.mapErr("list "+rt.Name, err)
	}
	for _, r := range rows {
		page.Resources = append(page.Resources, r.res)
	}
	if n := len(rows); n == q.Count && (more || !q.Keyset) {
		// A full index page also tells where the next one starts, so a
		// sequential walk can continue by keyset instead of OFFSET.
		page.NextCursor = encodeCursor(cursor{Key: p.ord.key, ID: rows[n-1].res.ID, Value: rows[n-1].sortValue})
	}
	firstPage := (!q.Keyset && q.StartIndex <= 1) || (q.Keyset && q.Cursor == "")
	switch {
	case !wantTotal:
	case p.total >= 0:
		page.Total = p.total
	case firstPage && page.NextCursor == "" && len(page.Resources) < q.Count:
		// The first page holds every match (the usual answer to an
		// identity provider's lookup): no need to count them again.
		page.Total = len(page.Resources)
	default:
		if err := s.countList(ctx, p.count, &page.Total); err != nil {
			return page, s.mapErr("count "+rt.Name, err)
		}
	}
	if p.idsFirst {
		if page.Resources, err = s.pageUsers(ctx, tenant, page.Resources, users); err != nil {
			return page, s.mapErr("list "+rt.Name, err)
		}
		return page, nil
	}
	if err := s.loadRelated(ctx, s.read, tenant, p.t, page.Resources, q.GetOptions); err != nil {
		return page, s.mapErr("list "+rt.Name, err)
	}
	return page, nil
}

// A listRow is one resource of a page and its sort value.
type listRow struct {
	res       storage.Resource
	sortValue any
}

// fetch reads the rows of one page: from each segment in turn, starting with
// the one the cursor points into, until the page is full. more reports that
// rows follow the page. When the page fills at the end of a segment, more is
// true if another segment follows, without reading it: that could walk the
// tenant (see valuesSegments), and the next page finds out.
func (s *Store) fetch(ctx context.Context, tenant storage.TenantID, p listPlan, q storage.Query, c *cursor, users *userRows) (rows []listRow, more bool, err error) {
	want := max(q.Count, 1)
	first, offset := 0, 0
	if c != nil {
		first = p.resume(*c)
	} else if !q.Keyset {
		offset = max(q.StartIndex, 1) - 1
	}
	for i := first; i < len(p.segs); i++ {
		sg := p.segs[i]
		limit := want - len(rows)
		if q.Keyset {
			limit++ // one more row tells whether another page follows
		}
		var after *cursor
		if i == first {
			after = c
		}
		got, err := s.readSegment(ctx, pageQuery(sg, after, limit, offset), sg, users, tenant)
		if err != nil {
			return nil, false, err
		}
		rows = append(rows, got...)
		if len(rows) > want {
			return rows[:want], true, nil
		}
		if len(rows) == want {
			return rows, i < len(p.segs)-1, nil
		}
		switch {
		case len(got) > 0 || offset == 0:
			// The page starts in this segment (or in an empty one): the
			// next segment continues it from its start.
			offset = 0
		case i < len(p.segs)-1:
			// The page starts past this segment: skip its rows.
			var n int
			if err := s.countList(ctx, sg.count, &n); err != nil {
				return nil, false, err
			}
			offset = max(offset-n, 0)
		}
	}
	return rows, false, nil
}

// resume returns the segment that the position c is in.
func (p listPlan) resume(c cursor) int {
	for i, sg := range p.segs {
		if len(p.segs) == 1 || sg.missing == (c.Value == nil) {
			return i
		}
	}
	return 0
}

// pageQuery is the query of up to limit rows of sg: after the cursor c if
// there is one, else after skipping offset rows.
func pageQuery(sg segment, c *cursor, limit, offset int) sq.SelectBuilder {
	b := sg.rows.OrderBy(sg.ord.orderBy()...)
	if c != nil {
		b = b.Where(sg.ord.after(*c))
	}
	// Bound, not written in the text, so that every page of a query shape
	// runs the same prepared statement.
	if offset > 0 {
		return b.Suffix("LIMIT ? OFFSET ?", limit, offset)
	}
	return b.Suffix("LIMIT ?", limit)
}

// readSegment runs a page query of sg; withValue says that its last column
// is the sort value. With users, b reads their IDs, and the users with their
// direct groups are read in the same statement (pageUsersQuery) into users.
func (s *Store) readSegment(ctx context.Context, b sq.SelectBuilder, sg segment, users *userRows, tenant storage.TenantID) ([]listRow, error) {
	withValue := sg.ord.expr != ""
	var out []listRow
	if users != nil {
		rows, err := s.queryList(ctx, pageUsersQuery(tenant, b, sg.ord, users.opts))
		if err != nil {
			return nil, err
		}
		err = users.scan(rows, withValue, func(id string, sortValue any) {
			out = append(out, listRow{res: storage.Resource{ID: id}, sortValue: sortValue})
		})
		return out, err
	}
	rows, err := s.queryList(ctx, b)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanListRow(rows, withValue)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, rows.Close()
}

// scanListRow scans a row of a page: the resource, then the sort value when
// withValue.
func scanListRow(rows *sql.Rows, withValue bool) (listRow, error) {
	var r storage.Resource
	var created, modified string
	var doc []byte
	var sortValue any
	dest := []any{&r.ID, &created, &modified, &r.Meta.Version, &doc}
	if withValue {
		dest = append(dest, &sortValue)
	}
	if err := rows.Scan(dest...); err != nil {
		return listRow{}, err
	}
	var err error
	if r, err = decodeResource(r, created, modified, doc); err != nil {
		return listRow{}, err
	}
	return listRow{res: r, sortValue: sortValueOf(sortValue)}, nil
}
