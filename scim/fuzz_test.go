package scim_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/scim"
	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/mysql/mysqltest"
)

// The fuzz targets of this file run their seeds in every go test; make
// reliability runs each for FUZZTIME:
//
//	go test ./scim/ -run '^$' -fuzz '^FuzzFilterSQLite$' -fuzztime 60s

// filterSeeds are filters real clients send (Entra, Okta; see
// scimtest/testdata/idp-requests.md) and some that stress the translator.
var filterSeeds = []string{
	`userName eq "9c4a3e6b-1b7e-4a62-8f34-5e0d0f2a1c55"`,
	`userName eq "Test_User_ab12"`,
	`externalId eq jyoung`,
	`externalId eq "johnwong"`,
	`emails[type eq "work"].value eq "user@contoso.com"`,
	`displayName eq "Test SCIMv2"`,
	`userName eq "test.user@okta.local"`,
	`members[type eq "Group" and value eq "x"]`,
	`members.value eq "u1"`,
	`name.familyName co "ens" and (active eq true or title pr)`,
	`not (userName sw "a") or meta.lastModified gt "2020-01-01T00:00:00Z"`,
	`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984"`,
	`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m1"`,
	`emails[value ew "@example.com" and primary eq true]`,
	`groups.value eq "g1"`,
	`meta.resourceType eq "User"`,
	`userName eq "%" or userName co "_" or userName co "\\"`,
	`id eq "' OR 1=1 --"`,
	`title gt 5 and active lt "x"`,
	`phoneNumbers.value eq "+1 555 0100"`,
	// Found by FuzzFilterMySQL: text outside ASCII against an ASCII
	// column (ids, member ids) made MySQL fail with "Illegal mix of
	// collations", a 500.
	`id eq "é"`,
	`members.value eq "é" or meta.resourceType eq "Group"`,
	`members[value sw "ü"]`,
	`groups.value ne "\u00e9"`,
}

// FuzzFilterSQLite parses arbitrary filters as the SCIM endpoints do and
// runs them against a real SQLite store holding a few users and a group:
// nothing panics, and every refusal is a FilterError or ValueError, whose
// detail the client sees, never an internal error.
func FuzzFilterSQLite(f *testing.F) { fuzzFilter(f, openSQLite(f)) }

// FuzzFilterMySQL is FuzzFilterSQLite on MySQL, when a server is
// configured (see mysqltest).
func FuzzFilterMySQL(f *testing.F) { fuzzFilter(f, mysqltest.OpenStore(f)) }

func fuzzFilter(f *testing.F, store storage.Store) {
	for _, s := range filterSeeds {
		f.Add(s, uint8(0))
		f.Add(s, uint8(1))
	}
	c, _ := serveLimited(f, store, scim.Config{})
	seedDirectory(c)
	set := schemas.Default()
	f.Fuzz(func(t *testing.T, s string, kind uint8) {
		e, err := directory.ParseFilter(s)
		if err != nil {
			return // answered 400 invalidFilter by the endpoints
		}
		rt := &set.User
		if kind%2 == 1 {
			rt = &set.Group
		}
		_, err = store.List(t.Context(), c.tenant, rt, storage.Query{Filter: e, Count: 10, StartIndex: 1})
		if err == nil {
			return
		}
		if fe, ok := errors.AsType[*storage.FilterError](err); ok {
			checkNoSQL(t, fe.Detail, s)
			return
		}
		if ve, ok := errors.AsType[*storage.ValueError](err); ok {
			checkNoSQL(t, ve.Detail, s)
			return
		}
		t.Fatalf("filter %q: %v, want nil, a FilterError or a ValueError", s, err)
	})
}

// seedDirectory makes two users, one with the enterprise extension, and a
// group holding both.
func seedDirectory(c *limitClient) []string {
	c.t.Helper()
	ann := c.create("/Users", map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"},
		"externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef", "userName": "Test_User_ab12", "active": true,
		"emails": []any{map[string]any{"primary": true, "type": "work", "value": "ann@contoso.com"}},
		"name":   map[string]any{"formatted": "Ann Lee", "familyName": "Lee", "givenName": "Ann"},
		"title":  "Engineer", "phoneNumbers": []any{map[string]any{"type": "work", "value": "+1 555 0100"}},
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": map[string]any{"employeeNumber": "701984", "department": "R&D"},
	})
	bob := c.create("/Users", map[string]any{
		"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": "test.user@okta.local",
		"name": map[string]any{"givenName": "Bob", "familyName": "Jensen"}, "displayName": "Bob", "locale": "en-US",
		"externalId": "00ujl29u0le5T6Aj10h7", "password": "1mz050nq-Long", "active": false,
	})
	g := c.create("/Groups", map[string]any{
		"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": "Test SCIMv2",
		"members": []any{map[string]any{"value": ann}, map[string]any{"value": bob, "display": "bob"}},
	})
	return []string{ann, bob, g}
}

