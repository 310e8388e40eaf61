// Package storage defines how scimd persists tenants, users, groups and group
// memberships, independent of any database.
//
// Every method of Store takes the tenant as an argument and touches that
// tenant's rows only. Errors that callers act on are the sentinels below
// (test them with errors.Is) and the typed errors FilterError and ValueError
// (test them with errors.As); anything else is an internal failure whose text
// must not reach a client.
//
// The SQL backends live in storage/sqlite and storage/mysql; both share one
// squirrel-based implementation in storage/internal/sqlstore.
package storage
