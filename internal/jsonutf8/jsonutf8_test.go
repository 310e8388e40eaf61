package jsonutf8

import "testing"

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want string // "" for nil
	}{
		{`{"userName":"bjensen","displayName":"Zoë 日本 ` + "\uFFFD" + `"}`, ""},
		{`{"a":"\ud83d\ude00","b":"\\ud800","c":"\u00e9"}`, ""},
		{`not json but UTF-8`, ""},
		{`{"userName":"bad` + "\xff\xfe" + `name"}`, "userName: the value is not valid UTF-8"},
		{`{"name":{"givenName":"` + "\xc3\x28" + `"}}`, "name.givenName: the value is not valid UTF-8"},
		{`{"emails":[{"value":"a"},{"type":"work","value":"` + "\xed\xa0\x80" + `"}]}`, "emails[1].value: the value is not valid UTF-8"},
		{`{"x":1,"nick` + "\xff" + `Name":"x"}`, "the attribute name \"nick\ufffdName\" is not valid UTF-8"},
		{`{"name":{"giv` + "\x80" + `en":"x"}}`, "name: the attribute name \"giv\ufffden\" is not valid UTF-8"},
		{`{"a":"lone \ud800 high"}`, "a: the value is not valid UTF-8"},
		{`{"a":"lone \uDC00 low"}`, "a: the value is not valid UTF-8"},
		{`{"a":"high then other \ud800\u0041"}`, "a: the value is not valid UTF-8"},
		{`{"a":"high at end \ud800"}`, "a: the value is not valid UTF-8"},
		{`{"Operations":[{"op":"add","value":"ok"},{"op":"replace","path":"displayName","value":["x","` + "\xff" + `"]}]}`, "Operations[1].value[1]: the value is not valid UTF-8"},
		{`[1,[2,"` + "\xff" + `"]]`, "[1][1]: the value is not valid UTF-8"},
		{`{"a":` + "\xff", "the body is not valid UTF-8"},
		{`{"a":{"b":[]},"c":"` + "\xff" + `"}`, "c: the value is not valid UTF-8"},
	} {
		e := Check([]byte(tc.doc))
		got := ""
		if e != nil {
			got = e.Error()
		}
		if got != tc.want {
			t.Errorf("Check(%q) = %q, want %q", tc.doc, got, tc.want)
		}
	}
}

func TestDotted(t *testing.T) {
	for _, tc := range []struct {
		path []any
		want string
	}{
		{nil, ""},
		{[]any{"userName"}, "userName"},
		{[]any{"emails", 1, "value"}, "emails[1].value"},
		{[]any{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "manager", "value"},
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"},
		{[]any{0, "a"}, "[0].a"},
	} {
		if got := Dotted(tc.path); got != tc.want {
			t.Errorf("Dotted(%v) = %q, want %q", tc.path, got, tc.want)
		}
	}
}
