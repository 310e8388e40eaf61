package main

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/sqlite"
)

// The pool settings of scimd's backends, which the floor copies: the MySQL
// backend opens 16 connections (storage/mysql maxOpenConns); on SQLite the
// floor reads through the backend's own read pool (sqlite.OpenReadPool).
const mysqlConns = 16

// floorQuery is the one statement of the floor: the primary-key lookup
// that GET /Users/{id} needs at the least.
const floorQuery = "SELECT doc FROM users WHERE tenant_id = ? AND id = ?"

// openFloorDB opens a pool on the target with the driver, DSN settings and
// pool size that scimd's backend uses for reads.
func openFloorDB(t *target) (*sql.DB, error) {
	if t.kind == "mysql" {
		db, err := openMySQL(t.db)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(mysqlConns)
		db.SetMaxIdleConns(mysqlConns)
		return db, nil
	}
	return sqlite.OpenReadPool(t.path)
}

// floorOp looks up random seeded users by primary key.
func floorOp(db *sql.DB, tenant storage.TenantID, d *dataset) op {
	return func(ctx context.Context, w *worker) (time.Duration, error) {
		id := d.userID(d.nonVictim(w.rng.IntN(d.pickable())))
		start := time.Now()
		var doc []byte
		if err := db.QueryRowContext(ctx, floorQuery, string(tenant), id).Scan(&doc); err != nil {
			return 0, fmt.Errorf("floor lookup of %s: %w", id, err)
		}
		return time.Since(start), nil
	}
}
