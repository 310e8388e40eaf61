package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	sq "github.com/Masterminds/squirrel"
	"github.com/scim2/filter-parser/v2"
)

// A Dialect holds what differs between SQL engines.
type Dialect struct {
	// Name is the engine's name in logs ("mysql", "sqlite").
	Name string
	// InsertIgnore is the INSERT option that skips rows whose key exists
	// ("IGNORE" or "OR IGNORE").
	InsertIgnore string
	// LockSuffix locks the rows a SELECT reads inside a write transaction
	// ("FOR UPDATE"); empty where the engine serializes writers anyway.
	LockSuffix string
	// ShareLockSuffix makes a SELECT inside a write transaction read the
	// latest committed rows under a shared lock ("LOCK IN SHARE MODE");
	// empty where the engine serializes writers anyway.
	ShareLockSuffix string
	// Match builds a case-sensitive co, sw or ew condition on col. Callers
	// fold the value first for case-insensitive attributes.
	Match func(col string, op filter.CompareOperator, value string) sq.Sqlizer
	// StrKeyBytes is how much of a string value attr_values' index holds:
	// 0 where the engine indexes and orders whole values (v_str), else the
	// length of v_key, the prefix of v_str that the index holds (see
	// strKey). Filters then bound v_key so the index finds the rows, and
	// sorts read strings in v_key order: values that share their first
	// StrKeyBytes bytes sort by id among themselves.
	StrKeyBytes int
	// SortJoin is the join that reads attr_values first, in the order of
	// its index, and then the resource table: "STRAIGHT_JOIN" where the
	// planner would otherwise put the resource table first and sort (MySQL
	// weighs no LIMIT when it orders joins), "JOIN" where the planner weighs
	// the LIMIT itself (the default when empty).
	SortJoin string
	// PrepareWrites runs the statements of write transactions as prepared
	// statements kept by their text (see txStmtCache): worth it where the
	// engine runs in the process and parses each statement on the
	// server's CPU (SQLite); not where a prepare is one more round trip.
	PrepareWrites bool
	// PrepareLists runs list queries as prepared statements kept by their
	// text (see listStmtCache): worth it where the engine runs in the
	// process and statements are private to it (SQLite). Not on MySQL,
	// where a prepared statement lives on the server, per connection, and
	// counts against max_prepared_stmt_count for every client of the
	// server: up to 256 shapes on every pooled connection of every
	// instance would exhaust it.
	PrepareLists bool
	// FullScans runs the engine's EXPLAIN of a query and returns the
	// tables (by alias) it would read in full.
	FullScans func(ctx context.Context, db *sql.DB, query string, args []any) ([]string, error)
	// Examine runs a query to its end on conn and returns the work the
	// engine reports for it: the rows it read (MySQL's Handler_read
	// counters) or the B-tree pages it fetched (SQLite's page cache hits
	// and misses). An index lookup costs a few; a scan or a wide index
	// range, in proportion to what it walks. Tests use it.
	Examine func(ctx context.Context, conn *sql.Conn, query string, args []any) (int, error)
	// Analyze are the statements that refresh table statistics.
	Analyze []string
	// IsUniqueViolation reports whether err is a duplicate-key error.
	IsUniqueViolation func(err error) bool
	// IsRetryable reports whether a transaction failed on a deadlock or lock
	// timeout and may be run again.
	IsRetryable func(err error) bool
	// IsUnavailable reports whether err means the database cannot be
	// reached.
	IsUnavailable func(err error) bool
}

// MatchLike is the Match of engines whose LIKE is case-sensitive on the
// columns scimd compares (MySQL and MariaDB on binary strings). The pattern
// is escaped with '!' so %, _ and ! in values match literally.
func MatchLike(col string, op filter.CompareOperator, value string) sq.Sqlizer {
	esc := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(value)
	return sq.Expr(col+" LIKE ? ESCAPE '!'", pattern(op, esc, "%"))
}

// MatchInstr is the Match of SQLite, whose LIKE ignores ASCII case and
// whose GLOB patterns are limited in length: co is instr and ew compares
// the value's last characters, both exact and free of metacharacters.
func MatchInstr(col string, op filter.CompareOperator, value string) sq.Sqlizer {
	if op == filter.EW {
		return sq.Expr("substr("+col+", ?) = ?", -utf8.RuneCountInString(value), value)
	}
	if op == filter.SW {
		return sq.Expr("substr("+col+", 1, ?) = ?", utf8.RuneCountInString(value), value)
	}
	return sq.Expr("instr("+col+", ?) > 0", value)
}

func pattern(op filter.CompareOperator, escaped, wildcard string) string {
	switch op {
	case filter.SW:
		return escaped + wildcard
	case filter.EW:
		return wildcard + escaped
	default:
		return wildcard + escaped + wildcard
	}
}
