-- SCIM credentials; see the MySQL migration of the same number. SQLite
-- keeps names unique among a tenant's valid credentials with a partial index
-- instead of a generated column.

-- +goose Up
CREATE TABLE credentials (
  tenant_id  TEXT NOT NULL,
  id         TEXT NOT NULL,
  name       TEXT NOT NULL,
  token_hash BLOB NOT NULL,
  created    TEXT NOT NULL,
  last_used  TEXT,
  revoked    TEXT,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX credentials_token_hash ON credentials (tenant_id, token_hash);
CREATE UNIQUE INDEX credentials_active_name ON credentials (tenant_id, name) WHERE revoked IS NULL;

-- +goose Down
DROP TABLE credentials;
