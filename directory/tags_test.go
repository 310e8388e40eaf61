package directory

import (
	"errors"
	"strings"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// TestTagAndDelegateRules checks the rules of tags and delegates: each
// refusal is an Invalid error naming the attribute.
func TestTagAndDelegateRules(t *testing.T) {
	tags := func(kv ...any) map[string]any {
		var list []any
		for i := 0; i+1 < len(kv); i += 2 {
			list = append(list, map[string]any{"key": kv[i], "value": kv[i+1]})
		}
		return map[string]any{schemas.AttrTags: list}
	}
	delegates := func(ids ...any) map[string]any {
		var list []any
		for _, id := range ids {
			list = append(list, map[string]any{"actorId": id, "permissions": []any{"read"}})
		}
		return map[string]any{schemas.AttrDelegates: list}
	}
	many := make([]any, 0, 2*(maxTags+1))
	for i := range maxTags + 1 {
		many = append(many, "k"+strings.Repeat("x", i), "v")
	}
	for name, c := range map[string]struct {
		ext   map[string]any
		check func(map[string]any) error
		attr  string
	}{
		"a key twice":      {tags("tier", "a", "tier", "b"), checkTags, schemas.AttrTags},
		"a bad key":        {tags("bad key", "x"), checkTags, schemas.AttrTags},
		"an empty key":     {tags("", "x"), checkTags, schemas.AttrTags},
		"a long key":       {tags(strings.Repeat("k", storage.MaxTagKeyLen+1), "x"), checkTags, schemas.AttrTags},
		"a number":         {tags("n", 7), checkTags, schemas.AttrTags},
		"a long value":     {tags("n", strings.Repeat("v", maxTagValueLen+1)), checkTags, schemas.AttrTags},
		"too many tags":    {tags(many...), checkTags, schemas.AttrTags},
		"not a list":       {map[string]any{schemas.AttrTags: "tier=gold"}, checkTags, schemas.AttrTags},
		"no actorId":       {delegates(""), checkDelegates, schemas.AttrDelegates},
		"an actor twice":   {delegates("u1", "u1"), checkDelegates, schemas.AttrDelegates},
		"not a delegation": {map[string]any{schemas.AttrDelegates: []any{"u1"}}, checkDelegates, schemas.AttrDelegates},
	} {
		err := c.check(c.ext)
		if e, ok := errors.AsType[*Error](err); !ok || e.Kind != Invalid || e.Attribute != c.attr || !strings.HasPrefix(e.Detail, c.attr+" ") {
			t.Errorf("%s: %v, want an Invalid error on %s", name, err, c.attr)
		}
	}
	if err := checkTags(tags("tier", "gold", "Tier", "x", "region_1", "")); err != nil {
		t.Errorf("valid tags: %v", err)
	}
	if err := checkDelegates(delegates("u1", "u2")); err != nil {
		t.Errorf("valid delegates: %v", err)
	}
}
