package storage

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scimd/scimd/schemas"
)

// What storage indexes of the scimd User extension: tag keys (the tag_keys
// counts), linked identities (unique in the tenant, found by Lookup) and
// delegates' actors (users of the tenant). The rules of these values are
// the directory service's; storage refuses only what it cannot index.

// MaxTagKeyLen is the longest tag key storage indexes, in bytes of ASCII.
const MaxTagKeyLen = 128

// A TagKey is a tag key in use in a tenant: Users is the number of users
// that carry a tag with this key. Keys no user carries any more are not
// listed.
type TagKey struct {
	Key   string
	Users int
}

// scimdUser returns the scimd User extension object of a user's document,
// or nil.
func scimdUser(doc map[string]any) map[string]any {
	ext, _ := doc[schemas.ScimdUserURN].(map[string]any)
	return ext
}

// UserTagKeys returns the keys of a user's tags (the tags attribute of the
// scimd User extension), each once, in order. Elements without a key are
// skipped; a key that is not ASCII or longer than MaxTagKeyLen bytes is a
// *ValueError, since storage cannot index it.
func UserTagKeys(doc map[string]any) ([]string, error) {
	list, _ := scimdUser(doc)[schemas.AttrTags].([]any)
	var out []string
	for _, el := range list {
		m, _ := el.(map[string]any)
		key, _ := m["key"].(string)
		switch {
		case key == "" || slices.Contains(out, key):
			continue
		case len(key) > MaxTagKeyLen || strings.IndexFunc(key, func(r rune) bool { return r > 0x7f }) >= 0:
			return nil, &ValueError{Attribute: schemas.AttrTags, Detail: fmt.Sprintf("key %q cannot be stored: keys are ASCII, at most %d characters", key, MaxTagKeyLen)}
		}
		out = append(out, key)
	}
	return out, nil
}

// LinkedIdentityValue is the one-string form of a linked identity that
// Lookup resolves: the source in lower case, ':', and the identifier as it
// is ("github:583231"). Sources never contain ':' (see
// UserLinkedIdentities), so the form is unambiguous.
func LinkedIdentityValue(source, identifier string) string {
	return strings.ToLower(source) + ":" + identifier
}

// UserLinkedIdentities returns the linked identities of a user's document
// in LinkedIdentityValue form after checking them: each has a source of 1
// to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-' (compared without
// regard to case) and a non-empty identifier, and no pair appears twice.
func UserLinkedIdentities(doc map[string]any) ([]string, error) {
	ext := scimdUser(doc)
	if ext == nil || ext[schemas.AttrLinkedIdentities] == nil {
		return nil, nil
	}
	bad := func(detail string) *ValueError {
		return &ValueError{Attribute: schemas.AttrLinkedIdentities, Detail: detail}
	}
	list, ok := ext[schemas.AttrLinkedIdentities].([]any)
	if !ok {
		return nil, bad("must be a list of {source, identifier} objects")
	}
	out := make([]string, 0, len(list))
	for _, el := range list {
		m, ok := el.(map[string]any)
		if !ok {
			return nil, bad("must be a list of {source, identifier} objects")
		}
		source, _ := m["source"].(string)
		identifier, _ := m["identifier"].(string)
		switch {
		case source == "" || identifier == "":
			return nil, bad("each linked identity needs a source and an identifier")
		case len(source) > 64 || strings.IndexFunc(source, func(r rune) bool { return r > 0x7f || (!keyChar(byte(r)) && r != '.') }) >= 0:
			return nil, bad(fmt.Sprintf("source %q is not valid: a source is 1 to 64 letters, digits, '.', '_' and '-'", source))
		}
		v := LinkedIdentityValue(source, identifier)
		if slices.Contains(out, v) {
			return nil, bad(fmt.Sprintf("%s %q is listed twice", source, identifier))
		}
		out = append(out, v)
	}
	return out, nil
}

// UserDelegates returns the actor ids of a user's delegates, each once;
// elements without an actorId are skipped. Storage checks that each is
// another user of the tenant.
func UserDelegates(doc map[string]any) []string {
	list, _ := scimdUser(doc)[schemas.AttrDelegates].([]any)
	var out []string
	for _, el := range list {
		m, _ := el.(map[string]any)
		if id, _ := m["actorId"].(string); id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
