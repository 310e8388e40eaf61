package sqlstore

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"

	sq "github.com/Masterminds/squirrel"

	"github.com/scimd/scimd/storage"
)

// Authenticate finds a tenant by name (byte for byte) and its valid
// credential by token hash, with one indexed join, or in the store's cache
// of the lookups of the last storage.AuthCacheTTL (see authCache).
func (s *Store) Authenticate(ctx context.Context, tenantName string, tokenHash []byte) (storage.Tenant, storage.Credential, error) {
	if len(tokenHash) != sha256.Size || !asciiID(tenantName) {
		return storage.Tenant{}, storage.Credential{}, fmt.Errorf("credential: %w", storage.ErrNotFound)
	}
	now := s.now()
	t, c, gen, ok := s.auth.get(tenantName, tokenHash, now)
	if ok {
		return t, c, nil
	}
	t, c, err := s.authenticate(ctx, tenantName, tokenHash)
	if err == nil {
		s.auth.put(tenantName, tokenHash, t, c, now, gen)
	}
	return t, c, err
}

// authenticate is Authenticate's query.
func (s *Store) authenticate(ctx context.Context, tenantName string, tokenHash []byte) (storage.Tenant, storage.Credential, error) {
	var t storage.Tenant
	cols := []string{"t.id", "t.name", "t.created", "t.schema_version"}
	for _, c := range credentialColumns {
		cols = append(cols, "c."+c)
	}
	rows, err := s.queryPrepared(ctx, sq.Select(append(cols, "c.token_hash")...).
		From(tenantsTable+" t").Join(credsTable+" c ON c.tenant_id = t.id").
		Where(sq.Eq{"t.name": tenantName, "c.token_hash": tokenHash, "c.revoked": nil}))
	if err != nil {
		return t, storage.Credential{}, s.mapErr("authenticate", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return t, storage.Credential{}, s.mapErr("authenticate", err)
		}
		return t, storage.Credential{}, fmt.Errorf("credential: %w", storage.ErrNotFound)
	}
	var id, created string
	var stored []byte
	c, err := scanCredentialWith(rows, []any{&id, &t.Name, &created, &t.SchemaVersion}, &stored)
	if err != nil {
		return t, c, s.mapErr("authenticate", err)
	}
	// The name byte for byte: the SQL equality ignores trailing spaces on
	// MySQL (see Tenant).
	if subtle.ConstantTimeCompare(stored, tokenHash) != 1 || t.Name != tenantName {
		return storage.Tenant{}, storage.Credential{}, fmt.Errorf("credential: %w", storage.ErrNotFound)
	}
	t.ID, c.Tenant = storage.TenantID(id), storage.TenantID(id)
	if t.Created, err = parseStoredTime(created); err != nil {
		return t, c, err
	}
	return t, c, s.mapErr("authenticate", rows.Close())
}
