package sqlite_test

import (
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/internal/sqlstore/sqltest"
	"github.com/scimd/scimd/storage/sqlite"
	"github.com/scimd/scimd/storage/storagetest"
)

// TestSQLite runs the storage conformance suite against a fresh SQLite file
// per subtest.
func TestSQLite(t *testing.T) {
	storagetest.RunStorageTests(t, newStore)
}

// TestSQLitePlans checks that common filters and sorts use indexes.
func TestSQLitePlans(t *testing.T) {
	sqltest.RunPlanTests(t, newStore)
}

func newStore(t *testing.T) storage.Store {
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "scimd.db"), logger)
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}
