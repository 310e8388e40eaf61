package patch

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/elimity-com/scim/schema"
	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
)

// A cond is a compiled value filter such as [type eq "work"]: attribute
// names resolved to sub-attribute definitions and compare values converted
// to their types, so that matching cannot fail.
type cond struct {
	// op is a compare operator, or "and", "or", "not".
	op   string
	kids []*cond

	// key is the canonical sub-attribute name compared, or "" when the
	// elements are simple values compared as themselves ([value eq "x"]
	// on a multi-valued string).
	key string
	def schema.CoreAttribute
	// val is the compare value converted to def's type; nil for pr and
	// for "eq null".
	val any
}

const (
	opAnd = "and"
	opOr  = "or"
	opNot = "not"
)

// compile checks a value filter against the sub-attributes of attr.
func compile(attr schemas.Attribute, e filter.Expression, path string) (*cond, error) {
	switch e := e.(type) {
	case *filter.LogicalExpression:
		if e == nil {
			break
		}
		l, err := compile(attr, e.Left, path)
		if err != nil {
			return nil, err
		}
		r, err := compile(attr, e.Right, path)
		if err != nil {
			return nil, err
		}
		op := strings.ToLower(string(e.Operator))
		if op != opAnd && op != opOr {
			return nil, errInvalidFilter("%s: unknown logical operator %q", path, e.Operator)
		}
		return &cond{op: op, kids: []*cond{l, r}}, nil
	case *filter.NotExpression:
		if e == nil {
			break
		}
		c, err := compile(attr, e.Expression, path)
		if err != nil {
			return nil, err
		}
		return &cond{op: opNot, kids: []*cond{c}}, nil
	case *filter.AttributeExpression:
		if e == nil {
			break
		}
		return compileCompare(attr, e, path)
	case *filter.ValuePath:
		return nil, errInvalidFilter("%s: a filter inside [ ] cannot contain another [ ]", path)
	}
	return nil, errInvalidFilter("%s: the filter is empty or malformed", path)
}

func compileCompare(attr schemas.Attribute, e *filter.AttributeExpression, path string) (*cond, error) {
	ap := e.AttributePath
	if ap.URIPrefix != nil || ap.SubAttribute != nil {
		return nil, errInvalidPath("%s: inside [ ] name a sub-attribute of %s, such as type, not %q", path, attr.Name(), ap.String())
	}
	c := &cond{op: strings.ToLower(string(e.Operator))}
	if attr.Def.HasSubAttributes() {
		sub, ok := attr.Def.SubAttributes().ContainsAttribute(ap.AttributeName)
		if !ok {
			return nil, errInvalidPath("%s: %s has no sub-attribute %q", path, attr.Name(), ap.AttributeName)
		}
		c.key, c.def = sub.Name(), sub
	} else {
		if !strings.EqualFold(ap.AttributeName, "value") {
			return nil, errInvalidPath("%s: the elements of %s are simple values; filter them with value, as in [value eq \"x\"]", path, attr.Name())
		}
		c.def = attr.Def
	}
	typ := c.def.AttributeType()
	switch c.op {
	case string(filter.PR):
		return c, nil
	case string(filter.EQ), string(filter.NE):
	case string(filter.CO), string(filter.SW), string(filter.EW):
		if typ != typeString && typ != typeReference && typ != typeBinary && typ != typeDateTime {
			return nil, errInvalidFilter("%s: %s is %s; %s only applies to strings", path, c.def.Name(), describe(c.def), c.op)
		}
	case string(filter.GT), string(filter.GE), string(filter.LT), string(filter.LE):
		if typ == typeBoolean || typ == typeBinary || typ == typeComplex {
			return nil, errInvalidFilter("%s: %s is %s and cannot be ordered with %s", path, c.def.Name(), describe(c.def), c.op)
		}
	default:
		return nil, errInvalidFilter("%s: unknown compare operator %q", path, e.Operator)
	}
	if e.CompareValue == nil {
		if c.op != string(filter.EQ) && c.op != string(filter.NE) {
			return nil, errInvalidFilter("%s: %s needs a value to compare with, not null", path, c.op)
		}
		return c, nil
	}
	want := e.CompareValue
	if s, ok := want.(string); ok {
		want = unescape(s)
	}
	if typ == typeComplex {
		return nil, errInvalidFilter("%s: %s is complex and cannot be compared", path, c.def.Name())
	}
	v, err := convert(c.def, want)
	if f, isFloat := toFloat(want); err != nil && typ == typeInteger && isFloat {
		v, err = f, nil // since lt 2020.5 is a fair question about an integer
	}
	if err != nil {
		return nil, errInvalidFilter("%s: %s: %v", path, c.def.Name(), err)
	}
	c.val = v
	return c, nil
}

