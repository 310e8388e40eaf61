package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	sq "github.com/Masterminds/squirrel"

	"github.com/scimd/scimd/schemas"
)

// sortBatch is how many resources backfillSortValues reads at a time.
const sortBatch = 500

// backfillSortValues is migration 12: every resource stored before scimd
// kept the sort values of multi-valued attributes (see sortKeyPrefix) gets
// them, computed from its document with its tenant's current schema as a
// write computes them, so that a sort by emails.value orders it by its
// value rather than with the resources that have none. A document that no
// longer passes extract's checks (stored before they existed) is left
// without sort values until its next write.
func backfillSortValues(ctx context.Context, tx *sql.Tx) error {
	type tenant struct {
		id  string
		set schemas.Set
	}
	var tenants []tenant
	text, args, err := sq.Select("t.id", "t.schema_version", "s.definition").From(tenantsTable + " t").
		LeftJoin(schemasTable + " s ON s.tenant_id = t.id AND s.version = t.schema_version").OrderBy("t.id").ToSql()
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, text, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var tn tenant
		var version int64
		var def []byte
		if err := rows.Scan(&tn.id, &version, &def); err != nil {
			rows.Close()
			return err
		}
		tn.set = schemas.Default()
		if version > 0 {
			d, err := schemas.ParseDefinition(def)
			if err == nil {
				tn.set, err = schemas.BuildSet(version, d)
			}
			if err != nil {
				rows.Close()
				return corrupt("schema of tenant "+tn.id, err)
			}
		}
		tenants = append(tenants, tn)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return err
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, tn := range tenants {
		for _, rt := range tn.set.ResourceTypes() {
			t, err := tableFor(&rt)
			if err != nil {
				return err
			}
			if !hasSortValues(t, rt) {
				continue
			}
			if err := backfillSortValuesOf(ctx, tx, tn.id, t, &rt); err != nil {
				return err
			}
		}
	}
	return nil
}

// hasSortValues reports whether resources of rt may hold sort values: rt
// has a multi-valued attribute that extract indexes and a value sorts.
func hasSortValues(t table, rt schemas.ResourceType) bool {
	found := false
	rt.Walk(func(a schemas.Attribute) {
		if _, ok := multiSortAttr(a.Def); ok && a.Parent == nil && (a.Extension || !columnAttr(t, a.Def.Name())) {
			found = true
		}
	})
	return found
}

// backfillSortValuesOf writes the sort values of the tenant's resources of
// one type.
func backfillSortValuesOf(ctx context.Context, tx *sql.Tx, tenant string, t table, rt *schemas.ResourceType) error {
	lastID := ""
	for {
		text, args, err := sq.Select("id", "doc").From(t.name).
			Where(sq.Eq{"tenant_id": tenant}).Where(sq.Gt{"id": lastID}).
			OrderBy("id").Limit(sortBatch).ToSql()
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, text, args...)
		if err != nil {
			return err
		}
		var owners, batch []string
		var values []valueRow
		for rows.Next() {
			var id string
			var raw []byte
			if err := rows.Scan(&id, &raw); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, id)
			lastID = id
			var doc map[string]any
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber()
			if err := dec.Decode(&doc); err != nil {
				rows.Close()
				return corrupt("document of "+rt.Name+" "+id, err)
			}
			_, index, err := extract(t, rt, doc)
			if err != nil {
				continue
			}
			for _, r := range index {
				if strings.HasPrefix(r.attr, sortKeyPrefix) {
					owners, values = append(owners, id), append(values, r)
				}
			}
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return err
		}
		if err := rows.Close(); err != nil {
			return err
		}
		// Sort values that a write already stored are written again.
		if len(batch) > 0 {
			text, args, err := sq.Delete(valuesTable).Where(sq.Eq{"tenant_id": tenant, "rtype": t.rtype, "resource_id": batch}).
				Where(sq.Expr("attr >= ? AND attr < ?", sortKeyPrefix, sortKeyEnd)).ToSql()
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, text, args...); err != nil {
				return err
			}
		}
		for len(values) > 0 {
			k := min(len(values), valuesBatch)
			ins := sq.Insert(valuesTable).Columns("tenant_id", "rtype", "resource_id", "attr", "elem", "pos", "v_str", "v_num")
			for i, r := range values[:k] {
				ins = ins.Values(tenant, t.rtype, owners[i], r.attr, r.elem, r.pos, r.str, r.num)
			}
			text, args, err := ins.ToSql()
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, text, args...); err != nil {
				return err
			}
			values, owners = values[k:], owners[k:]
		}
		if len(batch) < sortBatch {
			return nil
		}
	}
}
