package directory

import (
	"testing"

	"github.com/scim2/filter-parser/v2"
)

func TestParseFilterTolerance(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{in: `userName eq "bjensen"`, want: `userName eq "bjensen"`},
		{in: `externalId eq jyoung`, want: `externalId eq "jyoung"`},
		{in: `emails co example.com`, want: `emails co "example.com"`},
		{in: `meta.created gt 2015-05-01T00:00:00Z`, want: `meta.created gt "2015-05-01T00:00:00Z"`},
		{in: `active eq True`, want: `active eq true`},
		{in: `title pr and userName eq Bob`, want: `(title pr) and (userName eq "Bob")`},
		{in: `emails[type eq "work"].value eq "user@contoso.com"`, want: `emails[type eq "work" and value eq "user@contoso.com"]`},
		{in: `emails[type eq work].value eq user@contoso.com`, want: `emails[type eq "work" and value eq "user@contoso.com"]`},
		{in: `emails[type eq "work"].value pr`, want: `emails[type eq "work" and value pr]`},
		{in: `userName eq "a b" or (displayName co x)`, want: `(userName eq "a b") or (displayName co "x")`},
	}
	for _, c := range cases {
		got, err := ParseFilter(c.in)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", c.in, err)
			continue
		}
		want, err := ParseFilter(c.want)
		if err != nil {
			t.Fatalf("bad expectation %q: %v", c.want, err)
		}
		if gs, ws := stringOf(got), stringOf(want); gs != ws {
			t.Errorf("ParseFilter(%q) = %s, want %s", c.in, gs, ws)
		}
	}
	for _, bad := range []string{`userName eq`, `userName zz "x"`, `(userName eq "x"`, string(make([]byte, MaxFilterLength+1))} {
		if _, err := ParseFilter(bad); err == nil {
			t.Errorf("ParseFilter(%q) accepted", bad)
		}
	}
}

func stringOf(v any) string {
	if s, ok := v.(interface{ String() string }); ok {
		return s.String()
	}
	return ""
}

func TestPasswordHash(t *testing.T) {
	doc := map[string]any{"password": "correct horse"}
	if err := hashPassword(doc, nil); err != nil {
		t.Fatal(err)
	}
	hash, _ := doc["password"].(string)
	if hash == "correct horse" || !checkPassword(hash, "correct horse") || checkPassword(hash, "wrong") {
		t.Fatalf("hash %q does not verify as it should", hash)
	}
	again := map[string]any{"password": hash}
	if err := hashPassword(again, doc); err != nil || again["password"] != hash {
		t.Errorf("an unchanged hash was hashed again: %v", again["password"])
	}
	kept := map[string]any{}
	if err := hashPassword(kept, doc); err != nil || kept["password"] != hash {
		t.Errorf("a document without a password lost the stored hash")
	}
}

func TestLowerCaseEscapes(t *testing.T) {
	// Go's JSON encoder writes lower-case escapes; the filter is accepted
	// and means what it says.
	e, err := ParseFilter(`userName eq "\u00e9"`)
	if err != nil {
		t.Fatalf("lower-case escape refused: %v", err)
	}
	if ae, ok := e.(*filter.AttributeExpression); !ok || ae.CompareValue != `\u00E9` {
		t.Errorf("parsed %#v", e)
	}
}
