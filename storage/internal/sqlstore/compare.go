package sqlstore

import (
	"strings"
	"unicode/utf8"

	sq "github.com/Masterminds/squirrel"
	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/storage"
)

// maxRune is the greatest code point; prefix+maxRune bounds every string
// that starts with prefix (in byte order, which is how scimd compares).
const maxRune = "\U0010FFFF"

// valueCompare builds "value op v" for one comparison. The value is the
// v_str or v_num column of the attr_values row aliased alias (strings bounded
// on their key too where the index holds keys: Dialect.StrKeyBytes), or
// loc.col when alias is empty. ne is returned as eq with negate set, so the
// caller can negate the whole lookup ("no element equals"). pr is the
// caller's job.
func valueCompare(d Dialect, loc location, alias string, op filter.CompareOperator, v any) (cond sq.Sqlizer, negate bool, err error) {
	if op == filter.NE {
		cond, _, err = valueCompare(d, loc, alias, filter.EQ, v)
		return cond, true, err
	}
	if v == nil {
		return nil, false, storage.NewFilterError("%q cannot be compared with null; use \"%s pr\" or \"not (%s pr)\"", loc.path, loc.path, loc.path)
	}
	if loc.typ == metadataType {
		if loc, err = metadataLocation(loc, v); err != nil {
			return nil, false, err
		}
	}
	col := loc.col
	numeric := loc.typ == "boolean" || loc.typ == "integer" || loc.typ == "decimal"
	if alias != "" {
		col = alias + ".v_str"
		if numeric {
			col = alias + ".v_num"
		}
	}
	var arg any
	switch loc.typ {
	case "boolean", "integer", "decimal", "dateTime":
		if arg, err = typedArg(loc, op, v); err != nil {
			return nil, false, err
		}
	default:
		s, cond, err := stringCompare(d, loc, alias, col, op, v)
		if err != nil || cond != nil {
			return cond, false, err
		}
		arg = s
	}
	sym, ok := map[filter.CompareOperator]string{filter.EQ: "=", filter.GT: ">", filter.GE: ">=", filter.LT: "<", filter.LE: "<="}[op]
	if !ok {
		return nil, false, storage.NewFilterError("unsupported operator %q", string(op))
	}
	if s, ok := arg.(string); ok && alias != "" {
		return d.strCompare(alias, sym, s), false, nil
	}
	return sq.Expr(col+" "+sym+" ?", arg), false, nil
}

// metadataLocation types loc, a metadata key, by v. A metadata key holds
// one type per tenant; the filter's value says which column to compare (a
// value of another type matches nothing).
func metadataLocation(loc location, v any) (location, error) {
	switch v.(type) {
	case bool:
		loc.typ = "boolean"
	case string:
		loc.typ = "string"
	default:
		if _, ok := number(v); !ok {
			return loc, storage.NewFilterError("%q is a metadata key: compare it with a string, a number or a boolean", loc.path)
		}
		loc.typ = "decimal"
	}
	return loc, nil
}

// typedArg checks v and op against loc, a boolean, number or dateTime, and
// returns the value to compare the column with.
func typedArg(loc location, op filter.CompareOperator, v any) (any, error) {
	var arg any
	switch loc.typ {
	case "boolean":
		b, ok := v.(bool)
		if !ok {
			return nil, storage.NewFilterError("%q is a boolean: compare it with true or false", loc.path)
		}
		if op != filter.EQ {
			return nil, storage.NewFilterError("%q is a boolean: only eq, ne and pr apply", loc.path)
		}
		arg = 0
		if b {
			arg = 1
		}
	case "integer", "decimal":
		f, ok := number(v)
		if !ok {
			return nil, storage.NewFilterError("%q is a number: compare it with a number", loc.path)
		}
		if isMatch(op) {
			return nil, storage.NewFilterError("%q is a number: co, sw and ew do not apply", loc.path)
		}
		arg = f
	case "dateTime":
		s, ok := v.(string)
		var t string
		if ok {
			t, ok = canonicalTime(unescape(s))
		}
		if !ok {
			return nil, storage.NewFilterError("%q is a dateTime: compare it with a quoted RFC 3339 time such as \"2026-01-02T15:04:05Z\"", loc.path)
		}
		if isMatch(op) {
			return nil, storage.NewFilterError("%q is a dateTime: co, sw and ew do not apply", loc.path)
		}
		arg = t
	}
	return arg, nil
}

