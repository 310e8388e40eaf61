package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	sq "github.com/Masterminds/squirrel"

	"github.com/scimd/scimd/storage"
)

// tagKeysTable counts, per tenant and tag key, the users that carry the
// key. Every user write adjusts it in its own transaction.
const tagKeysTable = "tag_keys"

// adjustTagKeys adds delta[key] to the count of users of each key, creating
// the rows of new keys and deleting those whose count reaches 0. Keys are
// handled in order, so concurrent writers lock rows in one order.
func (s *Store) adjustTagKeys(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, delta map[string]int) error {
	keys := slices.Sorted(maps.Keys(delta))
	byDelta := map[int][]string{}
	var added, removed []string
	for _, k := range keys {
		switch d := delta[k]; {
		case d > 0:
			added = append(added, k)
			byDelta[d] = append(byDelta[d], k)
		case d < 0:
			removed = append(removed, k)
			byDelta[d] = append(byDelta[d], k)
		}
	}
	if len(added) > 0 {
		ins := sq.Insert(tagKeysTable).Options(s.d.InsertIgnore).Columns("tenant_id", keyColumn, "users")
		for _, k := range added {
			ins = ins.Values(string(tenant), k, 0)
		}
		if _, err := s.exec(ctx, tx, ins); err != nil {
			return err
		}
	}
	for _, d := range slices.Sorted(maps.Keys(byDelta)) {
		upd := sq.Update(tagKeysTable).Set("users", sq.Expr("users + ?", d)).
			Where(sq.Eq{"tenant_id": string(tenant), keyColumn: byDelta[d]})
		if _, err := s.exec(ctx, tx, upd); err != nil {
			return err
		}
	}
	if len(removed) > 0 {
		del := sq.Delete(tagKeysTable).Where(sq.Eq{"tenant_id": string(tenant), keyColumn: removed}).
			Where(sq.LtOrEq{"users": 0})
		if _, err := s.exec(ctx, tx, del); err != nil {
			return err
		}
	}
	return nil
}

// tagDelta returns the change of tag key counts from the keys of one
// user's old document to those of its new one.
func tagDelta(delta map[string]int, old, next []string) {
	for _, k := range next {
		if !slices.Contains(old, k) {
			delta[k]++
		}
	}
	for _, k := range old {
		if !slices.Contains(next, k) {
			delta[k]--
		}
	}
}

// userTagKeys reads the tag keys of a stored user from the filter index.
func (s *Store) userTagKeys(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, id string) ([]string, error) {
	rows, err := s.query(ctx, tx, sq.Select("v_str").From(valuesTable).Where(sq.Eq{
		"tenant_id": string(tenant), "rtype": rtypeUser, "resource_id": id, "attr": tagKeyAttr}))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k []byte
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, string(k))
	}
	return out, rows.Err()
}

// checkActors makes sure that the given delegate actor ids name users of
// the tenant other than the delegating user.
func (s *Store) checkActors(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, self string, actors []string) error {
	if len(actors) == 0 {
		return nil
	}
	if slices.Contains(actors, self) {
		return &storage.ValueError{Attribute: "delegates", Detail: "cannot name the user itself as its actor"}
	}
	rows, err := s.query(ctx, tx, sq.Select("id").From(usersTable.name).
		Where(sq.Eq{"tenant_id": string(tenant), "id": asciiIDs(actors)})) // others name no user
	if err != nil {
		return err
	}
	defer rows.Close()
	found := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		found[id] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, a := range actors {
		if !found[a] {
			return &storage.ValueError{Attribute: "delegates",
				Detail: fmt.Sprintf("actorId %q is not the id of a user of this tenant", a)}
		}
	}
	return nil
}

// newActors returns the actors of next that prev does not list: only those
// are checked, so that a delegate whose actor was deleted since does not
// block unrelated changes of the user.
func newActors(next, prev []string) []string {
	var out []string
	for _, a := range next {
		if !slices.Contains(prev, a) {
			out = append(out, a)
		}
	}
	return out
}

// TagKeys returns the tenant's tag keys in use.
func (s *Store) TagKeys(ctx context.Context, tenant storage.TenantID) ([]storage.TagKey, error) {
	rows, err := s.query(ctx, s.read, sq.Select(keyColumn, "users").From(tagKeysTable).
		Where(sq.Eq{"tenant_id": string(tenant)}).Where(sq.Gt{"users": 0}).OrderBy(keyColumn))
	if err != nil {
		return nil, s.mapErr("tag keys", err)
	}
	defer rows.Close()
	out := []storage.TagKey{}
	for rows.Next() {
		var k storage.TagKey
		if err := rows.Scan(&k.Key, &k.Users); err != nil {
			return nil, s.mapErr("tag keys", err)
		}
		out = append(out, k)
	}
	return out, s.mapErr("tag keys", rows.Err())
}

// InvalidateTenantSessions moves the tenant's sessions_valid_after forward
// to at.
func (s *Store) InvalidateTenantSessions(ctx context.Context, tenant storage.TenantID, at time.Time) (time.Time, error) {
	ts := formatTime(at.UTC().Truncate(timePrecision))
	var out time.Time
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// The fixed-width timestamp form sorts as text in time order.
		res, err := s.exec(ctx, tx, sq.Update(tenantsTable).Set("sessions_valid_after", ts).
			Where(sq.Eq{"id": string(tenant)}).
			Where(sq.Or{sq.Eq{"sessions_valid_after": nil}, sq.Lt{"sessions_valid_after": ts}}))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if out, err = s.tenantSessions(ctx, tx, tenant); err != nil || n == 0 {
			return err
		}
		return s.writeAudit(ctx, tx, tenant, auditRow{op: storage.AuditInvalidateSession, rtype: storage.AuditTenant, id: string(tenant),
			changes: []storage.AttributeChange{{Path: "sessionsValidAfter", New: ts}}})
	})
	return out, s.mapErr("invalidate tenant sessions", err)
}

// TenantSessionsValidAfter returns the tenant's sessions_valid_after.
func (s *Store) TenantSessionsValidAfter(ctx context.Context, tenant storage.TenantID) (time.Time, error) {
	t, err := s.tenantSessions(ctx, s.read, tenant)
	return t, s.mapErr("tenant sessions", err)
}

func (s *Store) tenantSessions(ctx context.Context, q querier, tenant storage.TenantID) (time.Time, error) {
	var v sql.NullString
	err := s.queryRow(ctx, q, sq.Select("sessions_valid_after").From(tenantsTable).Where(sq.Eq{"id": string(tenant)}), &v)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, fmt.Errorf("tenant: %w", storage.ErrNotFound)
	}
	if err != nil || !v.Valid {
		return time.Time{}, err
	}
	return parseStoredTime(strings.TrimSpace(v.String))
}
