package sqlite_test

import (
	"log/slog"
	"path/filepath"
	"sync"
	"testing"

	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/sqlite"
	"github.com/scimd/scimd/storage/storagetest"
)

// TestSQLiteSharedDatabase runs the suite of two stores on one database
// file: what one instance sees of another's changes.
func TestSQLiteSharedDatabase(t *testing.T) {
	storagetest.RunSharedDatabaseTests(t, func(t *testing.T) storage.Store {
		path := sharedPath(t)
		s, err := sqlite.Open(t.Context(), path, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatalf("sqlite.Open: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}

var sharedPaths sync.Map // *testing.T → the test's database file

// sharedPath is the database file of a test, the same at every call.
func sharedPath(t *testing.T) string {
	p, _ := sharedPaths.LoadOrStore(t, filepath.Join(t.TempDir(), "shared.db"))
	return p.(string)
}
