package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	sq "github.com/Masterminds/squirrel"
)

// maxListStmts bounds the prepared statements of list queries: one per
// shape of filter, sort and page that clients send, which are few (an
// identity provider sends the same handful with different values). Past
// it, the least recently used is closed.
const maxListStmts = 256

// A listStmtCache keeps prepared statements of the read pool for list
// queries, by SQL text. Their texts vary with the filter's shape, never
// with its values (those are bound), so a few cover nearly every request;
// the cache is bounded, so a client that sends endless shapes costs
// preparations, never memory. Preparing saves SQLite compiling and
// planning the statement on every request, which cost more than running it.
type listStmtCache struct {
	mu    sync.Mutex
	max   int
	tick  uint64
	stmts map[string]*listStmt // guarded by mu
}

// A listStmt is a cached statement and the number of callers that use it:
// one evicted while in use is closed by its last user.
type listStmt struct {
	st      *sql.Stmt
	used    uint64 // tick of the last use, for eviction
	users   int
	evicted bool
}

// get returns the statement of text, prepared on db, and a func to call
// once the caller's QueryContext has returned.
func (c *listStmtCache) get(ctx context.Context, db *sql.DB, text string) (*sql.Stmt, func(), error) {
	c.mu.Lock()
	if e, ok := c.stmts[text]; ok {
		c.tick++
		e.used, e.users = c.tick, e.users+1
		c.mu.Unlock()
		return e.st, func() { c.release(e) }, nil
	}
	c.mu.Unlock()
	st, err := db.PrepareContext(ctx, text)
	if err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.stmts[text]; ok { // prepared meanwhile by another caller
		_ = st.Close()
		c.tick++
		e.used, e.users = c.tick, e.users+1
		return e.st, func() { c.release(e) }, nil
	}
	if c.stmts == nil {
		c.stmts = make(map[string]*listStmt)
	}
	if len(c.stmts) >= c.max {
		c.evictOldest()
	}
	c.tick++
	e := &listStmt{st: st, used: c.tick, users: 1}
	c.stmts[text] = e
	return st, func() { c.release(e) }, nil
}

// evictOldest drops the least recently used statement; c.mu is held.
func (c *listStmtCache) evictOldest() {
	var oldest string
	var min uint64
	for text, e := range c.stmts {
		if oldest == "" || e.used < min {
			oldest, min = text, e.used
		}
	}
	e := c.stmts[oldest]
	delete(c.stmts, oldest)
	e.evicted = true
	if e.users == 0 {
		_ = e.st.Close()
	}
}

func (c *listStmtCache) release(e *listStmt) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.users--
	if e.evicted && e.users == 0 {
		_ = e.st.Close()
	}
}

func (c *listStmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var first error
	for _, e := range c.stmts {
		e.evicted = true
		if e.users > 0 {
			continue // its last user closes it
		}
		if err := e.st.Close(); err != nil && first == nil {
			first = err
		}
	}
	c.stmts = nil
	return first
}

// queryList runs a list query on the read pool: as a prepared statement
// of the list statement cache where the dialect prepares lists, as a
// plain query otherwise.
func (s *Store) queryList(ctx context.Context, b sq.Sqlizer) (*sql.Rows, error) {
	text, args, err := b.ToSql()
	if err != nil {
		return nil, fmt.Errorf("build query: %w", err)
	}
	if !s.d.PrepareLists {
		s.stmts.Add(1)
		return s.read.QueryContext(ctx, text, args...)
	}
	st, release, err := s.listStmts.get(ctx, s.read, text)
	if err != nil {
		return nil, err
	}
	defer release()
	s.stmts.Add(1)
	return st.QueryContext(ctx, args...)
}
