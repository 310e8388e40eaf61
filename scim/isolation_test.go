package scim_test

import (
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/scimd/scimd/scim"
	"github.com/scimd/scimd/scim/scimtest"
	"github.com/scimd/scimd/storage/mysql/mysqltest"
	"github.com/scimd/scimd/storage/sqlite"
)

// TestTenantIsolationSQLite checks tenant isolation on every SCIM route
// (scim.Paths) and method, on SQLite.
func TestTenantIsolationSQLite(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "scimd.db"), logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	scimtest.RunHTTPIsolationTests(t, newTargets(t, s, logger), scim.Paths())
}

// TestTenantIsolationMySQL is TestTenantIsolationSQLite on MySQL.
func TestTenantIsolationMySQL(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s := mysqltest.StoreFactory(t)(t)
	scimtest.RunHTTPIsolationTests(t, newTargets(t, s, logger), scim.Paths())
}
