package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/scimd/scimd/storage"
)

func TestRedactDSN(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"sqlite:./data/scimd.db", "sqlite:./data/scimd.db"},
		{"sqlite:/tmp/a:b@c.db", "sqlite:/tmp/a:b@c.db"},
		{"mysql://root@127.0.0.1:3306/", "mysql://root@127.0.0.1:3306/"},
		{"mysql://127.0.0.1:3306/scimd", "mysql://127.0.0.1:3306/scimd"},
		{"mysql://scimd:s3cret@db:3306/scimd?tls=true", "mysql://scimd:xxxxx@db:3306/scimd?tls=true"},
		{"mysql://scimd:@db/scimd", "mysql://scimd:xxxxx@db/scimd"},
		{"mysql://scimd:p%40ss%2Fw@db/scimd", "mysql://scimd:xxxxx@db/scimd"},
		// Unescaped special characters in the password: hidden all the same.
		{"mysql://scimd:p@ss@db/scimd", "mysql://scimd:xxxxx@db/scimd"},
		{"mysql://scimd:pa/ss@db/scimd", "mysql://scimd:xxxxx@db/scimd"},
		{"mysql://scimd:1234#x@db/scimd", "mysql://scimd:xxxxx@db/scimd"},
		{"mysql://scimd:12?34@db/scimd", "mysql://scimd:xxxxx@db/scimd"},
		// A driver-style DSN passed by mistake.
		{"scimd:s3cret@tcp(db:3306)/scimd", "scimd:xxxxx@tcp(db:3306)/scimd"},
		{"postgres://u:s3cret@db/scimd", "postgres://u:xxxxx@db/scimd"},
	}
	for _, tt := range tests {
		if got := redactDSN(tt.in); got != tt.want {
			t.Errorf("redactDSN(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseDB(t *testing.T) {
	tests := []struct {
		in          string
		wantBackend backend
		wantTarget  string
	}{
		{"sqlite:./data/scimd.db", backendSQLite, "./data/scimd.db"},
		{"sqlite:/var/lib/scimd/scimd.db", backendSQLite, "/var/lib/scimd/scimd.db"},
		{"mysql://root@127.0.0.1:3306/scimd?parseTime=true", backendMySQL, "mysql://root@127.0.0.1:3306/scimd?parseTime=true"},
	}
	for _, tt := range tests {
		b, target, err := parseDB(tt.in)
		if err != nil || b != tt.wantBackend || target != tt.wantTarget {
			t.Errorf("parseDB(%q) = %q, %q, %v; want %q, %q, nil", tt.in, b, target, err, tt.wantBackend, tt.wantTarget)
		}
	}
	for _, in := range []string{"", "sqlite:", "sqlite3:x.db", "mysql:x", "postgres://db/x", "./scimd.db"} {
		if _, _, err := parseDB(in); err == nil {
			t.Errorf("parseDB(%q) succeeded, want an error", in)
		}
	}
}

func TestOpenStoreCreatesSQLiteDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	store, err := openStore(t.Context(), "sqlite:"+filepath.Join(dir, "scimd.db"), discardLogger())
	if err == nil {
		t.Cleanup(func() {
			if err := store.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
	// The directory is made before the database is opened, so this holds
	// whether or not Open succeeds.
	if fi, serr := os.Stat(dir); serr != nil || !fi.IsDir() {
		t.Fatalf("database directory not created: %v (open: %v)", serr, err)
	}
	if err != nil {
		t.Fatalf("openStore: %v", err)
	}
}

// tempDB returns the --db value of a fresh SQLite database.
func tempDB(t *testing.T) string {
	t.Helper()
	return "sqlite:" + filepath.Join(t.TempDir(), "data", "scimd.db")
}

// openTestStore opens db directly, for checking what the commands did.
func openTestStore(t *testing.T, db string) storage.Store {
	t.Helper()
	s, err := openStore(t.Context(), db, discardLogger())
	if err != nil {
		t.Fatalf("openStore: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// mysqlTestDB creates a database on the server named by dsn
// (mysql://USER:PASSWORD@HOST:PORT/), drops it when t ends, and returns its
// --db URL.
func mysqlTestDB(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme != "mysql" {
		t.Fatalf("SCIMD_TEST_MYSQL_DSN = %q, want mysql://USER:PASSWORD@HOST:PORT/", dsn)
	}
	cfg := gomysql.NewConfig()
	cfg.Net, cfg.Addr = "tcp", u.Host
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	connector, err := gomysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	admin := sql.OpenDB(connector)
	t.Cleanup(func() { _ = admin.Close() })
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	name := "scimd_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(t.Context(), "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE `"+name+"`"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