// unescape decodes the JSON escapes of a filter string; the filter parser
// returns them raw.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var out string
	if err := json.Unmarshal([]byte(`"`+s+`"`), &out); err != nil {
		return s
	}
	return out
}

// match reports whether an element of a multi-valued attribute matches.
func (c *cond) match(elem any) bool {
	switch c.op {
	case opAnd:
		return c.kids[0].match(elem) && c.kids[1].match(elem)
	case opOr:
		return c.kids[0].match(elem) || c.kids[1].match(elem)
	case opNot:
		return !c.kids[0].match(elem)
	}
	have := elem
	if c.key != "" {
		m, ok := elem.(map[string]any)
		if !ok {
			return false
		}
		have = lookup(m, c.key)
	}
	if c.op == string(filter.PR) {
		return !isEmpty(have)
	}
	absent := isEmpty(have)
	if c.val == nil { // "eq null" matches an absent value, "ne null" a present one
		return absent == (c.op == string(filter.EQ))
	}
	if absent { // a missing value equals nothing
		return c.op == string(filter.NE)
	}
	for _, h := range asList(have) {
		if compare(c.def, c.op, h, c.val) {
			return true
		}
	}
	return false
}

// compare applies one compare operator to a stored value and a converted
// compare value, following RFC 7644 §3.4.2.2: strings compare
// case-insensitively unless the attribute is caseExact.
func compare(def schema.CoreAttribute, op string, have, want any) bool {
	switch def.AttributeType() {
	case typeBoolean:
		b, ok := have.(bool)
		if !ok {
			return op == string(filter.NE)
		}
		return (b == want) == (op == string(filter.EQ))
	case typeInteger, typeDecimal:
		h, ok1 := toFloat(have)
		w, ok2 := toFloat(want)
		if !ok1 || !ok2 {
			return op == string(filter.NE)
		}
		return order(op, cmpFloat(h, w))
	}
	h, ok1 := have.(string)
	w, ok2 := want.(string)
	if !ok1 || !ok2 {
		return op == string(filter.NE)
	}
	if def.AttributeType() == typeDateTime {
		th, err1 := time.Parse(time.RFC3339Nano, h)
		tw, err2 := time.Parse(time.RFC3339Nano, w)
		if err1 == nil && err2 == nil && op != string(filter.CO) && op != string(filter.SW) && op != string(filter.EW) {
			return order(op, th.Compare(tw))
		}
	}
	if !def.CaseExact() {
		h, w = strings.ToLower(h), strings.ToLower(w)
	}
	switch op {
	case string(filter.CO):
		return strings.Contains(h, w)
	case string(filter.SW):
		return strings.HasPrefix(h, w)
	case string(filter.EW):
		return strings.HasSuffix(h, w)
	}
	return order(op, strings.Compare(h, w))
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// order turns a three-way comparison into the result of eq, ne, gt, ge,
// lt or le.
func order(op string, c int) bool {
	switch op {
	case string(filter.EQ):
		return c == 0
	case string(filter.NE):
		return c != 0
	case string(filter.GT):
		return c > 0
	case string(filter.GE):
		return c >= 0
	case string(filter.LT):
		return c < 0
	case string(filter.LE):
		return c <= 0
	}
	return false
}

// equalities returns the sub-attribute values an "and" of "eq" comparisons
// fixes, such as {"type": "work"} for [type eq "work"]: what a new element
// needs to match the filter. ok is false for any other filter.
func (c *cond) equalities() (map[string]any, bool) {
	out := map[string]any{}
	var walk func(c *cond) bool
	walk = func(c *cond) bool {
		switch c.op {
		case opAnd:
			return walk(c.kids[0]) && walk(c.kids[1])
		case string(filter.EQ):
			if isEmpty(c.val) {
				return false // no element can hold an empty value
			}
			if _, err := convert(c.def, c.val); err != nil {
				return false // such as since eq 2020.5 for an integer
			}
			if old, dup := out[c.key]; dup && !sameValue(old, c.val) {
				return false
			}
			out[c.key] = c.val
			return true
		}
		return false
	}
	if !walk(c) {
		return nil, false
	}
	return out, true
}

// valueIDs returns the ids an "or" of [value eq "id"] comparisons selects,
// in order. ok is false for any other filter.
func (c *cond) valueIDs() ([]string, bool) {
	var out []string
	var walk func(c *cond) bool
	walk = func(c *cond) bool {
		switch c.op {
		case opOr:
			return walk(c.kids[0]) && walk(c.kids[1])
		case string(filter.EQ):
			s, ok := c.val.(string)
			if !ok || c.key != "value" || s == "" {
				return false
			}
			out = append(out, s)
			return true
		}
		return false
	}
	if !walk(c) {
		return nil, false
	}
	return out, true
}

// lookup returns the value of a key of a stored object, matching the key
// case-insensitively when it is not spelled canonically.
func lookup(m map[string]any, key string) any {
	if v, ok := m[key]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}
