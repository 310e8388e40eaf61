// Package scim serves the SCIM 2.0 protocol (RFC 7643, RFC 7644) for every
// tenant under /tenants/{tenant}/scim/v2/.
//
// It is a door of the directory service (package directory), which holds
// every rule about users, groups and apps. One route table (routes.go) of
// ServeMux patterns names every endpoint; Register mounts it. A request
// reads as a straight line: the route's handler authenticates it, decodes
// its body once, calls the service and answers with the resource as
// stored; a handler returns its error, which one function maps to a SCIM
// error body (toSCIMError). This package owns the protocol:
// authentication and rate limits, lists (filters, sorting, projection,
// index and cursor pagination), reads with ETags and preconditions,
// discovery and the ServiceProviderConfig, and one mapping from errors to
// SCIM error bodies that never leaks internal text.
//
// The package knows nothing of SQL: it talks to the directory service, and
// to storage.Store only to authenticate credentials.
package scim
