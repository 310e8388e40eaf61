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

// idBatch bounds the IDs of one IN list or multi-row INSERT of members.
const idBatch = 500

// addMembers adds members to a group and returns the IDs it added (those
// skipUnknown keeps out are not). It reads only the new members (to
// check they exist and learn their type), never the group's member list;
// when some of them are groups, it also walks up from the group to refuse
// a cycle (see checkCycles).
func (s *Store) addMembers(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, groupID string, members []storage.Member, skipUnknown bool) ([]string, error) {
	ids := make([]string, 0, len(members))
	seen := make(map[string]bool, len(members))
	display := make(map[string]string, len(members))
	hint := make(map[string]int, len(members))
	for _, m := range members {
		if m.Display != "" {
			display[m.Value] = truncateRunes(m.Display, maxMemberDisplay)
		}
		if m.Value == groupID {
			return nil, &storage.ValueError{Attribute: "members", Detail: fmt.Sprintf("cannot hold group %q: a group cannot be a member of itself", groupID)}
		}
		switch {
		case strings.EqualFold(m.Type, schemas.UserType):
			hint[m.Value] = rtypeUser
		case strings.EqualFold(m.Type, schemas.GroupType):
			hint[m.Value] = rtypeGroup
		}
		if !seen[m.Value] {
			seen[m.Value] = true
			ids = append(ids, m.Value)
		}
	}
	types, err := s.memberTypes(ctx, tx, tenant, ids)
	if err != nil {
		return nil, err
	}
	known := ids[:0]
	var groups []string
	for _, id := range ids {
		want, hinted := hint[id]
		switch {
		case types[id] != 0 && (!hinted || types[id] == want):
			known = append(known, id)
			if types[id] == rtypeGroup {
				groups = append(groups, id)
			}
		case skipUnknown:
		case hinted:
			return nil, &storage.ValueError{Attribute: "members", Detail: fmt.Sprintf("no %s has id %q", strings.ToLower(typeName(want)), id)}
		default:
			return nil, &storage.ValueError{Attribute: "members", Detail: fmt.Sprintf("no user or group has id %q", id)}
		}
	}
	if len(groups) > 0 {
		if err := s.checkCycles(ctx, tx, tenant, groupID, groups); err != nil {
			return nil, err
		}
	}
	for chunk := range chunks(known) {
		ins := sq.Insert(membersTable).Options(s.d.InsertIgnore).Columns("tenant_id", "group_id", "member_id", "member_type", "display")
		for _, id := range chunk {
			var d *string
			if v, ok := display[id]; ok {
				d = &v
			}
			ins = ins.Values(string(tenant), groupID, id, types[id], d)
		}
		if _, err := s.exec(ctx, tx, ins); err != nil {
			return nil, err
		}
	}
	return known, nil
}

// errLockTenantFirst makes inMembersTx run a transaction again with the
// tenant's row locked before anything else (see checkCycles).
var errLockTenantFirst = errors.New("sqlstore: run again with the tenant locked first")

// tenantLocked marks the context of a transaction that locked its tenant's
// row first.
type tenantLocked struct{}

// inMembersTx is inTx for writes that may add groups to groups. On engines
// with row locks (MySQL), checkCycles needs the transaction to have locked
// the tenant's row before its first read: it then reruns fn so.
func (s *Store) inMembersTx(ctx context.Context, tenant storage.TenantID, fn func(ctx context.Context, tx *sql.Tx) error) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error { return fn(ctx, tx) })
	if !errors.Is(err, errLockTenantFirst) {
		return err
	}
	ctx = context.WithValue(ctx, tenantLocked{}, true)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var id string
		lock := sq.Select("id").From(tenantsTable).Where(sq.Eq{"id": string(tenant)}).Suffix(s.d.LockSuffix)
		if err := s.queryRow(ctx, tx, lock, &id); errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("tenant %s: %w", tenant, storage.ErrNotFound)
		} else if err != nil {
			return err
		}
		return fn(ctx, tx)
	})
}

// ancestorsCTE is the recursive query of the groups above a group, the
// group itself included: anc(id) walks up the members reverse index
// (members_member), so its cost is the number of ancestors, whatever the
// groups' sizes. CROSS JOIN makes SQLite read anc first (MySQL reads it
// as a plain join, and its planner finds the same order). UNION (not UNION ALL) visits each group once, so even a
// cycle left by older data ends the walk. The anchor reads the groups
// table so that the column has the type of a group ID (MySQL types a
// recursive CTE by its anchor). Arguments: tenant, group ID, tenant.
var ancestorsCTE = "WITH RECURSIVE anc(id) AS (" +
	"SELECT g.id FROM " + groupsTable.name + " g WHERE g.tenant_id = ? AND g.id = ? " +
	"UNION SELECT m.group_id FROM anc CROSS JOIN " + membersTable + " m ON m.tenant_id = ? AND m.member_id = anc.id)"

