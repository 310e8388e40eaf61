package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	sq "github.com/Masterminds/squirrel"
	"github.com/google/uuid"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// createBatch bounds the resources of one multi-row INSERT.
const createBatch = 100

// CreateMany stores new resources in one transaction: all or none.
func (s *Store) CreateMany(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, list []storage.Resource) ([]storage.Resource, error) {
	t, err := tableFor(rt)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(timePrecision)
	b, err := newCreateSet(t, rt, list, now)
	if err != nil {
		return nil, err
	}
	err = s.inMembersTx(ctx, tenant, func(ctx context.Context, tx *sql.Tx) error {
		return s.writeCreateSet(ctx, tx, tenant, rt, t, b)
	})
	if err != nil {
		return nil, s.mapErr("create "+rt.Name, err)
	}
	return b.out, nil
}

// A createSet is what CreateMany writes: the new resources, with their IDs
// and meta, and their columns, documents, index rows and audit entries.
type createSet struct {
	now    time.Time
	out    []storage.Resource
	cols   []columns
	docs   []string
	values []valueRow
	locks  []metaLock // metadata types of the whole batch
	owners []string   // resource ID of each row of values
	audit  []auditRow
}

// newCreateSet gives the resources of list their IDs and meta (created
// now) and computes what CreateMany writes of them.
func newCreateSet(t table, rt *schemas.ResourceType, list []storage.Resource, now time.Time) (*createSet, error) {
	b := &createSet{
		now:    now,
		out:    make([]storage.Resource, len(list)),
		cols:   make([]columns, len(list)),
		docs:   make([]string, len(list)),
		owners: make([]string, 0),
		audit:  make([]auditRow, 0, len(list)),
	}
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
		if b.locks, err = mergeLocks(b.locks, c.meta); err != nil {
			return nil, err
		}
		doc, err := json.Marshal(r.Attributes)
		if err != nil {
			return nil, fmt.Errorf("encode document: %w", err)
		}
		r.Meta = storage.Meta{Created: now, LastModified: now, Version: 1}
		b.out[i], b.cols[i], b.docs[i] = r, c, string(doc)
		b.values = append(b.values, rows...)
		for range rows {
			b.owners = append(b.owners, r.ID)
		}
		b.audit = append(b.audit, createAudit(t, rt, r))
	}
	return b, nil
}

// createAudit is the audit entry of the creation of r: its attributes and,
// for a group, its members.
func createAudit(t table, rt *schemas.ResourceType, r storage.Resource) auditRow {
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
	return entry
}

// writeCreateSet writes b in tx: the resources' rows, index rows, unique
// values, tag key counts, members and audit entries.
func (s *Store) writeCreateSet(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, rt *schemas.ResourceType, t table, b *createSet) error {
	if err := s.checkSchemaVersion(ctx, tx, tenant, rt); err != nil {
		return err
	}
	if err := s.checkLocks(ctx, tx, tenant, slices.Clone(b.locks)); err != nil {
		return err
	}
	if err := s.insertResources(ctx, tx, tenant, t, b); err != nil {
		return err
	}
	if err := s.insertValues(ctx, tx, tenant, t, b.owners, b.values); err != nil {
		return err
	}
	for i, r := range b.out {
		if err := s.insertUnique(ctx, tx, tenant, t, r.ID, b.cols[i].unique); err != nil {
			return err
		}
	}
	if t.rtype == rtypeUser {
		delta := map[string]int{}
		for i, r := range b.out { // after the inserts: an actor may be created in the same batch
			if err := s.checkActors(ctx, tx, tenant, r.ID, b.cols[i].actors); err != nil {
				return err
			}
			tagDelta(delta, nil, b.cols[i].tagKeys)
		}
		if err := s.adjustTagKeys(ctx, tx, tenant, delta); err != nil {
			return err
		}
	}
	for _, r := range b.out {
		if t.rtype == rtypeGroup && len(r.Members) > 0 {
			if _, err := s.addMembers(ctx, tx, tenant, r.ID, r.Members, false); err != nil {
				return err
			}
		}
	}
	return s.writeAudit(ctx, tx, tenant, b.audit...)
}

// insertResources inserts the rows of b's resources in t, createBatch at a
// time.
func (s *Store) insertResources(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, t table, b *createSet) error {
	names := []string{"tenant_id", "id", t.nameCol, "external_id", "created", "last_modified", "version", "doc"}
	if t.rawCol != "" {
		names = append(names, t.rawCol)
	}
	if t.rtype == rtypeUser {
		names = append(names, "active")
	}
	now := b.now
	for start := 0; start < len(b.out); start += createBatch {
		ins := sq.Insert(t.name).Columns(names...)
		for i := start; i < min(start+createBatch, len(b.out)); i++ {
			c := b.cols[i]
			vals := []any{string(tenant), b.out[i].ID, c.nameCI, c.externalID, formatTime(now), formatTime(now), 1, b.docs[i]}
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
	return nil
}
