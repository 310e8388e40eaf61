package directory

import (
	"testing"

	"github.com/elimity-com/scim/schema"

	"github.com/scimd/scimd/schemas"
)

// TestVisibleRawRulesKeyedByLength checks that two resource types whose
// attribute lists share one array but differ in length get their own
// rules: the longer list's never-returned password must not borrow the
// shorter list's rules, where it is undeclared.
func TestVisibleRawRulesKeyedByLength(t *testing.T) {
	base := schemas.Default().User
	var attrs []schema.CoreAttribute
	var password schema.CoreAttribute
	found := false
	for _, a := range base.Schema.Attributes {
		if a.Name() == "password" {
			password, found = a, true
			continue
		}
		attrs = append(attrs, a)
	}
	if !found {
		t.Fatal("the User schema has no password attribute")
	}
	attrs = append(attrs, password)
	attrs = attrs[:len(attrs):len(attrs)]

	short, long := base, base
	short.Schema.Attributes = attrs[:len(attrs)-1]
	long.Schema.Attributes = attrs
	doc := []byte(`{"password":"s3cret","userName":"u@example.com"}`)
	_, _ = VisibleRaw(&short, doc) // caches the short list's rules first
	fields, ok := VisibleRaw(&long, doc)
	if !ok {
		return // decoding instead is safe too
	}
	for _, f := range fields {
		if f.Key == "password" {
			t.Fatal("a never-returned password was kept: the rules of a shorter list were used")
		}
	}
}
