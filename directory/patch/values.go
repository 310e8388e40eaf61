package patch

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/elimity-com/scim/schema"
)

// Attribute types, as schema.CoreAttribute.AttributeType names them.
const (
	typeString    = "string"
	typeBoolean   = "boolean"
	typeDecimal   = "decimal"
	typeInteger   = "integer"
	typeDateTime  = "dateTime"
	typeReference = "reference"
	typeBinary    = "binary"
	typeComplex   = "complex"
)

// Mutability names, as schema.CoreAttribute.Mutability returns them.
const (
	readOnly  = "readOnly"
	immutable = "immutable"
)

// isEmpty reports whether v means "no value": null, "", an empty list or an
// empty object. Setting an attribute to an empty value clears it.
func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case json.Number:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// isEmptyDeep is isEmpty that also counts lists and objects whose members
// are all empty, such as the [{}] Parse leaves of a read-only value.
func isEmptyDeep(v any) bool {
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			if !isEmptyDeep(x) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, x := range v {
			if !isEmptyDeep(x) {
				return false
			}
		}
		return true
	}
	return isEmpty(v)
}

// asList returns v as a list: a list as it is, anything else as a list of
// one. Parse delivers a multi-valued value sent as one object unwrapped.
func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// convert checks a non-empty singular value against an attribute definition
// and returns it in the form documents store: booleans as bool, integers as
// int64, decimals as float64. Strings are accepted for booleans ("True",
// "false") and numbers, as Entra ID sends them. A complex value is returned
// by complexValue, so it may hold nil for sub-attributes to clear.
func convert(def schema.CoreAttribute, v any) (any, error) {
	switch def.AttributeType() {
	case typeString, typeReference:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case typeBinary, typeDateTime:
		if s, ok := v.(string); ok {
			if _, err := def.ValidateSingular(s); err != nil {
				return nil, fmt.Errorf("%q is not a valid %s", s, describe(def))
			}
			return s, nil
		}
	case typeBoolean:
		switch b := v.(type) {
		case bool:
			return b, nil
		case string:
			switch {
			case strings.EqualFold(b, "true"):
				return true, nil
			case strings.EqualFold(b, "false"):
				return false, nil
			}
		}
	case typeInteger:
		if n, ok := toInt(v); ok {
			return n, nil
		}
	case typeDecimal:
		if f, ok := toFloat(v); ok {
			return f, nil
		}
	case typeComplex:
		return complexValue(def, v)
	default:
		return nil, fmt.Errorf("has an unsupported type %q", def.AttributeType())
	}
	return nil, fmt.Errorf("expected %s, got %s", describe(def), describeValue(v))
}

