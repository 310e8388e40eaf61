// Package sqlstore implements storage.Store once, over database/sql and
// squirrel, for every SQL engine scimd supports. What differs between
// engines is confined to a Dialect supplied by the backend packages
// (storage/mysql, storage/sqlite).
//
// Every statement is built with squirrel and every value is bound; table and
// column names come from constants in this package, never from a request.
package sqlstore
