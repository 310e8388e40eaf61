package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	sq "github.com/Masterminds/squirrel"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

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

// applyEdit writes e, the edit of cur, in tx and returns the edited
// resource; an edit that changes nothing writes nothing.
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
		var err error
		if upd, err = s.editDoc(ctx, tx, tenant, rt, t, cur, e.Attributes, doc, upd); err != nil {
			return cur, err
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

// editDoc writes the index rows of attrs, the changed document of cur
// (encoded as doc), and what follows from it (see editDerived), and sets
// its columns in upd.
func (s *Store) editDoc(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, rt *schemas.ResourceType, t table, cur storage.Resource, attrs map[string]any, doc []byte, upd sq.UpdateBuilder) (sq.UpdateBuilder, error) {
	cols, rows, err := extract(t, rt, attrs)
	if err != nil {
		return upd, err
	}
	if err := s.checkLocks(ctx, tx, tenant, newLocks(cols.meta, cur.Attributes)); err != nil {
		return upd, err
	}
	upd = upd.Set(t.nameCol, cols.nameCI).Set("external_id", cols.externalID).Set("doc", string(doc))
	if t.rawCol != "" {
		upd = upd.Set(t.rawCol, cols.name)
	}
	if t.rtype == rtypeUser {
		upd = upd.Set("active", cols.active)
	}
	if err := s.writeValues(ctx, tx, tenant, t, cur.ID, rows); err != nil {
		return upd, err
	}
	return upd, s.editDerived(ctx, tx, tenant, rt, t, cur, cols)
}

// editDerived updates the unique values, tag key counts and delegate
// actors of cur, whose new document has the columns cols, from what its
// old document held: unique values are rewritten only when they change,
// tag key counts follow the difference, and only new delegate actors are
// checked.
func (s *Store) editDerived(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, rt *schemas.ResourceType, t table, cur storage.Resource, cols columns) error {
	var err error
	old, _, oldErr := extract(t, rt, cur.Attributes)
	if hasUnique(t, rt) && (oldErr != nil || !slices.Equal(old.unique, cols.unique)) {
		if err := s.deleteUnique(ctx, tx, tenant, t, cur.ID); err != nil {
			return err
		}
		if err := s.insertUnique(ctx, tx, tenant, t, cur.ID, cols.unique); err != nil {
			return err
		}
	}
	if t.rtype == rtypeUser {
		if oldErr != nil { // a document stored before its values were checked
			if old.tagKeys, err = s.userTagKeys(ctx, tx, tenant, cur.ID); err != nil {
				return err
			}
		}
		if err := s.checkActors(ctx, tx, tenant, cur.ID, newActors(cols.actors, old.actors)); err != nil {
			return err
		}
		delta := map[string]int{}
		tagDelta(delta, old.tagKeys, cols.tagKeys)
		if err := s.adjustTagKeys(ctx, tx, tenant, delta); err != nil {
			return err
		}
	}
	return nil
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