// cycleQuery returns the first of groups that is groupID or one of its
// ancestors, with its display name.
func cycleQuery(tenant storage.TenantID, groupID string, groups []string) sq.SelectBuilder {
	return sq.Select("anc.id", "g.display_name").Prefix(ancestorsCTE, string(tenant), groupID, string(tenant)).
		From("anc").JoinClause("CROSS JOIN "+groupsTable.name+" g ON g.tenant_id = ? AND g.id = anc.id", string(tenant)).
		Where(sq.Eq{"anc.id": groups}).OrderBy("anc.id").Limit(1)
}

// checkCycles refuses to make the given groups members of groupID when
// one of them is groupID or contains it, directly or through other groups:
// the new membership would close a cycle. It runs one recursive query that
// walks up from groupID.
//
// Two transactions that each add one edge of a cycle (A into B, B into A)
// must not both pass. Every transaction that adds a group to a group
// therefore holds the tenant's row lock; and because InnoDB reads a
// recursive CTE from the transaction's snapshot (even with LOCK IN SHARE
// MODE), the lock must come before the snapshot, that is before the
// transaction's first read: without it, checkCycles asks inMembersTx to
// start again with the lock. SQLite runs one writer at a time and needs
// neither.
func (s *Store) checkCycles(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, groupID string, groups []string) error {
	if s.d.LockSuffix != "" && ctx.Value(tenantLocked{}) == nil {
		return errLockTenantFirst
	}
	for chunk := range chunks(groups) {
		q := cycleQuery(tenant, groupID, chunk)
		var id string
		var display []byte
		err := s.queryRow(ctx, tx, q, &id, &display)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		return &storage.ValueError{Attribute: "members", Detail: fmt.Sprintf(
			"cannot hold group %q (%s): it contains group %q, directly or through its member groups, so the membership would make a cycle",
			id, string(display), groupID)}
	}
	return nil
}

// memberTypes returns the resource type code of each ID that names a user
// or group of the tenant.
//
// It reads the rows under a share lock (on engines with row locks), which
// a Delete of one of them waits for, and which waits for a Delete that came
// first: a plain read of MySQL's snapshot would still find a resource whose
// delete committed meanwhile (or after the read, having found no member
// row to remove), and the member row added next would name nothing. The
// locked read sees the latest committed rows, so a member added is one
// that the Delete, running after, finds and removes.
func (s *Store) memberTypes(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, ids []string) (map[string]int, error) {
	types := make(map[string]int, len(ids))
	for _, t := range []table{usersTable, groupsTable} {
		var missing []string
		for _, id := range ids {
			if types[id] == 0 {
				missing = append(missing, id)
			}
		}
		for chunk := range chunks(asciiIDs(missing)) { // others name nothing
			q := sq.Select("r.id").From(t.from).Where(tenantWhere(tenant)).Where(sq.Eq{"r.id": chunk})
			if s.d.ShareLockSuffix != "" {
				q = q.Suffix(s.d.ShareLockSuffix)
			}
			rows, err := s.query(ctx, tx, q)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return nil, err
				}
				types[id] = t.rtype
			}
			if err := rows.Close(); err != nil {
				return nil, err
			}
		}
	}
	return types, nil
}

// editMembers applies an edit's membership changes and returns the IDs it
// added.
func (s *Store) editMembers(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, groupID string, e storage.Edit) ([]string, error) {
	if e.ReplaceMembers {
		if _, err := s.exec(ctx, tx, sq.Delete(membersTable).Where(sq.Eq{"tenant_id": string(tenant), "group_id": groupID})); err != nil {
			return nil, err
		}
		return s.addMembers(ctx, tx, tenant, groupID, e.Members, e.SkipUnknownMembers)
	}
	for chunk := range chunks(asciiIDs(e.RemoveMembers)) { // others are no members
		if _, err := s.exec(ctx, tx, sq.Delete(membersTable).Where(sq.Eq{
			"tenant_id": string(tenant), "group_id": groupID, "member_id": chunk})); err != nil {
			return nil, err
		}
	}
	if len(e.AddMembers) > 0 {
		return s.addMembers(ctx, tx, tenant, groupID, e.AddMembers, e.SkipUnknownMembers)
	}
	return nil, nil
}

