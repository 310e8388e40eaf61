package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	sq "github.com/Masterminds/squirrel"
	"github.com/google/uuid"

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

// createBatch bounds the resources of one multi-row INSERT.
const createBatch = 100

// CreateMany stores new resources in one transaction: all or none.
func (s *Store) CreateMany(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, list []storage.Resource) ([]storage.Resource, error) {
	t, err := tableFor(rt)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(timePrecision)
	out := make([]storage.Resource, len(list))
	cols := make([]columns, len(list))
	docs := make([]string, len(list))
	var values []valueRow
	var locks []metaLock        // metadata types of the whole batch
	owners := make([]string, 0) // resource ID of each row of values
	audit := make([]auditRow, 0, len(list))
	for i, r := range list {
		if err := checkNewID(r.ID); err != nil {
			return nil, err
		}
		if r.ID == "" {
			id, err := uuid.NewV7()
			if err != nil {
				return nil, err
			}
			r.ID = id.String()
		}
		c, rows, err := extract(t, rt, r.Attributes)
		if err != nil {
			return nil, err
		}
		if locks, err = mergeLocks(locks, c.meta); err != nil {
			return nil, err
		}
		doc, err := json.Marshal(r.Attributes)
		if err != nil {
			return nil, fmt.Errorf("encode document: %w", err)
		}
		r.Meta = storage.Meta{Created: now, LastModified: now, Version: 1}
		out[i], cols[i], docs[i] = r, c, string(doc)
		values = append(values, rows...)
		for range rows {
			owners = append(owners, r.ID)
		}
		entry := auditRow{op: storage.AuditCreate, rtype: rt.Name, id: r.ID, changes: diffDocs(rt, nil, r.Attributes)}
		if t.rtype == rtypeGroup && len(r.Members) > 0 {
			added := make([]string, 0, len(r.Members))
			seen := make(map[string]bool, len(r.Members))
			for _, m := range r.Members {
				if !seen[m.Value] {
					seen[m.Value] = true
					added = append(added, m.Value)
				}
			}
			entry.changes = append(entry.changes, memberChange(storage.Edit{}, added))
		}
		audit = append(audit, entry)
	}
	names := []string{"tenant_id", "id", t.nameCol, "external_id", "created", "last_modified", "version", "doc"}
	if t.rawCol != "" {
		names = append(names, t.rawCol)
	}
	if t.rtype == rtypeUser {
		names = append(names, "active")
	}
	err = s.inMembersTx(ctx, tenant, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.checkSchemaVersion(ctx, tx, tenant, rt); err != nil {
			return err
		}
		if err := s.checkLocks(ctx, tx, tenant, slices.Clone(locks)); err != nil {
			return err
		}
		for start := 0; start < len(out); start += createBatch {
			ins := sq.Insert(t.name).Columns(names...)
			for i := start; i < min(start+createBatch, len(out)); i++ {
				c := cols[i]
				vals := []any{string(tenant), out[i].ID, c.nameCI, c.externalID, formatTime(now), formatTime(now), 1, docs[i]}
				if t.rawCol != "" {
					vals = append(vals, c.name)
				}
				if t.rtype == rtypeUser {
					vals = append(vals, c.active)
				}
				ins = ins.Values(vals...)
			}
			if _, err := s.exec(ctx, tx, ins); err != nil {
				return s.nameConflict(t, err)
			}
		}
		if err := s.insertValues(ctx, tx, tenant, t, owners, values); err != nil {
			return err
		}
		for i, r := range out {
			if err := s.insertUnique(ctx, tx, tenant, t, r.ID, cols[i].unique); err != nil {
				return err
			}
		}
		if t.rtype == rtypeUser {
			delta := map[string]int{}
			for i, r := range out { // after the inserts: an actor may be created in the same batch
				if err := s.checkActors(ctx, tx, tenant, r.ID, cols[i].actors); err != nil {
					return err
				}
				tagDelta(delta, nil, cols[i].tagKeys)
			}
			if err := s.adjustTagKeys(ctx, tx, tenant, delta); err != nil {
				return err
			}
		}
		for _, r := range out {
			if t.rtype == rtypeGroup && len(r.Members) > 0 {
				if _, err := s.addMembers(ctx, tx, tenant, r.ID, r.Members, false); err != nil {
					return err
				}
			}
		}
		return s.writeAudit(ctx, tx, tenant, audit...)
	})
	if err != nil {
		return nil, s.mapErr("create "+rt.Name, err)
	}
	return out, nil
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

