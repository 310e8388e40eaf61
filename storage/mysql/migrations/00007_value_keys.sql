-- Sort keys for indexed strings. attr_values_str indexed a 255-byte prefix
-- of v_str, a MEDIUMBLOB: MySQL finds rows through a prefix index but cannot
-- read them in order from it, so every sortBy on an attribute held in
-- attr_values sorted all of the tenant's matches. v_key holds the first 1024
-- bytes of v_str, completed to the end of a UTF-8 character that byte 1024
-- falls inside (so at most 1027 bytes, always whole characters, and the keys
-- of two values order as the values do, ties aside). attr_values_key serves
-- both filters (a bound on v_key, then the exact compare on v_str) and sorts
-- (read in index order). Values that share their key sort by id among
-- themselves, as values sharing their first 1024 bytes already did under
-- MySQL's and MariaDB's default max_sort_length. sqlstore.strKey makes the
-- same cut in Go; the two must stay the same. Version 6 is a Go migration
-- (sqlstore.goMigrations).

-- +goose Up
ALTER TABLE attr_values
  ADD COLUMN v_key VARBINARY(1027) GENERATED ALWAYS AS (CASE
    WHEN LENGTH(v_str) <= 1024 THEN v_str
    WHEN ASCII(SUBSTRING(v_str, 1025, 1)) & 192 <> 128 THEN LEFT(v_str, 1024)
    WHEN ASCII(SUBSTRING(v_str, 1026, 1)) & 192 <> 128 THEN LEFT(v_str, 1025)
    WHEN ASCII(SUBSTRING(v_str, 1027, 1)) & 192 <> 128 THEN LEFT(v_str, 1026)
    ELSE LEFT(v_str, 1027)
  END) STORED,
  DROP INDEX attr_values_str,
  ADD INDEX attr_values_key (tenant_id, rtype, attr, v_key);

-- +goose Down
ALTER TABLE attr_values
  DROP INDEX attr_values_key,
  DROP COLUMN v_key,
  ADD INDEX attr_values_str (tenant_id, rtype, attr, v_str(255));