// deleteMemberships removes a deleted resource from parents, the groups
// it was in (read by readDeleteRefs), bumping their versions, and, for a
// group, its own member rows.
func (s *Store) deleteMemberships(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, t table, id string, parents []string) error {
	// The parent groups are bumped by primary key: MariaDB runs UPDATE ...
	// WHERE id IN (subquery) as a scan of the tenant's groups.
	for chunk := range chunks(parents) {
		bump := sq.Update(groupsTable.name).Set("version", sq.Expr("version + 1")).
			Set("last_modified", formatTime(s.now())).
			Where(sq.Eq{"tenant_id": string(tenant), "id": chunk})
		if _, err := s.exec(ctx, tx, bump); err != nil {
			return err
		}
		// By primary key too: MariaDB runs DELETE ... WHERE member_id = ?
		// as a range of the primary key on the tenant alone, which reads
		// and locks every member row of the tenant (a member write waiting
		// for the resource's row then deadlocks with it).
		del := sq.Delete(membersTable).Where(sq.Eq{"tenant_id": string(tenant), "group_id": chunk, "member_id": id})
		if _, err := s.exec(ctx, tx, del); err != nil {
			return err
		}
	}
	if t.rtype == rtypeGroup {
		if _, err := s.exec(ctx, tx, sq.Delete(membersTable).Where(sq.Eq{"tenant_id": string(tenant), "group_id": id})); err != nil {
			return err
		}
	}
	return nil
}

// loadRelated fills the members of groups or the groups and apps of users
// in list, as opts asks, with one query per batch of resources.
func (s *Store) loadRelated(ctx context.Context, q querier, tenant storage.TenantID, t table, list []storage.Resource, opts storage.GetOptions) error {
	if len(list) == 0 {
		return nil
	}
	if t.rtype == rtypeUser {
		if !opts.Groups && !opts.Apps {
			return nil
		}
		return s.loadUsersRelated(ctx, q, tenant, list, opts)
	}
	if !opts.Members {
		return nil
	}
	index := make(map[string]int, len(list))
	ids := make([]string, len(list))
	for i, r := range list {
		index[r.ID], ids[i] = i, r.ID
	}
	for chunk := range chunks(ids) {
		// One resource is the common case (a read by id): its query has a
		// fixed text and runs as a prepared statement.
		var owners any = chunk
		if len(chunk) == 1 {
			owners = chunk[0]
		}
		b := sq.Select("m.group_id", "m.member_id", "m.member_type", "m.display").From(membersTable+" m").
			Where(sq.Eq{"m.tenant_id": string(tenant), "m.group_id": owners}).OrderBy("m.group_id", "m.member_id")
		var rows *sql.Rows
		var err error
		if q == s.read && len(chunk) == 1 {
			rows, err = s.queryPrepared(ctx, b)
		} else {
			rows, err = s.query(ctx, q, b)
		}
		if err != nil {
			return err
		}
		for rows.Next() {
			var owner, other string
			var code int
			var display sql.NullString
			if err := rows.Scan(&owner, &other, &code, &display); err != nil {
				rows.Close()
				return err
			}
			r := &list[index[owner]]
			r.Members = append(r.Members, storage.Member{Value: other, Type: typeName(code), Display: display.String})
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	for i := range list {
		if list[i].Members == nil {
			list[i].Members = []storage.Member{}
		}
	}
	return nil
}

// mergeMembers applies incremental changes to a loaded member list.
func mergeMembers(cur, add []storage.Member, remove []string) []storage.Member {
	gone := make(map[string]bool, len(remove))
	for _, id := range remove {
		gone[id] = true
	}
	out := make([]storage.Member, 0, len(cur)+len(add))
	seen := make(map[string]bool, len(cur)+len(add))
	for _, m := range append(cur, add...) {
		if !gone[m.Value] && !seen[m.Value] {
			seen[m.Value] = true
			out = append(out, m)
		}
	}
	return out
}

// chunks splits ids into batches of at most idBatch.
func chunks(ids []string) func(yield func([]string) bool) {
	return func(yield func([]string) bool) {
		for len(ids) > 0 {
			n := min(len(ids), idBatch)
			if !yield(ids[:n]) {
				return
			}
			ids = ids[n:]
		}
	}
}

// maxMemberDisplay bounds the stored display name of a member, in runes.
const maxMemberDisplay = 256

func truncateRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// EachMember streams the members of a group from one query.
func (s *Store) EachMember(ctx context.Context, tenant storage.TenantID, id string, fn func(storage.Member) error) error {
	if !asciiID(id) {
		return nil // no group has the ID: no members, as for any unknown ID
	}
	b := sq.Select("m.member_id", "m.member_type", "m.display").From(membersTable + " m").
		Where(sq.Eq{"m.tenant_id": string(tenant), "m.group_id": id}).OrderBy("m.member_id")
	rows, err := s.query(ctx, s.read, b)
	if err != nil {
		return s.mapErr("members of group", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m storage.Member
		var code any
		var display sql.NullString
		if err := rows.Scan(&m.Value, &code, &display); err != nil {
			return s.mapErr("members of group", err)
		}
		n, _ := number(code)
		m.Type, m.Display = typeName(int(n)), display.String
		if err := fn(m); err != nil {
			return err
		}
	}
	return s.mapErr("members of group", rows.Err())
}
