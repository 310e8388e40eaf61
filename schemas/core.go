package schemas

import "github.com/elimity-com/scim/schema"

// URNs of the schemas scimd serves.
const (
	UserURN           = "urn:ietf:params:scim:schemas:core:2.0:User"
	GroupURN          = "urn:ietf:params:scim:schemas:core:2.0:Group"
	EnterpriseUserURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
)

// Names of the resource types scimd serves.
const (
	UserType  = "User"
	GroupType = "Group"
)

// User returns the core User resource schema (RFC 7643 §4.1).
func User() schema.Schema { return schema.CoreUserSchema() }

// Group returns the core Group resource schema (RFC 7643 §4.2).
func Group() schema.Schema { return schema.CoreGroupSchema() }

// EnterpriseUser returns the Enterprise User extension schema (RFC 7643 §4.3).
func EnterpriseUser() schema.Schema { return schema.ExtensionEnterpriseUser() }

// Common returns the attributes every resource has (RFC 7643 §3.1):
// schemas, id, externalId and meta.
func Common() schema.Attributes { return schema.CommonAttributes() }
