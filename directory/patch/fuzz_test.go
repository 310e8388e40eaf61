package patch

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// FuzzApply applies arbitrary operation lists to fixed documents. Values
// reach Apply raw, without elimity's validation, so Apply's own checks are
// what stands between the input and the document. It asserts that Apply
// never panics, fails only with 4xx ScimError values, leaves its input
// alone, is deterministic, and returns documents that validate against the
// schema with Edit.Attributes set exactly when the document changed.
//
//	go test ./directory/patch/ -run '^$' -fuzz FuzzApply -fuzztime 30s
func FuzzApply(f *testing.F) {
	for _, c := range patchCases {
		f.Add(kindOf(c.rt), c.ops)
	}
	f.Add(uint8(0), `[{"op":"add","path":"emails[type eq \"work\" and primary eq true].display","value":"W"}]`)
	f.Add(uint8(0), `[{"op":"replace","path":"emails[value pr]","value":{"primary":true}}]`)
	f.Add(uint8(1), `[{"op":"remove","path":"members[not(value eq \"u1\")]"}]`)
	f.Add(uint8(2), `[{"op":"add","path":"urn:example:scimd:test:2.0:Custom:devices[since eq 2020.5].value","value":"x"}]`)
	f.Add(uint8(2), `[{"op":"ReplACe","pAth":"emAils[tYpe eq \"\"]","vAlue":"0"}]`)
	f.Add(uint8(2), `[{"op":"replace","path":"urn:example:scimd:test:2.0:Custom:devices[since gt 1.5 or value co \"d\"].since","value":"3"}]`)
	// Entra and Okta (see scim/scimtest/testdata/idp-requests.md).
	f.Add(uint8(0), `[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"x@y"},{"op":"Replace","path":"name.familyName","value":"F"}]`)
	f.Add(uint8(0), `[{"op":"Replace","path":"active","value":"False"}]`)
	f.Add(uint8(0), `[{"op":"replace","value":{"displayName":"D","name.givenName":"G","name.familyName":"F","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"1"}}]`)
	f.Add(uint8(0), `[{"op":"Add","path":"nickName","value":"Babs"},{"op":"Replace","path":"title","value":""}]`)
	f.Add(uint8(0), `[{"op":"replace","value":{"active":false}}]`)
	f.Add(uint8(1), `[{"op":"Add","path":"members","value":[{"$ref":null,"value":"u2"}]}]`)
	f.Add(uint8(1), `[{"op":"Remove","path":"members","value":[{"value":"u1"}]}]`)
	f.Add(uint8(1), `[{"op":"replace","value":{"id":"self-id","displayName":"renamed"}}]`)
	f.Add(uint8(1), `[{"op":"remove","path":"members[value eq \"u1\"]"},{"op":"add","path":"members","value":[{"value":"u3","display":"u@x"}]}]`)
	f.Add(uint8(1), `[{"op":"replace","path":"members","value":[{"value":"u1","display":"a"},{"value":"u4","display":"b"}]}]`)

	f.Fuzz(func(t *testing.T, kind uint8, opsJSON string) {
		ops, err := parseOps([]byte(opsJSON))
		if err != nil {
			return // elimity rejects what does not parse
		}
		fuzzApply(t, kind, ops)
	})
}

// FuzzApplyOperation is FuzzApply with the op, the path and the value of
// one operation as separate inputs, so that mutations keep the request
// well formed and reach deeper.
//
//	go test ./directory/patch/ -run '^$' -fuzz FuzzApplyOperation -fuzztime 30s
func FuzzApplyOperation(f *testing.F) {
	for _, c := range patchCases {
		var raw []rawOp
		if err := json.Unmarshal([]byte(c.ops), &raw); err != nil {
			f.Fatalf("%s: %v", c.name, err)
		}
		for _, r := range raw {
			path := ""
			if r.Path != nil {
				path = *r.Path
			}
			value, err := json.Marshal(r.Value)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(kindOf(c.rt), r.Op, path, string(value))
		}
	}
	f.Fuzz(func(t *testing.T, kind uint8, op, path, valueJSON string) {
		o := map[string]any{"op": op, "value": json.RawMessage(valueJSON)}
		if path != "" {
			o["path"] = path
		}
		data, err := json.Marshal([]any{o})
		if err != nil {
			return // the value is not JSON
		}
		ops, err := parseOps(data)
		if err != nil {
			return
		}
		fuzzApply(t, kind, ops)
	})
}

// fuzzApply applies ops to the document of a resource type chosen by kind
// and checks every property Apply promises.
func fuzzApply(t *testing.T, kind uint8, ops []Operation) {
	members := []storage.Member{{Value: "u1", Type: "User"}, {Value: "g7", Type: "Group"}}
	c := patchCase{rt: []string{"user", "group", "custom"}[kind%3]}
	rt, docJSON := c.resourceType(t)
	doc, pristine := decodeDoc(t, docJSON), decodeDoc(t, docJSON)
	opts := Options{ID: "self-id"}

	res, err := Apply(rt, doc, ops, opts)
	if !reflect.DeepEqual(doc, pristine) {
		t.Fatalf("Apply modified its input document")
	}
	if err != nil {
		_ = checkScimError(t, err)
		return
	}
	if res.NeedMembers {
		if rt.Name != schemas.GroupType {
			t.Fatalf("NeedMembers for a %s", rt.Name)
		}
		opts.Members = members
		res, err = Apply(rt, doc, ops, opts)
		if err != nil {
			_ = checkScimError(t, err)
			return
		}
		if res.NeedMembers {
			t.Fatalf("NeedMembers again with the member list loaded")
		}
	}
	checkResult(t, rt, pristine, res)
	again, err := Apply(rt, decodeDoc(t, docJSON), ops, opts)
	if err != nil || !sameValue(again.Doc, res.Doc) || !reflect.DeepEqual(again.Edit.RemoveMembers, res.Edit.RemoveMembers) {
		t.Fatalf("Apply is not deterministic: %v vs %v (%v)", res.Doc, again.Doc, err)
	}
}

func kindOf(rt string) uint8 {
	switch rt {
	case "group":
		return 1
	case "custom":
		return 2
	}
	return 0
}

// FuzzSplitPlain checks the hand-written split of plain path-less keys
// against the filter grammar's parser: whatever schemas.SplitPlainPath accepts, the
// parser accepts with the same result.
func FuzzSplitPlain(f *testing.F) {
	for _, k := range []string{"userName", "name.givenName", "$ref", "members.$ref", "a-b_c",
		ent + ":employeeNumber", ent + ":manager.value", ent + ".department", ent, "urn:a:b", "urn::x",
		"urn:a_b:c", "1abc", "a.b.c", "emails[type eq \"work\"].value", "", "urn:", "URN:x:y"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		p, ok := schemas.SplitPlainPath(key)
		if !ok {
			return
		}
		q, err := filter.ParsePath([]byte(key))
		if err != nil {
			t.Fatalf("schemas.SplitPlainPath accepted %q, the parser did not: %v", key, err)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("schemas.SplitPlainPath(%q) = %#v, parser %#v", key, p, q)
		}
	})
}
