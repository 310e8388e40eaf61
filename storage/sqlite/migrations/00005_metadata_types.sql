-- User metadata type locks; see the MySQL migration of the same number.

-- +goose Up
CREATE TABLE metadata_types (
  tenant_id TEXT NOT NULL,
  `key`     TEXT NOT NULL,
  type      TEXT NOT NULL,
  PRIMARY KEY (tenant_id, `key`)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE metadata_types;
