package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	sq "github.com/Masterminds/squirrel"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// Delete removes a resource, its index rows and its memberships.
//
// It runs few statements whatever the resource holds: the resource's row
// goes first, then one read (readDeleteRefs) learns what else it leaves
// (the groups it is in, a user's tag keys and whether it has app
// assignments), and only the cleanups that have something to remove run.
// A user in any number of groups (up to idBatch), without tags or apps,
// is deleted in 9 statements, BEGIN and COMMIT included (11 before).
func (s *Store) Delete(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, id string, ifVersion int64) error {
	t, err := tableFor(rt)
	if err != nil {
		return err
	}
	if !asciiID(id) {
		return fmt.Errorf("%s %q: %w", rt.Name, id, storage.ErrNotFound)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.deleteRow(ctx, tx, tenant, t, rt, id, ifVersion); err != nil {
			return err
		}
		refs, err := s.readDeleteRefs(ctx, tx, tenant, t, id)
		if err != nil {
			return err
		}
		if len(refs.tagKeys) > 0 {
			delta := map[string]int{}
			tagDelta(delta, refs.tagKeys, nil)
			if err := s.adjustTagKeys(ctx, tx, tenant, delta); err != nil {
				return err
			}
		}
		if _, err := s.exec(ctx, tx, sq.Delete(valuesTable).Where(sq.Eq{
			"tenant_id": string(tenant), "rtype": t.rtype, "resource_id": id})); err != nil {
			return err
		}
		// Unique values are not asked of readDeleteRefs: a schema change
		// (reindexUnique) may add some from the resource's index rows
		// without locking its row, after the read's snapshot.
		if hasUnique(t, rt) {
			if err := s.deleteUnique(ctx, tx, tenant, t, id); err != nil {
				return err
			}
		}
		if refs.apps {
			if err := s.deleteAssignments(ctx, tx, tenant, id); err != nil {
				return err
			}
		}
		if err := s.deleteMemberships(ctx, tx, tenant, t, id, refs.parents); err != nil {
			return err
		}
		return s.writeAudit(ctx, tx, tenant, auditRow{op: storage.AuditDelete, rtype: rt.Name, id: id})
	})
	return s.mapErr("delete "+rt.Name, err)
}

// deleteRow deletes a resource's row, at version ifVersion unless it is 0.
// It is the first statement of a Delete, before any read: see
// readDeleteRefs.
func (s *Store) deleteRow(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, t table, rt *schemas.ResourceType, id string, ifVersion int64) error {
	del := sq.Delete(t.name).Where(sq.Eq{"tenant_id": string(tenant), "id": id})
	if ifVersion != 0 {
		del = del.Where(sq.Eq{"version": ifVersion})
	}
	res, err := s.exec(ctx, tx, del)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	if ifVersion == 0 {
		return fmt.Errorf("%s %q: %w", rt.Name, id, storage.ErrNotFound)
	}
	if _, err := s.getRow(ctx, tx, tenant, t, id, false); err != nil {
		return err
	}
	return fmt.Errorf("%s %q: %w", rt.Name, id, storage.ErrVersionMismatch)
}

// deleteRefs is what a deleted resource leaves to clean up besides its
// index rows.
type deleteRefs struct {
	parents []string // the groups it is a member of, sorted
	tagKeys []string // a user's tag keys
	apps    bool     // a user has app assignments
}

// The kinds of row of deleteRefsQuery, its first column.
const (
	refParent = 1
	refTagKey = 2
	refApp    = 3
)

// deleteRefsQuery is the one statement of readDeleteRefs: UNION ALL
// branches of (kind, value), each a lookup by an index prefix (the
// members_member index, attr_values' primary key, app_assignments_user).
func deleteRefsQuery(tenant storage.TenantID, t table, id string) sq.SelectBuilder {
	q := sq.Select(fmt.Sprint(refParent), "m.group_id").From(membersTable + " m").
		Where(sq.Eq{"m.tenant_id": string(tenant), "m.member_id": id})
	var more []sq.SelectBuilder
	if t.rtype == rtypeUser {
		more = append(more, sq.Select(fmt.Sprint(refTagKey), "v.v_str").From(valuesTable+" v").
			Where(sq.Eq{"v.tenant_id": string(tenant), "v.rtype": rtypeUser, "v.resource_id": id, "v.attr": tagKeyAttr}),
			sq.Select(fmt.Sprint(refApp), "a.app_id").From(assignmentsTable+" a").
				Where(sq.Eq{"a.tenant_id": string(tenant), "a.user_id": id}))
	}
	for _, b := range more {
		q = q.SuffixExpr(sq.Expr("UNION ALL ?", b))
	}
	return q
}

// readDeleteRefs reads, in one statement, the groups a deleted resource
// was in and, for a user, its tag keys and whether it has app
// assignments.
//
// It is a plain read, which MySQL answers from the transaction's
// snapshot, taken at its first plain read: Delete runs it after deleting
// the resource's row, so that the snapshot is taken after every write
// that locked the row first has committed: one that added the resource
// to a group under memberTypes' share lock, one that assigned the user to
// an app (Assign locks the user's row), one that changed its tags (an
// Update locks its row). Such writes that come later wait for the row and then find it gone. (A
// locking read would see them too, but its gap locks make racing member
// writes deadlock far more often.)
func (s *Store) readDeleteRefs(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, t table, id string) (deleteRefs, error) {
	var refs deleteRefs
	rows, err := s.query(ctx, tx, deleteRefsQuery(tenant, t, id))
	if err != nil {
		return refs, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind int
		var v []byte
		if err := rows.Scan(&kind, &v); err != nil {
			return refs, err
		}
		switch kind {
		case refParent:
			refs.parents = append(refs.parents, string(v))
		case refTagKey:
			refs.tagKeys = append(refs.tagKeys, string(v))
		case refApp:
			refs.apps = true
		}
	}
	if err := rows.Err(); err != nil {
		return refs, err
	}
	// Groups are bumped in key order, so that concurrent deletes lock
	// them in one order.
	slices.Sort(refs.parents)
	return refs, rows.Close()
}
