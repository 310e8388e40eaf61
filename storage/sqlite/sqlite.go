// Package sqlite is scimd's embedded storage backend: SQLite through the
// pure-Go modernc.org/sqlite driver, in WAL mode, with a pool of readers and
// one writer connection.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"runtime"
	"strings"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// pragmas are set on every connection, and cache_size (see cacheKiB).
// busy_timeout comes first so that switching to WAL waits for other
// connections instead of failing.
//
// wal_autocheckpoint is 10,000 pages (40 MB of WAL) rather than SQLite's
// 1,000: a write that changes scattered rows dirties many pages (deleting
// a user in 50 groups writes about 160 WAL frames: its member rows, the
// groups it leaves and their lastModified index, its index rows), so at
// 1,000 pages the writer checkpointed every few writes, copying the same
// hot pages (the groups table, the ends of the time-ordered indexes) back
// to the database file each time, with an fsync. Quick benchmark (20,000
// users, 16 clients, two loaded cores), scimd CPU per request from 1,000
// to 10,000: W10 DELETE of a user in 50 groups 3.56/4.11 → 2.81/3.05 ms
// and 100 → 158 deletes/s, W6 POST 1.88 → 1.66 ms, W7a PATCH 1.44 → 1.28,
// W7b 2.77 → 2.20; reads unchanged within noise (W1 0.215 → 0.229, W3
// 0.81 → 0.78). journal_size_limit still truncates the WAL file.
var pragmas = []string{
	"busy_timeout(10000)",
	"journal_mode(WAL)",
	"synchronous(NORMAL)",
	"foreign_keys(ON)",
	"temp_store(MEMORY)",
	"journal_size_limit(200000000)",
	"wal_autocheckpoint(10000)",
}

// The page cache of each connection, in KiB: cache_size(-N). The caches
// of a process share one pool (SQLite's pcache1 group), bounded by the sum
// of the connections' cache_size, and a cached page costs about twice its
// size in RSS: SQLite allocates each 4 KiB page with its header (about
// 4.3 KiB) on its own, and modernc's allocator (modernc.org/memory,
// outside the Go heap) rounds that up to an 8 KiB slot. With
// cache_size(-32000) on the writer and four readers (two cores), scimd
// reached 300 MB of RSS on SQLite at 100,000 users, of which Go's heap was
// under 20 MB; with 4,000 KiB each, 75 MB. The large caches bought
// nothing: a reader's cache is dropped whole (pager_reset) at its next
// read after any write, and a miss is a read from the OS's page cache.
// Quick benchmark (100,000 users, 16 clients, two cores), scimd CPU per
// request from -32000 to -4000: W1 0.42 → 0.40 ms, W2 0.54 → 0.48, W3
// 0.96 → 0.81, W4a 0.72 → 0.60, W6 1.87 → 1.52, W7a 1.79 → 1.50, a page of
// 100 users 7.1 → 7.3 (noise); peak RSS 298 → 75 MB. At -2000 (SQLite's
// default) the peak was 55 MB, but a page of 100 users cost 10.2 ms: its
// working set no longer fit.
const (
	// writeCacheKiB is the writer's cache.
	writeCacheKiB = 4000
	// readCacheBudgetKiB is shared by the readers: 4,000 KiB each on two
	// cores (four readers), less on larger hosts with more readers, never
	// below minReadCacheKiB.
	readCacheBudgetKiB = 16000
	minReadCacheKiB    = 2000
)

// readers is the size of the read pool: max(4, 2·GOMAXPROCS).
func readers() int { return max(4, runtime.GOMAXPROCS(0)*2) }

// readCacheKiB is the page cache of each of n readers.
func readCacheKiB(n int) int { return max(minReadCacheKiB, readCacheBudgetKiB/n) }

// dsn is the data source name of the database file at path, with the
// pragmas and a page cache of cacheKiB.
func dsn(path string, cacheKiB int) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", cacheKiB))
	return "file:" + path + "?" + q.Encode()
}

// OpenReadPool opens the pool scimd reads an existing database through:
// read-only connections with scimd's pragmas, max(4, 2·GOMAXPROCS) of them.
// The benchmark measures its floor through the same pool.
func OpenReadPool(path string) (*sql.DB, error) {
	n := readers()
	read, err := sql.Open("sqlite", dsn(path, readCacheKiB(n))+"&mode=ro")
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxLifetime(0)
	return read, nil
}

// Open opens (creating it if needed) the SQLite database file at path,
// applies the embedded migrations and returns a Store.
func Open(ctx context.Context, path string, logger *slog.Logger) (storage.Store, error) {
	write, err := sql.Open("sqlite", dsn(path, writeCacheKiB)+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1) // one writer: writes queue in Go, never on SQLITE_BUSY
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	if err := sqlstore.Migrate(ctx, write, goose.DialectSQLite3, sub); err != nil {
		_ = write.Close()
		return nil, err
	}
	read, err := OpenReadPool(path)
	if err != nil {
		_ = write.Close()
		return nil, err
	}
	return sqlstore.New(sqlstore.Config{Read: read, Write: write, Dialect: dialect, Logger: logger}), nil
}

var dialect = sqlstore.Dialect{
	Name:          "sqlite",
	PrepareWrites: true,
	PrepareLists:  true,
	InsertIgnore:  "OR IGNORE",
	Match:         sqlstore.MatchInstr,
	SortJoin:      "JOIN", // the planner weighs ORDER BY ... LIMIT when it orders joins
	FullScans:     fullScans,
	Examine:       examine,
	Analyze:       []string{"ANALYZE"},
	IsUniqueViolation: func(err error) bool {
		return code(err) == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code(err) == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	},
	// A plain SQLITE_BUSY comes after busy_timeout was waited out (writes
	// begin IMMEDIATE, so it is never a lock upgrade): running the
	// transaction again would only multiply the wait. A stale WAL snapshot
	// and shared-cache LOCKED are worth another attempt.
	IsRetryable: func(err error) bool {
		return code(err) == sqlite3.SQLITE_BUSY_SNAPSHOT || code(err)&0xff == sqlite3.SQLITE_LOCKED
	},
	// BUSY and LOCKED reach here only once busy_timeout and the transaction
	// retries are spent: another process holds the database.
	IsUnavailable: func(err error) bool {
		switch code(err) & 0xff {
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
		return false
	},
}

func code(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

// fullScans reads EXPLAIN QUERY PLAN: a "SCAN" step reads a whole table or
// index, a "SEARCH" step uses an index to find rows, and a search on the
// tenant alone walks the tenant; a temporary B-tree is a sort.
func fullScans(ctx context.Context, db *sql.DB, query string, args []any) ([]string, error) {
	rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, err
		}
		switch {
		case strings.HasPrefix(detail, "SCAN CONSTANT"):
		case strings.HasPrefix(detail, "SCAN "):
			out = append(out, "scan: "+detail)
		case strings.HasSuffix(detail, "(tenant_id=?)"):
			out = append(out, sqlstore.TenantWalk+detail)
		case strings.Contains(detail, "TEMP B-TREE"):
			out = append(out, "sort: "+detail)
		}
	}
	return out, rows.Err()
}
