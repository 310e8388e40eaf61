package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"modernc.org/sqlite"
)

// examine runs a query on conn and returns the B-tree pages SQLite fetched
// for it: the connection's page cache hits and misses (sqlite3_db_status),
// reset just before. A lookup fetches one page per level of each B-tree it
// descends; a scan or an index range, every page it walks, and a page per
// level for each row it looks up from there. The query runs once first, so
// that reading the schema into a new connection is not counted.
func examine(ctx context.Context, conn *sql.Conn, query string, args []any) (int, error) {
	if err := drain(conn.QueryContext(ctx, query, args...)); err != nil {
		return 0, err
	}
	if _, err := pagesFetched(conn, true); err != nil {
		return 0, err
	}
	if err := drain(conn.QueryContext(ctx, query, args...)); err != nil {
		return 0, err
	}
	return pagesFetched(conn, false)
}

// pagesFetched returns the page cache hits and misses of conn, and resets
// them if reset.
func pagesFetched(conn *sql.Conn, reset bool) (int, error) {
	n := 0
	err := conn.Raw(func(dc any) error {
		st, ok := dc.(sqlite.DBStatus)
		if !ok {
			return fmt.Errorf("the driver's connection %T has no status counters", dc)
		}
		for _, op := range []sqlite.DBStatusOp{sqlite.DBStatusCacheHit, sqlite.DBStatusCacheMiss} {
			cur, _, err := st.Status(op, reset)
			if err != nil {
				return err
			}
			n += cur
		}
		return nil
	})
	return n, err
}

// drain reads every row of a query's result.
func drain(rows *sql.Rows, err error) error {
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}
