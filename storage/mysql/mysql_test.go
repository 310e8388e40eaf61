package mysql_test

import (
	"testing"

	"github.com/scimd/scimd/conformance"
	"github.com/scimd/scimd/storage/mysql/mysqltest"
)

// TestMySQL runs the storage conformance suite against MySQL or MariaDB,
// with a fresh database per subtest.
func TestMySQL(t *testing.T) {
	conformance.RunStorageTests(t, mysqltest.StoreFactory(t))
}

// TestMySQLPlans checks that common filters and sorts use indexes.
func TestMySQLPlans(t *testing.T) {
	conformance.RunPlanTests(t, mysqltest.StoreFactory(t))
}
