package directory

import (
	"maps"
	"slices"
	"strings"

	"github.com/scimd/scimd/storage"
)

// A user's metadata (storage.MetadataAttribute) is an attribute no SCIM
// schema declares, so the schema library would drop it from create and
// replace bodies and refuse it in PATCH paths. The service takes it out of
// the decoded body (takeBodyMetadata, takeMetadataOps) before validating
// the rest, and puts it into the validated document.

// metadataRequest is what a request says about a user's metadata.
type metadataRequest struct {
	// set (POST, PUT) tells that the body has a metadata key; value is the
	// new object with normalized keys, empty to clear it.
	set   bool
	value map[string]any
	// ops (PATCH) are the operations on metadata, in request order.
	ops []metadataOp
}

// A metadataOp is one PATCH operation on a user's metadata.
type metadataOp struct {
	op  string // opAdd, opReplace or opRemove
	key string // a normalized key, or "" for the whole object
	// value is the key's new value (nil removes the key), or for the whole
	// object a map with normalized keys, where nil removes a key (add).
	value any
}

const (
	opAdd     = "add"
	opReplace = "replace"
	opRemove  = "remove"
)

// takeBodyMetadata takes the metadata key (in any case) out of a POST or
// PUT body.
func takeBodyMetadata(doc map[string]any) (*metadataRequest, error) {
	var found []string
	for k := range doc {
		if strings.EqualFold(k, storage.MetadataAttribute) {
			found = append(found, k)
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
	default:
		return nil, refusal(Invalid, TypeInvalidSyntax, "metadata appears more than once in the body (attribute names are case-insensitive)")
	}
	v := doc[found[0]]
	delete(doc, found[0])
	m, err := metadataObject(v, false)
	if err != nil {
		return nil, err
	}
	return &metadataRequest{set: true, value: m}, nil
}

// metadataObject reads a metadata object: keys normalized, null values
// dropped (or kept, for a merge, where they remove keys). null and "" are
// an empty object. The types of values are storage's to check.
func metadataObject(v any, keepNulls bool) (map[string]any, error) {
	switch v := v.(type) {
	case nil:
		return map[string]any{}, nil
	case string:
		if v == "" {
			return map[string]any{}, nil
		}
	case map[string]any:
		out := make(map[string]any, len(v))
		given := make(map[string]string, len(v)) // lower-case normalized key → key as sent
		for _, k := range slices.Sorted(maps.Keys(v)) {
			nk, err := storage.NormalizeMetadataKey(k)
			if err != nil {
				return nil, err
			}
			lower := strings.ToLower(nk)
			if prev, dup := given[lower]; dup {
				return nil, refusal(Invalid, TypeInvalidValue,
					"metadata keys \""+prev+"\" and \""+k+"\" are the same key (keys are case-insensitive and '.' becomes '_')")
			}
			given[lower] = k
			if v[k] != nil || keepNulls {
				out[nk] = v[k]
			}
		}
		return out, nil
	}
	return nil, refusal(Invalid, TypeInvalidValue, `metadata must be an object of keys and values, such as {"plan": "pro"}`)
}

// takeMetadataOps takes what a PATCH operation does to metadata out of it:
// an operation whose path is metadata or metadata.KEY, or the metadata and
// metadata.KEY keys of a path-less add or replace. done reports that
// nothing else is left of the operation.
func takeMetadataOps(op map[string]any) (ops []metadataOp, done bool, err error) {
	opKey, _ := keyOf(op, "op")
	name, _ := op[opKey].(string)
	name = strings.ToLower(name)
	valueKey, _ := keyOf(op, "value")
	if pathKey, hasPath := keyOf(op, "path"); hasPath {
		path, _ := op[pathKey].(string)
		key, ok, err := metadataPath(path)
		if !ok || err != nil {
			return nil, false, err
		}
		if name != opAdd && name != opReplace && name != opRemove {
			return nil, false, refusal(Invalid, TypeInvalidSyntax, "op must be add, replace or remove, not \""+name+"\"")
		}
		mop, err := metadataOperation(name, key, op[valueKey])
		if err != nil {
			return nil, false, err
		}
		return []metadataOp{mop}, true, nil
	}
	value, ok := op[valueKey].(map[string]any)
	if !ok || (name != opAdd && name != opReplace) {
		return nil, false, nil
	}
	for _, k := range slices.Sorted(maps.Keys(value)) {
		key, ok, err := metadataPath(k)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			continue
		}
		mop, err := metadataOperation(name, key, value[k])
		if err != nil {
			return nil, false, err
		}
		ops = append(ops, mop)
		delete(value, k)
	}
	return ops, len(ops) > 0 && len(value) == 0, nil
}

