package rawjson

import (
	"encoding/json"
	"testing"
)

func TestAppendStringLikeEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\s`, "<a&b>", "\x00\x01\x1f\b\f\n\r\t", "é漢字🙂", "\u2028\u2029", "bad\xff\xfeutf8", "\x7f"} {
		want, _ := json.Marshal(s)
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("<x>\u2028\xff")
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
		}
	})
}

func TestFields(t *testing.T) {
	doc := ` { "a" : 1, "b":"x\"}", "c": {"d":[1,{"e":"]"}]}, "f":[], "g":null , "h":-1.5e3 } `
	got, ok := Fields([]byte(doc), nil)
	want := []Field{{"a", []byte("1")}, {"b", []byte(`"x\"}"`)}, {"c", []byte(`{"d":[1,{"e":"]"}]}`)},
		{"f", []byte("[]")}, {"g", []byte("null")}, {"h", []byte("-1.5e3")}}
	if !ok || len(got) != len(want) {
		t.Fatalf("Fields = %q, %v; want %q", got, ok, want)
	}
	for i := range want {
		if got[i].Key != want[i].Key || string(got[i].Value) != string(want[i].Value) {
			t.Errorf("field %d = %s: %s, want %s: %s", i, got[i].Key, got[i].Value, want[i].Key, want[i].Value)
		}
	}
	for _, bad := range []string{``, `[]`, `{"a":1`, `{"a\u0041":1}`, `{"a" 1}`, `{"a":1,}`, `{"a":}`, `{} x`, `{"a":"x}`} {
		if f, ok := Fields([]byte(bad), nil); ok {
			t.Errorf("Fields(%s) = %q, ok; want not ok", bad, f)
		}
	}
	if f, ok := Fields([]byte(`{}`), nil); !ok || len(f) != 0 {
		t.Errorf("Fields({}) = %q, %v", f, ok)
	}
}
