package sqlite

import (
	"database/sql"
	"path/filepath"
	"testing"

	"modernc.org/sqlite"
)

// cacheTestMiB is the size of the table TestPageCacheBounded reads: far
// more than any connection's page cache may hold.
const cacheTestMiB = 24

// TestPageCacheBounded reads a table of cacheTestMiB on the writer, opened
// as Open opens it, and on every reader of the pool scimd reads through,
// and checks with SQLite's own count (SQLITE_DBSTATUS_CACHE_USED) that
// their page caches together stay within the sum of their cache_size. The
// caches of a process share one pool (SQLite's pcache1 group): a
// connection may hold more than its own cache_size while the others hold
// less, but never more than the sum. Cached pages cost about twice their
// size in RSS (see writeCacheKiB): this sum is what keeps scimd's memory
// on SQLite near the MySQL backend's.
func TestPageCacheBounded(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "cache.db")
	write, err := sql.Open("sqlite", dsn(path, writeCacheKiB)+"&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = write.Close() }()
	write.SetMaxOpenConns(1)
	for _, stmt := range []string{
		"CREATE TABLE big (id INTEGER PRIMARY KEY, b BLOB)",
		// A row of 3,000 bytes fills most of a 4 KiB page.
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) INSERT INTO big SELECT i, randomblob(3000) FROM n",
	} {
		if _, err := write.ExecContext(ctx, stmt, cacheTestMiB<<20/3000); err != nil {
			t.Fatal(err)
		}
	}
	read, err := OpenReadPool(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = read.Close() }()

	n := readers()
	conns := []*sql.Conn{conn(t, write)}
	for range n {
		conns = append(conns, conn(t, read))
	}
	for _, c := range conns {
		scan(t, c)
	}
	used := 0
	for _, c := range conns {
		used += cacheUsed(t, c)
	}
	budgetKiB := writeCacheKiB + n*readCacheKiB(n)
	t.Logf("%d KiB of page cache after reading %d MiB on the writer and %d readers (cache_size -%d and -%d: %d KiB)",
		used>>10, cacheTestMiB, n, writeCacheKiB, readCacheKiB(n), budgetKiB)
	// SQLite counts a cached page with its headers, a little more than the
	// page: cache_size counts pages of the database's page size.
	if limit := budgetKiB << 10 * 5 / 4; used > limit {
		t.Errorf("%d KiB of page cache, want at most %d KiB", used>>10, limit>>10)
	}
	if used < budgetKiB<<10/2 {
		t.Errorf("%d KiB of page cache: the scans did not go through the caches", used>>10)
	}
	// The writer's cache and every reader's, full: well under the 100 MB
	// of RSS scimd is meant to stay within at 100,000 users, at twice the
	// caches' size, on this project's two-core machine (four readers).
	const cacheBudgetMiB = 24
	if budgetKiB > cacheBudgetMiB<<10 {
		t.Errorf("the writer's cache (%d KiB) and %d readers' (%d KiB each) exceed %d MiB",
			writeCacheKiB, n, readCacheKiB(n), cacheBudgetMiB)
	}
}

// conn takes a connection of db for the rest of the test.
func conn(t *testing.T, db *sql.DB) *sql.Conn {
	t.Helper()
	c, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// scan reads every row of big on c.
func scan(t *testing.T, c *sql.Conn) {
	t.Helper()
	var total int
	if err := c.QueryRowContext(t.Context(), "SELECT sum(length(b)) FROM big").Scan(&total); err != nil {
		t.Fatal(err)
	}
	if total < cacheTestMiB<<20*9/10 {
		t.Fatalf("read %d bytes, want about %d MiB", total, cacheTestMiB)
	}
}

// cacheUsed returns the bytes of c's page cache.
func cacheUsed(t *testing.T, c *sql.Conn) int {
	t.Helper()
	used := 0
	err := c.Raw(func(dc any) error {
		st, ok := dc.(sqlite.DBStatus)
		if !ok {
			t.Fatalf("the driver's connection %T has no status counters", dc)
		}
		cur, _, err := st.Status(sqlite.DBStatusCacheUsed, false)
		used = cur
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return used
}
