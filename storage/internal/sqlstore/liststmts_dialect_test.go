package sqlstore

import (
	"database/sql"
	"path/filepath"
	"testing"

	sq "github.com/Masterminds/squirrel"
)

// TestQueryListPreparesOnlyWhereTheDialectSays checks that list queries
// go through the statement cache only for a dialect with PrepareLists
// (SQLite), and run as plain queries otherwise (MySQL, where a prepared
// statement is a server-wide resource).
func TestQueryListPreparesOnlyWhereTheDialectSays(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "l.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	for _, prepare := range []bool{false, true} {
		s := &Store{read: db, d: Dialect{PrepareLists: prepare}, listStmts: listStmtCache{max: 8}}
		for _, n := range []int{1, 2, 3} {
			rows, err := s.queryList(t.Context(), sq.Select().Column(sq.Expr("?", n)))
			if err != nil {
				t.Fatal(err)
			}
			if err := rows.Close(); err != nil {
				t.Fatal(err)
			}
		}
		want := 0
		if prepare {
			want = 1 // one text, three runs
		}
		if got := len(s.listStmts.stmts); got != want {
			t.Errorf("PrepareLists %v: %d statements cached, want %d", prepare, got, want)
		}
		if err := s.listStmts.close(); err != nil {
			t.Error(err)
		}
	}
}
