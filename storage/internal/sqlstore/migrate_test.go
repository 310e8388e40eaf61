package sqlstore

import (
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"
)

// TestSQLMigrationsAvoidGoVersions fails when a SQL migration file of
// either engine uses the version of a Go migration.
func TestSQLMigrationsAvoidGoVersions(t *testing.T) {
	goVersions := map[int64]bool{}
	for _, m := range goMigrations() {
		goVersions[m.Version] = true
	}
	for _, dir := range []string{"../../sqlite/migrations", "../../mysql/migrations"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.sql"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("no SQL migrations in %s", dir)
		}
		for _, f := range files {
			v, err := goose.NumericComponent(f)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if goVersions[v] {
				t.Errorf("%s uses version %d, which is a Go migration (goMigrations)", f, v)
			}
		}
	}
}
