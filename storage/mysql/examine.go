package mysql

import (
	"context"
	"database/sql"
	"strconv"
)

// examine runs a query on conn and returns the rows the server read for it:
// the sum of the session's Handler_read counters (index lookups, index and
// table rows walked, temporary tables read), reset just before.
func examine(ctx context.Context, conn *sql.Conn, query string, args []any) (int, error) {
	if _, err := conn.ExecContext(ctx, "FLUSH STATUS"); err != nil {
		return 0, err
	}
	if err := drain(conn.QueryContext(ctx, query, args...)); err != nil {
		return 0, err
	}
	rows, err := conn.QueryContext(ctx, "SHOW SESSION STATUS LIKE 'Handler_read%'")
	if err != nil {
		return 0, err
	}
	defer func() { _ = rows.Close() }()
	read := 0
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return 0, err
		}
		n, err := strconv.Atoi(value)
		if err != nil {
			return 0, err
		}
		read += n
	}
	return read, rows.Err()
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
