package mysql_test

import (
	"log/slog"
	"sync"
	"testing"

	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/mysql"
	"github.com/scimd/scimd/storage/mysql/mysqltest"
	"github.com/scimd/scimd/storage/storagetest"
)

// TestMySQLSharedDatabase runs the suite of two stores on one database:
// what one instance sees of another's changes.
func TestMySQLSharedDatabase(t *testing.T) {
	var urls sync.Map // *testing.T → the test's database URL
	storagetest.RunSharedDatabaseTests(t, func(t *testing.T) storage.Store {
		u, ok := urls.Load(t)
		if !ok {
			u, _ = mysqltest.Database(t)
			urls.Store(t, u)
		}
		s, err := mysql.Open(t.Context(), u.(string), slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatalf("mysql.Open: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}
