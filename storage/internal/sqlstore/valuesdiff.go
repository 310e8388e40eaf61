package sqlstore

import (
	"context"
	"database/sql"
	"maps"
	"slices"

	sq "github.com/Masterminds/squirrel"

	"github.com/scimd/scimd/storage"
)

// A valueGroup names the index rows of one element of an attribute (all
// of a singular attribute's): the unit writeValues rewrites.
type valueGroup struct {
	attr string
	elem int
}

// sameValue reports whether two index rows hold the same value.
func sameValue(a, b valueRow) bool {
	switch {
	case (a.str == nil) != (b.str == nil), (a.num == nil) != (b.num == nil):
		return false
	case a.str != nil && *a.str != *b.str:
		return false
	case a.num != nil && *a.num != *b.num:
		return false
	}
	return true
}

// sameRows reports whether two lists of rows of one group, each in
// position order, hold the same values at the same positions.
func sameRows(a, b []valueRow) bool {
	return slices.EqualFunc(a, b, func(x, y valueRow) bool { return x.pos == y.pos && sameValue(x, y) })
}

// groupRows groups index rows by attribute and element, each group in
// position order.
func groupRows(rows []valueRow) map[valueGroup][]valueRow {
	out := map[valueGroup][]valueRow{}
	for _, r := range rows {
		g := valueGroup{r.attr, r.elem}
		out[g] = append(out[g], r)
	}
	for _, list := range out {
		slices.SortFunc(list, func(a, b valueRow) int { return a.pos - b.pos })
	}
	return out
}

// deleteElemsBatch bounds the elements one DELETE of writeValues names.
const deleteElemsBatch = 500

// writeValues makes the index rows of resource id those of rows. It reads
// the stored rows and rewrites only the elements whose rows differ, so
// that a write that changes one value of a resource with thousands of
// values writes a few rows, not thousands (a large user's PATCH held the
// SQLite writer for seconds). The stored rows, not the previous document,
// are the base: rows an older scimd or an older tenant schema wrote are
// replaced as a full rewrite would.
func (s *Store) writeValues(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, t table, id string, rows []valueRow) error {
	own := sq.Eq{"tenant_id": string(tenant), "rtype": t.rtype, "resource_id": id}
	q := sq.Select("attr", "elem", "pos", "v_str", "v_num").From(valuesTable).Where(own)
	if s.d.LockSuffix != "" {
		q = q.Suffix(s.d.LockSuffix)
	}
	res, err := s.query(ctx, tx, q)
	if err != nil {
		return err
	}
	var stored []valueRow
	for res.Next() {
		var r valueRow
		var str sql.NullString
		var num sql.NullFloat64
		if err := res.Scan(&r.attr, &r.elem, &r.pos, &str, &num); err != nil {
			_ = res.Close()
			return err
		}
		if str.Valid {
			r.str = &str.String
		}
		if num.Valid {
			r.num = &num.Float64
		}
		stored = append(stored, r)
	}
	if err := res.Close(); err != nil {
		return err
	}
	if err := res.Err(); err != nil {
		return err
	}
	old, next := groupRows(stored), groupRows(rows)
	gone := map[string][]int{} // elements to delete, by attribute
	var insert []valueRow
	for g, list := range next {
		if prev, ok := old[g]; ok && sameRows(prev, list) {
			continue
		}
		insert = append(insert, list...)
		if _, ok := old[g]; ok {
			gone[g.attr] = append(gone[g.attr], g.elem)
		}
	}
	for g := range old {
		if _, ok := next[g]; !ok {
			gone[g.attr] = append(gone[g.attr], g.elem)
		}
	}
	// One DELETE per attribute, on a range of the primary key: an OR of
	// row keys made SQLite test every row of the resource against each.
	for _, attr := range slices.Sorted(maps.Keys(gone)) {
		elems := gone[attr]
		slices.Sort(elems)
		for len(elems) > 0 {
			n := min(len(elems), deleteElemsBatch)
			del := sq.Delete(valuesTable).Where(own).Where(sq.Eq{"attr": attr, "elem": elems[:n]})
			if _, err := s.exec(ctx, tx, del); err != nil {
				return err
			}
			elems = elems[n:]
		}
	}
	owners := make([]string, len(insert))
	for i := range owners {
		owners[i] = id
	}
	return s.insertValues(ctx, tx, tenant, t, owners, insert)
}
