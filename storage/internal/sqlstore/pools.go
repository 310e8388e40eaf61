package sqlstore

import "database/sql"

// Pools returns the store's connection pools by role, for monitoring (such
// as a collector of sql.DBStats): "read", which serves queries outside
// transactions, and "write", which serves transactions. When both roles
// share one pool, as with MySQL, it is listed once, as "read". The caller
// must not close the pools; Close does.
func (s *Store) Pools() map[string]*sql.DB {
	if s.write == s.read {
		return map[string]*sql.DB{"read": s.read}
	}
	return map[string]*sql.DB{"read": s.read, "write": s.write}
}
