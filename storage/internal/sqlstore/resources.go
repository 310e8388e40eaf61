package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	sq "github.com/Masterminds/squirrel"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// resourceColumns are read for every resource, in this order (see scanResource).
var resourceColumns = []string{"r.id", "r.created", "r.last_modified", "r.version", "r.doc"}

func tenantWhere(tenant storage.TenantID) sq.Eq { return sq.Eq{"r.tenant_id": string(tenant)} }

// Create stores a new resource. A resource without an ID gets a fresh
// time-ordered UUID.
func (s *Store) Create(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, r storage.Resource) (storage.Resource, error) {
	out, err := s.CreateMany(ctx, tenant, rt, []storage.Resource{r})
	if err != nil {
		return r, err
	}
	return out[0], nil
}

// Get returns one resource.
func (s *Store) Get(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, id string, opts storage.GetOptions) (storage.Resource, error) {
	t, err := tableFor(rt)
	if err != nil {
		return storage.Resource{}, err
	}
	if t.rtype == rtypeUser && (opts.Groups || opts.Apps) {
		r, err := s.getUser(ctx, tenant, id, opts)
		return r, s.mapErr("get "+rt.Name, err)
	}
	r, err := s.getRow(ctx, s.read, tenant, t, id, false)
	if err != nil {
		return r, s.mapErr("get "+rt.Name, err)
	}
	list := []storage.Resource{r}
	if err := s.loadRelated(ctx, s.read, tenant, t, list, opts); err != nil {
		return r, s.mapErr("get "+rt.Name, err)
	}
	return list[0], nil
}

func (s *Store) getRow(ctx context.Context, q querier, tenant storage.TenantID, t table, id string, lock bool) (storage.Resource, error) {
	if !asciiID(id) {
		return storage.Resource{}, fmt.Errorf("%s %q: %w", typeName(t.rtype), id, storage.ErrNotFound)
	}
	b := sq.Select(resourceColumns...).From(t.from).Where(tenantWhere(tenant)).Where(sq.Eq{"r.id": id})
	if lock && s.d.LockSuffix != "" {
		b = b.Suffix(s.d.LockSuffix)
	}
	var rows *sql.Rows
	var err error
	if q == s.read {
		rows, err = s.queryPrepared(ctx, b)
	} else {
		rows, err = s.query(ctx, q, b)
	}
	if err != nil {
		return storage.Resource{}, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return storage.Resource{}, err
		}
		return storage.Resource{}, fmt.Errorf("%s %q: %w", typeName(t.rtype), id, storage.ErrNotFound)
	}
	r, err := scanResource(rows)
	if err != nil {
		return r, err
	}
	return r, rows.Close()
}

func scanResource(rows *sql.Rows) (storage.Resource, error) {
	var r storage.Resource
	var created, modified string
	var doc []byte
	if err := rows.Scan(&r.ID, &created, &modified, &r.Meta.Version, &doc); err != nil {
		return r, err
	}
	return decodeResource(r, created, modified, doc)
}

// decodeResource completes a scanned resource from its stored columns.
func decodeResource(r storage.Resource, created, modified string, doc []byte) (storage.Resource, error) {
	var err error
	if r.Meta.Created, err = parseStoredTime(created); err != nil {
		return r, err
	}
	if r.Meta.LastModified, err = parseStoredTime(modified); err != nil {
		return r, err
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&r.Attributes); err != nil {
		return r, corrupt("document of "+r.ID, err)
	}
	return r, nil
}

// valuesBatch bounds the rows of one multi-row INSERT.
const valuesBatch = 200

// insertValues writes index rows; owners[i] is the resource of rows[i].
func (s *Store) insertValues(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, t table, owners []string, rows []valueRow) error {
	return s.writeValueRows(ctx, tx, tenant, t, owners, rows, "")
}

// writeValueRows inserts index rows, valuesBatch to a statement that ends
// with suffix; owners[i] is the resource of rows[i].
func (s *Store) writeValueRows(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, t table, owners []string, rows []valueRow, suffix string) error {
	for len(rows) > 0 {
		n := min(len(rows), valuesBatch)
		ins := sq.Insert(valuesTable).Columns("tenant_id", "rtype", "resource_id", "attr", "elem", "pos", "v_str", "v_num")
		for i, r := range rows[:n] {
			ins = ins.Values(string(tenant), t.rtype, owners[i], r.attr, r.elem, r.pos, r.str, r.num)
		}
		if suffix != "" {
			ins = ins.Suffix(suffix)
		}
		if _, err := s.exec(ctx, tx, ins); err != nil {
			if s.d.IsUniqueViolation(err) {
				return errors.New("duplicate index row") // a bug in extract, not a user conflict
			}
			return err
		}
		rows, owners = rows[n:], owners[n:]
	}
	return nil
}

