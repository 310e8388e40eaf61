package sqlstore

import (
	"unicode/utf8"

	sq "github.com/Masterminds/squirrel"
)

// strKeyCol is attr_values' column of string keys on engines whose index
// holds a prefix of v_str (Dialect.StrKeyBytes).
const strKeyCol = "v_key"

// strKey returns the key an index of keys of n bytes holds for the string s:
// s itself when it fits, else its first n bytes, completed to the end of a
// UTF-8 character that byte n falls inside (at most three more bytes). The
// MySQL migration 00007 defines v_key with the same cut; for n = 0 it
// returns s.
//
// Completing the last character, rather than dropping it, keeps byte order:
// s < t implies strKey(s, n) <= strKey(t, n), so a bound on the key never
// loses a row that the exact comparison keeps, and keys are whole text.
func strKey(s string, n int) string {
	if n <= 0 || len(s) <= n {
		return s
	}
	c := n
	for c < len(s) && c < n+3 && !utf8.RuneStart(s[c]) {
		c++
	}
	return s[:c]
}

// strSortCol is the column that orders the string values of attr_values on
// d: v_str itself, or its key.
func (d Dialect) strSortCol() string {
	if d.StrKeyBytes > 0 {
		return strKeyCol
	}
	return "v_str"
}

// strCompare builds "alias.v_str sym s" for one of =, <, <=, > and >=, with
// the bound on the key that lets the index find the rows where the index
// holds keys.
func (d Dialect) strCompare(alias, sym, s string) sq.Sqlizer {
	exact := sq.Expr(alias+".v_str "+sym+" ?", s)
	if d.StrKeyBytes <= 0 {
		return exact
	}
	key, bound := alias+"."+strKeyCol, strKey(s, d.StrKeyBytes)
	switch sym {
	case "=":
		return sq.And{sq.Expr(key+" = ?", bound), exact}
	case ">", ">=":
		return sq.And{sq.Expr(key+" >= ?", bound), exact}
	}
	return sq.And{sq.Expr(key+" <= ?", bound), exact}
}

// strRange builds lo <= alias.v_str < hi, bounded on the key likewise.
func (d Dialect) strRange(alias, lo, hi string) sq.Sqlizer {
	exact := sq.And{sq.Expr(alias+".v_str >= ?", lo), sq.Expr(alias+".v_str < ?", hi)}
	if d.StrKeyBytes <= 0 {
		return exact
	}
	key, klo, khi := alias+"."+strKeyCol, strKey(lo, d.StrKeyBytes), strKey(hi, d.StrKeyBytes)
	if klo == khi { // lo is longer than a key: one key holds every match
		return sq.And{sq.Expr(key+" = ?", klo), exact}
	}
	return sq.And{sq.Expr(key+" >= ?", klo), sq.Expr(key+" <= ?", khi), exact}
}
