package schemas

import (
	"strings"
	"sync"

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
	s.Attributes = withExternalIDAttrs(s.Attributes)
	return s
}

// extLists keeps the lists WithExternalID made, by the list they extend
// (its first element's address and its length), so that the schemas built
// once and used by every write are not copied on every write. A schema's
// list is never changed in place once built (appending past its length
// makes another list), and the key holds the list's array, so an address
// is never reused for another list while it is kept. At most maxExtLists
// are kept: schemas built per request only make the cache start over.
var extLists struct {
	mu    sync.Mutex
	lists map[extKey][]schema.CoreAttribute // guarded by mu
}

type extKey struct {
	first *schema.CoreAttribute
	n     int
}

const maxExtLists = 64

func withExternalIDAttrs(list []schema.CoreAttribute) []schema.CoreAttribute {
	if len(list) == 0 {
		return []schema.CoreAttribute{externalIDAttr}
	}
	k := extKey{&list[0], len(list)}
	extLists.mu.Lock()
	defer extLists.mu.Unlock()
	if out, ok := extLists.lists[k]; ok {
		return out[:len(out):len(out)]
	}
	out := make([]schema.CoreAttribute, len(list), len(list)+1)
	copy(out, list)
	out = append(out, externalIDAttr)
	if extLists.lists == nil || len(extLists.lists) >= maxExtLists {
		extLists.lists = make(map[extKey][]schema.CoreAttribute)
	}
	extLists.lists[k] = out
	return out[:len(out):len(out)]
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