// Update runs fn on the current resource and writes its edit, in one
// transaction.
func (s *Store) Update(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, id string, opts storage.UpdateOptions, fn func(cur storage.Resource) (storage.Edit, error)) (storage.Resource, error) {
	t, err := tableFor(rt)
	if err != nil {
		return storage.Resource{}, err
	}
	var out storage.Resource
	err = s.inMembersTx(ctx, tenant, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.checkSchemaVersion(ctx, tx, tenant, rt); err != nil {
			return err
		}
		cur, err := s.getRow(ctx, tx, tenant, t, id, true)
		if err != nil {
			return err
		}
		if opts.IfVersion != 0 && opts.IfVersion != cur.Meta.Version {
			return fmt.Errorf("%s %q at version %d: %w", rt.Name, id, cur.Meta.Version, storage.ErrVersionMismatch)
		}
		if opts.Members && t.rtype == rtypeGroup {
			list := []storage.Resource{cur}
			if err := s.loadRelated(ctx, tx, tenant, t, list, storage.GetOptions{Members: true}); err != nil {
				return err
			}
			cur = list[0]
		}
		edit, err := fn(cur)
		if err != nil {
			return err
		}
		out, err = s.applyEdit(ctx, tx, tenant, rt, t, cur, edit)
		return err
	})
	if err != nil {
		return out, s.mapErr("update "+rt.Name, err)
	}
	return out, nil
}

func (s *Store) applyEdit(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, rt *schemas.ResourceType, t table, cur storage.Resource, e storage.Edit) (storage.Resource, error) {
	var doc []byte // the new document, when the edit has one
	docChanged := false
	if e.Attributes != nil {
		var err error
		if doc, err = json.Marshal(e.Attributes); err != nil {
			return cur, fmt.Errorf("encode document: %w", err)
		}
		// cur.Attributes was decoded from the stored JSON: the new
		// document is compared in that form.
		docChanged = !reflect.DeepEqual(decodeDoc(doc), cur.Attributes)
	}
	membersChanged := t.rtype == rtypeGroup &&
		(e.ReplaceMembers || len(e.AddMembers) > 0 || len(e.RemoveMembers) > 0)
	if !docChanged && !membersChanged && !e.Touch {
		return cur, nil
	}
	now := s.now().UTC().Truncate(timePrecision)
	if !now.After(cur.Meta.LastModified) {
		now = cur.Meta.LastModified.Add(timePrecision) // lastModified never goes back
	}
	entry := auditRow{op: storage.AuditUpdate, rtype: rt.Name, id: cur.ID}
	if docChanged {
		entry.changes = diffDocs(rt, cur.Attributes, e.Attributes)
	}
	upd := sq.Update(t.name).Set("version", sq.Expr("version + 1")).Set("last_modified", formatTime(now)).
		Where(sq.Eq{"tenant_id": string(tenant), "id": cur.ID})
	if docChanged {
		cols, rows, err := extract(t, rt, e.Attributes)
		if err != nil {
			return cur, err
		}
		if err := s.checkLocks(ctx, tx, tenant, newLocks(cols.meta, cur.Attributes)); err != nil {
			return cur, err
		}
		upd = upd.Set(t.nameCol, cols.nameCI).Set("external_id", cols.externalID).Set("doc", string(doc))
		if t.rawCol != "" {
			upd = upd.Set(t.rawCol, cols.name)
		}
		if t.rtype == rtypeUser {
			upd = upd.Set("active", cols.active)
		}
		if err := s.writeValues(ctx, tx, tenant, t, cur.ID, rows); err != nil {
			return cur, err
		}
		// What the old document held: unique values are rewritten only
		// when they change, tag key counts follow the difference, and only
		// new delegate actors are checked.
		old, _, oldErr := extract(t, rt, cur.Attributes)
		if hasUnique(t, rt) && (oldErr != nil || !slices.Equal(old.unique, cols.unique)) {
			if err := s.deleteUnique(ctx, tx, tenant, t, cur.ID); err != nil {
				return cur, err
			}
			if err := s.insertUnique(ctx, tx, tenant, t, cur.ID, cols.unique); err != nil {
				return cur, err
			}
		}
		if t.rtype == rtypeUser {
			if oldErr != nil { // a document stored before its values were checked
				if old.tagKeys, err = s.userTagKeys(ctx, tx, tenant, cur.ID); err != nil {
					return cur, err
				}
			}
			if err := s.checkActors(ctx, tx, tenant, cur.ID, newActors(cols.actors, old.actors)); err != nil {
				return cur, err
			}
			delta := map[string]int{}
			tagDelta(delta, old.tagKeys, cols.tagKeys)
			if err := s.adjustTagKeys(ctx, tx, tenant, delta); err != nil {
				return cur, err
			}
		}
		cur.Attributes = e.Attributes
	}
	if _, err := s.exec(ctx, tx, upd); err != nil {
		return cur, s.nameConflict(t, err)
	}
	if membersChanged {
		added, err := s.editMembers(ctx, tx, tenant, cur.ID, e)
		if err != nil {
			return cur, err
		}
		entry.changes = append(entry.changes, memberChange(e, added))
		newMembers, addMembers := e.Members, e.AddMembers
		if e.SkipUnknownMembers { // the returned group holds no skipped ID
			newMembers, addMembers = onlyAdded(newMembers, added), onlyAdded(addMembers, added)
		}
		if e.ReplaceMembers {
			cur.Members = newMembers
		} else if cur.Members != nil {
			cur.Members = mergeMembers(cur.Members, addMembers, e.RemoveMembers)
		}
	}
	if err := s.writeAudit(ctx, tx, tenant, entry); err != nil {
		return cur, err
	}
	cur.Meta.LastModified = now
	cur.Meta.Version++
	return cur, nil
}