// sqlMarkers are fragments of SQL and of database error messages that no
// response may hold unless the request did.
var sqlMarkers = []string{"SELECT ", "INSERT ", "UPDATE ", "DELETE FROM", " WHERE ", "sqlite", "SQLITE", "mysql", "MySQL", "MariaDB",
	"syntax error", "Error 1", "SQL logic", "near \"", "attr_values", "tenant_id", "database/sql", "goroutine ", "panic"}

// checkNoSQL fails t if text holds SQL text that input does not.
func checkNoSQL(t *testing.T, text string, input ...string) {
	t.Helper()
	in := strings.ToLower(strings.Join(input, "\x00"))
	for _, m := range sqlMarkers {
		if strings.Contains(text, m) && !strings.Contains(in, strings.ToLower(m)) {
			t.Fatalf("response holds %q: %s", m, text)
		}
	}
}

// bodySeeds are request bodies of Entra and Okta
// (scimtest/testdata/idp-requests.md), by the route they are sent to.
var bodySeeds = []struct {
	route uint8
	body  string
}{
	{0, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"externalId":"0a21f0f2","userName":"Test_User_1","active":true,"emails":[{"primary":true,"type":"work","value":"a@b.c"}],"meta":{"resourceType":"User"},"name":{"formatted":"g f","familyName":"f","givenName":"g"},"roles":[]}`},
	{0, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0User"],"userName":"Test_User_2","addresses":null,"phoneNumbers":null,"preferredLanguage":null,"title":null,"department":null,"manager":null}`},
	{0, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"okta.user@okta.local","name":{"givenName":"T","familyName":"U"},"emails":[{"primary":true,"value":"t@okta.local","type":"work"}],"displayName":"T U","locale":"en-US","externalId":"00uj","groups":[],"password":"1mz050nqXy","active":true}`},
	{1, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],"externalId":"8aa1","displayName":"G1","meta":{"resourceType":"Group"}}`},
	{1, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2 2","members":[]}`},
	{2, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local","active":false,"name":{"middleName":"M"},"groups":[]}`},
	{3, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"x@y"},{"op":"Replace","path":"name.familyName","value":"F"}]}`},
	{3, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}`},
	{3, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"displayName":"D","name.givenName":"G","name.familyName":"F","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"1"}}]}`},
	{3, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"m1"}]}`},
	{3, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"nickName","value":""},{"op":"Replace","path":"title","value":null}]}`},
	{3, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":true}}]}`},
	{4, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"USER"}]}]}`},
	{4, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Remove","path":"members","value":[{"value":"USER"}]}]}`},
	{4, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"USER\"]"},{"op":"add","path":"members","value":[{"value":"USER","display":"u@x"}]}]}`},
	{4, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":"GROUP","displayName":"renamed"}}]}`},
	{5, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","members":[{"value":"USER","display":"u"}]}`},
	{6, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName eq \"Test_User_ab12\"","startIndex":1,"count":10,"attributes":["userName"]}`},
	{6, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"emails[type eq \"work\"].value co \"@\"","sortBy":"name.familyName","sortOrder":"descending","cursor":""}`},
	{0, `{"userName":`},
	{0, `[]`},
	{3, `{"Operations":[{"op":"remove","path":"emails[type eq \"work\" and not (value pr)]"}]}`},
}

// FuzzBodies sends arbitrary JSON bodies with POST, PUT and PATCH to an
// httptest scimd on SQLite: no response is a 5xx, no error response holds
// SQL text the body did not, and a resource that accepted a PUT or PATCH
// still validates against its schema. For PATCH, a non-empty op makes the
// body one operation of op, path and value (JSON), so that mutations keep
// the request well formed and reach the engine.
func FuzzBodies(f *testing.F) { fuzzBodies(f, openSQLite(f)) }

// FuzzBodiesMySQL is FuzzBodies on MySQL, when a server is configured (see
// mysqltest): its ID columns are ASCII and its strings are compared by
// byte, which SQLite does not share.
func FuzzBodiesMySQL(f *testing.F) { fuzzBodies(f, mysqltest.OpenStore(f)) }

