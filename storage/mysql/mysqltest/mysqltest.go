// Package mysqltest gives tests a MySQL-backed store on a fresh database.
// The server comes from the environment variable DSNEnv; without it, tests
// that ask for a store are skipped.
package mysqltest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"net/url"
	"os"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/mysql"
)

// DSNEnv names the server to test against, as a URL without a database:
// mysql://root@127.0.0.1:3306/
const DSNEnv = "SCIMD_TEST_MYSQL_DSN"

// StoreFactory skips t unless a server is configured in the environment,
// and returns a function that opens a store on a fresh database, dropped
// when the test that asked for it ends.
func StoreFactory(t *testing.T) func(t *testing.T) storage.Store {
	dsn := os.Getenv(DSNEnv)
	if dsn == "" {
		t.Skip(DSNEnv + " not set")
	}
	server, admin := openServer(t, dsn)
	return func(t *testing.T) storage.Store { return open(t, server, admin) }
}

// OpenStore skips tb unless a server is configured in the environment, and
// opens a store on a fresh database, dropped when tb ends. Fuzz targets
// use it: each fuzzing worker gets a database of its own.
func OpenStore(tb testing.TB) storage.Store {
	tb.Helper()
	dsn := os.Getenv(DSNEnv)
	if dsn == "" {
		tb.Skip(DSNEnv + " not set")
	}
	server, admin := openServer(tb, dsn)
	return open(tb, server, admin)
}

// Database skips t unless a server is configured in the environment, and
// creates a fresh database, dropped when t ends. It returns the database's
// URL, for mysql.Open, and a connection to it, closed when t ends: tests of
// migrations reopen a store on the same database and change it in between.
func Database(t *testing.T) (string, *sql.DB) {
	t.Helper()
	dsn := os.Getenv(DSNEnv)
	if dsn == "" {
		t.Skip(DSNEnv + " not set")
	}
	server, admin := openServer(t, dsn)
	name := createDatabase(t, admin)
	u := *server
	u.Path = "/" + name
	cfg := gomysql.NewConfig()
	cfg.Net, cfg.Addr, cfg.DBName = "tcp", server.Host, name
	if server.User != nil {
		cfg.User = server.User.Username()
		cfg.Passwd, _ = server.User.Password()
	}
	connector, err := gomysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	t.Cleanup(func() { _ = db.Close() })
	return u.String(), db
}

// open opens a store on a fresh database of server.
func open(t testing.TB, server *url.URL, admin *sql.DB) storage.Store {
	t.Helper()
	name := createDatabase(t, admin)
	u := *server
	u.Path = "/" + name
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := mysql.Open(t.Context(), u.String(), logger)
	if err != nil {
		t.Fatalf("mysql.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// openServer parses the server URL and connects to the server without a
// database, for creating and dropping the test databases.
func openServer(t testing.TB, dsn string) (*url.URL, *sql.DB) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s: %v", DSNEnv, err)
	}
	if u.Scheme != "mysql" || u.Host == "" {
		t.Fatalf("%s = %q, want mysql://USER[:PASSWORD]@HOST:PORT/", DSNEnv, dsn)
	}
	cfg := gomysql.NewConfig()
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	connector, err := gomysql.NewConnector(cfg)
	if err != nil {
		t.Fatalf("%s: %v", DSNEnv, err)
	}
	db := sql.OpenDB(connector)
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close admin connection: %v", err)
		}
	})
	if err := db.PingContext(t.Context()); err != nil {
		t.Fatalf("connect to %s: %v", u.Redacted(), err)
	}
	return u, db
}

// createDatabase creates an empty database that is dropped when t ends.
func createDatabase(t testing.TB, admin *sql.DB) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	name := "scimd_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(t.Context(), "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		// t.Context is done by now.
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE `"+name+"`"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return name
}
