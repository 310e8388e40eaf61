// Scimd is a multi-tenant SCIM 2.0 provisioning and user-management server.
//
// Usage:
//
//	scimd serve [flags]
//	scimd tenant create NAME [--json] | list [--json] | delete NAME --yes
//	scimd token create --tenant NAME --name LABEL [--json]
//	scimd token list --tenant NAME [--json]
//	scimd token revoke --tenant NAME ID
//	scimd version
//
// The serve command opens the database named by --db, creates or migrates its
// tables, and serves HTTP on --addr until it receives SIGINT or SIGTERM. Each
// flag has an environment variable (SCIMD_ADDR, SCIMD_DB, SCIMD_LOG_FORMAT,
// SCIMD_LOG_LEVEL): the variable replaces the built-in default, and a flag
// given on the command line wins over the variable.
//
// The database is either SQLite, embedded in the process:
//
//	--db sqlite:./data/scimd.db
//
// or MySQL 8 / MariaDB 10.11+:
//
//	--db 'mysql://USER:PASSWORD@HOST:PORT/DBNAME?param=value'
//
// On its first start, when the database has no tenant, serve creates the
// tenant "default" with a SCIM credential and prints the tenant's SCIM base
// URL and bearer token to standard output, once.
//
// The tenant and token commands manage tenants and their SCIM bearer
// tokens in the database named by --db (or SCIMD_DB), with or without a
// running server. A token is printed once, when it is made; scimd stores
// only its SHA-256 hash. With --json, output is JSON on standard output and
// nothing else goes there; errors and warnings go to standard error.
//
// Run "scimd serve -h" for every flag.
package main
