package directory

import (
	"context"
	"errors"

	"github.com/elimity-com/scim/schema"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// DefaultPasswordMinLength is the shortest password the service accepts
// unless Config.PasswordMinLength says otherwise.
const DefaultPasswordMinLength = 8

// DefaultMaxMultiValues is the most values a multi-valued attribute may
// hold unless Config.MaxMultiValues says otherwise.
const DefaultMaxMultiValues = 50

// Config configures New.
type Config struct {
	Store storage.Store
	// Registry hands out tenants' schema sets; nil means one that reads
	// the definitions from Store.
	Registry *schemas.Registry
	// PasswordMinLength is the shortest password, in characters, that a
	// user may be given; 0 means DefaultPasswordMinLength.
	PasswordMinLength int
	// MaxMultiValues limits the values of each multi-valued attribute of
	// a resource a write leaves, and of each multi-valued sub-attribute
	// of one of its values (invalidValue above it); a group's members are
	// not counted. 0 means DefaultMaxMultiValues.
	MaxMultiValues int
}

// A Service is the directory of every tenant: the one place that reads and
// writes users, groups, apps and their assignments, memberships, lifecycle
// and sessions, and tenant schemas, and that holds their rules. It is safe
// for concurrent use; doors share one.
type Service struct {
	store       storage.Store
	registry    *schemas.Registry
	minPassword int
	maxValues   int // Config.MaxMultiValues
}

// New returns the service of cfg.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("directory: Config needs a Store")
	}
	if cfg.Registry == nil {
		store := cfg.Store
		cfg.Registry = schemas.NewRegistry(func(ctx context.Context, tenantID string, version int64) ([]byte, error) {
			return store.TenantSchema(ctx, storage.TenantID(tenantID), version)
		})
	}
	if cfg.PasswordMinLength <= 0 {
		cfg.PasswordMinLength = DefaultPasswordMinLength
	}
	if cfg.MaxMultiValues <= 0 {
		cfg.MaxMultiValues = DefaultMaxMultiValues
	}
	// Entra sends booleans as "True"/"False" strings. This switch of the
	// schema library is process-wide; scimd wants it for every tenant.
	schema.SetAllowStringValues(true)
	return &Service{store: cfg.Store, registry: cfg.Registry, minPassword: cfg.PasswordMinLength,
		maxValues: cfg.MaxMultiValues}, nil
}

// MaxMultiValues returns the limit of values of a multi-valued attribute
// that writes keep to (Config.MaxMultiValues).
func (s *Service) MaxMultiValues() int { return s.maxValues }

// A Scope is what one call of the service acts within: a tenant, its
// schema set at the tenant's current version, and the actor the audit log
// records for the call's writes. Doors make one per request (Service.Scope)
// and pass it to every call.
type Scope struct {
	Tenant storage.Tenant
	Set    schemas.Set
	Actor  storage.Actor
}

// Scope returns the scope of calls for tenant by actor. The schema set
// comes from the registry, which reads the store only when the tenant's
// schema version is one it has not built yet.
func (s *Service) Scope(ctx context.Context, tenant storage.Tenant, actor storage.Actor) (Scope, error) {
	set, err := s.registry.ForTenant(ctx, string(tenant.ID), tenant.SchemaVersion)
	if err != nil {
		return Scope{}, err
	}
	return Scope{Tenant: tenant, Set: set, Actor: actor}, nil
}

// ResourceType returns the resource type named typ (schemas.UserType or
// schemas.GroupType) of the scope's schema set. Any other name is an
// error: the service never guesses a type.
func (sc Scope) ResourceType(typ string) (*schemas.ResourceType, error) {
	switch typ {
	case schemas.UserType:
		return &sc.Set.User, nil
	case schemas.GroupType:
		return &sc.Set.Group, nil
	}
	return nil, errors.New("directory: unknown resource type " + typ)
}

// withActor returns ctx carrying the scope's actor, for the store's audit
// entries.
func (sc Scope) withActor(ctx context.Context) context.Context {
	return storage.WithActor(ctx, sc.Actor)
}
