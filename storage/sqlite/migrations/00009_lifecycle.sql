-- User lifecycle: the tenant-wide "sessions valid after" time and the
-- tenant's tag keys; see the MySQL migration of the same number.

-- +goose Up
ALTER TABLE tenants ADD COLUMN sessions_valid_after TEXT;

CREATE TABLE tag_keys (
  tenant_id TEXT NOT NULL,
  `key`     TEXT NOT NULL,
  users     INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, `key`)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE tag_keys;
ALTER TABLE tenants DROP COLUMN sessions_valid_after;
