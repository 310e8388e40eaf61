package directory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// TenantDefinition returns a tenant's current schema definition and its
// version; a tenant that never set one has the empty definition at 0.
func (s *Service) TenantDefinition(ctx context.Context, tenant storage.Tenant) (schemas.Definition, int64, error) {
	if tenant.SchemaVersion == 0 {
		return schemas.Definition{}, 0, nil
	}
	raw, err := s.store.TenantSchema(ctx, tenant.ID, tenant.SchemaVersion)
	if err != nil {
		return schemas.Definition{}, 0, err
	}
	d, err := schemas.ParseDefinition(raw)
	return d, tenant.SchemaVersion, err
}

// ApplyDefinition makes raw (a definition as schemas.ParseDefinition reads
// it) the tenant's schema: it validates the definition, checks that the
// tenant's data allows every change, and stores it as the next version,
// which every scimd instance serves from its next request on. The CLI and
// the admin API both change schemas through it; the audit log records
// actor.
func (s *Service) ApplyDefinition(ctx context.Context, tenant storage.Tenant, actor storage.Actor, raw []byte) (int64, error) {
	d, err := schemas.ParseDefinition(raw)
	if err != nil {
		return 0, err
	}
	old, version, err := s.TenantDefinition(ctx, tenant)
	if err != nil {
		return 0, err
	}
	set, err := schemas.BuildSet(version+1, d)
	if err != nil {
		return 0, err
	}
	canonical, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return 0, err
	}
	next, err := s.store.SetTenantSchema(storage.WithActor(ctx, actor), tenant.ID, version, canonical, &set, d.Changes(old))
	var conflict *storage.SchemaConflictError
	if errors.As(err, &conflict) {
		return 0, fmt.Errorf("%s: %s; resources in the way: %v: %w", conflict.Attribute, conflict.Reason, conflict.IDs, err)
	}
	if errors.Is(err, storage.ErrVersionMismatch) {
		return 0, fmt.Errorf("the tenant's schema changed meanwhile; read it again and retry: %w", err)
	}
	return next, err
}
