package mysql_test

import (
	"testing"

	"github.com/scimd/scimd/storage/internal/sqlstore/sqltest"
	"github.com/scimd/scimd/storage/mysql/mysqltest"
	"github.com/scimd/scimd/storage/storagetest"
)

// TestMySQL runs the storage conformance suite against MySQL or MariaDB,
// with a fresh database per subtest.
func TestMySQL(t *testing.T) {
	storagetest.RunStorageTests(t, mysqltest.StoreFactory(t))
}

// TestMySQLPlans checks that common filters and sorts use indexes.
func TestMySQLPlans(t *testing.T) {
	sqltest.RunPlanTests(t, mysqltest.StoreFactory(t))
}
