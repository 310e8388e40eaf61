// Package directory is the one service every door calls: the SCIM API,
// the admin API and the CLI read and write users, groups, apps and their
// assignments, memberships, lifecycle and sessions, and tenant schemas
// through a Service, never through storage directly, so that each rule
// lives in one place.
//
// A door decodes its request, makes the Scope of the call (the tenant, its
// schema set, and the actor the audit log records) and calls the Service
// with values: decoded documents (json.Decoder.UseNumber), parsed PATCH
// requests (ParsePatch), preconditions as versions (Preconditions), never
// HTTP requests or headers. The Service holds the rules:
//
//   - documents and PATCH requests are checked against the tenant's
//     schemas by package schemas (ResourceType.Check, CheckPatchRequest,
//     CheckPatchOp), whose refusals name the attribute and say what to
//     fix, then validated with github.com/elimity-com/scim's schema
//     package (attribute names in any case, types, read-only and unknown
//     attributes dropped), after the client quirks are normalised
//     (quirks.go);
//   - a write leaves no multi-valued attribute with more values than
//     Config.MaxMultiValues (multivalues.go);
//   - a user's writes go through the lifecycle (status and active,
//     statusChangedAt, sessionsValidAfter), contact verification, profile
//     checks, tags, the password policy and hash, and metadata;
//   - PATCH requests are parsed and applied by package patch;
//   - filters are parsed by ParseFilter (scim2/filter-parser, with the
//     forms real clients send).
//
// Writes are named per resource type (schemas.UserType, schemas.GroupType):
// Create, Replace, Merge (the admin API's JSON merge patch), ParsePatch and
// Patch, Delete; reads are Get, List, EachMember and Lookup; the lifecycle
// actions are ChangeStatus, Login, InvalidateSessions and
// InvalidateTenantSessions; apps, assignments, members and tenant schemas
// have their own methods.
//
// Refusals are *Error values: a Kind each door maps to its status code, a
// SCIM error type, the attribute concerned and a detail for people. Errors
// of the store that are not the caller's (storage.ErrUnavailable,
// storage.ErrSchemaChanged) pass through unchanged.
package directory