// onlyAdded returns the members of list whose IDs are in added, in list's
// order.
func onlyAdded(list []storage.Member, added []string) []storage.Member {
	in := make(map[string]bool, len(added))
	for _, id := range added {
		in[id] = true
	}
	out := make([]storage.Member, 0, len(list))
	for _, m := range list {
		if in[m.Value] {
			out = append(out, m)
		}
	}
	return out
}

// decodeDoc decodes an encoded document as documents read back from the
// database are (decodeResource), so that the two compare equal; nil if it
// cannot.
func decodeDoc(b []byte) map[string]any {
	var out map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return nil
	}
	return out
}

// Delete removes a resource, its index rows and its memberships.
func (s *Store) Delete(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, id string, ifVersion int64) error {
	t, err := tableFor(rt)
	if err != nil {
		return err
	}
	if !asciiID(id) {
		return fmt.Errorf("%s %q: %w", rt.Name, id, storage.ErrNotFound)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		// The resource's row goes first, before any read: see
		// deleteMemberships.
		del := sq.Delete(t.name).Where(sq.Eq{"tenant_id": string(tenant), "id": id})
		if ifVersion != 0 {
			del = del.Where(sq.Eq{"version": ifVersion})
		}
		res, err := s.exec(ctx, tx, del)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			if ifVersion == 0 {
				return fmt.Errorf("%s %q: %w", rt.Name, id, storage.ErrNotFound)
			}
			if _, err := s.getRow(ctx, tx, tenant, t, id, false); err != nil {
				return err
			}
			return fmt.Errorf("%s %q: %w", rt.Name, id, storage.ErrVersionMismatch)
		}
		if t.rtype == rtypeUser {
			keys, err := s.userTagKeys(ctx, tx, tenant, id)
			if err != nil {
				return err
			}
			delta := map[string]int{}
			tagDelta(delta, keys, nil)
			if err := s.adjustTagKeys(ctx, tx, tenant, delta); err != nil {
				return err
			}
		}
		if _, err := s.exec(ctx, tx, sq.Delete(valuesTable).Where(sq.Eq{
			"tenant_id": string(tenant), "rtype": t.rtype, "resource_id": id})); err != nil {
			return err
		}
		if hasUnique(t, rt) {
			if err := s.deleteUnique(ctx, tx, tenant, t, id); err != nil {
				return err
			}
		}
		if t.rtype == rtypeUser {
			if err := s.deleteAssignments(ctx, tx, tenant, id); err != nil {
				return err
			}
		}
		if err := s.deleteMemberships(ctx, tx, tenant, t, id); err != nil {
			return err
		}
		return s.writeAudit(ctx, tx, tenant, auditRow{op: storage.AuditDelete, rtype: rt.Name, id: id})
	})
	return s.mapErr("delete "+rt.Name, err)
}

// valuesBatch bounds the rows of one multi-row INSERT.
const valuesBatch = 200

// insertValues writes index rows; owners[i] is the resource of rows[i].
func (s *Store) insertValues(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, t table, owners []string, rows []valueRow) error {
	for len(rows) > 0 {
		n := min(len(rows), valuesBatch)
		ins := sq.Insert(valuesTable).Columns("tenant_id", "rtype", "resource_id", "attr", "elem", "pos", "v_str", "v_num")
		for i, r := range rows[:n] {
			ins = ins.Values(string(tenant), t.rtype, owners[i], r.attr, r.elem, r.pos, r.str, r.num)
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
