package admin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/scimd/scimd/storage"
)

// Role names, as they appear in the roles claim.
const (
	RolePlatformAdmin = "platform_admin"
	RoleTenantAdmin   = "tenant_admin"
	RoleAuditor       = "auditor"
)

// Defaults of OIDCConfig.
const (
	DefaultRolesClaim   = "scimd_roles"
	DefaultTenantsClaim = "scimd_tenants"
)

// DefaultSigningAlgs are the JWS algorithms accepted when
// OIDCConfig.SigningAlgs is empty.
var DefaultSigningAlgs = []string{oidc.RS256, oidc.ES256}

// OIDCConfig configures how admin tokens are verified.
type OIDCConfig struct {
	// Issuer is the issuer URL; its discovery document is read from
	// Issuer + "/.well-known/openid-configuration" and must name the same
	// issuer.
	Issuer string
	// Audience is the audience (aud) every token must carry: the admin
	// API's client ID or API identifier at the issuer.
	Audience string
	// RolesClaim names the claim holding the caller's roles (a string or
	// an array of strings); DefaultRolesClaim when empty.
	RolesClaim string
	// TenantsClaim names the claim holding the tenants a tenant_admin or
	// auditor may see (a string or an array of strings);
	// DefaultTenantsClaim when empty.
	TenantsClaim string
	// SigningAlgs are the accepted JWS algorithms; DefaultSigningAlgs when
	// empty.
	SigningAlgs []string
}

// An Authenticator turns bearer tokens into principals. Make one per
// process with NewAuthenticator and share it: it caches the issuer's keys.
type Authenticator struct {
	verifier     *oidc.IDTokenVerifier
	rolesClaim   string
	tenantsClaim string
}

// NewAuthenticator reads the issuer's discovery document (network I/O;
// pass oidc.ClientContext in ctx for a custom HTTP client) and returns an
// Authenticator for cfg.
func NewAuthenticator(ctx context.Context, cfg OIDCConfig) (*Authenticator, error) {
	if cfg.Issuer == "" {
		return nil, errors.New("admin: no OIDC issuer")
	}
	if cfg.Audience == "" {
		return nil, errors.New("admin: no OIDC audience")
	}
	provider, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("admin: OIDC discovery of %s: %w", cfg.Issuer, err)
	}
	algs := cfg.SigningAlgs
	if len(algs) == 0 {
		algs = DefaultSigningAlgs
	}
	a := &Authenticator{
		verifier: provider.VerifierContext(context.WithoutCancel(ctx), &oidc.Config{
			ClientID:             cfg.Audience,
			SupportedSigningAlgs: slices.Clone(algs),
		}),
		rolesClaim:   cfg.RolesClaim,
		tenantsClaim: cfg.TenantsClaim,
	}
	if a.rolesClaim == "" {
		a.rolesClaim = DefaultRolesClaim
	}
	if a.tenantsClaim == "" {
		a.tenantsClaim = DefaultTenantsClaim
	}
	return a, nil
}

// A Principal is an authenticated caller.
type Principal struct {
	Subject string
	// Roles are the caller's known roles; unknown role names are dropped.
	Roles []string
	// Tenants are the tenants a tenant_admin or auditor may see.
	Tenants []string
}

// has reports whether p holds role.
func (p Principal) has(role string) bool { return slices.Contains(p.Roles, role) }

// actor is the principal as the audit log records it.
func (p Principal) actor() storage.Actor {
	return storage.Actor{Kind: storage.ActorAdmin, ID: p.Subject, Name: p.Subject}
}

// anyRole reports whether p holds at least one known role.
func (p Principal) anyRole() bool { return len(p.Roles) > 0 }

// canRead reports whether p may read tenant's data.
func (p Principal) canRead(tenant string) bool {
	if p.has(RolePlatformAdmin) {
		return true
	}
	return (p.has(RoleTenantAdmin) || p.has(RoleAuditor)) && slices.Contains(p.Tenants, tenant)
}

// canWrite reports whether p may change tenant's data (not create or
// delete the tenant itself: that is platform_admin's alone).
func (p Principal) canWrite(tenant string) bool {
	if p.has(RolePlatformAdmin) {
		return true
	}
	return p.has(RoleTenantAdmin) && slices.Contains(p.Tenants, tenant)
}

// errTokenExpired is returned by Authenticate for a token past its expiry.
var errTokenExpired = errors.New("the token has expired")

// Authenticate verifies a raw JWT and returns its principal. Any error
// means the token is not acceptable (401); errTokenExpired tells expiry
// apart. Errors never contain the token.
func (a *Authenticator) Authenticate(ctx context.Context, raw string) (Principal, error) {
	tok, err := a.verifier.Verify(ctx, raw)
	if err != nil {
		if _, ok := errors.AsType[*oidc.TokenExpiredError](err); ok {
			return Principal{}, errTokenExpired
		}
		return Principal{}, err
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return Principal{}, err
	}
	p := Principal{Subject: tok.Subject}
	for _, r := range stringList(claims[a.rolesClaim]) {
		switch r {
		case RolePlatformAdmin, RoleTenantAdmin, RoleAuditor:
			if !slices.Contains(p.Roles, r) {
				p.Roles = append(p.Roles, r)
			}
		}
	}
	p.Tenants = stringList(claims[a.tenantsClaim])
	return p, nil
}

// stringList reads a claim that is a string (space- or comma-separated
// values) or an array of strings; anything else is no values.
func stringList(v any) []string {
	switch v := v.(type) {
	case string:
		return strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' })
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
