-- Tenant schemas; see the MySQL migration of the same number.

-- +goose Up
ALTER TABLE tenants ADD COLUMN schema_version INTEGER NOT NULL DEFAULT 0;

CREATE TABLE tenant_schemas (
  tenant_id  TEXT NOT NULL,
  version    INTEGER NOT NULL,
  definition TEXT NOT NULL,
  created    TEXT NOT NULL,
  PRIMARY KEY (tenant_id, version)
) WITHOUT ROWID;

CREATE TABLE unique_values (
  tenant_id   TEXT NOT NULL,
  rtype       INTEGER NOT NULL,
  attr        TEXT NOT NULL,
  value       TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  PRIMARY KEY (tenant_id, rtype, attr, value)
) WITHOUT ROWID;
CREATE INDEX unique_values_resource ON unique_values (tenant_id, rtype, resource_id);

-- +goose Down
DROP TABLE unique_values;
DROP TABLE tenant_schemas;
ALTER TABLE tenants DROP COLUMN schema_version;
