package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"

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
// Their versions are taken: no SQL migration file may use them.
//
//   - 6 rewrites the indexed phoneNumbers.value of every user in the form
//     storage.NormalizePhone gives, which filters and Lookup compare with.
func goMigrations() []*goose.Migration {
	return []*goose.Migration{
		goose.NewGoMigration(6, &goose.GoFunc{RunTx: reindexPhones}, nil),
	}
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
