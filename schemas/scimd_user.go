package schemas

import (
	"sync"

	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
)

// ScimdUserURN is the scimd User extension: the user-management data scimd
// keeps beyond the RFC 7643 schemas. Every tenant's users have it.
const ScimdUserURN = "urn:scimd:schemas:extension:2.0:User"

var scimdUserSchema = sync.OnceValue(func() schema.Schema {
	return schema.Schema{
		ID:          ScimdUserURN,
		Name:        optional.NewString("scimd User"),
		Description: optional.NewString("User management data of scimd"),
		Attributes:  []schema.CoreAttribute{AppsAttribute()},
	}
})

// ScimdUser returns the scimd User extension schema.
func ScimdUser() schema.Schema { return scimdUserSchema() }
