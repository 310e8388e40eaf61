package directory

import (
	"strings"

	"github.com/scimd/scimd/directory/internal/filtertext"
	"github.com/scimd/scimd/schemas"
)

// The client quirks: what real clients send that RFC 7643 does not allow,
// rewritten on decoded documents before they are validated:
//   - the enterprise manager as a plain string (Entra) becomes {"value": id},
//     and "" or null for it in a PATCH becomes a remove;
//   - a members value that is one id string becomes [{"value": id}], and a
//     member's "displayName" (Microsoft's tests) becomes "display";
//   - an extension path written with "." after the URN (Entra's legacy
//     separator) uses ":", and its \uXXXX escapes upper-case hex digits
//     (see filtertext.UpperHexEscapes);
//   - a PATCH add or replace of "" or null removes the attribute (Entra).

func extensionURNs(set schemas.Set) []string {
	var out []string
	for _, rt := range set.ResourceTypes() {
		for _, e := range rt.Extensions {
			out = append(out, e.Schema.ID)
		}
	}
	return out
}

func keyOf(m map[string]any, key string) (string, bool) {
	for k := range m {
		if strings.EqualFold(k, key) {
			return k, true
		}
	}
	return "", false
}

func normalizeOp(op map[string]any, exts []string) {
	pathKey, hasPath := keyOf(op, "path")
	valueKey, hasValue := keyOf(op, "value")
	if hasPath {
		path, _ := op[pathKey].(string)
		path = filtertext.UpperHexEscapes(fixURNSeparator(path, exts))
		op[pathKey] = path
		lower := strings.ToLower(path)
		opKey, _ := keyOf(op, "op")
		name, _ := op[opKey].(string)
		if v := op[valueKey]; (v == nil || v == "") && !strings.EqualFold(name, "remove") {
			// Replacing or adding "" or null clears the attribute (Entra).
			op[opKey] = "remove"
			delete(op, valueKey)
			return
		}
		switch {
		case strings.HasSuffix(lower, ":manager") || lower == "manager":
			if !hasValue || op[valueKey] == nil || op[valueKey] == "" {
				if k, ok := keyOf(op, "op"); ok {
					op[k] = "remove"
				}
				delete(op, valueKey)
			} else if s, ok := op[valueKey].(string); ok {
				op[valueKey] = map[string]any{"value": s}
			}
		case lower == "members":
			if s, ok := op[valueKey].(string); ok && hasValue {
				op[valueKey] = []any{map[string]any{"value": s}}
			}
			memberDisplayNames(op[valueKey])
		}
		return
	}
	value, ok := op[valueKey].(map[string]any)
	if !ok {
		return
	}
	for k, v := range value {
		fixed := fixURNSeparator(k, exts)
		if fixed != k {
			delete(value, k)
			value[fixed] = v
		}
		if s, ok := v.(string); ok && strings.HasSuffix(strings.ToLower(fixed), ":manager") {
			value[fixed] = map[string]any{"value": s}
		}
		if ext, ok := v.(map[string]any); ok {
			normalizeManager(map[string]any{fixed: ext})
		}
	}
}

// normalizeManager turns a plain-string manager inside extension objects
// of a resource into {"value": id}.
func normalizeManager(doc map[string]any) {
	for _, v := range doc {
		ext, ok := v.(map[string]any)
		if !ok {
			continue
		}
		if k, ok := keyOf(ext, "manager"); ok {
			switch m := ext[k].(type) {
			case string:
				if m == "" {
					delete(ext, k)
				} else {
					ext[k] = map[string]any{"value": m}
				}
			}
		}
	}
}

// fixURNSeparator rewrites "urn:…:User.attr" to "urn:…:User:attr".
func fixURNSeparator(path string, exts []string) string {
	for _, urn := range exts {
		if len(path) > len(urn) && strings.EqualFold(path[:len(urn)], urn) && path[len(urn)] == '.' {
			return path[:len(urn)] + ":" + path[len(urn)+1:]
		}
	}
	return path
}

// clearedKeys takes the keys of a path-less add or replace whose value is
// "" or null out of the value and returns them as remove operations: that
// is how Entra clears attributes.
func clearedKeys(op map[string]any) []any {
	if _, hasPath := keyOf(op, "path"); hasPath {
		return nil
	}
	valueKey, _ := keyOf(op, "value")
	value, ok := op[valueKey].(map[string]any)
	if !ok {
		return nil
	}
	var out []any
	remove := func(path string) { out = append(out, map[string]any{"op": "remove", "path": path}) }
	for k, v := range value {
		switch v := v.(type) {
		case nil:
			delete(value, k)
			remove(k)
		case string:
			if v == "" {
				delete(value, k)
				remove(k)
			}
		case map[string]any:
			if !strings.HasPrefix(strings.ToLower(k), "urn:") {
				continue
			}
			for sk, sv := range v { // an extension container
				if sv == nil || sv == "" {
					delete(v, sk)
					remove(k + ":" + sk)
				}
			}
		}
	}
	return out
}

// checkReadOnlyPath refuses a PATCH whose path targets a read-only
// attribute (id, meta, a user's groups) with the mutability error RFC 7644
// §3.5.2 asks for; the schema library would call such paths invalid.
func checkReadOnlyPath(op map[string]any, user bool) error {
	pathKey, ok := keyOf(op, "path")
	if !ok {
		return nil
	}
	path, _ := op[pathKey].(string)
	top := strings.ToLower(path)
	if i := strings.IndexAny(top, ".["); i >= 0 {
		top = top[:i]
	}
	if top == "id" || top == "meta" || (top == "groups" && user) {
		return refusal(Invalid, TypeMutability, "the attribute "+path+" is read-only and cannot be changed")
	}
	return nil
}

// memberDisplayNames renames "displayName" in member objects to the
// schema's "display" (Microsoft's reference tests send the former).
func memberDisplayNames(v any) {
	list, _ := v.([]any)
	for _, el := range list {
		m, ok := el.(map[string]any)
		if !ok {
			continue
		}
		if k, ok := keyOf(m, "displayName"); ok {
			if _, has := keyOf(m, "display"); !has {
				m["display"] = m[k]
			}
			delete(m, k)
		}
	}
}
