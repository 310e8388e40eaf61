package patch

import (
	"reflect"
	"testing"

	scimfilter "github.com/elimity-com/scim/filter"
	"github.com/elimity-com/scim/schema"

	"github.com/scimd/scimd/schemas"
)

// TestParseOpPathAsValidator checks that parseOpPath, which splits plain
// paths by hand, returns what the schema library's path validator
// returns for every path: the same Path, or an error where it refuses.
func TestParseOpPathAsValidator(t *testing.T) {
	paths := []string{
		"active", "ACTIVE", "userName", "name.givenName", "Name.GivenName", "emails", "emails.value",
		"emails.nope", "nope", "name.nope", "active.value", "displayName.x",
		ent + ":employeeNumber", ent + ":manager.value", ent + ":manager.nope", ent + ":nope",
		"urn:ietf:params:scim:schemas:core:2.0:User:userName", "urn:ietf:params:scim:schemas:core:2.0:User:name.familyName",
		"urn:ietf:params:scim:schemas:core:2.0:Group:displayName", "urn:x:y:active",
		`emails[type eq "work"].value`, `emails[type eq "work"]`, `emails[nope eq "x"]`,
		"", ".", "a..b", "name.", ":active", "urn:", "emails[", "members", "externalId", "meta.created",
	}
	for _, rt := range []struct {
		core schema.Schema
		exts []schema.Schema
	}{{schemas.WithExternalID(userType().Schema), extensionSchemas(userType())}, {schemas.WithExternalID(groupType().Schema), extensionSchemas(groupType())}} {
		for _, p := range paths {
			want, wantErr := func() (any, error) {
				pv, err := scimfilter.NewPathValidator(p, rt.core, rt.exts...)
				if err != nil {
					return nil, err
				}
				if err := pv.Validate(); err != nil {
					return nil, err
				}
				return pv.Path(), nil
			}()
			got, err := parseOpPath(p, rt.core, rt.exts)
			if (err != nil) != (wantErr != nil) {
				t.Errorf("%s %q: error %v, the validator's %v", rt.core.ID, p, err, wantErr)
				continue
			}
			if err == nil && !reflect.DeepEqual(any(got), want) {
				t.Errorf("%s %q: %#v, the validator's %#v", rt.core.ID, p, got, want)
			}
		}
	}
}

func extensionSchemas(rt *schemas.ResourceType) []schema.Schema {
	var out []schema.Schema
	for _, e := range rt.Extensions {
		out = append(out, e.Schema)
	}
	return out
}
