package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	sq "github.com/Masterminds/squirrel"
	"github.com/google/uuid"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

const auditTable = "audit_log"

// maxActorText is the longest actor ID or name kept, in characters (the
// columns are VARCHAR(255)).
const maxActorText = 255

// auditColumns are read for every entry, in this order (see scanAudit).
var auditColumns = []string{"id", "at", "actor_kind", "actor_id", "actor_name", "operation", "resource_type", "resource_id", "changes"}

// An auditRow is one entry to write.
type auditRow struct {
	op, rtype, id string
	changes       []storage.AttributeChange
}

// writeAudit inserts the entries of one write in its transaction, with the
// actor of ctx: one INSERT per createBatch entries.
func (s *Store) writeAudit(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, rows ...auditRow) error {
	actor := storage.ActorFrom(ctx)
	actorID, actorName := truncateRunes(actor.ID, maxActorText), truncateRunes(actor.Name, maxActorText)
	at := formatTime(s.now())
	for start := 0; start < len(rows); start += createBatch {
		ins := sq.Insert(auditTable).Columns("tenant_id", "id", "at", "actor_kind", "actor_id", "actor_name",
			"operation", "resource_type", "resource_id", "changes")
		for _, r := range rows[start:min(start+createBatch, len(rows))] {
			id, err := uuid.NewV7()
			if err != nil {
				return err
			}
			var changes *string
			if len(r.changes) > 0 {
				b, err := json.Marshal(r.changes)
				if err != nil {
					return fmt.Errorf("encode audit changes: %w", err)
				}
				c := string(b)
				changes = &c
			}
			ins = ins.Values(string(tenant), id.String(), at, actor.Kind, actorID, actorName, r.op, r.rtype, r.id, changes)
		}
		if _, err := s.exec(ctx, tx, ins); err != nil {
			return err
		}
	}
	return nil
}

// Audit returns a page of the tenant's audit log, newest first.
func (s *Store) Audit(ctx context.Context, tenant storage.TenantID, q storage.AuditQuery) (storage.AuditPage, error) {
	count := q.Count
	if count == 0 {
		count = 100
	}
	if count < 0 || count > storage.MaxAuditCount {
		return storage.AuditPage{}, &storage.ValueError{Attribute: "count", Detail: fmt.Sprintf("must be 1 to %d", storage.MaxAuditCount)}
	}
	if !asciiID(q.ResourceID) || !asciiID(q.ResourceType) {
		if q.Cursor != "" {
			if _, err := decodeAuditCursor(q.Cursor); err != nil {
				return storage.AuditPage{}, err
			}
		}
		return storage.AuditPage{}, nil // no resource has the ID or type
	}
	b := sq.Select(auditColumns...).From(auditTable).Where(sq.Eq{"tenant_id": string(tenant)})
	if q.ResourceID != "" {
		b = b.Where(sq.Eq{"resource_id": q.ResourceID})
	}
	if q.ResourceType != "" {
		b = b.Where(sq.Eq{"resource_type": q.ResourceType})
	}
	if q.Cursor != "" {
		after, err := decodeAuditCursor(q.Cursor)
		if err != nil {
			return storage.AuditPage{}, err
		}
		b = b.Where(sq.Lt{"id": after})
	}
	b = b.OrderBy("id DESC").Limit(uint64(count) + 1)
	rows, err := s.query(ctx, s.read, b)
	if err != nil {
		return storage.AuditPage{}, s.mapErr("read audit log", err)
	}
	defer rows.Close()
	var page storage.AuditPage
	for rows.Next() {
		e, err := scanAudit(rows, tenant)
		if err != nil {
			return storage.AuditPage{}, s.mapErr("read audit log", err)
		}
		page.Entries = append(page.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return storage.AuditPage{}, s.mapErr("read audit log", err)
	}
	if len(page.Entries) > count {
		page.Entries = page.Entries[:count]
		page.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(page.Entries[count-1].ID))
	}
	return page, nil
}

// decodeAuditCursor returns the entry ID a cursor continues after.
func decodeAuditCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", fmt.Errorf("audit cursor: %w", storage.ErrInvalidCursor)
	}
	if _, err := uuid.Parse(string(b)); err != nil {
		return "", fmt.Errorf("audit cursor: %w", storage.ErrInvalidCursor)
	}
	return string(b), nil
}

func scanAudit(rows *sql.Rows, tenant storage.TenantID) (storage.AuditEntry, error) {
	e := storage.AuditEntry{Tenant: tenant}
	var at string
	var changes sql.NullString
	if err := rows.Scan(&e.ID, &at, &e.Actor.Kind, &e.Actor.ID, &e.Actor.Name, &e.Operation, &e.ResourceType, &e.ResourceID, &changes); err != nil {
		return e, err
	}
	var err error
	if e.Time, err = parseStoredTime(at); err != nil {
		return e, err
	}
	if changes.Valid {
		dec := json.NewDecoder(strings.NewReader(changes.String))
		dec.UseNumber()
		if err := dec.Decode(&e.Changes); err != nil {
			return e, corrupt("audit changes of "+e.ID, err)
		}
	}
	return e, nil
}

