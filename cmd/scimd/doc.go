// Scimd is a multi-tenant SCIM 2.0 provisioning and user-management server.
//
// Usage:
//
//	scimd serve [flags]
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
// Run "scimd serve -h" for every flag.
package main
