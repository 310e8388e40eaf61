package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/mysql"
	"github.com/scimd/scimd/storage/sqlite"
)

// autoMySQL is the server --db auto tries first.
const autoMySQL = "mysql://root@127.0.0.1:3306/"

// A target is the database under test.
type target struct {
	kind    string // "mysql" or "sqlite"
	db      string // the value of scimd's --db
	path    string // the SQLite file
	version string // the database server's version and settings, for the report
	cleanup func(ctx context.Context) error
}

// resolveTarget turns the --db flag into a fresh, empty database:
//
//   - auto: a fresh database on autoMySQL when a server answers there, else
//     SQLite in a temporary directory;
//   - sqlite:PATH: a file that must not exist yet;
//   - mysql://USER:PASSWORD@HOST:PORT/ (no database): a fresh database
//     scimd_bench_<time>, dropped at the end unless keep;
//   - mysql://USER:PASSWORD@HOST:PORT/NAME: NAME, created if missing and
//     never dropped; it must not hold the benchmark's tenants already.
func resolveTarget(ctx context.Context, spec string, keep bool, log io.Writer) (*target, error) {
	if spec == "auto" {
		if err := pingMySQL(ctx, autoMySQL); err == nil {
			spec = autoMySQL
		} else {
			_, _ = fmt.Fprintf(log, "bench: no MySQL on %s (%v): using SQLite\n", strings.TrimPrefix(autoMySQL, "mysql://"), err)
			dir, err := os.MkdirTemp("", "scimd-bench-")
			if err != nil {
				return nil, err
			}
			t := sqliteTarget(filepath.Join(dir, "bench.db"))
			t.cleanup = func(context.Context) error {
				if keep {
					_, _ = fmt.Fprintf(log, "bench: kept the database %s\n", t.db)
					return nil
				}
				return os.RemoveAll(dir)
			}
			return t, nil
		}
	}
	switch {
	case strings.HasPrefix(spec, "sqlite:"):
		path := strings.TrimPrefix(spec, "sqlite:")
		if _, err := os.Stat(path); err == nil {
			return nil, fmt.Errorf("%s exists: the benchmark seeds a new database file", path)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, err
		}
		t := sqliteTarget(path)
		t.cleanup = func(context.Context) error { return nil }
		return t, nil
	case strings.HasPrefix(spec, "mysql://"):
		return mysqlTarget(ctx, spec, keep, log)
	}
	return nil, fmt.Errorf("--db %q: want auto, sqlite:PATH or mysql://USER:PASSWORD@HOST:PORT/[DBNAME]", spec)
}

func sqliteTarget(path string) *target {
	return &target{kind: "sqlite", db: "sqlite:" + path, path: path, version: "SQLite (modernc.org/sqlite), WAL, synchronous=NORMAL"}
}

func mysqlTarget(ctx context.Context, spec string, keep bool, log io.Writer) (*target, error) {
	u, err := url.Parse(spec)
	if err != nil {
		return nil, errors.New("--db: invalid mysql:// URL")
	}
	name := strings.TrimPrefix(u.Path, "/")
	fresh := name == ""
	if fresh {
		name = "scimd_bench_" + time.Now().Format("20060102_150405")
	}
	server := *u
	server.Path = "/"
	admin, err := openMySQL(server.String())
	if err != nil {
		return nil, err
	}
	defer func() { _ = admin.Close() }()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE IF NOT EXISTS `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	var version, pool string
	_ = admin.QueryRowContext(ctx, "SELECT VERSION(), @@innodb_buffer_pool_size").Scan(&version, &pool)
	t := &target{kind: "mysql", version: "MySQL " + version + ", innodb_buffer_pool_size " + pool}
	withDB := *u
	withDB.Path = "/" + name
	t.db = withDB.String()
	t.cleanup = func(ctx context.Context) error {
		if !fresh || keep {
			_, _ = fmt.Fprintf(log, "bench: kept the database %s\n", name)
			return nil
		}
		admin, err := openMySQL(server.String())
		if err != nil {
			return err
		}
		defer func() { _ = admin.Close() }()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE `"+name+"`"); err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		_, _ = fmt.Fprintf(log, "bench: dropped the database %s\n", name)
		return nil
	}
	if fresh {
		_, _ = fmt.Fprintf(log, "bench: created the database %s\n", name)
	}
	return t, nil
}

// openMySQL opens a pool on a mysql:// URL with the settings scimd uses.
func openMySQL(rawURL string) (*sql.DB, error) {
	cfg, err := mysql.ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	connector, err := gomysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(connector), nil
}

func pingMySQL(ctx context.Context, rawURL string) error {
	db, err := openMySQL(rawURL)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

// openStore opens the target through scimd's own storage backend.
func openStore(ctx context.Context, t *target) (storage.Store, error) {
	logger := slog.New(slog.DiscardHandler)
	if t.kind == "sqlite" {
		return sqlite.Open(ctx, t.path, logger)
	}
	return mysql.Open(ctx, t.db, logger)
}

// checkpoint folds SQLite's write-ahead log into the database file after
// the bulk load, as a long-running server's automatic checkpoints would;
// reads over a large unchecked WAL are slower. Other backends need nothing.
func checkpoint(ctx context.Context, t *target) error {
	if t.kind != "sqlite" {
		return nil
	}
	db, err := sql.Open("sqlite", "file:"+t.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	_, err = db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}
