package storage

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// MetadataAttribute is the key of a user's metadata in its document: a
// schemaless JSON object that no SCIM schema declares. Its keys are
// normalized (see NormalizeMetadataKey) and its values are strings, numbers,
// booleans or objects. The first type a tenant stores under a key locks the
// key to that type for the whole tenant; Create and Update refuse a value of
// another type with a *ValueError. Keys are compared case-insensitively, both
// for the lock and in filters (metadata.plan eq "pro").
const MetadataAttribute = "metadata"

// Limits of a user's metadata.
const (
	MaxMetadataKeys   = 100 // top-level keys per user
	MaxMetadataKeyLen = 128 // bytes of a normalized key
)

// The types a metadata key can be locked to.
const (
	MetadataString  = "string"
	MetadataNumber  = "number"
	MetadataBoolean = "boolean"
	MetadataObject  = "object"
)

// NormalizeMetadataKey returns a metadata key in stored form: dots become
// underscores, and the result must be 1 to MaxMetadataKeyLen characters of
// A-Z, a-z, 0-9, '_' and '-'. The error is a *ValueError naming the key.
func NormalizeMetadataKey(key string) (string, error) {
	k := strings.ReplaceAll(key, ".", "_")
	if err := checkMetadataKey(key, k); err != nil {
		return "", err
	}
	return k, nil
}

func checkMetadataKey(given, k string) error {
	if k == "" {
		return &ValueError{Attribute: MetadataAttribute, Detail: "keys must not be empty"}
	}
	if len(k) > MaxMetadataKeyLen {
		return &ValueError{Attribute: MetadataAttribute, Detail: fmt.Sprintf("key %q is longer than %d characters", given, MaxMetadataKeyLen)}
	}
	for i := 0; i < len(k); i++ {
		if !keyChar(k[i]) {
			return &ValueError{Attribute: MetadataAttribute,
				Detail: fmt.Sprintf("key %q is not valid: a key holds letters, digits, '_' and '-' only ('.' becomes '_')", given)}
		}
	}
	return nil
}

// keyChar reports whether a byte may appear in a metadata key.
func keyChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// MetadataType returns the type of a metadata value, as decoded from JSON:
// MetadataString, MetadataNumber, MetadataBoolean or MetadataObject. It
// returns false for anything else (null, arrays).
func MetadataType(v any) (string, bool) {
	switch v.(type) {
	case string:
		return MetadataString, true
	case json.Number, float64, float32, int, int64:
		return MetadataNumber, true
	case bool:
		return MetadataBoolean, true
	case map[string]any:
		return MetadataObject, true
	}
	return "", false
}

// CheckMetadata checks a document's metadata value in stored form: an
// object of at most MaxMetadataKeys normalized keys, no two of which differ
// only in case, whose values have a metadata type. It returns the object's
// keys, sorted, and a *ValueError for anything else.
func CheckMetadata(v any) (map[string]any, []string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, nil, &ValueError{Attribute: MetadataAttribute, Detail: "must be an object of keys and values"}
	}
	if len(m) > MaxMetadataKeys {
		return nil, nil, &ValueError{Attribute: MetadataAttribute, Detail: fmt.Sprintf("has %d keys; at most %d are allowed", len(m), MaxMetadataKeys)}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	seen := make(map[string]string, len(keys))
	for _, k := range keys {
		if err := checkMetadataKey(k, k); err != nil {
			return nil, nil, err
		}
		lower := strings.ToLower(k)
		if prev, dup := seen[lower]; dup {
			return nil, nil, &ValueError{Attribute: MetadataAttribute,
				Detail: fmt.Sprintf("keys %q and %q are the same key (keys are case-insensitive)", prev, k)}
		}
		seen[lower] = k
		if _, ok := MetadataType(m[k]); !ok {
			return nil, nil, &ValueError{Attribute: MetadataAttribute,
				Detail: fmt.Sprintf("key %q holds %s; a value is a string, a number, a boolean or an object", k, describeMetadata(m[k]))}
		}
	}
	return m, keys, nil
}

// MetadataTypeError is the error for a value whose type is not the one the
// tenant locked the key to.
func MetadataTypeError(key, locked, got string) *ValueError {
	return &ValueError{Attribute: MetadataAttribute,
		Detail: fmt.Sprintf("key %q holds %ss in this tenant; got %s", key, locked, article(got))}
}

func article(typ string) string {
	if typ == MetadataObject {
		return "an object"
	}
	return "a " + typ
}

func describeMetadata(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	}
	if t, ok := MetadataType(v); ok {
		return article(t)
	}
	return fmt.Sprintf("a %T", v)
}
