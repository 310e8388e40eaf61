package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"strings"

	sq "github.com/Masterminds/squirrel"
	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// An order is how a List sorts: by expr (empty for id alone), then by id.
type order struct {
	key      string // identifies the sort in cursors
	expr     string // the sort value in SQL, or "" to sort by id alone
	numeric  bool   // the sort value is a number
	nullable bool   // rows may have no sort value
	unique   bool   // no two rows share a sort value: no tie-break needed
	join     sq.Sqlizer
	desc     bool
}

// A listPlan is the SQL of one List call.
type listPlan struct {
	t     table
	ord   order
	count sq.SelectBuilder // COUNT(*) of every match
	page  sq.SelectBuilder // the rows of the page
	// idsFirst: page selects ids only, and the users and their groups are
	// read by id afterwards. A page that sorts documents makes the engine
	// carry them through a temporary table (MariaDB: 2-3x the cost of the
	// same query on ids), and the groups come in the same second query.
	idsFirst bool
}

func (s *Store) planList(tenant storage.TenantID, rt *schemas.ResourceType, q storage.Query) (listPlan, error) {
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
	idsFirst := t.rtype == rtypeUser && q.GetOptions.Groups
	cols := resourceColumns
	if idsFirst {
		cols = []string{"r.id"}
	}
	page, err := pageSelect(t, ord, where, q, cols)
	if err != nil {
		return listPlan{}, err
	}
	return listPlan{t: t, ord: ord, count: sq.Select("COUNT(*)").From(t.from).Where(where), page: page, idsFirst: idsFirst}, nil
}

// List returns one page of the resources that match q.
func (s *Store) List(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, q storage.Query) (storage.Page, error) {
	p, err := s.planList(tenant, rt, q)
	if err != nil {
		return storage.Page{}, err
	}
	t, ord := p.t, p.ord
	page := storage.Page{Total: -1}
	wantTotal := !q.Keyset || q.Total || q.Count <= 0
	if q.Count <= 0 {
		err := s.queryRow(ctx, s.read, p.count, &page.Total)
		return page, s.mapErr("count "+rt.Name, err)
	}
	rows, err := s.query(ctx, s.read, p.page)
	if err != nil {
		return page, s.mapErr("list "+rt.Name, err)
	}
	var last cursor
	for rows.Next() {
		r, sortValue, err := scanListRow(rows, ord, p.idsFirst)
		if err != nil {
			rows.Close()
			return page, s.mapErr("list "+rt.Name, err)
		}
		if q.Keyset && len(page.Resources) == q.Count {
			page.NextCursor = encodeCursor(last)
			break
		}
		page.Resources = append(page.Resources, r)
		last = cursor{Key: ord.key, ID: r.ID, Value: sortValue}
	}
	if !q.Keyset && len(page.Resources) == q.Count {
		// A full index page also tells where the next one starts, so a
		// sequential walk can continue by keyset instead of OFFSET.
		page.NextCursor = encodeCursor(last)
	}
	if err := rows.Close(); err != nil {
		return page, s.mapErr("list "+rt.Name, err)
	}
	firstPage := (!q.Keyset && q.StartIndex <= 1) || (q.Keyset && q.Cursor == "")
	switch {
	case !wantTotal:
	case firstPage && page.NextCursor == "" && len(page.Resources) < q.Count:
		// The first page holds every match (the usual answer to an
		// identity provider's lookup): no need to count them again.
		page.Total = len(page.Resources)
	default:
		if err := s.queryRow(ctx, s.read, p.count, &page.Total); err != nil {
			return page, s.mapErr("count "+rt.Name, err)
		}
	}
	if p.idsFirst {
		if page.Resources, err = s.usersWithGroups(ctx, tenant, page.Resources); err != nil {
			return page, s.mapErr("list "+rt.Name, err)
		}
		return page, nil
	}
	if err := s.loadRelated(ctx, s.read, tenant, t, page.Resources, q.GetOptions); err != nil {
		return page, s.mapErr("list "+rt.Name, err)
	}
	return page, nil
}

// pageSelect builds the query of one page of results.
func pageSelect(t table, ord order, where sq.Sqlizer, q storage.Query, cols []string) (sq.SelectBuilder, error) {
	b := sq.Select(cols...).From(t.from)
	if ord.join != nil {
		b = b.JoinClause(ord.join)
	}
	if ord.expr != "" {
		b = b.Column(ord.expr)
	}
	b = b.Where(where).OrderBy(ord.orderBy()...)
	if !q.Keyset {
		return b.Limit(uint64(max(q.Count, 1))).Offset(uint64(max(q.StartIndex, 1) - 1)), nil
	}
	if q.Cursor != "" {
		c, err := decodeCursor(q.Cursor, ord.key)
		if err != nil {
			return b, err
		}
		b = b.Where(ord.after(c))
	}
	return b.Limit(uint64(max(q.Count, 1)) + 1), nil
}

