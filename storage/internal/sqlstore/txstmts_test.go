package sqlstore

import (
	"fmt"
	"testing"
)

// TestTxStmtCacheBounded checks that a txStmtCache marks at most
// maxTxStmts texts to prepare, however many shapes the writes take, and
// none once closed.
func TestTxStmtCacheBounded(t *testing.T) {
	var c txStmtCache
	for i := range maxTxStmts + 50 {
		if st := c.lookup(fmt.Sprintf("INSERT INTO t VALUES (%d)", i)); st != nil {
			t.Fatalf("text %d: a statement before any was prepared", i)
		}
	}
	if len(c.pending) != maxTxStmts {
		t.Errorf("%d texts pending, want %d", len(c.pending), maxTxStmts)
	}
	if err := c.close(); err != nil {
		t.Fatal(err)
	}
	c.lookup("SELECT 1")
	if len(c.pending) != 0 {
		t.Errorf("%d texts pending after close, want none", len(c.pending))
	}
}
