package schemas

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/elimity-com/scim"
)

// The checker must refuse exactly what the schema library's server refuses
// (its POST and PUT validation and its PATCH validator), so that no body
// the library took before is refused now, and no refusal is left to the
// library's boilerplate detail. This test holds the two side by side on
// the bodies of TestCheck and TestCheckPatch and more.

// acceptAll is a resource handler that takes every write.
type acceptAll struct{}

func (acceptAll) Create(*http.Request, scim.ResourceAttributes) (scim.Resource, error) {
	return scim.Resource{ID: "x"}, nil
}
func (acceptAll) Get(*http.Request, string) (scim.Resource, error) {
	return scim.Resource{ID: "x"}, nil
}
func (acceptAll) GetAll(*http.Request, scim.ListRequestParams) (scim.Page, error) {
	return scim.Page{}, nil
}
func (acceptAll) Replace(*http.Request, string, scim.ResourceAttributes) (scim.Resource, error) {
	return scim.Resource{ID: "x"}, nil
}
func (acceptAll) Delete(*http.Request, string) error { return nil }
func (acceptAll) Patch(*http.Request, string, []scim.PatchOperation) (scim.Resource, error) {
	return scim.Resource{}, nil
}

// libraryServer is the library's server for a schema set, as scim/ builds
// it, with handlers that take every write the library lets through.
func libraryServer(t *testing.T, set Set) http.Handler {
	t.Helper()
	var types []scim.ResourceType
	for _, rt := range set.ResourceTypes() {
		var exts []scim.SchemaExtension
		for _, e := range rt.Extensions {
			exts = append(exts, scim.SchemaExtension{Schema: e.Schema, Required: e.Required})
		}
		types = append(types, scim.ResourceType{Name: rt.Name, Endpoint: rt.Endpoint, Schema: rt.Schema, SchemaExtensions: exts, Handler: acceptAll{}})
	}
	srv, err := scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: &scim.ServiceProviderConfig{SupportPatch: true},
		ResourceTypes:         types,
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func libraryAccepts(t *testing.T, srv http.Handler, method, path, body string) bool {
	t.Helper()
	w := httptest.NewRecorder()
	r := httptest.NewRequestWithContext(t.Context(), method, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/scim+json")
	srv.ServeHTTP(w, r)
	switch {
	case w.Code < 300:
		return true
	case w.Code == http.StatusBadRequest:
		return false
	}
	t.Fatalf("%s %s %s: the library answered %d %s", method, path, body, w.Code, w.Body)
	return false
}

// moreDocs and morePatches are bodies beyond the checker's tables:
// accepted shapes of real clients, and corners of the library's rules.
var (
	moreDocs = []string{
		`{` + userS + `,"userName":"x","emails":{}}`,
		`{` + userS + `,"userName":"x","emails":[]}`,
		`{` + userS + `,"userName":"x","emails":[null]}`,
		`{` + userS + `,"userName":"x","emails":{"value":5}}`,
		`{` + userS + `,"userName":"x","active":"1"}`,
		`{` + userS + `,"userName":"x","active":"yes"}`,
		`{` + userS + `,"userName":"x","x509Certificates":[{"value":"TWFu"}]}`,
		`{` + userS + `,"userName":"x","x509Certificates":[{"value":"not base64!"}]}`,
		`{` + userS + `,"userName":"x","name":{"givenName":"a","GIVENNAME":"b"}}`,
		`{` + userS + `,"userName":"x","externalId":5}`,
		`{` + userS + `,"userName":""}`,
		`{` + userS + `,"userName":"x","` + entS + `":null}`,
		`{` + userS + `,"userName":"x","` + entS + `":{"manager":"m"}}`,
		`{` + userS + `,"userName":"x","` + strings.ToLower(entS) + `":"ignored"}`,
		`{` + userS + `,"userName":"x","urn:scimd:schemas:extension:2.0:User":{"tags":[{"key":"k","value":"v"}],"passwordTemporary":"true"}}`,
		`{` + userS + `,"userName":"x","urn:scimd:schemas:extension:2.0:User":{"tags":[{"value":"v"}]}}`,
		`{` + userS + `,"userName":"x","urn:scimd:schemas:extension:2.0:User":{"aliases":"a"}}`,
		`{` + userS + `,"userName":"x","urn:scimd:schemas:extension:2.0:User":{"delegates":[{"actorId":"a","permissions":"read"}]}}`,
		`{` + userS + `,"userName":"x","` + tenS + `":{"badge":"b","level":"7","score":"2.5"}}`,
		`{` + userS + `,"userName":"x","` + tenS + `":{"badge":"b","level":1e3}}`,
		`{` + userS + `,"userName":"x","` + tenS + `":{"badge":"b","hired":"2024-05-01"}}`,
		`{` + userS + `,"userName":"x","` + tenS + `":{"badge":"b","rooms":{"floor":"x"}}}`,
		`{"schemas":[],"userName":"x"}`,
		`{"schemas":[5],"userName":"x"}`,
	}
	morePatches = []string{
		`[{"op":"ADD","path":"nickName","value":"Babs"}]`,
		`[{"op":"add","path":"","value":{"nickName":"Babs"}}]`,
		`[{"op":"add","path":null,"value":{"nickName":"Babs"}}]`,
		`[{"op":"remove","path":"title","value":"x"}]`,
		`[{"op":"remove","path":"emails","value":{"value":5}}]`,
		`[{"op":"remove","path":"members"}]`,
		`[{"op":"replace","path":"externalId","value":"e"}]`,
		`[{"op":"replace","path":"urn:ietf:params:scim:schemas:core:2.0:User:userName","value":"u"}]`,
		`[{"op":"replace","path":"` + strings.ToLower(entS) + `:department","value":"d"}]`,
		`[{"op":"replace","path":"` + entS + `:manager.value","value":"m"}]`,
		`[{"op":"replace","path":"` + entS + `:manager","value":"m"}]`,
		`[{"op":"replace","path":"emails[type eq \"work\"]","value":{"value":"a@b"}}]`,
		`[{"op":"replace","path":"emails[type eq \"work\" and primary eq true].value","value":"a@b"}]`,
		`[{"op":"replace","path":"emails.value","value":"a@b"}]`,
		`[{"op":"replace","path":"emails.value","value":["a@b"]}]`,
		`[{"op":"replace","path":"name","value":{"givenName":5}}]`,
		`[{"op":"replace","path":"name","value":{"givenName":"a","id":"x"}}]`,
		`[{"op":"replace","value":{"ID":"g","displayName":"G"}}]`,
		`[{"op":"replace","value":{"meta":{"x":1}}}]`,
		`[{"op":"replace","value":{"schemas":["x"]}}]`,
		`[{"op":"replace","value":{"name.givenName":"G","name.nope":"x"}}]`,
		`[{"op":"replace","value":{"emails[type eq \"work\"].value":"a@b"}}]`,
		`[{"op":"replace","value":{"urn:ietf:params:scim:schemas:core:2.0:User":{"userName":"u"}}}]`,
		`[{"op":"replace","value":{"` + entS + `":{"id":"x"}}}]`,
		`[{"op":"replace","value":{"` + entS + `":"x"}}]`,
		`[{"op":"replace","value":{"` + entS + `":{"` + entS + `:department":"d"}}}]`,
		`[{"op":"replace","value":{"department":"d"}}]`,
		`[{"op":"replace","value":{"urn:x:y:department":"d"}}]`,
		`[{"op":"replace","value":{}}]`,
		`[{"op":"replace","value":{"active":null}}]`,
		`[{"op":"remove","path":"emails[primary eq true]"}]`,
		`[{"op":"remove","path":"emails[not (type eq \"work\")]"}]`,
		`[{"op":"remove","path":"urn:scimd:schemas:extension:2.0:User:tags[key eq \"k\"]"}]`,
		`[{"op":"remove","path":"urn:scimd:schemas:extension:2.0:User:tags[nope eq \"k\"]"}]`,
		`[{"op":"add","path":"urn:scimd:schemas:extension:2.0:User:tags","value":[{"value":"v"}]}]`,
		`[{"op":"add","path":"` + tenS + `:level","value":"7"}]`,
		`[{"op":"add","path":"` + tenS + `:rooms","value":{"number":"1"}}]`,
		`[{"op":"add","path":"` + tenS + `:rooms[number eq \"1\"].floor","value":2}]`,
		`[{"op":"add","path":"` + tenS + `:rooms[number eq \"1\"].floor","value":"two"}]`,
	}
)

func TestCheckMatchesLibrary(t *testing.T) {
	allowStringValues(t)
	set := tenantCheckSet(t)
	srv := libraryServer(t, set)
	accepted, refused := 0, 0
	try := func(rt ResourceType, method, path, body string, check func(map[string]any) error) {
		t.Helper()
		lib := libraryAccepts(t, srv, method, path, body)
		if lib {
			accepted++
		} else {
			refused++
		}
		err := check(decode(t, body))
		if lib != (err == nil) {
			t.Errorf("%s %s %s:\n  library accepts: %v; checker: %v", method, path, body, lib, err)
		}
	}
	endpoint := func(rt ResourceType) string { return "/v2" + rt.Endpoint }
	docs := func(cases []checkCase, more ...string) {
		for _, c := range cases {
			rt := c.rt(set)
			try(rt, http.MethodPost, endpoint(rt), c.body, rt.Check)
			try(rt, http.MethodPut, endpoint(rt)+"/x", c.body, rt.Check)
		}
		for _, body := range more {
			try(set.User, http.MethodPost, endpoint(set.User), body, set.User.Check)
		}
	}
	patches := func(cases []checkCase, more ...string) {
		for _, c := range cases {
			rt := c.rt(set)
			try(rt, http.MethodPatch, endpoint(rt)+"/x", c.body, rt.CheckPatch)
		}
		for _, ops := range more {
			for _, rt := range set.ResourceTypes() {
				try(rt, http.MethodPatch, endpoint(rt)+"/x", `{`+patchS+`,"Operations":`+ops+`}`, rt.CheckPatch)
			}
		}
	}
	docs(checkCases(t), moreDocs...)
	patches(patchCases(t), morePatches...)
	t.Logf("the library accepted %d bodies and refused %d", accepted, refused)
	if accepted < 50 || refused < 50 {
		t.Errorf("the library accepted %d bodies and refused %d: want at least 50 of each", accepted, refused)
	}
}
