// Package mysql is scimd's production storage backend for MySQL 8 and
// MariaDB 10.11+, through github.com/go-sql-driver/mysql.
package mysql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/pressly/goose/v3"

	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// MySQL error numbers scimd acts on.
const (
	errDupEntry        = 1062
	errDupEntryKeyName = 1586
	errLockWaitTimeout = 1205
	errDeadlock        = 1213
	// The server cannot serve the statement now: too many connections,
	// shutting down, gone away, connection lost mid-query (the last two are
	// client error numbers some servers and proxies also send).
	errTooManyConns   = 1040
	errServerShutdown = 1053
	errServerGone     = 2006
	errServerLost     = 2013
)

// Pool settings. Sixteen connections is where MariaDB peaks on small
// machines; more only queue inside the server.
const (
	maxOpenConns    = 16
	connMaxLifetime = 30 * time.Minute
)

// Open connects to the database named by a URL of the form
// mysql://USER:PASSWORD@HOST:PORT/DBNAME?param=value, applies the embedded
// migrations and returns a Store. Query parameters are passed on to the
// driver; scimd sets the connection charset, collation and parameter
// interpolation itself unless the URL does.
func Open(ctx context.Context, rawURL string, logger *slog.Logger) (storage.Store, error) {
	cfg, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	if cfg.DBName == "" {
		return nil, errors.New("mysql: the URL names no database (mysql://USER:PASSWORD@HOST:PORT/DBNAME)")
	}
	if logger != nil {
		// The driver's own messages (a connection that broke mid-packet,
		// say) go through slog, as a warning, instead of to stderr.
		cfg.Logger = driverLogger{logger}
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("mysql: %w", err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(maxOpenConns)
	db.SetMaxIdleConns(maxOpenConns)
	db.SetConnMaxLifetime(connMaxLifetime)
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	if err := sqlstore.Migrate(ctx, db, goose.DialectMySQL, sub); err != nil {
		_ = db.Close()
		return nil, err
	}
	return sqlstore.New(sqlstore.Config{Read: db, Write: db, Dialect: dialect, Logger: logger}), nil
}

// ParseURL turns a mysql:// URL into a driver configuration with scimd's
// connection settings: utf8mb4 with a binary collation (never the server's
// default charset), client-side parameter interpolation (one round trip per
// statement) and strict SQL mode.
func ParseURL(rawURL string) (*mysql.Config, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "mysql" {
		return nil, errors.New("mysql: expected a URL of the form mysql://USER:PASSWORD@HOST:PORT/DBNAME")
	}
	// The driver reads the query parameters; scimd's settings fill in what
	// the URL leaves unset.
	q := u.Query()
	defaults := map[string]string{
		"interpolateParams": "true",
		"timeout":           "5s",
		// A bound on a silent network: a query whose answer does not come
		// fails (503) instead of holding the request forever.
		"readTimeout":  "30s",
		"writeTimeout": "30s",
		"sql_mode":     "'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'",
	}
	for k, v := range defaults {
		if !q.Has(k) {
			q.Set(k, v)
		}
	}
	cfg, err := mysql.ParseDSN("/?" + q.Encode())
	if err != nil {
		return nil, fmt.Errorf("mysql: URL parameters: %w", err)
	}
	if !q.Has("charset") && !q.Has("collation") {
		if err := cfg.Apply(mysql.Charset("utf8mb4", "utf8mb4_bin")); err != nil {
			return nil, fmt.Errorf("mysql: %w", err)
		}
	}
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if u.Port() == "" {
		cfg.Addr = net.JoinHostPort(u.Hostname(), "3306")
	}
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	return cfg, nil
}

var dialect = sqlstore.Dialect{
	Name:         "mysql",
	InsertIgnore: "IGNORE",
	LockSuffix:   "FOR UPDATE",
	// LOCK IN SHARE MODE, unlike FOR SHARE, works on MySQL 8 and MariaDB alike.
	ShareLockSuffix: "LOCK IN SHARE MODE",
	Match:           sqlstore.MatchLike,
	// attr_values.v_key, the first 1024 bytes of v_str (migration 00007):
	// MySQL cannot read rows in order from an index of a BLOB's prefix.
	StrKeyBytes: 1024,
	SortJoin:    "STRAIGHT_JOIN",
	FullScans:   fullScans,
	Examine:     examine,
	Analyze:     []string{"ANALYZE TABLE users, `groups`, members, attr_values, app_assignments, apps"},
	IsUniqueViolation: func(err error) bool {
		n := number(err)
		return n == errDupEntry || n == errDupEntryKeyName
	},
	IsRetryable: func(err error) bool {
		n := number(err)
		return n == errDeadlock || n == errLockWaitTimeout
	},
	// Connection-level failures (refused, reset, EOF) are recognized by
	// sqlstore for every engine; these are MySQL's own. A lock wait timeout
	// that outlived the transaction retries is reported as unavailability too:
	// the same write may pass later.
	IsUnavailable: func(err error) bool {
		switch number(err) {
		case errTooManyConns, errServerShutdown, errServerGone, errServerLost, errLockWaitTimeout:
			return true
		}
		return errors.Is(err, driver.ErrBadConn) || errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, mysql.ErrMalformPkt)
	},
}

// tenantKeyLen is EXPLAIN's key_len of an index prefix of tenant_id alone.
const tenantKeyLen = "38"

func number(err error) uint16 {
	var e *mysql.MySQLError
	if errors.As(err, &e) {
		return e.Number
	}
	return 0
}

// fullScans reads EXPLAIN: access type ALL is a table scan and index a scan
// of a whole index; an index lookup on tenant_id alone (key_len 38: the
// VARCHAR(36) ascii column) reads the whole tenant. MySQL and MariaDB differ
// in columns, so they are read by name.
func fullScans(ctx context.Context, db *sql.DB, query string, args []any) ([]string, error) {
	rows, err := db.QueryContext(ctx, "EXPLAIN "+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make(map[string]string, len(cols))
		for i, c := range cols {
			row[c] = vals[i].String
		}
		if strings.HasPrefix(row["table"], "<") { // a materialized subquery: read once, whole
			continue
		}
		step := fmt.Sprintf("%s (%s on %s, key_len %s)", row["table"], row["type"], row["key"], row["key_len"])
		switch {
		case row["type"] == "ALL" || row["type"] == "index":
			out = append(out, "scan: "+step)
		case row["key_len"] == tenantKeyLen:
			out = append(out, sqlstore.TenantWalk+step)
		}
		if strings.Contains(row["Extra"], "filesort") {
			out = append(out, "sort: "+step)
		}
	}
	return out, rows.Err()
}

// driverLogger passes the MySQL driver's messages to slog. They name
// connections and packets, never credentials or query values.
type driverLogger struct{ logger *slog.Logger }

// Print logs one driver message as a warning.
func (l driverLogger) Print(v ...any) {
	l.logger.Warn("mysql driver", "msg", fmt.Sprint(v...))
}
