package sqlstore

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	sq "github.com/Masterminds/squirrel"
	"github.com/google/uuid"

	"github.com/scimd/scimd/storage"
)

// maxCredentialName is the longest credential name, in characters; the
// name columns are VARCHAR(64).
const maxCredentialName = 64

// credentialColumns are read for every credential, in this order (see
// scanCredential).
var credentialColumns = []string{"id", "name", "created", "last_used", "revoked"}

// checkCredentialName reports whether name is a valid credential name: 1 to
// 64 characters of valid UTF-8, no control characters and no white space at
// either end.
func checkCredentialName(name string) error {
	n := utf8.RuneCountInString(name)
	if n == 0 || n > maxCredentialName || !utf8.ValidString(name) ||
		strings.IndexFunc(name, unicode.IsControl) >= 0 || strings.TrimSpace(name) != name {
		return &storage.ValueError{Attribute: "name",
			Detail: "a credential name is 1 to 64 characters, without control characters or white space at either end"}
	}
	return nil
}

// CreateCredential stores a new credential for the token whose SHA-256 hash
// is tokenHash.
func (s *Store) CreateCredential(ctx context.Context, tenant storage.TenantID, name string, tokenHash []byte) (storage.Credential, error) {
	if err := checkCredentialName(name); err != nil {
		return storage.Credential{}, err
	}
	if len(tokenHash) != sha256.Size {
		return storage.Credential{}, &storage.ValueError{Attribute: "tokenHash",
			Detail: fmt.Sprintf("a token hash is %d bytes (SHA-256), not %d", sha256.Size, len(tokenHash))}
	}
	now := s.now().UTC().Truncate(timePrecision)
	c := storage.Credential{ID: uuid.NewString(), Tenant: tenant, Name: name, Created: now}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// Lock the tenant row so that a concurrent DeleteTenant either sees
		// the new credential or runs first and makes this one fail.
		b := sq.Select("id").From(tenantsTable).Where(sq.Eq{"id": string(tenant)})
		if s.d.LockSuffix != "" {
			b = b.Suffix(s.d.LockSuffix)
		}
		var id string
		if err := s.queryRow(ctx, tx, b, &id); errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("tenant %s: %w", tenant, storage.ErrNotFound)
		} else if err != nil {
			return err
		}
		if _, err := s.exec(ctx, tx, sq.Insert(credsTable).
			Columns("tenant_id", "id", "name", "token_hash", "created").
			Values(string(tenant), c.ID, name, tokenHash, formatTime(now))); err != nil {
			return err
		}
		return s.writeAudit(ctx, tx, tenant, auditRow{op: storage.AuditCreate, rtype: storage.AuditCredential, id: c.ID,
			changes: []storage.AttributeChange{{Path: "name", New: name}}})
	})
	if err != nil {
		return storage.Credential{}, s.mapErr("create credential", err)
	}
	return c, nil
}

// Credentials returns every credential of the tenant, oldest first.
func (s *Store) Credentials(ctx context.Context, tenant storage.TenantID) ([]storage.Credential, error) {
	rows, err := s.query(ctx, s.read, sq.Select(credentialColumns...).From(credsTable).
		Where(sq.Eq{"tenant_id": string(tenant)}).OrderBy("created", "id"))
	if err != nil {
		return nil, s.mapErr("list credentials", err)
	}
	defer rows.Close()
	var out []storage.Credential
	for rows.Next() {
		c, err := scanCredential(rows, tenant)
		if err != nil {
			return nil, s.mapErr("list credentials", err)
		}
		out = append(out, c)
	}
	return out, s.mapErr("list credentials", rows.Err())
}

// RevokeCredential sets the revocation time of a valid credential.
func (s *Store) RevokeCredential(ctx context.Context, tenant storage.TenantID, id string) error {
	if !asciiID(id) {
		return fmt.Errorf("credential %q: %w", id, storage.ErrNotFound)
	}
	now := s.now().UTC().Truncate(timePrecision)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, sq.Update(credsTable).Set("revoked", formatTime(now)).
			Where(sq.Eq{"tenant_id": string(tenant), "id": id, "revoked": nil}))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n > 0 {
			return s.writeAudit(ctx, tx, tenant, auditRow{op: storage.AuditRevoke, rtype: storage.AuditCredential, id: id,
				changes: []storage.AttributeChange{{Path: "revoked", New: formatTime(now)}}})
		}
		// Nothing changed: revoked already, or no such credential.
		return s.credentialExists(ctx, tx, tenant, id)
	})
	s.auth.forget(tenant)
	return s.mapErr("revoke credential", err)
}

