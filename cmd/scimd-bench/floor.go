package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"runtime"
	"time"

	"github.com/scimd/scimd/storage"
)

// The pool settings of scimd's backends, which the floor copies: the MySQL
// backend opens 16 connections (storage/mysql maxOpenConns); the SQLite
// backend reads through a read-only pool of max(4, 2·GOMAXPROCS)
// connections with these pragmas (storage/sqlite).
const mysqlConns = 16

var sqlitePragmas = []string{
	"busy_timeout(10000)",
	"journal_mode(WAL)",
	"synchronous(NORMAL)",
	"foreign_keys(ON)",
	"temp_store(MEMORY)",
	"cache_size(-32000)",
	"journal_size_limit(200000000)",
}

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
	q := url.Values{}
	for _, p := range sqlitePragmas {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+t.path+"?"+q.Encode()+"&mode=ro")
	if err != nil {
		return nil, err
	}
	n := max(4, runtime.GOMAXPROCS(0)*2)
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	return db, nil
}

// floorOp looks up random seeded users by primary key.
func floorOp(db *sql.DB, tenant storage.TenantID, d *dataset) op {
	return func(ctx context.Context, w *worker) (time.Duration, error) {
		id := d.userID(w.rng.IntN(d.pickable()))
		start := time.Now()
		var doc []byte
		if err := db.QueryRowContext(ctx, floorQuery, string(tenant), id).Scan(&doc); err != nil {
			return 0, fmt.Errorf("floor lookup of %s: %w", id, err)
		}
		return time.Since(start), nil
	}
}