// secretsOf returns the lower-case keys (as schemas.Attribute.Key) of rt's
// secret attributes: those whose returned is "never" (password), and any
// named password. It walks the schema on every call: callers build a fresh
// *schemas.ResourceType per request, so a cache keyed by it would only grow.
func secretsOf(rt *schemas.ResourceType) map[string]bool {
	m := map[string]bool{"password": true}
	rt.Walk(func(a schemas.Attribute) {
		if a.Def.Returned() == "never" || strings.EqualFold(a.Def.Name(), "password") {
			m[a.Key()] = true
		}
	})
	return m
}

// isSecret reports whether the attribute at a lower-case path is secret:
// it is one of secrets, or inside one.
func isSecret(secrets map[string]bool, path string) bool {
	if secrets[path] {
		return true
	}
	for i := len(path) - 1; i > 0; i-- {
		if path[i] == '.' && secrets[path[:i]] {
			return true
		}
	}
	last := path[max(strings.LastIndexAny(path, ".:"), 0):]
	return strings.Trim(last, ".:") == "password"
}

// hasSecretBelow reports whether a secret attribute lies under the
// lower-case path: a sub-attribute of a complex attribute, such as
// "…:apikeys.secret" under "…:apikeys".
func hasSecretBelow(secrets map[string]bool, path string) bool {
	for k := range secrets {
		if len(k) > len(path) && k[len(path)] == '.' && strings.HasPrefix(k, path) {
			return true
		}
	}
	return false
}

// redactBelow returns a copy of the value at a lower-case path with its
// secret sub-attributes Redacted: in a complex value, and in every element
// of a multi-valued one. The value is first brought to its JSON shape, so
// that documents built in Go ([]map[string]any, structs) are redacted as
// well as those read back.
func redactBelow(secrets map[string]bool, path string, v any) any {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return storage.Redacted // cannot look inside: keep nothing
	}
	var shaped any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&shaped); err != nil {
		return storage.Redacted
	}
	return redactShaped(secrets, path, shaped)
}

// redactShaped redacts, in place, the secret sub-attributes of a
// JSON-shaped value at a lower-case path.
func redactShaped(secrets map[string]bool, path string, v any) any {
	switch v := v.(type) {
	case []any:
		for i, e := range v {
			v[i] = redactShaped(secrets, path, e)
		}
	case map[string]any:
		for k, sub := range v {
			p := path + "." + strings.ToLower(k)
			if isSecret(secrets, p) {
				if sub != nil {
					v[k] = storage.Redacted
				}
				continue
			}
			v[k] = redactShaped(secrets, p, sub)
		}
	}
	return v
}

// diffDocs returns the attributes that differ between two documents (nil
// for none), by path, sorted, with secrets redacted. Single-valued complex
// attributes and extensions are compared attribute by attribute; other
// values (multi-valued ones included) as a whole, with the secret
// sub-attributes inside them redacted.
func diffDocs(rt *schemas.ResourceType, old, next map[string]any) []storage.AttributeChange {
	a, b := map[string]any{}, map[string]any{}
	flatten(a, "", old, 0)
	flatten(b, "", next, 0)
	paths := make([]string, 0, len(b))
	for p := range a {
		paths = append(paths, p)
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	secrets := secretsOf(rt)
	var out []storage.AttributeChange
	for _, p := range paths {
		ov, nv := a[p], b[p]
		if sameJSON(ov, nv) {
			continue
		}
		c := storage.AttributeChange{Path: p, Old: ov, New: nv}
		lp := strings.ToLower(p)
		if isSecret(secrets, lp) {
			if ov != nil {
				c.Old = storage.Redacted
			}
			if nv != nil {
				c.New = storage.Redacted
			}
		} else if hasSecretBelow(secrets, lp) {
			c.Old, c.New = redactBelow(secrets, lp, ov), redactBelow(secrets, lp, nv)
		}
		out = append(out, c)
	}
	return out
}

// flatten puts the leaves of doc into out by path: one level into complex
// attributes, two into extensions (whose keys are URNs). prefix is the path
// of doc, "" at the top.
func flatten(out map[string]any, prefix string, doc map[string]any, depth int) {
	ext := depth == 1 && strings.HasPrefix(prefix, "urn:")
	for k, v := range doc {
		path := k
		switch {
		case depth == 0:
		case ext:
			path = prefix + ":" + k
		default:
			path = prefix + "." + k
		}
		if m, ok := v.(map[string]any); ok && (depth == 0 || ext) {
			flatten(out, path, m, depth+1)
			continue
		}
		out[path] = v
	}
}

// sameJSON reports whether two values have the same JSON form. Equal
// values have (most attributes of a write are unchanged, and encoding
// each twice was a tenth of a PATCH's audit entry); others are encoded.
func sameJSON(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if reflect.DeepEqual(a, b) {
		return true
	}
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// memberChange is the audit change of an edit's membership changes:
// added are the IDs the edit added (unknown ones it skipped are not), and
// the IDs it asked to remove.
func memberChange(e storage.Edit, added []string) storage.AttributeChange {
	if added == nil {
		added = []string{}
	}
	if e.ReplaceMembers {
		return storage.AttributeChange{Path: "members", Replaced: true, Added: added}
	}
	return storage.AttributeChange{Path: "members", Added: added, Removed: slices.Clone(e.RemoveMembers)}
}
