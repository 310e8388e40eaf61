package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/mysql"
	"github.com/scimd/scimd/storage/sqlite"
)

// A backend is a kind of database scimd can store its data in.
type backend string

const (
	backendSQLite backend = "sqlite"
	backendMySQL  backend = "mysql"
)

// parseDB splits the value of --db into the backend and what that backend's
// Open takes: the file path for sqlite:PATH, the whole URL for mysql://.
// Its errors never contain a password.
func parseDB(db string) (backend, string, error) {
	switch {
	case strings.HasPrefix(db, "sqlite:"):
		path := strings.TrimPrefix(db, "sqlite:")
		if path == "" {
			return "", "", fmt.Errorf("invalid database %q: want sqlite:PATH", db)
		}
		return backendSQLite, path, nil
	case strings.HasPrefix(db, "mysql://"):
		if _, err := url.Parse(db); err != nil {
			// The url error quotes the URL, password included.
			return "", "", fmt.Errorf("invalid database URL %q: percent-encode special characters in the user name and password", redactDSN(db))
		}
		return backendMySQL, db, nil
	default:
		return "", "", fmt.Errorf("unsupported database %q: want sqlite:PATH or mysql://USER:PASSWORD@HOST:PORT/DBNAME", redactDSN(db))
	}
}

// redactDSN returns db with the password, if any, replaced by "xxxxx", for
// logs and error messages. It errs on the side of hiding too much: anything
// between the first colon of the user info and the last "@" is hidden, so
// passwords with unescaped special characters are hidden too.
func redactDSN(db string) string {
	if strings.HasPrefix(db, "sqlite:") {
		return db
	}
	prefix, rest := "", db
	if i := strings.Index(db, "://"); i >= 0 {
		prefix, rest = db[:i+len("://")], db[i+len("://"):]
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return db
	}
	user, _, ok := strings.Cut(rest[:at], ":")
	if !ok {
		return db
	}
	return prefix + user + ":xxxxx" + rest[at:]
}

// openStore opens the database named by db (the value of --db). For SQLite
// it first creates the directory of the database file if it is missing.
func openStore(ctx context.Context, db string, logger *slog.Logger) (storage.Store, error) {
	kind, target, err := parseDB(db)
	if err != nil {
		return nil, err
	}
	logger.Info("opening database", "db", redactDSN(db))
	var store storage.Store
	switch kind {
	case backendSQLite:
		if dir := filepath.Dir(target); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create database directory: %w", err)
			}
		}
		store, err = sqlite.Open(ctx, target, logger)
	case backendMySQL:
		store, err = mysql.Open(ctx, target, logger)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database %s: %w", kind, redactDSN(db), err)
	}
	return store, nil
}