// stringCompare checks v against loc, a string, and returns it as
// compared (unescaped, folded or normalized as loc says). For an ID column
// and for co, sw and ew it returns the whole condition on col (or on the
// row aliased alias) instead.
func stringCompare(d Dialect, loc location, alias, col string, op filter.CompareOperator, v any) (string, sq.Sqlizer, error) {
	s, ok := v.(string)
	if !ok {
		return "", nil, storage.NewFilterError("%q is a string: compare it with a quoted value", loc.path)
	}
	s = unescape(s)
	if loc.fold {
		s = fold(s)
	}
	if loc.phone {
		s = storage.NormalizePhone(s)
	}
	if alias == "" && idColumns[col] {
		if cond := idCompare(col, op, s); cond != nil {
			return "", cond, nil
		}
	}
	switch op {
	case filter.CO, filter.EW:
		return "", d.Match(col, op, s), nil
	case filter.SW:
		// A range, which an index serves on every engine: the strings
		// that start with s sort from s up to s followed by the
		// greatest code point.
		if alias != "" {
			return "", d.strRange(alias, s, s+maxRune), nil
		}
		upper := s + maxRune
		if asciiColumns[col] {
			// The greatest ASCII character: an ASCII column holds
			// no other, and MySQL refuses to compare it with one.
			upper = s + "\x7f"
		}
		return "", sq.And{sq.Expr(col+" >= ?", s), sq.Expr(col+" < ?", upper)}, nil
	}
	return s, nil, nil
}

func isMatch(op filter.CompareOperator) bool {
	return op == filter.CO || op == filter.SW || op == filter.EW
}

// columnCompare compares a column of the resource table, where an absent
// value is NULL.
func columnCompare(d Dialect, loc location, col string, op filter.CompareOperator, v any) (sq.Sqlizer, error) {
	if err := checkASCII(loc, col, v); err != nil {
		return nil, err
	}
	if op == filter.PR {
		if loc.notNull {
			return sq.Expr("1 = 1"), nil
		}
		return sq.Expr(col + " IS NOT NULL"), nil
	}
	loc.col = col
	cond, negate, err := valueCompare(d, loc, "", op, v)
	if err != nil {
		return nil, err
	}
	if negate {
		return not(cond), nil
	}
	return cond, nil
}

// asciiColumns hold only ASCII: identifiers and timestamps. MySQL stores
// them in the ascii character set and refuses to compare them with other
// text ("Illegal mix of collations").
var asciiColumns = map[string]bool{"r.id": true, "r.created": true, "r.last_modified": true,
	"m.member_id": true, "m.group_id": true, "aa.app_id": true}

// idColumns hold IDs, which are visible ASCII (see asciiID).
var idColumns = map[string]bool{"r.id": true, "m.member_id": true, "m.group_id": true, "aa.app_id": true}

// idCompare answers "col op s" for an ID column and a value s that holds
// a character at or below the space, in byte order on every engine (MySQL's
// PAD SPACE collation would take "{id} " for "{id}", and put "{id}\t"
// before "{id}"). No ID holds such a character, and each of an ID's sorts
// after it: eq, co, sw and ew match nothing, and an ID is after s when it
// is after p, the part of s before that character, and before s when it is
// p or before it. It returns nil for any other s, which compares alike
// everywhere (as IDs do, whose characters all sort after the space).
func idCompare(col string, op filter.CompareOperator, s string) sq.Sqlizer {
	i := strings.IndexFunc(s, func(r rune) bool { return r <= ' ' })
	if i < 0 {
		return nil
	}
	switch p := s[:i]; op {
	case filter.GT, filter.GE:
		return sq.Expr(col+" > ?", p)
	case filter.LT, filter.LE:
		return sq.Expr(col+" <= ?", p)
	}
	return sq.Expr("1 = 0")
}

// checkASCII refuses a string value with characters outside ASCII for an
// ASCII column: it could match nothing, and every engine answers alike.
func checkASCII(loc location, col string, v any) error {
	s, ok := v.(string)
	if !ok || !asciiColumns[col] {
		return nil
	}
	s = unescape(s) // the value compared, not its JSON spelling ("\u0100")
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return storage.NewFilterError("%q holds identifiers or timestamps, which are ASCII; the value %q has other characters", loc.path, s)
		}
	}
	return nil
}
