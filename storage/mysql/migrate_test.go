package mysql_test

import (
	"log/slog"
	"testing"

	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/mysql"
	"github.com/scimd/scimd/storage/mysql/mysqltest"
	"github.com/scimd/scimd/storage/storagetest"
)

// TestSortValuesMigration checks migration 12: resources stored before
// scimd kept the sort values of multi-valued attributes get them.
func TestSortValuesMigration(t *testing.T) {
	dsn, db := mysqltest.Database(t)
	logger := slog.New(slog.DiscardHandler)
	storagetest.RunSortValuesMigrationTest(t, func(t *testing.T) storage.Store {
		s, err := mysql.Open(t.Context(), dsn, logger)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, func(t *testing.T, stmt string) {
		if _, err := db.ExecContext(t.Context(), stmt); err != nil {
			t.Fatal(err)
		}
	})
}
