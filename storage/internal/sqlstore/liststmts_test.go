package sqlstore

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

// TestListStmtCacheBounded checks that the list statement cache keeps at
// most max statements, evicts the least recently used, and closes an
// evicted statement only once its last user is done with it.
func TestListStmtCacheBounded(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	ctx := t.Context()
	c := listStmtCache{max: 2}
	text := func(i int) string { return fmt.Sprintf("SELECT %d", i) }
	run := func(st *sql.Stmt) error {
		var n int
		return st.QueryRowContext(ctx).Scan(&n)
	}
	st0, release0, err := c.get(ctx, db, text(0)) // held, not released yet
	if err != nil {
		t.Fatal(err)
	}
	st1, release1, err := c.get(ctx, db, text(1))
	if err != nil {
		t.Fatal(err)
	}
	release1()
	if again, release, _ := c.get(ctx, db, text(1)); again != st1 {
		t.Error("a cached text was prepared again")
	} else {
		release()
	}
	// text(0) is the least recently used: a third text evicts it, but its
	// user still holds it.
	if _, release, err := c.get(ctx, db, text(2)); err != nil {
		t.Fatal(err)
	} else {
		release()
	}
	if len(c.stmts) != 2 || c.stmts[text(0)] != nil {
		t.Fatalf("cache holds %d statements (text 0 cached: %v), want 2 without text 0", len(c.stmts), c.stmts[text(0)] != nil)
	}
	if err := run(st0); err != nil {
		t.Fatalf("an evicted statement still in use was closed: %v", err)
	}
	release0()
	if err := run(st0); err == nil {
		t.Error("an evicted statement was not closed by its last user")
	}
	if err := run(st1); err != nil {
		t.Errorf("a cached statement does not run: %v", err)
	}
	if err := c.close(); err != nil {
		t.Fatal(err)
	}
	if err := run(st1); err == nil {
		t.Error("close left a statement open")
	}
}
