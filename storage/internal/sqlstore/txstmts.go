package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// maxTxStmts bounds the statements a txStmtCache keeps: the texts of write
// transactions repeat (values are bound), but a multi-row INSERT's text
// changes with its row count, so the shapes are many but not endless.
const maxTxStmts = 512

// A txStmtCache keeps prepared statements of the write pool for the
// statements of write transactions, by their text, where the dialect asks
// for it (Dialect.PrepareWrites): SQLite then parses and plans a write's
// statements once instead of in every transaction. A statement cannot be
// prepared on the pool while a transaction holds its only connection, so a
// text seen for the first time runs unprepared and is prepared after the
// transaction commits (preparePending); later transactions run it through
// tx.StmtContext, which reuses the statement prepared on their connection.
type txStmtCache struct {
	mu      sync.Mutex
	stmts   map[string]*sql.Stmt // by SQL text; guarded by mu
	pending map[string]bool      // texts to prepare after the transaction; guarded by mu
	closed  bool                 // guarded by mu
}

// txStmt returns the prepared statement of text in q when q is a write
// transaction and the statement is kept, or nil to run text unprepared
// (which marks it to be prepared after the transaction).
func (s *Store) txStmt(ctx context.Context, q querier, text string) *sql.Stmt {
	if !s.d.PrepareWrites {
		return nil
	}
	tx, ok := q.(*sql.Tx)
	if !ok {
		return nil
	}
	st := s.txStmts.lookup(text)
	if st == nil {
		return nil
	}
	return tx.StmtContext(ctx, st)
}

func (c *txStmtCache) lookup(text string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[text]; ok {
		return st
	}
	if !c.closed && len(c.stmts)+len(c.pending) < maxTxStmts {
		if c.pending == nil {
			c.pending = make(map[string]bool)
		}
		c.pending[text] = true
	}
	return nil
}

// preparePending prepares the texts marked since the last call on db, once
// the transaction that ran them has given its connection back. A text that
// fails to prepare is left to run unprepared.
func (c *txStmtCache) preparePending(ctx context.Context, db *sql.DB) {
	c.mu.Lock()
	texts := make([]string, 0, len(c.pending))
	for text := range c.pending {
		texts = append(texts, text)
	}
	clear(c.pending)
	c.mu.Unlock()
	if len(texts) == 0 {
		return
	}
	// Preparing takes a connection, which a transaction may hold while it
	// waits for mu: mu is not held meanwhile.
	ctx = context.WithoutCancel(ctx)
	for _, text := range texts {
		st, err := db.PrepareContext(ctx, text)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if _, ok := c.stmts[text]; ok || c.closed {
			c.mu.Unlock()
			_ = st.Close()
			continue
		}
		if c.stmts == nil {
			c.stmts = make(map[string]*sql.Stmt)
		}
		c.stmts[text] = st
		c.mu.Unlock()
	}
}

func (c *txStmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	err := closeStmts(c.stmts)
	c.stmts, c.pending, c.closed = nil, nil, true
	return err
}
