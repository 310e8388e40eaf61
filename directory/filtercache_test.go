package directory

import (
	"reflect"
	"testing"

	"github.com/scim2/filter-parser/v2"
)

// filterCorpus are filters of every shape the cache must give back exactly
// as the parser does, valid and not.
var filterCorpus = []string{
	`userName eq "bjensen"`,
	`userName eq "U123@Big.Example"`,
	`emails[type eq "work" and value eq "a@b.c"]`,
	`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "e0042706"`,
	`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "D 7" and active eq true`,
	`title pr and not (userName eq "a\"b" or displayName sw "x\\y")`,
	`meta.lastModified gt "2011-05-13T04:42:34Z" and meta.lastModified lt "2012-05-13T04:42:34Z"`,
	`userName eq ""`,
	`userName eq "\u00E9t\u00E9"`,
	`userName eq "é" or userName eq "ü" or userName eq "ß"`,
	`members[value eq "1" or value eq "2"] and displayName eq "g"`,
	`x eq 12 and y eq "12" and z eq null and w eq false`,
	`userName eq "a\qb"`,
	`userName eq "a` + "\x01" + `b"`,
	`userName eq "a\u00e9"`,
	`userName eq "open`,
	`userName eq "a" "b"`,
	`"lonely"`,
	`userName "x" eq "y"`,
	`emails["work"]`,
}

func TestShapeCacheMatchesParser(t *testing.T) {
	c := &shapeCache{shapes: make(map[string]filter.Expression)}
	for range 2 { // the second round is served from the cache
		for _, s := range filterCorpus {
			checkShape(t, c, s)
		}
	}
}

func checkShape(t *testing.T, c *shapeCache, s string) {
	t.Helper()
	want, wantErr := filter.ParseFilter([]byte(s))
	got, err := c.parse(s)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("parse(%q): error %v, the parser's %v", s, err, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("parse(%q) = %#v, the parser gives %#v", s, got, want)
	}
}

func TestShapeCacheBounded(t *testing.T) {
	c := &shapeCache{shapes: make(map[string]filter.Expression)}
	for i := range maxShapes * 2 {
		if _, err := c.parse("a" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676)) + ` eq "x"`); err != nil {
			t.Fatal(err)
		}
		if len(c.shapes) > maxShapes {
			t.Fatalf("%d shapes cached, the bound is %d", len(c.shapes), maxShapes)
		}
	}
}

func FuzzShapeCache(f *testing.F) {
	for _, s := range filterCorpus {
		f.Add(s)
	}
	c := &shapeCache{shapes: make(map[string]filter.Expression)}
	f.Fuzz(func(t *testing.T, s string) {
		checkShape(t, c, s)
	})
}