// scanListRow scans a row of a page: the resource (only its id when
// idOnly), then the sort value when the order has one.
func scanListRow(rows *sql.Rows, ord order, idOnly bool) (storage.Resource, any, error) {
	var r storage.Resource
	var created, modified string
	var doc []byte
	var sortValue any
	dest := []any{&r.ID}
	if !idOnly {
		dest = append(dest, &created, &modified, &r.Meta.Version, &doc)
	}
	if ord.expr != "" {
		dest = append(dest, &sortValue)
	}
	if err := rows.Scan(dest...); err != nil {
		return r, nil, err
	}
	if !idOnly {
		var err error
		if r, err = decodeResource(r, created, modified, doc); err != nil {
			return r, nil, err
		}
	}
	switch v := sortValue.(type) {
	case []byte:
		sortValue = string(v)
	case int64:
		sortValue = float64(v)
	}
	return r, sortValue, nil
}

// order resolves a sortBy attribute. Sorting is on single-valued attributes
// only; a missing value sorts after every present one in ascending order.
func (tr *translator) order(p *filter.AttributePath, desc bool) (order, error) {
	o := order{key: "id", desc: desc}
	if desc {
		o.key = "-id"
	}
	if p == nil {
		return o, nil
	}
	loc, err := tr.locate(*p)
	if err != nil {
		return o, err
	}
	if loc.kind == locMetadata || loc.typ == metadataType {
		return o, storage.NewFilterError("cannot sort by %q: metadata keys are for filters only", loc.path)
	}
	if loc.multi || loc.complex || loc.kind == locMembers {
		return o, storage.NewFilterError("cannot sort by %q: sort by a single-valued attribute", loc.path)
	}
	o.numeric = loc.typ == "boolean" || loc.typ == "integer" || loc.typ == "decimal"
	switch loc.kind {
	case locConst:
		return o, nil
	case locColumn:
		if loc.col == "r.id" {
			return o, nil
		}
		o.expr, o.nullable = loc.col, !loc.notNull
		// userName is unique per tenant, so its index alone gives the
		// order and serves every page without a sort.
		o.unique = tr.t.rtype == rtypeUser && loc.col == "r."+tr.t.nameCol
	case locValues:
		o.expr, o.nullable = "sv.v_str", true
		if o.numeric {
			o.expr = "sv.v_num"
		}
		o.join = sq.Expr("LEFT JOIN "+valuesTable+" sv ON sv.tenant_id = r.tenant_id AND sv.rtype = ? AND sv.resource_id = r.id AND sv.attr = ? AND sv.elem = 0 AND sv.pos = 0",
			tr.t.rtype, loc.key)
	}
	o.key = strings.ToLower(loc.attr.Key())
	if desc {
		o.key = "-" + o.key
	}
	return o, nil
}

func (o order) dir() string {
	if o.desc {
		return " DESC"
	}
	return " ASC"
}

func (o order) orderBy() []string {
	var out []string
	if o.nullable {
		out = append(out, "("+o.expr+" IS NULL)"+o.dir())
	}
	if o.expr != "" {
		out = append(out, o.expr+o.dir())
	}
	if o.unique {
		return out
	}
	return append(out, "r.id"+o.dir())
}

// after is the keyset condition: rows strictly after c in this order.
func (o order) after(c cursor) sq.Sqlizer {
	gt, ge := " > ?", " >= ?"
	if o.desc {
		gt, ge = " < ?", " <= ?"
	}
	idAfter := sq.Expr("r.id"+gt, c.ID)
	if o.expr == "" {
		return idAfter
	}
	valueAfter := sq.And{sq.Expr(o.expr+ge, c.Value), sq.Or{sq.Expr(o.expr+gt, c.Value), sq.And{sq.Expr(o.expr+" = ?", c.Value), idAfter}}}
	if !o.nullable {
		return valueAfter
	}
	isNull, notNull := sq.Expr(o.expr+" IS NULL"), sq.Expr(o.expr+" IS NOT NULL")
	switch {
	case c.Value == nil && !o.desc: // within the trailing NULLs
		return sq.And{isNull, idAfter}
	case c.Value == nil: // descending: NULLs first, then every value
		return sq.Or{sq.And{isNull, idAfter}, notNull}
	case !o.desc:
		return sq.Or{valueAfter, isNull}
	}
	return valueAfter
}

// A cursor is the position after the last row of a keyset page.
type cursor struct {
	Key   string `json:"k"`
	ID    string `json:"i"`
	Value any    `json:"v,omitempty"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c) // a cursor always encodes
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, key string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.Key != key || c.ID == "" {
		return c, storage.ErrInvalidCursor
	}
	switch c.Value.(type) {
	case nil, string, float64:
		return c, nil
	}
	return c, storage.ErrInvalidCursor
}
