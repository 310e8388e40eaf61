package directory

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// Limits of the scimd User extension's tags, besides the length of a key
// (storage.MaxTagKeyLen).
const (
	maxTagValueLen = 1024 // bytes of a tag value
	maxTags        = 100  // tags per user
)

// checkTags checks the tags of the scimd User extension (ext): a list of
// objects, at most maxTags, each with a key of 1 to storage.MaxTagKeyLen
// characters of A-Z, a-z, 0-9, '_' and '-', a string value of at most
// maxTagValueLen bytes, and no key twice (keys are case-sensitive).
func checkTags(ext map[string]any) error {
	if ext[schemas.AttrTags] == nil {
		return nil
	}
	list, ok := ext[schemas.AttrTags].([]any)
	if !ok {
		return tagError("must be a list of {key, value} objects")
	}
	if len(list) > maxTags {
		return tagError(fmt.Sprintf("has %d tags; at most %d are allowed", len(list), maxTags))
	}
	seen := make([]string, 0, len(list))
	for _, el := range list {
		m, ok := el.(map[string]any)
		if !ok {
			return tagError("must be a list of {key, value} objects")
		}
		key, _ := m["key"].(string)
		value, isString := m["value"].(string)
		switch {
		case key == "":
			return tagError("each tag needs a key")
		case len(key) > storage.MaxTagKeyLen:
			return tagError(fmt.Sprintf("key %q is longer than %d characters", key, storage.MaxTagKeyLen))
		case strings.IndexFunc(key, func(r rune) bool { return !keyRune(r) }) >= 0:
			return tagError(fmt.Sprintf("key %q is not valid: a tag key holds letters, digits, '_' and '-' only", key))
		case m["value"] != nil && !isString:
			return tagError(fmt.Sprintf("the value of key %q must be a string", key))
		case len(value) > maxTagValueLen:
			return tagError(fmt.Sprintf("the value of key %q is longer than %d bytes", key, maxTagValueLen))
		case slices.Contains(seen, key):
			return tagError(fmt.Sprintf("key %q appears twice; a user has one value per key", key))
		}
		seen = append(seen, key)
	}
	return nil
}

// keyRune reports whether r may be part of a tag key.
func keyRune(r rune) bool {
	return r == '_' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

func tagError(detail string) *Error {
	return &Error{Kind: Invalid, Type: TypeInvalidValue, Attribute: schemas.AttrTags, Detail: schemas.AttrTags + " " + detail}
}

// checkDelegates checks the delegates of the scimd User extension (ext): a
// list of {actorId, permissions} objects, each with an actorId, each actor
// once. That every actor is another user of the tenant is the store's to
// check, in the write's transaction.
func checkDelegates(ext map[string]any) error {
	if ext[schemas.AttrDelegates] == nil {
		return nil
	}
	bad := func(detail string) *Error {
		return &Error{Kind: Invalid, Type: TypeInvalidValue, Attribute: schemas.AttrDelegates, Detail: schemas.AttrDelegates + " " + detail}
	}
	list, ok := ext[schemas.AttrDelegates].([]any)
	if !ok {
		return bad("must be a list of {actorId, permissions} objects")
	}
	seen := make([]string, 0, len(list))
	for _, el := range list {
		m, ok := el.(map[string]any)
		if !ok {
			return bad("must be a list of {actorId, permissions} objects")
		}
		id, _ := m["actorId"].(string)
		if id == "" {
			return bad("each delegate needs an actorId: the id of a user of this tenant")
		}
		if slices.Contains(seen, id) {
			return bad(fmt.Sprintf("actor %q is listed twice; give one entry with all its permissions", id))
		}
		seen = append(seen, id)
	}
	return nil
}