// CredentialByHash returns the valid credential whose token hash is
// tokenHash.
func (s *Store) CredentialByHash(ctx context.Context, tenant storage.TenantID, tokenHash []byte) (storage.Credential, error) {
	if len(tokenHash) != sha256.Size {
		return storage.Credential{}, fmt.Errorf("credential: %w", storage.ErrNotFound)
	}
	rows, err := s.query(ctx, s.read, sq.Select(append(credentialColumns, "token_hash")...).From(credsTable).
		Where(sq.Eq{"tenant_id": string(tenant), "token_hash": tokenHash, "revoked": nil}))
	if err != nil {
		return storage.Credential{}, s.mapErr("get credential", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return storage.Credential{}, s.mapErr("get credential", err)
		}
		return storage.Credential{}, fmt.Errorf("credential: %w", storage.ErrNotFound)
	}
	var stored []byte
	c, err := scanCredential(rows, tenant, &stored)
	if err != nil {
		return storage.Credential{}, s.mapErr("get credential", err)
	}
	// The engine found the row by the hash already; comparing again in
	// constant time guards against a collation or driver that matched
	// loosely, and costs nothing.
	if subtle.ConstantTimeCompare(stored, tokenHash) != 1 {
		return storage.Credential{}, fmt.Errorf("credential: %w", storage.ErrNotFound)
	}
	return c, s.mapErr("get credential", rows.Close())
}

// TouchCredential moves the credential's last use forward to at.
func (s *Store) TouchCredential(ctx context.Context, tenant storage.TenantID, id string, at time.Time) error {
	if !asciiID(id) {
		return fmt.Errorf("credential %q: %w", id, storage.ErrNotFound)
	}
	ts := formatTime(at.UTC().Truncate(timePrecision))
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, sq.Update(credsTable).Set("last_used", ts).
			Where(sq.Eq{"tenant_id": string(tenant), "id": id}).
			Where(sq.Or{sq.Eq{"last_used": nil}, sq.Lt{"last_used": ts}}))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		// Nothing changed: a later use is recorded already, or no such
		// credential.
		return s.credentialExists(ctx, tx, tenant, id)
	})
	return s.mapErr("touch credential", err)
}

// credentialExists returns nil if the tenant has a credential with the ID,
// revoked or not, and ErrNotFound otherwise.
func (s *Store) credentialExists(ctx context.Context, q querier, tenant storage.TenantID, id string) error {
	var got string
	err := s.queryRow(ctx, q, sq.Select("id").From(credsTable).
		Where(sq.Eq{"tenant_id": string(tenant), "id": id}), &got)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("credential %q: %w", id, storage.ErrNotFound)
	}
	return err
}

// scanCredential scans credentialColumns, then extra, from the current row.
func scanCredential(rows *sql.Rows, tenant storage.TenantID, extra ...any) (storage.Credential, error) {
	c, err := scanCredentialWith(rows, nil, extra...)
	c.Tenant = tenant
	return c, err
}

// scanCredentialWith scans the columns before, then credentialColumns,
// then extra.
func scanCredentialWith(rows *sql.Rows, before []any, extra ...any) (storage.Credential, error) {
	var c storage.Credential
	var created string
	var lastUsed, revoked sql.NullString
	dest := append(append(before, &c.ID, &c.Name, &created, &lastUsed, &revoked), extra...)
	if err := rows.Scan(dest...); err != nil {
		return c, err
	}
	var err error
	if c.Created, err = parseStoredTime(created); err != nil {
		return c, err
	}
	if c.LastUsed, err = parseNullTime(lastUsed); err != nil {
		return c, err
	}
	c.Revoked, err = parseNullTime(revoked)
	return c, err
}

// parseNullTime parses a nullable stored time; NULL is nil.
func parseNullTime(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := parseStoredTime(s.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}
