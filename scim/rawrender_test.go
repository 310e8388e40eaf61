package scim

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// TestRenderRawMatchesRender checks that a user written from its stored
// document is byte for byte what render and encoding/json make of the
// decoded document, and that the documents renderRaw cannot serve as
// stored are left to render.
func TestRenderRawMatchesRender(t *testing.T) {
	set := schemas.Default()
	rt := &set.User
	c := &call{base: "https://h<&>.example/tenants/t/scim/v2"}
	ent, scimd := schemas.EnterpriseUserURN, schemas.ScimdUserURN
	docs := []struct {
		name string
		doc  map[string]any
		raw  bool // renderRaw serves it
	}{
		{"plain", map[string]any{"userName": "a@example.com", "active": true, scimd: map[string]any{"status": "active"}}, true},
		{"no status", map[string]any{"userName": "a", "active": true}, true},
		{"inactive, no status", map[string]any{"userName": "a", "active": false}, true},
		{"empty scimd object", map[string]any{"userName": "a", scimd: map[string]any{}}, true},
		{"scimd object without status", map[string]any{"userName": "a", "active": false, scimd: map[string]any{"birthday": "2000-01-02"}}, true},
		{"escapes and numbers", map[string]any{"userName": "<b>&\u2028é\"\\", "displayName": "x\ty", "nickName": json.Number("1.50e3"),
			"emails": []any{map[string]any{"value": "a@b", "type": "work", "primary": true}},
			ent:      map[string]any{"employeeNumber": "7", "manager": map[string]any{"value": "m1"}}}, true},
		{"password and own id, schemas, meta", map[string]any{"userName": "a", "password": "secret", "id": "other",
			"schemas": []any{"x"}, "meta": map[string]any{"version": "1"}}, true},
		{"undeclared extension", map[string]any{"userName": "a", "urn:example:ext": map[string]any{"a": 1}}, true},
		{"empty extension", map[string]any{"userName": "a", ent: map[string]any{}}, true},
		{"undeclared core member", map[string]any{"userName": "a", "custom": []any{1, "2"}}, true},
		{"undeclared extension attribute", map[string]any{"userName": "a", ent: map[string]any{"nope": 1}}, false},
		{"stored groups", map[string]any{"userName": "a", "groups": []any{}}, false},
	}
	groups := []storage.GroupRef{{Value: "g1", Display: "Sales <EU>", Type: storage.GroupDirect}, {Value: "g2", Type: storage.GroupIndirect}}
	for _, d := range docs {
		for _, gs := range [][]storage.GroupRef{nil, groups} {
			stored, err := json.Marshal(d.doc)
			if err != nil {
				t.Fatal(err)
			}
			res := storage.Resource{ID: "u1", Doc: stored, Groups: gs, Meta: storage.Meta{
				Created: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), LastModified: time.Date(2025, 6, 7, 8, 9, 10, 0, time.FixedZone("x", 3600)), Version: 42}}
			got, ok := renderRaw(nil, c, rt, res)
			if ok != d.raw {
				t.Errorf("%s: renderRaw ok = %v, want %v", d.name, ok, d.raw)
			}
			if !ok {
				continue
			}
			dec, err := decoded(res)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(render(c, rt, dec))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("%s, groups %v:\nrenderRaw %s\nrender    %s", d.name, gs != nil, got, want)
			}
		}
	}
	if _, ok := renderRaw(nil, c, rt, storage.Resource{ID: "u1", Doc: []byte(`{"userName":"a"}`),
		Apps: []storage.AppAssignment{{App: "a1"}}}); ok {
		t.Error("renderRaw served a user with apps; want render")
	}
}
