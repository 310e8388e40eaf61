package schemas

import (
	"context"
	"slices"
	"sync"
)

// A Set is the complete schema of one tenant at one version: the User and
// Group resource types with their extensions. A Set is a value; a new
// version is a new Set.
type Set struct {
	// Version is the tenant's schema version; 0 is Default, which every
	// tenant has until it sets a definition.
	Version    int64
	Definition Definition
	User       ResourceType
	Group      ResourceType
}

// ResourceTypes returns the resource types of the set, User first.
func (s Set) ResourceTypes() []ResourceType { return []ResourceType{s.User, s.Group} }

// Default returns the schema set every tenant starts with: core User with the
// Enterprise User and scimd User extensions, and core Group.
func Default() Set {
	s := defaultSet()
	// Copy the extension list so that a caller appending to it (BuildSet)
	// never writes into the shared set.
	s.User.Extensions = slices.Clone(s.User.Extensions)
	s.Group.Extensions = slices.Clone(s.Group.Extensions)
	return s
}

func buildDefault() Set {
	return Set{
		User: ResourceType{
			Name:       UserType,
			Endpoint:   "/Users",
			Schema:     User(),
			Extensions: []Extension{{Schema: EnterpriseUser()}, {Schema: ScimdUser()}},
		},
		Group: ResourceType{
			Name:     GroupType,
			Endpoint: "/Groups",
			Schema:   Group(),
		},
	}
}

// A Source loads a tenant's definition at a version: the JSON that
// ParseDefinition reads.
type Source func(ctx context.Context, tenantID string, version int64) ([]byte, error)

// A Registry hands out the schema set of each tenant at the version the
// caller knows to be current, building each set once. It is safe for
// concurrent use.
type Registry struct {
	src     Source
	mu      sync.RWMutex
	tenants map[string]Set // by tenant ID; guarded by mu
}

// NewRegistry returns a registry that loads definitions from src. A nil
// src serves Default to every tenant.
func NewRegistry(src Source) *Registry {
	return &Registry{src: src, tenants: make(map[string]Set)}
}

// ForTenant returns the tenant's schema set at version (0: Default).
func (r *Registry) ForTenant(ctx context.Context, tenantID string, version int64) (Set, error) {
	if version == 0 || r.src == nil {
		return Default(), nil
	}
	r.mu.RLock()
	s, ok := r.tenants[tenantID]
	r.mu.RUnlock()
	if ok && s.Version == version {
		return s, nil
	}
	raw, err := r.src(ctx, tenantID, version)
	if err != nil {
		return Set{}, err
	}
	d, err := ParseDefinition(raw)
	if err != nil {
		return Set{}, err
	}
	if s, err = BuildSet(version, d); err != nil {
		return Set{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.tenants[tenantID]; !ok || old.Version < version {
		r.tenants[tenantID] = s
	}
	return s, nil
}
