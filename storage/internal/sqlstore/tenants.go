package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"

	sq "github.com/Masterminds/squirrel"
	"github.com/google/uuid"

	"github.com/scimd/scimd/storage"
)

// tenantName is the form of tenant names: they appear in URL paths.
var tenantName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// CreateTenant creates a tenant.
func (s *Store) CreateTenant(ctx context.Context, name string) (storage.Tenant, error) {
	if !tenantName.MatchString(name) {
		return storage.Tenant{}, &storage.ValueError{Attribute: "tenant",
			Detail: "a tenant name is 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit"}
	}
	now := s.now().UTC().Truncate(timePrecision)
	t := storage.Tenant{ID: storage.TenantID(uuid.NewString()), Name: name, Created: now}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, sq.Insert(tenantsTable).Columns("id", "name", "created").
			Values(string(t.ID), t.Name, formatTime(now))); err != nil {
			return err
		}
		return s.writeAudit(ctx, tx, t.ID, auditRow{op: storage.AuditCreate, rtype: storage.AuditTenant, id: string(t.ID),
			changes: []storage.AttributeChange{{Path: "name", New: name}}})
	})
	if err != nil {
		return storage.Tenant{}, s.mapErr("create tenant", err)
	}
	return t, nil
}

// Tenant returns the tenant with the given name, byte for byte. The name
// found by the SQL equality is compared again in Go: MySQL's collations are
// PAD SPACE (ascii_bin included), so 'alpha ' = 'alpha' there, and a path
// naming "alpha " would be served as alpha.
func (s *Store) Tenant(ctx context.Context, name string) (storage.Tenant, error) {
	var t storage.Tenant
	var id, created string
	if !asciiID(name) {
		return t, fmt.Errorf("tenant %q: %w", name, storage.ErrNotFound)
	}
	err := s.queryRow(ctx, s.read, sq.Select("id", "name", "created", "schema_version").From(tenantsTable).
		Where(sq.Eq{"name": name}), &id, &t.Name, &created, &t.SchemaVersion)
	if errors.Is(err, sql.ErrNoRows) || err == nil && t.Name != name {
		return storage.Tenant{}, fmt.Errorf("tenant %q: %w", name, storage.ErrNotFound)
	}
	if err != nil {
		return t, s.mapErr("get tenant", err)
	}
	t.ID = storage.TenantID(id)
	t.Created, err = parseStoredTime(created)
	return t, err
}

// Tenants returns every tenant ordered by name.
func (s *Store) Tenants(ctx context.Context) ([]storage.Tenant, error) {
	rows, err := s.query(ctx, s.read, sq.Select("id", "name", "created", "schema_version").From(tenantsTable).OrderBy("name"))
	if err != nil {
		return nil, s.mapErr("list tenants", err)
	}
	defer rows.Close()
	var out []storage.Tenant
	for rows.Next() {
		var t storage.Tenant
		var id, created string
		if err := rows.Scan(&id, &t.Name, &created, &t.SchemaVersion); err != nil {
			return nil, s.mapErr("list tenants", err)
		}
		t.ID = storage.TenantID(id)
		if t.Created, err = parseStoredTime(created); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, s.mapErr("list tenants", rows.Err())
}

// DeleteTenant removes a tenant and all its rows, credentials included, in
// one transaction.
func (s *Store) DeleteTenant(ctx context.Context, tenant storage.TenantID) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, tbl := range []string{valuesTable, membersTable, usersTable.name, groupsTable.name, credsTable, schemasTable, uniqueTable, metaTypesTable, assignmentsTable, appsTable, tagKeysTable, auditTable} {
			if _, err := s.exec(ctx, tx, sq.Delete(tbl).Where(sq.Eq{"tenant_id": string(tenant)})); err != nil {
				return err
			}
		}
		res, err := s.exec(ctx, tx, sq.Delete(tenantsTable).Where(sq.Eq{"id": string(tenant)}))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return storage.ErrNotFound
		}
		return nil
	})
	s.auth.forget(tenant)
	return s.mapErr("delete tenant", err)
}
