package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	sq "github.com/Masterminds/squirrel"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// maxConflictIDs bounds the resource IDs a SchemaConflictError lists.
const maxConflictIDs = 20

// TenantSchema returns a version of the tenant's schema definition.
func (s *Store) TenantSchema(ctx context.Context, tenant storage.TenantID, version int64) ([]byte, error) {
	var def string
	err := s.queryRow(ctx, s.read, sq.Select("definition").From(schemasTable).
		Where(sq.Eq{"tenant_id": string(tenant), "version": version}), &def)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("schema version %d: %w", version, storage.ErrNotFound)
	}
	if err != nil {
		return nil, s.mapErr("get tenant schema", err)
	}
	return []byte(def), nil
}

// SetTenantSchema stores a new version of the tenant's definition after
// checking the tenant's data against the changes.
func (s *Store) SetTenantSchema(ctx context.Context, tenant storage.TenantID, expect int64, definition []byte, set *schemas.Set, changes []schemas.Change) (int64, error) {
	var version int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.schemaVersion(ctx, tx, tenant, s.d.LockSuffix)
		if err != nil {
			return err
		}
		if cur != expect {
			return fmt.Errorf("schema at version %d, not %d: %w", cur, expect, storage.ErrVersionMismatch)
		}
		for _, c := range changes {
			if err := s.checkChange(ctx, tx, tenant, c); err != nil {
				return err
			}
		}
		version = cur + 1
		if _, err := s.exec(ctx, tx, sq.Insert(schemasTable).Columns("tenant_id", "version", "definition", "created").
			Values(string(tenant), version, string(definition), formatTime(s.now()))); err != nil {
			return err
		}
		if _, err := s.exec(ctx, tx, sq.Update(tenantsTable).Set("schema_version", version).
			Where(sq.Eq{"id": string(tenant)})); err != nil {
			return err
		}
		if err := s.reindexUnique(ctx, tx, tenant, set); err != nil {
			return err
		}
		return s.writeAudit(ctx, tx, tenant, auditRow{op: storage.AuditSetSchema, rtype: storage.AuditSchema, id: string(tenant),
			changes: schemaChanges(cur, version, changes)})
	})
	s.auth.forget(tenant)
	if err != nil {
		return 0, s.mapErr("set tenant schema", err)
	}
	return version, nil
}

// checkChange refuses a change that would strand data: a new type for an
// attribute that holds values, uniqueness over values that repeat.
func (s *Store) checkChange(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, c schemas.Change) error {
	rtype := rtypeUser
	if c.ResourceType == schemas.GroupType {
		rtype = rtypeGroup
	}
	where := sq.Eq{"v.tenant_id": string(tenant), "v.rtype": rtype, "v.attr": c.Attribute}
	var q sq.SelectBuilder
	reason := ""
	switch {
	case c.TypeChanged, c.Removed:
		q = sq.Select("DISTINCT v.resource_id").From(valuesTable + " v").Where(where)
		reason = "its type, multi-valuedness or caseExact cannot change while resources hold values of it; remove the values first"
		if c.Removed {
			reason = "it cannot be removed while resources hold values of it; remove the values first"
		}
	case c.BecomesUnique:
		dup := sq.Select("d.v_str").From(valuesTable + " d").
			Where(sq.Eq{"d.tenant_id": string(tenant), "d.rtype": rtype, "d.attr": c.Attribute}).
			GroupBy("d.v_str").Having("COUNT(DISTINCT d.resource_id) > 1")
		// Unique values are at most maxNameBytes bytes long, as writes
		// check (OCTET_LENGTH counts bytes on every engine).
		q = sq.Select("DISTINCT v.resource_id").From(valuesTable + " v").Where(where).
			Where(sq.Or{sq.Expr("v.v_str IN (?)", dup), sq.Expr("OCTET_LENGTH(v.v_str) > ?", maxNameBytes)})
		reason = "it cannot become unique while resources share values or hold values longer than 1024 bytes; make them unique first"
	default:
		return nil
	}
	rows, err := s.query(ctx, tx, q.OrderBy("v.resource_id").Limit(maxConflictIDs))
	if err != nil {
		return err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ids) > 0 {
		return &storage.SchemaConflictError{Attribute: c.Name, Reason: reason, IDs: ids}
	}
	return nil
}

