package patch

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/elimity-com/scim"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// recorder is an elimity resource handler whose Patch runs Apply on one
// stored document, so that tests see operations exactly as the library
// delivers them.
type recorder struct {
	rt   *schemas.ResourceType
	doc  map[string]any
	edit storage.Edit
	err  error
}

func (h *recorder) Patch(_ *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	res, err := Apply(h.rt, h.doc, ops, Options{ID: id})
	if err != nil {
		h.err = err
		return scim.Resource{}, err
	}
	h.edit = res.Edit
	h.doc = res.Doc
	return scim.Resource{}, nil
}

func (h *recorder) Create(*http.Request, scim.ResourceAttributes) (scim.Resource, error) {
	return scim.Resource{}, nil
}
func (h *recorder) Get(*http.Request, string) (scim.Resource, error) { return scim.Resource{}, nil }
func (h *recorder) GetAll(*http.Request, scim.ListRequestParams) (scim.Page, error) {
	return scim.Page{}, nil
}
func (h *recorder) Replace(*http.Request, string, scim.ResourceAttributes) (scim.Resource, error) {
	return scim.Resource{}, nil
}
func (h *recorder) Delete(*http.Request, string) error { return nil }

func newElimity(t *testing.T, rt *schemas.ResourceType, h *recorder) scim.Server {
	t.Helper()
	var exts []scim.SchemaExtension
	for _, e := range rt.Extensions {
		exts = append(exts, scim.SchemaExtension{Schema: e.Schema, Required: e.Required})
	}
	srv, err := scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: &scim.ServiceProviderConfig{SupportPatch: true},
		ResourceTypes: []scim.ResourceType{{
			ID: optional.NewString(rt.Name), Name: rt.Name, Endpoint: rt.Endpoint,
			Schema: rt.Schema, SchemaExtensions: exts, Handler: h,
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// TestThroughElimity sends IdP PATCH requests through the elimity server
// and applies what it delivers.
func TestThroughElimity(t *testing.T) {
	schema.SetAllowStringValues(true) // as scim.NewHandler does
	t.Cleanup(func() { schema.SetAllowStringValues(false) })
	cases := []struct {
		name   string
		group  bool
		ops    string
		want   map[string]string
		add    []string
		remove []string
	}{
		{name: "E9", ops: `[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"n@x.org"},{"op":"Replace","path":"name.familyName","value":"J"}]`,
			want: map[string]string{"emails/0/value": `"n@x.org"`, "name/familyName": `"J"`}},
		{name: "E11", ops: `[{"op":"Replace","path":"active","value":"False"}]`, want: map[string]string{"active": `false`}},
		{name: "E13", ops: `[{"op":"Add","path":"nickName","value":"Babs"}]`, want: map[string]string{"nickName": `"Babs"`}},
		{name: "E14", ops: `[{"op":"replace","value":{"displayName":"D","name.givenName":"G","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"7"}}]`,
			want: map[string]string{"displayName": `"D"`, "name/givenName": `"G"`, ent + "/employeeNumber": `"7"`}},
		{name: "E15", ops: `[{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"8"}]`,
			want: map[string]string{ent + "/employeeNumber": `"8"`}},
		{name: "E16 manager object", ops: `[{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"m2","displayName":"x"}}]`,
			want: map[string]string{ent + "/manager": `{"value":"m2"}`}},
		{name: "E17", ops: `[{"op":"Replace","path":"displayName","value":""}]`, want: map[string]string{"displayName": absent}},
		{name: "O7", ops: `[{"op":"replace","value":{"active":false}}]`, want: map[string]string{"active": `false`}},
		{name: "container", ops: `[{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D3"}}}]`,
			want: map[string]string{ent + "/department": `"D3"`}},
		{name: "RFC add", ops: `[{"op":"add","value":{"emails":[{"value":"babs@jensen.org","type":"home"}],"nickname":"Babs"}}]`,
			want: map[string]string{"nickName": `"Babs"`, "emails/2": absent}},
		{name: "RFC remove", ops: `[{"op":"remove","path":"emails[type eq \"work\" and value ew \"example.com\"]"}]`,
			want: map[string]string{"emails/0/type": `"home"`, "emails/1": absent}},
		{name: "E23", group: true, ops: `[{"op":"Replace","path":"displayName","value":"G2"}]`, want: map[string]string{"displayName": `"G2"`}},
		{name: "E24", group: true, ops: `[{"op":"Add","path":"members","value":[{"$ref":null,"value":"u1"},{"value":"u2"}]}]`, add: []string{"u1", "u2"}},
		{name: "E25", group: true, ops: `[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"u1"}]}]`, remove: []string{"u1"}},
		{name: "E26", group: true, ops: `[{"op":"remove","path":"members[value eq \"u1\"]"}]`, remove: []string{"u1"}},
		{name: "O14", group: true, ops: `[{"op":"replace","value":{"id":"g-1","displayName":"R"}}]`, want: map[string]string{"displayName": `"R"`}},
		{name: "O15", group: true, ops: `[{"op":"remove","path":"members[value eq \"u1\"]"},{"op":"add","path":"members","value":[{"value":"u1","display":"a@x"}]}]`,
			add: []string{"u1"}, remove: []string{"u1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rt, doc := userType(), userDoc
			if c.group {
				rt, doc = groupType(), groupDoc
			}
			h := &recorder{rt: rt, doc: decodeDoc(t, doc)}
			srv := newElimity(t, rt, h)
			body := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":` + c.ops + `}`
			req := httptest.NewRequestWithContext(t.Context(), http.MethodPatch, rt.Endpoint+"/g-1", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/scim+json")
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusNoContent {
				t.Fatalf("status %d: %s (Apply error: %v)", rec.Code, rec.Body, h.err)
			}
			if err := validateDoc(rt, h.doc); err != nil {
				t.Fatalf("result does not validate: %v", err)
			}
			for path, want := range c.want {
				got, ok := at(h.doc, path)
				if (want == absent) == ok || (ok && !sameValue(got, decode(t, want))) {
					t.Errorf("%s = %#v (present %t), want %s", path, got, ok, want)
				}
			}
			var added []string
			for _, m := range h.edit.AddMembers {
				added = append(added, m.Value)
			}
			if !slices.Equal(added, c.add) || !slices.Equal(h.edit.RemoveMembers, c.remove) {
				t.Errorf("members +%v -%v, want +%v -%v", added, h.edit.RemoveMembers, c.add, c.remove)
			}
		})
	}
}
