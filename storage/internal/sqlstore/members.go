package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	sq "github.com/Masterminds/squirrel"

	"github.com/scimd/scimd/storage"
)

// idBatch bounds the IDs of one IN list or multi-row INSERT of members.
const idBatch = 500

// addMembers adds members to a group. It reads only the new members (to
// check they exist and learn their type), never the group's member list.
func (s *Store) addMembers(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, groupID string, members []storage.Member, skipUnknown bool) error {
	ids := make([]string, 0, len(members))
	seen := make(map[string]bool, len(members))
	display := make(map[string]string, len(members))
	for _, m := range members {
		if m.Display != "" {
			display[m.Value] = truncateRunes(m.Display, maxMemberDisplay)
		}
		if m.Value == groupID {
			return &storage.ValueError{Attribute: "members", Detail: "a group cannot be a member of itself"}
		}
		if !seen[m.Value] {
			seen[m.Value] = true
			ids = append(ids, m.Value)
		}
	}
	types, err := s.memberTypes(ctx, tx, tenant, ids)
	if err != nil {
		return err
	}
	known := ids[:0]
	for _, id := range ids {
		switch {
		case types[id] != 0:
			known = append(known, id)
		case !skipUnknown:
			return &storage.ValueError{Attribute: "members", Detail: fmt.Sprintf("no user or group has id %q", id)}
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
			return err
		}
	}
	return nil
}

// memberTypes returns the resource type code of each ID that names a user
// or group of the tenant.
func (s *Store) memberTypes(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, ids []string) (map[string]int, error) {
	types := make(map[string]int, len(ids))
	for _, t := range []table{usersTable, groupsTable} {
		var missing []string
		for _, id := range ids {
			if types[id] == 0 {
				missing = append(missing, id)
			}
		}
		for chunk := range chunks(missing) {
			rows, err := s.query(ctx, tx, sq.Select("r.id").From(t.from).Where(tenantWhere(tenant)).Where(sq.Eq{"r.id": chunk}))
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

func (s *Store) editMembers(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, groupID string, e storage.Edit) error {
	if e.ReplaceMembers {
		if _, err := s.exec(ctx, tx, sq.Delete(membersTable).Where(sq.Eq{"tenant_id": string(tenant), "group_id": groupID})); err != nil {
			return err
		}
		return s.addMembers(ctx, tx, tenant, groupID, e.Members, e.SkipUnknownMembers)
	}
	for chunk := range chunks(e.RemoveMembers) {
		if _, err := s.exec(ctx, tx, sq.Delete(membersTable).Where(sq.Eq{
			"tenant_id": string(tenant), "group_id": groupID, "member_id": chunk})); err != nil {
			return err
		}
	}
	if len(e.AddMembers) > 0 {
		return s.addMembers(ctx, tx, tenant, groupID, e.AddMembers, e.SkipUnknownMembers)
	}
	return nil
}

// deleteMemberships removes a deleted resource from the groups it was in
// (bumping their versions) and, for a group, its own member rows.
func (s *Store) deleteMemberships(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, t table, id string) error {
	// Read the parent groups first (an index lookup) and bump them by
	// primary key: MariaDB runs UPDATE ... WHERE id IN (subquery) as a scan
	// of the tenant's groups.
	rows, err := s.query(ctx, tx, sq.Select("m.group_id").From(membersTable+" m").
		Where(sq.Eq{"m.tenant_id": string(tenant), "m.member_id": id}))
	if err != nil {
		return err
	}
	var parents []string
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			rows.Close()
			return err
		}
		parents = append(parents, g)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for chunk := range chunks(parents) {
		bump := sq.Update(groupsTable.name).Set("version", sq.Expr("version + 1")).
			Set("last_modified", formatTime(s.now())).
			Where(sq.Eq{"tenant_id": string(tenant), "id": chunk})
		if _, err := s.exec(ctx, tx, bump); err != nil {
			return err
		}
	}
	if len(parents) > 0 {
		if _, err := s.exec(ctx, tx, sq.Delete(membersTable).Where(sq.Eq{"tenant_id": string(tenant), "member_id": id})); err != nil {
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

// loadRelated fills the members of groups or the groups of users in list,
// as opts asks, with one query per batch of resources.
func (s *Store) loadRelated(ctx context.Context, q querier, tenant storage.TenantID, t table, list []storage.Resource, opts storage.GetOptions) error {
	if len(list) == 0 || (t.rtype == rtypeGroup && !opts.Members) || (t.rtype == rtypeUser && !opts.Groups) {
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
		var b sq.SelectBuilder
		if t.rtype == rtypeGroup {
			b = sq.Select("m.group_id", "m.member_id", "m.member_type", "m.display").From(membersTable+" m").
				Where(sq.Eq{"m.tenant_id": string(tenant), "m.group_id": owners}).OrderBy("m.group_id", "m.member_id")
		} else {
			b = sq.Select("m.member_id", "m.group_id", "g.display_name", "NULL").From(membersTable+" m").
				Join(groupsTable.name+" g ON g.tenant_id = m.tenant_id AND g.id = m.group_id").
				Where(sq.Eq{"m.tenant_id": string(tenant), "m.member_id": owners}).OrderBy("m.member_id", "m.group_id")
		}
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
			var extra, display any
			if err := rows.Scan(&owner, &other, &extra, &display); err != nil {
				rows.Close()
				return err
			}
			r := &list[index[owner]]
			if t.rtype == rtypeGroup {
				code, _ := number(extra)
				d, _ := asString(display)
				r.Members = append(r.Members, storage.Member{Value: other, Type: typeName(int(code)), Display: d})
			} else {
				display, _ := asString(extra)
				r.Groups = append(r.Groups, storage.GroupRef{Value: other, Display: display})
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	for i := range list {
		if t.rtype == rtypeGroup && list[i].Members == nil {
			list[i].Members = []storage.Member{}
		}
		if t.rtype == rtypeUser && list[i].Groups == nil {
			list[i].Groups = []storage.GroupRef{}
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
