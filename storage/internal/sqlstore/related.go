package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	sq "github.com/Masterminds/squirrel"

	"github.com/scimd/scimd/storage"
)

// The groups (direct and indirect) and apps of users that need more than
// directSelect gives are read in one statement of UNION ALL branches that
// share these columns:
//
//	kind  owner     id      s1            s2               n        t1                   t2
//	1     user      group   display_name  NULL             direct   NULL                 NULL
//	2     user      app     app name      username         NULL     external_account_id  custom_app_data
//
// CROSS JOIN makes SQLite join in the order written: from the users'
// rows out, never from a scan of the tenant's groups or apps. Rows come
// ordered by kind, owner and id.
const (
	kindGroup = 1
	kindApp   = 2
)

// userGroupsCTE is the recursive query of the groups of some users, direct
// and indirect: anc(owner, id) starts at the users' rows in members
// (members_member) and walks up from each group to the groups that hold it,
// through the same index, so its cost is the number of (user, group) pairs
// it returns, whatever the size of the groups. UNION keeps each pair once,
// which also ends the walk should older data hold a cycle. The anchor is
// followed by the owners' condition (see relatedQuery).
var userGroupsCTE = "WITH RECURSIVE anc(owner, id) AS (" +
	"SELECT m.member_id, m.group_id FROM " + membersTable + " m WHERE m.tenant_id = ? AND ? " +
	"UNION SELECT anc.owner, m.group_id FROM anc CROSS JOIN " + membersTable + " m ON m.tenant_id = ? AND m.member_id = anc.id)"

// relatedQuery builds the statement of some users' groups and apps, as
// opts asks. owners is one ID or a list.
func relatedQuery(tenant storage.TenantID, owners any, opts storage.GetOptions) (sq.Sqlizer, bool) {
	var branches []sq.SelectBuilder
	if opts.Groups {
		branches = append(branches, sq.Select(fmt.Sprint(kindGroup), "a.owner", "a.id", "g.display_name", "NULL",
			"CASE WHEN d.member_id IS NULL THEN 0 ELSE 1 END", "NULL", "NULL").
			From("anc a").
			JoinClause("CROSS JOIN "+groupsTable.name+" g ON g.tenant_id = ? AND g.id = a.id", string(tenant)).
			LeftJoin(membersTable+" d ON d.tenant_id = ? AND d.group_id = a.id AND d.member_id = a.owner", string(tenant)))
	}
	if opts.Apps {
		branches = append(branches, sq.Select(fmt.Sprint(kindApp), "aa.user_id", "aa.app_id", "ap.name", "aa.username", "NULL",
			"aa.external_account_id", "aa.custom_app_data").
			From(assignmentsTable+" aa").
			JoinClause("CROSS JOIN "+appsTable+" ap ON ap.tenant_id = aa.tenant_id AND ap.id = aa.app_id").
			Where(sq.Eq{"aa.tenant_id": string(tenant), "aa.user_id": owners}))
	}
	if len(branches) == 0 {
		return nil, false
	}
	q := branches[0]
	if opts.Groups {
		q = q.PrefixExpr(sq.Expr(userGroupsCTE, string(tenant), sq.Eq{"m.member_id": owners}, string(tenant)))
	}
	for _, b := range branches[1:] {
		q = q.SuffixExpr(sq.Expr("UNION ALL ?", b))
	}
	return q.Suffix("ORDER BY 1, 2, 3"), true
}

// A relatedRow is one row of relatedQuery.
type relatedRow struct {
	kind      int
	owner, id string
	s1, s2    sql.NullString
	n         sql.NullInt64
	t1, t2    []byte
}