// convertAll converts a non-empty value of a multi-valued attribute into a
// list, dropping empty elements.
func convertAll(def schema.CoreAttribute, v any) ([]any, error) {
	in := asList(v)
	out := make([]any, 0, len(in))
	for _, x := range in {
		if isEmpty(x) {
			continue
		}
		c, err := convert(def, x)
		if err != nil {
			return nil, err
		}
		if m, ok := c.(map[string]any); ok {
			c = prune(m)
			if m := c.(map[string]any); len(m) == 0 {
				continue
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// complexValue converts an object for a complex attribute: keys become
// canonical sub-attribute names, unknown and read-only sub-attributes are
// dropped (as validation does on POST), and empty values become nil, meaning
// "clear this sub-attribute". A plain string for a complex attribute with a
// "value" sub-attribute is taken as {"value": s}: Entra ID sends the
// enterprise manager that way.
func complexValue(def schema.CoreAttribute, v any) (map[string]any, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		if s, isString := v.(string); isString {
			if sub, found := def.SubAttributes().ContainsAttribute("value"); found {
				obj = map[string]any{sub.Name(): s}
				ok = true
			}
		}
	}
	if !ok {
		return nil, fmt.Errorf("expected an object with sub-attributes of %s, got %s", def.Name(), describeValue(v))
	}
	out := make(map[string]any, len(obj))
	seen := make(map[string]string, len(obj))
	for k, x := range obj {
		sub, found := def.SubAttributes().ContainsAttribute(k)
		if !found {
			continue
		}
		name := sub.Name()
		if other, dup := seen[name]; dup {
			return nil, fmt.Errorf("names sub-attribute %s twice (%q and %q)", name, other, k)
		}
		seen[name] = k
		if sub.Mutability() == readOnly {
			continue
		}
		if isEmpty(x) {
			out[name] = nil
			continue
		}
		var c any
		var err error
		if sub.MultiValued() {
			c, err = convertAll(sub, x)
		} else {
			c, err = convert(sub, x)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = c
	}
	return out, nil
}

// prune drops the nil ("clear") entries of a converted complex value.
func prune(m map[string]any) map[string]any {
	for k, v := range m {
		if v == nil {
			delete(m, k)
		}
	}
	return m
}

// toInt converts an integer given as a JSON number, a Go number or a decimal
// string. Fractions and values outside int64 are refused.
func toInt(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i, true
		}
		return floatToInt(toFloat(n))
	case string:
		if i, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64); err == nil {
			return i, true
		}
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	case uint64:
		if n <= math.MaxInt64 {
			return int64(n), true
		}
	case float32:
		return floatToInt(float64(n), true)
	case float64:
		return floatToInt(n, true)
	}
	return 0, false
}

func floatToInt(f float64, ok bool) (int64, bool) {
	if !ok || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}

// toFloat converts a number given as a JSON number, a Go number or a
// decimal string. NaN and infinities are refused: JSON cannot hold them.
func toFloat(v any) (float64, bool) {
	var f float64
	switch n := v.(type) {
	case json.Number:
		x, err := n.Float64()
		if err != nil {
			return 0, false
		}
		f = x
	case string:
		n = strings.TrimSpace(n)
		if strings.Trim(n, "0123456789+-.eE") != "" { // no "NaN", "Inf", "0x1p-2", "1_0"
			return 0, false
		}
		x, err := strconv.ParseFloat(n, 64)
		if err != nil {
			return 0, false
		}
		f = x
	case float64:
		f = n
	case float32:
		f = float64(n)
	default:
		i, ok := toIntStrict(v)
		if !ok {
			return 0, false
		}
		f = float64(i)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// toIntStrict converts Go integer types only.
func toIntStrict(v any) (int64, bool) {
	switch v.(type) {
	case int, int8, int16, int32, int64, uint8, uint16, uint32, uint64:
		return toInt(v)
	}
	return 0, false
}

// isNumber reports whether v is a JSON or Go number.
func isNumber(v any) bool {
	switch v.(type) {
	case json.Number, float32, float64:
		return true
	}
	_, ok := toIntStrict(v)
	return ok
}

// numberKey returns a canonical text of a number, so that 1, int64(1),
// 1.0 and json.Number("1") compare equal.
func numberKey(v any) string {
	if i, ok := toInt(v); ok {
		return strconv.FormatInt(i, 10)
	}
	if f, ok := toFloat(v); ok {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

// sameValue reports whether two document values are equal as JSON values:
// numbers compare by value whatever their Go type.
func sameValue(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, x := range a {
			y, found := b[k]
			if !found || !sameValue(x, y) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !sameValue(a[i], b[i]) {
				return false
			}
		}
		return true
	}
	if isNumber(a) || isNumber(b) {
		return isNumber(a) && isNumber(b) && numberKey(a) == numberKey(b)
	}
	switch a.(type) {
	case nil, string, bool:
		return a == b
	}
	return reflect.DeepEqual(a, b)
}

// deepCopy copies a document value. Lists and objects of any Go type become
// []any and map[string]any, so the rest of the package sees only those.
func deepCopy(v any) any {
	switch v := v.(type) {
	case nil, string, bool, json.Number, float64, int64, int:
		return v
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = deepCopy(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = deepCopy(x)
		}
		return out
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return nil
		}
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = deepCopy(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return v
		}
		if rv.IsNil() {
			return nil
		}
		out := make(map[string]any, rv.Len())
		iter := rv.MapRange()
		for iter.Next() {
			out[iter.Key().String()] = deepCopy(iter.Value().Interface())
		}
		return out
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil
		}
		return deepCopy(rv.Elem().Interface())
	}
	return v
}

// describe names an attribute's type for error details.
func describe(def schema.CoreAttribute) string {
	switch def.AttributeType() {
	case typeBoolean:
		return "a boolean (true or false)"
	case typeInteger:
		return "an integer"
	case typeDecimal:
		return "a number"
	case typeDateTime:
		return "a dateTime string such as 2026-01-31T12:00:00Z"
	case typeBinary:
		return "a base64 string"
	case typeReference:
		return "a reference (URI string)"
	case typeComplex:
		return "an object"
	}
	return "a string"
}

// describeValue names the JSON type of a value for error details.
func describeValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		if len(v) > 40 {
			v = v[:40] + "…"
		}
		return fmt.Sprintf("the string %q", v)
	case bool:
		return fmt.Sprintf("the boolean %t", v)
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	if isNumber(v) {
		return "the number " + numberKey(v)
	}
	return fmt.Sprintf("a value of type %T", v)
}
