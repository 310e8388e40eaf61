package sqlstore

import (
	"context"

	sq "github.com/Masterminds/squirrel"

	"github.com/scimd/scimd/storage"
)

// walkMinMatches is how many matches a filter must have before a sort by an
// attribute held in attr_values walks that attribute's index. A filter with
// fewer is served by its own indexes and its matches are sorted, which reads
// at most this many resources; walking the sort index instead could read
// the whole tenant to find them.
const walkMinMatches = 1000

// walkValues decides how a sort by an attribute held in attr_values runs:
// by walking attr_values' index in order (true), or, when a filter matches
// at most walkMinMatches resources, as one query that reads the filter's
// matches and sorts them. A probe reads at most walkMinMatches+1 matches to
// tell; when it read them all, their number is the total and is kept in
// p.total.
func (s *Store) walkValues(ctx context.Context, p *listPlan, where sq.Sqlizer, filtered bool) (bool, error) {
	if !filtered {
		return true, nil
	}
	matches := sq.Select("1").From(p.t.from).Where(where).Limit(walkMinMatches + 1)
	var n int
	if err := s.queryRow(ctx, s.read, sq.Select("COUNT(*)").FromSelect(matches, "m"), &n); err != nil {
		return false, err
	}
	if n > walkMinMatches {
		return true, nil
	}
	p.total = n
	return false, nil
}

// valuesSegments are the two segments of a sort by an attribute held in
// attr_values, so that neither sorts: the resources with a value, read from
// attr_values' index on (tenant_id, rtype, attr, value) in order and joined
// to their rows by primary key, then (ascending) the resources without one,
// read by id. Descending is the exact reverse: the resources without a
// value first, by id descending, then the values descending.
//
// A page that the first segment fills reads only that page's rows of the
// index. The resources without a value have no index of their own: reading
// them walks the tenant's resources by id (stopping when the page is full)
// and looks up each one's attr_values row, so the pages that reach them cost
// up to a walk of the tenant, though never a sort.
func valuesSegments(d Dialect, tenant storage.TenantID, t table, ord order, where sq.Sqlizer, filtered bool, cols []string) []segment {
	v := ord.values
	col := "sv." + v.col
	own := sq.Eq{"sv.tenant_id": string(tenant), "sv.rtype": v.rtype, "sv.attr": v.attr, "sv.elem": 0, "sv.pos": 0}
	on := " " + t.from + " ON r.tenant_id = sv.tenant_id AND r.id = sv.resource_id"
	join := d.SortJoin
	if join == "" {
		join = "JOIN"
	}
	present := segment{
		ord: order{key: ord.key, expr: col, id: "sv.resource_id", numeric: ord.numeric, desc: ord.desc},
		rows: sq.Select(cols...).Column(col).From(valuesTable + " sv").JoinClause(join + on).
			Where(own).Where(col + " IS NOT NULL").Where(where),
		// Without a filter every row of the attribute counts, which the
		// index alone tells.
		count: sq.Select("COUNT(" + col + ")").From(valuesTable + " sv").Where(own),
	}
	if filtered {
		present.count = sq.Select("COUNT(*)").From(valuesTable + " sv").JoinClause("JOIN" + on).
			Where(own).Where(col + " IS NOT NULL").Where(where)
	}
	// An anti-join: MySQL runs it as one primary-key probe per resource,
	// faster than the equivalent NOT EXISTS.
	none := sq.Expr("LEFT JOIN "+valuesTable+" mv ON mv.tenant_id = r.tenant_id AND mv.rtype = ? AND mv.resource_id = r.id AND mv.attr = ? AND mv.elem = 0 AND mv.pos = 0 AND mv."+v.col+" IS NOT NULL",
		v.rtype, v.attr)
	missing := segment{
		ord:     order{key: ord.key, id: "r.id", desc: ord.desc},
		rows:    sq.Select(cols...).From(t.from).JoinClause(none).Where(where).Where("mv.resource_id IS NULL"),
		count:   sq.Select("COUNT(*)").From(t.from).JoinClause(none).Where(where).Where("mv.resource_id IS NULL"),
		missing: true,
	}
	if ord.desc {
		return []segment{missing, present}
	}
	return []segment{present, missing}
}
