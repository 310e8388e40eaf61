package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	sq "github.com/Masterminds/squirrel"
)

// A stmtCache keeps prepared statements of the read pool for the few
// queries every request runs (authentication, a read by id), so the engine
// parses and plans them once instead of on every request. Only queries
// whose text is fixed go through it, so it stays small.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt // by SQL text; guarded by mu
}

func (c *stmtCache) get(ctx context.Context, db *sql.DB, text string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[text]; ok {
		return st, nil
	}
	st, err := db.PrepareContext(ctx, text)
	if err != nil {
		return nil, err
	}
	if c.stmts == nil {
		c.stmts = make(map[string]*sql.Stmt)
	}
	c.stmts[text] = st
	return st, nil
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	err := closeStmts(c.stmts)
	c.stmts = nil
	return err
}

// closeStmts closes every statement of a cache and returns the first
// error.
func closeStmts(stmts map[string]*sql.Stmt) error {
	var first error
	for _, st := range stmts {
		if err := st.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// queryPrepared runs a read-pool query of fixed shape as a prepared
// statement.
func (s *Store) queryPrepared(ctx context.Context, b sq.Sqlizer) (*sql.Rows, error) {
	text, args, err := b.ToSql()
	if err != nil {
		return nil, fmt.Errorf("build query: %w", err)
	}
	st, err := s.prepared.get(ctx, s.read, text)
	if err != nil {
		return nil, err
	}
	s.stmts.Add(1)
	return st.QueryContext(ctx, args...)
}

// queryPreparedText runs a read-pool query of fixed text, made once with
// squirrel, as a prepared statement.
func (s *Store) queryPreparedText(ctx context.Context, text string, args ...any) (*sql.Rows, error) {
	st, err := s.prepared.get(ctx, s.read, text)
	if err != nil {
		return nil, err
	}
	s.stmts.Add(1)
	return st.QueryContext(ctx, args...)
}
