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

// Users' metadata (storage.MetadataAttribute) is indexed in attr_values
// under "metadata.<lower-case key>", one row per top-level key: strings
// folded in v_str (metadata compares case-insensitively), numbers and
// booleans (0 or 1) in v_num, objects as a row without a value (for pr).
// metadata_types locks each key of a tenant to the first type stored.
const (
	metadataPrefix = storage.MetadataAttribute + "."
	// metadataType is the location type of a metadata key in filters: the
	// compared value's JSON type picks the column.
	metadataType = "metadata"
	// keyColumn is metadata_types' key column, quoted: KEY is reserved.
	keyColumn = "`key`"
)

// phoneKey is the attr_values key of users' phone numbers, indexed in
// storage.NormalizePhone form.
const phoneKey = "phonenumbers.value"

// A metaLock is the type a document gives one metadata key.
type metaLock struct {
	key   string // as the document spells it, for messages
	lower string // the key of the lock
	typ   string
}

// metadataIndex returns the index rows and the type of each key of a
// user's metadata.
func metadataIndex(doc map[string]any) ([]valueRow, []metaLock, error) {
	v, ok := doc[storage.MetadataAttribute]
	if !ok || v == nil {
		return nil, nil, nil
	}
	m, keys, err := storage.CheckMetadata(v)
	if err != nil {
		return nil, nil, err
	}
	rows := make([]valueRow, 0, len(keys))
	locks := make([]metaLock, 0, len(keys))
	for _, k := range keys {
		x := m[k]
		typ, _ := storage.MetadataType(x)
		lower := strings.ToLower(k)
		r := valueRow{attr: metadataPrefix + lower}
		switch typ {
		case storage.MetadataString:
			s := fold(x.(string))
			r.str = &s
		case storage.MetadataNumber:
			f, ok := number(x)
			if !ok {
				return nil, nil, &storage.ValueError{Attribute: storage.MetadataAttribute, Detail: fmt.Sprintf("key %q holds a number out of range", k)}
			}
			r.num = &f
		case storage.MetadataBoolean:
			f := 0.0
			if x.(bool) {
				f = 1
			}
			r.num = &f
		}
		rows = append(rows, r)
		locks = append(locks, metaLock{key: k, lower: lower, typ: typ})
	}
	return rows, locks, nil
}

// newLocks returns the locks of next that prev does not already hold with
// the same type: those are the ones to check. Every stored document went
// through the check, so its types are the tenant's.
func newLocks(next []metaLock, prev map[string]any) []metaLock {
	if len(next) == 0 {
		return nil
	}
	_, held, _ := metadataIndex(prev) // a stored document is valid
	out := next[:0:0]
	for _, l := range next {
		if !slices.ContainsFunc(held, func(h metaLock) bool { return h.lower == l.lower && h.typ == l.typ }) {
			out = append(out, l)
		}
	}
	return out
}

// mergeLocks adds locks to a batch's list, refusing two types for one key.
func mergeLocks(list, more []metaLock) ([]metaLock, error) {
	for _, l := range more {
		i := slices.IndexFunc(list, func(h metaLock) bool { return h.lower == l.lower })
		switch {
		case i < 0:
			list = append(list, l)
		case list[i].typ != l.typ:
			return nil, storage.MetadataTypeError(l.key, list[i].typ, l.typ)
		}
	}
	return list, nil
}

// checkLocks enforces the tenant's metadata types inside a write
// transaction: a key locked to another type fails with a *ValueError, and
// keys without a lock get one. It reads the locks (one statement, which is
// all it takes once the tenant knows the keys) and, for new keys, inserts
// them and reads back what won: a concurrent transaction may have locked the
// same key first. Locks are never changed, so a plain read of a lock is
// final; only the read after the insert must see the latest commit.
func (s *Store) checkLocks(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, locks []metaLock) error {
	if len(locks) == 0 {
		return nil
	}
	slices.SortFunc(locks, func(a, b metaLock) int { return strings.Compare(a.lower, b.lower) })
	held, err := s.readLocks(ctx, tx, tenant, locks, "")
	if err != nil {
		return err
	}
	var missing []metaLock
	for _, l := range locks {
		typ, ok := held[l.lower]
		switch {
		case !ok:
			missing = append(missing, l)
		case typ != l.typ:
			return storage.MetadataTypeError(l.key, typ, l.typ)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	ins := sq.Insert(metaTypesTable).Options(s.d.InsertIgnore).Columns("tenant_id", keyColumn, "type")
	for _, l := range missing { // in key order, so concurrent inserts lock rows in one order
		ins = ins.Values(string(tenant), l.lower, l.typ)
	}
	if _, err := s.exec(ctx, tx, ins); err != nil {
		return err
	}
	if held, err = s.readLocks(ctx, tx, tenant, missing, s.d.ShareLockSuffix); err != nil {
		return err
	}
	for _, l := range missing {
		typ, ok := held[l.lower]
		switch {
		case !ok:
			return fmt.Errorf("metadata type of %q not stored", l.lower)
		case typ != l.typ:
			return storage.MetadataTypeError(l.key, typ, l.typ)
		}
	}
	return nil
}

// readLocks returns the tenant's locked types of the given keys.
func (s *Store) readLocks(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, locks []metaLock, suffix string) (map[string]string, error) {
	keys := make([]string, len(locks))
	for i, l := range locks {
		keys[i] = l.lower
	}
	q := sq.Select(keyColumn, "type").From(metaTypesTable).Where(sq.Eq{"tenant_id": string(tenant), keyColumn: keys})
	if suffix != "" {
		q = q.Suffix(suffix)
	}
	rows, err := s.query(ctx, tx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]string, len(keys))
	for rows.Next() {
		var k, typ string
		if err := rows.Scan(&k, &typ); err != nil {
			return nil, err
		}
		out[k] = typ
	}
	return out, rows.Err()
}
