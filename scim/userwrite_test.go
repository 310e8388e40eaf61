package scim

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/scimd/scimd/schemas"
)

// TestMergePatch runs the examples of RFC 7396 Appendix A.
func TestMergePatch(t *testing.T) {
	cases := [][3]string{ // target, patch, result
		{`{"a":"b"}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"b"}`, `{"b":"c"}`, `{"a":"b","b":"c"}`},
		{`{"a":"b"}`, `{"a":null}`, `{}`},
		{`{"a":"b","b":"c"}`, `{"a":null}`, `{"b":"c"}`},
		{`{"a":["b"]}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"c"}`, `{"a":["b"]}`, `{"a":["b"]}`},
		{`{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`, `{"a":{"b":"d"}}`},
		{`{"a":[{"b":"c"}]}`, `{"a":[1]}`, `{"a":[1]}`},
		{`["a","b"]`, `["c","d"]`, `["c","d"]`},
		{`{"a":"b"}`, `["c"]`, `["c"]`},
		{`{"a":"foo"}`, `null`, `null`},
		{`{"a":"foo"}`, `"bar"`, `"bar"`},
		{`{"e":null}`, `{"a":1}`, `{"e":null,"a":1}`},
		{`[1,2]`, `{"a":"b","c":null}`, `{"a":"b"}`},
		{`{}`, `{"a":{"bb":{"ccc":null}}}`, `{"a":{"bb":{}}}`},
	}
	for _, c := range cases {
		var target, patch, want any
		for i, dst := range []*any{&target, &patch, &want} {
			if err := json.Unmarshal([]byte(c[i]), dst); err != nil {
				t.Fatal(err)
			}
		}
		if got := MergePatch(target, patch); !reflect.DeepEqual(got, want) {
			t.Errorf("MergePatch(%s, %s) = %v, want %s", c[0], c[1], got, c[2])
		}
	}
}

// TestUserRules checks that UserRules refuse what SCIM writes refuse, with
// SCIM errors, and complete documents as SCIM writes do.
func TestUserRules(t *testing.T) {
	set := schemas.Default()
	rt := &set.User
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rules := UserRules{PasswordMinLength: 12}
	doc, err := rules.NewUser(rt, map[string]any{"userName": "ann", "password": "twelve chars", "metadata": map[string]any{"k": "v"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	ext, _ := doc[schemas.ScimdUserURN].(map[string]any)
	if pw, _ := doc["password"].(string); !strings.HasPrefix(pw, argonPrefix) || !checkPassword(pw, "twelve chars") ||
		ext[schemas.AttrStatus] != schemas.StatusActive || ext[schemas.AttrPasswordUpdatedAt] == nil || doc["schemas"] != nil ||
		!reflect.DeepEqual(doc["metadata"], map[string]any{"k": "v"}) {
		t.Errorf("NewUser = %v", doc)
	}
	for name, body := range map[string]map[string]any{
		"short password": {"userName": "ann", "password": "eleven char"},
		"no userName":    {"displayName": "Ann"},
		"bad locale":     {"userName": "ann", "locale": "not a locale!"},
	} {
		_, err := rules.NewUser(rt, body, now)
		if we, ok := errors.AsType[*WriteError](err); !ok || we.Status != 400 || we.ScimType == "" || we.Detail == "" {
			t.Errorf("NewUser %s: %v, want a 400 WriteError", name, err)
		}
	}
	merged, err := rules.MergeUser(rt, map[string]any{"displayName": "Ann", "metadata": nil}, doc, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if merged["displayName"] != "Ann" || merged["password"] != doc["password"] || merged["metadata"] != nil || merged["userName"] != "ann" {
		t.Errorf("MergeUser = %v", merged)
	}
	kept, err := rules.MergeUser(rt, map[string]any{"displayName": "Ann"}, doc, now)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(kept["metadata"], doc["metadata"]) || kept["password"] != doc["password"] {
		t.Errorf("MergeUser without metadata or password = %v", kept)
	}
	replaced, err := rules.ReplaceUser(rt, map[string]any{"userName": "ann2"}, doc, now)
	if err != nil {
		t.Fatal(err)
	}
	if replaced["password"] != doc["password"] || !reflect.DeepEqual(replaced["metadata"], doc["metadata"]) || replaced["userName"] != "ann2" {
		t.Errorf("ReplaceUser = %v", replaced)
	}
}
