// Package sqltest holds the tests of how the SQL stores run their queries,
// which the storage contract (storage/storagetest) cannot see: RunPlanTests
// reads the engine's EXPLAIN for the lookups identity providers send most
// and counts the rows or pages they examine, and counts the SQL statements
// of a membership change in a small group and a big one. storage/sqlite and
// storage/mysql run it against a sqlstore.Store of their engine.
package sqltest
