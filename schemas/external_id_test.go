package schemas

import (
	"strings"
	"testing"

	"github.com/elimity-com/scim/schema"
)

// TestWithExternalIDKeptLists checks that the lists WithExternalID keeps
// are those of the schema asked for: the same list twice gives the same
// attributes, another list of the same length its own, and a caller that
// appends to a result changes no later result.
func TestWithExternalIDKeptLists(t *testing.T) {
	set := Default()
	names := func(s schema.Schema) string {
		var out []string
		for _, a := range s.Attributes {
			out = append(out, a.Name())
		}
		return strings.Join(out, ",")
	}
	user, group := set.User.Schema, set.Group.Schema
	first := WithExternalID(user)
	if got := first.Attributes[len(first.Attributes)-1].Name(); got != schema.CommonAttributeExternalID {
		t.Fatalf("last attribute %q, want externalId", got)
	}
	_ = append(first.Attributes, group.Attributes[0]) // a caller's append must not reach the kept list
	second := WithExternalID(user)
	if names(second) != names(first) || len(second.Attributes) != len(user.Attributes)+1 {
		t.Errorf("second call: %s, want %s", names(second), names(first))
	}
	other := schema.Schema{ID: "urn:test", Attributes: append([]schema.CoreAttribute(nil), group.Attributes...)}
	other.Attributes[0] = user.Attributes[0]
	if got, want := names(WithExternalID(other)), names(other)+","+schema.CommonAttributeExternalID; got != want {
		t.Errorf("another list: %s, want %s", got, want)
	}
	if got := WithExternalID(first); len(got.Attributes) != len(first.Attributes) {
		t.Errorf("a list with externalId grew to %d attributes", len(got.Attributes))
	}
}
