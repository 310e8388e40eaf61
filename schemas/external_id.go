package schemas

import (
	"strings"

	"github.com/elimity-com/scim/schema"
)

// WithExternalID returns s with the common attribute externalId (RFC 7643
// §3.1), as resources are validated: the schema library keeps common
// attributes out of the core schemas.
func WithExternalID(s schema.Schema) schema.Schema {
	for _, a := range s.Attributes {
		if strings.EqualFold(a.Name(), schema.CommonAttributeExternalID) {
			return s
		}
	}
	attrs := make([]schema.CoreAttribute, len(s.Attributes), len(s.Attributes)+1)
	copy(attrs, s.Attributes)
	s.Attributes = append(attrs, externalIDAttr)
	return s
}

// externalIDAttr is the definition WithExternalID adds, built once: the
// schema library's constructor costs tens of microseconds, and every
// create, replace and PATCH needs it.
var externalIDAttr = schema.SimpleCoreAttribute(schema.SimpleStringParams(schema.StringParams{
	CaseExact:  true,
	Mutability: schema.AttributeMutabilityReadWrite(),
	Name:       schema.CommonAttributeExternalID,
	Uniqueness: schema.AttributeUniquenessNone(),
}))
