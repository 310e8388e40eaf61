package directory

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

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
		if got := mergePatch(target, patch); !reflect.DeepEqual(got, want) {
			t.Errorf("mergePatch(%s, %s) = %v, want %s", c[0], c[1], got, c[2])
		}
	}
}

// TestUserWrites checks that the service refuses what SCIM writes refuse,
// with Invalid errors, and completes documents as SCIM writes do: on
// create, replace and merge.
func TestUserWrites(t *testing.T) {
	svc, sc := newTestService(t, 12)
	ctx := t.Context()
	created, err := svc.Create(ctx, sc, schemas.UserType, map[string]any{"userName": "ann", "password": "twelve chars",
		"metadata": map[string]any{"k": "v"}}, WriteOptions{ImplicitSchemas: true})
	if err != nil {
		t.Fatal(err)
	}
	doc := created.Attributes
	ext, _ := doc[schemas.ScimdUserURN].(map[string]any)
	if pw, _ := doc["password"].(string); !strings.HasPrefix(pw, argonPrefix) || !checkPassword(pw, "twelve chars") ||
		ext[schemas.AttrStatus] != schemas.StatusActive || ext[schemas.AttrPasswordUpdatedAt] == nil || doc["schemas"] != nil ||
		!reflect.DeepEqual(doc["metadata"], map[string]any{"k": "v"}) {
		t.Errorf("Create = %v", doc)
	}
	for name, body := range map[string]map[string]any{
		"short password": {"userName": "bob", "password": "eleven char"},
		"no userName":    {"displayName": "Bob"},
		"bad locale":     {"userName": "bob", "locale": "not a locale!"},
		"no schemas":     {"userName": "bob"},
	} {
		_, err := svc.Create(ctx, sc, schemas.UserType, body, WriteOptions{ImplicitSchemas: name != "no schemas"})
		if e, ok := errors.AsType[*Error](err); !ok || e.Kind != Invalid || e.Type == "" || e.Detail == "" {
			t.Errorf("Create %s: %v, want an Invalid Error", name, err)
		}
	}
	if _, err := svc.Create(ctx, sc, schemas.UserType, map[string]any{"userName": "bob"},
		WriteOptions{ImplicitSchemas: true, RequireContact: true}); !errors.Is(err, errNoContact) {
		t.Errorf("Create without a contact: %v, want errNoContact", err)
	}
	if _, err := svc.Create(ctx, sc, "Device", map[string]any{}, WriteOptions{}); err == nil {
		t.Error("Create of an unknown resource type succeeded")
	}
	merged, err := svc.Merge(ctx, sc, schemas.UserType, created.ID, map[string]any{"displayName": "Ann", "metadata": nil}, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m := merged.Attributes; m["displayName"] != "Ann" || m["password"] != doc["password"] || m["metadata"] != nil || m["userName"] != "ann" {
		t.Errorf("Merge = %v", m)
	}
	replaced, err := svc.Replace(ctx, sc, schemas.UserType, created.ID, map[string]any{"userName": "ann2"}, WriteOptions{ImplicitSchemas: true})
	if err != nil {
		t.Fatal(err)
	}
	if r := replaced.Attributes; r["password"] != doc["password"] || r["metadata"] != nil || r["userName"] != "ann2" {
		t.Errorf("Replace = %v", r)
	}
	_, err = svc.Replace(ctx, sc, schemas.UserType, created.ID, map[string]any{"userName": "ann3"},
		WriteOptions{ImplicitSchemas: true, If: Preconditions{IfMatch: Versions{Present: true, List: []int64{1}}}})
	if e, ok := errors.AsType[*Error](err); !ok || e.Kind != PreconditionFailed {
		t.Errorf("Replace with a stale If-Match: %v, want PreconditionFailed", err)
	}
}
