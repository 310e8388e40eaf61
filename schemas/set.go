package schemas

import (
	"context"
	"sync"
)

// A Set is the complete schema of one tenant at one version: the User and
// Group resource types with their extensions. A Set is a value; a new
// version is a new Set.
type Set struct {
	Version int64
	User    ResourceType
	Group   ResourceType
}

// ResourceTypes returns the resource types of the set, User first.
func (s Set) ResourceTypes() []ResourceType { return []ResourceType{s.User, s.Group} }

// Default returns the schema set every tenant starts with: core User with the
// Enterprise User extension, and core Group.
func Default() Set {
	return Set{
		Version: 1,
		User: ResourceType{
			Name:       UserType,
			Endpoint:   "/Users",
			Schema:     User(),
			Extensions: []Extension{{Schema: EnterpriseUser()}},
		},
		Group: ResourceType{
			Name:     GroupType,
			Endpoint: "/Groups",
			Schema:   Group(),
		},
	}
}

// A Registry hands out the schema set of each tenant. Tenants without a set
// of their own get Default. It is safe for concurrent use.
type Registry struct {
	mu      sync.RWMutex
	tenants map[string]Set // by tenant ID; guarded by mu
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{tenants: make(map[string]Set)} }

// ForTenant returns the schema set of the tenant.
func (r *Registry) ForTenant(_ context.Context, tenantID string) (Set, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if s, ok := r.tenants[tenantID]; ok {
		return s, nil
	}
	return Default(), nil
}

// Put installs a tenant's schema set, replacing any older version.
func (r *Registry) Put(tenantID string, s Set) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.tenants[tenantID]; ok && old.Version > s.Version {
		return
	}
	r.tenants[tenantID] = s
}
