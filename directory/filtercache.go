package directory

import (
	"strings"
	"sync"

	"github.com/scim2/filter-parser/v2"
)

// The filter parser spends most of a filtered list's CPU on its grammar
// (the URN of an extension attribute alone costs hundreds of
// microseconds), while clients send the same few filter shapes with
// different values: userName eq "…", emails[type eq "work"].value eq "…".
// shapeCache keeps the parsed tree of each shape, the filter text with its
// quoted strings emptied, and fills a copy of it with the request's
// strings, so each shape is parsed once.
type shapeCache struct {
	mu     sync.Mutex
	shapes map[string]filter.Expression
}

// maxShapes bounds the cache; past it, the cache starts over, so hostile
// clients sending endless shapes cost parse time, never memory.
const maxShapes = 1024

var filterShapes = &shapeCache{shapes: make(map[string]filter.Expression)}

// parse parses a normalized filter through the cache.
func (c *shapeCache) parse(s string) (filter.Expression, error) {
	shape, values, ok := splitStrings(s)
	if !ok {
		return filter.ParseFilter([]byte(s))
	}
	c.mu.Lock()
	tree, hit := c.shapes[shape]
	c.mu.Unlock()
	if !hit {
		var err error
		if tree, err = filter.ParseFilter([]byte(shape)); err != nil {
			// The shape's error is the filter's: only the strings differ.
			return nil, err
		}
		c.mu.Lock()
		if len(c.shapes) >= maxShapes {
			clear(c.shapes)
		}
		c.shapes[shape] = tree
		c.mu.Unlock()
	}
	out, rest := fill(tree, values)
	if out == nil || len(rest) != 0 {
		// A string that is not a comparison value: parse it as sent.
		return filter.ParseFilter([]byte(s))
	}
	return out, nil
}

// splitStrings returns s with the contents of its quoted strings removed
// and those contents, as the parser keeps them (escapes included). ok is
// false when a quote is left open or a string breaks the grammar's rules
// (then the filter is parsed as sent, and the parser says what is wrong).
func splitStrings(s string) (shape string, values []string, ok bool) {
	if strings.IndexByte(s, '"') < 0 {
		return s, nil, true
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] != '"' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i + 1
		for j < len(s) && s[j] != '"' {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(s) || !grammarString(s[i+1:j]) {
			return "", nil, false
		}
		values = append(values, s[i+1:j])
		b.WriteString(`""`)
		i = j + 1
	}
	return b.String(), values, true
}

// fill copies tree with its string comparison values replaced, in order,
// by values, and returns the values left over; nil when the tree holds a
// string where values has none.
func fill(e filter.Expression, values []string) (filter.Expression, []string) {
	switch e := e.(type) {
	case *filter.AttributeExpression:
		c := *e
		if _, isString := c.CompareValue.(string); isString {
			if len(values) == 0 {
				return nil, nil
			}
			c.CompareValue, values = values[0], values[1:]
		}
		return &c, values
	case *filter.LogicalExpression:
		left, values := fill(e.Left, values)
		if left == nil {
			return nil, nil
		}
		right, values := fill(e.Right, values)
		if right == nil {
			return nil, nil
		}
		return &filter.LogicalExpression{Left: left, Right: right, Operator: e.Operator}, values
	case *filter.NotExpression:
		inner, values := fill(e.Expression, values)
		if inner == nil {
			return nil, nil
		}
		return &filter.NotExpression{Expression: inner}, values
	case *filter.ValuePath:
		c := *e
		if e.ValueFilter != nil {
			inner, rest := fill(e.ValueFilter, values)
			if inner == nil {
				return nil, nil
			}
			c.ValueFilter, values = inner, rest
		}
		return &c, values
	}
	return nil, nil
}

// grammarString reports whether v is the inside of a string the filter
// grammar accepts (RFC 7159 §7): no control characters, and only the
// escapes \" \\ \/ \b \f \n \r \t and \uXXXX.
func grammarString(v string) bool {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c < 0x20 || c == '"':
			return false
		case c != '\\':
		case i+1 >= len(v):
			return false
		case strings.IndexByte(`"\\/bfnrt`, v[i+1]) >= 0:
			i++
		case v[i+1] == 'u' && i+5 < len(v) && upperHex(v[i+2:i+6]):
			i += 5
		default:
			return false
		}
	}
	return true
}

func upperHex(s string) bool {
	for i := range len(s) {
		if c := s[i]; (c < '0' || c > '9') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}
