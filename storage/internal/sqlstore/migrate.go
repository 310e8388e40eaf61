package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	sq "github.com/Masterminds/squirrel"
	"github.com/pressly/goose/v3"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// Migrate applies the embedded migrations in fsys that db has not seen yet,
// and the Go migrations both engines share (goMigrations), in version order.
// goose records applied versions in the goose_db_version table.
func Migrate(ctx context.Context, db *sql.DB, dialect goose.Dialect, fsys fs.FS) error {
	p, err := goose.NewProvider(dialect, db, fsys, goose.WithGoMigrations(goMigrations()...))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// goMigrations are the migrations written in Go, the same for every engine.
// Their versions (6, 10 and 12) are taken: no SQL migration file of either
// engine may use them (goose refuses to open a store with two migrations of
// one version, and TestSQLMigrationsAvoidGoVersions says which).
//
//   - 6 rewrites the indexed phoneNumbers.value of every user in the form
//     storage.NormalizePhone gives, which filters and Lookup compare with
//     (reindexPhones).
//   - 10 gives every user stored before scimd kept a lifecycle status the
//     status its active attribute implies (backfillStatus).
//   - 12 writes the sort values of multi-valued attributes of every
//     resource stored before scimd kept them (backfillSortValues).
//
// The other versions are SQL files under storage/sqlite/migrations and
// storage/mysql/migrations: 1 to 5, 8, 9 and 11 on both engines, 7 (sort
// keys of indexed strings) on MySQL only and 13 (external_id indexes ending
// with id) on SQLite only. A version one engine lacks is skipped there, so
// the next migration takes the next number free on both engines and in
// this list.
func goMigrations() []*goose.Migration {
	return []*goose.Migration{
		goose.NewGoMigration(6, &goose.GoFunc{RunTx: reindexPhones}, nil),
		goose.NewGoMigration(10, &goose.GoFunc{RunTx: backfillStatus}, nil),
		goose.NewGoMigration(12, &goose.GoFunc{RunTx: backfillSortValues}, nil),
	}
}

// statusBatch is how many users backfillStatus reads at a time.
const statusBatch = 500

// backfillStatus is migration 10: a user without the scimd User extension's
// status gets "deprovisioned" when its active attribute is false and
// "active" otherwise, in its document (with active to match) and in the
// filter index, so that status filters find every user. The version is
// kept: the representation already showed the derived status.
func backfillStatus(ctx context.Context, tx *sql.Tx) error {
	var lastTenant, lastID string
	for {
		text, args, err := sq.Select("tenant_id", "id", "doc").From(usersTable.name).
			Where(sq.Or{sq.Gt{"tenant_id": lastTenant}, sq.And{sq.Eq{"tenant_id": lastTenant}, sq.Gt{"id": lastID}}}).
			OrderBy("tenant_id", "id").Limit(statusBatch).ToSql()
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, text, args...)
		if err != nil {
			return err
		}
		var changes []statusChange
		n := 0
		for rows.Next() {
			var c statusChange
			var raw []byte
			if err := rows.Scan(&c.tenant, &c.id, &raw); err != nil {
				rows.Close()
				return err
			}
			n++
			lastTenant, lastID = c.tenant, c.id
			changed, err := c.derive(raw)
			if err != nil {
				rows.Close()
				return err
			}
			if changed {
				changes = append(changes, c)
			}
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return err
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := writeStatuses(ctx, tx, changes); err != nil {
			return err
		}
		if n < statusBatch {
			return nil
		}
	}
}

// A statusChange is a user that backfillStatus gives a status: its new
// document and the status.
type statusChange struct {
	tenant, id, doc, status string
}

// derive sets c's status and document from the user's stored document raw;
// false when the document has a status already and is left as it is.
func (c *statusChange) derive(raw []byte) (bool, error) {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return false, corrupt("document of user "+c.id, err)
	}
	ext, _ := doc[schemas.ScimdUserURN].(map[string]any)
	if s, _ := ext[schemas.AttrStatus].(string); s != "" {
		return false, nil
	}
	if ext == nil {
		ext = map[string]any{}
	}
	c.status = schemas.StatusActive
	if a, ok := doc["active"].(bool); ok && !a {
		c.status = schemas.StatusDeprovisioned
	}
	ext[schemas.AttrStatus] = c.status
	doc[schemas.ScimdUserURN] = ext
	doc["active"] = c.status == schemas.StatusActive
	b, err := json.Marshal(doc)
	if err != nil {
		return false, err
	}
	c.doc = string(b)
	return true, nil
}

// writeStatuses stores the documents, active columns and status index rows
// of changes.
func writeStatuses(ctx context.Context, tx *sql.Tx, changes []statusChange) error {
	statusKey := strings.ToLower(schemas.ScimdUserURN + ":" + schemas.AttrStatus)
	for _, c := range changes {
		active := 0
		if c.status == schemas.StatusActive {
			active = 1
		}
		for _, b := range []sq.Sqlizer{
			sq.Update(usersTable.name).Set("doc", c.doc).Set("active", active).Where(sq.Eq{"tenant_id": c.tenant, "id": c.id}),
			sq.Delete(valuesTable).Where(sq.Eq{"tenant_id": c.tenant, "rtype": rtypeUser, "resource_id": c.id, "attr": statusKey}),
			sq.Insert(valuesTable).Columns("tenant_id", "rtype", "resource_id", "attr", "elem", "pos", "v_str").
				Values(c.tenant, rtypeUser, c.id, statusKey, 0, 0, fold(c.status)),
		} {
			text, args, err := b.ToSql()
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, text, args...); err != nil {
				return err
			}
		}
	}
	return nil
}

// reindexPhones is migration 6.
func reindexPhones(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "SELECT tenant_id, resource_id, elem, pos, v_str FROM "+valuesTable+
		" WHERE rtype = ? AND attr = ? AND v_str IS NOT NULL", rtypeUser, phoneKey)
	if err != nil {
		return err
	}
	type change struct {
		tenant, id string
		elem, pos  int
		value      string
	}
	var changes []change
	for rows.Next() {
		var c change
		var v []byte
		if err := rows.Scan(&c.tenant, &c.id, &c.elem, &c.pos, &v); err != nil {
			rows.Close()
			return err
		}
		if c.value = storage.NormalizePhone(string(v)); c.value != string(v) {
			changes = append(changes, c)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return err
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, "UPDATE "+valuesTable+" SET v_str = ? WHERE tenant_id = ? AND rtype = ? AND resource_id = ? AND attr = ? AND elem = ? AND pos = ?",
			c.value, c.tenant, rtypeUser, c.id, phoneKey, c.elem, c.pos); err != nil {
			return err
		}
	}
	return nil
}