// metadataPath reads a PATCH path: "metadata" (key "") or "metadata.KEY",
// in any case. ok is false for any other path.
func metadataPath(path string) (key string, ok bool, err error) {
	lower := strings.ToLower(path)
	prefix := storage.MetadataAttribute + "."
	switch {
	case lower == storage.MetadataAttribute:
		return "", true, nil
	case strings.HasPrefix(lower, prefix):
		key, err = storage.NormalizeMetadataKey(path[len(prefix):])
		return key, true, err
	case strings.HasPrefix(lower, storage.MetadataAttribute+"["):
		return "", true, refusal(Invalid, TypeInvalidPath, path+": metadata takes no value filter; name a key, as in metadata.plan")
	}
	return "", false, nil
}

// metadataOperation builds one operation on metadata. add and replace of
// null (or "") on the whole object remove it.
func metadataOperation(name, key string, v any) (metadataOp, error) {
	if name == opRemove {
		return metadataOp{op: opRemove, key: key}, nil
	}
	if key != "" {
		return metadataOp{op: name, key: key, value: v}, nil
	}
	if v == nil || v == "" {
		return metadataOp{op: opRemove}, nil
	}
	if _, ok := v.(map[string]any); !ok {
		return metadataOp{}, refusal(Invalid, TypeInvalidValue, `metadata must be an object of keys and values, such as {"plan": "pro"}`)
	}
	m, err := metadataObject(v, name == opAdd)
	if err != nil {
		return metadataOp{}, err
	}
	return metadataOp{op: name, value: m}, nil
}

// applyMetadataOps applies metadata operations to a document: add of the
// whole object merges its keys, replace replaces it, remove removes it; a
// key's add or replace sets it and remove removes it. Keys match
// case-insensitively; a key set takes the spelling of the operation.
func applyMetadataOps(doc map[string]any, ops []metadataOp) {
	cur, _ := doc[storage.MetadataAttribute].(map[string]any)
	m := maps.Clone(cur)
	if m == nil {
		m = map[string]any{}
	}
	for _, op := range ops {
		obj, _ := op.value.(map[string]any)
		switch {
		case op.op == opRemove && op.key == "":
			clear(m)
		case op.op == opRemove:
			setMetadataKey(m, op.key, nil)
		case op.key != "":
			setMetadataKey(m, op.key, op.value)
		case op.op == opReplace:
			clear(m)
			fallthrough
		default:
			for _, k := range slices.Sorted(maps.Keys(obj)) {
				setMetadataKey(m, k, obj[k])
			}
		}
	}
	setMetadata(doc, m)
}

// setMetadataKey sets a key, replacing any spelling of it; nil removes it.
func setMetadataKey(m map[string]any, key string, v any) {
	for k := range m {
		if strings.EqualFold(k, key) {
			delete(m, k)
		}
	}
	if v != nil {
		m[key] = v
	}
}

// setMetadata stores a metadata object in a document; an empty one is no
// metadata.
func setMetadata(doc, m map[string]any) {
	if len(m) == 0 {
		delete(doc, storage.MetadataAttribute)
		return
	}
	doc[storage.MetadataAttribute] = m
}
