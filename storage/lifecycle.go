package storage

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scimd/scimd/schemas"
)

// Limits of the scimd User extension's values that storage checks.
const (
	MaxTagKeyLen   = 128  // bytes of a tag key
	MaxTagValueLen = 1024 // bytes of a tag value
	MaxTags        = 100  // tags per user
)

// A TagKey is a tag key in use in a tenant: Users is the number of users
// that carry a tag with this key. Keys no user carries any more are not
// listed.
type TagKey struct {
	Key   string
	Users int
}

// A Tag is one key/value pair of a user's tags.
type Tag struct{ Key, Value string }

// scimdUser returns the scimd User extension object of a user's document,
// or nil.
func scimdUser(doc map[string]any) map[string]any {
	ext, _ := doc[schemas.ScimdUserURN].(map[string]any)
	return ext
}

// UserTags returns the tags of a user's document (the tags attribute of
// the scimd User extension) after checking them: every tag is an object
// with a key of 1 to MaxTagKeyLen characters of A-Z, a-z, 0-9, '_' and '-',
// a string value of at most MaxTagValueLen bytes, and no key appears twice
// (keys are case-sensitive). The error is a *ValueError a person can act
// on.
func UserTags(doc map[string]any) ([]Tag, error) {
	ext := scimdUser(doc)
	if ext == nil || ext[schemas.AttrTags] == nil {
		return nil, nil
	}
	list, ok := ext[schemas.AttrTags].([]any)
	if !ok {
		return nil, tagError("must be a list of {key, value} objects")
	}
	if len(list) > MaxTags {
		return nil, tagError(fmt.Sprintf("has %d tags; at most %d are allowed", len(list), MaxTags))
	}
	out := make([]Tag, 0, len(list))
	for _, el := range list {
		m, ok := el.(map[string]any)
		if !ok {
			return nil, tagError("must be a list of {key, value} objects")
		}
		key, _ := m["key"].(string)
		value, isString := m["value"].(string)
		switch {
		case key == "":
			return nil, tagError("each tag needs a key")
		case len(key) > MaxTagKeyLen:
			return nil, tagError(fmt.Sprintf("key %q is longer than %d characters", key, MaxTagKeyLen))
		case strings.IndexFunc(key, func(r rune) bool { return r > 0x7f || !keyChar(byte(r)) }) >= 0:
			return nil, tagError(fmt.Sprintf("key %q is not valid: a tag key holds letters, digits, '_' and '-' only", key))
		case m["value"] != nil && !isString:
			return nil, tagError(fmt.Sprintf("the value of key %q must be a string", key))
		case len(value) > MaxTagValueLen:
			return nil, tagError(fmt.Sprintf("the value of key %q is longer than %d bytes", key, MaxTagValueLen))
		case slices.ContainsFunc(out, func(t Tag) bool { return t.Key == key }):
			return nil, tagError(fmt.Sprintf("key %q appears twice; a user has one value per key", key))
		}
		out = append(out, Tag{Key: key, Value: value})
	}
	return out, nil
}

func tagError(detail string) *ValueError {
	return &ValueError{Attribute: schemas.AttrTags, Detail: detail}
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

// UserDelegates returns the actor ids of a user's delegates.
func UserDelegates(doc map[string]any) ([]string, error) {
	ext := scimdUser(doc)
	if ext == nil || ext[schemas.AttrDelegates] == nil {
		return nil, nil
	}
	bad := func(detail string) *ValueError {
		return &ValueError{Attribute: schemas.AttrDelegates, Detail: detail}
	}
	list, ok := ext[schemas.AttrDelegates].([]any)
	if !ok {
		return nil, bad("must be a list of {actorId, permissions} objects")
	}
	out := make([]string, 0, len(list))
	for _, el := range list {
		m, ok := el.(map[string]any)
		if !ok {
			return nil, bad("must be a list of {actorId, permissions} objects")
		}
		id, _ := m["actorId"].(string)
		if id == "" {
			return nil, bad("each delegate needs an actorId: the id of a user of this tenant")
		}
		if slices.Contains(out, id) {
			return nil, bad(fmt.Sprintf("actor %q is listed twice; give one entry with all its permissions", id))
		}
		out = append(out, id)
	}
	return out, nil
}
