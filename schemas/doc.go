// Package schemas holds scimd's SCIM schemas as values: the core User and
// Group schemas, the Enterprise User extension, and the resource types built
// from them. The rest of scimd reads attribute characteristics (type,
// caseExact, mutability, returned, uniqueness) from here instead of keeping
// lists of its own.
//
// A Set is the complete schema of one tenant at one version; a Registry hands
// out the Set of each tenant.
package schemas