// insertUnique claims a resource's unique custom values; a value another
// resource holds fails with a duplicate key, which is ErrConflict.
func (s *Store) insertUnique(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, t table, id string, rows []uniqueRow) error {
	if len(rows) == 0 {
		return nil
	}
	ins := sq.Insert(uniqueTable).Columns("tenant_id", "rtype", "attr", "value", "resource_id")
	for _, r := range rows {
		if len(r.value) > maxNameBytes {
			return &storage.ValueError{Attribute: r.attr, Detail: "is unique and longer than 1024 bytes"}
		}
		ins = ins.Values(string(tenant), t.rtype, r.attr, r.value, id)
	}
	_, err := s.exec(ctx, tx, ins)
	if err != nil && s.d.IsUniqueViolation(err) {
		return s.uniqueConflict(ctx, tx, tenant, t, id, rows, err)
	}
	return err
}

// checkSchemaVersion refuses a write checked against a tenant schema
// version that is no longer the tenant's (storage.ErrSchemaChanged): the
// unique values it would claim or release depend on the schema. The
// tenant row is read with a share lock, which SetTenantSchema's update
// lock waits for, so a change and a write never overlap.
func (s *Store) checkSchemaVersion(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, rt *schemas.ResourceType) error {
	cur, err := s.schemaVersion(ctx, tx, tenant, s.d.ShareLockSuffix)
	if err != nil {
		return err
	}
	if cur != rt.SchemaVersion {
		s.auth.forget(tenant) // the next request authenticates with the new version
		return fmt.Errorf("%s checked against schema version %d, the tenant's is %d: %w", rt.Name, rt.SchemaVersion, cur, storage.ErrSchemaChanged)
	}
	return nil
}

// nameConflict names userName in a duplicate key of the users table on
// its folded userName (its other unique key is the id; both engines name
// the key or its column, user_name_ci, in the message).
func (s *Store) nameConflict(t table, err error) error {
	if t.rtype == rtypeUser && s.d.IsUniqueViolation(err) && strings.Contains(err.Error(), "user_name") {
		return &storage.ConflictError{Attribute: t.nameAttr}
	}
	return err
}

// uniqueConflict names the attribute of a failed insertUnique: the first
// of rows whose value another resource holds. The statement failed, not
// the transaction, which can still be read.
func (s *Store) uniqueConflict(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, t table, id string, rows []uniqueRow, err error) error {
	match := sq.Or{}
	for _, r := range rows {
		match = append(match, sq.Eq{"attr": r.attr, "value": r.value})
	}
	q := sq.Select("attr", "value").From(uniqueTable).
		Where(sq.Eq{"tenant_id": string(tenant), "rtype": t.rtype}).Where(match).
		Where(sq.NotEq{"resource_id": id}).Limit(1)
	var attr, value string
	if qerr := s.queryRow(ctx, tx, q, &attr, &value); qerr != nil {
		return err // no holder found: the plain conflict
	}
	for _, r := range rows {
		if r.attr == attr && r.value == value {
			return &storage.ConflictError{Attribute: r.name}
		}
	}
	return err
}

// deleteUnique releases a resource's unique custom values.
func (s *Store) deleteUnique(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, t table, id string) error {
	_, err := s.exec(ctx, tx, sq.Delete(uniqueTable).Where(sq.Eq{"tenant_id": string(tenant), "rtype": t.rtype, "resource_id": id}))
	return err
}

// hasUnique reports whether a resource type has attributes whose values
// unique_values holds (see uniqueAttr).
func hasUnique(t table, rt *schemas.ResourceType) bool {
	found := false
	rt.Walk(func(a schemas.Attribute) {
		found = found || (uniqueAttr(a) && (a.Extension || !columnAttr(t, a.Name())))
	})
	return found
}

// rawOrDecoded is decodeResource, or when raw the resource with its stored
// document in Doc, undecoded.
func rawOrDecoded(r storage.Resource, created, modified string, doc []byte, raw bool) (storage.Resource, error) {
	if !raw {
		return decodeResource(r, created, modified, doc)
	}
	var err error
	if r.Meta.Created, err = parseStoredTime(created); err != nil {
		return r, err
	}
	if r.Meta.LastModified, err = parseStoredTime(modified); err != nil {
		return r, err
	}
	if !json.Valid(doc) {
		return r, corrupt("document of "+r.ID, errors.New("not JSON"))
	}
	r.Doc = doc
	return r, nil
}
