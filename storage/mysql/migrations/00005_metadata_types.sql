-- User metadata type locks: the first JSON type (string, number, boolean or
-- object) a tenant stores under a top-level metadata key is the only type
-- that key takes in the tenant. key is the lower-case key (keys are
-- case-insensitive); rows are only ever added, inside the transaction that
-- writes the first value, and leave with the tenant.

-- +goose Up
CREATE TABLE metadata_types (
  tenant_id VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `key`     VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  type      VARCHAR(8) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (tenant_id, `key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE metadata_types;
