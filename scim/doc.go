// Package scim serves the SCIM 2.0 protocol (RFC 7643, RFC 7644) for every
// tenant under /tenants/{tenant}/scim/v2/.
//
// Each tenant is served by its own github.com/elimity-com/scim server, built
// from the tenant's schema set and cached by schema version. scimd answers
// what that library leaves out or gets wrong itself: authentication, lists
// (filters, sorting, projection, index and cursor pagination), reads with
// ETags, the ServiceProviderConfig, the PATCH engine (package patch), and one
// mapping from storage errors to SCIM errors that never leaks internal text.
//
// The package knows nothing of SQL: it talks to storage.Store only.
package scim
