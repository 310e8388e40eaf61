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

// pragmas are set on every connection. busy_timeout comes first so that
// switching to WAL waits for other connections instead of failing.
var pragmas = []string{
	"busy_timeout(10000)",
	"journal_mode(WAL)",
	"synchronous(NORMAL)",
	"foreign_keys(ON)",
	"temp_store(MEMORY)",
	"cache_size(-32000)",
	"journal_size_limit(200000000)",
}

// dsn is the data source name of the database file at path, with the
// pragmas.
func dsn(path string) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	return "file:" + path + "?" + q.Encode()
}

// OpenReadPool opens the pool scimd reads an existing database through:
// read-only connections with scimd's pragmas, max(4, 2·GOMAXPROCS) of them.
// The benchmark measures its floor through the same pool.
func OpenReadPool(path string) (*sql.DB, error) {
	read, err := sql.Open("sqlite", dsn(path)+"&mode=ro")
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	n := max(4, runtime.GOMAXPROCS(0)*2)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxLifetime(0)
	return read, nil
}

// Open opens (creating it if needed) the SQLite database file at path,
// applies the embedded migrations and returns a Store.
func Open(ctx context.Context, path string, logger *slog.Logger) (storage.Store, error) {
	write, err := sql.Open("sqlite", dsn(path)+"&_txlock=immediate")
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
	Name:         "sqlite",
	InsertIgnore: "OR IGNORE",
	Match:        sqlstore.MatchInstr,
	SortJoin:     "JOIN", // the planner weighs ORDER BY ... LIMIT when it orders joins
	FullScans:    fullScans,
	Examine:      examine,
	Analyze:      []string{"ANALYZE"},
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