// schemaVersion reads the tenant's current schema version in tx, with the
// row lock lockSuffix asks for ("" for none), or ErrNotFound.
func (s *Store) schemaVersion(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, lockSuffix string) (int64, error) {
	q := sq.Select("schema_version").From(tenantsTable).Where(sq.Eq{"id": string(tenant)})
	if lockSuffix != "" {
		q = q.Suffix(lockSuffix)
	}
	var v int64
	if err := s.queryRow(ctx, tx, q, &v); errors.Is(err, sql.ErrNoRows) {
		return 0, storage.ErrNotFound
	} else if err != nil {
		return 0, err
	}
	return v, nil
}

// tenantKeyPrefix starts the keys of tenant-defined attributes, under
// either tenant extension URN (keys are lower case).
var tenantKeyPrefix = strings.ToLower(strings.TrimSuffix(schemas.TenantUserURN, schemas.UserType))

// tenantUniqueKey reports whether the tenant schema decides if a unique
// value of this attribute is kept: the tenant's own attributes and, with
// uniqueEmails, emails.value.
func tenantUniqueKey(key string) bool {
	return strings.HasPrefix(key, tenantKeyPrefix) || key == schemas.EmailValueKey
}

// reindexUnique rebuilds the tenant's uniqueness index of what the tenant
// schema decides (see tenantUniqueKey) from the filter index, for the
// unique attributes of the new schema set. The rows of scimd's attributes
// (aliases, linked identities) do not depend on the tenant schema and stay
// as they are.
func (s *Store) reindexUnique(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, set *schemas.Set) error {
	if _, err := s.exec(ctx, tx, sq.Delete(uniqueTable).Where(sq.Eq{"tenant_id": string(tenant)}).
		Where(sq.Or{sq.Like{"attr": tenantKeyPrefix + "%"}, sq.Eq{"attr": schemas.EmailValueKey}})); err != nil {
		return err
	}
	for _, rt := range set.ResourceTypes() {
		t, err := tableFor(&rt)
		if err != nil {
			return err
		}
		var keys []string
		rt.Walk(func(a schemas.Attribute) {
			if uniqueAttr(a) && !a.Def.MultiValued() && tenantUniqueKey(a.Key()) {
				keys = append(keys, a.Key())
			}
		})
		if len(keys) == 0 {
			continue
		}
		// DISTINCT: a user may list one email twice.
		sel := sq.Select("DISTINCT v.tenant_id", "v.rtype", "v.attr", "v.v_str", "v.resource_id").From(valuesTable + " v").
			Where(sq.Eq{"v.tenant_id": string(tenant), "v.rtype": t.rtype, "v.attr": keys}).Where("v.v_str IS NOT NULL")
		if _, err := s.exec(ctx, tx, sq.Insert(uniqueTable).Columns("tenant_id", "rtype", "attr", "value", "resource_id").Select(sel)); err != nil {
			return err
		}
	}
	return nil
}

// schemaChanges are the audit changes of a new schema version: the version,
// and the attributes whose definition changed.
func schemaChanges(old, next int64, changes []schemas.Change) []storage.AttributeChange {
	out := []storage.AttributeChange{{Path: "version", Old: old, New: next}}
	for _, c := range changes {
		var what []string
		if c.Removed {
			what = append(what, "removed")
		}
		if c.TypeChanged {
			what = append(what, "type changed")
		}
		if c.BecomesUnique {
			what = append(what, "becomes unique")
		}
		out = append(out, storage.AttributeChange{Path: c.ResourceType + ":" + c.Name, New: strings.Join(what, ", ")})
	}
	return out
}