func fuzzBodies(f *testing.F, store storage.Store) {
	for _, s := range bodySeeds {
		f.Add(s.route, s.body, "", "", "")
		if s.route != 3 && s.route != 4 {
			continue
		}
		var req struct {
			Operations []struct {
				Op    string          `json:"op"`
				Path  string          `json:"path"`
				Value json.RawMessage `json:"value"`
			}
		}
		if json.Unmarshal([]byte(s.body), &req) != nil {
			continue
		}
		for _, o := range req.Operations {
			f.Add(s.route, "", o.Op, o.Path, string(o.Value))
		}
	}
	c, _ := serveLimited(f, store, scim.Config{})
	ids := seedDirectory(c)
	user, group := ids[0], ids[2]
	f.Fuzz(func(t *testing.T, route uint8, body, op, attrPath, value string) {
		if op != "" && (route%7 == 3 || route%7 == 4) {
			o := map[string]any{"op": op}
			if attrPath != "" {
				o["path"] = attrPath
			}
			if value != "" {
				if !json.Valid([]byte(value)) {
					return
				}
				o["value"] = json.RawMessage(value)
			}
			b, err := json.Marshal(map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}, "Operations": []any{o}})
			if err != nil {
				return
			}
			body = string(b)
		}
		body = strings.ReplaceAll(strings.ReplaceAll(body, "USER", ids[1]), "GROUP", group)
		method, path := http.MethodPost, "/Users"
		switch route % 7 {
		case 1:
			path = "/Groups"
		case 2:
			method, path = http.MethodPut, "/Users/"+user
		case 3:
			method, path = http.MethodPatch, "/Users/"+user
		case 4:
			method, path = http.MethodPatch, "/Groups/"+group
		case 5:
			method, path = http.MethodPut, "/Groups/"+group
		case 6:
			path = "/Users/.search"
		}
		ct := *c
		ct.t = t
		r := ct.do(method, path, []byte(body))
		checkResponse(t, r, method+" "+path, body)
		if r.status/100 == 2 {
			switch route % 7 {
			case 2, 3:
				checkValid(t, &ct, "/Users/"+user)
			case 4, 5:
				checkValid(t, &ct, "/Groups/"+group)
			}
		}
	})
}

// checkResponse checks what every response must be: not a 5xx, and no
// SQL text in an error the input does not hold.
func checkResponse(t *testing.T, r limitResponse, what string, input ...string) {
	t.Helper()
	if r.status >= 500 {
		t.Fatalf("%s: %d %s", what, r.status, r.raw)
	}
	if r.status >= 400 {
		checkNoSQL(t, string(r.raw), input...)
	}
}

// checkValid reads a resource back after an accepted PUT or PATCH and
// checks it against its schema (User or Group).
func checkValid(t *testing.T, c *limitClient, path string) {
	t.Helper()
	r := c.do(http.MethodGet, path, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s after an accepted change: %d %s", path, r.status, r.raw)
	}
	var doc map[string]any
	if err := json.Unmarshal(r.raw, &doc); err != nil {
		t.Fatal(err)
	}
	rt := schemas.Default().User
	if strings.HasPrefix(path, "/Groups/") {
		rt = schemas.Default().Group
	}
	if _, err := rt.Schema.Validate(doc); err != nil {
		t.Fatalf("%s does not validate against its schema after an accepted change: %v\n%s", path, err, r.raw)
	}
}

// FuzzQuery sends arbitrary query parameters to the list and get
// endpoints of an httptest scimd on SQLite: no response is a 5xx, and no
// error response holds SQL text the query did not.
func FuzzQuery(f *testing.F) { fuzzQuery(f, openSQLite(f)) }

// FuzzQueryMySQL is FuzzQuery on MySQL, when a server is configured (see
// mysqltest).
func FuzzQueryMySQL(f *testing.F) { fuzzQuery(f, mysqltest.OpenStore(f)) }

func fuzzQuery(f *testing.F, store storage.Store) {
	for i, s := range filterSeeds {
		f.Add(uint8(i), s, "userName", "ascending", "", "", "1", "10", "")
	}
	f.Add(uint8(1), `displayName eq "Test SCIMv2"`, "", "", "", "members", "1", "100", "")
	f.Add(uint8(0), "", "name.familyName", "descending", "userName,emails", "", "", "", "")
	f.Add(uint8(0), "", "", "", "", "", "6", "5", "")
	f.Add(uint8(0), `userName sw "t"`, "", "", "", "", "", "1", "x")
	f.Add(uint8(2), "", "", "", "userName", "", "", "", "")
	f.Add(uint8(3), "", "", "", "", "members", "", "", "")
	f.Add(uint8(0), "", "", "", "", "", "-1", "-5", "")
	f.Add(uint8(0), "", "meta.created", "DESC", "", "password", "99999999999999999999", "2147483648", "AAAA")
	c, _ := serveLimited(f, store, scim.Config{})
	ids := seedDirectory(c)
	f.Fuzz(func(t *testing.T, route uint8, filter, sortBy, sortOrder, attributes, excluded, startIndex, count, cursor string) {
		q := url.Values{}
		for k, v := range map[string]string{"filter": filter, "sortBy": sortBy, "sortOrder": sortOrder, "attributes": attributes,
			"excludedAttributes": excluded, "startIndex": startIndex, "count": count} {
			if v != "" {
				q.Set(k, v)
			}
		}
		if cursor != "" || route&8 != 0 {
			q.Set("cursor", cursor)
		}
		path := []string{"/Users", "/Groups", "/Users/" + ids[0], "/Groups/" + ids[2], "", "/Users/" + strconv.Itoa(int(route))}[int(route&7)%6]
		ct := *c
		ct.t = t
		r := ct.do(http.MethodGet, path+"?"+q.Encode(), nil)
		checkResponse(t, r, "GET "+path+"?"+q.Encode(), filter, sortBy, sortOrder, attributes, excluded, startIndex, count, cursor)
		if r.status < 400 {
			checkNoSQL(t, string(r.raw), filter, sortBy, sortOrder, attributes, excluded, startIndex, count, cursor)
		}
	})
}
