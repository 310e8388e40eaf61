// Package sqlite is scimd's embedded storage backend: SQLite through the
// pure-Go modernc.org/sqlite driver, in WAL mode with one writer connection.
package sqlite

import (
	"context"
	"errors"
	"log/slog"

	"github.com/scimd/scimd/storage"
)

// Open opens (creating if needed) the SQLite database at path, applies the
// embedded migrations and returns a Store.
func Open(ctx context.Context, path string, logger *slog.Logger) (storage.Store, error) {
	return nil, errors.New("not implemented yet")
}
