// Package mysql is scimd's production storage backend for MySQL 8 and
// MariaDB 10.11+, through github.com/go-sql-driver/mysql.
package mysql

import (
	"context"
	"errors"
	"log/slog"

	"github.com/scimd/scimd/storage"
)

// Open connects to the database named by a URL of the form
// mysql://USER:PASSWORD@HOST:PORT/DBNAME?param=value, applies the embedded
// migrations and returns a Store. Query parameters are passed on to the
// driver; scimd sets the connection charset, collation, time handling and
// parameter interpolation itself.
func Open(ctx context.Context, url string, logger *slog.Logger) (storage.Store, error) {
	return nil, errors.New("not implemented yet")
}
