// Package admin is scimd's admin API: a JSON API under /admin/v1 through
// which platform operators and tenant admins manage tenants, their SCIM
// credentials, their custom schemas, their users and their groups.
//
// Callers authenticate with bearer JWTs from one OIDC issuer, verified with
// go-oidc (issuer, audience, expiry, signature, allowed algorithms; see
// Authenticator). Roles come from a claim of the token:
//
//	platform_admin  every tenant, every endpoint
//	tenant_admin    the tenants listed in the tenants claim, read and write,
//	                but neither creating nor deleting tenants
//	auditor         the tenants listed in the tenants claim, GET only
//
// Every error is one JSON object,
//
//	{"status": 403, "error": "forbidden", "detail": "..."}
//
// where status repeats the HTTP status, error is a short stable code
// (bad_request, unauthorized, forbidden, not_found, method_not_allowed,
// conflict, payload_too_large, internal) and detail is a sentence for
// people. 401 answers carry WWW-Authenticate: Bearer.
//
// The package sees storage through the storage.Store interface only; it
// knows nothing of SQL. The endpoints are listed once, in routes, which
// both the mux and the OpenAPI test (openapi.json, served at
// /admin/v1/openapi.json) read.
package admin
