package schemas

import (
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
)

// AppsAttributeName is the attribute of the scimd User extension
// (ScimdUserURN) that lists a user's app assignments.
const AppsAttributeName = "apps"

// AppsAttribute returns the definition of a user's apps: a read-only,
// multi-valued complex attribute, one element per app the user is
// assigned to. Elements also carry customAppData, the app's own data about
// the user: a JSON object, which no SCIM attribute type describes, so it
// is returned but not declared here.
func AppsAttribute() schema.CoreAttribute {
	ro := schema.AttributeMutabilityReadOnly()
	return schema.ComplexCoreAttribute(schema.ComplexParams{
		Description: optional.NewString("The apps the user is assigned to, with each app's data about the user (username, externalAccountId, " +
			"and customAppData, a JSON object). Assign and unassign with POST and DELETE /Users/{id}/apps/{appId}."),
		MultiValued: true,
		Mutability:  ro,
		Name:        AppsAttributeName,
		SubAttributes: []schema.SimpleParams{
			schema.SimpleStringParams(schema.StringParams{
				Description: optional.NewString("The app's id."),
				Mutability:  ro, Name: "value", CaseExact: true,
			}),
			schema.SimpleReferenceParams(schema.ReferenceParams{
				Description:    optional.NewString("The URI of the app: /Apps/{id}."),
				Mutability:     ro,
				Name:           "$ref",
				ReferenceTypes: []schema.AttributeReferenceType{schema.AttributeReferenceTypeURI},
			}),
			schema.SimpleStringParams(schema.StringParams{
				Description: optional.NewString("The app's name."),
				Mutability:  ro, Name: "display",
			}),
			schema.SimpleStringParams(schema.StringParams{
				Description: optional.NewString("The user's name in the app, unique within the app (case-insensitive)."),
				Mutability:  ro, Name: "username",
			}),
			schema.SimpleStringParams(schema.StringParams{
				Description: optional.NewString("The user's account id in the app."),
				Mutability:  ro, Name: "externalAccountId", CaseExact: true,
			}),
			schema.SimpleBooleanParams(schema.BooleanParams{
				Description: optional.NewString("Whether the user may use the app: false while the user is not active."),
				Mutability:  ro, Name: "active",
			}),
		},
	})
}
