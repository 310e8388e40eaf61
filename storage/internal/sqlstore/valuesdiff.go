package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
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
	del, upsert := diffValues(stored, rows)
	// One DELETE per list of elements, on ranges of the primary key (an
	// OR of row keys made SQLite test every row of the resource against
	// each): singular attributes, all element 0, go in one.
	for _, d := range del {
		for elems := d.elems; len(elems) > 0; {
			n := min(len(elems), deleteElemsBatch)
			stmt := sq.Delete(valuesTable).Where(own).Where(sq.Eq{"attr": d.attrs, "elem": elems[:n]})
			if _, err := s.exec(ctx, tx, stmt); err != nil {
				return err
			}
			elems = elems[n:]
		}
	}
	return s.upsertValues(ctx, tx, tenant, t, id, upsert)
}

// An elemDelete deletes the index rows of the elements elems of each of
// attrs.
type elemDelete struct {
	attrs []string
	elems []int
}

// diffValues compares the stored index rows of a resource with its new
// ones (next) and returns what makes the stored rows the new ones: the
// elements to delete, grouped by their list of elements, and the rows to
// write over the stored ones (an upsert on the primary key). An element
// whose rows changed value in place is only upserted; one that lost
// positions, or is gone, is deleted first.
func diffValues(stored, next []valueRow) ([]elemDelete, []valueRow) {
	old, now := groupRows(stored), groupRows(next)
	gone := map[string][]int{} // elements to delete, by attribute
	var upsert []valueRow
	for g, list := range now {
		prev, ok := old[g]
		if ok && sameRows(prev, list) {
			continue
		}
		upsert = append(upsert, list...)
		if ok && !coversPositions(list, prev) {
			gone[g.attr] = append(gone[g.attr], g.elem)
		}
	}
	for g := range old {
		if _, ok := now[g]; !ok {
			gone[g.attr] = append(gone[g.attr], g.elem)
		}
	}
	byElems := map[string]int{} // index in out of a list of elements
	var out []elemDelete
	for _, attr := range slices.Sorted(maps.Keys(gone)) {
		elems := gone[attr]
		slices.Sort(elems)
		k := fmt.Sprint(elems)
		if i, ok := byElems[k]; ok {
			out[i].attrs = append(out[i].attrs, attr)
			continue
		}
		byElems[k] = len(out)
		out = append(out, elemDelete{attrs: []string{attr}, elems: elems})
	}
	return out, upsert
}

// coversPositions reports whether the rows of next, in position order,
// hold every position of prev: an upsert of next then leaves no stored
// row of prev behind.
func coversPositions(next, prev []valueRow) bool {
	for _, p := range prev {
		if _, found := slices.BinarySearchFunc(next, p.pos, func(r valueRow, pos int) int { return r.pos - pos }); !found {
			return false
		}
	}
	return true
}

// upsertValues writes the index rows of resource id over the stored rows
// of the same keys, inserting the others: one statement per valuesBatch
// rows.
func (s *Store) upsertValues(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, t table, id string, rows []valueRow) error {
	owners := make([]string, len(rows))
	for i := range owners {
		owners[i] = id
	}
	return s.writeValueRows(ctx, tx, tenant, t, owners, rows, s.d.upsertValuesSuffix())
}

// upsertValuesSuffix ends an INSERT into attr_values that overwrites the
// value of a row whose key exists.
func (d Dialect) upsertValuesSuffix() string {
	if d.Name == "mysql" {
		return "ON DUPLICATE KEY UPDATE v_str = VALUES(v_str), v_num = VALUES(v_num)"
	}
	return "ON CONFLICT (tenant_id, rtype, resource_id, attr, elem, pos) DO UPDATE SET v_str = excluded.v_str, v_num = excluded.v_num"
}
