package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	sq "github.com/Masterminds/squirrel"

	"github.com/scimd/scimd/storage"
)

// Store is the SQL implementation of storage.Store.
type Store struct {
	read     *sql.DB // queries outside transactions
	write    *sql.DB // transactions; may be the same pool as read
	d        Dialect
	logger   *slog.Logger
	now      func() time.Time
	stmts    atomic.Int64
	prepared stmtCache
	// listStmts holds the prepared statements of list queries (see
	// listStmtCache).
	listStmts listStmtCache
	txStmts   txStmtCache
	auth      authCache
	closers   []func() error
}

var _ storage.Store = (*Store)(nil)

// Config configures New.
type Config struct {
	// Read serves reads; Write serves transactions. They may be the same
	// pool. SQLite uses a one-connection Write pool so writers queue in Go
	// instead of failing on a busy database.
	Read, Write *sql.DB
	Dialect     Dialect
	Logger      *slog.Logger
}

// New returns a Store over already migrated databases. Close closes both
// pools.
func New(cfg Config) *Store {
	s := &Store{read: cfg.Read, write: cfg.Write, d: cfg.Dialect, logger: cfg.Logger, now: time.Now}
	s.listStmts.max = maxListStmts
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	s.closers = append(s.closers, cfg.Read.Close)
	if cfg.Write != cfg.Read {
		s.closers = append(s.closers, cfg.Write.Close)
	}
	return s
}

// Statements returns how many SQL statements (including BEGIN and COMMIT)
// the store has run. Tests use it to prove that an operation's cost does not
// grow with the data.
func (s *Store) Statements() int64 { return s.stmts.Load() }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return s.mapErr("ping", err)
	}
	return nil
}

// Close closes the connection pools.
func (s *Store) Close() error {
	errs := []error{s.prepared.close(), s.listStmts.close(), s.txStmts.close()}
	for _, c := range s.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *Store) exec(ctx context.Context, q querier, b sq.Sqlizer) (sql.Result, error) {
	text, args, err := b.ToSql()
	if err != nil {
		return nil, fmt.Errorf("build statement: %w", err)
	}
	s.stmts.Add(1)
	if st := s.txStmt(ctx, q, text); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return q.ExecContext(ctx, text, args...)
}

func (s *Store) query(ctx context.Context, q querier, b sq.Sqlizer) (*sql.Rows, error) {
	text, args, err := b.ToSql()
	if err != nil {
		return nil, fmt.Errorf("build query: %w", err)
	}
	s.stmts.Add(1)
	if st := s.txStmt(ctx, q, text); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return q.QueryContext(ctx, text, args...)
}

// queryRow runs a query that returns at most one row and scans it into
// dest; it returns sql.ErrNoRows when there is none.
func (s *Store) queryRow(ctx context.Context, q querier, b sq.Sqlizer, dest ...any) error {
	rows, err := s.query(ctx, q, b)
	return scanOne(rows, err, dest...)
}

// scanOne scans the first row of the result of a query, rows and err,
// into dest and closes rows; it returns sql.ErrNoRows when there is none.
func scanOne(rows *sql.Rows, err error, dest ...any) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	return rows.Close()
}

const maxTxAttempts = 4

// inTx runs fn in a write transaction, and again (up to maxTxAttempts in
// all) when the engine aborted it on a deadlock or lock timeout.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	var err error
	for attempt := 1; attempt <= maxTxAttempts; attempt++ {
		err = s.runTx(ctx, fn)
		if err == nil || !s.d.IsRetryable(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(attempt*attempt) * 5 * time.Millisecond)
	}
	return err
}

func (s *Store) runTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	s.stmts.Add(1)
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	s.stmts.Add(1)
	if err := tx.Commit(); err != nil {
		return err
	}
	s.txStmts.preparePending(ctx, s.write)
	return nil
}

// mapErr turns a driver error into a storage sentinel where one applies and
// adds context otherwise. Errors that are already storage errors pass
// through unchanged.
func (s *Store) mapErr(op string, err error) error {
	var fe *storage.FilterError
	var ve *storage.ValueError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, storage.ErrNotFound), errors.Is(err, storage.ErrConflict),
		errors.Is(err, storage.ErrVersionMismatch), errors.Is(err, storage.ErrInvalidCursor), errors.Is(err, storage.ErrSchemaChanged),
		errors.Is(err, storage.ErrUnavailable), errors.As(err, &fe), errors.As(err, &ve),
		errors.Is(err, context.Canceled):
		return err
	case s.d.IsUniqueViolation(err):
		return fmt.Errorf("%s: %w", op, storage.ErrConflict)
	case s.unavailable(err):
		return fmt.Errorf("%s: %w: %w", op, storage.ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
