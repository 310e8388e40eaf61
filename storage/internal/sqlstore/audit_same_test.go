package sqlstore

import (
	"encoding/json"
	"math"
	"testing"
)

// TestSameJSON checks that sameJSON compares JSON forms: equal values
// (taken without encoding them) and values of different Go types with the
// same encoding are the same; different values and null against a value
// are not.
func TestSameJSON(t *testing.T) {
	cases := []struct {
		a, b any
		want bool
	}{
		{nil, nil, true},
		{nil, "x", false},
		{"x", nil, false},
		{"x", "x", true},
		{"x", "y", false},
		{json.Number("1"), float64(1), true},
		{json.Number("1.5"), json.Number("1.5"), true},
		{json.Number("1"), json.Number("2"), false},
		{[]any{"a", map[string]any{"b": true}}, []any{"a", map[string]any{"b": true}}, true},
		{[]any{"a", map[string]any{"b": true}}, []any{"a", map[string]any{"b": false}}, false},
		{[]any{"a"}, []string{"a"}, true},
		{map[string]any{"k": 1}, map[string]any{"k": json.Number("1")}, true},
		{math.NaN(), math.NaN(), false}, // no JSON form
	}
	for _, c := range cases {
		if got := sameJSON(c.a, c.b); got != c.want {
			t.Errorf("sameJSON(%#v, %#v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
