package schemas

import (
	"reflect"
	"testing"

	"github.com/scim2/filter-parser/v2"
)

// TestSplitPlain checks that the hand-split paths are what the grammar's
// parser makes of them, and that paths it cannot split go to the parser.
func TestSplitPlain(t *testing.T) {
	for _, s := range []string{
		"userName", "name.givenName", "x509Certificates", "a-b_c", "members.$ref",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
		"urn:ietf:params:scim:schemas:core:2.0:User", "urn:scimd:schemas:extension:2.0:User:tags",
		"URN:x:y:attr", "urn:x:y.z", "urn:x:y:a.b",
	} {
		want, err := filter.ParsePath([]byte(s))
		got, ok := SplitPlainPath(s)
		if err != nil {
			if ok {
				t.Errorf("SplitPlainPath(%q) = %+v; the parser refuses it: %v", s, got, err)
			}
			continue
		}
		if !ok {
			t.Errorf("SplitPlainPath(%q) does not split it; the parser makes %+v of it", s, want)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("SplitPlainPath(%q) = %s, the parser: %s", s, got, want)
		}
	}
	for _, s := range []string{
		"", " userName", "userName ", "1abc", "a..b", "a.b.c", "urn:", "urn::x:a", "urn:x y:a", `emails[type eq "work"].value`, "name.", ".name",
	} {
		if p, ok := SplitPlainPath(s); ok {
			t.Errorf("SplitPlainPath(%q) = %s, want it left to the parser", s, p)
		}
	}
}

// TestParsePathCache checks that a path with a filter parses the same
// from the cache, errors included.
func TestParsePathCache(t *testing.T) {
	for _, s := range []string{`emails[type eq "work"].value`, `emails[type eq "work"`} {
		p1, err1 := parsePath(s)
		p2, err2 := parsePath(s)
		want, werr := filter.ParsePath([]byte(s))
		if !reflect.DeepEqual(p1, want) || !reflect.DeepEqual(p2, want) || (err1 == nil) != (werr == nil) || (err2 == nil) != (werr == nil) {
			t.Errorf("parsePath(%q) = %s, %v then %s, %v; the parser: %s, %v", s, p1, err1, p2, err2, want, werr)
		}
	}
}