func (s *Store) queryRelated(ctx context.Context, q querier, b sq.Sqlizer, prepared bool, fn func(relatedRow) error) error {
	var rows *sql.Rows
	var err error
	if prepared {
		rows, err = s.queryPrepared(ctx, b)
	} else {
		rows, err = s.query(ctx, q, b)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r relatedRow
		if err := rows.Scan(&r.kind, &r.owner, &r.id, &r.s1, &r.s2, &r.n, &r.t1, &r.t2); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

// addRelated adds a group or app row to its user.
func addRelated(r *storage.Resource, row relatedRow) error {
	switch row.kind {
	case kindGroup:
		typ := storage.GroupIndirect
		if row.n.Int64 == 1 {
			typ = storage.GroupDirect
		}
		r.Groups = append(r.Groups, storage.GroupRef{Value: row.id, Display: row.s1.String, Type: typ})
	case kindApp:
		a := storage.AppAssignment{App: row.id, User: row.owner, AppName: row.s1.String, Username: row.s2.String,
			ExternalAccountID: string(row.t1)}
		if len(row.t2) > 0 {
			var err error
			if a.CustomAppData, err = decodeAppData(row.t2); err != nil {
				return corrupt("customAppData of "+row.owner+" in "+row.id, err)
			}
		}
		r.Apps = append(r.Apps, a)
	}
	return nil
}

// getUser reads a user with its groups and apps, as opts asks: one
// statement (a prepared one) for a user in flat groups without apps, the
// shape of nearly every GET /Users/{id} (see readUsers).
func (s *Store) getUser(ctx context.Context, tenant storage.TenantID, id string, opts storage.GetOptions) (storage.Resource, error) {
	if !asciiID(id) {
		return storage.Resource{}, fmt.Errorf("user %q: %w", id, storage.ErrNotFound)
	}
	found, err := s.readUsers(ctx, tenant, []string{id}, opts)
	if err != nil {
		return storage.Resource{}, err
	}
	r, ok := found[id]
	if !ok {
		return storage.Resource{}, fmt.Errorf("user %q: %w", id, storage.ErrNotFound)
	}
	return *r, nil
}

// initRelated gives a user the empty lists of what opts loads.
func initRelated(r *storage.Resource, opts storage.GetOptions) {
	if opts.Groups && r.Groups == nil {
		r.Groups = []storage.GroupRef{}
	}
	if opts.Apps && r.Apps == nil {
		r.Apps = []storage.AppAssignment{}
	}
}

// loadUsersRelated fills the groups and apps of a page of users, with one
// statement per batch of users.
func (s *Store) loadUsersRelated(ctx context.Context, q querier, tenant storage.TenantID, list []storage.Resource, opts storage.GetOptions) error {
	index := make(map[string]int, len(list))
	ids := make([]string, len(list))
	for i, r := range list {
		index[r.ID], ids[i] = i, r.ID
	}
	for chunk := range chunks(ids) {
		b, ok := relatedQuery(tenant, chunk, opts)
		if !ok {
			break
		}
		err := s.queryRelated(ctx, q, b, false, func(row relatedRow) error {
			if i, ok := index[row.owner]; ok {
				return addRelated(&list[i], row)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for i := range list {
		initRelated(&list[i], opts)
	}
	return nil
}

// directSelect reads users with their direct groups, one row per
// membership (or one with NULL group columns), and two flags: whether the
// row's group is itself a member of a group, and whether the user has
// apps. The recursive walk of relatedQuery costs MariaDB several times this
// plain join (a GET /Users/{id} ran at a quarter of the rate), so it runs
// only for the users whose groups are nested, and the apps only for the
// users that have some.
func directSelect(tenant storage.TenantID, owners any, opts storage.GetOptions) sq.SelectBuilder {
	return directColumns(sq.Select().From(usersTable.from), opts).Where(tenantWhere(tenant)).Where(sq.Eq{"r.id": owners})
}

// directColumns adds to b, which reads users aliased r, the columns and
// joins of directSelect.
func directColumns(b sq.SelectBuilder, opts storage.GetOptions) sq.SelectBuilder {
	cols := append([]string{}, resourceColumns...)
	if opts.Groups {
		cols = append(cols, "m.group_id", "g.display_name",
			"CASE WHEN EXISTS (SELECT 1 FROM "+membersTable+" p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.group_id) THEN 1 ELSE 0 END")
		b = b.LeftJoin(membersTable + " m ON m.tenant_id = r.tenant_id AND m.member_id = r.id").
			LeftJoin(groupsTable.name + " g ON g.tenant_id = m.tenant_id AND g.id = m.group_id")
	} else {
		cols = append(cols, "NULL", "NULL", "0")
	}
	if opts.Apps {
		cols = append(cols, "CASE WHEN EXISTS (SELECT 1 FROM "+assignmentsTable+" aa WHERE aa.tenant_id = r.tenant_id AND aa.user_id = r.id) THEN 1 ELSE 0 END")
	} else {
		cols = append(cols, "0")
	}
	return b.Columns(cols...)
}

// readUsers reads the users of ids with their groups (direct and indirect)
// and apps, as opts asks: one directSelect per batch of ids, then the
// recursive walk for the users whose groups are nested and the apps of the
// users that have some. A single id runs as a prepared statement.
func (s *Store) readUsers(ctx context.Context, tenant storage.TenantID, ids []string, opts storage.GetOptions) (map[string]*storage.Resource, error) {
	u := newUserRows(len(ids), opts)
	for chunk := range chunks(ids) {
		var rows *sql.Rows
		var err error
		if len(chunk) == 1 {
			rows, err = s.queryPreparedText(ctx, directOneText(opts), string(tenant), chunk[0])
		} else {
			rows, err = s.query(ctx, s.read, directSelect(tenant, chunk, opts))
		}
		if err != nil {
			return nil, err
		}
		if err := u.scan(rows, false, nil); err != nil {
			return nil, err
		}
	}
	return u.found, s.readNested(ctx, tenant, u)
}

// readNested completes the users of u: the groups of those whose groups
// are nested, by the recursive walk, and the apps of those that have some.
func (s *Store) readNested(ctx context.Context, tenant storage.TenantID, u *userRows) error {
	found := u.found
	for _, id := range u.nested {
		found[id].Groups = found[id].Groups[:0] // the walk gives them all again, direct and indirect
	}
	for _, more := range []struct {
		owners []string
		opts   storage.GetOptions
	}{{u.nested, storage.GetOptions{Groups: true}}, {u.withApps, storage.GetOptions{Apps: true}}} {
		for chunk := range chunks(more.owners) {
			b, _ := relatedQuery(tenant, chunk, more.opts)
			err := s.queryRelated(ctx, s.read, b, false, func(row relatedRow) error {
				if r, ok := found[row.owner]; ok {
					return addRelated(r, row)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	for _, r := range found {
		slices.SortFunc(r.Groups, func(a, b storage.GroupRef) int { return strings.Compare(a.Value, b.Value) })
	}
	return nil
}

// userRows gathers the users that rows of directColumns read, by ID, with
// the IDs of those whose groups are nested and of those that have apps.
type userRows struct {
	opts     storage.GetOptions
	found    map[string]*storage.Resource
	nested   []string // in the order met, each once
	withApps []string
	isNested map[string]bool
}

func newUserRows(n int, opts storage.GetOptions) *userRows {
	return &userRows{opts: opts, found: make(map[string]*storage.Resource, n), isNested: make(map[string]bool)}
}

// scan reads rows of directColumns, followed by a sort value when
// withValue, and closes them. first, when not nil, is called with each
// user's ID and sort value the first time the user is met.
func (u *userRows) scan(rows *sql.Rows, withValue bool, first func(id string, sortValue any)) error {
	defer rows.Close()
	for rows.Next() {
		var cur storage.Resource
		var created, modified string
		var doc []byte
		var groupID, display sql.NullString
		var groupNested, hasApps int
		var sortValue any
		dest := []any{&cur.ID, &created, &modified, &cur.Meta.Version, &doc, &groupID, &display, &groupNested, &hasApps}
		if withValue {
			dest = append(dest, &sortValue)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		r, ok := u.found[cur.ID]
		if !ok {
			dec, err := rawOrDecoded(cur, created, modified, doc, u.opts.Raw)
			if err != nil {
				return err
			}
			initRelated(&dec, u.opts)
			r = &dec
			u.found[cur.ID] = r
			if hasApps == 1 {
				u.withApps = append(u.withApps, cur.ID)
			}
			if first != nil {
				first(cur.ID, sortValueOf(sortValue))
			}
		}
		if groupID.Valid {
			r.Groups = append(r.Groups, storage.GroupRef{Value: groupID.String, Display: display.String, Type: storage.GroupDirect})
			if groupNested == 1 && !u.isNested[cur.ID] {
				u.isNested[cur.ID] = true
				u.nested = append(u.nested, cur.ID)
			}
		}
	}
	// An error that ended the rows early is rows.Err's, not Close's.
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}
