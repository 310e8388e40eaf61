package schemas

import (
	"sync"

	"github.com/elimity-com/scim/schema"
)

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

// The schema library builds its schemas anew on every call, compiling a
// regular expression for each attribute name; scimd builds each once. The
// values are shared: callers must not modify them.
var (
	userSchema       = sync.OnceValue(func() schema.Schema { return coreUser(false) })
	userUniqueEmails = sync.OnceValue(func() schema.Schema { return coreUser(true) })
	groupSchema      = sync.OnceValue(schema.CoreGroupSchema)
	enterpriseSchema = sync.OnceValue(schema.ExtensionEnterpriseUser)
	commonAttributes = sync.OnceValue(func() schema.Attributes { return schema.CommonAttributes() })
	defaultSet       = sync.OnceValue(buildDefault)
)

// User returns the core User resource schema (RFC 7643 §4.1), whose emails
// and phoneNumbers carry scimd's verified and verifiedAt sub-attributes.
func User() schema.Schema { return userSchema() }

// UserUniqueEmails returns User with emails.value unique in the tenant
// (uniqueness "server"), the schema of tenants whose definition sets
// uniqueEmails.
func UserUniqueEmails() schema.Schema { return userUniqueEmails() }

// Group returns the core Group resource schema (RFC 7643 §4.2).
func Group() schema.Schema { return groupSchema() }

// EnterpriseUser returns the Enterprise User extension schema (RFC 7643 §4.3).
func EnterpriseUser() schema.Schema { return enterpriseSchema() }

// Common returns the attributes every resource has (RFC 7643 §3.1):
// schemas, id, externalId and meta.
func Common() schema.Attributes { return commonAttributes() }
